//! What the build benches share: issues generated from the sample's real
//! work plan, sealed with the example identity, and typst's own work on an
//! issue, the peer a whole build is measured against. Shared through
//! `mod common;`.

mod issues;

pub use issues::Generator;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gazette::model::{Date, Edition};
use gazette::scaffold::parse_date;
use gazette::typeset::{self, EditionWorld, FontSet};
use typst_layout::PagedDocument;

/// typst's own work on one issue, measured two ways:
/// - as a process, what `typst compile` does: start, load the same fonts,
///   read the same files the build hands typst ([`Inputs`]), lay out, export the PDF, write it. The bench
///   binary runs itself for it (see [`serve_typst_alone`]), so it is built
///   with the same compiler and optimisation as gazette.
/// - in this process, compile + PDF export alone, with fonts loaded and the
///   world set up untimed beforehand: the floor no build can go below.
///
/// typst's memoisation is emptied before each in-process run, and a fresh
/// process starts empty, so neither reuses earlier work.
pub struct TypstAlone {
    edition: Edition,
    /// The folder of typst's [`Inputs`].
    inputs: PathBuf,
    pdf: PathBuf,
    pub as_process: Vec<Duration>,
    pub in_process: Vec<Duration>,
    pub pages: usize,
}

const TYPST_ALONE: &str = "--typst-alone";

impl TypstAlone {
    /// The issue's edition data as typst reads it, written under `work`.
    pub fn new(issue: &Path, work: &Path) -> Self {
        let edition = gazette::manifest::load(issue).unwrap_or_else(|d| panic!("{d:?}"));
        let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
        std::fs::create_dir_all(work).expect("a work folder");
        for (name, bytes) in Inputs::of(&edition, &fonts).files() {
            std::fs::write(work.join(name), bytes).expect("typst's inputs written");
        }
        TypstAlone {
            edition,
            inputs: work.to_owned(),
            pdf: work.join("typst-alone.pdf"),
            as_process: Vec::new(),
            in_process: Vec::new(),
            pages: 0,
        }
    }

    pub fn run_as_process(&mut self) {
        let start = Instant::now();
        let status = Command::new(std::env::current_exe().expect("the bench's own path"))
            .arg(TYPST_ALONE)
            .arg(&self.inputs)
            .arg(self.edition.issue.date.iso())
            .arg(&self.edition.uri)
            .arg(&self.pdf)
            .status()
            .expect("the bench runs itself");
        self.as_process.push(start.elapsed());
        assert!(status.success(), "typst alone failed");
    }

    pub fn run_in_process(&mut self) {
        let options = typeset::pdf_options(&self.edition).expect("PDF options");
        let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
        let world = Inputs::read(&self.inputs).world(&fonts, self.edition.issue.date);
        typst::comemo::evict(0);
        let start = Instant::now();
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .unwrap_or_else(|e| panic!("{e:?}"));
        let bytes = typst_pdf::pdf(&document, &options).unwrap_or_else(|e| panic!("{e:?}"));
        self.in_process.push(start.elapsed());
        assert!(!bytes.is_empty());
        self.pages = document.pages().len();
    }
}

/// The files typst reads to typeset the edition, as `gazette build` hands
/// them over: the model, the published data and the Akoma Ntoso the PDF
/// carries, and the pages' verification codes. typst alone reads them all,
/// so that it typesets the same document as the build.
struct Inputs {
    model: Vec<u8>,
    data: Vec<u8>,
    akn: Vec<u8>,
    codes: Vec<u8>,
}

const INPUTS: [&str; 4] = [
    "edition.json",
    "data.json",
    "edition.akn.xml",
    "verification.json",
];

impl Inputs {
    fn of(edition: &Edition, fonts: &FontSet) -> Self {
        let published = gazette::data::publish(edition);
        let akn = gazette::akn::Akn::of(edition);
        let codes = gazette::edition::page_codes(edition, &published).expect("the codes");
        Inputs {
            model: typeset::edition_json(edition, fonts).0,
            data: published.edition.bytes,
            akn: akn.edition,
            codes,
        }
    }

    fn files(&self) -> [(&str, &[u8]); 4] {
        let [model, data, akn, codes] = INPUTS;
        [
            (model, &self.model),
            (data, &self.data),
            (akn, &self.akn),
            (codes, &self.codes),
        ]
    }

    fn read(folder: &Path) -> Self {
        let [model, data, akn, codes] =
            INPUTS.map(|name| std::fs::read(folder.join(name)).expect("typst's inputs"));
        Inputs {
            model,
            data,
            akn,
            codes,
        }
    }

    fn world<'f>(self, fonts: &'f FontSet, date: Date) -> EditionWorld<'f> {
        EditionWorld::new(fonts, self.model, date)
            .with_data(self.data)
            .with_akn(self.akn)
            .with_verification(self.codes)
    }
}

/// When the bench was started as typst alone (by [`TypstAlone::run_as_process`]),
/// does that work and exits: INPUTS-FOLDER DATE URI OUT-PDF.
pub fn serve_typst_alone() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [flag, inputs, date, uri, out] = args.as_slice() else {
        return;
    };
    if flag != TYPST_ALONE {
        return;
    }
    let date = parse_date(date).expect("a date");
    let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
    let world = Inputs::read(Path::new(inputs)).world(&fonts, date);
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .unwrap_or_else(|e| panic!("{e:?}"));
    let options = typeset::pdf_options_for(uri, date).expect("PDF options");
    let bytes = typst_pdf::pdf(&document, &options).unwrap_or_else(|e| panic!("{e:?}"));
    std::fs::write(out, bytes).expect("the PDF written");
    std::process::exit(0);
}
