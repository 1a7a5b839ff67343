//! A ZIP archive read safely and wholly in memory, for the EPUB and package
//! verifiers.
//!
//! The archive is hostile until proven otherwise. Before any content is read,
//! every entry's name, type, encryption, compression and declared sizes are
//! checked, and local headers must agree with the central directory, so that
//! every ZIP reader sees the same files. Contents are then streamed to the
//! caller with at most the declared size plus one byte read, so a lying
//! header costs nothing. Nothing is ever written to disk.
//!
//! # Refusals
//!
//! - CANNOT CHECK: `unreadable-zip` (not a ZIP, or damaged beyond reading),
//!   `too-many-entries` (over 10 000), `too-large` (an entry over 128 MiB,
//!   all over 512 MiB, as declared), `zip-bomb` (an entry over 1 MiB declared
//!   to expand more than 100 times), `encrypted-entry`,
//!   `unsupported-compression` (neither stored nor deflated).
//! - INVALID: `unsafe-entry-name` (what [`crate::relative_path`] refuses, and
//!   a folder with content), `non-utf8-name`, `duplicate-entry` (also names
//!   differing only in case), `symlink-entry`, `special-entry` (devices,
//!   pipes), `inconsistent-zip` (local headers disagree with the central
//!   directory, overlapping or hidden entries, a second name in an Info-ZIP
//!   Unicode Path field), `damaged-entry` (content larger or smaller than
//!   declared, or a wrong CRC).

use std::io::{Cursor, Read};

use zip::read::ZipFile;
use zip::{CompressionMethod, ExtraField, ZipArchive};

use super::{Finding, FindingCode, Verdict};
use crate::relative_path::{self, DistinctPaths};

pub(super) const MIB: u64 = 1024 * 1024;
/// The sum of the declared sizes of all entries.
pub(super) const MAX_TOTAL_SIZE: u64 = 512 * MIB;
pub(super) const MAX_ENTRY_SIZE: u64 = 128 * MIB;
pub(super) const MAX_ENTRIES: usize = 10_000;
/// An entry larger than [`BOMB_MIN_SIZE`] that compresses better than this is
/// taken for a ZIP bomb: text and images of a gazette come nowhere near.
const BOMB_RATIO: u64 = 100;
const BOMB_MIN_SIZE: u64 = MIB;
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// Why an archive (or a file in it) is not checked further.
pub(super) struct Refusal {
    pub(super) verdict: Verdict,
    pub(super) finding: Finding,
}

pub(super) fn invalid(code: FindingCode, message: String) -> Refusal {
    Refusal {
        verdict: Verdict::Invalid,
        finding: Finding::new(code, message),
    }
}

pub(super) fn cannot_check(code: FindingCode, message: String) -> Refusal {
    Refusal {
        verdict: Verdict::CannotCheck,
        finding: Finding::new(code, message),
    }
}

/// What the caller expects of its archive.
pub(super) struct Rules {
    /// What the archive should be, for messages: "an EPUB", "a package".
    pub(super) what: &'static str,
}

/// An entry that passed the checks on its header.
pub(super) struct Entry {
    index: usize,
    pub(super) path: String,
    pub(super) is_dir: bool,
    pub(super) size: u64,
    /// Where its local header starts in the archive.
    pub(super) header_start: u64,
}

/// Reads the contents of entries that [`open`] listed.
pub(super) struct Reader<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
}

/// Checks every entry's header and the archive's consistency; reads no content.
pub(super) fn open<'a>(
    bytes: &'a [u8],
    rules: &Rules,
) -> Result<(Reader<'a>, Vec<Entry>), Refusal> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        cannot_check(
            FindingCode::UnreadableZip,
            format!(
                "this is not a ZIP archive, or a damaged one, so it cannot be {}: {e}",
                rules.what
            ),
        )
    })?;
    let entries = list_entries(&mut zip, rules)?;
    zip.validate_header_consistency().map_err(|e| {
        invalid(
            FindingCode::InconsistentZip,
            format!(
                "the archive's local headers and central directory disagree, so ZIP readers \
                 may show different files: {e}"
            ),
        )
    })?;
    Ok((Reader { zip }, entries))
}

