//! `gazette build`: one issue or many through [`gazette::edition`], then
//! what was built, or the summary table of a batch.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use gazette::diagnostic::Diagnostics;
use gazette::edition::{self, Built, Press};
use gazette::manifest;
use gazette::seal::Keys;
use gazette::typeset::FontSet;

use crate::cli::args::BuildArgs;
use crate::cli::progress::Progress;
use crate::cli::terminal::{self, Failure};

pub fn run(args: &BuildArgs) -> Result<ExitCode, Failure> {
    let start = Instant::now();
    let issues = manifest::discover(&args.issues).map_err(not_built)?;
    // Loaded once and shared: parsing the CJK faces is the costliest fixed step.
    let fonts = FontSet::load(&args.edition.font_paths).map_err(|font| not_built(vec![*font]))?;
    let seal = args.edition.seal.options();
    let keys = Keys::default();
    let press = args.edition.press(&fonts, &seal, &keys);
    match issues.as_slice() {
        [issue] => build_one(&press, issue, args),
        _ => build_batch(&press, &issues, args, start),
    }
}

/// One issue: no bars (its build is short), what was written, or why not.
fn build_one(press: &Press, issue: &Path, args: &BuildArgs) -> Result<ExitCode, Failure> {
    let progress = Progress::single(args.quiet, args.verbose);
    let shown = progress.start(issue.display().to_string());
    let built = press.build(issue, &shown);
    shown.finish();
    print_built(&built.map_err(not_built)?);
    Ok(ExitCode::SUCCESS)
}

/// Nothing was built, for these reasons.
fn not_built(problems: Diagnostics) -> Failure {
    let closing = format!(
        "the edition was not built ({}); nothing was written",
        terminal::errors(problems.len())
    );
    Failure::new(problems).closing(closing)
}

/// Many issues, `--jobs` at a time: each one's outcome as it comes, then a
/// summary table, then every failed issue's errors.
fn build_batch(
    press: &Press,
    issues: &[PathBuf],
    args: &BuildArgs,
    start: Instant,
) -> Result<ExitCode, Failure> {
    let threads = args
        .jobs
        .map_or_else(rayon::current_num_threads, usize::from)
        .min(issues.len());
    let progress = Progress::new(issues.len(), args.quiet, args.verbose);
    let results = edition::build_each(issues, threads, |issue| {
        let shown = progress.start(issue.display().to_string());
        let result = press.build(issue, &shown);
        shown.done(&outcome(issue, &result));
        result
    });
    progress.finish();
    let results: Vec<(&PathBuf, Result<Built, Diagnostics>)> = issues.iter().zip(results).collect();
    print_summary(&results, threads, start);
    let failed: Vec<_> = results
        .into_iter()
        .filter_map(|(issue, result)| Some((issue, result.err()?)))
        .collect();
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    Err(Failure::each(failed.into_iter().map(
        |(issue, problems)| {
            let closing = format!(
                "{} was not built ({}); nothing was written for it",
                issue.display(),
                terminal::errors(problems.len())
            );
            (problems, closing)
        },
    )))
}

/// An issue's outcome in one line, as a batch goes.
fn outcome(issue: &Path, result: &Result<Built, Diagnostics>) -> String {
    match result {
        Ok(built) => format!(
            "built {} in {:.2} s",
            built.files.folder.display(),
            built.time.as_secs_f64()
        ),
        Err(problems) => format!(
            "failed {} ({})",
            issue.display(),
            terminal::errors(problems.len())
        ),
    }
}

fn print_built(built: &Built) {
    let files = &built.files;
    let sealed = if built.sealed { "sealed" } else { "not sealed" };
    println!(
        "built {} in {:.2} s, {sealed}",
        files.folder.display(),
        built.time.as_secs_f64()
    );
    let kib = |size: usize| size / 1024;
    println!(
        "  {}  {} pages,  {} KiB",
        files.pdf.name,
        built.pages,
        kib(files.pdf.size)
    );
    println!("  {}  {} KiB", files.epub.name, kib(files.epub.size));
    if !files.documents.is_empty() {
        let documents: usize = files.documents.iter().map(|file| file.size).sum();
        println!(
            "  documents/  {} PDFs,  {} KiB",
            files.documents.len(),
            kib(documents)
        );
    }
    println!(
        "  manifest.json{}, {}/ ({} files) and {}  {} KiB",
        if built.sealed { " + .p7s" } else { "" },
        files.bag,
        files.bag_files,
        files.zip.name,
        kib(files.zip.size)
    );
}

/// One line an issue, in the order given, and the count.
fn print_summary(
    results: &[(&PathBuf, Result<Built, Diagnostics>)],
    threads: usize,
    start: Instant,
) {
    println!();
    println!(
        "{:<40} {:>6} {:>8}  {:<22} result",
        "issue", "pages", "time", "artifacts"
    );
    for (issue, result) in results {
        match result {
            Ok(built) => println!(
                "{:<40} {:>6} {:>6.2} s  {:<22} {}",
                built.id,
                built.pages,
                built.time.as_secs_f64(),
                "pdf epub package",
                if built.sealed { "sealed" } else { "ok" }
            ),
            Err(problems) => println!(
                "{:<40} {:>6} {:>8}  {:<22} {}",
                issue.display(),
                "-",
                "-",
                "-",
                terminal::errors(problems.len())
            ),
        }
    }
    let built = results.iter().filter(|(_, r)| r.is_ok()).count();
    println!(
        "built {built} of {} issues in {:.2} s on {threads} thread{}",
        results.len(),
        start.elapsed().as_secs_f64(),
        if threads == 1 { "" } else { "s" }
    );
}
