//! Checks an archival package: a BagIt 1.0 bag (RFC 8493), as a folder
//! `<id>.bag/` or a zip `<id>.bag.zip`, holding an edition's PDF and EPUB,
//! their sources, the seal's certificates and the signed verification
//! manifest (docs/package.md).
//!
//! Three layers, each read only as far as the one below allows:
//!
//! 1. The container. A zip is read by [`super::archive`], wholly in memory
//!    and never unpacked, and all its entries must sit in one top folder. A
//!    folder is walked without following links: symbolic links and anything
//!    but plain files and folders are refused, and each file opened must be
//!    the one walked, so a file swapped for a link meanwhile is caught. Both
//!    keep to the same limits and name rules. Every file is streamed through
//!    SHA-256 and SHA-512; only the tag files, manifest.json, its seal, the
//!    certificates and the editions are kept in memory.
//! 2. The bag: bagit.txt, bag-info.txt, both payload manifests complete and
//!    matching, and the tag manifests matching.
//! 3. The content: manifest.json and its detached CMS seal, checked at the
//!    issue date 00:00 +08:00 (the claimed time the editions carry); every
//!    file the manifest lists against its digests; the PDF and the EPUB each
//!    verified on their own (the report's `parts`); one signer and one edition
//!    throughout. Certificates in the package are never trusted for being
//!    there: trust comes only from [`Options::anchors`].
//!
//! # Verdicts and codes
//!
//! The container, as the only finding (the check stops there): every code of
//! [`super::archive`], for a folder as for a zip, and also CANNOT CHECK
//! `unreadable` (the path cannot be read), `changed-while-reading`, and
//! INVALID `not-one-folder` (zip entries outside one top folder). Names are
//! `unsafe-entry-name` for `..`, `.` or empty segments, a leading `/`,
//! controls and the characters Windows forbids in file names (`"*:<>?\|`), so
//! drive letters and backslashes. Then bagit.txt: CANNOT CHECK `not-a-bag`
//! (none) and `unsupported-bagit` (not version 1.0 in UTF-8), INVALID
//! `bagit-txt` (any other content).
//!
//! The bag, as findings (the check goes on), all INVALID: `bad-tag-file` (not
//! UTF-8), `bag-info` (malformed, or a label gazette needs missing or
//! repeated), `payload-oxum` (differs from the payload), `missing-bag-manifest`,
//! `bad-manifest-line` (not a digest and a path, or a path on the wrong side
//! of `data/`), `duplicate-manifest-entry`, `missing-payload`, `extra-payload`
//! (in the payload, not in a manifest), `missing-tag-file`, `fixity`.
//!
//! The content: CANNOT CHECK `unsupported-schema`; INVALID
//! `missing-manifest-json`, `bad-manifest-json` (not the schema's form),
//! `duplicate-artifact`, `artifact-list` (not exactly the two editions),
//! `inconsistent-manifest` (a source with two digests, a bad date, a seal
//! file without a seal entry), `missing-signature`, `identity-mismatch`
//! (bag-info names another edition), `chain-mismatch`, `signer-mismatch` (the
//! manifest, the PDF, the EPUB and the manifest's seal entry name different
//! certificates); INVALID "NOT SEALED" `not-sealed` (no manifest.json.p7s).
//! The manifest's seal is the report's one signature: INVALID when broken,
//! UNTRUSTED when intact without a trusted root, as for a PDF. A payload file
//! that differs from the signed manifest is a change after sealing
//! (`file-changed`, `file-added`, `file-removed`): MODIFIED. Each edition's
//! own verdict counts too.
//!
//! One verdict for all: the worst found, INVALID before MODIFIED before
//! CANNOT CHECK before UNTRUSTED, and VALID only when everything holds.

use std::collections::btree_map::Entry as MapEntry;
use std::collections::{BTreeMap, HashSet};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::digest;
use walkdir::WalkDir;

use super::archive::{self, MAX_ENTRIES, MAX_TOTAL_SIZE, Refusal, Rules, cannot_check, invalid};
use super::{
    Change, ChangeKind, Check, Finding, Options, Report, SignatureReport, Verdict, date,
    verify_epub, verify_pdf,
};
use crate::cms;
use crate::package::manifest::{SCHEMA, SealEntry, VerificationManifest};

const FORMAT: &str = "package";
const RULES: Rules = Rules {
    what: "a package",
    check_name: check_bag_path,
};
const BAGIT_TXT: &str = "bagit.txt";
const BAG_INFO: &str = "bag-info.txt";
const PAYLOAD: &str = "data/";
const MANIFEST: &str = "data/manifest.json";
const MANIFEST_SEAL: &str = "data/manifest.json.p7s";

/// Verifies the package at `path`: a bag folder or a `.bag.zip`.
pub fn verify_package(path: &Path, options: &Options) -> Report {
    let file = path.display().to_string();
    let bag = read_bag(path).and_then(|files| check_declaration(&files).map(|()| files));
    match bag {
        Ok(files) => check_package(file, &files, options),
        Err(refusal) => Report::without_signatures(file, FORMAT, refusal.verdict, refusal.finding),
    }
}

/// A file of the bag, by its path in the bag (`data/edition/x.pdf`).
struct BagFile {
    size: u64,
    /// Lowercase hex, as manifests write it.
    sha256: String,
    sha512: String,
    /// The content, for the files read further (see [`keeps`]).
    bytes: Option<Vec<u8>>,
}

type Files = BTreeMap<String, BagFile>;

/// The files read beyond their digests: tag files, the manifest and its
/// seal, the certificates and the editions. Sources are only hashed.
fn keeps(path: &str) -> bool {
    match path.strip_prefix(PAYLOAD) {
        None => true,
        Some(payload) => {
            payload.starts_with("edition/")
                || payload.starts_with("certificates/")
                || path == MANIFEST
                || path == MANIFEST_SEAL
        }
    }
}

fn is_payload(path: &str) -> bool {
    path.starts_with(PAYLOAD)
}

/// Hashes a file's content as it streams by.
struct Digester {
    sha256: digest::Context,
    sha512: digest::Context,
    size: u64,
    kept: Option<Vec<u8>>,
}

impl Digester {
    fn new(keep: bool) -> Self {
        Digester {
            sha256: digest::Context::new(&digest::SHA256),
            sha512: digest::Context::new(&digest::SHA512),
            size: 0,
            kept: keep.then(Vec::new),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        self.sha512.update(chunk);
        self.size += chunk.len() as u64;
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(chunk);
        }
    }

