//! The issue's own files, read once: `issue.toml` and every document,
//! attachment and interpretation file, for their digests in manifest.json and
//! their copies in the bag.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::PackageError;
use crate::manifest;
use crate::model::{Document, Edition};
use crate::relative_path::{self, DistinctPaths};

/// A file of the issue folder and its bytes.
pub(super) struct IssueFile {
    /// Relative to the issue folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Everything the edition was built from that lives in the issue folder.
pub(super) struct IssueFiles {
    pub manifest: IssueFile,
    /// Each file once, in the order the edition reads them, then the
    /// issue's own templates.
    pub sources: Vec<IssueFile>,
}

impl IssueFiles {
    /// Reads `manifest_name` and every file `edition` names from `root`. The
    /// issue manifest is kept as `issue.toml` whatever its file is called, as
    /// the format names it (MAN-15). The issue's own templates are taken as
    /// the edition holds them: the bytes that were typeset, whatever an
    /// editor has saved since.
    pub fn read(root: &Path, manifest_name: &str, edition: &Edition) -> Result<Self, PackageError> {
        let manifest = IssueFile {
            path: manifest::FILE_NAME.to_owned(),
            ..read_file(root, manifest_name)?
        };
        let mut seen = HashSet::new();
        let mut sources: Vec<IssueFile> = edition
            .sections
            .iter()
            .flat_map(|section| &section.documents)
            .flat_map(document_sources)
            .filter(|path| seen.insert(path.to_string()))
            .map(|path| read_file(root, path))
            .collect::<Result<_, _>>()?;
        if let Some(templates) = &edition.templates {
            for file in &templates.files {
                let path = format!("{}/{}", templates.folder, file.path);
                location(root, &path)?;
                if seen.insert(path.clone()) {
                    sources.push(IssueFile {
                        path,
                        bytes: file.bytes.clone(),
                    });
                }
            }
        }
        let mut distinct = DistinctPaths::new();
        for file in &sources {
            distinct.insert(&file.path).map_err(|why| {
                PackageError::Path(format!(
                    "the package would hold the issue file \"{}\" {why}",
                    file.path
                ))
            })?;
        }
        Ok(Self { manifest, sources })
    }

    /// The file read for `path`, which must be one the edition names.
    pub fn source(&self, path: &str) -> Option<&IssueFile> {
        self.sources.iter().find(|file| file.path == path)
    }
}

/// A document's files: the document, its attachments, its interpretation.
pub(super) fn document_sources(document: &Document) -> impl Iterator<Item = &str> {
    let attachments = document.attachments.iter().map(|a| a.source.as_str());
    let interpretation = document.interpretation.iter().map(|i| i.source.as_str());
    std::iter::once(document.source.as_str())
        .chain(attachments)
        .chain(interpretation)
}

fn read_file(root: &Path, path: &str) -> Result<IssueFile, PackageError> {
    let location = location(root, path)?;
    let bytes = std::fs::read(&location).map_err(|error| PackageError::Source {
        path: location.display().to_string(),
        error,
    })?;
    Ok(IssueFile {
        path: path.to_owned(),
        bytes,
    })
}

/// Where `path` lives under `root`. The path must stay inside the issue
/// folder: it names the file in the bag too, and a bag may not hold `..`.
fn location(root: &Path, path: &str) -> Result<PathBuf, PackageError> {
    if let Err(why) = relative_path::check(path) {
        return Err(PackageError::Path(format!(
            "\"{path}\" cannot name a file in the package: it {why}; issue files must be named \
             by a relative path of /-separated names inside the issue folder"
        )));
    }
    Ok(path
        .split('/')
        .fold(root.to_path_buf(), |location, name| location.join(name)))
}
