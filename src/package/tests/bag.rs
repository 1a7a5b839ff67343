//! The bag: tag files byte for byte, manifests that cover exactly the
//! payload, the layout's file order, and a zip that is the same bytes every
//! time and holds nothing outside its top folder.

use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

use super::support::{Fixture, TOOL_VERSION, file, sha256_hex, sha512_hex, text};
use crate::cms::load_pem_certificates;
use crate::package::{Package, bag_folder_name, zip_name};

fn payload(package: &Package) -> Vec<(&str, &[u8])> {
    package
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("data/"))
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
        .collect()
}

/// `<digest>  <path>` lines as (path, digest).
fn manifest_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            let (digest, path) = line
                .split_once("  ")
                .expect("two spaces between digest and path");
            (path.to_owned(), digest.to_owned())
        })
        .collect()
}

fn sealed_package() -> (Fixture, Package) {
    let fixture = Fixture::sealed("seal-rsa-chain.pem");
    let package = fixture.build(Some("seal-rsa.key.pem"));
    (fixture, package)
}

#[test]
fn bagit_txt_is_the_declaration_byte_for_byte() {
    let (_, package) = sealed_package();
    assert_eq!(
        text(&package, "bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
}

#[test]
fn bag_info_names_the_edition_in_the_layouts_order() {
    let (fixture, package) = sealed_package();
    let payload = payload(&package);
    let octets: usize = payload.iter().map(|(_, bytes)| bytes.len()).sum();
    let edition = &fixture.edition;
    let date = edition.issue.date.iso();
    let expected = [
        format!("Source-Organization: {}", edition.gazette.publisher),
        format!("External-Identifier: {}", edition.uri),
        format!(
            "External-Description: {} {}年第{}期（总第{}期）, digital edition",
            edition.gazette.title,
            edition.issue.year,
            edition.issue.number,
            edition.issue.running.unwrap()
        ),
        format!("Bagging-Date: {date}"),
        format!("Payload-Oxum: {octets}.{}", payload.len()),
        format!("Bag-Software-Agent: gazette {TOOL_VERSION}"),
        format!("Gazette-Id: {}", edition.id),
        format!("Gazette-Title: {}", edition.gazette.title),
        format!(
            "Gazette-Issue: {}-{}",
            edition.issue.year, edition.issue.number
        ),
        format!("Gazette-Running-Number: {}", edition.issue.running.unwrap()),
        format!("Gazette-Issue-Date: {date}"),
        format!("Gazette-ISSN: {}", edition.gazette.issn.clone().unwrap()),
    ];
    let lines: Vec<&str> = text(&package, "bag-info.txt")
        .split_terminator('\n')
        .collect();
    assert_eq!(lines, expected);
    assert!(text(&package, "bag-info.txt").ends_with('\n'));
}

#[test]
fn bag_info_leaves_out_what_the_issue_does_not_know() {
    let mut fixture = Fixture::sample();
    fixture.edition.issue.running = None;
    fixture.edition.gazette.issn = None;
    let package = fixture.build(None);
    let info = text(&package, "bag-info.txt");
    assert!(
        !info.contains("Gazette-Running-Number") && !info.contains("Gazette-ISSN"),
        "{info}"
    );
    assert!(!info.contains("总第"), "{info}");
    assert!(info.contains(&format!(
        "Gazette-Issue-Date: {}\n",
        fixture.edition.issue.date.iso()
    )));
}

#[test]
fn the_manifests_list_every_payload_file_once_sorted_with_its_digests() {
    let (_, package) = sealed_package();
    let payload = payload(&package);
    for (manifest, digest) in [
        ("manifest-sha256.txt", sha256_hex as fn(&[u8]) -> String),
        ("manifest-sha512.txt", sha512_hex),
    ] {
        let lines = manifest_lines(text(&package, manifest));
        let paths: Vec<&str> = lines.iter().map(|(path, _)| path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted, "{manifest} is sorted, each path once");
        let mut expected: Vec<(String, String)> = payload
            .iter()
            .map(|(path, bytes)| (path.to_string(), digest(bytes)))
            .collect();
        expected.sort();
        assert_eq!(lines, expected, "{manifest}");
    }
}

#[test]
fn the_tag_manifests_cover_the_other_tag_files() {
    let (_, package) = sealed_package();
    let tagged = [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ];
    for (manifest, digest) in [
        ("tagmanifest-sha256.txt", sha256_hex as fn(&[u8]) -> String),
        ("tagmanifest-sha512.txt", sha512_hex),
    ] {
        let expected: Vec<(String, String)> = tagged
            .iter()
            .map(|path| (path.to_string(), digest(file(&package, path))))
            .collect();
        assert_eq!(
            manifest_lines(text(&package, manifest)),
            expected,
            "{manifest}"
        );
    }
}

#[test]
fn the_files_come_in_the_layouts_order_with_the_payload_in_place() {
    let (fixture, package) = sealed_package();
    let id = &fixture.edition.id;
    let paths: Vec<&str> = package
        .files
        .iter()
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(paths[..2], ["bagit.txt", "bag-info.txt"]);
    assert_eq!(
        paths[paths.len() - 4..],
        [
            "manifest-sha256.txt",
            "manifest-sha512.txt",
            "tagmanifest-sha256.txt",
            "tagmanifest-sha512.txt"
        ]
    );
    let data = &paths[2..paths.len() - 4];
    assert!(data.iter().all(|path| path.starts_with("data/")));
    assert!(data.is_sorted(), "{data:?}");

    let mut expected = vec![
        "data/certificates/issuer-1.pem".to_owned(),
        "data/certificates/issuer-2.pem".to_owned(),
        "data/certificates/seal.pem".to_owned(),
        format!("data/edition/{id}.akn.xml"),
        format!("data/edition/{id}.epub"),
        format!("data/edition/{id}.pdf"),
        "data/manifest.json".to_owned(),
        "data/manifest.json.p7s".to_owned(),
        "data/source/issue.toml".to_owned(),
    ];
    let manifest = crate::package::verification_manifest(&fixture.inputs()).unwrap();
    expected.extend(
        (1..=manifest.documents.len()).map(|n| format!("data/documents/{id}-{n:02}.akn.xml")),
    );
    expected.extend(
        manifest
            .build
            .sources
            .iter()
            .map(|s| format!("data/source/{}", s.path)),
    );
    expected.sort();
    assert_eq!(data, expected);

    assert_eq!(
        file(&package, "data/manifest.json"),
        package.manifest_json.as_slice()
    );
    assert_eq!(
        Some(file(&package, "data/manifest.json.p7s")),
        package.signature.as_deref()
    );
    let issue_toml = std::fs::read(fixture.root.join("issue.toml")).unwrap();
    assert_eq!(
        file(&package, "data/source/issue.toml"),
        issue_toml.as_slice()
    );
    for source in &manifest.build.sources {
        let bytes = std::fs::read(fixture.root.join(&source.path)).unwrap();
        assert_eq!(
            file(&package, &format!("data/source/{}", source.path)),
            bytes.as_slice()
        );
    }
    let chain = fixture.chain.as_ref().unwrap();
    for (index, name) in ["seal", "issuer-1", "issuer-2"].iter().enumerate() {
        let pem = file(&package, &format!("data/certificates/{name}.pem"));
        assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----\n"));
        assert!(!pem.contains(&b'\r'));
        assert_eq!(load_pem_certificates(pem).unwrap(), [chain[index].clone()]);
    }
}

#[test]
fn an_unsealed_bag_has_no_signature_and_no_certificates() {
    let package = Fixture::sample().build(None);
    assert_eq!(package.signature, None);
    assert!(
        package
            .files
            .iter()
            .all(|(path, _)| !path.contains("certificates/") && !path.ends_with(".p7s"))
    );
}

#[test]
fn the_signature_verifies_over_manifest_json() {
    let (fixture, package) = sealed_package();
    let chain = fixture.chain.as_ref().unwrap();
    let root = chain.last().unwrap().clone();
    let at = crate::cms::UnixTime(1_755_187_200); // 2025-08-15T00:00:00+08:00
    let signature = package.signature.as_deref().unwrap();
    let check = crate::cms::verify_detached(
        signature,
        &[&package.manifest_json],
        at,
        std::slice::from_ref(&root),
    )
    .unwrap();
    assert!(check.valid, "{:?}", check.problems);
    let mut altered = package.manifest_json.clone();
    altered[10] ^= 1;
    let check = crate::cms::verify_detached(signature, &[&altered], at, &[root]).unwrap();
    assert!(!check.valid && !check.digest_matches);
}

#[test]
fn the_same_inputs_give_the_same_zip() {
    let (fixture, first) = sealed_package();
    let second = fixture.build(Some("seal-rsa.key.pem"));
    assert_eq!(
        first.signature, second.signature,
        "PKCS#1 v1.5 signatures are deterministic"
    );
    assert_eq!(first, second);
    assert_eq!(first.zip, second.zip);
}

#[test]
fn the_zip_holds_the_bag_under_its_top_folder_and_nothing_else() {
    let (fixture, package) = sealed_package();
    let id = &fixture.edition.id;
    assert_eq!(bag_folder_name(id), format!("{id}.bag"));
    assert_eq!(zip_name(id), format!("{id}.bag.zip"));
    let top = format!("{id}.bag/");
    let date = fixture.edition.issue.date;
    let mut archive = ZipArchive::new(Cursor::new(&package.zip)).expect("the zip reads");
    assert_eq!(archive.len(), package.files.len());
    for (index, (path, bytes)) in package.files.iter().enumerate() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        assert_eq!(name, format!("{top}{path}"));
        assert!(
            !name
                .split('/')
                .any(|segment| segment == ".." || segment == ".")
        );
        assert!(entry.enclosed_name().is_some(), "{name}");
        let stored = [".pdf", ".epub", ".p7s"]
            .iter()
            .any(|ext| name.ends_with(ext));
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        assert_eq!(entry.compression(), method, "{name}");
        let stamp = entry.last_modified().unwrap();
        assert_eq!(
            (
                stamp.year(),
                stamp.month(),
                stamp.day(),
                stamp.hour(),
                stamp.minute()
            ),
            (date.year, date.month, date.day, 0, 0),
            "{name}"
        );
        assert_eq!(
            entry.unix_mode().map(|mode| mode & 0o777),
            Some(0o644),
            "{name}"
        );
        assert_eq!(entry.extra_data_fields().count(), 0, "{name}");
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert_eq!(&content, bytes, "{name}");
    }
}

#[test]
fn the_issue_s_own_templates_are_packaged_as_typeset_not_as_saved_since() {
    let mut fixture = Fixture::sample();
    // Held by the edition only: no such folder exists beside the sample.
    fixture.edition.templates = Some(crate::model::Templates {
        folder: "layout".into(),
        files: vec![crate::model::TemplateFile {
            path: "cover.typ".into(),
            bytes: b"// the cover as typeset\n".to_vec(),
            text: Some("// the cover as typeset\n".into()),
        }],
    });
    let package = fixture.build(None);
    assert_eq!(
        file(&package, "data/source/layout/cover.typ"),
        b"// the cover as typeset\n"
    );
}

#[test]
fn each_document_s_akoma_ntoso_is_listed_and_a_changed_byte_breaks_fixity() {
    let (fixture, package) = sealed_package();
    let manifest = crate::package::verification_manifest(&fixture.inputs()).unwrap();
    let akn = crate::akn::Akn::of(&fixture.edition);
    assert_eq!(manifest.documents.len(), akn.documents.len());
    for (entry, bytes) in manifest.documents.iter().zip(&akn.documents) {
        let [listed] = entry.files.as_slice() else {
            panic!("one file for {}: {:?}", entry.title, entry.files);
        };
        assert_eq!(listed.media_type, "application/akn+xml");
        assert_eq!(listed.sha256, sha256_hex(bytes));
        assert_eq!(
            file(&package, &format!("data/{}", listed.path)),
            bytes.as_slice()
        );
    }
    assert_eq!(crate::package::bag::check_fixity(&package.files), Ok(()));

    let path = format!("data/{}", manifest.documents[0].files[0].path);
    let mut files = package.files.clone();
    let (_, bytes) = files.iter_mut().find(|(p, _)| *p == path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    let error = crate::package::bag::check_fixity(&files).unwrap_err();
    assert!(error.contains("manifest-sha256.txt"), "{error}");
}
