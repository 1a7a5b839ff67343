//! Checks a sealed EPUB: the ZIP container first, read safely and wholly in
//! memory, then the XML signature in `META-INF/signatures.xml` against every
//! file of the container.
//!
//! The container is hostile until proven otherwise. Before any content is
//! read, every entry's name, type, encryption, compression and declared sizes
//! are checked, and local headers must agree with the central directory, so
//! that every ZIP reader sees the same files. Contents are then streamed
//! through SHA-256 with at most the declared size plus one byte read, so a
//! lying header costs nothing; only `mimetype` and signatures.xml are kept.
//! Nothing is ever written to disk.
//!
//! The signature is read only in the exact form gazette writes (see
//! [`crate::seal::epub`]): what the parser extracts is written again in that
//! form and must give back the same bytes. Then the signed time's digest, the
//! signature value and the certificate path at that time are checked, and
//! last every file against its reference.
//!
//! Verdicts: a damaged or unsafe container is INVALID, one that cannot be
//! read or exceeds the limits below CANNOT CHECK; a broken seal is INVALID; a
//! file changed, added or removed after sealing makes it MODIFIED.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use ring::digest;
use zip::{CompressionMethod, ExtraField, ZipArchive};

use super::{Change, ChangeKind, Finding, Options, Report, SignatureReport, Verdict};
use crate::cms::{self, Problem, ProblemCode, SignatureCheck};
use crate::seal::epub::{
    ClaimedTime, EPUB_MIMETYPE, FileDigest, MIMETYPE_PATH, PROPERTIES_ID, SIGNATURE_ID,
    SIGNATURES_PATH, SignatureMethod, check_path, path_for, public_key, sha256, signatures_xml,
    signed_info, signed_properties,
};

const FORMAT: &str = "epub";
const MIB: u64 = 1024 * 1024;
/// The sum of the declared sizes of all entries.
const MAX_TOTAL_SIZE: u64 = 512 * MIB;
const MAX_ENTRY_SIZE: u64 = 128 * MIB;
const MAX_ENTRIES: usize = 10_000;
/// An entry larger than [`BOMB_MIN_SIZE`] that compresses better than this is
/// taken for a ZIP bomb: text and images of a gazette come nowhere near.
const BOMB_RATIO: u64 = 100;
const BOMB_MIN_SIZE: u64 = MIB;
/// signatures.xml is parsed in memory; 10 000 references take about 2 MiB.
const MAX_SIGNATURES_SIZE: u64 = 16 * MIB;
/// Where the `mimetype` entry's name and content start when it is the first
/// local header, stored, without extra field (OCF's "magic number").
const MIMETYPE_MAGIC_OFFSET: usize = 30;
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// Verifies the EPUB `bytes`, named `file` in the report.
pub fn verify_epub(file: &str, bytes: &[u8], options: &Options) -> Report {
    let container = match read_container(bytes) {
        Ok(container) => container,
        Err(refusal) => {
            return Report::without_signatures(
                file.to_owned(),
                FORMAT,
                refusal.verdict,
                refusal.finding,
            );
        }
    };
    let Some(xml) = container.signatures else {
        let mut report = Report::conclude(file.to_owned(), FORMAT, Vec::new());
        report.findings.push(Finding::new(
            "not-sealed",
            format!("the container has no {SIGNATURES_PATH}, so it carries no seal"),
        ));
        return report;
    };
    let signature = check_signature(&xml, &container.files, options);
    Report::conclude(file.to_owned(), FORMAT, vec![signature])
}

/// Why a container is not checked further.
struct Refusal {
    verdict: Verdict,
    finding: Finding,
}

fn invalid(code: &'static str, message: String) -> Refusal {
    Refusal {
        verdict: Verdict::Invalid,
        finding: Finding::new(code, message),
    }
}

fn cannot_check(code: &'static str, message: String) -> Refusal {
    Refusal {
        verdict: Verdict::CannotCheck,
        finding: Finding::new(code, message),
    }
}

