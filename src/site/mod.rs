//! `gazette site`: the public's web edition. Built editions go in, as the
//! archival packages (`<id>.bag.zip`) a build writes; a static site comes
//! out, to be copied to any web server or opened from disk.
//!
//! The site publishes exactly what was sealed: each package is verified
//! first, under the trust anchors the site will pin, and every file offered
//! for download is taken byte for byte from the package's payload. The pages
//! are written from the package's published data (docs/data.md) with the
//! same block views as the EPUB, so the web text is the edition's text.
//!
//! [`published`] opens and checks the packages, [`pages`] shapes them into
//! pages through the templates of `templates/site/` ([`templates`]),
//! [`search`] indexes the document pages for the in-browser search (with
//! the `search` feature). Everything is written into a staging folder and
//! renamed into place at the end, as a build is.

mod pages;
mod published;
mod search;
mod templates;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::Staging;
use crate::verify::Options;

pub use published::Published;

/// What `gazette site` was asked to write.
pub struct SiteOptions<'a> {
    /// The folder the packages are found under (a year's `dist/`, say).
    pub input: &'a Path,
    /// The site's folder, replaced as a whole once the new site is complete.
    pub out: &'a Path,
    /// The roots the packages must chain to, published and pinned by the
    /// verify page: DER certificates.
    pub trust: &'a Options,
}

/// A written site, for the command's report.
#[derive(Debug)]
pub struct Site {
    pub folder: PathBuf,
    pub editions: usize,
    pub documents: usize,
    /// Every file written, the published ones included.
    pub files: usize,
    /// Time spent building the search index, or `None` without one.
    pub search: Option<Duration>,
}

/// Writes the site of every package under `options.input`.
pub fn write(options: &SiteOptions) -> Result<Site, Diagnostics> {
    if options.trust.anchors.is_empty() {
        return Err(vec![
            Diagnostic::new("a site needs the root certificate its seals chain to").help(
                "give it with --trust ROOT.pem: the verify page pins it, and only packages that chain to it are published",
            ),
        ]);
    }
    let packages = published::find(options.input, options.out)?;
    let (parent, name) = placement(options.out)?;
    let staging = Staging::new(parent, name).map_err(|error| cannot_write(options.out, &error))?;
    let opened: Vec<Result<Published, Diagnostics>> = packages
        .par_iter()
        .map(|path| Published::open(path, options.trust, &staging))
        .collect();
    let mut problems = Vec::new();
    let mut editions = Vec::new();
    for result in opened {
        match result {
            Ok(edition) => editions.push(edition),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    editions.sort_by_key(|e| (e.edition.issue.year, e.edition.issue.number));
    published::refuse_twins(&editions)?;
    let written = pages::render(&editions, &options.trust.anchors)?;
    let started = Instant::now();
    let index = search::index(&written)?;
    let search = index.as_ref().map(|_| started.elapsed());
    let mut files = editions.iter().map(|e| e.published_files).sum::<usize>();
    for (path, bytes) in written.iter().chain(index.iter().flatten()) {
        staging
            .write(path, bytes)
            .map_err(|error| cannot_write(options.out, &error))?;
        files += 1;
    }
    let folder = staging
        .publish()
        .map_err(|error| cannot_write(options.out, &error))?;
    Ok(Site {
        folder,
        editions: editions.len(),
        documents: editions.iter().map(|e| e.manifest.documents.len()).sum(),
        files,
        search,
    })
}

/// The folder the site is staged beside, and its name there.
fn placement(out: &Path) -> Result<(&Path, &str), Diagnostics> {
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        vec![
            Diagnostic::new(format!("{} cannot be the site's folder", out.display()))
                .help("name a folder, such as --out site"),
        ]
    })?;
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Ok((parent, name))
}

fn cannot_write(out: &Path, error: &std::io::Error) -> Diagnostics {
    vec![Diagnostic::new(format!(
        "cannot write the site to {}: {error}",
        out.display()
    ))]
}
