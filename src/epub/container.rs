//! The OCF container: a zip whose first entry is the uncompressed `mimetype`,
//! written so that the same files and date always give the same bytes.

use std::collections::HashSet;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::{EpubError, EpubFile};
use crate::model::Date;

/// The one content the `mimetype` entry may hold (OCF 3.3 §4.3).
pub(super) const MIMETYPE: &[u8] = b"application/epub+zip";

/// Zips `files` in the order given. `mimetype` must come first with its fixed
/// content; it is stored, every other entry deflated. Each entry is stamped
/// with `date` at 00:00 and the permissions `rw-r--r--`, so the result does
/// not depend on when or where it is built.
pub fn package(files: &[EpubFile], date: Date) -> Result<Vec<u8>, EpubError> {
    check_files(files)?;
    let stamp =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).map_err(|_| {
            EpubError::Package(format!(
                "cannot stamp the EPUB's files with {}: zip dates run from 1980 to 2107",
                date.iso()
            ))
        })?;
    let options = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .system(System::Unix)
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (index, file) in files.iter().enumerate() {
        let method = if index == 0 {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(file.path.as_str(), options.compression_method(method))
            .and_then(|()| writer.write_all(&file.bytes).map_err(Into::into))
            .map_err(|e| zip_failed(&file.path, e))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| zip_failed("the end of the zip", e))?;
    Ok(cursor.into_inner())
}

fn zip_failed(what: &str, error: impl std::fmt::Display) -> EpubError {
    EpubError::Package(format!("cannot write {what} into the EPUB: {error}"))
}

/// The file list must make a valid OCF container: `mimetype` first, then
/// distinct relative paths that cannot escape the container.
fn check_files(files: &[EpubFile]) -> Result<(), EpubError> {
    match files.first() {
        Some(first) if first.path == "mimetype" && first.bytes == MIMETYPE => {}
        _ => {
            return Err(EpubError::Package(
                "the first file of an EPUB must be \"mimetype\" holding exactly \
                 \"application/epub+zip\""
                    .into(),
            ));
        }
    }
    let mut seen = HashSet::new();
    for file in files {
        let path = file.path.as_str();
        let unsafe_path = path.is_empty()
            || path.starts_with('/')
            || path.ends_with('/')
            || path.contains('\\')
            || path
                .split('/')
                .any(|segment| matches!(segment, "" | "." | ".."));
        if unsafe_path {
            return Err(EpubError::Package(format!(
                "\"{path}\" is not a valid path inside an EPUB container: use a relative \
                 path of /-separated names, without \".\" or \"..\""
            )));
        }
        if !seen.insert(path.to_ascii_lowercase()) {
            return Err(EpubError::Package(format!(
                "the EPUB would hold \"{path}\" twice (OCF compares paths without case)"
            )));
        }
    }
    Ok(())
}