/// What the container holds: the digest of every file but signatures.xml, in
/// container order, and signatures.xml itself.
struct Container {
    files: Vec<FileDigest>,
    signatures: Option<Vec<u8>>,
}

/// An entry that passed the checks on its header.
struct Entry {
    index: usize,
    path: String,
    is_dir: bool,
    size: u64,
}

fn read_container(bytes: &[u8]) -> Result<Container, Refusal> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        cannot_check(
            "unreadable-zip",
            format!("this is not a ZIP archive, or a damaged one, so it cannot be an EPUB: {e}"),
        )
    })?;
    let entries = list_entries(&mut archive)?;
    archive.validate_header_consistency().map_err(|e| {
        invalid(
            "inconsistent-zip",
            format!(
                "the archive's local headers and central directory disagree, so ZIP readers \
                 may show different files: {e}"
            ),
        )
    })?;
    check_mimetype_entry(bytes, &entries)?;
    read_contents(&mut archive, &entries)
}

/// Checks every entry's header; reads no content.
fn list_entries(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<Vec<Entry>, Refusal> {
    if archive.len() > MAX_ENTRIES {
        return Err(cannot_check(
            "too-many-entries",
            format!(
                "the archive has {} entries; this verifier reads at most {MAX_ENTRIES}",
                archive.len()
            ),
        ));
    }
    if archive.has_duplicate_names() {
        return Err(duplicate("the archive lists the same name more than once"));
    }
    let mut entries = Vec::with_capacity(archive.len());
    let mut folded_names = HashSet::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|e| {
            cannot_check(
                "unreadable-zip",
                format!("entry {} cannot be read: {e}", index + 1),
            )
        })?;
        let Ok(name) = std::str::from_utf8(entry.name_raw()) else {
            return Err(invalid(
                "non-utf8-name",
                format!(
                    "entry {} has a name that is not UTF-8, which OCF requires; readers would \
                     each decode it their own way",
                    index + 1
                ),
            ));
        };
        let (path, is_dir) = match name.strip_suffix('/') {
            Some(directory) => (directory, true),
            None => (name, false),
        };
        let unsafe_name = |why: String| {
            invalid(
                "unsafe-entry-name",
                format!(
                    "the entry {name:?} {why}: an unpacked copy could land outside its folder \
                     or overwrite other files"
                ),
            )
        };
        check_path(path).map_err(unsafe_name)?;
        if entry
            .extra_data_fields()
            .any(|field| matches!(field, ExtraField::UnicodePath(_)))
        {
            return Err(invalid(
                "inconsistent-zip",
                format!(
                    "the entry {name:?} carries a second name (an Info-ZIP Unicode Path field) \
                     that some ZIP readers use instead of the first"
                ),
            ));
        }
        check_file_type(name, is_dir, entry.unix_mode())?;
        if entry.encrypted() {
            return Err(cannot_check(
                "encrypted-entry",
                format!("the entry {name:?} is encrypted, so its content cannot be checked"),
            ));
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(cannot_check(
                "unsupported-compression",
                format!(
                    "the entry {name:?} is compressed with {}; EPUB allows only stored and deflated",
                    entry.compression()
                ),
            ));
        }
        let size = entry.size();
        check_size(name, size, entry.compressed_size(), &mut total)?;
        if is_dir && size != 0 {
            return Err(unsafe_name("is a directory with content".to_owned()));
        }
        if !folded_names.insert(path.to_lowercase()) {
            return Err(duplicate(&format!(
                "the archive lists {path:?} twice (names differing only in case count as one: \
                 they collide when unpacked on most systems)"
            )));
        }
        entries.push(Entry {
            index,
            path: path.to_owned(),
            is_dir,
            size,
        });
    }
    Ok(entries)
}

fn duplicate(what: &str) -> Refusal {
    invalid(
        "duplicate-entry",
        format!("{what}, so different readers may show different content under one name"),
    )
}

