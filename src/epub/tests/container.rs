//! The zip: OCF's rules for `mimetype`, reproducible bytes, extra files.

use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

use super::support::{page_map, render_plain, sample};
use crate::epub::{EpubError, EpubFile, package};
use crate::model::{Date, PageMap};

const ISSUE_DATE: Date = Date {
    year: 2025,
    month: 8,
    day: 15,
};

fn file(path: &str, bytes: &[u8]) -> EpubFile {
    EpubFile {
        path: path.into(),
        bytes: bytes.to_vec(),
    }
}

#[test]
fn the_same_edition_gives_the_same_bytes() {
    let edition = sample();
    let map = page_map(&edition, 5, 4);
    let build = || {
        let started = std::time::Instant::now();
        let epub = package(&render_plain(&edition, &map), ISSUE_DATE).unwrap();
        (epub, started.elapsed().as_secs_f64() * 1000.0)
    };
    let (first, first_ms) = build();
    let (second, second_ms) = build();
    assert_eq!(first, second);
    eprintln!(
        "render + package of the sample issue: {first_ms:.1} ms, then {second_ms:.1} ms; {} bytes",
        first.len()
    );
}

#[test]
fn mimetype_comes_first_stored_without_extra_field() {
    let files = render_plain(&sample(), &PageMap::default());
    let epub = package(&files, ISSUE_DATE).unwrap();
    // The local file header, read byte by byte as OCF readers sniff it.
    assert_eq!(epub[0..4], *b"PK\x03\x04");
    let u16_at = |offset: usize| u16::from_le_bytes([epub[offset], epub[offset + 1]]);
    let u32_at = |offset: usize| u32::from_le_bytes(epub[offset..offset + 4].try_into().unwrap());
    assert_eq!(u16_at(8), 0, "compression method: stored");
    assert_eq!(u32_at(18), 20, "compressed size");
    assert_eq!(u32_at(22), 20, "uncompressed size");
    assert_eq!(u16_at(26), 8, "file name length");
    assert_eq!(u16_at(28), 0, "extra field length");
    assert_eq!(epub[30..38], *b"mimetype");
    assert_eq!(epub[38..58], *b"application/epub+zip");

    let mut archive = ZipArchive::new(Cursor::new(&epub)).unwrap();
    assert_eq!(archive.len(), files.len());
    for (index, expected) in files.iter().enumerate() {
        let mut entry = archive.by_index(index).unwrap();
        assert_eq!(entry.name().unwrap(), expected.path.as_str());
        let method = if index == 0 {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        assert_eq!(entry.compression(), method, "{}", expected.path);
        assert!(
            entry.extra_data().is_none_or(|extra| extra.is_empty()),
            "{}",
            expected.path
        );
        assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o644));
        let stamp = entry.last_modified().unwrap();
        assert_eq!(
            (
                stamp.year(),
                stamp.month(),
                stamp.day(),
                stamp.hour(),
                stamp.minute()
            ),
            (2025, 8, 15, 0, 0)
        );
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, expected.bytes, "{}", expected.path);
    }
}

#[test]
fn extra_files_keep_the_order_given() {
    let mut files = render_plain(&sample(), &PageMap::default());
    let signatures = file("META-INF/signatures.xml", b"<signatures/>");
    files.insert(2, signatures.clone());
    let epub = package(&files, ISSUE_DATE).unwrap();
    let mut archive = ZipArchive::new(Cursor::new(epub)).unwrap();
    assert_eq!(
        archive.by_index(1).unwrap().name().unwrap(),
        "META-INF/container.xml"
    );
    assert_eq!(
        archive.by_index(2).unwrap().name().unwrap(),
        "META-INF/signatures.xml"
    );
    assert_eq!(
        archive.by_index(3).unwrap().name().unwrap(),
        "EPUB/package.opf"
    );
}

fn refused(files: &[EpubFile], date: Date) -> String {
    let error = package(files, date).unwrap_err();
    assert!(matches!(error, EpubError::Package(_)), "{error}");
    error.to_string()
}

#[test]
fn file_lists_that_make_no_epub_are_refused() {
    let mimetype = file("mimetype", b"application/epub+zip");
    let page = file("EPUB/a.xhtml", b"<a/>");
    assert!(refused(std::slice::from_ref(&page), ISSUE_DATE).contains("first file"));
    let wrong = file("mimetype", b"application/zip");
    assert!(refused(&[wrong], ISSUE_DATE).contains("first file"));
    for bad in [
        "../a.xhtml",
        "/a.xhtml",
        "EPUB/./a.xhtml",
        "EPUB\\a.xhtml",
        "EPUB//a",
    ] {
        let message = refused(&[mimetype.clone(), file(bad, b"")], ISSUE_DATE);
        assert!(message.contains("not a valid path"), "{bad}: {message}");
    }
    let twice = refused(
        &[mimetype.clone(), page.clone(), file("EPUB/A.xhtml", b"")],
        ISSUE_DATE,
    );
    assert!(twice.contains("twice"), "{twice}");
    let old = Date {
        year: 1975,
        month: 1,
        day: 1,
    };
    assert!(refused(&[mimetype, page], old).contains("1980"));
}
