//! The edition's published data in the package: each file in the payload,
//! listed in manifest.json with its digests, and covered by the bag's
//! manifests; a package of the editions alone stays as it was.

use super::support::{Fixture, file};
use crate::data;
use crate::digest::{sha256 as sha256_hex, sha512 as sha512_hex};
use crate::package::manifest::{Artifact, VerificationManifest};
use crate::package::{PackageInputs, build};

fn listed_and_carried(artifact: &Artifact, package: &crate::package::Package, bytes: &[u8]) {
    assert_eq!(artifact.media_type, "application/json");
    assert_eq!(artifact.size, bytes.len() as u64);
    assert_eq!(artifact.sha256, sha256_hex(bytes));
    assert_eq!(artifact.sha512, sha512_hex(bytes));
    assert_eq!(file(package, &format!("data/{}", artifact.path)), bytes);
    let manifest = String::from_utf8(file(package, "manifest-sha256.txt").to_vec()).unwrap();
    let line = format!("{}  data/{}", sha256_hex(bytes), artifact.path);
    assert!(manifest.lines().any(|l| l == line), "{line}");
}

#[test]
fn the_data_files_are_in_the_payload_and_listed_with_their_digests() {
    let fixture = Fixture::sample();
    let published = data::publish(&fixture.edition);
    let inputs = PackageInputs {
        data: Some(&published),
        ..fixture.inputs()
    };
    let package = build(&inputs).expect("the package builds");
    let manifest: VerificationManifest =
        serde_json::from_slice(file(&package, "data/manifest.json")).unwrap();

    let edition = &manifest.artifacts[2];
    assert_eq!(edition.path, format!("edition/{}.json", fixture.edition.id));
    listed_and_carried(edition, &package, &published.edition.bytes);

    assert_eq!(manifest.documents.len(), published.documents.len());
    for (entry, data) in manifest.documents.iter().zip(&published.documents) {
        let listed: Vec<_> = entry
            .files
            .iter()
            .filter(|file| file.media_type == data::MEDIA_TYPE)
            .collect();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].path, data.path);
        listed_and_carried(listed[0], &package, &data.bytes);
        let document = data::read_document(&data.bytes).unwrap();
        assert_eq!(Some(document.uri), entry.uri);
    }
}

#[test]
fn without_data_the_manifest_names_no_data_files() {
    let fixture = Fixture::sample();
    let package = build(&fixture.inputs()).expect("the package builds");
    let json = String::from_utf8(file(&package, "data/manifest.json").to_vec()).unwrap();
    assert!(!json.contains("\"application/json\""), "{json}");
    assert!(
        !package
            .files
            .iter()
            .any(|(path, _)| path.ends_with(".json") && path.starts_with("data/documents/"))
    );
}