/// Only files and directories: a symbolic link could point an unpacked copy
/// anywhere, and devices or pipes have no place in a book.
fn check_file_type(name: &str, is_dir: bool, mode: Option<u32>) -> Result<(), Refusal> {
    let Some(kind) = mode.map(|m| m & S_IFMT).filter(|&kind| kind != 0) else {
        return Ok(());
    };
    match kind {
        S_IFLNK => Err(invalid(
            "symlink-entry",
            format!("the entry {name:?} is a symbolic link, which an EPUB never holds"),
        )),
        S_IFREG if !is_dir => Ok(()),
        S_IFDIR if is_dir => Ok(()),
        _ => Err(invalid(
            "special-entry",
            format!("the entry {name:?} is neither a plain file nor a folder (Unix mode {kind:o})"),
        )),
    }
}

/// Declared sizes: each entry and their sum under the limits, and no
/// compression ratio that only a ZIP bomb reaches.
fn check_size(name: &str, size: u64, compressed: u64, total: &mut u64) -> Result<(), Refusal> {
    if size > BOMB_MIN_SIZE && size > compressed.saturating_mul(BOMB_RATIO) {
        return Err(cannot_check(
            "zip-bomb",
            format!(
                "the entry {name:?} would expand from {compressed} to {size} bytes, more than \
                 {BOMB_RATIO} times: this looks like a ZIP bomb and is not unpacked"
            ),
        ));
    }
    if size > MAX_ENTRY_SIZE {
        return Err(cannot_check(
            "too-large",
            format!(
                "the entry {name:?} is {size} bytes; this verifier reads at most {MAX_ENTRY_SIZE} per file"
            ),
        ));
    }
    if name == SIGNATURES_PATH && size > MAX_SIGNATURES_SIZE {
        return Err(cannot_check(
            "too-large",
            format!(
                "{SIGNATURES_PATH} is {size} bytes; this verifier reads at most {MAX_SIGNATURES_SIZE}"
            ),
        ));
    }
    *total = total.saturating_add(size);
    if *total > MAX_TOTAL_SIZE {
        return Err(cannot_check(
            "too-large",
            format!(
                "the archive would expand to more than {MAX_TOTAL_SIZE} bytes, the most this verifier reads"
            ),
        ));
    }
    Ok(())
}

/// OCF: the first entry is `mimetype`, stored, without extra field, so that
/// its name and content sit at fixed offsets for file-type sniffers.
fn check_mimetype_entry(bytes: &[u8], entries: &[Entry]) -> Result<(), Refusal> {
    let magic_end = MIMETYPE_MAGIC_OFFSET + MIMETYPE_PATH.len() + EPUB_MIMETYPE.len();
    let first_is_mimetype = entries
        .first()
        .is_some_and(|e| e.path == MIMETYPE_PATH && e.size == EPUB_MIMETYPE.len() as u64);
    let magic = bytes.get(MIMETYPE_MAGIC_OFFSET..magic_end);
    let expected = [MIMETYPE_PATH.as_bytes(), EPUB_MIMETYPE].concat();
    if first_is_mimetype && magic == Some(expected.as_slice()) {
        return Ok(());
    }
    Err(invalid(
        "mimetype",
        "this is not a well-formed EPUB: its first entry must be `mimetype`, stored uncompressed \
         without extra field, holding `application/epub+zip`"
            .to_owned(),
    ))
}

fn read_contents(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    entries: &[Entry],
) -> Result<Container, Refusal> {
    let mut container = Container {
        files: Vec::with_capacity(entries.len()),
        signatures: None,
    };
    for entry in entries.iter().filter(|e| !e.is_dir) {
        let keep = entry.path == SIGNATURES_PATH || entry.path == MIMETYPE_PATH;
        let (sha256, kept) = read_entry(archive, entry, keep)?;
        if entry.path == MIMETYPE_PATH && kept != EPUB_MIMETYPE {
            return Err(invalid(
                "mimetype",
                "the `mimetype` entry does not hold `application/epub+zip`".to_owned(),
            ));
        }
        if entry.path == SIGNATURES_PATH {
            container.signatures = Some(kept);
        } else {
            container.files.push(FileDigest {
                path: entry.path.clone(),
                sha256,
            });
        }
    }
    Ok(container)
}

