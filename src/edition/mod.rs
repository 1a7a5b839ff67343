//! An issue → its edition on disk: the pipeline in one place.
//!
//! [`Press::build`] reads the issue ([`manifest`]), opens its seal
//! ([`seal::Keys`]), lays it out once ([`typeset`]), makes the PDF, the EPUB
//! and each document's own PDF (all sealed) from that layout side by side
//! ([`render`]), the signed verification manifest and the BagIt package
//! around them ([`archive`]), and writes all of it through a staging folder that is
//! renamed into place at the end ([`output`]), so a failed build writes
//! nothing and keeps the previous edition. [`build_each`] runs many issues at
//! once. `gazette build`, `gazette watch`, the benches and the tests all come
//! through here.
//!
//! [`manifest`]: crate::manifest
//! [`output`]: crate::output

mod archive;
mod problems;
mod render;
mod verification;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::akn::{self, Akn};
use crate::data::{self, Published};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::manifest;
use crate::model::{Date, Edition};
use crate::output::Staging;
use crate::package::{self, Package};
use crate::seal::{Keys, Seal, SealOptions};
use crate::typeset::{self, EditionWorld, FontSet};
use crate::zipped::Deflated;

use render::Editions;

pub use render::{epub_edition, seal_pdf};
pub use verification::page_codes;

/// What every edition of a run is made with: the fonts (loaded once, the
/// costliest fixed step), the seal asked for and the run's opened keys, and
/// the folder editions are written to.
pub struct Press<'a> {
    pub fonts: &'a FontSet,
    pub seal: &'a SealOptions,
    pub keys: &'a Keys,
    pub out: &'a Path,
    /// Whether each document also gets a PDF of its own.
    pub document_pdfs: bool,
}

/// Who is told how a build goes: the stage it reaches, and what the user
/// should know but that does not stop it.
pub trait Progress {
    /// The stage the build has reached: reading, typesetting, sealing, ...
    fn stage(&self, stage: &str);
    /// Something the user should fix, such as a key file others can read.
    fn warn(&self, text: &str);
    /// Something the user may want to know, such as a font role's fallback.
    fn note(&self, text: &str);
}

/// A file of the edition folder and its size in bytes.
#[derive(Debug, Clone)]
pub struct Written {
    pub name: String,
    pub size: usize,
}

/// What a build made.
#[derive(Debug, Clone)]
pub struct Built {
    pub id: String,
    pub pages: usize,
    pub sealed: bool,
    pub time: Duration,
    pub files: Files,
}

/// The edition folder and what is in it.
#[derive(Debug, Clone)]
pub struct Files {
    /// `out/<id>`.
    pub folder: PathBuf,
    pub pdf: Written,
    pub epub: Written,
    /// Each document's own PDF, under `documents/`, in edition order.
    pub documents: Vec<Written>,
    /// The bag folder's name.
    pub bag: String,
    /// How many files the bag holds.
    pub bag_files: usize,
    pub zip: Written,
}

