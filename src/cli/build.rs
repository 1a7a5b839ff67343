//! `gazette build`: manifest → model → PDF, seal, EPUB, package → the edition
//! folder; for one issue, or for many in parallel.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use gazette::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use gazette::epub::{self, Cover, EpubOptions};
use gazette::manifest;
use gazette::model::{Edition, PageMap};
use gazette::output::Staging;
use gazette::package::{self, PackageInputs};
use gazette::typeset::{self, EditionWorld, FontSet, Place, TypesetError, Uncovered};

use crate::cli::args::{BuildArgs, SealArgs};
use crate::cli::progress::{self, Progress};
use crate::cli::seal::{self, Keys, SealIdentity};

pub fn run(args: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    let issues = match discover(&args.issues) {
        Ok(issues) => issues,
        Err(diags) => return fail(&diags),
    };
    // Loaded once and shared: parsing the CJK faces is the costliest fixed step.
    let fonts = match FontSet::load(&args.edition.font_paths) {
        Ok(fonts) => fonts,
        Err(message) => {
            return fail(&[Diagnostic::new(message)
                .help("give --font-path a folder that holds .ttf, .otf or .ttc files")]);
        }
    };
    let keys = Keys::new();
    if let [issue] = issues.as_slice() {
        let progress = Progress::single(args.quiet, args.verbose);
        let shown = progress.start(issue.display().to_string());
        let result = build_issue(
            issue,
            &args.edition.out,
            &fonts,
            Sealing {
                args: &args.edition.seal,
                keys: &keys,
            },
            &|stage| shown.stage(stage),
        );
        shown.finish();
        return match result {
            Ok(built) => {
                built.print();
                ExitCode::SUCCESS
            }
            Err(diags) => fail(&diags),
        };
    }
    build_many(&issues, args, &fonts, &keys, start)
}

/// The issues named: an issue folder (or its issue.toml) stands for itself;
/// any other folder for every issue folder below it, in name order.
fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut issues = Vec::new();
    for path in paths {
        if path.is_file() || path.join("issue.toml").is_file() || !path.is_dir() {
            issues.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
            .max_depth(4)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_dir() && entry.path().join("issue.toml").is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        if found.is_empty() {
            return Err(vec![
                Diagnostic::in_file(
                    path,
                    "no issue manifest here: no issue.toml in this folder or below it",
                )
                .help(
                    "ISSUE is a folder holding issue.toml, that file, or a folder of issue folders",
                ),
            ]);
        }
        found.sort();
        issues.extend(found);
    }
    Ok(issues)
}

/// Builds every issue, `--jobs` at a time, each independently: one failing
/// issue does not stop the others. Results are reported as they come, then
/// a summary table and every issue's errors.
fn build_many(
    issues: &[PathBuf],
    args: &BuildArgs,
    fonts: &FontSet,
    keys: &Keys,
    start: Instant,
) -> ExitCode {
    // Exactly `threads` issues are in flight at once, each on a thread of its
    // own: typst's own parallel layout runs on rayon's pool, and if issues
    // were rayon tasks too, a thread waiting inside typst would steal the next
    // issue, and memory would grow with the queue.
    let threads = args
        .jobs
        .map_or_else(rayon::current_num_threads, usize::from)
        .min(issues.len());
    let progress = Progress::new(issues.len(), args.quiet, args.verbose);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Built, Diagnostics>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(issue) = issues.get(index) else {
                        break;
                    };
                    let shown = progress.start(issue.display().to_string());
                    let result = build_issue(
                        issue,
                        &args.edition.out,
                        fonts,
                        Sealing {
                            args: &args.edition.seal,
                            keys,
                        },
                        &|stage| shown.stage(stage),
                    );
                    // Issues share little but the templates: keep only what
                    // the builds now in flight may reuse.
                    typeset::forget_stale_layouts(threads);
                    shown.done(&match &result {
                        Ok(built) => {
                            format!("built {} in {:.2} s", built.folder.display(), built.seconds)
                        }
                        Err(diags) => {
                            format!("failed {} ({})", issue.display(), errors(diags.len()))
                        }
                    });
                    if let Ok(mut results) = results.lock() {
                        results.push((index, result));
                    }
                }
            });
        }
    });
    progress.finish();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(index, _)| *index);
    let results: Vec<(&PathBuf, Result<Built, Diagnostics>)> = results
        .into_iter()
        .map(|(index, result)| (&issues[index], result))
        .collect();

    println!();
    println!(
        "{:<40} {:>6} {:>8}  {:<22} result",
        "issue", "pages", "time", "artifacts"
    );
    for (issue, result) in &results {
        match result {
            Ok(built) => println!(
                "{:<40} {:>6} {:>6.2} s  {:<22} {}",
                built.id,
                built.pages,
                built.seconds,
                "pdf epub package",
                if built.sealed { "sealed" } else { "ok" }
            ),
            Err(diags) => println!(
                "{:<40} {:>6} {:>8}  {:<22} {}",
                issue.display(),
                "-",
                "-",
                "-",
                errors(diags.len())
            ),
        }
    }
    let failed: Vec<&(&PathBuf, Result<Built, Diagnostics>)> =
        results.iter().filter(|(_, r)| r.is_err()).collect();
    println!(
        "built {} of {} issues in {:.2} s on {threads} thread{}",
        results.len() - failed.len(),
        results.len(),
        start.elapsed().as_secs_f64(),
        if threads == 1 { "" } else { "s" }
    );
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    for (issue, result) in failed {
        if let Err(diags) = result {
            eprintln!();
            for diag in diags {
                eprintln!("{diag}");
            }
            eprintln!(
                "error: {} was not built ({}); nothing was written for it",
                issue.display(),
                errors(diags.len())
            );
        }
    }
    ExitCode::FAILURE
}