/// Lists every entry after checking its header, in the archive's order; the
/// first entry refused refuses the whole archive, before any content is read.
fn list_entries(zip: &mut ZipArchive<Cursor<&[u8]>>, rules: &Rules) -> Result<Vec<Entry>, Refusal> {
    if zip.len() > MAX_ENTRIES {
        return Err(cannot_check(
            FindingCode::TooManyEntries,
            format!(
                "the archive has {} entries; this verifier reads at most {MAX_ENTRIES}",
                zip.len()
            ),
        ));
    }
    if zip.has_duplicate_names() {
        return Err(duplicate("the archive lists the same name more than once"));
    }
    let mut entries = Vec::with_capacity(zip.len());
    let mut seen = Seen {
        paths: DistinctPaths::new(),
        total: 0,
    };
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| {
            cannot_check(
                FindingCode::UnreadableZip,
                format!("entry {} cannot be read: {e}", index + 1),
            )
        })?;
        entries.push(check_entry(&entry, index, rules, &mut seen)?);
    }
    Ok(entries)
}

/// What the entries listed so far add up to: the paths taken (case-folded)
/// and the sum of their declared sizes.
struct Seen {
    paths: DistinctPaths,
    total: u64,
}

/// Checks the header of entry `index`: its name, type, encryption,
/// compression and declared size, then that no earlier entry has its path.
fn check_entry(
    entry: &ZipFile<'_, Cursor<&[u8]>>,
    index: usize,
    rules: &Rules,
    seen: &mut Seen,
) -> Result<Entry, Refusal> {
    let name = entry_name(entry, index, rules)?;
    let (path, is_dir) = match name.strip_suffix('/') {
        Some(directory) => (directory, true),
        None => (name, false),
    };
    let unsafe_name = |why: String| {
        invalid(
            FindingCode::UnsafeEntryName,
            format!(
                "the entry {name:?} {why}: an unpacked copy could land outside its folder \
                 or overwrite other files"
            ),
        )
    };
    relative_path::check(path).map_err(|why| unsafe_name(why.to_string()))?;
    check_single_name(entry, name)?;
    check_file_type(name, is_dir, entry.unix_mode(), rules)?;
    check_readable(entry, name, rules)?;
    let size = entry.size();
    check_size(name, size, entry.compressed_size(), &mut seen.total)?;
    if is_dir && size != 0 {
        return Err(unsafe_name("is a directory with content".to_owned()));
    }
    if let Err(why) = seen.paths.insert(path) {
        return Err(duplicate(&format!("the archive lists {path:?} {why}")));
    }
    Ok(Entry {
        index,
        path: path.to_owned(),
        is_dir,
        size,
        header_start: entry.header_start(),
    })
}

/// The entry's name as stored; it must be UTF-8, since readers would each
/// decode anything else their own way.
fn entry_name<'e>(
    entry: &'e ZipFile<'_, Cursor<&[u8]>>,
    index: usize,
    rules: &Rules,
) -> Result<&'e str, Refusal> {
    std::str::from_utf8(entry.name_raw()).map_err(|_| {
        invalid(
            FindingCode::NonUtf8Name,
            format!(
                "entry {} has a name that is not UTF-8, which {} requires; readers would \
                 each decode it their own way",
                index + 1,
                rules.what
            ),
        )
    })
}

/// An Info-ZIP Unicode Path field is a second name that some readers prefer
/// to the first, so two readers could unpack one entry under two names.
fn check_single_name(entry: &ZipFile<'_, Cursor<&[u8]>>, name: &str) -> Result<(), Refusal> {
    if entry
        .extra_data_fields()
        .any(|field| matches!(field, ExtraField::UnicodePath(_)))
    {
        return Err(invalid(
            FindingCode::InconsistentZip,
            format!(
                "the entry {name:?} carries a second name (an Info-ZIP Unicode Path field) \
                 that some ZIP readers use instead of the first"
            ),
        ));
    }
    Ok(())
}

/// Content that is encrypted, or compressed other than stored or deflated,
/// cannot be checked, so the archive is not judged at all.
fn check_readable(
    entry: &ZipFile<'_, Cursor<&[u8]>>,
    name: &str,
    rules: &Rules,
) -> Result<(), Refusal> {
    if entry.encrypted() {
        return Err(cannot_check(
            FindingCode::EncryptedEntry,
            format!("the entry {name:?} is encrypted, so its content cannot be checked"),
        ));
    }
    if !matches!(
        entry.compression(),
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        return Err(cannot_check(
            FindingCode::UnsupportedCompression,
            format!(
                "the entry {name:?} is compressed with {}; {} uses only stored and deflated",
                entry.compression(),
                rules.what
            ),
        ));
    }
    Ok(())
}