    fn finish(self) -> BagFile {
        BagFile {
            size: self.size,
            sha256: hex(self.sha256.finish().as_ref()),
            sha512: hex(self.sha512.finish().as_ref()),
            bytes: self.kept,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path in a bag: relative, `/`-separated, no `.`, `..` or empty segment,
/// no controls and none of the characters Windows forbids in file names, so
/// that it unpacks to the same place everywhere. The error completes "the
/// entry X ...".
fn check_bag_path(path: &str) -> Result<(), String> {
    const FORBIDDEN: &[char] = &['"', '*', ':', '<', '>', '?', '\\', '|'];
    if path.starts_with('/') {
        return Err("is absolute (starts with `/`)".to_owned());
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || FORBIDDEN.contains(c))
    {
        return Err(format!(
            "holds the character {c:?}, which file names cannot hold on every system"
        ));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err("has an empty, `.` or `..` segment".to_owned());
    }
    Ok(())
}

fn read_bag(path: &Path) -> Result<Files, Refusal> {
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(path, &e))?;
    if metadata.is_dir() {
        read_folder(path)
    } else {
        read_zip(path)
    }
}

fn unreadable(path: &Path, error: &dyn std::fmt::Display) -> Refusal {
    cannot_check(
        "unreadable",
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
    if bytes.len() as u64 > MAX_TOTAL_SIZE {
        return Err(cannot_check(
            "too-large",
            format!("the zip is over {MAX_TOTAL_SIZE} bytes, the most this verifier reads"),
        ));
    }
    let (mut reader, entries) = archive::open(&bytes, &RULES)?;
    let top = entries
        .first()
        .and_then(|e| e.path.split('/').next())
        .unwrap_or_default();
    let mut files = Files::new();
    for entry in &entries {
        let inside = entry
            .path
            .strip_prefix(top)
            .and_then(|p| p.strip_prefix('/'));
        let path = match inside {
            Some(path) if !entry.is_dir => path,
            None if entry.is_dir && entry.path == top => continue,
            Some(_) => continue,
            None => {
                return Err(invalid(
                    "not-one-folder",
                    format!(
                        "the entry {:?} is not in the folder {top:?}: a package's entries all \
                         sit in one top folder, <id>.bag/",
                        entry.path
                    ),
                ));
            }
        };
        let mut digester = Digester::new(keeps(path));
        reader.read(entry, |chunk| digester.update(chunk))?;
        files.insert(path.to_owned(), digester.finish());
    }
    Ok(files)
}

/// Walks the folder without following links; every file is streamed once.
fn read_folder(root: &Path) -> Result<Files, Refusal> {
    let mut files = Files::new();
    let mut total = 0;
    let walk = WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name();
    for (count, item) in walk.into_iter().enumerate() {
        if count >= MAX_ENTRIES {
            return Err(cannot_check(
                "too-many-entries",
                format!(
                    "the folder holds more than {MAX_ENTRIES} entries, the most this verifier reads"
                ),
            ));
        }
        let item = item.map_err(|e| unreadable(root, &e))?;
        let path = bag_path(root, item.path())?;
        check_bag_path(&path).map_err(|why| {
            invalid(
                "unsafe-entry-name",
                format!("the file {path:?} {why}: a copy of the bag could land elsewhere"),
            )
        })?;
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            return Err(invalid(
                "symlink-entry",
                format!(
                    "{path} is a symbolic link, which a package never holds: it could make \
                     the bag show any file of this computer"
                ),
            ));
        }
        if !kind.is_file() {
            return Err(invalid(
                "special-entry",
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
            "non-utf8-name",
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
            "changed-while-reading",
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
    let mut limited = file.take(size + 1);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = limited
            .read(&mut buffer)
            .map_err(|e| unreadable(location, &e))?;
        if n == 0 {
            break;
        }
        digester.update(&buffer[..n]);
    }
    if digester.size != size {
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

/// A tag file's text, if the bag has it.
fn tag_text<'a>(files: &'a Files, name: &str) -> Result<Option<&'a str>, Finding> {
    let Some(bytes) = files.get(name).and_then(|f| f.bytes.as_deref()) else {
        return Ok(None);
    };
    std::str::from_utf8(bytes).map(Some).map_err(|_| {
        Finding::new(
            "bad-tag-file",
            format!("{name} is not UTF-8 text, which bagit.txt declares for tag files"),
        )
    })
}

/// The lines of a tag file: RFC 8493 ends them with LF, CR or CRLF.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\r', '\n']).filter(|line| !line.is_empty())
}

/// bagit.txt: exactly BagIt 1.0 with UTF-8 tag files.
fn check_declaration(files: &Files) -> Result<(), Refusal> {
    let text = tag_text(files, BAGIT_TXT)
        .map_err(|finding| invalid("bagit-txt", finding.message))?
        .ok_or_else(|| {
            cannot_check(
                "not-a-bag",
                "this is not a BagIt bag: it has no bagit.txt (give the <id>.bag folder or the \
                 <id>.bag.zip)"
                    .to_owned(),
            )
        })?;
    let declared: Vec<&str> = lines(text).collect();
    let [version, encoding] = declared.as_slice() else {
        return Err(bad_declaration());
    };
    let (Some(version), Some(encoding)) = (
        version.strip_prefix("BagIt-Version: "),
        encoding.strip_prefix("Tag-File-Character-Encoding: "),
    ) else {
        return Err(bad_declaration());
    };
    if version != "1.0" || encoding != "UTF-8" {
        return Err(cannot_check(
            "unsupported-bagit",
            format!(
                "the bag is BagIt {version} with {encoding} tag files; this verifier reads \
                 BagIt 1.0 with UTF-8, as gazette writes"
            ),
        ));
    }
    Ok(())
}

fn bad_declaration() -> Refusal {
    invalid(
        "bagit-txt",
        "bagit.txt must hold exactly two lines, `BagIt-Version: 1.0` and \
         `Tag-File-Character-Encoding: UTF-8`"
            .to_owned(),
    )
}

/// What the checks found: findings with the verdict each leads to, and the
/// checks that held.
#[derive(Default)]
struct Outcome {
    findings: Vec<(Verdict, Finding)>,
    checks: Vec<Check>,
}

impl Outcome {
    fn fail(&mut self, verdict: Verdict, code: &'static str, message: impl Into<String>) {
        self.findings.push((verdict, Finding::new(code, message)));
    }

    fn invalid(&mut self, code: &'static str, message: impl Into<String>) {
        self.fail(Verdict::Invalid, code, message);
    }

    fn pass(&mut self, code: &'static str, message: impl Into<String>) {
        self.checks.push(Check {
            code,
            message: message.into(),
        });
    }
}

fn check_package(file: String, files: &Files, options: &Options) -> Report {
    let mut outcome = Outcome::default();
    let info = check_bag(files, &mut outcome);
    let Some(json) = files.get(MANIFEST).and_then(|f| f.bytes.as_deref()) else {
        outcome.invalid(
            "missing-manifest-json",
            format!("the package has no {MANIFEST}, the signed list of what it holds"),
        );
        return conclude(file, files, None, outcome, None, Vec::new());
    };
    let manifest = match read_manifest(json) {
        Ok(manifest) => manifest,
        Err((verdict, finding)) => {
            outcome.findings.push((verdict, finding));
            return conclude(file, files, None, outcome, None, Vec::new());
        }
    };
    check_artifact_list(&manifest, &mut outcome);
    if let Some(info) = &info {
        check_identity(&manifest, info, &mut outcome);
    }
    let changes = changes(files, &manifest, &mut outcome);
    let mut signature = check_seal(files, &manifest, json, options, &mut outcome);
    match &mut signature {
        Some(signature) => {
            signature.covers_whole_file = !changes.iter().any(|c| c.kind == ChangeKind::FileAdded);
            signature.changes_after = changes;
        }
        None => {
            for change in changes {
                outcome.invalid(change_code(change.kind), change.description);
            }
        }
    }
    let parts = check_editions(files, &manifest.edition.id, options);
    check_signer(&manifest, signature.as_ref(), &parts, &mut outcome);
    let id = Some(manifest.edition.id.as_str());
    conclude(file, files, id, outcome, signature, parts)
}

/// Size and count of the payload, as Payload-Oxum gives them.
fn payload_totals(files: &Files) -> (u64, u64) {
    files
        .iter()
        .filter(|(path, _)| is_payload(path))
        .fold((0, 0), |(bytes, count), (_, f)| (bytes + f.size, count + 1))
}

/// The bag's tag files and manifests; returns bag-info.txt when readable.
fn check_bag(files: &Files, outcome: &mut Outcome) -> Option<BagInfo> {
    let before = outcome.findings.len();
    let info = read_bag_info(files, outcome);
    if let Some(info) = &info {
        check_oxum(files, info, outcome);
    }
    for algorithm in [Algorithm::Sha256, Algorithm::Sha512] {
        check_manifest(files, algorithm, ManifestKind::Payload, outcome);
        check_manifest(files, algorithm, ManifestKind::Tag, outcome);
    }
    if outcome.findings.len() == before {
        let (bytes, count) = payload_totals(files);
        outcome.pass(
            "bag",
            format!(
                "BagIt 1.0 bag complete and valid: {count} payload files ({bytes} bytes), each \
                 listed once in manifest-sha256.txt and manifest-sha512.txt with matching \
                 digests; Payload-Oxum and the tag manifests match"
            ),
        );
    }
    info
}

/// bag-info.txt's labels and values, in order.
struct BagInfo {
    labels: Vec<(String, String)>,
}

impl BagInfo {
    /// The value of a label gazette needs once; labels compare without case.
    fn single(&self, label: &str, outcome: &mut Outcome) -> Option<&str> {
        let values: Vec<&str> = self
            .labels
            .iter()
            .filter(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
            .collect();
        match values.as_slice() {
            [value] => Some(value),
            _ => {
                outcome.invalid(
                    "bag-info",
                    format!(
                        "bag-info.txt must give {label} once; it gives it {} times",
                        values.len()
                    ),
                );
                None
            }
        }
    }
}

fn read_bag_info(files: &Files, outcome: &mut Outcome) -> Option<BagInfo> {
    let text = match tag_text(files, BAG_INFO) {
        Ok(Some(text)) => text,
        Ok(None) => {
            outcome.invalid(
                "bag-info",
                "the bag has no bag-info.txt, which names the edition (External-Identifier, \
                 Gazette-Id) and the payload's size (Payload-Oxum)",
            );
            return None;
        }
        Err(finding) => {
            outcome.findings.push((Verdict::Invalid, finding));
            return None;
        }
    };
    match parse_bag_info(text) {
        Ok(labels) => Some(BagInfo { labels }),
        Err(why) => {
            outcome.invalid("bag-info", format!("bag-info.txt is malformed: {why}"));
            None
        }
    }
}

/// `Label: value` lines; a line starting with a space or tab continues the
/// value before (RFC 8493 §2.2.2).
fn parse_bag_info(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut labels: Vec<(String, String)> = Vec::new();
    for line in lines(text) {
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = labels.last_mut() else {
                return Err("it starts with an indented line".to_owned());
            };
            let more = line.trim();
            if !more.is_empty() {
                value.push(' ');
                value.push_str(more);
            }
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(format!("the line {line:?} is not `Label: value`"));
        };
        if label.trim_end() != label {
            return Err(format!("the label {label:?} ends with white space"));
        }
        labels.push((label.to_owned(), value.trim().to_owned()));
    }
    Ok(labels)
}

fn check_oxum(files: &Files, info: &BagInfo, outcome: &mut Outcome) {
    let Some(oxum) = info.single("Payload-Oxum", outcome) else {
        return;
    };
    let number = |s: &str| -> Option<u64> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let declared = oxum
        .split_once('.')
        .and_then(|(bytes, count)| Some((number(bytes)?, number(count)?)));
    let (bytes, count) = payload_totals(files);
    match declared {
        None => outcome.invalid(
            "bag-info",
            format!("bag-info.txt's Payload-Oxum {oxum:?} is not `<bytes>.<files>`"),
        ),
        Some((b, c)) if (b, c) != (bytes, count) => outcome.invalid(
            "payload-oxum",
            format!(
                "bag-info.txt's Payload-Oxum says {b} bytes in {c} files, but the payload holds \
                 {bytes} bytes in {count} files"
            ),
        ),
        Some(_) => {}
    }
}

#[derive(Clone, Copy)]
enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }

    fn of(self, file: &BagFile) -> &str {
        match self {
            Algorithm::Sha256 => &file.sha256,
            Algorithm::Sha512 => &file.sha512,
        }
    }
}

/// A payload manifest lists every payload file; a tag manifest, tag files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ManifestKind {
    Payload,
    Tag,
}

/// Checks one manifest: well-formed lines, each file once and present with
/// its digest, and for the payload every file listed. Tag manifests are
/// optional (RFC 8493 §2.2.1); payload manifests are both required here.
fn check_manifest(files: &Files, algorithm: Algorithm, kind: ManifestKind, outcome: &mut Outcome) {
    let prefix = match kind {
        ManifestKind::Payload => "manifest",
        ManifestKind::Tag => "tagmanifest",
    };
    let name = format!("{prefix}-{}.txt", algorithm.name());
    let text = match tag_text(files, &name) {
        Ok(Some(text)) => text,
        Ok(None) if kind == ManifestKind::Tag => return,
        Ok(None) => {
            outcome.invalid(
                "missing-bag-manifest",
                format!("the bag has no {name}, so its payload's fixity cannot be checked"),
            );
            return;
        }
        Err(finding) => {
            outcome.findings.push((Verdict::Invalid, finding));
            return;
        }
    };
    let mut listed = HashSet::new();
    for line in lines(text) {
        let (expected, path) = match parse_manifest_line(line, algorithm) {
            Ok(entry) => entry,
            Err(why) => {
                outcome.invalid(
                    "bad-manifest-line",
                    format!("{name}: the line {line:?} {why}"),
                );
                continue;
            }
        };
        if is_payload(&path) != (kind == ManifestKind::Payload) {
            let side = match kind {
                ManifestKind::Payload => "outside",
                ManifestKind::Tag => "inside",
            };
            outcome.invalid(
                "bad-manifest-line",
                format!("{name} lists {path:?}, {side} the payload folder data/"),
            );
            continue;
        }
        if !listed.insert(path.clone()) {
            outcome.invalid(
                "duplicate-manifest-entry",
                format!("{name} lists {path} more than once"),
            );
            continue;
        }
        match files.get(&path) {
            None if kind == ManifestKind::Tag => outcome.invalid(
                "missing-tag-file",
                format!("{name} lists {path}, which is not in the bag"),
            ),
            None => outcome.invalid(
                "missing-payload",
                format!("{name} lists {path}, which is missing from the payload"),
            ),
            Some(file) if algorithm.of(file) != expected => outcome.invalid(
                "fixity",
                format!(
                    "{path} does not match its {} in {name}: it was changed or damaged",
                    algorithm.label()
                ),
            ),
            Some(_) => {}
        }
    }
    if kind == ManifestKind::Payload {
        for path in files
            .keys()
            .filter(|p| is_payload(p) && !listed.contains(*p))
        {
            outcome.invalid(
                "extra-payload",
                format!("{path} is in the payload but not listed in {name}"),
            );
        }
    }
}

/// `<hex digest> <path>`, one or more spaces or tabs between; returns the
/// digest in lowercase and the decoded path.
fn parse_manifest_line(line: &str, algorithm: Algorithm) -> Result<(String, String), String> {
    let Some((digest, rest)) = line.split_once([' ', '\t']) else {
        return Err("has no path after the digest".to_owned());
    };
    let path = rest.trim_start_matches([' ', '\t']);
    if path.is_empty() {
        return Err("has no path after the digest".to_owned());
    }
    if digest.len() != algorithm.hex_len() || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "does not start with a {} digest in hex",
            algorithm.label()
        ));
    }
    Ok((digest.to_ascii_lowercase(), decode_path(path)))
}