/// typst's errors, told by where they are: one in the issue's own template
/// is the editor's to fix, shown at its line; one in gazette's is ours.
fn typeset_errors(issue: &Path, edition: &Edition, errors: Vec<TypesetError>) -> Diagnostics {
    let own = edition.templates.as_ref();
    errors
        .into_iter()
        .map(|error| match (&error.place, own) {
            (Place::Issue { path, range }, Some(templates)) => {
                let file = manifest::root_of(issue).join(&templates.folder).join(path);
                let text = templates
                    .file(path)
                    .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                    .unwrap_or_default();
                SourceFile::new(file, text)
                    .error(range.clone(), format!("typesetting failed: {}", error.message))
                    .help("the error is in the issue's own template: fix it there (`gazette templates DIR` writes gazette's own templates, to compare)")
            }
            (_, Some(templates)) => Diagnostic::new(format!("typesetting failed: {error}")).help(format!(
                "the issue's own templates in {}/ may give gazette's templates something they do not expect; without [templates] the issue uses gazette's own",
                templates.folder
            )),
            (_, None) => Diagnostic::new(format!("typesetting failed: {error}")).help(
                "this is a bug in gazette's templates, not in your issue: please report it",
            ),
        })
        .collect()
}

fn errors(count: usize) -> String {
    format!("{count} error{}", if count == 1 { "" } else { "s" })
}

/// What a build wrote, for the report.
pub struct Built {
    id: String,
    pub folder: PathBuf,
    pages: usize,
    sealed: bool,
    seconds: f64,
    files: Vec<(String, usize)>,
}

impl Built {
    pub fn print(&self) {
        let sealed = if self.sealed { "sealed" } else { "not sealed" };
        println!(
            "built {} in {:.2} s, {sealed}",
            self.folder.display(),
            self.seconds
        );
        for (what, size) in &self.files {
            println!("  {what}  {} KiB", size / 1024);
        }
    }
}

/// Whether and with which key an issue is sealed: the command line's seal
/// options, else its manifest's [seal], the key opened once for the run.
#[derive(Clone, Copy)]
pub struct Sealing<'a> {
    pub args: &'a SealArgs,
    pub keys: &'a Keys,
}

