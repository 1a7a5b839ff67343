//! The editions a site publishes: found as packages, each verified under
//! the site's trust anchors, its published files written into the site from
//! the checked bytes, its data read back into the edition model.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::data;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Edition;
use crate::output::Staging;
use crate::package::manifest::VerificationManifest;
use crate::verify::{self, Options, Verdict};

/// One edition as the site publishes it.
pub struct Published {
    pub edition: Edition,
    pub manifest: VerificationManifest,
    /// manifest.json and its detached seal, byte for byte, for the verify page.
    pub manifest_bytes: Vec<u8>,
    pub seal: Vec<u8>,
    /// Every published file (path in the issue's `files/` folder) with its
    /// size and SHA-256, the package zip among them.
    pub files: BTreeMap<String, FileFacts>,
    /// The zip's name in `files/`.
    pub zip: String,
    /// The cover picture the EPUB carries, and its extension.
    pub cover: Option<(Vec<u8>, &'static str)>,
    /// How many files were written for it: the published ones and the cover.
    pub published_files: usize,
}

/// What a download list says of a file.
#[derive(Clone, Debug)]
pub struct FileFacts {
    pub size: u64,
    pub sha256: String,
}

/// Every package (`*.bag.zip`) under `input`, in path order, leaving out
/// whatever lies inside the site's own folder `out`.
pub fn find(input: &Path, out: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let out = out.canonicalize().ok();
    let mut packages = Vec::new();
    for entry in WalkDir::new(input).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            vec![Diagnostic::new(format!(
                "cannot look for packages under {}: {error}",
                input.display()
            ))]
        })?;
        let inside_out = match (&out, entry.path().canonicalize()) {
            (Some(out), Ok(path)) => path.starts_with(out),
            _ => false,
        };
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.ends_with(".bag.zip") && !inside_out {
            packages.push(entry.into_path());
        }
    }
    if packages.is_empty() {
        return Err(vec![
            Diagnostic::new(format!("no package (*.bag.zip) under {}", input.display()))
                .help("build the editions first (gazette build ISSUE... --out DIR), then give DIR"),
        ]);
    }
    Ok(packages)
}

impl Published {
    /// Opens the package at `path`: verified under `trust`, refused unless
    /// VALID; its editions, documents' files and signed manifest written to
    /// the staged site under `<year>/<NN>/files/`.
    pub fn open(path: &Path, trust: &Options, site: &Staging) -> Result<Published, Diagnostics> {
        let problem = |message: String| vec![Diagnostic::in_file(path, message)];
        let bytes =
            std::fs::read(path).map_err(|error| problem(format!("cannot read it: {error}")))?;
        let name = path.display().to_string();
        let (report, payload) = verify::open_package_zip(&name, &bytes, trust);
        if report.verdict != Verdict::Valid {
            return Err(vec![
                Diagnostic::in_file(path, format!("not published: {}", report.summary)).help(
                    "a site publishes only packages that verify as VALID under --trust; check it with gazette verify --trust ROOT.pem",
                ),
            ]);
        }
        let take = |file: &str| {
            payload
                .get(file)
                .map(|file| &file.bytes)
                .ok_or_else(|| problem(format!("the package holds no data/{file}")))
        };
        let manifest_bytes = take("manifest.json")?.clone();
        let seal = take("manifest.json.p7s")?.clone();
        let manifest: VerificationManifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|error| problem(format!("its manifest.json cannot be read: {error}")))?;
        let id = &manifest.edition.id;
        let edition = data::read_edition(take(&format!("edition/{id}.json"))?)
            .map_err(|error| {
                problem(format!(
                    "its data edition/{id}.json cannot be read: {error}"
                ))
            })?
            .into_edition();
        let folder = files_folder(&edition);
        let mut files = BTreeMap::new();
        let mut write = |name: String, bytes: &[u8], sha256: String| -> Result<(), Diagnostics> {
            site.write(&format!("{folder}{name}"), bytes)
                .map_err(|error| problem(format!("cannot write {folder}{name}: {error}")))?;
            let size = bytes.len() as u64;
            files.insert(name, FileFacts { size, sha256 });
            Ok(())
        };
        // The check hashed every payload file already; only the zip is new.
        for (file, content) in &payload {
            let published = file.starts_with("edition/")
                || file.starts_with("documents/")
                || file == "manifest.json"
                || file == "manifest.json.p7s";
            if published {
                let name = file.strip_prefix("edition/").unwrap_or(file).to_owned();
                write(name, &content.bytes, content.sha256.clone())?;
            }
        }
        let zip = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("{id}.bag.zip"));
        write(zip.clone(), &bytes, crate::digest::sha256(&bytes))?;
        let cover = payload
            .get(&format!("edition/{id}.epub"))
            .and_then(|epub| cover_of(&epub.bytes));
        if let Some((image, extension)) = &cover {
            site.write(
                &format!("{}cover.{extension}", issue_folder(&edition)),
                image,
            )
            .map_err(|error| problem(format!("cannot write its cover: {error}")))?;
        }
        Ok(Published {
            published_files: files.len() + usize::from(cover.is_some()),
            edition,
            manifest,
            manifest_bytes,
            seal,
            files,
            zip,
            cover,
        })
    }
}

/// Two packages of one issue cannot share its pages: the second is refused,
/// naming both.
pub fn refuse_twins(editions: &[Published]) -> Result<(), Diagnostics> {
    let twins: Diagnostics = editions
        .windows(2)
        .filter(|pair| issue_folder(&pair[0].edition) == issue_folder(&pair[1].edition))
        .map(|pair| {
            Diagnostic::new(format!(
                "{} and {} are both {}",
                pair[0].manifest.edition.id,
                pair[1].manifest.edition.id,
                issue_folder(&pair[0].edition)
            ))
            .help("give the site one gazette's editions, each issue once")
        })
        .collect();
    if twins.is_empty() { Ok(()) } else { Err(twins) }
}

/// `2025/08/`: an issue's folder in the site.
pub fn issue_folder(edition: &Edition) -> String {
    format!("{}/{:02}/", edition.issue.year, edition.issue.number)
}

/// `2025/08/files/`: where an issue's published files are.
pub fn files_folder(edition: &Edition) -> String {
    format!("{}files/", issue_folder(edition))
}

/// The cover picture of an EPUB edition, as its `EPUB/images/cover.*`.
fn cover_of(epub: &[u8]) -> Option<(Vec<u8>, &'static str)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub)).ok()?;
    for extension in ["svg", "png"] {
        if let Ok(mut entry) = archive.by_name(&format!("EPUB/images/cover.{extension}")) {
            let mut bytes = Vec::new();
            entry
                .by_ref()
                .take(MAX_COVER)
                .read_to_end(&mut bytes)
                .ok()?;
            return Some((bytes, extension));
        }
    }
    None
}

/// More than any cover typst draws; a larger one is left out.
const MAX_COVER: u64 = 16 << 20;
