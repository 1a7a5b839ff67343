//! Our whole build against typst alone on the same template and data, and the
//! EPUB edition's share of the whole build.
//!
//! "Whole build" runs the `gazette build` binary: process start, manifest and
//! Markdown, font loading, glyph coverage, layout, PDF export, the seal, the
//! EPUB and the atomic write. "typst alone" is only `typst::compile` +
//! `typst_pdf::pdf` on a world
//! set up afresh (fonts loaded anew, untimed) before each run, with typst's
//! memoisation cache emptied, so that neither side reuses earlier work. Each figure is the median of several
//! runs, interleaved so machine noise hits both sides alike.
//!
//! Run: cargo bench --profile dev --bench build

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::Generator;
use gazette::epub::{self, Cover, EpubOptions};
use gazette::typeset::{self, EditionWorld, FontSet};
use typst_layout::PagedDocument;

const RUNS: usize = 7;

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
    let generated = tempfile::tempdir().expect("a temporary folder");
    // Issue 12 of 2025, 22 documents: about 136 pages.
    Generator::new().issue(generated.path(), 12, (12, 15), 22);

    println!(
        "{:<12} {:>6} {:>16} {:>16} {:>7} {:>9} {:>11}",
        "issue", "pages", "whole build ms", "typst alone ms", "ratio", "EPUB ms", "EPUB share"
    );
    for (name, issue) in [
        ("sample", sample.as_path()),
        ("generated", generated.path()),
    ] {
        let edition = gazette::manifest::load(issue).unwrap_or_else(|d| panic!("{d:?}"));
        let out = tempfile::tempdir().expect("a temporary folder");
        let (mut whole, mut alone, mut epubs, mut pages) = (Vec::new(), Vec::new(), Vec::new(), 0);
        let options = typeset::pdf_options(&edition).expect("PDF options");
        for _ in 0..RUNS {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_gazette"))
                .arg("build")
                .arg(issue)
                .arg("--out")
                .arg(out.path())
                .stderr(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .status()
                .expect("gazette runs");
            whole.push(start.elapsed());
            assert!(status.success());

            let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
            let (json, _) = typeset::edition_json(&edition, &fonts);
            let world = EditionWorld::new(&fonts, json, edition.issue.date);
            typst::comemo::evict(0);
            let start = Instant::now();
            let document = typst::compile::<PagedDocument>(&world)
                .output
                .unwrap_or_else(|e| panic!("{e:?}"));
            let bytes = typst_pdf::pdf(&document, &options).unwrap_or_else(|e| panic!("{e:?}"));
            alone.push(start.elapsed());
            assert!(!bytes.is_empty());
            pages = document.pages().len();

            // The EPUB step as the build runs it, given the typeset edition.
            typst::comemo::evict(0);
            let pdf = typeset::compile(&world, &edition).unwrap_or_else(|e| panic!("{e:?}"));
            let start = Instant::now();
            let cover = Cover {
                bytes: pdf.cover_svg.clone().into_bytes(),
                media_type: "image/svg+xml",
            };
            let files = epub::render(
                &edition,
                &pdf.page_map,
                Some(&cover),
                &EpubOptions::default(),
            )
            .expect("the EPUB renders");
            let zipped = epub::package(&files, edition.issue.date).expect("the EPUB packages");
            epubs.push(start.elapsed());
            assert!(!zipped.is_empty());
        }
        let (whole, alone, epub) = (median(whole), median(alone), median(epubs));
        println!(
            "{:<12} {:>6} {:>16.1} {:>16.1} {:>7.2} {:>9.1} {:>10.1}%",
            name,
            pages,
            whole.as_secs_f64() * 1e3,
            alone.as_secs_f64() * 1e3,
            whole.as_secs_f64() / alone.as_secs_f64(),
            epub.as_secs_f64() * 1e3,
            epub.as_secs_f64() / whole.as_secs_f64() * 100.0
        );
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
