//! Reproducible zips, for the EPUB container and the package's `.bag.zip`:
//! entries in the order given, every one stamped with the same date at 00:00
//! and the permissions `rw-r--r--`, so the same files always give the same
//! bytes, whenever and wherever they are built.
//!
//! Compressing is most of what a zip costs, and each entry compresses on its
//! own: the entries are deflated side by side, each into a zip of its own,
//! whose compressed data is then copied into the whole as it is. A build
//! that has some entries' bytes long before the rest deflates them
//! ahead ([`Deflated`]) while it waits. Either way the zip's bytes are the
//! ones writing every entry in turn would give.

use std::borrow::Cow;
use std::io::{Cursor, Write};

use rayon::prelude::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipArchive, ZipWriter};

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

/// Some bytes deflated ahead of the zip they go into, stamped with its date:
/// [`write_with`] copies them into any entry to be deflated that holds the
/// same bytes, and deflates the others itself.
pub struct Deflated<'a> {
    bytes: &'a [u8],
    date: Date,
    /// A zip of one unnamed entry holding `bytes`.
    alone: Vec<u8>,
}

impl<'a> Deflated<'a> {
    pub fn new(bytes: &'a [u8], date: Date) -> Result<Self, String> {
        let alone = deflate_alone(bytes, options(date)?)?;
        Ok(Deflated { bytes, date, alone })
    }
}

/// The zip of `entries`; the error says which entry failed and why.
pub fn write<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    date: Date,
) -> Result<Vec<u8>, String> {
    write_with(entries, date, &[])
}

/// The zip of `entries`, taking each deflated entry's data from `ahead` where
/// it has the entry's bytes; the same zip as [`write`] gives.
pub fn write_with<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    date: Date,
    ahead: &[Deflated],
) -> Result<Vec<u8>, String> {
    let options = options(date)?;
    let entries: Vec<Entry> = entries.into_iter().collect();
    // Each deflated entry as a zip of its own, from `ahead` or made here;
    // `None` for an entry stored as it is.
    let alone: Vec<Option<Cow<[u8]>>> = entries
        .par_iter()
        .map(|entry| {
            if entry.stored {
                return Ok(None);
            }
            let ready = ahead
                .iter()
                .find(|deflated| deflated.date == date && deflated.bytes == entry.bytes);
            match ready {
                Some(deflated) => Ok(Some(Cow::Borrowed(deflated.alone.as_slice()))),
                None => deflate_alone(entry.bytes, options)
                    .map(|alone| Some(Cow::Owned(alone)))
                    .map_err(|e| format!("cannot write {}: {e}", entry.name)),
            }
        })
        .collect::<Result<_, String>>()?;
    // Sized up front: grown by doubling, a package's zip would be copied
    // over and over on its way to some megabytes.
    let room = entries
        .iter()
        .map(|entry| entry.bytes.len() + 2 * entry.name.len() + ENTRY_OVERHEAD)
        .sum();
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(room)));
    for (entry, alone) in entries.iter().zip(&alone) {
        let written = match alone {
            Some(alone) => copy_alone(&mut writer, alone, entry.name),
            None => writer
                .start_file(
                    entry.name,
                    options.compression_method(CompressionMethod::Stored),
                )
                .and_then(|()| writer.write_all(entry.bytes).map_err(Into::into)),
        };
        written.map_err(|e| format!("cannot write {}: {e}", entry.name))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(cursor.into_inner())
}

fn options(date: Date) -> Result<SimpleFileOptions, String> {
    let stamp =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).map_err(|_| {
            format!(
                "cannot stamp the files with {}: zip dates run from 1980 to 2107",
                date.iso()
            )
        })?;
    Ok(SimpleFileOptions::default()
        .last_modified_time(stamp)
        .system(System::Unix)
        .unix_permissions(0o644))
}

/// A zip of `bytes` alone, deflated, under no name.
fn deflate_alone(bytes: &[u8], options: SimpleFileOptions) -> Result<Vec<u8>, String> {
    let mut alone = ZipWriter::new(Cursor::new(Vec::with_capacity(
        bytes.len() / 2 + ENTRY_OVERHEAD,
    )));
    alone
        .start_file("", options.compression_method(CompressionMethod::Deflated))
        .and_then(|()| alone.write_all(bytes).map_err(Into::into))
        .and_then(|()| alone.finish())
        .map(Cursor::into_inner)
        .map_err(|e| e.to_string())
}

/// The one entry of `alone` written to `writer` as `name`, its compressed
/// data, checksum and options as they are.
fn copy_alone(
    writer: &mut ZipWriter<Cursor<Vec<u8>>>,
    alone: &[u8],
    name: &str,
) -> zip::result::ZipResult<()> {
    let mut archive = ZipArchive::new(Cursor::new(alone))?;
    let entry = archive.by_index_raw(0)?;
    writer.raw_copy_file_rename(entry, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> Date {
        Date {
            year: 2025,
            month: 8,
            day: 15,
        }
    }

    /// Each entry written in turn, as the zip crate writes them: what the
    /// copies of entries deflated on their own must give, byte for byte.
    fn in_turn(entries: &[Entry], date: Date) -> Vec<u8> {
        let options = options(date).unwrap();
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for entry in entries {
            let method = match entry.stored {
                true => CompressionMethod::Stored,
                false => CompressionMethod::Deflated,
            };
            writer
                .start_file(entry.name, options.compression_method(method))
                .unwrap();
            writer.write_all(entry.bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn entries(text: &[u8]) -> Vec<Entry<'_>> {
        vec![
            Entry {
                name: "mimetype",
                bytes: b"application/epub+zip",
                stored: true,
            },
            Entry {
                name: "data/公报.json",
                bytes: text,
                stored: false,
            },
            Entry {
                name: "empty.txt",
                bytes: b"",
                stored: false,
            },
            Entry {
                name: "edition.pdf",
                bytes: &text[..1000],
                stored: true,
            },
            Entry {
                name: "again.json",
                bytes: text,
                stored: false,
            },
        ]
    }

    fn text() -> Vec<u8> {
        (0..50_000u32)
            .flat_map(|i| format!("第{i}条 ").into_bytes())
            .collect()
    }

    #[test]
    fn entries_deflated_on_their_own_give_the_zip_written_in_turn() {
        let text = text();
        let zip = write(entries(&text), date()).unwrap();
        assert_eq!(zip, in_turn(&entries(&text), date()));
        let mut archive = ZipArchive::new(Cursor::new(&zip)).unwrap();
        assert_eq!(
            archive.by_index(1).unwrap().name().unwrap(),
            "data/公报.json"
        );
    }

    #[test]
    fn bytes_deflated_ahead_give_the_same_zip() {
        let text = text();
        let ahead = [
            Deflated::new(&text, date()).unwrap(),
            Deflated::new(b"", date()).unwrap(),
        ];
        let zip = write_with(entries(&text), date(), &ahead).unwrap();
        assert_eq!(zip, in_turn(&entries(&text), date()));
    }

    #[test]
    fn bytes_deflated_ahead_serve_only_their_own_date_and_bytes() {
        let text = text();
        let other = Date { day: 16, ..date() };
        let mut changed = text.clone();
        changed[10] ^= 1;
        let ahead = [
            Deflated::new(&text, other).unwrap(),
            Deflated::new(&changed, date()).unwrap(),
        ];
        let zip = write_with(entries(&text), date(), &ahead).unwrap();
        assert_eq!(zip, in_turn(&entries(&text), date()));
    }
}
