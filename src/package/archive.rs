//! The bag as one zip, `<id>.bag.zip`, for transfer: every entry under the
//! top folder `<id>.bag/`, in the bag's order, stamped with the issue date, so
//! that the same bag always gives the same bytes.

use super::PackageError;
use super::bag::BagFile;
use crate::model::Date;
use crate::zipped;

/// Files that are compressed already: deflating them again gains nothing.
const STORED_EXTENSIONS: [&str; 3] = [".pdf", ".epub", ".p7s"];

/// Zips `files` (paths relative to the bag folder) under `top/`, in the order
/// given, each stamped `date` 00:00 with permissions `rw-r--r--`.
pub(super) fn zip(top: &str, files: &[BagFile], date: Date) -> Result<Vec<u8>, PackageError> {
    let names: Vec<String> = files
        .iter()
        .map(|(path, _)| format!("{top}/{path}"))
        .collect();
    let entries = files
        .iter()
        .zip(&names)
        .map(|((path, bytes), name)| zipped::Entry {
            name,
            bytes,
            stored: STORED_EXTENSIONS.iter().any(|ext| path.ends_with(ext)),
        });
    zipped::write(entries, date)
        .map_err(|why| PackageError::Zip(format!("cannot write the package's zip: {why}")))
}