fn duplicate(what: &str) -> Refusal {
    invalid(
        FindingCode::DuplicateEntry,
        format!("{what}, so different readers may show different content under one name"),
    )
}

/// Only files and directories: a symbolic link could point an unpacked copy
/// anywhere, and devices or pipes have no place in a publication.
fn check_file_type(
    name: &str,
    is_dir: bool,
    mode: Option<u32>,
    rules: &Rules,
) -> Result<(), Refusal> {
    let Some(kind) = mode.map(|m| m & S_IFMT).filter(|&kind| kind != 0) else {
        return Ok(());
    };
    match kind {
        S_IFLNK => Err(invalid(
            FindingCode::SymlinkEntry,
            format!(
                "the entry {name:?} is a symbolic link, which {} never holds",
                rules.what
            ),
        )),
        S_IFREG if !is_dir => Ok(()),
        S_IFDIR if is_dir => Ok(()),
        _ => Err(invalid(
            FindingCode::SpecialEntry,
            format!("the entry {name:?} is neither a plain file nor a folder (Unix mode {kind:o})"),
        )),
    }
}

/// Declared sizes: each entry and their sum under the limits, and no
/// compression ratio that only a ZIP bomb reaches. A file read from a folder
/// passes its size as `compressed`.
pub(super) fn check_size(
    name: &str,
    size: u64,
    compressed: u64,
    total: &mut u64,
) -> Result<(), Refusal> {
    if size > BOMB_MIN_SIZE && size > compressed.saturating_mul(BOMB_RATIO) {
        return Err(cannot_check(
            FindingCode::ZipBomb,
            format!(
                "the entry {name:?} would expand from {compressed} to {size} bytes, more than \
                 {BOMB_RATIO} times: this looks like a ZIP bomb and is not unpacked"
            ),
        ));
    }
    if size > MAX_ENTRY_SIZE {
        return Err(cannot_check(
            FindingCode::TooLarge,
            format!(
                "the entry {name:?} is {size} bytes; this verifier reads at most {MAX_ENTRY_SIZE} per file"
            ),
        ));
    }
    *total = total.saturating_add(size);
    if *total > MAX_TOTAL_SIZE {
        return Err(cannot_check(
            FindingCode::TooLarge,
            format!(
                "all files together come to more than {MAX_TOTAL_SIZE} bytes, the most this verifier reads"
            ),
        ));
    }
    Ok(())
}

impl Reader<'_> {
    /// Streams an entry's content to `sink` in chunks, reading at most one
    /// byte more than its declared size, and fails unless exactly that size
    /// came out with the right CRC.
    pub(super) fn read(&mut self, entry: &Entry, sink: impl FnMut(&[u8])) -> Result<(), Refusal> {
        let damaged = |why: String| {
            invalid(
                FindingCode::DamagedEntry,
                format!(
                    "the entry {:?} is damaged or its header lies: {why}",
                    entry.path
                ),
            )
        };
        let file = self
            .zip
            .by_index(entry.index)
            .map_err(|e| damaged(e.to_string()))?;
        let read = stream(file, entry.size, sink).map_err(|e| damaged(e.to_string()))?;
        if read != entry.size {
            return Err(damaged(format!(
                "it declares {} bytes but holds {}{read}",
                entry.size,
                if read > entry.size { "more than " } else { "" }
            )));
        }
        Ok(())
    }
}

