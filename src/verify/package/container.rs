//! The package's container read into memory: every file of the bag with
//! its size, SHA-256 and SHA-512, and the content of the few read further.
//!
//! A zip goes through [`crate::verify::archive`]; a folder is walked here
//! under the same limits and name rules, without following links.

use std::collections::BTreeMap;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use memchr::memmem;
use ring::digest;
use walkdir::WalkDir;

use super::{MANIFEST, MANIFEST_SEAL, PAYLOAD};
use crate::digest::hex;
use crate::relative_path::{self, DistinctPaths};
use crate::verify::FindingCode;
use crate::verify::archive::{
    self, MAX_ENTRIES, MAX_TOTAL_SIZE, Refusal, Rules, cannot_check, invalid,
};

const RULES: Rules = Rules { what: "a package" };

/// A file of the bag, by its path in the bag (`data/edition/x.pdf`).
pub(super) struct BagFile {
    pub(super) size: u64,
    /// Lowercase hex, as manifests write it.
    pub(super) sha256: String,
    pub(super) sha512: String,
    /// The content, for the files read further (see [`keeps`]).
    pub(super) bytes: Option<Vec<u8>>,
    /// Whether it holds a PEM private key, which no file of an edition or
    /// package may (SEC-8): the one secret a producer's mistake could ship.
    pub(super) holds_private_key: bool,
}

/// What every PEM private key's armour holds, whatever its kind (PKCS#8,
/// encrypted, RSA, EC): `-----BEGIN … PRIVATE KEY-----`.
const PRIVATE_KEY_ARMOUR: &[u8] = b"PRIVATE KEY-----";

pub(super) type Files = BTreeMap<String, BagFile>;

/// The files read beyond their digests: tag files, the manifest and its
/// seal, the certificates, the editions, the documents' own files (their
/// PDFs are verified, their data recomputed into verification codes) and
/// the sources that the codes are recomputed from too.
fn keeps(path: &str) -> bool {
    match path.strip_prefix(PAYLOAD) {
        None => true,
        Some(payload) => {
            payload.starts_with("edition/")
                || payload.starts_with("documents/")
                || payload.starts_with("certificates/")
                || payload.starts_with("source/")
                || path == MANIFEST
                || path == MANIFEST_SEAL
        }
    }
}

pub(super) fn is_payload(path: &str) -> bool {
    path.starts_with(PAYLOAD)
}

/// Hashes a file's content as it streams by.
struct Digester {
    sha256: digest::Context,
    sha512: digest::Context,
    size: u64,
    kept: Option<Vec<u8>>,
    /// The last bytes of the content so far, so that armour split across
    /// two chunks is found.
    tail: Vec<u8>,
    holds_private_key: bool,
}

impl Digester {
    fn new(keep: bool) -> Self {
        Digester {
            sha256: digest::Context::new(&digest::SHA256),
            sha512: digest::Context::new(&digest::SHA512),
            size: 0,
            kept: keep.then(Vec::new),
            tail: Vec::new(),
            holds_private_key: false,
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        self.sha512.update(chunk);
        self.size += chunk.len() as u64;
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(chunk);
        }
        if !self.holds_private_key {
            let reach = PRIVATE_KEY_ARMOUR.len() - 1;
            // The previous chunk's last bytes and this one's first: armour
            // across the seam.
            let mut seam = std::mem::take(&mut self.tail);
            seam.extend_from_slice(&chunk[..chunk.len().min(reach)]);
            self.holds_private_key = memmem::find(&seam, PRIVATE_KEY_ARMOUR).is_some()
                || memmem::find(chunk, PRIVATE_KEY_ARMOUR).is_some();
            self.tail = if chunk.len() >= reach {
                chunk[chunk.len() - reach..].to_vec()
            } else {
                seam.split_off(seam.len().saturating_sub(reach))
            };
        }
    }

    fn finish(self) -> BagFile {
        BagFile {
            size: self.size,
            sha256: hex(self.sha256.finish().as_ref()),
            sha512: hex(self.sha512.finish().as_ref()),
            bytes: self.kept,
            holds_private_key: self.holds_private_key,
        }
    }
}

pub(super) fn read_bag(path: &Path) -> Result<Files, Refusal> {
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(path, &e))?;
    if metadata.is_dir() {
        read_folder(path)
    } else {
        read_zip(path)
    }
}

fn unreadable(path: &Path, error: &dyn std::fmt::Display) -> Refusal {
    cannot_check(
        FindingCode::Unreadable,
        format!("cannot read {}: {error}", path.display()),
    )
}

/// Reads the zip into memory, up to the most all its files may come to.
fn read_zip(path: &Path) -> Result<Files, Refusal> {
    let file = File::open(path).map_err(|e| unreadable(path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TOTAL_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e))?;
    read_zip_bytes(&bytes)
}

/// Reads a zip already in memory, under the same limits as one on disk.
pub(super) fn read_zip_bytes(bytes: &[u8]) -> Result<Files, Refusal> {
    if bytes.len() as u64 > MAX_TOTAL_SIZE {
        return Err(cannot_check(
            FindingCode::TooLarge,
            format!("the zip is over {MAX_TOTAL_SIZE} bytes, the most this verifier reads"),
        ));
    }
    let (mut reader, entries) = archive::open(bytes, &RULES)?;
    let top = entries
        .first()
        .and_then(|e| e.path.split('/').next())
        .unwrap_or_default();
    let mut files = Files::new();
    for entry in &entries {
        if entry.is_dir && entry.path == top {
            continue;
        }
        let Some(path) = entry
            .path
            .strip_prefix(top)
            .and_then(|p| p.strip_prefix('/'))
        else {
            return Err(invalid(
                FindingCode::NotOneFolder,
                format!(
                    "the entry {:?} is not in the folder {top:?}: a package's entries all \
                     sit in one top folder, <id>.bag/",
                    entry.path
                ),
            ));
        };
        if entry.is_dir {
            continue;
        }
        let mut digester = Digester::new(keeps(path));
        reader.read(entry, |chunk| digester.update(chunk))?;
        files.insert(path.to_owned(), digester.finish());
    }
    Ok(files)
}