/// One issue, from its manifest to its published edition folder in `out`.
pub fn build_issue(
    issue: &Path,
    out: &Path,
    fonts: &FontSet,
    sealing: Sealing,
    stage: &dyn Fn(&str),
) -> Result<Built, Diagnostics> {
    let start = Instant::now();
    stage("reading the issue");
    let edition = manifest::load(issue)?;
    // Opened before typesetting, so that a wrong password fails at once.
    let opened = seal::open(sealing.args, &edition, sealing.keys).map_err(|diag| vec![*diag])?;
    let identity = opened.as_ref();
    let uncovered = typeset::uncovered(&edition, fonts);
    if !uncovered.is_empty() {
        let root = manifest::root_of(issue);
        return Err(uncovered
            .iter()
            .map(|u| uncovered_diagnostic(&edition, &root, u))
            .collect());
    }
    let (json, missing) = typeset::edition_json(&edition, fonts);
    if !missing.is_empty() {
        let listed: Vec<String> = missing
            .iter()
            .map(|(role, family)| format!("{family} ({role})"))
            .collect();
        progress::note(&format!(
            "fonts not available, the next in each role's list is used: {}; add them with --font-path DIR",
            listed.join(", ")
        ));
    }
    stage("typesetting");
    let mut world = EditionWorld::new(fonts, json, edition.issue.date);
    if let Some(templates) = &edition.templates {
        world = world.with_templates(templates);
    }
    let layout = typeset::lay_out(&world).map_err(|e| typeset_errors(issue, &edition, e))?;
    stage(if identity.is_some() {
        "exporting and sealing the PDF and the EPUB"
    } else {
        "exporting the PDF and the EPUB"
    });
    let (pdf_bytes, epub_bytes, page_map) = editions(issue, &edition, &world, &layout, identity)?;
    let pdf_name = format!("{}.pdf", edition.id);
    let epub_name = format!("{}.epub", edition.id);
    let bag = package::bag_folder_name(&edition.id);
    let zip_name = package::zip_name(&edition.id);
    let cannot_write = |error: std::io::Error| {
        vec![
            Diagnostic::in_file(out, format!("cannot write the edition: {error}")).help(
                "check that the output folder is writable; any earlier edition there is unchanged",
            ),
        ]
    };
    stage("packaging");
    let staging = Staging::new(out, &edition.id).map_err(cannot_write)?;
    // The editions are written while the package is made from them.
    let (written, package) = rayon::join(
        || {
            staging.write(&pdf_name, &pdf_bytes)?;
            staging.write(&epub_name, &epub_bytes)
        },
        || {
            archival_package(
                issue,
                &edition,
                &page_map,
                fonts,
                &pdf_bytes,
                &epub_bytes,
                identity,
            )
        },
    );
    written.map_err(cannot_write)?;
    let package = package.map_err(|diag| vec![*diag])?;
    stage("writing the edition");
    let folder = (|| {
        staging.write("manifest.json", &package.manifest_json)?;
        if let Some(signature) = &package.signature {
            staging.write("manifest.json.p7s", signature)?;
        }
        for (path, bytes) in &package.files {
            staging.write(&format!("{bag}/{path}"), bytes)?;
        }
        staging.write(&zip_name, &package.zip)?;
        staging.publish()
    })()
    .map_err(cannot_write)?;
    Ok(Built {
        id: edition.id.clone(),
        folder,
        pages: layout.pages(),
        sealed: identity.is_some(),
        seconds: start.elapsed().as_secs_f64(),
        files: vec![
            (
                format!("{pdf_name}  {} pages,", layout.pages()),
                pdf_bytes.len(),
            ),
            (epub_name, epub_bytes.len()),
            (
                format!(
                    "manifest.json{}, {bag}/ ({} files) and {zip_name}",
                    if package.signature.is_some() {
                        " + .p7s"
                    } else {
                        ""
                    },
                    package.files.len()
                ),
                package.zip.len(),
            ),
        ],
    })
}

/// The PDF (sealed when `identity` is given) and the EPUB editions from one
/// layout. They need only the layout, so they are made side by side on
/// rayon's pool, one after the other when it has one thread. Also returns
/// the page map the EPUB was made with.
fn editions(
    issue: &Path,
    edition: &Edition,
    world: &EditionWorld,
    layout: &typeset::Layout,
    identity: Option<&SealIdentity>,
) -> Result<(Vec<u8>, Vec<u8>, PageMap), Diagnostics> {
    let (pdf, epub) = rayon::join(
        || {
            layout
                .export(world, edition)
                .map_err(|e| typeset_errors(issue, edition, e))
                .and_then(|pdf| match identity {
                    Some(identity) => identity
                        .seal_pdf(edition, &pdf, layout.seal_spot())
                        .map_err(|diag| vec![*diag]),
                    None => Ok(pdf),
                })
        },
        || {
            let page_map = layout.page_map();
            epub_edition(edition, &page_map, layout.cover_svg(), identity)
                .map(|bytes| (bytes, page_map))
        },
    );
    let pdf = pdf?;
    let (epub, page_map) = epub.map_err(|diag| vec![*diag])?;
    Ok((pdf, epub, page_map))
}

