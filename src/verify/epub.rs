//! Checks a sealed EPUB: the ZIP container first, read safely and wholly in
//! memory, then the XML signature in `META-INF/signatures.xml` against every
//! file of the container.
//!
//! The container is read by [`super::archive`], which checks every entry's
//! header before any content and streams contents with their declared sizes
//! enforced. Here every file goes through SHA-256; only `mimetype` and
//! signatures.xml are kept. Nothing is ever written to disk.
//!
//! The signature is read only in the exact form gazette writes (see
//! [`crate::xmldsig`]): what the parser extracts is written again in that
//! form and must give back the same bytes. Then the signed time's digest, the
//! signature value and the certificate path at that time are checked, and
//! last every file against its reference.
//!
//! # Verdicts and codes
//!
//! The container, as a report finding (the check stops there): every refusal
//! of [`super::archive`], with `too-large` also for a signatures.xml over
//! 16 MiB, and `unsafe-entry-name` for `..`, `.` or empty segments, a leading
//! `/`, backslashes, `:` so drive letters, NUL and other controls, and the
//! characters OCF forbids. Then INVALID `mimetype` (not the first entry at
//! offset 0, compressed, with an extra field, or not `application/epub+zip`),
//! and INVALID, "NOT SEALED", `not-sealed` (no META-INF/signatures.xml).
//!
//! The seal, as a finding of its signature (INVALID): `unreadable-signature`
//! (not well-formed XML), `doctype`, `unexpected-xml` (other content than the
//! one signature gazette writes, a reference outside the container),
//! `non-canonical` (SignedInfo or the signed properties not in gazette's
//! canonical form), `unsupported-algorithm`, `bad-certificate`. Then, as
//! problems of its check: `bad-signature`, `digest-mismatch` (the signed time
//! changed), and the certificate path's (`expired`, `untrusted`, ...); an
//! intact seal whose only problem is `untrusted` is UNTRUSTED.
//!
//! The files, as changes after sealing (MODIFIED): `file-changed`,
//! `file-added` (a file the seal does not cover), `file-removed`.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use ring::digest;

use super::archive::{self, Entry, MIB, Refusal, Rules, cannot_check, invalid};
use super::described::{self, Described, Languages};
use super::{
    FileChange, FileChangeKind, Finding, FindingCode, Options, Report, SignatureKind,
    SignatureReport,
};
use crate::cms::algorithm::{from_xmldsig_uri, profile};
use crate::cms::{self, Problem, ProblemCode, SignatureCheck};
use crate::digest::{sha256, sha256_bytes};
use crate::epub::{MIMETYPE, MIMETYPE_PATH};
use crate::seal::epub::SIGNATURES_PATH;
use crate::signer::SignatureAlgorithm;
use crate::xmldsig::{
    self, ClaimedTime, FileDigest, PROPERTIES_ID, SIGNATURE_ID, path_for, public_key,
    signatures_xml, signed_info, signed_properties,
};

const FORMAT: &str = "epub";
const RULES: Rules = Rules { what: "an EPUB" };
/// signatures.xml is parsed in memory; 10 000 references take about 2 MiB.
const MAX_SIGNATURES_SIZE: u64 = 16 * MIB;
/// How much of an XHTML file is read for its root element: the XML
/// declaration and doctype before it are short.
const XHTML_HEAD: usize = 4096;
/// Where the `mimetype` entry's name and content start when it is the first
/// local header, stored, without extra field (OCF's "magic number").
const MIMETYPE_MAGIC_OFFSET: usize = 30;
/// OCF's container file, which names the package document.
const CONTAINER_PATH: &str = "META-INF/container.xml";
/// Package documents are a few kilobytes; beyond this, in all, they are not
/// read for their metadata, however many a hostile container holds.
const MAX_DESCRIPTION_SIZE: u64 = 4 * MIB;

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
            FindingCode::NotSealed,
            format!("the container has no {SIGNATURES_PATH}, so it carries no seal"),
        ));
        return report;
    };
    let signature = check_signature(&xml, &container.files, options);
    let mut report = Report::conclude(file.to_owned(), FORMAT, vec![signature]);
    report.described = Some(Described {
        files: container.files.iter().map(|f| f.path.clone()).collect(),
        languages: container.languages,
        ..described_in(&container.descriptions).unwrap_or_default()
    });
    report
}