impl Press<'_> {
    /// One issue, from its manifest to its published edition folder.
    pub fn build(&self, issue: &Path, progress: &dyn Progress) -> Result<Built, Diagnostics> {
        let start = Instant::now();
        progress.stage("reading the issue");
        let edition = manifest::load(issue)?;
        // Opened before typesetting, so that a wrong password fails at once.
        let seal = self
            .keys
            .seal_for(self.seal, &edition)
            .map_err(|diag| vec![*diag])?;
        for warning in seal.iter().flat_map(Seal::warnings) {
            progress.warn(warning);
        }
        // Reading the issue is ours alone, before typst starts: what does not
        // depend on each other is made side by side.
        let (forms, uncovered) = rayon::join(
            || DataForms::of(&edition),
            || typeset::uncovered(&edition, self.fonts),
        );
        if !uncovered.is_empty() {
            let root = manifest::root_of(issue);
            return Err(uncovered
                .iter()
                .map(|u| problems::uncovered(&edition, &root, u))
                .collect());
        }
        let world = self.world(issue, &edition, &forms, progress)?;
        progress.stage("typesetting");
        // typst evaluates the templates on one thread before it lays out on
        // several: meanwhile the data, which the package's zip holds, is
        // deflated on another.
        let (layout, data) = std::thread::scope(|scope| {
            let deflating = scope.spawn(|| forms.deflated(edition.issue.date));
            let layout = typeset::lay_out(&world);
            let data = deflating
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (layout, data)
        });
        let layout = layout.map_err(|errors| problems::typesetting(issue, &edition, errors))?;
        progress.stage(if seal.is_some() {
            "exporting and sealing the PDF and the EPUB"
        } else {
            "exporting the PDF and the EPUB"
        });
        let editions = Editions::make(
            issue,
            &edition,
            &world,
            &layout,
            seal.as_ref(),
            self.document_pdfs,
        )?;
        let files = self.write(issue, &edition, &editions, &data, seal.as_ref(), progress)?;
        Ok(Built {
            id: edition.id.clone(),
            pages: layout.pages(),
            sealed: seal.is_some(),
            time: start.elapsed(),
            files,
        })
    }

    /// The typst world for `edition`, whose every character has a font.
    fn world<'f>(
        &'f self,
        issue: &Path,
        edition: &Edition,
        forms: &DataForms,
        progress: &dyn Progress,
    ) -> Result<EditionWorld<'f>, Diagnostics> {
        let (codes, (world, missing)) = rayon::join(
            || verification::page_codes(edition, &forms.published),
            || {
                typeset::world(
                    edition,
                    self.fonts,
                    &forms.published.edition.bytes,
                    &forms.akn.edition,
                )
            },
        );
        let codes = codes.map_err(|message| {
            vec![
                Diagnostic::in_file(&manifest::file_of(issue), message).help(
                    "shorten [gazette] verify-url: a page's QR code holds at most 2331 bytes",
                ),
            ]
        })?;
        let world = world.with_verification(codes);
        for warning in typeset::title_lines::warnings(edition) {
            progress.warn(&warning);
        }
        if !missing.is_empty() {
            let listed: Vec<String> = missing
                .iter()
                .map(|(role, family)| format!("{family} ({role})"))
                .collect();
            progress.note(&format!(
                "fonts not available, the next in each role's list is used: {}; add them with --font-path DIR",
                listed.join(", ")
            ));
        }
        Ok(world)
    }

    /// Stages both editions and the package made from them, then renames the
    /// edition folder into place. The editions are written while the package
    /// is made.
    fn write(
        &self,
        issue: &Path,
        edition: &Edition,
        editions: &Editions,
        data: &Data,
        seal: Option<&Seal>,
        progress: &dyn Progress,
    ) -> Result<Files, Diagnostics> {
        let cannot_write = |error: std::io::Error| {
            vec![
                Diagnostic::in_file(self.out, format!("cannot write the edition: {error}")).help(
                    "check that the output folder is writable; any earlier edition there is unchanged",
                ),
            ]
        };
        progress.stage("packaging");
        let pdf = format!("{}.pdf", edition.id);
        let epub = format!("{}.epub", edition.id);
        let staging = Staging::new(self.out, &edition.id).map_err(cannot_write)?;
        let staged = edition_files(edition, editions, data.forms);
        let (written, package) = rayon::join(
            || {
                staged
                    .iter()
                    .try_for_each(|(name, bytes)| staging.write(name, bytes))
            },
            || {
                archive::package(
                    issue,
                    edition,
                    editions,
                    data.forms,
                    &data.deflated,
                    self.fonts,
                    seal,
                )
            },
        );
        written.map_err(cannot_write)?;
        let package = package.map_err(|diag| vec![*diag])?;
        progress.stage("writing the edition");
        let bag = package::bag_folder_name(&edition.id);
        let zip = package::zip_name(&edition.id);
        let folder = publish(staging, &staged, &package, &bag, &zip).map_err(cannot_write)?;
        Ok(Files {
            folder,
            pdf: Written {
                name: pdf,
                size: editions.pdf.len(),
            },
            epub: Written {
                name: epub,
                size: editions.epub.len(),
            },
            documents: editions
                .documents
                .iter()
                .map(|file| Written {
                    name: file.path.clone(),
                    size: file.bytes.len(),
                })
                .collect(),
            bag,
            bag_files: package.files.len(),
            zip: Written {
                name: zip,
                size: package.zip.len(),
            },
        })
    }
}

/// The edition's machine-readable forms, made once per build: the PDF
/// carries the edition's, and the edition folder and the package hold all.
struct DataForms {
    published: Published,
    akn: Akn,
}

impl DataForms {
    fn of(edition: &Edition) -> Self {
        let (published, akn) = rayon::join(|| data::publish(edition), || Akn::of(edition));
        DataForms { published, akn }
    }

    /// The forms, with every file deflated as the package's zip dated `date`
    /// holds it. One that cannot be is left out: the zip deflates it itself,
    /// and reports what fails.
    fn deflated(&self, date: Date) -> Data<'_> {
        let published = std::iter::once(&self.published.edition)
            .chain(&self.published.documents)
            .map(|file| file.bytes.as_slice());
        let akn = std::iter::once(&self.akn.edition)
            .chain(&self.akn.documents)
            .map(Vec::as_slice);
        let deflated = published
            .chain(akn)
            .filter_map(|bytes| Deflated::new(bytes, date).ok())
            .collect();
        Data {
            forms: self,
            deflated,
        }
    }
}

/// The edition's data forms, and their files deflated for the package's zip.
struct Data<'a> {
    forms: &'a DataForms,
    deflated: Vec<Deflated<'a>>,
}