/// Streams `source` to `sink` in chunks, reading at most one byte more than
/// `size`, and returns how many bytes came: a source that lies about its
/// size costs no more than the size it declared.
pub(super) fn stream(
    source: impl Read,
    size: u64,
    mut sink: impl FnMut(&[u8]),
) -> std::io::Result<u64> {
    let mut limited = source.take(size.saturating_add(1));
    let mut buffer = vec![0; 64 * 1024];
    let mut read: u64 = 0;
    loop {
        let n = limited.read(&mut buffer)?;
        if n == 0 {
            return Ok(read);
        }
        read += n as u64;
        sink(&buffer[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_sizes_beyond_the_limits_are_refused() {
        let mut total = 0;
        let large = check_size("a", MAX_ENTRY_SIZE + 1, MAX_ENTRY_SIZE, &mut total);
        assert_eq!(
            large.err().map(|r| r.finding.code),
            Some(FindingCode::TooLarge)
        );
        let mut total = MAX_TOTAL_SIZE - 10;
        let sum = check_size("b", 11, 11, &mut total);
        assert_eq!(
            sum.err().map(|r| r.finding.code),
            Some(FindingCode::TooLarge)
        );
        let mut total = 0;
        let bomb = check_size("c", 2 * MIB, 2 * MIB / 101, &mut total);
        assert_eq!(
            bomb.err().map(|r| r.finding.code),
            Some(FindingCode::ZipBomb)
        );
        let mut total = 0;
        assert!(check_size("d", 2 * MIB, 2 * MIB / 99, &mut total).is_ok());
    }

    /// The reader works on bytes in memory only: its code (before the tests)
    /// has no way to reach the file system.
    #[test]
    fn the_reader_never_touches_the_disk() {
        test_support::assert_no_file_system(include_str!("archive.rs"));
    }
}

/// Surgery on ZIP bytes and a memory gauge, for the verifiers' tests.
#[cfg(test)]
pub(super) mod test_support {
    /// Every occurrence of `from` in the ZIP's bytes (the name in the local
    /// header and in the central directory) replaced by `to`, of equal length.
    pub(in crate::verify) fn rename(bytes: &mut [u8], from: &[u8], to: &[u8]) {
        assert_eq!(from.len(), to.len());
        let mut found = 0;
        let mut at = 0;
        while let Some(offset) = bytes[at..].windows(from.len()).position(|w| w == from) {
            let start = at + offset;
            bytes[start..start + to.len()].copy_from_slice(to);
            at = start + to.len();
            found += 1;
        }
        assert_eq!(
            found, 2,
            "the name should be in one local and one central header"
        );
    }

    /// Fails when the code of a module's `source` (what comes before its
    /// tests) names anything that reaches the file system.
    pub(in crate::verify) fn assert_no_file_system(source: &str) {
        let code = source.split("#[cfg(test)]").next().expect("code");
        for forbidden in [
            "std::fs",
            "fs::",
            "File::",
            "OpenOptions",
            "tempfile",
            ".extract(",
            "std::path",
            "Path::",
            "PathBuf",
        ] {
            assert!(!code.contains(forbidden), "the code mentions {forbidden}");
        }
    }

    /// `verify` on a zip bomb whose entry `entry` inflates past every limit,
    /// then on the same bomb declaring a small size, which passes the ratio
    /// check so reading must stop anyway. Both must take under 5 s in all
    /// and grow the process's peak memory by under 64 MiB; returns the two
    /// reports, honest then lying.
    pub(in crate::verify) fn verify_bombs(
        mut bytes: Vec<u8>,
        entry: &[u8],
        verify: impl Fn(&[u8]) -> crate::verify::Report,
    ) -> (crate::verify::Report, crate::verify::Report) {
        let before = peak_memory_kib();
        let started = std::time::Instant::now();
        let honest = verify(&bytes);
        declare_size(&mut bytes, entry, 1000);
        let lying = verify(&bytes);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let grown_mib = peak_memory_kib().saturating_sub(before) / 1024;
        assert!(grown_mib < 64, "peak memory grew by {grown_mib} MiB");
        (honest, lying)
    }

    /// The peak resident memory of this process so far (VmHWM), in KiB. Linux
    /// reads it from approximate per-CPU counters, so two readings with no
    /// growth between them may go down by a little.
    fn peak_memory_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }

    /// Patches the declared uncompressed size of `name` in both its headers.
    fn declare_size(bytes: &mut [u8], name: &[u8], size: u32) {
        let mut patched = 0;
        let mut at = 0;
        while let Some(offset) = bytes[at..].windows(name.len()).position(|w| w == name) {
            let start = at + offset;
            for (header, field, signature) in [(30, 22, b"PK\x03\x04"), (46, 24, b"PK\x01\x02")] {
                let Some(header_start) = start.checked_sub(header) else {
                    continue;
                };
                if &bytes[header_start..header_start + 4] == signature {
                    bytes[header_start + field..header_start + field + 4]
                        .copy_from_slice(&size.to_le_bytes());
                    patched += 1;
                }
            }
            at = start + name.len();
        }
        assert_eq!(patched, 2);
    }
}