/// The Dublin Core of the package document that container.xml names first.
fn described_in(descriptions: &[(String, Vec<u8>)]) -> Option<Described> {
    let find = |path: &str| descriptions.iter().find(|(p, _)| p == path).map(|(_, b)| b);
    let path = rootfile(find(CONTAINER_PATH)?)?;
    described::read(find(&path)?)
}

/// The `full-path` of container.xml's first `rootfile`.
fn rootfile(container: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(container);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "rootfile" => {
                let path = e.try_get_attribute("full-path").ok()??;
                return Some(path.value.into_owned());
            }
            Event::Eof | Event::DocType(_) => return None,
            _ => {}
        }
    }
}

/// What the container holds: the digest of every file but signatures.xml, in
/// container order, and signatures.xml itself.
struct Container {
    files: Vec<FileDigest>,
    signatures: Option<Vec<u8>>,
    /// META-INF/container.xml and the package documents it may name, by path.
    descriptions: Vec<(String, Vec<u8>)>,
    /// The languages of each XHTML file's root element.
    languages: Vec<Languages>,
}

fn read_container(bytes: &[u8]) -> Result<Container, Refusal> {
    let (mut reader, entries) = archive::open(bytes, &RULES)?;
    if let Some(signatures) = entries.iter().find(|e| e.path == SIGNATURES_PATH) {
        check_signatures_size(signatures.size)?;
    }
    check_mimetype_entry(bytes, &entries)?;
    read_contents(&mut reader, &entries)
}

fn check_signatures_size(size: u64) -> Result<(), Refusal> {
    if size > MAX_SIGNATURES_SIZE {
        return Err(cannot_check(
            FindingCode::TooLarge,
            format!(
                "{SIGNATURES_PATH} is {size} bytes; this verifier reads at most {MAX_SIGNATURES_SIZE}"
            ),
        ));
    }
    Ok(())
}

/// OCF: the first entry is `mimetype`, stored, without extra field, so that
/// its name and content sit at fixed offsets for file-type sniffers.
fn check_mimetype_entry(bytes: &[u8], entries: &[Entry]) -> Result<(), Refusal> {
    let magic_end = MIMETYPE_MAGIC_OFFSET + MIMETYPE_PATH.len() + MIMETYPE.len();
    let first_is_mimetype = entries.first().is_some_and(|e| {
        e.path == MIMETYPE_PATH && e.size == MIMETYPE.len() as u64 && e.header_start == 0
    });
    let magic = bytes.get(MIMETYPE_MAGIC_OFFSET..magic_end);
    let expected = [MIMETYPE_PATH.as_bytes(), MIMETYPE].concat();
    if first_is_mimetype && magic == Some(expected.as_slice()) {
        return Ok(());
    }
    Err(invalid(
        FindingCode::Mimetype,
        "this is not a well-formed EPUB: its first entry must be `mimetype`, stored uncompressed \
         without extra field, holding `application/epub+zip`"
            .to_owned(),
    ))
}