/// Streams an entry through SHA-256, reading at most one byte more than its
/// declared size; returns the digest and, if `keep`, the bytes.
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    entry: &Entry,
    keep: bool,
) -> Result<(Vec<u8>, Vec<u8>), Refusal> {
    let damaged = |why: String| {
        invalid(
            "damaged-entry",
            format!(
                "the entry {:?} is damaged or its header lies: {why}",
                entry.path
            ),
        )
    };
    let file = archive
        .by_index(entry.index)
        .map_err(|e| damaged(e.to_string()))?;
    let mut limited = file.take(entry.size.saturating_add(1));
    let mut context = digest::Context::new(&digest::SHA256);
    let mut kept = Vec::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut read: u64 = 0;
    loop {
        let n = limited
            .read(&mut buffer)
            .map_err(|e| damaged(e.to_string()))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        context.update(&buffer[..n]);
        if keep {
            kept.extend_from_slice(&buffer[..n]);
        }
    }
    if read != entry.size {
        return Err(damaged(format!(
            "it declares {} bytes but holds {}{read}",
            entry.size,
            if read > entry.size { "more than " } else { "" }
        )));
    }
    Ok((context.finish().as_ref().to_vec(), kept))
}

/// Checks the seal in signatures.xml against the container's files.
fn check_signature(xml: &[u8], files: &[FileDigest], options: &Options) -> SignatureReport {
    let mut report = SignatureReport {
        field: SIGNATURE_ID.to_owned(),
        kind: "xml-signature".to_owned(),
        docmdp_permission: None,
        sub_filter: String::new(),
        claimed_time: None,
        byte_range: None,
        covers_whole_file: false,
        cms: None,
        findings: Vec::new(),
        changes_after: Vec::new(),
    };
    let seal = match read_seal(xml) {
        Ok(seal) => seal,
        Err(finding) => {
            report.findings.push(finding);
            return report;
        }
    };
    report.claimed_time = Some(seal.time.text.clone());
    match check_seal(&seal, &options.anchors) {
        Ok(check) => report.cms = Some(check),
        Err(finding) => report.findings.push(finding),
    }
    report.changes_after = changes(&seal.files, files);
    report.covers_whole_file = !report
        .changes_after
        .iter()
        .any(|c| c.kind == ChangeKind::FileAdded);
    report
}

/// The seal as read back and found in gazette's canonical form.
struct Seal {
    method: SignatureMethod,
    time: ClaimedTime,
    files: Vec<FileDigest>,
    /// SignedInfo's bytes: what the signature value signs.
    signed_info: String,
    /// What the signed-properties reference claims, and what they hash to.
    properties_claimed: Vec<u8>,
    properties_actual: Vec<u8>,
    value: Vec<u8>,
    certificates: Vec<Vec<u8>>,
}

fn read_seal(xml: &[u8]) -> Result<Seal, Finding> {
    let parsed = parse(xml)?;
    let seal = interpret(&parsed)?;
    let non_canonical = |what: &str| {
        Finding::new(
            "non-canonical",
            format!(
                "the signature's {what} is not in the canonical form gazette writes, so this \
                 verifier cannot tell what was signed (it reads only gazette's own form)"
            ),
        )
    };
    if xml.get(parsed.signed_info.clone()) != Some(seal.signed_info.as_bytes()) {
        return Err(non_canonical("SignedInfo"));
    }
    let properties = signed_properties(&seal.time);
    if xml.get(parsed.properties.clone()) != Some(properties.as_bytes()) {
        return Err(non_canonical("signed properties (the signing time)"));
    }
    let whole = signatures_xml(
        &seal.signed_info,
        &seal.value,
        &seal.certificates,
        &properties,
    );
    if xml != whole.as_bytes() {
        return Err(unexpected(
            "it holds more or other than the one signature gazette writes",
        ));
    }
    Ok(seal)
}

