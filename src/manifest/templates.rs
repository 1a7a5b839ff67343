//! The [templates] table: the issue's own typst templates, read whole when
//! the manifest is, so that a build typesets exactly what it packages.

use std::path::Path;

use super::fields::{At, Table};
use super::{Folder, text};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{TemplateFile, Templates};

/// Generous bounds for a folder of templates and their images; past them the
/// folder is probably not the one meant.
const MAX_FILES: usize = 500;
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Where the templates find the edition's data; a file may not take its place.
const RESERVED: &str = "edition.json";

impl Folder {
    /// The issue's own templates, when issue.toml has a [templates] table.
    pub(super) fn templates(&self, top: &Table, diags: &mut Diagnostics) -> Option<Templates> {
        let entry = top.table("templates", diags)?;
        let table = top.nested(entry, "[templates]", &["folder"], diags);
        let file = table.file();
        let At { value, span } = table.string("folder", Some("\"templates\""), diags)?;
        let folder = self.relative(Path::new(""), &value, file, span.clone(), diags)?;
        if folder.is_empty() {
            diags.push(
                file.error(span, "the templates folder is the issue folder itself")
                    .help("keep the templates in a folder of their own inside the issue folder, e.g. folder = \"templates\""),
            );
            return None;
        }
        let location = self.display(&folder);
        let inside = location
            .canonicalize()
            .is_ok_and(|real| real.starts_with(&self.canonical_root) && real.is_dir());
        if !inside {
            diags.push(
                file.error(span, format!("no templates folder \"{value}\" in the issue folder"))
                    .help("create it (`gazette templates DIR` writes gazette's own templates to start from), or remove [templates]"),
            );
            return None;
        }
        read_folder(&location, &folder, diags)
    }
}

/// Every file under `location` but hidden ones and editors' backups, which
/// come and go as an editor saves.
fn read_folder(location: &Path, folder: &str, diags: &mut Diagnostics) -> Option<Templates> {
    let mut files = Vec::new();
    let mut total = 0;
    let entries = walkdir::WalkDir::new(location)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_scratch(entry.file_name()));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diags.push(
                    Diagnostic::in_file(location, format!("cannot read the templates: {error}"))
                        .help("check the folder's permissions"),
                );
                return None;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(path) = template_path(&entry, location, diags) else {
            continue;
        };
        total += entry.metadata().map_or(0, |m| m.len());
        if files.len() == MAX_FILES || total > MAX_BYTES {
            diags.push(
                Diagnostic::in_file(
                    location,
                    format!(
                        "the templates folder holds more than {MAX_FILES} files or {} MiB",
                        MAX_BYTES >> 20
                    ),
                )
                .help("keep only the templates and the images they use in it"),
            );
            return None;
        }
        if let Some((bytes, text)) = read_template(entry.path(), &path, diags) {
            files.push(TemplateFile { path, bytes, text });
        }
    }
    Some(Templates {
        folder: folder.to_owned(),
        files,
    })
}

/// The file's path inside the templates folder, `/`-separated as typst
/// names it; `None` (reported) for a name that is not UTF-8 or that takes
/// the place of the edition's data.
fn template_path(
    entry: &walkdir::DirEntry,
    location: &Path,
    diags: &mut Diagnostics,
) -> Option<String> {
    let relative = entry.path().strip_prefix(location).ok()?;
    let path: Option<Vec<&str>> = relative.iter().map(|part| part.to_str()).collect();
    let Some(path) = path.map(|parts| parts.join("/")) else {
        diags.push(
            Diagnostic::in_file(entry.path(), "the file's name is not UTF-8")
                .help("rename it with a UTF-8 name"),
        );
        return None;
    };
    if path == RESERVED {
        diags.push(
            Diagnostic::in_file(
                entry.path(),
                format!("{RESERVED} is where the templates read the edition's data"),
            )
            .help("rename the file"),
        );
        return None;
    }
    Some(path)
}

/// The file's bytes and, for a template (`.typ`), its text; `None`
/// (reported) when it cannot be read, or when a template is not UTF-8 text.
fn read_template(
    file: &Path,
    path: &str,
    diags: &mut Diagnostics,
) -> Option<(Vec<u8>, Option<String>)> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            diags.push(
                Diagnostic::in_file(file, format!("cannot read the file: {error}"))
                    .help("check the file's permissions"),
            );
            return None;
        }
    };
    if !path.ends_with(".typ") {
        return Some((bytes, None));
    }
    match text::decode(file, &bytes).map(str::to_owned) {
        Ok(text) => Some((bytes, Some(text))),
        Err(refusal) => {
            diags.push(*refusal);
            None
        }
    }
}

/// Hidden files and editors' swap and backup files (`.cover.typ.swp`,
/// `cover.typ~`, `#cover.typ#`), which come and go while nothing is saved.
pub fn is_scratch(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
}
