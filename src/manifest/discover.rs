//! Which issues a command line names: an issue folder (or its issue.toml)
//! stands for itself; any other folder for every issue folder below it.

use std::path::PathBuf;

use super::FILE_NAME;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The issues `paths` name, a folder of issue folders giving its issues in
/// name order. A path that is neither is kept, for the build to say why.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut issues = Vec::new();
    for path in paths {
        if path.is_file() || path.join(FILE_NAME).is_file() || !path.is_dir() {
            issues.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
            .max_depth(4)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_dir() && entry.path().join(FILE_NAME).is_file())
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