fn unexpected(why: &str) -> Finding {
    Finding::new(
        "unexpected-xml",
        format!("{SIGNATURES_PATH} is not a seal gazette wrote: {why}"),
    )
}

/// What the parser took from signatures.xml, as text, and where the two
/// canonical parts sit.
struct Parsed {
    signed_info: std::ops::Range<usize>,
    properties: std::ops::Range<usize>,
    signature_method: String,
    references: Vec<(String, String)>,
    value: String,
    certificates: Vec<String>,
    time: String,
}

/// Extracts values in the element order gazette writes. It does not judge
/// attributes, namespaces or spacing: writing the result again and comparing
/// bytes does that.
fn parse(xml: &[u8]) -> Result<Parsed, Finding> {
    let mut x = Xml::new(xml);
    x.open("signatures")?;
    x.open("Signature")?;
    x.open("SignedInfo")?;
    let signed_info_start = x.event_start;
    x.open("CanonicalizationMethod")?;
    x.close("CanonicalizationMethod")?;
    let signature_method = x.open("SignatureMethod")?;
    let signature_method = attribute(&signature_method, "Algorithm")?;
    x.close("SignatureMethod")?;
    let mut references = Vec::new();
    while let Some(reference) = x.open_repeated("Reference", "SignedInfo")? {
        let uri = attribute(&reference, "URI")?;
        x.open("DigestMethod")?;
        x.close("DigestMethod")?;
        references.push((uri, x.text("DigestValue")?));
        x.close("Reference")?;
    }
    let signed_info = signed_info_start..x.position();
    let value = x.text("SignatureValue")?;
    x.open("KeyInfo")?;
    x.open("X509Data")?;
    let mut certificates = Vec::new();
    while x.open_repeated("X509Certificate", "X509Data")?.is_some() {
        certificates.push(x.text_inside("X509Certificate")?);
    }
    x.close("KeyInfo")?;
    x.open("Object")?;
    x.open("SignatureProperties")?;
    let properties_start = x.event_start;
    x.open("SignatureProperty")?;
    let time = x.text("dc:date")?;
    x.close("SignatureProperty")?;
    x.close("SignatureProperties")?;
    let properties = properties_start..x.position();
    x.close("Object")?;
    x.close("Signature")?;
    x.close("signatures")?;
    x.end()?;
    Ok(Parsed {
        signed_info,
        properties,
        signature_method,
        references,
        value,
        certificates,
        time,
    })
}

