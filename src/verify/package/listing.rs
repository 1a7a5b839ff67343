//! The data forms manifest.json must list beside the editions: the
//! edition's JSON and Akoma Ntoso files in `artifacts[]` (MAN-7), and each
//! document's in its `files[]`, with its own PDF when there is one (MAN-12),
//! each under its media type. A manifest that leaves one out, or lists it as
//! something else, describes an edition whose machine-readable form nobody
//! can find or check.

use crate::package::manifest::{Artifact, VerificationManifest};

const JSON: &str = "application/json";
const AKN: &str = "application/akn+xml";
const PDF: &str = "application/pdf";

/// What the manifest's listing of the data forms breaks, one sentence each.
/// A manifest written before format 1.0 (without the verification code
/// MAN-23 adds) may lack the edition's data forms, and a document entry
/// without `files` its own; what is listed must still be listed right.
pub(super) fn check(manifest: &VerificationManifest) -> Vec<String> {
    let id = &manifest.edition.id;
    let since_1_0 = manifest.verification_code.is_some();
    let mut found = Vec::new();
    for (path, media_type) in [
        (format!("edition/{id}.json"), JSON),
        (format!("edition/{id}.akn.xml"), AKN),
    ] {
        found.extend(listed(
            &manifest.artifacts,
            "artifacts[]",
            &path,
            media_type,
            since_1_0,
        ));
    }
    for (index, document) in manifest.documents.iter().enumerate() {
        if document.files.is_empty() {
            continue;
        }
        let stem = format!("documents/{id}-{:02}", index + 1);
        let within = format!("document {}'s files[]", index + 1);
        for (path, media_type, required) in [
            (format!("{stem}.json"), JSON, true),
            (format!("{stem}.akn.xml"), AKN, true),
            (format!("{stem}.pdf"), PDF, false),
        ] {
            found.extend(listed(
                &document.files,
                &within,
                &path,
                media_type,
                required,
            ));
        }
    }
    found
}

/// Why `path` is not in `list` as `media_type`, if it is not: missing (when
/// `required`) or listed as another type.
fn listed(
    list: &[Artifact],
    within: &str,
    path: &str,
    media_type: &str,
    required: bool,
) -> Option<String> {
    match list.iter().find(|artifact| artifact.path == path) {
        Some(artifact) if artifact.media_type != media_type => Some(format!(
            "{within} lists {path} as {}, not {media_type}",
            artifact.media_type
        )),
        None if required => Some(format!("{within} does not list {path} ({media_type})")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::unsealed_manifest as manifest;
    use super::*;

    const URN: &str = "urn:gazette:shanghai-gazette:2025:8";

    #[test]
    fn a_manifest_that_lists_every_data_form_passes() {
        assert_eq!(check(&manifest(URN)), Vec::<String>::new());
    }

    #[test]
    fn a_data_form_left_out_or_mistyped_is_named() {
        let mut mistyped = manifest(URN);
        let akn = mistyped
            .artifacts
            .iter_mut()
            .find(|a| a.path.ends_with(".akn.xml"))
            .expect("the edition's Akoma Ntoso");
        akn.media_type = "application/xml".into();
        assert_eq!(
            check(&mistyped),
            [
                "artifacts[] lists edition/shanghai-gazette-2025-08.akn.xml as application/xml, \
              not application/akn+xml"
            ]
        );

        let mut left_out = manifest(URN);
        left_out.documents[0]
            .files
            .retain(|file| !file.path.ends_with(".json"));
        assert_eq!(
            check(&left_out),
            [
                "document 1's files[] does not list documents/shanghai-gazette-2025-08-01.json \
              (application/json)"
            ]
        );
    }

    #[test]
    fn a_manifest_before_1_0_may_lack_the_data_forms() {
        let mut before = manifest(URN);
        before.verification_code = None;
        before
            .artifacts
            .retain(|a| a.media_type != JSON && a.media_type != AKN);
        for document in &mut before.documents {
            document.files.clear();
        }
        assert_eq!(check(&before), Vec::<String>::new());
    }
}