/// The files of the edition folder other than the manifest and the package,
/// by their names there: the editions, the documents' PDFs, and the data
/// (`<id>.json`, `<id>.akn.xml`, each document's under `documents/`), the
/// same bytes the package holds.
fn edition_files<'a>(
    edition: &Edition,
    editions: &'a Editions,
    forms: &'a DataForms,
) -> Vec<(String, &'a [u8])> {
    let id = &edition.id;
    let mut files = vec![
        (format!("{id}.pdf"), editions.pdf.as_slice()),
        (format!("{id}.epub"), editions.epub.as_slice()),
        (
            format!("{id}.json"),
            forms.published.edition.bytes.as_slice(),
        ),
        (format!("{id}.akn.xml"), forms.akn.edition.as_slice()),
    ];
    files.extend(
        editions
            .documents
            .iter()
            .map(|file| (file.path.clone(), file.bytes.as_slice())),
    );
    files.extend(
        forms
            .published
            .documents
            .iter()
            .map(|file| (file.path.clone(), file.bytes.as_slice())),
    );
    files.extend(
        forms
            .akn
            .documents
            .iter()
            .enumerate()
            .map(|(index, bytes)| (akn::document_path(id, index + 1), bytes.as_slice())),
    );
    files
}

/// Writes the package beside the editions and puts the edition folder in
/// place. A bag file with the bytes of a file already `staged` is written as
/// a second name of it.
fn publish(
    staging: Staging,
    staged: &[(String, &[u8])],
    package: &Package,
    bag: &str,
    zip: &str,
) -> std::io::Result<PathBuf> {
    staging.write("manifest.json", &package.manifest_json)?;
    if let Some(signature) = &package.signature {
        staging.write("manifest.json.p7s", signature)?;
    }
    let mut twins: HashMap<&str, &[u8]> = staged
        .iter()
        .map(|(name, bytes)| (name.as_str(), *bytes))
        .collect();
    twins.insert("manifest.json", &package.manifest_json);
    if let Some(signature) = &package.signature {
        twins.insert("manifest.json.p7s", signature);
    }
    // Creating files is most of the cost here (the kernel's, not ours), and
    // the other core is idle by now: the bag's files and the zip are written
    // side by side.
    let (files, zipped) = rayon::join(
        || {
            package.files.par_iter().try_for_each(|(path, bytes)| {
                let name = format!("{bag}/{path}");
                match edition_name(path).filter(|twin| twins.get(twin) == Some(&bytes.as_slice())) {
                    Some(twin) => staging.write_twin(&name, twin, bytes),
                    None => staging.write(&name, bytes),
                }
            })
        },
        || staging.write(zip, &package.zip),
    );
    files?;
    zipped?;
    staging.publish()
}

/// The name in the edition folder of the bag's payload file `path`, if the
/// edition folder has one: `data/edition/<name>` is `<name>`, and
/// `data/documents/…` and `data/manifest.json…` keep their names.
fn edition_name(path: &str) -> Option<&str> {
    let payload = path.strip_prefix("data/")?;
    payload.strip_prefix("edition/").or_else(|| {
        (payload.starts_with("documents/") || payload.starts_with("manifest.json"))
            .then_some(payload)
    })
}

/// Runs `build` on every issue, `threads` at a time, each on a thread of its
/// own, and returns the results in the issues' order. One failing issue does
/// not stop the others.
pub fn build_each<T: Send>(
    issues: &[PathBuf],
    threads: usize,
    build: impl Fn(&Path) -> T + Sync,
) -> Vec<T> {
    // Exactly `threads` issues are in flight at once: typst's own parallel
    // layout runs on rayon's pool, and if issues were rayon tasks too, a
    // thread waiting inside typst would steal the next issue, and memory
    // would grow with the queue.
    let threads = threads.clamp(1, issues.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(issue) = issues.get(index) else {
                        break;
                    };
                    let result = build(issue);
                    // Issues share little but the templates: keep only what
                    // the builds now in flight may reuse.
                    typeset::forget_stale_layouts(threads);
                    results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(PoisonError::into_inner);
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::edition_name;

    #[test]
    fn a_payload_file_is_named_as_beside_the_bag() {
        let names = [
            ("data/edition/e.pdf", Some("e.pdf")),
            ("data/documents/e-01.pdf", Some("documents/e-01.pdf")),
            ("data/manifest.json", Some("manifest.json")),
            ("data/manifest.json.p7s", Some("manifest.json.p7s")),
            ("data/source/issue.toml", None),
            ("data/certificates/seal.pem", None),
            ("manifest-sha256.txt", None),
            ("bag-info.txt", None),
        ];
        for (path, name) in names {
            assert_eq!(edition_name(path), name, "{path}");
        }
    }
}