/// Streams every file through SHA-256, keeping only `mimetype`,
/// signatures.xml, container.xml and package documents (`.opf`) of sane size,
/// and the start of each XHTML file, where its root element is.
fn read_contents(
    reader: &mut archive::Reader<'_>,
    entries: &[Entry],
) -> Result<Container, Refusal> {
    let mut container = Container {
        files: Vec::with_capacity(entries.len()),
        signatures: None,
        descriptions: Vec::new(),
        languages: Vec::new(),
    };
    let mut description_room = MAX_DESCRIPTION_SIZE;
    for entry in entries.iter().filter(|e| !e.is_dir) {
        let describes = (entry.path == CONTAINER_PATH || entry.path.ends_with(".opf"))
            && entry.size <= description_room;
        if describes {
            description_room -= entry.size;
        }
        let keep = entry.path == SIGNATURES_PATH || entry.path == MIMETYPE_PATH || describes;
        let xhtml = entry.path.ends_with(".xhtml");
        let mut context = digest::Context::new(&digest::SHA256);
        let mut kept = Vec::new();
        let mut head = Vec::new();
        reader.read(entry, |chunk| {
            context.update(chunk);
            if keep {
                kept.extend_from_slice(chunk);
            }
            if xhtml && head.len() < XHTML_HEAD {
                let room = XHTML_HEAD - head.len();
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        })?;
        if xhtml {
            container
                .languages
                .push(Languages::of_root(&entry.path, &head));
        }
        if entry.path == MIMETYPE_PATH && kept != MIMETYPE {
            return Err(invalid(
                FindingCode::Mimetype,
                "the `mimetype` entry does not hold `application/epub+zip`".to_owned(),
            ));
        }
        if entry.path == SIGNATURES_PATH {
            container.signatures = Some(kept);
        } else {
            if describes {
                container.descriptions.push((entry.path.clone(), kept));
            }
            container.files.push(FileDigest {
                path: entry.path.clone(),
                sha256: context.finish().as_ref().to_vec(),
            });
        }
    }
    Ok(container)
}

/// Checks the seal in signatures.xml against the container's files.
fn check_signature(xml: &[u8], files: &[FileDigest], options: &Options) -> SignatureReport {
    let mut report = SignatureReport::new(
        SIGNATURE_ID,
        SignatureKind::XmlSignature,
        "XML-DSig in META-INF/signatures.xml (Canonical XML 1.0)",
    );
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
    let changes = changes(&seal.files, files);
    if changes.is_empty() && !same_order(&seal.files, files) {
        report.findings.push(unexpected(
            "its References do not follow the container's entries in order (SEPUB-6), so the \
             form of Appendix C is not the one sealed",
        ));
    }
    report.set_file_changes(changes);
    report
}

/// The seal as read back and found in gazette's canonical form.
struct Seal {
    method: SignatureAlgorithm,
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
            FindingCode::NonCanonical,
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
        FindingCode::UnexpectedXml,
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

/// The claimed time's one form: a day at 00:00 in Shanghai (SEPUB-9), the
/// date of the issue, which is all the seal may claim without a time-stamp.
fn is_issue_midnight(time: &str) -> bool {
    time.len() == 25 && time.ends_with("T00:00:00+08:00")
}

/// Turns the parsed text into a seal: known algorithm, the properties
/// reference first, then container paths with SHA-256 digests.
fn interpret(parsed: &Parsed) -> Result<Seal, Finding> {
    let Some(method) = from_xmldsig_uri(&parsed.signature_method) else {
        return Err(Finding::new(
            FindingCode::UnsupportedAlgorithm,
            format!(
                "the signature method {} is not one gazette seals with (ECDSA with SHA-256 or \
                 SHA-384, RSA PKCS#1 v1.5 with SHA-256)",
                parsed.signature_method
            ),
        ));
    };
    let time = ClaimedTime::parse(&parsed.time).map_err(|why| unexpected(&why.to_string()))?;
    if !is_issue_midnight(&parsed.time) {
        return Err(unexpected(&format!(
            "its signed time {} is not a date at 00:00 in Shanghai, YYYY-MM-DDT00:00:00+08:00 \
             (SEPUB-9)",
            parsed.time
        )));
    }
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
        properties_actual: sha256_bytes(properties.as_bytes()),
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
    .map_err(|why| Finding::new(FindingCode::BadCertificate, why))?;
    let signature_valid = public_key(signer).is_some_and(|key| {
        xmldsig::verifies(seal.method, &key, seal.signed_info.as_bytes(), &seal.value)
    });
    if xmldsig::is_der_ecdsa(seal.method, &seal.value) {
        // The usual mistake of a signer: say so rather than call the seal
        // forged.
        problems.push(Problem::new(
            ProblemCode::SignatureValueForm,
            format!(
                "the SignatureValue is a DER Ecdsa-Sig-Value, not the r‖s that XML-DSig 1.1 \
                 asks of {}, each integer of the curve's length",
                profile(seal.method).name
            ),
        ));
    } else if !signature_valid {
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
        signature_algorithm: profile(seal.method).name.to_owned(),
        digest_matches,
        signature_valid,
        chain: path.chain,
        carried: seal.certificates.iter().map(|c| sha256(c)).collect(),
        trust: path.trust,
        problems,
        remarks: Vec::new(),
        signing_time_attribute: None,
        timestamps: Vec::new(),
    })
}

/// Every sealed file must be there with its bytes, and every file sealed.
/// Whether the sealed files are the container's, path for path, in order.
fn same_order(sealed: &[FileDigest], container: &[FileDigest]) -> bool {
    sealed
        .iter()
        .map(|f| &f.path)
        .eq(container.iter().map(|f| &f.path))
}

fn changes(sealed: &[FileDigest], container: &[FileDigest]) -> Vec<FileChange> {
    let present: HashMap<&str, &[u8]> = container
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_slice()))
        .collect();
    let sealed_paths: HashSet<&str> = sealed.iter().map(|f| f.path.as_str()).collect();
    let mut found = Vec::new();
    for file in sealed {
        match present.get(file.path.as_str()) {
            None => found.push(FileChange::new(FileChangeKind::Removed, &file.path)),
            Some(digest) if *digest != file.sha256.as_slice() => {
                found.push(FileChange::new(FileChangeKind::Changed, &file.path))
            }
            Some(_) => {}
        }
    }
    for file in container {
        if !sealed_paths.contains(file.path.as_str()) {
            found.push(FileChange::new(FileChangeKind::Added, &file.path));
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
                    FindingCode::UnreadableSignature,
                    format!("{SIGNATURES_PATH} is not well-formed XML: {e}"),
                )
            })?;
            match event {
                Event::Decl(_) => continue,
                Event::Text(text) if text.bytes().all(|b| b" \t\r\n".contains(&b)) => continue,
                Event::DocType(_) => {
                    return Err(Finding::new(
                        FindingCode::Doctype,
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

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;
    use crate::cms::Trust;
    use crate::signer::RsaPadding;
    use crate::test_support::epub::{TIME, borrowed, sample_files, seal_ecdsa};
    use crate::test_support::keys::{P384Key, example_chain, example_signer};
    use crate::verify::archive::MAX_ENTRIES;
    use crate::verify::archive::test_support::{assert_no_file_system, rename, verify_bombs};
    use crate::verify::{ChangeKind, Verdict};

    type Files = Vec<(String, Vec<u8>)>;

    fn options(compression: CompressionMethod) -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(compression)
    }

    /// Zips `files` in order: `mimetype` stored as OCF wants, the rest deflated.
    fn zip_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        zip_with(files, |_| {})
    }

    /// As OCF wants: `mimetype` stored, everything else deflated.
    fn compression_of(path: &str) -> CompressionMethod {
        if path == MIMETYPE_PATH {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        }
    }

    /// Zips `files`, then lets `more` add entries of its own.
    fn zip_with(
        files: &[(String, Vec<u8>)],
        more: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>),
    ) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (path, bytes) in files {
            zip.start_file(path.as_str(), options(compression_of(path)))
                .expect("entry");
            zip.write_all(bytes).expect("written");
        }
        more(&mut zip);
        zip.finish().expect("zip finished").into_inner()
    }

    /// The sample files with the example ECDSA seal, signatures.xml last.
    fn sealed(files: &[(String, Vec<u8>)]) -> Files {
        let mut all = files.to_vec();
        all.push((SIGNATURES_PATH.to_owned(), seal_ecdsa(files)));
        all
    }

    fn trusting_example_root() -> Options {
        Options {
            anchors: example_chain("root.pem"),
        }
    }

    fn verify(bytes: &[u8]) -> Report {
        verify_epub("gazette.epub", bytes, &trusting_example_root())
    }

    /// The sealed sample container with `signatures.xml` rewritten by `change`.
    fn with_signatures(change: impl FnOnce(String) -> String) -> Vec<u8> {
        let mut files = sealed(&sample_files());
        let last = files.last_mut().expect("signatures.xml");
        last.1 = change(String::from_utf8(last.1.clone()).expect("UTF-8")).into_bytes();
        zip_files(&files)
    }

    fn assert_refused(report: &Report, verdict: Verdict, code: FindingCode) {
        assert_eq!(report.verdict, verdict, "{}", report.summary);
        assert!(
            report.findings.iter().any(|f| f.code == code),
            "no {code} finding: {:?}",
            report.findings
        );
        assert!(report.signatures.is_empty());
    }

    fn signature(report: &Report) -> &SignatureReport {
        report.signatures.first().expect("one signature")
    }

    fn assert_signature_finding(report: &Report, code: FindingCode) {
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        let codes: Vec<FindingCode> = signature(report).findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [code], "{}", report.summary);
    }

    fn problem_codes(report: &Report) -> Vec<ProblemCode> {
        let check = signature(report).cms.as_ref().expect("signature checked");
        check.problems.iter().map(|p| p.code).collect()
    }

    fn change_kinds(report: &Report) -> Vec<ChangeKind> {
        signature(report)
            .changes_after
            .iter()
            .map(|c| c.kind)
            .collect()
    }

    #[test]
    fn a_sealed_container_is_valid() {
        let bytes = zip_files(&sealed(&sample_files()));
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
        assert_eq!(report.verdict.exit_code(), 0);
        assert_eq!(report.format, "epub");
        assert!(
            report.summary.starts_with("VALID: sealed by "),
            "{}",
            report.summary
        );
        assert!(report.summary.contains("TEST ONLY"), "{}", report.summary);
        assert!(
            report
                .summary
                .ends_with(&format!(" on {TIME}; unchanged since sealing")),
            "{}",
            report.summary
        );
        let signature = signature(&report);
        assert!(signature.covers_whole_file);
        assert_eq!(signature.claimed_time.as_deref(), Some(TIME));
        let check = signature.cms.as_ref().expect("checked");
        assert!(check.valid && check.signature_valid && check.digest_matches);
        assert_eq!(check.signature_algorithm, "ECDSA P-256 with SHA-256");
        assert_eq!(check.chain.len(), 3);
        assert!(matches!(check.trust, Trust::Trusted { .. }));
    }

    /// A writer that cannot seek puts sizes in data descriptors after each
    /// entry; such a container is just as valid.
    #[test]
    fn a_container_zipped_as_a_stream_is_valid() {
        let mut zip = ZipWriter::new_stream(Vec::new());
        for (path, bytes) in &sealed(&sample_files()) {
            zip.start_file(path.as_str(), options(compression_of(path)))
                .expect("entry");
            zip.write_all(bytes).expect("written");
        }
        let bytes = zip.finish().expect("zip finished").into_inner();
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    }

    #[test]
    fn rsa_and_p384_seals_are_valid() {
        let files = sample_files();
        let signer = example_signer("seal-rsa.key.pem", RsaPadding::Pkcs1);
        let chain = example_chain("seal-rsa-chain.pem");
        let mut rsa = files.clone();
        rsa.push((
            SIGNATURES_PATH.to_owned(),
            crate::seal::epub::sign(&borrowed(&files), &chain, signer.as_ref(), TIME)
                .expect("sealed"),
        ));
        let report = verify(&zip_files(&rsa));
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);

        let pss_signer = example_signer("seal-rsa.key.pem", RsaPadding::Pss);
        let mut pss = files.clone();
        pss.push((
            SIGNATURES_PATH.to_owned(),
            crate::seal::epub::sign(&borrowed(&files), &chain, pss_signer.as_ref(), TIME)
                .expect("sealed"),
        ));
        let report = verify(&zip_files(&pss));
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
        assert_eq!(
            report.signatures[0]
                .cms
                .as_ref()
                .unwrap()
                .signature_algorithm,
            "RSA-PSS with SHA-256"
        );

        let key = P384Key::new();
        let mut p384 = files.clone();
        p384.push((
            SIGNATURES_PATH.to_owned(),
            crate::seal::epub::sign(
                &borrowed(&files),
                std::slice::from_ref(&key.certificate),
                &key,
                TIME,
            )
            .expect("sealed"),
        ));
        let anchors = Options {
            anchors: vec![key.certificate.clone()],
        };
        let report = verify_epub("p384.epub", &zip_files(&p384), &anchors);
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    }

    #[test]
    fn without_a_trusted_root_the_seal_is_untrusted() {
        let bytes = zip_files(&sealed(&sample_files()));
        let report = verify_epub("gazette.epub", &bytes, &Options::default());
        assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.summary);
        assert!(report.summary.starts_with("UNTRUSTED: sealed by "));
        assert_eq!(problem_codes(&report), [ProblemCode::Untrusted]);

        let other_root = rcgen::generate_simple_self_signed(vec!["other.example".to_owned()])
            .expect("other root");
        let others = Options {
            anchors: vec![other_root.cert.der().to_vec()],
        };
        let report = verify_epub("gazette.epub", &bytes, &others);
        assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.summary);
        assert_eq!(problem_codes(&report), [ProblemCode::Untrusted]);
    }

    #[test]
    fn a_changed_file_makes_it_modified() {
        let mut files = sealed(&sample_files());
        files[2].1 = b"<package>changed</package>".to_vec();
        let report = verify(&zip_files(&files));
        assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
        assert!(
            report
                .summary
                .ends_with("but changed after sealing: OEBPS/content.opf"),
            "{}",
            report.summary
        );
        assert_eq!(
            change_kinds(&report),
            [ChangeKind::File(FileChangeKind::Changed)]
        );
        assert!(signature(&report).covers_whole_file);
    }

    #[test]
    fn an_added_file_makes_it_modified() {
        let mut files = sealed(&sample_files());
        files.push(("OEBPS/extra.js".to_owned(), b"alert(1)".to_vec()));
        let report = verify(&zip_files(&files));
        assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
        assert!(
            report.summary.contains("OEBPS/extra.js was added"),
            "{}",
            report.summary
        );
        assert_eq!(
            change_kinds(&report),
            [ChangeKind::File(FileChangeKind::Added)]
        );
        assert!(!signature(&report).covers_whole_file);
    }

    #[test]
    fn a_removed_file_makes_it_modified() {
        let mut files = sealed(&sample_files());
        files.retain(|(path, _)| path != "OEBPS/style sheet.css");
        let report = verify(&zip_files(&files));
        assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
        assert!(
            report.summary.contains("OEBPS/style sheet.css was removed"),
            "{}",
            report.summary
        );
        assert_eq!(
            change_kinds(&report),
            [ChangeKind::File(FileChangeKind::Removed)]
        );
    }

    /// Replaces the first base64 character after `marker` with another one.
    fn flip_after(xml: String, marker: &str) -> String {
        let at = xml.find(marker).expect("marker") + marker.len();
        let replacement = if xml[at..].starts_with('A') { "B" } else { "A" };
        format!("{}{replacement}{}", &xml[..at], &xml[at + 1..])
    }

    #[test]
    fn a_changed_signed_info_breaks_the_seal() {
        let bytes = with_signatures(|xml| {
            flip_after(
                xml,
                "<Reference URI=\"mimetype\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"></DigestMethod><DigestValue>",
            )
        });
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert_eq!(problem_codes(&report), [ProblemCode::BadSignature]);
        assert!(
            report.summary.contains("does not verify"),
            "{}",
            report.summary
        );
    }

    #[test]
    fn a_changed_signature_value_breaks_the_seal() {
        let bytes = with_signatures(|xml| flip_after(xml, "<SignatureValue>"));
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert_eq!(problem_codes(&report), [ProblemCode::BadSignature]);
    }

    #[test]
    fn a_changed_signing_time_breaks_the_seal() {
        let bytes = with_signatures(|xml| xml.replace(TIME, "2025-08-16T00:00:00+08:00"));
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert_eq!(problem_codes(&report), [ProblemCode::DigestMismatch]);
    }

    #[test]
    fn a_signature_in_another_form_is_reported_as_non_canonical() {
        let self_closing =
            with_signatures(|xml| xml.replacen("\"></CanonicalizationMethod>", "\"/>", 1));
        assert_signature_finding(&verify(&self_closing), FindingCode::NonCanonical);
        let inherited_namespace = with_signatures(|xml| {
            xml.replace(
                "<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">",
                "<SignedInfo>",
            )
        });
        assert_signature_finding(&verify(&inherited_namespace), FindingCode::NonCanonical);
        let indented = with_signatures(|xml| xml.replacen("<Reference ", "\n  <Reference ", 1));
        assert_signature_finding(&verify(&indented), FindingCode::NonCanonical);
        let properties = with_signatures(|xml| xml.replace("<dc:date ", "<dc:date  "));
        assert_signature_finding(&verify(&properties), FindingCode::NonCanonical);
    }

    #[test]
    fn anything_else_in_signatures_xml_is_refused() {
        // A namespace declared on an ancestor would enter SignedInfo's canonical form.
        let namespace =
            with_signatures(|xml| xml.replace("<signatures ", "<signatures xmlns:x=\"urn:x\" "));
        assert_signature_finding(&verify(&namespace), FindingCode::UnexpectedXml);
        let comment = with_signatures(|xml| xml.replace("<KeyInfo>", "<!-- hi --><KeyInfo>"));
        assert_signature_finding(&verify(&comment), FindingCode::UnexpectedXml);
        let second = with_signatures(|xml| {
            let signature = element_text(&xml, "Signature");
            xml.replace("</signatures>", &format!("{signature}\n</signatures>"))
        });
        assert_signature_finding(&verify(&second), FindingCode::UnexpectedXml);
        let outside = with_signatures(|xml| xml.replace("URI=\"mimetype\"", "URI=\"../mimetype\""));
        assert_signature_finding(&verify(&outside), FindingCode::UnexpectedXml);
        let doctype = with_signatures(|xml| {
            xml.replacen("?>\n", "?>\n<!DOCTYPE signatures [<!ENTITY x \"y\">]>\n", 1)
        });
        assert_signature_finding(&verify(&doctype), FindingCode::Doctype);
        let malformed = with_signatures(|xml| xml.replace("</KeyInfo>", "</KeyInfx>"));
        assert_signature_finding(&verify(&malformed), FindingCode::UnreadableSignature);
        let unknown = with_signatures(|xml| {
            xml.replace(
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
                "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
            )
        });
        assert_signature_finding(&verify(&unknown), FindingCode::UnsupportedAlgorithm);
    }

    fn element_text<'a>(xml: &'a str, name: &str) -> &'a str {
        let start = xml.find(&format!("<{name} ")).expect("start");
        let end_tag = format!("</{name}>");
        let end = xml.find(&end_tag).expect("end") + end_tag.len();
        &xml[start..end]
    }

    #[test]
    fn a_container_without_signatures_xml_is_not_sealed() {
        let report = verify(&zip_files(&sample_files()));
        assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
        assert!(
            report.summary.starts_with("NOT SEALED"),
            "{}",
            report.summary
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code == FindingCode::NotSealed)
        );
    }

    #[test]
    fn a_truncated_or_foreign_file_cannot_be_checked() {
        let bytes = zip_files(&sealed(&sample_files()));
        let report = verify(&bytes[..bytes.len() / 2]);
        assert_refused(&report, Verdict::CannotCheck, FindingCode::UnreadableZip);
        assert_eq!(report.verdict.exit_code(), 2);
        let report = verify(b"%PDF-1.7 not a zip at all");
        assert_refused(&report, Verdict::CannotCheck, FindingCode::UnreadableZip);
    }

    /// The sealed sample container with one more entry, first written under a
    /// placeholder name and then renamed to `name` in the bytes.
    fn sealed_with_entry_named(name: &[u8]) -> Vec<u8> {
        let placeholder = "Z".repeat(name.len());
        let mut files = sealed(&sample_files());
        files.push((placeholder.clone(), b"<html>evil</html>".to_vec()));
        let mut bytes = zip_files(&files);
        rename(&mut bytes, placeholder.as_bytes(), name);
        bytes
    }

    #[test]
    fn entry_names_that_escape_or_confuse_are_refused() {
        let unsafe_names: [&[u8]; 7] = [
            b"../evil.xhtml",
            b"OEBPS/../../evil.xhtml",
            b"/etc/evil.xhtml",
            b"OEBPS\\evil.xhtml",
            b"C:/evil.xhtml",
            b"OEBPS/evil\0.xhtml",
            b"OEBPS//evil.xhtml",
        ];
        for name in unsafe_names {
            let report = verify(&sealed_with_entry_named(name));
            assert_refused(&report, Verdict::Invalid, FindingCode::UnsafeEntryName);
        }
        let report = verify(&sealed_with_entry_named(b"OEBPS/\xFFevil.xhtml"));
        assert_refused(&report, Verdict::Invalid, FindingCode::NonUtf8Name);
        // The same name twice: readers disagree on which one they show.
        let report = verify(&sealed_with_entry_named(b"OEBPS/content.opf"));
        assert_refused(&report, Verdict::Invalid, FindingCode::DuplicateEntry);
        let report = verify(&sealed_with_entry_named(b"OEBPS/CONTENT.opf"));
        assert_refused(&report, Verdict::Invalid, FindingCode::DuplicateEntry);
    }

    #[test]
    fn symbolic_links_are_refused() {
        let bytes = zip_with(&sealed(&sample_files()), |zip| {
            zip.add_symlink(
                "OEBPS/link.xhtml",
                "/etc/passwd",
                SimpleFileOptions::default(),
            )
            .expect("symlink");
        });
        assert_refused(&verify(&bytes), Verdict::Invalid, FindingCode::SymlinkEntry);
    }

    /// Sets a flag bit in the local and central headers of the entry `name`.
    fn set_flag(bytes: &mut [u8], name: &[u8], bit: u16) {
        let mut at = 0;
        while let Some(offset) = bytes[at..].windows(name.len()).position(|w| w == name) {
            let start = at + offset;
            for (header, flags) in [(30, 6), (46, 8)] {
                let Some(header_start) = start.checked_sub(header) else {
                    continue;
                };
                let signature = if header == 30 {
                    b"PK\x03\x04"
                } else {
                    b"PK\x01\x02"
                };
                if &bytes[header_start..header_start + 4] == signature {
                    bytes[header_start + flags] |= (bit & 0xFF) as u8;
                }
            }
            at = start + name.len();
        }
    }

    #[test]
    fn encrypted_entries_cannot_be_checked() {
        let mut files = sealed(&sample_files());
        files.push(("OEBPS/secret.xhtml".to_owned(), b"<html/>".to_vec()));
        let mut bytes = zip_files(&files);
        set_flag(&mut bytes, b"OEBPS/secret.xhtml", 1);
        assert_refused(
            &verify(&bytes),
            Verdict::CannotCheck,
            FindingCode::EncryptedEntry,
        );
    }

    #[test]
    fn a_wrong_mimetype_is_refused() {
        let mut files = sealed(&sample_files());
        files[0].1 = b"application/zip".to_vec();
        assert_refused(
            &verify(&zip_files(&files)),
            Verdict::Invalid,
            FindingCode::Mimetype,
        );

        let mut same_length = sealed(&sample_files());
        same_length[0].1 = b"application/epub+zap".to_vec();
        assert_refused(
            &verify(&zip_files(&same_length)),
            Verdict::Invalid,
            FindingCode::Mimetype,
        );

        let mut second = sealed(&sample_files());
        second.swap(0, 1);
        assert_refused(
            &verify(&zip_files(&second)),
            Verdict::Invalid,
            FindingCode::Mimetype,
        );

        let files = sealed(&sample_files());
        let compressed = zip_with(&[], |zip| {
            for (path, bytes) in &files {
                zip.start_file(path.as_str(), options(CompressionMethod::Deflated))
                    .expect("entry");
                zip.write_all(bytes).expect("written");
            }
        });
        assert_refused(
            &verify(&compressed),
            Verdict::Invalid,
            FindingCode::Mimetype,
        );

        // Bytes before the first entry hide the magic number from sniffers.
        let mut prefixed = vec![b'#'; 64];
        prefixed.extend(zip_files(&sealed(&sample_files())));
        assert_refused(&verify(&prefixed), Verdict::Invalid, FindingCode::Mimetype);
    }

    #[test]
    fn too_many_entries_are_not_read() {
        let bytes = zip_with(&sealed(&sample_files()), |zip| {
            for n in 0..MAX_ENTRIES {
                zip.start_file(format!("OEBPS/{n}.txt"), options(CompressionMethod::Stored))
                    .expect("entry");
            }
        });
        assert_refused(
            &verify(&bytes),
            Verdict::CannotCheck,
            FindingCode::TooManyEntries,
        );
    }

    #[test]
    fn declared_sizes_beyond_the_limits_are_refused() {
        let mut total = 0;
        let bomb = archive::check_size("c", 2 * MIB, 2 * MIB / 101, &mut total);
        assert_eq!(
            bomb.err().map(|r| r.finding.code),
            Some(FindingCode::ZipBomb)
        );
        let signatures = check_signatures_size(MAX_SIGNATURES_SIZE + 1);
        assert_eq!(
            signatures.err().map(|r| r.finding.code),
            Some(FindingCode::TooLarge)
        );
        assert!(check_signatures_size(MAX_SIGNATURES_SIZE).is_ok());
    }

    #[test]
    fn zip_bombs_are_refused_without_unpacking_them() {
        const BOMB: &str = "OEBPS/zeros.bin";
        let zeros = vec![0; 1024 * 1024];
        let bytes = zip_with(&sealed(&sample_files()), |zip| {
            zip.start_file(BOMB, options(CompressionMethod::Deflated))
                .expect("entry");
            for _ in 0..300 {
                zip.write_all(&zeros).expect("written");
            }
        });
        assert!(
            bytes.len() < 2 * 1024 * 1024,
            "the bomb is {} bytes",
            bytes.len()
        );

        let (honest, lying) = verify_bombs(bytes, BOMB.as_bytes(), verify);
        assert_refused(&honest, Verdict::CannotCheck, FindingCode::ZipBomb);
        assert_refused(&lying, Verdict::Invalid, FindingCode::DamagedEntry);
    }

    /// The verifier reads from memory only: its code (before the tests) has
    /// no way to reach the file system.
    #[test]
    fn the_verifier_never_touches_the_disk() {
        assert_no_file_system(include_str!("epub.rs"));
    }
}