/// RFC 8493 §2.1.3: a path in a manifest percent-encodes LF, CR and `%`, and
/// nothing else.
fn decode_path(path: &str) -> String {
    let mut decoded = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        decoded.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).map(str::to_ascii_uppercase);
        let (character, used) = match code.as_deref() {
            Some("0A") => ('\n', 3),
            Some("0D") => ('\r', 3),
            Some("25") => ('%', 3),
            _ => ('%', 1),
        };
        decoded.push(character);
        rest = &rest[at + used..];
    }
    decoded.push_str(rest);
    decoded
}

/// The manifest in the schema's form: this schema, no unknown field.
fn read_manifest(json: &[u8]) -> Result<VerificationManifest, (Verdict, Finding)> {
    #[derive(serde::Deserialize)]
    struct SchemaOnly {
        schema: String,
    }
    let unsupported = |schema: &str| {
        let message = format!(
            "{MANIFEST} follows the schema {schema:?}; this verifier reads {SCHEMA} (a newer \
             gazette may read it)"
        );
        (
            Verdict::CannotCheck,
            Finding::new("unsupported-schema", message),
        )
    };
    match serde_json::from_slice::<VerificationManifest>(json) {
        Ok(manifest) if manifest.schema == SCHEMA => Ok(manifest),
        Ok(manifest) => Err(unsupported(&manifest.schema)),
        Err(error) => match serde_json::from_slice::<SchemaOnly>(json) {
            Ok(only) if only.schema != SCHEMA => Err(unsupported(&only.schema)),
            _ => Err((
                Verdict::Invalid,
                Finding::new(
                    "bad-manifest-json",
                    format!("{MANIFEST} is not a verification manifest ({SCHEMA}): {error}"),
                ),
            )),
        },
    }
}

/// The artifacts are exactly the two editions, each listed once.
fn check_artifact_list(manifest: &VerificationManifest, outcome: &mut Outcome) {
    let mut seen = HashSet::new();
    let mut duplicated = false;
    for artifact in &manifest.artifacts {
        if !seen.insert(artifact.path.as_str()) {
            duplicated = true;
            outcome.invalid(
                "duplicate-artifact",
                format!(
                    "{MANIFEST} lists the artifact {} more than once, so it is unclear which \
                     digests hold",
                    artifact.path
                ),
            );
        }
    }
    if duplicated {
        return;
    }
    let id = &manifest.edition.id;
    let expected = [
        (format!("edition/{id}.pdf"), "application/pdf"),
        (format!("edition/{id}.epub"), "application/epub+zip"),
    ];
    let listed: Vec<(&str, &str)> = manifest
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.media_type.as_str()))
        .collect();
    let all_there = expected
        .iter()
        .all(|(path, media_type)| listed.contains(&(path.as_str(), *media_type)));
    if listed.len() == expected.len() && all_there {
        outcome.pass(
            "manifest",
            format!("{MANIFEST} follows {SCHEMA} and lists the edition's PDF and EPUB"),
        );
    } else {
        outcome.invalid(
            "artifact-list",
            format!(
                "{MANIFEST} must list exactly the two editions, {} ({}) and {} ({}); it lists \
                 {listed:?}",
                expected[0].0, expected[0].1, expected[1].0, expected[1].1
            ),
        );
    }
}

