//! Reproducible zips, for the EPUB container and the package's `.bag.zip`:
//! entries in the order given, every one stamped with the same date at 00:00
//! and the permissions `rw-r--r--`, so the same files always give the same
//! bytes, whenever and wherever they are built.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use crate::model::Date;

/// One entry: its name in the zip, its bytes, and whether to store it
/// uncompressed (an EPUB's `mimetype`, or files compressed already).
pub struct Entry<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub stored: bool,
}

/// Bytes a zip spends on one entry besides its name and data: the local
/// header, the central directory record and their extra fields.
const ENTRY_OVERHEAD: usize = 128;

/// The zip of `entries`; the error says which entry failed and why.
pub fn write<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    date: Date,
) -> Result<Vec<u8>, String> {
    let stamp =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).map_err(|_| {
            format!(
                "cannot stamp the files with {}: zip dates run from 1980 to 2107",
                date.iso()
            )
        })?;
    let options = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .system(System::Unix)
        .unix_permissions(0o644);
    let entries: Vec<Entry> = entries.into_iter().collect();
    // Sized up front: grown by doubling, a package's zip would be copied
    // over and over on its way to some megabytes.
    let room = entries
        .iter()
        .map(|entry| entry.bytes.len() + 2 * entry.name.len() + ENTRY_OVERHEAD)
        .sum();
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(room)));
    for entry in entries {
        let method = if entry.stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(entry.name, options.compression_method(method))
            .and_then(|()| writer.write_all(entry.bytes).map_err(Into::into))
            .map_err(|e| format!("cannot write {}: {e}", entry.name))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(cursor.into_inner())
}
