//! The sample's EPUB edition as the public checks it: sealed by the build,
//! valid with the example root, and refused once a file in it changes.

use std::io::{Cursor, Read, Write};

use gazette::cms;
use gazette::verify::{Options, Verdict, verify_epub};

use crate::support::{example, gazette, sealed_sample};

fn sealed_epub() -> &'static [u8] {
    &sealed_sample().epub
}

fn options() -> Options {
    let root = std::fs::read(example("root.pem")).unwrap();
    Options {
        anchors: cms::load_pem_certificates(&root).unwrap(),
    }
}

/// The EPUB with `path`'s content passed through `change`, zipped again in
/// the same order and with the same methods.
fn rewrite(epub: &[u8], path: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(entry.compression())
            .last_modified_time(entry.last_modified().unwrap());
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == path {
            data = change(data);
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn the_built_epub_is_sealed_and_valid() {
    let report = verify_epub("sample.epub", sealed_epub(), &options());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(
        report
            .summary
            .starts_with("VALID: sealed by 上海市人民政府办公厅"),
        "{}",
        report.summary
    );
    assert!(report.summary.contains("2025-08-15T00:00:00+08:00"));
}

#[test]
fn rezipping_without_changes_keeps_it_valid() {
    // The control for the next test: the rewrite itself changes nothing signed.
    let same = rewrite(sealed_epub(), "EPUB/nav.xhtml", |data| data);
    assert_eq!(
        verify_epub("same.epub", &same, &options()).verdict,
        Verdict::Valid
    );
}

#[test]
fn a_changed_document_is_reported_by_name() {
    let changed = rewrite(sealed_epub(), "EPUB/text/s1-d1.xhtml", |data| {
        String::from_utf8(data)
            .unwrap()
            .replacen("上海", "北京", 1)
            .into_bytes()
    });
    let report = verify_epub("changed.epub", &changed, &options());
    assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
    assert!(
        report.summary.contains("EPUB/text/s1-d1.xhtml"),
        "{}",
        report.summary
    );
}

#[test]
fn the_command_tells_pdf_and_epub_apart() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("edition.epub");
    std::fs::write(&file, sealed_epub()).unwrap();
    let output = gazette()
        .arg("verify")
        .arg(&file)
        .arg("--trust")
        .arg(example("root.pem"))
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["format"], "epub");
    assert_eq!(json["verdict"], "valid");
}
