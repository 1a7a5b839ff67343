//! The bag as one zip, `<id>.bag.zip`, for transfer: every entry under the
//! top folder `<id>.bag/`, in the bag's order, stamped with the issue date, so
//! that the same bag always gives the same bytes; and read back, for renewal.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::PackageError;
use super::bag::BagFile;
use crate::model::Date;
use crate::relative_path::{self, DistinctPaths};
use crate::zipped::{self, Deflated};

/// Files that are compressed already: deflating them again gains nothing.
const STORED_EXTENSIONS: [&str; 3] = [".pdf", ".epub", ".p7s"];

/// Zips `files` (paths relative to the bag folder) under `top/`, in the order
/// given, each stamped `date` 00:00 with permissions `rw-r--r--`, taking what
/// is `deflated` already as it is.
pub(super) fn zip(
    top: &str,
    files: &[BagFile],
    date: Date,
    deflated: &[Deflated],
) -> Result<Vec<u8>, PackageError> {
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
    zipped::write_with(entries, date, deflated)
        .map_err(|why| PackageError::Zip(format!("cannot write the package's zip: {why}")))
}

/// What a bag's zip holds, read back for renewal.
pub(super) struct Unzipped {
    /// The top folder, `<id>.bag`.
    pub top: String,
    /// The files, paths relative to the top folder, in the zip's order.
    pub files: Vec<BagFile>,
    /// The date its entries are stamped with.
    pub date: Date,
}

/// No package comes near this: an entry, or all of them, larger is refused.
const MAX_SIZE: u64 = 1 << 30;

/// Reads a bag's zip as [`zip`] writes it: every entry a file under one top
/// folder, at a safe relative path, stamped with one date.
pub(super) fn unzip(bytes: &[u8]) -> Result<Unzipped, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("it is not a readable zip: {e}"))?;
    let mut top: Option<String> = None;
    let mut files = Vec::with_capacity(archive.len());
    let mut date = None;
    let mut total = 0u64;
    let mut distinct = DistinctPaths::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("entry {} cannot be read: {e}", index + 1))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| format!("entry {} has no readable name: {e}", index + 1))?
            .into_owned();
        let Some((first, path)) = name.split_once('/') else {
            return Err(format!("{name} is not inside the bag's folder"));
        };
        if top.get_or_insert_with(|| first.to_owned()) != first {
            return Err(format!("{name} is outside the bag's folder"));
        }
        relative_path::check(&name).map_err(|why| format!("the entry {name} {why}"))?;
        distinct
            .insert(path)
            .map_err(|_| format!("it holds {name} twice"))?;
        total = total.saturating_add(entry.size());
        if total > MAX_SIZE {
            return Err("it expands to more than any package".into());
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_SIZE + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name} cannot be read: {e}"))?;
        date = date.or(entry.last_modified());
        files.push((path.to_owned(), content));
    }
    let top = top.ok_or("it holds no file")?;
    let date = date
        .map(|stamp| Date {
            year: stamp.year(),
            month: stamp.month(),
            day: stamp.day(),
        })
        .ok_or("its entries carry no date")?;
    Ok(Unzipped { top, files, date })
}