/// Turns the parsed text into a seal: known algorithm, the properties
/// reference first, then container paths with SHA-256 digests.
fn interpret(parsed: &Parsed) -> Result<Seal, Finding> {
    let Some(method) = SignatureMethod::from_uri(&parsed.signature_method) else {
        return Err(Finding::new(
            "unsupported-algorithm",
            format!(
                "the signature method {} is not one gazette seals with (ECDSA with SHA-256 or \
                 SHA-384, RSA PKCS#1 v1.5 with SHA-256)",
                parsed.signature_method
            ),
        ));
    };
    let time = ClaimedTime::parse(&parsed.time).map_err(|why| unexpected(&why))?;
    let Some(((properties_uri, properties_digest), file_references)) =
        parsed.references.split_first()
    else {
        return Err(unexpected("its SignedInfo has no reference"));
    };
    if *properties_uri != format!("#{PROPERTIES_ID}") {
        return Err(unexpected(
            "its first reference is not to the signed signing time",
        ));
    }
    let mut files = Vec::with_capacity(file_references.len());
    let mut seen = HashSet::new();
    for (uri, digest) in file_references {
        let path = path_for(uri)
            .filter(|path| path != SIGNATURES_PATH)
            .ok_or_else(|| {
                unexpected(&format!(
                    "a reference names {uri:?}, which is not a file of the container"
                ))
            })?;
        if !seen.insert(path.clone()) {
            return Err(unexpected(&format!("{path:?} is referenced twice")));
        }
        files.push(FileDigest {
            path,
            sha256: sha256_value(digest)?,
        });
    }
    let properties_claimed = sha256_value(properties_digest)?;
    let properties = signed_properties(&time);
    let certificates = parsed
        .certificates
        .iter()
        .map(|c| base64(c, "a certificate"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Seal {
        method,
        signed_info: signed_info(method, &properties_claimed, &files),
        properties_actual: sha256(properties.as_bytes()),
        properties_claimed,
        time,
        files,
        value: base64(&parsed.value, "the signature value")?,
        certificates,
    })
}

fn base64(text: &str, what: &str) -> Result<Vec<u8>, Finding> {
    BASE64
        .decode(text)
        .map_err(|e| unexpected(&format!("{what} is not base64: {e}")))
}

fn sha256_value(text: &str) -> Result<Vec<u8>, Finding> {
    let digest = base64(text, "a digest value")?;
    if digest.len() != digest::SHA256_OUTPUT_LEN {
        return Err(unexpected("a digest value is not a SHA-256 digest"));
    }
    Ok(digest)
}

/// The signed time's digest, the signature value with the first
/// certificate's key, and the certificate path at the signed time.
fn check_seal(seal: &Seal, anchors: &[Vec<u8>]) -> Result<SignatureCheck, Finding> {
    let mut problems = Vec::new();
    let digest_matches = seal.properties_claimed == seal.properties_actual;
    if !digest_matches {
        problems.push(Problem::new(
            ProblemCode::DigestMismatch,
            "the signing time was changed after sealing: its digest differs from the signed one",
        ));
    }
    let [signer, ..] = seal.certificates.as_slice() else {
        return Err(unexpected("it carries no certificate"));
    };
    let (summary, path) = cms::check_der_path(
        signer,
        &seal.certificates[1..],
        anchors,
        seal.time.at,
        &mut problems,
    )
    .map_err(|why| Finding::new("bad-certificate", why))?;
    let signature_valid = public_key(signer).is_some_and(|key| {
        seal.method
            .verifies(&key, seal.signed_info.as_bytes(), &seal.value)
    });
    if !signature_valid {
        problems.push(Problem::new(
            ProblemCode::BadSignature,
            format!(
                "the signature value does not verify with the public key of {}: \
                 signatures.xml was changed or the seal was forged",
                summary.common_name.as_deref().unwrap_or(&summary.subject)
            ),
        ));
    }
    Ok(SignatureCheck {
        valid: problems.is_empty(),
        signer: Some(summary),
        digest_algorithm: "SHA-256".to_owned(),
        signature_algorithm: seal.method.name().to_owned(),
        digest_matches,
        signature_valid,
        chain: path.chain,
        trust: path.trust,
        problems,
    })
}

/// Every sealed file must be there with its bytes, and every file sealed.
fn changes(sealed: &[FileDigest], container: &[FileDigest]) -> Vec<Change> {
    let present: HashMap<&str, &[u8]> = container
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_slice()))
        .collect();
    let sealed_paths: HashSet<&str> = sealed.iter().map(|f| f.path.as_str()).collect();
    let change = |kind, description: String| Change {
        kind,
        allowed: false,
        description,
    };
    let mut found = Vec::new();
    for file in sealed {
        match present.get(file.path.as_str()) {
            None => found.push(change(
                ChangeKind::FileRemoved,
                format!("{} was removed", file.path),
            )),
            Some(digest) if *digest != file.sha256.as_slice() => {
                found.push(change(ChangeKind::FileChanged, file.path.clone()))
            }
            Some(_) => {}
        }
    }
    for file in container {
        if !sealed_paths.contains(file.path.as_str()) {
            found.push(change(
                ChangeKind::FileAdded,
                format!("{} was added", file.path),
            ));
        }
    }
    found
}