/// Walks the folder without following links; every file is streamed once.
fn read_folder(root: &Path) -> Result<Files, Refusal> {
    let mut files = Files::new();
    let mut distinct = DistinctPaths::new();
    let mut total = 0;
    let walk = WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name();
    for (count, item) in walk.into_iter().enumerate() {
        if count >= MAX_ENTRIES {
            return Err(cannot_check(
                FindingCode::TooManyEntries,
                format!(
                    "the folder holds more than {MAX_ENTRIES} entries, the most this verifier reads"
                ),
            ));
        }
        let item = item.map_err(|e| unreadable(root, &e))?;
        let path = bag_path(root, item.path())?;
        relative_path::check(&path).map_err(|why| {
            invalid(
                FindingCode::UnsafeEntryName,
                format!("the file {path:?} {why}: a copy of the bag could land elsewhere"),
            )
        })?;
        distinct.insert(&path).map_err(|why| {
            invalid(
                FindingCode::DuplicateEntry,
                format!("the folder holds {path:?} {why}: a copy of the bag could lose one"),
            )
        })?;
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            return Err(invalid(
                FindingCode::SymlinkEntry,
                format!(
                    "{path} is a symbolic link, which a package never holds: it could make \
                     the bag show any file of this computer"
                ),
            ));
        }
        if !kind.is_file() {
            return Err(invalid(
                FindingCode::SpecialEntry,
                format!("{path} is neither a plain file nor a folder"),
            ));
        }
        let walked = item.metadata().map_err(|e| unreadable(item.path(), &e))?;
        let file = read_file(item.path(), &path, &walked, &mut total)?;
        files.insert(path, file);
    }
    Ok(files)
}

/// The path inside the bag, `/`-separated, or a refusal if it is not UTF-8.
fn bag_path(root: &Path, path: &Path) -> Result<String, Refusal> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let segments: Option<Vec<&str>> = relative.iter().map(|s| s.to_str()).collect();
    segments.map(|s| s.join("/")).ok_or_else(|| {
        invalid(
            FindingCode::NonUtf8Name,
            format!(
                "{} has a name that is not UTF-8, which a bag's manifests cannot name",
                path.display()
            ),
        )
    })
}

/// Reads one plain file: the one walked (not a link put in its place), its
/// size under the limits, and no more bytes than that size.
fn read_file(
    location: &Path,
    path: &str,
    walked: &Metadata,
    total: &mut u64,
) -> Result<BagFile, Refusal> {
    let changed = || {
        cannot_check(
            FindingCode::ChangedWhileReading,
            format!("{path} changed while it was being read; check the package again"),
        )
    };
    let file = File::open(location).map_err(|e| unreadable(location, &e))?;
    let opened = file.metadata().map_err(|e| unreadable(location, &e))?;
    if !opened.is_file() || !same_file(walked, &opened) {
        return Err(changed());
    }
    let size = opened.len();
    archive::check_size(path, size, size, total)?;
    let mut digester = Digester::new(keeps(path));
    let read = archive::stream(file, size, |chunk| digester.update(chunk))
        .map_err(|e| unreadable(location, &e))?;
    if read != size {
        return Err(changed());
    }
    Ok(digester.finish())
}

#[cfg(unix)]
fn same_file(walked: &Metadata, opened: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    walked.dev() == opened.dev() && walked.ino() == opened.ino()
}

#[cfg(not(unix))]
fn same_file(walked: &Metadata, opened: &Metadata) -> bool {
    walked.is_file() && opened.is_file() && walked.len() == opened.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file replaced between the walk and its reading is another file than
    /// the one walked: the package cannot be checked as it was (VER-47).
    #[test]
    fn a_file_replaced_after_the_walk_is_changed_while_reading() {
        let folder = tempfile::tempdir().unwrap();
        let location = folder.path().join("issue.toml");
        std::fs::write(&location, "year = 2025\n").unwrap();
        let walked = std::fs::symlink_metadata(&location).unwrap();
        let replacement = folder.path().join("replacement");
        std::fs::write(&replacement, "year = 2026\n").unwrap();
        std::fs::rename(&replacement, &location).unwrap();
        let read = read_file(&location, "data/source/issue.toml", &walked, &mut 0);
        let refusal = read.err().expect("a replaced file is refused");
        assert_eq!(refusal.finding.code, FindingCode::ChangedWhileReading);
        assert_eq!(refusal.verdict, crate::verify::Verdict::CannotCheck);

        let walked = std::fs::symlink_metadata(&location).unwrap();
        assert!(read_file(&location, "data/source/issue.toml", &walked, &mut 0).is_ok());
    }

    #[test]
    fn private_key_armour_is_found_across_chunks_of_any_size() {
        let content = b"certificate text -----BEGIN EC PRIVATE KEY-----\nMHcC";
        for size in 1..=content.len() {
            let mut digester = Digester::new(false);
            content
                .chunks(size)
                .for_each(|chunk| digester.update(chunk));
            assert!(digester.finish().holds_private_key, "chunks of {size}");
        }
        let mut digester = Digester::new(false);
        digester.update(b"-----BEGIN CERTIFICATE-----\nMIIB PRIVATE KEY----");
        assert!(!digester.finish().holds_private_key);
    }
}
