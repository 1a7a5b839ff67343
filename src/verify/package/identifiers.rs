//! The signed manifest's identifiers against the rules that build them from
//! the gazette's short name, the year and the issue number (clause 4.1,
//! ID-1 to ID-7): a producer that got one wrong publishes an edition whose
//! citations name something else, however well it is sealed.

use crate::identifier::Base;
use crate::package::manifest::VerificationManifest;

/// What the manifest's identifiers break, one sentence each.
pub(super) fn check(manifest: &VerificationManifest) -> Vec<String> {
    let edition = &manifest.edition;
    let mut found = Vec::new();
    let name = &edition.gazette;
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if name.is_empty() || name.len() > 64 || name.starts_with('-') || !name.chars().all(allowed) {
        found.push(format!(
            "the gazette's short name {name:?} is not 1 to 64 of a–z, 0–9 and '-', not starting \
             with '-' (ID-1)"
        ));
    }
    let id = format!("{name}-{:04}-{:02}", edition.year, edition.number);
    if edition.id != id {
        found.push(format!(
            "the edition is identified as {:?}, not {id:?} (ID-2)",
            edition.id
        ));
    }
    let Some(base) = base_of(&edition.uri, name, edition.year, edition.number) else {
        found.push(format!(
            "the edition's URI {:?} is neither urn:gazette:{name}:{}:{} nor a base URL followed \
             by /{}/{} (ID-3, ID-4)",
            edition.uri, edition.year, edition.number, edition.year, edition.number
        ));
        return found;
    };
    for (index, document) in manifest.documents.iter().enumerate() {
        let position = index + 1;
        let uri = base.document(&edition.uri, position);
        if let Some(given) = document.uri.as_ref().filter(|given| **given != uri) {
            found.push(format!(
                "document {position}, \"{}\", is identified as {given:?}, not {uri:?} (ID-5)",
                document.title
            ));
        }
        let own = format!("documents/{}-{position:02}.", edition.id);
        let misnamed = document
            .files
            .iter()
            .find(|file| file.path.starts_with("documents/") && !file.path.starts_with(&own));
        if let Some(file) = misnamed {
            found.push(format!(
                "document {position}'s file {} is not named {own}… (ID-7)",
                file.path
            ));
        }
    }
    found
}

/// The base `uri` is built on, when it is the identifier of issue `number`
/// of `year`: the gazette's URN, or a base URL that ID-4 allows.
fn base_of(uri: &str, gazette: &str, year: u16, number: u32) -> Option<Base> {
    let base = if uri.starts_with("urn:") {
        Base::urn(gazette)
    } else {
        let url = uri.strip_suffix(&format!("/{year}/{number}"))?;
        Base::url(url).ok()?
    };
    (base.edition(year, number) == uri).then_some(base)
}

#[cfg(test)]
mod tests {
    use super::super::tests::unsealed_manifest as manifest;
    use super::*;

    /// A change to a manifest whose identifiers follow the rules.
    type Break = fn(&mut VerificationManifest);

    const URN: &str = "urn:gazette:shanghai-gazette:2025:8";
    const URL: &str = "https://gazette.example.gov.cn/eli/cn-sh/gazette/2025/8";

    #[test]
    fn identifiers_built_by_the_rules_pass() {
        assert_eq!(check(&manifest(URN)), Vec::<String>::new());
        assert_eq!(check(&manifest(URL)), Vec::<String>::new());
    }

    #[test]
    fn each_broken_rule_is_named() {
        let cases: [(&str, Break); 6] = [
            ("ID-1", |m| m.edition.gazette = "Shanghai-Gazette".into()),
            ("ID-2", |m| m.edition.id = "shanghai-gazette-2025-8".into()),
            ("ID-3", |m| {
                m.edition.uri = "urn:gazette:shanghai:2025:8".into()
            }),
            ("ID-4", |m| {
                m.edition.uri = format!("{URL}/").replace("/2025/8/", "/2025/08")
            }),
            ("ID-5", |m| m.documents[1].uri = Some(format!("{URN}:3"))),
            ("ID-7", |m| {
                m.documents[0].files[1].path = "documents/shanghai-gazette-2025-08-1.json".into()
            }),
        ];
        for (rule, break_it) in cases {
            let mut broken = manifest(URN);
            break_it(&mut broken);
            let found = check(&broken);
            assert!(found.iter().any(|f| f.contains(rule)), "{rule}: {found:?}");
        }
    }
}
