//! The bag as one zip, `<id>.bag.zip`, for transfer: every entry under the
//! top folder `<id>.bag/`, in the bag's order, stamped with the issue date, so
//! that the same bag always gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::PackageError;
use super::bag::BagFile;
use crate::model::Date;

/// Files that are compressed already: deflating them again gains nothing.
const STORED_EXTENSIONS: [&str; 3] = [".pdf", ".epub", ".p7s"];

/// Zips `files` (paths relative to the bag folder) under `top/`, in the order
/// given, each stamped `date` 00:00 with permissions `rw-r--r--`.
pub(super) fn zip(top: &str, files: &[BagFile], date: Date) -> Result<Vec<u8>, PackageError> {
    let stamp =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).map_err(|_| {
            PackageError::Zip(format!(
                "cannot stamp the package's files with {}: zip dates run from 1980 to 2107",
                date.iso()
            ))
        })?;
    let options = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .system(System::Unix)
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in files {
        let name = format!("{top}/{path}");
        let method = if STORED_EXTENSIONS.iter().any(|ext| path.ends_with(ext)) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(name.as_str(), options.compression_method(method))
            .and_then(|()| writer.write_all(bytes).map_err(Into::into))
            .map_err(|e| zip_failed(&name, e))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| zip_failed("the end of the zip", e))?;
    Ok(cursor.into_inner())
}

fn zip_failed(what: &str, error: impl std::fmt::Display) -> PackageError {
    PackageError::Zip(format!(
        "cannot write {what} into the package's zip: {error}"
    ))
}