/// bag-info.txt names the edition the signed manifest describes.
fn check_identity(manifest: &VerificationManifest, info: &BagInfo, outcome: &mut Outcome) {
    let edition = &manifest.edition;
    let before = outcome.findings.len();
    for (label, expected) in [
        ("External-Identifier", &edition.uri),
        ("Gazette-Id", &edition.id),
    ] {
        if let Some(value) = info.single(label, outcome)
            && value != expected
        {
            outcome.invalid(
                "identity-mismatch",
                format!(
                    "bag-info.txt's {label} is {value:?}, but the signed manifest describes \
                     {expected:?}"
                ),
            );
        }
    }
    if outcome.findings.len() == before {
        outcome.pass(
            "identity",
            format!(
                "bag-info.txt and the signed manifest name the same edition, {} ({})",
                edition.uri, edition.id
            ),
        );
    }
}

fn change(kind: ChangeKind, description: String) -> Change {
    Change {
        kind,
        allowed: false,
        description,
    }
}

fn change_code(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::FileAdded => "file-added",
        ChangeKind::FileRemoved => "file-removed",
        _ => "file-changed",
    }
}

/// Every payload file against the signed manifest: the editions by size and
/// both digests, the sources by SHA-256, the certificates by content; and
/// nothing in the payload that the manifest does not account for.
fn changes(files: &Files, manifest: &VerificationManifest, outcome: &mut Outcome) -> Vec<Change> {
    let mut found = Vec::new();
    let mut accounted: HashSet<String> = HashSet::from([MANIFEST.into(), MANIFEST_SEAL.into()]);
    for artifact in &manifest.artifacts {
        let path = format!("{PAYLOAD}{}", artifact.path);
        match files.get(&path) {
            None => found.push(change(
                ChangeKind::FileRemoved,
                format!("{path} was removed"),
            )),
            Some(file)
                if file.size != artifact.size
                    || file.sha256 != artifact.sha256.to_ascii_lowercase()
                    || file.sha512 != artifact.sha512.to_ascii_lowercase() =>
            {
                found.push(change(ChangeKind::FileChanged, path.clone()))
            }
            Some(_) => {}
        }
        accounted.insert(path);
    }
    let sources = source_digests(manifest, outcome);
    for (source, sha256) in &sources {
        let path = format!("{PAYLOAD}source/{source}");
        match files.get(&path) {
            None => found.push(change(
                ChangeKind::FileRemoved,
                format!("{path} was removed"),
            )),
            Some(file) if file.sha256 != sha256.to_ascii_lowercase() => {
                found.push(change(ChangeKind::FileChanged, path.clone()))
            }
            Some(_) => {}
        }
        accounted.insert(path);
    }
    let mut certificates = 0;
    if let Some(seal) = &manifest.seal {
        certificates = seal.chain_files.len();
        certificate_changes(files, seal, &mut accounted, &mut found, outcome);
    }
    for path in files
        .keys()
        .filter(|p| is_payload(p) && !accounted.contains(*p))
    {
        found.push(change(ChangeKind::FileAdded, format!("{path} was added")));
    }
    if found.is_empty() {
        outcome.pass(
            "files",
            format!(
                "the PDF and EPUB match the size, SHA-256 and SHA-512 in the signed manifest, \
                 the {} source files and {certificates} certificates match it too, and the \
                 payload holds nothing else",
                sources.len()
            ),
        );
    }
    found
}

/// Every source file the manifest names (issue.toml, the documents'
/// sources, the build's), each with one digest.
fn source_digests<'a>(
    manifest: &'a VerificationManifest,
    outcome: &mut Outcome,
) -> BTreeMap<&'a str, &'a str> {
    let mut digests = BTreeMap::new();
    let build = &manifest.build;
    let documents = manifest.documents.iter().flat_map(|d| &d.sources);
    for source in std::iter::once(&build.manifest)
        .chain(&build.sources)
        .chain(documents)
    {
        match digests.entry(source.path.as_str()) {
            MapEntry::Vacant(vacant) => {
                vacant.insert(source.sha256.as_str());
            }
            MapEntry::Occupied(known) if *known.get() != source.sha256 => outcome.invalid(
                "inconsistent-manifest",
                format!(
                    "{MANIFEST} gives the source {} two different digests",
                    source.path
                ),
            ),
            MapEntry::Occupied(_) => {}
        }
    }
    digests
}

/// The certificate files hold the chain the signed manifest lists, in order.
fn certificate_changes(
    files: &Files,
    seal: &SealEntry,
    accounted: &mut HashSet<String>,
    found: &mut Vec<Change>,
    outcome: &mut Outcome,
) {
    if seal.chain.is_empty() || seal.chain.len() != seal.chain_files.len() {
        outcome.invalid(
            "chain-mismatch",
            format!(
                "{MANIFEST} lists {} certificates in seal.chain but {} files in seal.chain_files",
                seal.chain.len(),
                seal.chain_files.len()
            ),
        );
    }
    for (encoded, name) in seal.chain.iter().zip(&seal.chain_files) {
        let path = format!("{PAYLOAD}{name}");
        let Ok(der) = BASE64.decode(encoded) else {
            outcome.invalid(
                "chain-mismatch",
                format!("{MANIFEST}'s seal.chain entry for {name} is not base64"),
            );
            continue;
        };
        match files.get(&path).map(|f| f.bytes.as_deref()) {
            None => found.push(change(
                ChangeKind::FileRemoved,
                format!("{path} was removed"),
            )),
            Some(None) => outcome.invalid(
                "chain-mismatch",
                format!("the certificate file {path} is not in {PAYLOAD}certificates/"),
            ),
            Some(Some(pem)) => {
                if cms::load_pem_certificates(pem).ok() != Some(vec![der]) {
                    found.push(change(ChangeKind::FileChanged, path.clone()));
                }
            }
        }
        accounted.insert(path);
    }
}

/// The manifest's detached CMS seal, checked at the issue date 00:00 +08:00.
fn check_seal(
    files: &Files,
    manifest: &VerificationManifest,
    json: &[u8],
    options: &Options,
    outcome: &mut Outcome,
) -> Option<SignatureReport> {
    let p7s = files.get(MANIFEST_SEAL).and_then(|f| f.bytes.as_deref());
    let p7s = match (&manifest.seal, p7s) {
        (None, None) => {
            outcome.invalid(
                "not-sealed",
                format!("{MANIFEST} carries no seal ({MANIFEST_SEAL} is absent)"),
            );
            return None;
        }
        (Some(_), None) => {
            outcome.invalid(
                "missing-signature",
                format!("{MANIFEST} names a seal, but {MANIFEST_SEAL} is missing"),
            );
            return None;
        }
        (None, Some(p7s)) => {
            outcome.invalid(
                "inconsistent-manifest",
                format!("{MANIFEST_SEAL} seals a manifest that names no seal"),
            );
            p7s
        }
        (Some(_), Some(p7s)) => p7s,
    };
    let Some((at, claimed)) = issue_midnight(&manifest.edition.date) else {
        outcome.invalid(
            "inconsistent-manifest",
            format!(
                "{MANIFEST} gives the issue date {:?}, not YYYY-MM-DD, so its seal cannot be \
                 checked at that date",
                manifest.edition.date
            ),
        );
        return None;
    };
    let mut report = SignatureReport {
        field: MANIFEST_SEAL.to_owned(),
        kind: "detached-cms".to_owned(),
        docmdp_permission: None,
        sub_filter: format!("CMS SignedData, detached, over {MANIFEST}"),
        claimed_time: Some(claimed),
        byte_range: None,
        covers_whole_file: false,
        cms: None,
        findings: Vec::new(),
        changes_after: Vec::new(),
    };
    match cms::verify_detached(p7s, &[json], at, &options.anchors) {
        Ok(check) => report.cms = Some(check),
        Err(error) => report.findings.push(Finding::new(
            "unreadable-signature",
            format!("{MANIFEST_SEAL} cannot be read: {error}"),
        )),
    }
    Some(report)
}

/// `YYYY-MM-DD` at 00:00 +08:00, as an instant and as RFC 3339 text.
fn issue_midnight(date: &str) -> Option<(cms::UnixTime, String)> {
    let well_formed = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return None;
    }
    date::parse(&format!("D:{}000000+08'00'", date.replace('-', "")))
}

/// Each edition verified on its own, as if given to `gazette verify`.
fn check_editions(files: &Files, id: &str, options: &Options) -> Vec<Report> {
    let verifiers: [(&str, fn(&str, &[u8], &Options) -> Report); 2] =
        [("pdf", verify_pdf), ("epub", verify_epub)];
    verifiers
        .into_iter()
        .filter_map(|(extension, verify)| {
            let path = format!("{PAYLOAD}edition/{id}.{extension}");
            let bytes = files.get(&path)?.bytes.as_deref()?;
            Some(verify(&path, bytes, options))
        })
        .collect()
}

