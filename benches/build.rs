//! Our whole build against typst's own work on the same template and data,
//! and the EPUB step's cost.
//!
//! "Whole build" runs the `gazette build` binary: process start, manifest and
//! Markdown, font loading, glyph coverage, layout, PDF export, the seal, each
//! document's own PDF (cut from the edition's and sealed), the data and Akoma
//! Ntoso, the EPUB, the package and the atomic write; beside it, the same build
//! with `--no-document-pdfs`, which shows what the documents' PDFs cost. typst's own work is measured two
//! ways (see `common::TypstAlone`): as a process that loads the same fonts,
//! lays out, exports and writes the PDF, as `typst compile` would; and
//! compile + PDF export alone in this process, the floor. Each figure is the
//! median of several runs, interleaved so machine noise hits all sides alike.
//!
//! Run: cargo bench --profile dev --bench build

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
mod timing;

use common::{Generator, TypstAlone};
use gazette::edition;
use gazette::typeset::{self, EditionWorld, FontSet};
use timing::{median, ms, ratio};

const RUNS: usize = 15;

fn main() {
    common::serve_typst_alone();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
    let work = tempfile::tempdir().expect("a temporary folder");
    let generated = work.path().join("generated");
    // Issue 12 of 2025, 20 documents: about 124 pages.
    Generator::new().issue(&generated, 12, (12, 15), 20);

    println!(
        "{:<10} {:>5} {:>12} {:>14} {:>6} {:>14} {:>6} {:>8} {:>13} {:>6}",
        "issue",
        "pages",
        "whole ms",
        "typst proc ms",
        "ratio",
        "typst in-proc",
        "ratio",
        "EPUB ms",
        "no doc PDFs",
        "ratio"
    );
    for (name, issue) in [("sample", sample.as_path()), ("generated", &generated)] {
        let edition = gazette::manifest::load(issue).unwrap_or_else(|d| panic!("{d:?}"));
        let out = work.path().join(format!("out-{name}"));
        let mut alone = TypstAlone::new(issue, &work.path().join(format!("typst-{name}")));
        let (mut whole, mut without_documents, mut epubs) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..RUNS {
            // Rotated so that no side always runs first after the others.
            for side in (0..4).map(|i| (i + run) % 4) {
                match side {
                    0 => whole.push(whole_build(issue, &out, &[])),
                    1 => alone.run_as_process(),
                    2 => alone.run_in_process(),
                    _ => without_documents.push(whole_build(issue, &out, &["--no-document-pdfs"])),
                }
            }
            epubs.push(epub_step(&edition));
        }
        let whole = median(whole);
        let as_process = median(alone.as_process.clone());
        let in_process = median(alone.in_process.clone());
        let without_documents = median(without_documents);
        println!(
            "{:<10} {:>5} {:>12.1} {:>14.1} {:>6.2} {:>14.1} {:>6.2} {:>8.1} {:>13.1} {:>6.2}",
            name,
            alone.pages,
            ms(whole),
            ms(as_process),
            ratio(whole, as_process),
            ms(in_process),
            ratio(whole, in_process),
            ms(median(epubs)),
            ms(without_documents),
            ratio(without_documents, as_process),
        );
    }
    println!(
        "ratio = whole build ÷ typst (as a process); the EPUB is made while the PDF is exported, \
         on another thread; no doc PDFs: with --no-document-pdfs"
    );
}

fn whole_build(issue: &Path, out: &Path, extra: &[&str]) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .args(extra)
        .arg(issue)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("gazette runs");
    let time = start.elapsed();
    assert!(status.success());
    time
}

/// The EPUB step as the build runs it, given the laid-out edition.
fn epub_step(edition: &gazette::model::Edition) -> Duration {
    let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
    let (json, _) = typeset::edition_json(edition, &fonts);
    let world = EditionWorld::new(&fonts, json, edition.issue.date);
    typst::comemo::evict(0);
    let layout = typeset::lay_out(&world).unwrap_or_else(|e| panic!("{e:?}"));
    let start = Instant::now();
    let zipped = edition::epub_edition(edition, &layout.page_map(), layout.cover_svg(), None)
        .unwrap_or_else(|d| panic!("{d}"));
    let time = start.elapsed();
    assert!(!zipped.is_empty());
    time
}
