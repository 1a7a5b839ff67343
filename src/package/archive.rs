//! The bag as one zip, `<id>.bag.zip`, for transfer: every entry under the
//! top folder `<id>.bag/`, in the bag's order, stamped with the issue date, so
//! that the same bag always gives the same bytes; and read back, for renewal,
//! which adds its files after the earlier entries and leaves those in place.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::PackageError;
use super::bag::{self, BagFile};
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

/// The bag's zip `earlier`, read as `unzipped`, renewed to hold `renewed`
/// (the whole bag, its tag manifests made afresh): every earlier entry but
/// the tag manifests byte for byte where it was, then the files the renewal
/// adds, then the tag manifests (LTP-10). The error says why a zip cannot
/// be renewed so: its tag manifests are not its last entries, or its
/// entries are not written as this writer writes them.
pub(super) fn renewed(
    earlier: &[u8],
    unzipped: &Unzipped,
    renewed: &[BagFile],
) -> Result<Vec<u8>, String> {
    let kept = before_tag_manifests(earlier)?;
    let find = |path: &str| renewed.iter().find(|(p, _)| p == path);
    let mut files: Vec<BagFile> = Vec::with_capacity(renewed.len());
    for (path, _) in unzipped
        .files
        .iter()
        .filter(|(p, _)| !bag::is_tag_manifest(p))
    {
        let file = find(path).ok_or_else(|| format!("the renewal would drop {path}"))?;
        files.push(file.clone());
    }
    let (tag_manifests, others): (Vec<&BagFile>, Vec<&BagFile>) = renewed
        .iter()
        .partition(|(path, _)| bag::is_tag_manifest(path));
    let added = others
        .into_iter()
        .filter(|(path, _)| !unzipped.files.iter().any(|(p, _)| p == path));
    files.extend(added.chain(tag_manifests).cloned());
    let bytes = zip(&unzipped.top, &files, unzipped.date, &[]).map_err(|e| e.to_string())?;
    if bytes.get(..kept) != Some(&earlier[..kept]) {
        return Err("rewriting its entries as gazette writes them would change them".into());
    }
    Ok(bytes)
}

/// Where the tag manifests begin in the zip `bytes`: every byte before
/// them is the other entries', which must all come first.
pub(super) fn before_tag_manifests(bytes: &[u8]) -> Result<usize, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let (mut first_tag_manifest, mut last_other) = (None::<u64>, 0u64);
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|e| e.to_string())?;
        let start = entry.header_start();
        let is_tag_manifest = entry
            .name()
            .ok()
            .and_then(|name| {
                name.split_once('/')
                    .map(|(_, path)| bag::is_tag_manifest(path))
            })
            .unwrap_or(false);
        if is_tag_manifest {
            first_tag_manifest = Some(first_tag_manifest.map_or(start, |first| first.min(start)));
        } else {
            last_other = last_other.max(start);
        }
    }
    match first_tag_manifest {
        Some(first) if first > last_other => {
            usize::try_from(first).map_err(|_| "it is too large".to_owned())
        }
        Some(_) => Err("its tag manifests are not its last entries".into()),
        None => Err("it has no tag manifest".into()),
    }
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