/// One certificate seals everything: the manifest's seal entry names it,
/// its chain starts with it, and the manifest, the PDF and the EPUB are
/// signed with it.
fn check_signer(
    manifest: &VerificationManifest,
    signature: Option<&SignatureReport>,
    parts: &[Report],
    outcome: &mut Outcome,
) {
    let Some(seal) = &manifest.seal else {
        return;
    };
    let expected = seal.certificate_sha256.to_ascii_lowercase();
    let mut signers: Vec<(String, String)> = Vec::new();
    if let Some(first) = seal.chain.first().and_then(|c| BASE64.decode(c).ok()) {
        let fingerprint = hex(digest::digest(&digest::SHA256, &first).as_ref());
        signers.push((
            "the first certificate of seal.chain".to_owned(),
            fingerprint,
        ));
    }
    if let Some(fingerprint) = signature.and_then(signer_fingerprint) {
        signers.push(("the manifest's signer".to_owned(), fingerprint));
    }
    for part in parts {
        let seal = part
            .signatures
            .iter()
            .filter(|s| s.kind != "document-timestamp")
            .find_map(signer_fingerprint);
        if let Some(fingerprint) = seal {
            let edition = part.format.to_uppercase();
            signers.push((format!("the {edition} edition's signer"), fingerprint));
        }
    }
    let others: Vec<&str> = signers
        .iter()
        .filter(|(_, fingerprint)| *fingerprint != expected)
        .map(|(who, _)| who.as_str())
        .collect();
    if !others.is_empty() {
        outcome.invalid(
            "signer-mismatch",
            format!(
                "{} {} not the seal certificate the manifest names (SHA-256 {expected})",
                others.join(" and "),
                if others.len() == 1 { "is" } else { "are" }
            ),
        );
    } else if signers.len() == 4 {
        outcome.pass(
            "signer",
            format!(
                "the manifest, the PDF and the EPUB are sealed with the one certificate the \
                 manifest names, SHA-256 {expected}"
            ),
        );
    }
}

fn signer_fingerprint(signature: &SignatureReport) -> Option<String> {
    let signer = signature.cms.as_ref()?.signer.as_ref()?;
    Some(signer.sha256_fingerprint.to_ascii_lowercase())
}

/// How much a verdict outweighs others in the package's one verdict.
fn weight(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Valid => 0,
        Verdict::Untrusted => 1,
        Verdict::CannotCheck => 2,
        Verdict::Modified => 3,
        Verdict::Invalid => 4,
    }
}

/// Why the package is not valid: a verdict and the reason in words, and
/// whether it is that nothing is sealed.
struct Reason {
    verdict: Verdict,
    why: String,
    not_sealed: bool,
}

/// What the manifest's seal says against validity, if anything.
fn seal_reason(signature: &SignatureReport) -> Option<Reason> {
    let reason = |verdict, why| Reason {
        verdict,
        why,
        not_sealed: false,
    };
    if !signature.is_intact() && !signature.only_untrusted() {
        let why = signature
            .first_problem()
            .unwrap_or_else(|| "its seal could not be checked".to_owned());
        return Some(reason(Verdict::Invalid, why));
    }
    if let Some(change) = signature.disallowed_changes().next() {
        let why = format!("changed after sealing: {}", change.description);
        return Some(reason(Verdict::Modified, why));
    }
    signature.only_untrusted().then(|| {
        reason(
            Verdict::Untrusted,
            signature.first_problem().unwrap_or_default(),
        )
    })
}

