//! What reading manifest.json into its types leaves unchecked of the form
//! Appendix B's schema gives it: its last byte (MAN-3), how its digests are
//! spelt (MAN-5), the values a document's disclosure may take (MAN-21) and
//! the members a 1.0 manifest may not leave out (MAN-23). A manifest of
//! another form is no verification manifest, whatever its seal says.

use crate::package::manifest::{Artifact, SourceFile, VerificationManifest};

/// `documents[].disclosure`, as MAN-21 lists them.
const DISCLOSURES: [&str; 3] = ["proactive", "on-request", "withheld"];

/// Why `json`, read as `manifest`, is not of the schema's form.
pub(super) fn check(json: &[u8], manifest: &VerificationManifest) -> Result<(), String> {
    if !json.ends_with(b"\n") {
        return Err("it does not end with a line feed".into());
    }
    for (what, digest, digits) in digests(manifest) {
        let lowercase_hex = digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if digest.len() != digits || !lowercase_hex {
            return Err(format!(
                "the digest of {what}, {digest:?}, is not {digits} lowercase hex digits"
            ));
        }
    }
    if let Some(document) = manifest
        .documents
        .iter()
        .find(|document| !DISCLOSURES.contains(&document.disclosure.as_str()))
    {
        return Err(format!(
            "the disclosure of \"{}\", {:?}, is none of {}",
            document.title,
            document.disclosure,
            DISCLOSURES.join(", ")
        ));
    }
    match left_out_of_1_0(manifest).as_slice() {
        [] => Ok(()),
        missing => Err(format!(
            "it gives verification_code, as a 1.0 producer writes it, but leaves out {} \
             (MAN-23)",
            missing.join(", ")
        )),
    }
}

/// The members MAN-23 asks of a 1.0 manifest that `manifest` leaves out. A
/// manifest without `verification_code` was written before 1.0, when none
/// of them was written.
fn left_out_of_1_0(manifest: &VerificationManifest) -> Vec<String> {
    if manifest.verification_code.is_none() {
        return Vec::new();
    }
    let mut missing = Vec::new();
    if manifest.verify_url.is_none() {
        missing.push("verify_url".to_owned());
    }
    for (index, document) in manifest.documents.iter().enumerate() {
        let members = [
            ("uri", document.uri.is_none()),
            ("files", document.files.is_empty()),
            ("verification_code", document.verification_code.is_none()),
            ("verify_url", document.verify_url.is_none()),
        ];
        missing.extend(
            members
                .into_iter()
                .filter(|(_, absent)| *absent)
                .map(|(member, _)| format!("documents[{index}].{member}")),
        );
    }
    missing
}

/// Every digest of the manifest: what it is of, its hex, and how many digits
/// it must have.
fn digests(manifest: &VerificationManifest) -> Vec<(String, &str, usize)> {
    fn artifact(artifact: &Artifact) -> [(String, &str, usize); 2] {
        [
            (artifact.path.clone(), &artifact.sha256, 64),
            (artifact.path.clone(), &artifact.sha512, 128),
        ]
    }
    fn source(source: &SourceFile) -> (String, &str, usize) {
        (source.path.clone(), &source.sha256, 64)
    }
    let build = &manifest.build;
    let mut found: Vec<(String, &str, usize)> = manifest
        .artifacts
        .iter()
        .chain(manifest.documents.iter().flat_map(|d| &d.files))
        .flat_map(artifact)
        .collect();
    found.extend(
        manifest
            .documents
            .iter()
            .flat_map(|d| &d.sources)
            .chain([&build.manifest])
            .chain(&build.sources)
            .chain(&build.templates)
            .chain(&build.fonts)
            .map(source),
    );
    found.extend(manifest.seal.iter().map(|seal| {
        (
            "the seal certificate".to_owned(),
            seal.certificate_sha256.as_str(),
            64,
        )
    }));
    found
}

#[cfg(test)]
mod tests {
    use super::super::tests::unsealed_manifest;
    use super::*;

    fn manifest() -> VerificationManifest {
        unsealed_manifest("urn:gazette:shanghai-gazette:2025:8")
    }

    #[test]
    fn a_manifest_of_the_schemas_form_passes() {
        assert_eq!(check(b"{}\n", &manifest()), Ok(()));
    }

    #[test]
    fn a_1_0_manifest_leaves_out_none_of_the_members_man_23_asks() {
        let mut without = manifest();
        without.documents[1].verify_url = None;
        let error = check(b"{}\n", &without).unwrap_err();
        assert!(
            error.contains("documents[1].verify_url") && error.contains("MAN-23"),
            "{error}"
        );
        // Without verification_code it was written before 1.0, which wrote none.
        without.verification_code = None;
        assert_eq!(check(b"{}\n", &without), Ok(()));
    }

    #[test]
    fn the_last_byte_is_a_line_feed() {
        let error = check(b"{}", &manifest()).unwrap_err();
        assert!(error.contains("line feed"), "{error}");
    }

    #[test]
    fn digests_are_lowercase_hex_of_their_length() {
        let mut upper = manifest();
        upper.build.manifest.sha256 = "A".repeat(64);
        let error = check(b"{}\n", &upper).unwrap_err();
        assert!(error.contains("issue.toml"), "{error}");

        let mut short = manifest();
        short.artifacts[0].sha512 = "f".repeat(64);
        let error = check(b"{}\n", &short).unwrap_err();
        assert!(error.contains("128 lowercase hex digits"), "{error}");
    }

    #[test]
    fn a_disclosure_is_one_of_three() {
        let mut public = manifest();
        public.documents[0].disclosure = "public".into();
        let error = check(b"{}\n", &public).unwrap_err();
        assert!(error.contains("\"public\""), "{error}");
    }
}