/// A reader over signatures.xml that yields only the events gazette's form
/// has: whitespace between elements and the XML declaration are skipped, and
/// anything else (DOCTYPE, comments, processing instructions, CDATA, entity
/// references) is refused.
struct Xml<'a> {
    reader: Reader<&'a [u8]>,
    /// Where the event last returned by `next` starts.
    event_start: usize,
}

impl<'a> Xml<'a> {
    fn new(xml: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(xml);
        // `<X/>` comes back as start and end, so the form is judged only by
        // comparing bytes.
        reader.config_mut().expand_empty_elements = true;
        Xml {
            reader,
            event_start: 0,
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn next(&mut self) -> Result<Event<'a>, Finding> {
        loop {
            self.event_start = self.position();
            let event = self.reader.read_event().map_err(|e| {
                Finding::new(
                    "unreadable-signature",
                    format!("{SIGNATURES_PATH} is not well-formed XML: {e}"),
                )
            })?;
            match event {
                Event::Decl(_) => continue,
                Event::Text(text) if text.bytes().all(|b| b" \t\r\n".contains(&b)) => continue,
                Event::DocType(_) => {
                    return Err(Finding::new(
                        "doctype",
                        format!(
                            "{SIGNATURES_PATH} has a DOCTYPE, which could define entities; \
                             gazette never writes one and this verifier refuses it"
                        ),
                    ));
                }
                Event::Comment(_) | Event::PI(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(unexpected(
                        "it holds comments, processing instructions, CDATA or entity references",
                    ));
                }
                other => return Ok(other),
            }
        }
    }

    fn open(&mut self, name: &str) -> Result<BytesStart<'a>, Finding> {
        match self.next()? {
            Event::Start(start) if start.name().as_ref() == name => Ok(start),
            _ => Err(unexpected(&format!("<{name}> is missing or out of place"))),
        }
    }

    /// The next `name` element inside `parent`, or `None` at the end of `parent`.
    fn open_repeated(
        &mut self,
        name: &str,
        parent: &str,
    ) -> Result<Option<BytesStart<'a>>, Finding> {
        match self.next()? {
            Event::Start(start) if start.name().as_ref() == name => Ok(Some(start)),
            Event::End(end) if end.name().as_ref() == parent => Ok(None),
            _ => Err(unexpected(&format!(
                "<{parent}> holds something other than <{name}>"
            ))),
        }
    }

    fn close(&mut self, name: &str) -> Result<(), Finding> {
        match self.next()? {
            Event::End(end) if end.name().as_ref() == name => Ok(()),
            _ => Err(unexpected(&format!("<{name}> holds something unexpected"))),
        }
    }

    /// The text of a `name` element that comes next.
    fn text(&mut self, name: &str) -> Result<String, Finding> {
        self.open(name)?;
        self.text_inside(name)
    }

    /// The text of the `name` element just opened, up to its end.
    fn text_inside(&mut self, name: &str) -> Result<String, Finding> {
        match self.next()? {
            Event::Text(text) => {
                let text = text.to_string();
                self.close(name)?;
                Ok(text)
            }
            Event::End(end) if end.name().as_ref() == name => Ok(String::new()),
            _ => Err(unexpected(&format!("<{name}> holds more than text"))),
        }
    }

    fn end(&mut self) -> Result<(), Finding> {
        match self.next()? {
            Event::Eof => Ok(()),
            _ => Err(unexpected("something follows </signatures>")),
        }
    }
}

/// An attribute's raw value: gazette's values never need escaping, so an
/// escaped one fails the comparison with gazette's form.
fn attribute(start: &BytesStart<'_>, name: &str) -> Result<String, Finding> {
    match start.try_get_attribute(name) {
        Ok(Some(attribute)) => Ok(attribute.value.into_owned()),
        _ => Err(unexpected(&format!(
            "<{}> lacks a readable {name} attribute",
            start.name().as_ref()
        ))),
    }
}