/// Judges the package from everything found, and phrases the verdict.
fn conclude(
    file: String,
    files: &Files,
    id: Option<&str>,
    outcome: Outcome,
    signature: Option<SignatureReport>,
    parts: Vec<Report>,
) -> Report {
    let mut reasons: Vec<Reason> = outcome
        .findings
        .iter()
        .map(|(verdict, finding)| Reason {
            verdict: *verdict,
            why: finding.message.clone(),
            not_sealed: finding.code == "not-sealed",
        })
        .collect();
    reasons.extend(signature.as_ref().and_then(seal_reason));
    reasons.extend(
        parts
            .iter()
            .filter(|p| p.verdict != Verdict::Valid)
            .map(|part| Reason {
                verdict: part.verdict,
                why: format!(
                    "the {} edition: {}",
                    part.format.to_uppercase(),
                    part.summary
                ),
                not_sealed: false,
            }),
    );
    let worst = reasons
        .iter()
        .fold(None::<&Reason>, |worst, reason| match worst {
            Some(w) if weight(w.verdict) >= weight(reason.verdict) => Some(w),
            _ => Some(reason),
        });
    let mut who = id.map_or_else(|| "package".to_owned(), |id| format!("package of {id}"));
    if let Some(sealed) = signature.as_ref().filter(|s| s.cms.is_some()) {
        who += &format!(" sealed by {}", sealed.signer_name());
        if let Some(time) = &sealed.claimed_time {
            who += &format!(" on {time}");
        }
    }
    let (_, count) = payload_totals(files);
    let intact = format!("bag complete, {count} files intact");
    let (verdict, summary) = match worst {
        None => (
            Verdict::Valid,
            format!("VALID: {who}; {intact}, PDF and EPUB seals valid"),
        ),
        Some(r) if r.not_sealed => (r.verdict, format!("NOT SEALED: {who}: {}", r.why)),
        Some(r) => {
            let summary = match r.verdict {
                Verdict::Untrusted => format!("UNTRUSTED: {who}; {intact}, but {}", r.why),
                Verdict::Modified => format!("MODIFIED: {who}, but {}", r.why),
                Verdict::CannotCheck => format!("CANNOT CHECK: {who}: {}", r.why),
                Verdict::Invalid | Verdict::Valid => format!("INVALID: {who}, but {}", r.why),
            };
            (r.verdict, summary)
        }
    };
    Report {
        file,
        format: FORMAT,
        verdict,
        summary,
        signatures: signature.into_iter().collect(),
        findings: outcome.findings.into_iter().map(|(_, f)| f).collect(),
        checks: outcome.checks,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};
    use std::path::PathBuf;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use tempfile::TempDir;
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;
    use crate::cms::{ProblemCode, Trust};
    use crate::package::manifest::{
        Artifact, BuildInputs, DocumentEntry, EditionIdentity, PageRange, SourceFile,
    };
    use crate::seal::epub::tests::{example_chain, example_signer};
    use crate::signer::RsaPadding;
    use crate::signer::test_support::tool_available;
    use crate::verify::archive::test_support::{declare_size, peak_memory_kib, rename};

    const ID: &str = "shanghai-gazette-2025-08";
    const URI: &str = "urn:gazette:shanghai-gazette:2025:8";
    const DATE: &str = "2025-08-15";
    /// The sample edition, built and sealed by gazette with the example key.
    const PDF: &[u8] = include_bytes!("testdata/shanghai-gazette-2025-08.pdf");
    const EPUB: &[u8] = include_bytes!("testdata/shanghai-gazette-2025-08.epub");

    /// Files by path: relative to data/ for a payload, to the bag for a bag.
    type Tree = BTreeMap<String, Vec<u8>>;

    fn sha256_hex(bytes: &[u8]) -> String {
        hex(digest::digest(&digest::SHA256, bytes).as_ref())
    }

    fn sha512_hex(bytes: &[u8]) -> String {
        hex(digest::digest(&digest::SHA512, bytes).as_ref())
    }

    /// The issue's files as `gazette build` copies them to data/source/.
    fn sources() -> Vec<SourceFile> {
        [
            "issue.toml",
            "documents/关于通知.md",
            "attachments/附件 1.md",
        ]
        .iter()
        .map(|path| SourceFile {
            path: (*path).to_owned(),
            sha256: sha256_hex(source_text(path).as_bytes()),
        })
        .collect()
    }

    fn source_text(path: &str) -> String {
        format!("# {path}\n上海市人民政府公报\n")
    }

    fn chain_file(index: usize) -> String {
        match index {
            0 => "certificates/seal.pem".to_owned(),
            n => format!("certificates/issuer-{n}.pem"),
        }
    }

    fn pem(der: &[u8]) -> Vec<u8> {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der)
            .expect("PEM")
            .into_bytes()
    }

    fn artifact(path: String, media_type: &str, bytes: &[u8]) -> Artifact {
        Artifact {
            path,
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            sha512: sha512_hex(bytes),
        }
    }

    /// The verification manifest of the sample edition, sealed with `chain`.
    fn manifest(chain: &[Vec<u8>]) -> VerificationManifest {
        let sources = sources();
        VerificationManifest {
            schema: SCHEMA.to_owned(),
            edition: EditionIdentity {
                id: ID.to_owned(),
                uri: URI.to_owned(),
                gazette: "shanghai-gazette".to_owned(),
                title: "上海市人民政府公报".to_owned(),
                publisher: "上海市人民政府办公厅".to_owned(),
                issn: None,
                year: 2025,
                number: 8,
                running: None,
                date: DATE.to_owned(),
                language: "zh-CN".to_owned(),
            },
            artifacts: vec![
                artifact(format!("edition/{ID}.pdf"), "application/pdf", PDF),
                artifact(format!("edition/{ID}.epub"), "application/epub+zip", EPUB),
            ],
            documents: vec![DocumentEntry {
                title: "关于通知".to_owned(),
                number: None,
                issuer: "上海市人民政府".to_owned(),
                date: "2025-08-01".to_owned(),
                disclosure: "proactive".to_owned(),
                language: "zh-CN".to_owned(),
                pdf_pages: PageRange { first: 1, last: 2 },
                epub_file: "OEBPS/doc-1.xhtml".to_owned(),
                sources: sources[1..].to_vec(),
            }],
            build: BuildInputs {
                tool: "gazette".to_owned(),
                tool_version: "0.1.0".to_owned(),
                manifest: sources[0].clone(),
                sources: sources[1..].to_vec(),
                templates: Vec::new(),
                fonts: Vec::new(),
            },
            seal: Some(SealEntry {
                certificate_sha256: sha256_hex(&chain[0]),
                subject: "Example Gazette Seal".to_owned(),
                chain: chain.iter().map(|der| BASE64.encode(der)).collect(),
                chain_files: (0..chain.len()).map(chain_file).collect(),
            }),
        }
    }

    /// A key of the example PKI and its chain.
    struct Key {
        file: &'static str,
        chain: &'static str,
    }

    /// The key the sample editions are sealed with.
    const ECDSA: Key = Key {
        file: "seal.key.pem",
        chain: "seal-chain.pem",
    };

    /// The payload of a package sealed with `key`, its manifest first
    /// changed by `edit`.
    fn payload_with(key: &Key, edit: impl FnOnce(&mut VerificationManifest)) -> Tree {
        let chain = example_chain(key.chain);
        let mut payload = Tree::new();
        payload.insert(format!("edition/{ID}.pdf"), PDF.to_vec());
        payload.insert(format!("edition/{ID}.epub"), EPUB.to_vec());
        for source in sources() {
            let text = source_text(&source.path).into_bytes();
            payload.insert(format!("source/{}", source.path), text);
        }
        for (index, der) in chain.iter().enumerate() {
            payload.insert(chain_file(index), pem(der));
        }
        let mut manifest = manifest(&chain);
        edit(&mut manifest);
        let mut json = serde_json::to_vec_pretty(&manifest).expect("JSON");
        json.push(b'\n');
        let signer = example_signer(key.file, RsaPadding::Pkcs1);
        let p7s = cms::sign_detached(&[&json], &chain, signer.as_ref()).expect("sealed");
        payload.insert("manifest.json".to_owned(), json);
        payload.insert("manifest.json.p7s".to_owned(), p7s);
        payload
    }

    fn sealed_payload() -> Tree {
        payload_with(&ECDSA, |_| {})
    }

    /// RFC 8493 §2.1.3: LF, CR and `%` percent-encoded in manifest paths.
    fn encode(path: &str) -> String {
        path.replace('%', "%25")
            .replace('\n', "%0A")
            .replace('\r', "%0D")
    }

    fn manifest_text(files: &Tree, prefix: &str, hash: fn(&[u8]) -> String) -> Vec<u8> {
        files
            .iter()
            .map(|(path, bytes)| format!("{}  {prefix}{}\n", hash(bytes), encode(path)))
            .collect::<String>()
            .into_bytes()
    }

    const TAG_FILES: [&str; 4] = [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ];

    /// The bag of `payload` as docs/package.md lays it out; `edit` may
    /// change the bag before its tag manifests are made.
    fn bag_with(payload: &Tree, edit: impl FnOnce(&mut Tree)) -> Tree {
        let bytes: usize = payload.values().map(Vec::len).sum();
        let info = format!(
            "Source-Organization: 上海市人民政府办公厅\n\
             External-Identifier: {URI}\n\
             External-Description: 上海市人民政府公报 2025年第8期, digital edition\n\
             Bagging-Date: {DATE}\n\
             Payload-Oxum: {bytes}.{}\n\
             Bag-Software-Agent: gazette 0.1.0\n\
             Gazette-Id: {ID}\n\
             Gazette-Title: 上海市人民政府公报\n\
             Gazette-Issue: 2025-8\n\
             Gazette-Issue-Date: {DATE}\n",
            payload.len()
        );
        let mut bag = Tree::new();
        bag.insert(
            "bagit.txt".to_owned(),
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        );
        bag.insert("bag-info.txt".to_owned(), info.into_bytes());
        bag.insert(
            "manifest-sha256.txt".to_owned(),
            manifest_text(payload, "data/", sha256_hex),
        );
        bag.insert(
            "manifest-sha512.txt".to_owned(),
            manifest_text(payload, "data/", sha512_hex),
        );
        for (path, bytes) in payload {
            bag.insert(format!("data/{path}"), bytes.clone());
        }
        edit(&mut bag);
        let tags: Tree = TAG_FILES
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), bag.get(*name)?.clone())))
            .collect();
        bag.insert(
            "tagmanifest-sha256.txt".to_owned(),
            manifest_text(&tags, "", sha256_hex),
        );
        bag.insert(
            "tagmanifest-sha512.txt".to_owned(),
            manifest_text(&tags, "", sha512_hex),
        );
        bag
    }

    fn bag(payload: &Tree) -> Tree {
        bag_with(payload, |_| {})
    }

    /// Writes `bag` as the folder `<id>.bag` in a new temporary folder.
    fn write_folder(bag: &Tree) -> (TempDir, PathBuf) {
        let temporary = tempfile::tempdir().expect("temporary folder");
        let root = temporary.path().join(format!("{ID}.bag"));
        for (path, bytes) in bag {
            let target = root.join(path);
            std::fs::create_dir_all(target.parent().expect("in a folder")).expect("folder");
            std::fs::write(target, bytes).expect("written");
        }
        (temporary, root)
    }

    /// Zips `bag` in the order docs/package.md gives, then lets `more` add
    /// entries of its own.
    fn zip_with(bag: &Tree, more: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
        let rank = |path: &str| match path {
            "bagit.txt" => 0,
            "bag-info.txt" => 1,
            p if is_payload(p) => 2,
            _ => 3,
        };
        let mut order: Vec<(&String, &Vec<u8>)> = bag.iter().collect();
        order.sort_by_key(|(path, _)| rank(path));
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (path, bytes) in order {
            let stored = [".pdf", ".epub", ".p7s"].iter().any(|e| path.ends_with(e));
            let method = if stored {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            zip.start_file(format!("{ID}.bag/{path}"), zip_options(method))
                .expect("entry");
            zip.write_all(bytes).expect("written");
        }
        more(&mut zip);
        zip.finish().expect("zip finished").into_inner()
    }

    fn zip_options(method: CompressionMethod) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(0o644)
    }

    fn write_zip(bytes: &[u8]) -> (TempDir, PathBuf) {
        let temporary = tempfile::tempdir().expect("temporary folder");
        let path = temporary.path().join(format!("{ID}.bag.zip"));
        std::fs::write(&path, bytes).expect("written");
        (temporary, path)
    }

    fn trusting_example_root() -> Options {
        Options {
            anchors: example_chain("root.pem"),
        }
    }

    fn verify_folder(bag: &Tree) -> Report {
        let (_temporary, root) = write_folder(bag);
        verify_package(&root, &trusting_example_root())
    }

    fn verify_zip(bytes: &[u8]) -> Report {
        let (_temporary, path) = write_zip(bytes);
        verify_package(&path, &trusting_example_root())
    }

    fn codes(report: &Report) -> Vec<&str> {
        report.findings.iter().map(|f| f.code).collect()
    }

    fn assert_found(report: &Report, verdict: Verdict, code: &str) {
        assert_eq!(report.verdict, verdict, "{}", report.summary);
        assert!(
            codes(report).contains(&code),
            "no {code} finding: {:?}",
            report.findings
        );
    }

    /// Refused at the container, before any seal is looked at.
    fn assert_refused(report: &Report, verdict: Verdict, code: &str) {
        assert_eq!(codes(report), [code], "{}", report.summary);
        assert_eq!(report.verdict, verdict, "{}", report.summary);
        assert!(report.signatures.is_empty() && report.parts.is_empty());
    }

    fn assert_valid(report: &Report) {
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        let payload_files = sealed_payload().len();
        let expected = format!(
            "VALID: package of {ID} sealed by 上海市人民政府办公厅（示例 TEST ONLY） (Example \
             Gazette Seal — TEST ONLY, not for production) on {DATE}T00:00:00+08:00; bag \
             complete, {payload_files} files intact, PDF and EPUB seals valid"
        );
        assert_eq!(report.summary, expected);
        let check_codes: Vec<&str> = report.checks.iter().map(|c| c.code).collect();
        assert_eq!(
            check_codes,
            ["bag", "manifest", "identity", "files", "signer"]
        );
        let formats: Vec<(&str, Verdict)> =
            report.parts.iter().map(|p| (p.format, p.verdict)).collect();
        assert_eq!(formats, [("pdf", Verdict::Valid), ("epub", Verdict::Valid)]);
        let [seal] = report.signatures.as_slice() else {
            panic!("one signature: {:?}", report.signatures);
        };
        let check = seal.cms.as_ref().expect("checked");
        assert!(check.valid && matches!(check.trust, Trust::Trusted { .. }));
        assert!(seal.covers_whole_file && seal.changes_after.is_empty());
    }

    #[test]
    fn a_sealed_package_is_valid_as_a_folder() {
        let report = verify_folder(&bag(&sealed_payload()));
        assert_valid(&report);
        assert_eq!(report.format, "package");
        assert_eq!(report.verdict.exit_code(), 0);
    }

    #[test]
    fn a_sealed_package_is_valid_as_a_zip() {
        assert_valid(&verify_zip(&zip_with(&bag(&sealed_payload()), |_| {})));
    }

    /// RFC 8493 §2.1.3 paths: `%` is written `%25`, and one or more spaces
    /// or tabs may separate digest and path.
    #[test]
    fn manifest_paths_are_read_as_rfc_8493_writes_them() {
        let mut payload = sealed_payload();
        payload.insert("source/100% 纸.md".to_owned(), b"x".to_vec());
        let report = verify_folder(&bag(&payload));
        // Not in the signed manifest: added, but the bag itself is complete.
        assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
        assert!(report.summary.ends_with("data/source/100% 纸.md was added"));
        assert_eq!(report.checks[0].code, "bag");

        let tabs = bag_with(&sealed_payload(), |bag| {
            let text = String::from_utf8(bag["manifest-sha256.txt"].clone()).expect("UTF-8");
            bag.insert(
                "manifest-sha256.txt".to_owned(),
                text.replace("  data/", "\t \tdata/").into_bytes(),
            );
        });
        assert_valid(&verify_folder(&tabs));
        assert_eq!(decode_path("a%0Ab%0dc%25d%41%2"), "a\nb\rc%d%41%2");
        assert_eq!(decode_path("%250A"), "%0A");
    }

    #[test]
    fn a_changed_payload_byte_breaks_fixity() {
        let mut bag = bag(&sealed_payload());
        let source = bag.get_mut("data/source/issue.toml").expect("issue.toml");
        source[0] ^= 1;
        let report = verify_folder(&bag);
        assert_found(&report, Verdict::Invalid, "fixity");
        let fixity = report
            .findings
            .iter()
            .filter(|f| f.code == "fixity")
            .count();
        assert_eq!(fixity, 2, "one per payload manifest: {:?}", report.findings);
        assert!(
            report
                .summary
                .starts_with(&format!("INVALID: package of {ID} sealed by "))
                && report.summary.ends_with(
                    "but data/source/issue.toml does not match its SHA-256 in \
                     manifest-sha256.txt: it was changed or damaged"
                ),
            "{}",
            report.summary
        );
    }

    /// A bag made again around a changed file: the bag holds, the signed
    /// manifest does not.
    #[test]
    fn a_changed_file_in_a_rebuilt_bag_is_modified() {
        let mut payload = sealed_payload();
        payload.insert(
            "source/issue.toml".to_owned(),
            b"title = \"forged\"\n".to_vec(),
        );
        let report = verify_folder(&bag(&payload));
        assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
        assert!(
            report
                .summary
                .ends_with("but changed after sealing: data/source/issue.toml"),
            "{}",
            report.summary
        );
        let changes: Vec<ChangeKind> = report.signatures[0]
            .changes_after
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(changes, [ChangeKind::FileChanged]);
    }

    #[test]
    fn a_changed_edition_in_a_rebuilt_bag_is_invalid() {
        let mut payload = sealed_payload();
        let pdf = payload.get_mut(&format!("edition/{ID}.pdf")).expect("PDF");
        let at = pdf.len() / 3;
        pdf[at] ^= 1;
        let report = verify_folder(&bag(&payload));
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert_eq!(report.parts[0].verdict, Verdict::Invalid);
        assert!(
            report.summary.contains("but the PDF edition: INVALID: "),
            "{}",
            report.summary
        );
        assert_eq!(
            report.signatures[0].changes_after[0].description,
            format!("data/edition/{ID}.pdf")
        );
    }

    #[test]
    fn a_missing_payload_file_is_invalid() {
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        std::fs::remove_file(root.join("data/source/attachments/附件 1.md")).expect("removed");
        let report = verify_package(&root, &trusting_example_root());
        assert_found(&report, Verdict::Invalid, "missing-payload");
        assert_found(&report, Verdict::Invalid, "payload-oxum");
        assert!(
            report.summary.contains("Payload-Oxum says"),
            "{}",
            report.summary
        );
    }

    #[test]
    fn an_extra_payload_file_is_invalid() {
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        std::fs::write(root.join("data/source/extra.md"), "extra").expect("written");
        let report = verify_package(&root, &trusting_example_root());
        assert_found(&report, Verdict::Invalid, "extra-payload");
        let change = &report.signatures[0].changes_after;
        assert_eq!(change[0].kind, ChangeKind::FileAdded);
        assert!(!report.signatures[0].covers_whole_file);
    }

    #[test]
    fn a_file_listed_twice_in_a_manifest_is_invalid() {
        let bag = bag_with(&sealed_payload(), |bag| {
            let manifest = bag.get_mut("manifest-sha512.txt").expect("manifest");
            let first_line = manifest
                .split_inclusive(|&b| b == b'\n')
                .next()
                .expect("a line")
                .to_vec();
            manifest.extend(first_line);
        });
        let report = verify_folder(&bag);
        assert_eq!(codes(&report), ["duplicate-manifest-entry"]);
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    }

    #[test]
    fn a_changed_tag_file_breaks_the_tag_manifests() {
        let mut bag = bag(&sealed_payload());
        bag.get_mut("bag-info.txt")
            .expect("bag-info")
            .extend(b"Contact-Name: someone\n");
        let report = verify_folder(&bag);
        assert_eq!(codes(&report), ["fixity", "fixity"], "{}", report.summary);
        assert!(
            report.findings[0]
                .message
                .starts_with("bag-info.txt does not match")
        );
    }

    #[test]
    fn a_manifest_changed_after_sealing_breaks_its_seal() {
        let mut payload = sealed_payload();
        let json = payload.get_mut("manifest.json").expect("manifest");
        let text = String::from_utf8(json.clone()).expect("UTF-8");
        *json = text.replace("\"0.1.0\"", "\"0.1.1\"").into_bytes();
        let report = verify_folder(&bag(&payload));
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        let check = report.signatures[0].cms.as_ref().expect("checked");
        let problems: Vec<ProblemCode> = check.problems.iter().map(|p| p.code).collect();
        assert_eq!(problems, [ProblemCode::DigestMismatch]);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn a_damaged_seal_file_is_invalid() {
        let mut payload = sealed_payload();
        payload.insert("manifest.json.p7s".to_owned(), b"not a CMS".to_vec());
        let report = verify_folder(&bag(&payload));
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        let findings = &report.signatures[0].findings;
        assert_eq!(findings[0].code, "unreadable-signature");
    }

    #[test]
    fn without_a_trusted_root_the_package_is_untrusted() {
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        let report = verify_package(&root, &Options::default());
        assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.summary);
        assert!(
            report
                .summary
                .starts_with(&format!("UNTRUSTED: package of {ID} sealed by "))
        );
        assert!(
            report.summary.contains("files intact, but "),
            "{}",
            report.summary
        );
        assert!(report.findings.is_empty());
        assert!(report.parts.iter().all(|p| p.verdict == Verdict::Untrusted));
    }

    #[test]
    fn an_unsealed_package_is_not_sealed() {
        let mut payload = payload_with(&ECDSA, |manifest| manifest.seal = None);
        payload.remove("manifest.json.p7s");
        payload.retain(|path, _| !path.starts_with("certificates/"));
        let report = verify_folder(&bag(&payload));
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert_eq!(codes(&report), ["not-sealed"]);
        assert_eq!(
            report.summary,
            format!(
                "NOT SEALED: package of {ID}: data/manifest.json carries no seal \
                 (data/manifest.json.p7s is absent)"
            )
        );
    }

    #[test]
    fn a_removed_seal_file_is_invalid() {
        let mut payload = sealed_payload();
        payload.remove("manifest.json.p7s");
        let report = verify_folder(&bag(&payload));
        assert_eq!(codes(&report), ["missing-signature"]);
        assert_eq!(report.verdict, Verdict::Invalid);
    }

    /// The manifest sealed with the RSA key, the editions with the ECDSA one.
    #[test]
    fn another_signer_than_the_editions_is_invalid() {
        let rsa = Key {
            file: "seal-rsa.key.pem",
            chain: "seal-rsa-chain.pem",
        };
        let report = verify_folder(&bag(&payload_with(&rsa, |_| {})));
        assert_eq!(codes(&report), ["signer-mismatch"], "{}", report.summary);
        assert_eq!(report.verdict, Verdict::Invalid);
        assert!(
            report.findings[0]
                .message
                .starts_with("the PDF edition's signer and the EPUB edition's signer are not"),
            "{}",
            report.findings[0].message
        );
    }

    #[test]
    fn a_seal_entry_naming_another_certificate_is_invalid() {
        let payload = payload_with(&ECDSA, |manifest| {
            let seal = manifest.seal.as_mut().expect("sealed");
            seal.certificate_sha256 = "00".repeat(32);
        });
        let report = verify_folder(&bag(&payload));
        assert_eq!(codes(&report), ["signer-mismatch"]);
    }

    #[test]
    fn bag_info_naming_another_edition_is_invalid() {
        let bag = bag_with(&sealed_payload(), |bag| {
            let info = String::from_utf8(bag["bag-info.txt"].clone()).expect("UTF-8");
            let other = info.replace(&format!("Gazette-Id: {ID}"), "Gazette-Id: other-2025-09");
            bag.insert("bag-info.txt".to_owned(), other.into_bytes());
        });
        let report = verify_folder(&bag);
        assert_eq!(codes(&report), ["identity-mismatch"]);
        assert_eq!(report.verdict, Verdict::Invalid);
    }

    #[test]
    fn an_artifact_listed_twice_is_invalid() {
        let payload = payload_with(&ECDSA, |manifest| {
            let pdf = manifest.artifacts[0].clone();
            manifest.artifacts.push(pdf);
        });
        let report = verify_folder(&bag(&payload));
        assert_eq!(codes(&report), ["duplicate-artifact"]);
        assert_eq!(report.verdict, Verdict::Invalid);
    }

    #[test]
    fn a_manifest_outside_the_schema_is_refused() {
        let newer = payload_with(&ECDSA, |manifest| {
            manifest.schema = "urn:gazette:schema:verification-manifest:2".to_owned();
        });
        let report = verify_folder(&bag(&newer));
        assert_eq!(codes(&report), ["unsupported-schema"]);
        assert_eq!(report.verdict, Verdict::CannotCheck);

        let mut unknown_field = sealed_payload();
        let json = String::from_utf8(unknown_field["manifest.json"].clone()).expect("UTF-8");
        let json = json.replacen("{", "{\n  \"extra\": 1,", 1);
        unknown_field.insert("manifest.json".to_owned(), json.into_bytes());
        let report = verify_folder(&bag(&unknown_field));
        assert_eq!(codes(&report), ["bad-manifest-json"]);
        assert_eq!(report.verdict, Verdict::Invalid);
    }

    #[test]
    fn other_bagit_versions_cannot_be_checked() {
        let mut bag = bag(&sealed_payload());
        bag.insert(
            "bagit.txt".to_owned(),
            b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        );
        assert_refused(
            &verify_folder(&bag),
            Verdict::CannotCheck,
            "unsupported-bagit",
        );
        bag.remove("bagit.txt");
        assert_refused(&verify_folder(&bag), Verdict::CannotCheck, "not-a-bag");
    }

    #[test]
    fn a_missing_path_cannot_be_checked() {
        let temporary = tempfile::tempdir().expect("temporary folder");
        let report = verify_package(&temporary.path().join("nothing"), &Options::default());
        assert_refused(&report, Verdict::CannotCheck, "unreadable");
        assert_eq!(report.verdict.exit_code(), 2);
    }

    /// The sealed bag zipped with one more entry, first written under a
    /// placeholder name and then renamed to `name` in the bytes.
    fn zip_with_entry_named(name: &[u8]) -> Vec<u8> {
        let placeholder = "Z".repeat(name.len());
        let mut bytes = zip_with(&bag(&sealed_payload()), |zip| {
            zip.start_file(
                placeholder.as_str(),
                zip_options(CompressionMethod::Deflated),
            )
            .expect("entry");
            zip.write_all(b"evil").expect("written");
        });
        rename(&mut bytes, placeholder.as_bytes(), name);
        bytes
    }

    #[test]
    fn zip_entries_that_escape_or_confuse_are_refused() {
        let escaping = format!("{ID}.bag/../evil.txt");
        for name in [escaping.as_bytes(), b"/etc/evil.txt", b"C:/evil.txt"] {
            let report = verify_zip(&zip_with_entry_named(name));
            assert_refused(&report, Verdict::Invalid, "unsafe-entry-name");
        }
        let report = verify_zip(&zip_with_entry_named(b"\xFF.bag/data/evil.txt"));
        assert_refused(&report, Verdict::Invalid, "non-utf8-name");
        let twice = format!("{ID}.bag/bagit.txt");
        let report = verify_zip(&zip_with_entry_named(twice.as_bytes()));
        assert_refused(&report, Verdict::Invalid, "duplicate-entry");
        let report = verify_zip(&zip_with_entry_named(b"elsewhere/evil.txt"));
        assert_refused(&report, Verdict::Invalid, "not-one-folder");
    }

    #[test]
    fn a_symbolic_link_in_a_zip_is_refused() {
        let bytes = zip_with(&bag(&sealed_payload()), |zip| {
            zip.add_symlink(
                format!("{ID}.bag/data/source/link.md"),
                "/etc/passwd",
                SimpleFileOptions::default(),
            )
            .expect("symlink");
        });
        assert_refused(&verify_zip(&bytes), Verdict::Invalid, "symlink-entry");
    }

    #[test]
    fn a_symbolic_link_in_a_folder_is_refused() {
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        std::os::unix::fs::symlink("/etc/passwd", root.join("data/source/link.md"))
            .expect("symlink");
        let report = verify_package(&root, &trusting_example_root());
        assert_refused(&report, Verdict::Invalid, "symlink-entry");
    }

    #[test]
    fn a_folder_name_that_is_not_portable_is_refused() {
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        std::fs::write(root.join("data/source/a\\b.md"), "x").expect("written");
        let report = verify_package(&root, &trusting_example_root());
        assert_refused(&report, Verdict::Invalid, "unsafe-entry-name");
    }

    #[test]
    fn zip_bombs_are_refused_without_unpacking_them() {
        let bomb = format!("{ID}.bag/data/source/zeros.bin");
        let zeros = vec![0; 1024 * 1024];
        let mut bytes = zip_with(&bag(&sealed_payload()), |zip| {
            zip.start_file(bomb.as_str(), zip_options(CompressionMethod::Deflated))
                .expect("entry");
            for _ in 0..300 {
                zip.write_all(&zeros).expect("written");
            }
        });
        let before = peak_memory_kib();
        let started = Instant::now();
        assert_refused(&verify_zip(&bytes), Verdict::CannotCheck, "zip-bomb");

        // Declared small, it passes the ratio check: reading must stop anyway.
        declare_size(&mut bytes, bomb.as_bytes(), 1000);
        assert_refused(&verify_zip(&bytes), Verdict::Invalid, "damaged-entry");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let grown_mib = (peak_memory_kib() - before) / 1024;
        assert!(grown_mib < 64, "peak memory grew by {grown_mib} MiB");
    }

    /// The nested reports keep the form `gazette verify` gives a PDF or an
    /// EPUB; only the package's report has checks and parts.
    #[test]
    fn reports_of_editions_keep_their_json_form() {
        let report = verify_folder(&bag(&sealed_payload()));
        let json = serde_json::to_value(&report).expect("JSON");
        assert_eq!(json["checks"].as_array().map(Vec::len), Some(5));
        for part in json["parts"].as_array().expect("parts") {
            assert!(part.get("checks").is_none() && part.get("parts").is_none());
        }
    }

    /// The test bags are real BagIt 1.0 bags: Python's bagit (the Library of
    /// Congress's reference tool) validates one.
    #[test]
    fn python_bagit_validates_the_test_bag() {
        if !tool_available("bagit.py") {
            return;
        }
        let (_temporary, root) = write_folder(&bag(&sealed_payload()));
        let output = Command::new("bagit.py")
            .arg("--validate")
            .arg(&root)
            .output()
            .expect("bagit.py runs");
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{log}");
        assert!(log.contains("is valid"), "{log}");
    }
}