/// The EPUB edition, from the same model, with the PDF's cover and pages,
/// sealed by the same identity.
fn epub_edition(
    edition: &Edition,
    page_map: &PageMap,
    cover_svg: String,
    identity: Option<&SealIdentity>,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let cover = Cover {
        bytes: cover_svg.into_bytes(),
        media_type: "image/svg+xml",
    };
    let bug =
        |e: epub::EpubError| Box::new(Diagnostic::new(format!("the EPUB edition failed: {e}")));
    let mut files =
        epub::render(edition, page_map, Some(&cover), &EpubOptions::default()).map_err(bug)?;
    if let Some(identity) = identity {
        files = identity.seal_epub(edition, files)?;
    }
    epub::package(&files, edition.issue.date).map_err(bug)
}

/// The signed verification manifest and the BagIt package around both editions.
fn archival_package(
    issue: &Path,
    edition: &Edition,
    page_map: &PageMap,
    fonts: &FontSet,
    pdf_bytes: &[u8],
    epub_bytes: &[u8],
    identity: Option<&SealIdentity>,
) -> Result<package::Package, Box<Diagnostic>> {
    let root = manifest::root_of(issue);
    let manifest_name = if issue.is_dir() {
        "issue.toml".to_string()
    } else {
        issue
            .file_name()
            .map_or_else(|| "issue.toml".into(), |n| n.to_string_lossy().into_owned())
    };
    let templates: Vec<(String, &[u8])> = typeset::template_sources(edition.templates.as_ref())
        .into_iter()
        .chain(epub::template_sources())
        .collect();
    let templates: Vec<(&str, &[u8])> = templates.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let inputs = PackageInputs {
        edition,
        issue_root: &root,
        manifest_name: &manifest_name,
        page_map,
        pdf: pdf_bytes,
        epub: epub_bytes,
        templates: &templates,
        fonts: fonts.digests(),
        chain: identity.map(SealIdentity::chain),
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    package::build(&inputs, identity.map(SealIdentity::signer)).map_err(|error| {
        let diagnostic = Diagnostic::new(format!("the archival package failed: {error}"));
        Box::new(match (&error, &edition.templates) {
            (package::PackageError::PageMap(_), Some(templates)) => diagnostic.help(format!(
                "the issue's own templates in {}/ must mark every block with <gz-block> metadata, as gazette's document.typ does: the page numbers of the EPUB and of manifest.json come from those marks",
                templates.folder
            )),
            (package::PackageError::PageMap(_), None) => diagnostic.help(
                "this is a fault in gazette, not in the issue: please report it",
            ),
            _ => diagnostic,
        })
    })
}

fn fail(diags: &[Diagnostic]) -> ExitCode {
    for diag in diags {
        eprintln!("{diag}");
    }
    let count = diags.len();
    eprintln!(
        "error: the edition was not built ({count} error{}); nothing was written",
        if count == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// Points at the first place the uncovered character is written.
fn uncovered_diagnostic(edition: &Edition, root: &Path, uncovered: &Uncovered) -> Diagnostic {
    let c = uncovered.character;
    let (files, whose) = match uncovered.document {
        None => (
            vec!["issue.toml".to_string()],
            "the issue manifest".to_string(),
        ),
        Some((s, d)) => {
            let document = &edition.sections[s].documents[d];
            let mut files = vec![document.source.clone()];
            files.extend(document.attachments.iter().map(|a| a.source.clone()));
            files.extend(document.interpretation.iter().map(|i| i.source.clone()));
            (files, format!("document \"{}\"", document.title))
        }
    };
    let message = format!(
        "no font has the character '{c}' (U+{:04X}) in {whose}",
        c as u32
    );
    let help = "it would print as an empty box: replace it, or add a font that has it with --font-path DIR";
    for file in &files {
        let path = root.join(file);
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(at) = text.find(c)
        {
            return SourceFile::new(path, text)
                .error(at..at + c.len_utf8(), message)
                .help(help);
        }
    }
    Diagnostic::in_file(&root.join(&files[0]), message).help(help)
}
