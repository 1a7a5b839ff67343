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
//!    file the manifest lists against its digests; the PDF, the EPUB and each
//!    document's own PDF verified on their own (the report's `parts`); one
//!    signer and one edition throughout. Certificates in the package are
//!    never trusted for being there: trust comes only from
//!    [`Options::anchors`].
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
//! (in the payload, not in a manifest), `missing-tag-file`, `unlisted-tag-file`, `fixity`.
//!
//! The content: CANNOT CHECK `unsupported-schema`; INVALID
//! `missing-manifest-json`, `bad-manifest-json` (not the schema's form),
//! `duplicate-artifact`, `artifact-list` (the two editions not both listed,
//! or a data form left out or listed as another type),
//! `inconsistent-manifest` (a source with two digests, a bad date, a seal
//! file without a seal entry, a verification URL without its code), `missing-signature`, `identity-mismatch`
//! (bag-info names another edition), `chain-mismatch`, `signer-mismatch` (the
//! manifest, the PDF, the EPUB, a document's PDF and the manifest's seal
//! entry name different certificates), `incomplete-chain` (a seal that does
//! not itself carry seal.chain, the root aside), `level-mismatch` (the
//! manifest's seal and a PDF's reach different levels), `metadata-mismatch` (a PDF's
//! XMP or the EPUB's package document names another edition, document or
//! date), `data-file` (a data file not in its schema's form or encoding, or
//! naming another document or edition), `akoma-ntoso` (an Akoma Ntoso file
//! of another structure or identity than clause 4.5 and the manifest give);
//! `key-material` (a file holding a private key); INVALID "NOT SEALED"
//! `not-sealed`
//! (no manifest.json.p7s).
//! The manifest's seal is the report's one signature: INVALID when broken,
//! UNTRUSTED when intact without a trusted root, as for a PDF. A payload file
//! that differs from the signed manifest is a change after sealing
//! (`file-changed`, `file-added`, `file-removed`): MODIFIED. So is a
//! verification code the pages print that the package's data or issue
//! sources, published again, no longer give (`verification-code-mismatch`,
//! naming the document; INVALID without the manifest's seal). Each edition's
//! own verdict counts too.
//!
//! One verdict for all: the worst found, INVALID before MODIFIED before
//! CANNOT CHECK before UNTRUSTED, and VALID only when everything holds.

mod akoma_ntoso;
mod bagit;
mod container;
mod data_files;
mod evidence;
mod form;
mod identifiers;
mod listing;
mod metadata;
#[cfg(test)]
mod tests;
mod verification;

use std::collections::btree_map::Entry as MapEntry;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::archive::Refusal;
use super::{
    Check, CheckCode, FileChange, FileChangeKind, Finding, FindingCode, Level, Options, Policy,
    Report, SignatureKind, SignatureReport, Timestamp, Verdict, date, long_term, verify_epub,
};
use crate::cms;
use crate::cms::certs::ParsedCertificate;
use crate::digest::sha256;
use crate::manifest as issue;
use crate::model::Date;
use crate::package::manifest::{SCHEMA, SealEntry, VerificationManifest};
use crate::verify::pdf::verify_pdf_in_package;
use bagit::{BagInfo, check_bag, check_declaration, payload_totals};
use container::{Files, is_payload, read_bag, read_zip_bytes};

const FORMAT: &str = "package";
const PAYLOAD: &str = "data/";
const MANIFEST: &str = "data/manifest.json";
const MANIFEST_SEAL: &str = "data/manifest.json.p7s";

/// Verifies the package at `path`: a bag folder or a `.bag.zip`, judging
/// its seals over time as of now, offline.
pub fn verify_package(path: &Path, options: &Options) -> Report {
    verify_package_under(path, options, Policy::default())
}

/// [`verify_package`], judging the seals over time by `policy`.
pub fn verify_package_under(path: &Path, options: &Options, policy: Policy) -> Report {
    check_read_bag(path.display().to_string(), read_bag(path), options, policy)
}

/// Verifies a package zip already in memory, named `file` in the report:
/// the same checks as [`verify_package`] on a `.bag.zip`.
pub fn verify_package_zip(file: &str, bytes: &[u8], options: &Options) -> Report {
    check_read_bag(
        file.to_owned(),
        read_zip_bytes(bytes),
        options,
        Policy::default(),
    )
}

/// A package zip checked as [`verify_package_zip`] checks it, with the
/// payload files the check read, by their path under `data/`: the editions,
/// the documents' files, manifest.json and its seal, the certificates and
/// the sources. For publishing exactly the bytes that were checked; empty
/// when the zip is no package.
pub fn open_package_zip(
    file: &str,
    bytes: &[u8],
    options: &Options,
) -> (Report, BTreeMap<String, PayloadFile>) {
    match read_package(read_zip_bytes(bytes)) {
        Ok(files) => {
            let report = check_package(file.to_owned(), &files, options, Policy::default());
            let payload = files
                .into_iter()
                .filter_map(|(path, file)| {
                    let payload = PayloadFile {
                        bytes: file.bytes?,
                        sha256: file.sha256,
                    };
                    Some((path.strip_prefix(PAYLOAD)?.to_owned(), payload))
                })
                .collect();
            (report, payload)
        }
        Err(refusal) => (refused(file.to_owned(), refusal), BTreeMap::new()),
    }
}

/// A payload file as the check read it: its bytes and their SHA-256
/// (lowercase hex), so that a publisher need not hash them again.
pub struct PayloadFile {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

fn check_read_bag(
    file: String,
    bag: Result<Files, Refusal>,
    options: &Options,
    policy: Policy,
) -> Report {
    match read_package(bag) {
        Ok(files) => check_package(file, &files, options, policy),
        Err(refusal) => refused(file, refusal),
    }
}

/// The bag's files, once its declaration says it is a bag.
fn read_package(bag: Result<Files, Refusal>) -> Result<Files, Refusal> {
    bag.and_then(|files| check_declaration(&files).map(|()| files))
}

fn refused(file: String, refusal: Refusal) -> Report {
    Report::without_signatures(file, FORMAT, refusal.verdict, refusal.finding)
}

/// What the checks found: findings with the verdict each leads to, and the
/// checks that held.
#[derive(Default)]
struct Outcome {
    findings: Vec<(Verdict, Finding)>,
    checks: Vec<Check>,
}

impl Outcome {
    fn invalid(&mut self, code: FindingCode, message: impl Into<String>) {
        self.findings
            .push((Verdict::Invalid, Finding::new(code, message)));
    }

    fn pass(&mut self, code: CheckCode, message: impl Into<String>) {
        self.checks.push(Check::new(code, message));
    }
}

fn check_package(file: String, files: &Files, options: &Options, policy: Policy) -> Report {
    let mut outcome = Outcome::default();
    let info = check_bag(files, &mut outcome);
    let Some(json) = files.get(MANIFEST).and_then(|f| f.bytes.as_deref()) else {
        outcome.invalid(
            FindingCode::MissingManifestJson,
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
    check_document_dates(&manifest, &mut outcome);
    check_page_ranges(&manifest, &mut outcome);
    check_build_manifest(&manifest, &mut outcome);
    if let Some(info) = &info {
        check_identity(&manifest, info, &mut outcome);
    }
    check_secrets(files, &mut outcome);
    let changes = changes(files, &manifest, &mut outcome);
    let changed: HashSet<String> = changes
        .iter()
        .filter(|change| change.kind == FileChangeKind::Changed)
        .map(|change| change.path.clone())
        .collect();
    let mut signature = check_seal(files, &manifest, json, options, &mut outcome);
    if let Some(signature) = &mut signature {
        evidence::judge_over_time(files, signature, options, policy, &mut outcome);
    }
    match &mut signature {
        Some(signature) => signature.set_file_changes(changes),
        None => {
            for change in changes {
                outcome.invalid(change.kind.into(), change.description());
            }
        }
    }
    verification::check_codes(files, &manifest, signature.is_some(), &mut outcome);
    let parts = check_editions(files, &manifest, options, policy);
    check_signer(&manifest, signature.as_ref(), &parts, &mut outcome);
    check_carried_chain(&manifest, signature.as_ref(), &parts, &mut outcome);
    check_levels(files, signature.as_ref(), &parts, &mut outcome);
    metadata::check(files, &manifest, &parts, &changed, &mut outcome);
    data_files::check(files, &manifest, &changed, &mut outcome);
    akoma_ntoso::check(files, &manifest, &changed, &mut outcome);
    let id = Some(manifest.edition.id.as_str());
    let mut report = conclude(file, files, id, outcome, signature, parts);
    report.validation_time = Some(long_term::validation_time(policy).to_string());
    report
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
            Finding::new(FindingCode::UnsupportedSchema, message),
        )
    };
    let not_one = |why: &dyn std::fmt::Display| {
        (
            Verdict::Invalid,
            Finding::new(
                FindingCode::BadManifestJson,
                format!("{MANIFEST} is not a verification manifest ({SCHEMA}): {why}"),
            ),
        )
    };
    match serde_json::from_slice::<VerificationManifest>(json) {
        Ok(manifest) if manifest.schema == SCHEMA => form::check(json, &manifest)
            .map(|()| manifest)
            .map_err(|why| not_one(&why)),
        Ok(manifest) => Err(unsupported(&manifest.schema)),
        Err(error) => match serde_json::from_slice::<SchemaOnly>(json) {
            Ok(only) if only.schema != SCHEMA => Err(unsupported(&only.schema)),
            _ => Err(not_one(&error)),
        },
    }
}

/// The issue manifest is recorded as issue.toml (MAN-15), whatever the
/// producer's file was called: the name its copy has under source/.
fn check_build_manifest(manifest: &VerificationManifest, outcome: &mut Outcome) {
    let path = &manifest.build.manifest.path;
    if path != issue::FILE_NAME {
        outcome.invalid(
            FindingCode::InconsistentManifest,
            format!(
                "{MANIFEST} names the issue manifest {path:?}, not {:?}",
                issue::FILE_NAME
            ),
        );
    }
}

/// Each document's own date is a day of the calendar (MAN-20), as the
/// edition's is, which its seal's claimed time needs.
fn check_document_dates(manifest: &VerificationManifest, outcome: &mut Outcome) {
    for document in &manifest.documents {
        if !date::is_calendar_date(&document.date) {
            outcome.invalid(
                FindingCode::InconsistentManifest,
                format!(
                    "{MANIFEST} dates the document \"{}\" {:?}, which is no day of the calendar",
                    document.title, document.date
                ),
            );
        }
    }
}

/// The content of the payload file at `path` (under data/), unless it no
/// longer matches the signed manifest: a changed file is told as a change,
/// and what it holds is not judged.
fn unchanged<'a>(files: &'a Files, changed: &HashSet<String>, path: &str) -> Option<&'a [u8]> {
    let path = format!("{PAYLOAD}{path}");
    if changed.contains(&path) {
        return None;
    }
    files.get(&path)?.bytes.as_deref()
}

/// Each document's pages run forwards (MAN-22): a range that runs
/// backwards names no pages of the edition.
fn check_page_ranges(manifest: &VerificationManifest, outcome: &mut Outcome) {
    for document in &manifest.documents {
        let pages = &document.pdf_pages;
        if pages.first > pages.last {
            outcome.invalid(
                FindingCode::InconsistentManifest,
                format!(
                    "{MANIFEST} gives the document \"{}\" the pages {} to {}, a range that runs \
                     backwards",
                    document.title, pages.first, pages.last
                ),
            );
        }
    }
}

/// The artifacts are the two editions, then any further edition files (its
/// data and Akoma Ntoso), checked like the editions by digest, each listed
/// once.
fn check_artifact_list(manifest: &VerificationManifest, outcome: &mut Outcome) {
    let mut seen = HashSet::new();
    let mut duplicated = false;
    for artifact in &manifest.artifacts {
        if !seen.insert(artifact.path.as_str()) {
            duplicated = true;
            outcome.invalid(
                FindingCode::DuplicateArtifact,
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
    let data_forms = listing::check(manifest);
    if all_there && data_forms.is_empty() {
        outcome.pass(
            CheckCode::Manifest,
            format!(
                "{MANIFEST} follows {SCHEMA} and lists the edition's PDF and EPUB and the data \
                 forms"
            ),
        );
    } else if all_there {
        outcome.invalid(
            FindingCode::ArtifactList,
            format!(
                "{MANIFEST} lists the data forms wrongly: {}",
                data_forms.join("; ")
            ),
        );
    } else {
        outcome.invalid(
            FindingCode::ArtifactList,
            format!(
                "{MANIFEST} must list the two editions, {} ({}) and {} ({}); it lists \
                 {listed:?}",
                expected[0].0, expected[0].1, expected[1].0, expected[1].1
            ),
        );
    }
}

/// bag-info.txt names the edition the signed manifest describes, and the
/// manifest's identifiers are built as the format builds them.
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
                FindingCode::IdentityMismatch,
                format!(
                    "bag-info.txt's {label} is {value:?}, but {MANIFEST} describes \
                     {expected:?}"
                ),
            );
        }
    }
    for problem in identifiers::check(manifest) {
        outcome.invalid(
            FindingCode::IdentityMismatch,
            format!("{MANIFEST} breaks the identifier rules: {problem}"),
        );
    }
    if outcome.findings.len() == before {
        outcome.pass(
            CheckCode::Identity,
            format!(
                "bag-info.txt and {MANIFEST} name the same edition, {} ({})",
                edition.uri, edition.id
            ),
        );
    }
}

/// Every payload file against the signed manifest: the editions and each
/// document's own files by size and both digests, the sources by SHA-256,
/// the certificates by content; and nothing in the payload that the
/// manifest does not account for.
fn changes(
    files: &Files,
    manifest: &VerificationManifest,
    outcome: &mut Outcome,
) -> Vec<FileChange> {
    let mut found = Vec::new();
    let mut accounted: HashSet<String> = HashSet::from([MANIFEST.into(), MANIFEST_SEAL.into()]);
    let documents = manifest.documents.iter().flat_map(|d| &d.files);
    for artifact in manifest.artifacts.iter().chain(documents) {
        let path = format!("{PAYLOAD}{}", artifact.path);
        match files.get(&path) {
            None => found.push(FileChange::new(FileChangeKind::Removed, path.clone())),
            Some(file)
                if file.size != artifact.size
                    || file.sha256 != artifact.sha256.to_ascii_lowercase()
                    || file.sha512 != artifact.sha512.to_ascii_lowercase() =>
            {
                found.push(FileChange::new(FileChangeKind::Changed, path.clone()))
            }
            Some(_) => {}
        }
        accounted.insert(path);
    }
    let sources = source_digests(manifest, outcome);
    for (source, sha256) in &sources {
        let path = format!("{PAYLOAD}source/{source}");
        match files.get(&path) {
            None => found.push(FileChange::new(FileChangeKind::Removed, path.clone())),
            Some(file) if file.sha256 != sha256.to_ascii_lowercase() => {
                found.push(FileChange::new(FileChangeKind::Changed, path.clone()))
            }
            Some(_) => {}
        }
        accounted.insert(path);
    }
    let own_files = manifest
        .documents
        .iter()
        .map(|d| d.files.len())
        .sum::<usize>();
    let mut certificates = 0;
    if let Some(seal) = &manifest.seal {
        certificates = seal.chain_files.len();
        certificate_changes(files, seal, &mut accounted, &mut found, outcome);
    }
    for path in files
        .keys()
        .filter(|p| is_payload(p) && !accounted.contains(*p))
    {
        found.push(FileChange::new(FileChangeKind::Added, path.clone()));
    }
    if found.is_empty() {
        outcome.pass(
            CheckCode::Files,
            format!(
                "the PDF and EPUB{} match the size, SHA-256 and SHA-512 in {MANIFEST}, the \
                 {} source files and {certificates} certificates match it too, \
                 and the payload holds nothing else",
                match own_files {
                    0 => String::new(),
                    n => format!(" and the documents' {n} files"),
                },
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
                FindingCode::InconsistentManifest,
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

/// The certificate files hold the chain the signed manifest lists, in order,
/// and the chain runs from the seal certificate up.
fn certificate_changes(
    files: &Files,
    seal: &SealEntry,
    accounted: &mut HashSet<String>,
    found: &mut Vec<FileChange>,
    outcome: &mut Outcome,
) {
    if seal.chain.is_empty() {
        outcome.invalid(
            FindingCode::ChainMismatch,
            format!("{MANIFEST}'s seal.chain lists no certificate"),
        );
    } else if seal.chain.len() != seal.chain_files.len() {
        outcome.invalid(
            FindingCode::ChainMismatch,
            format!(
                "{MANIFEST} lists {} certificates in seal.chain but {} files in seal.chain_files",
                seal.chain.len(),
                seal.chain_files.len()
            ),
        );
    }
    let mut chain = Vec::new();
    for (encoded, name) in seal.chain.iter().zip(&seal.chain_files) {
        let path = format!("{PAYLOAD}{name}");
        let Ok(der) = BASE64.decode(encoded) else {
            outcome.invalid(
                FindingCode::ChainMismatch,
                format!("{MANIFEST}'s seal.chain entry for {name} is not base64"),
            );
            continue;
        };
        chain.push((name.as_str(), der.clone()));
        match files.get(&path).map(|f| f.bytes.as_deref()) {
            None => found.push(FileChange::new(FileChangeKind::Removed, path.clone())),
            Some(None) => outcome.invalid(
                FindingCode::ChainMismatch,
                format!("the certificate file {path} is not in {PAYLOAD}certificates/"),
            ),
            Some(Some(pem)) => {
                if cms::load_pem_certificates(pem).ok() != Some(vec![der]) {
                    found.push(FileChange::new(FileChangeKind::Changed, path.clone()));
                }
            }
        }
        accounted.insert(path);
    }
    if let Some(name) = out_of_order(&chain) {
        outcome.invalid(
            FindingCode::ChainMismatch,
            format!(
                "{MANIFEST}'s seal.chain does not follow {name} with the certificate that issued it"
            ),
        );
    }
}

/// The name of the first certificate of `chain` (file name, DER) that the
/// next one did not issue, judged by the names they give: the chain runs
/// from the seal certificate up, each certificate followed by its issuer
/// (MAN-18). A certificate that cannot be read is another check's to report.
fn out_of_order<'a>(chain: &[(&'a str, Vec<u8>)]) -> Option<&'a str> {
    let parsed: Vec<ParsedCertificate> = chain
        .iter()
        .map(|(_, der)| ParsedCertificate::from_der(der).ok())
        .collect::<Option<_>>()?;
    parsed
        .windows(2)
        .zip(chain)
        .find(|(pair, _)| {
            pair[0].cert.tbs_certificate().issuer() != pair[1].cert.tbs_certificate().subject()
        })
        .map(|(_, (name, _))| *name)
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
                FindingCode::NotSealed,
                format!("{MANIFEST} carries no seal ({MANIFEST_SEAL} is absent)"),
            );
            return None;
        }
        (Some(_), None) => {
            outcome.invalid(
                FindingCode::MissingSignature,
                format!("{MANIFEST} names a seal, but {MANIFEST_SEAL} is missing"),
            );
            return None;
        }
        (None, Some(p7s)) => {
            outcome.invalid(
                FindingCode::InconsistentManifest,
                format!("{MANIFEST_SEAL} seals a manifest that names no seal"),
            );
            p7s
        }
        (Some(_), Some(p7s)) => p7s,
    };
    let Some((at, claimed)) = issue_midnight(&manifest.edition.date) else {
        outcome.invalid(
            FindingCode::InconsistentManifest,
            format!(
                "{MANIFEST} gives the issue date {:?}, not YYYY-MM-DD, so its seal cannot be \
                 checked at that date",
                manifest.edition.date
            ),
        );
        return None;
    };
    let mut report = SignatureReport::new(
        MANIFEST_SEAL,
        SignatureKind::DetachedCms,
        format!("CMS SignedData, detached, over {MANIFEST}"),
    );
    report.claimed_time = Some(claimed);
    match cms::verify_detached(p7s, &[json], at, &options.anchors) {
        Ok(check) => {
            // Its own signature time-stamps, which the judgement over time
            // (evidence.rs) pairs with the tokens checked.
            report.timestamps = Timestamp::of_signature(&check, MANIFEST_SEAL);
            report.cms = Some(check);
        }
        Err(error) => report.findings.push(Finding::new(
            FindingCode::UnreadableSignature,
            format!("{MANIFEST_SEAL} cannot be read: {error}"),
        )),
    }
    Some(report)
}

/// The time the seals of the edition of `YYYY-MM-DD` claim, as an instant
/// and as RFC 3339 text.
pub(super) fn issue_midnight(text: &str) -> Option<(cms::UnixTime, String)> {
    if !date::is_calendar_date(text) {
        return None;
    }
    let date = Date {
        year: text[0..4].parse().ok()?,
        month: text[5..7].parse().ok()?,
        day: text[8..10].parse().ok()?,
    };
    date::parse(&date.seal_time().pdf())
}

/// Each edition, then each document's own PDF the manifest lists, verified
/// on its own as if given to `gazette verify`. A listed file the package
/// lacks is already a `file-removed` finding.
fn check_editions(
    files: &Files,
    manifest: &VerificationManifest,
    options: &Options,
    policy: Policy,
) -> Vec<Report> {
    let read = |payload: &str| {
        let path = format!("{PAYLOAD}{payload}");
        let bytes = files.get(&path)?.bytes.as_deref()?;
        Some((path, bytes))
    };
    let id = &manifest.edition.id;
    let pdf = read(&format!("edition/{id}.pdf"))
        .map(|(path, bytes)| verify_pdf_in_package(&path, bytes, options, policy));
    let epub =
        read(&format!("edition/{id}.epub")).map(|(path, bytes)| verify_epub(&path, bytes, options));
    let documents = manifest
        .documents
        .iter()
        .flat_map(|document| &document.files)
        .filter(|file| file.media_type == "application/pdf")
        .filter_map(|file| read(&file.path))
        .map(|(path, bytes)| verify_pdf_in_package(&path, bytes, options, policy));
    pdf.into_iter().chain(epub).chain(documents).collect()
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
        signers.push((
            "the first certificate of seal.chain".to_owned(),
            sha256(&first),
        ));
    }
    if let Some(fingerprint) = signature.and_then(signer_fingerprint) {
        signers.push(("the manifest's signer".to_owned(), fingerprint));
    }
    for part in parts {
        let seal = part
            .signatures
            .iter()
            .filter(|s| s.is_seal())
            .find_map(signer_fingerprint);
        if let Some(fingerprint) = seal {
            let who = if part.file.starts_with(&format!("{PAYLOAD}edition/")) {
                format!("the {} edition's signer", part.format.to_uppercase())
            } else {
                format!("the signer of {}", part.file)
            };
            signers.push((who, fingerprint));
        }
    }
    let others: Vec<&str> = signers
        .iter()
        .filter(|(_, fingerprint)| *fingerprint != expected)
        .map(|(who, _)| who.as_str())
        .collect();
    if !others.is_empty() {
        outcome.invalid(
            FindingCode::SignerMismatch,
            format!(
                "{} {} not the seal certificate the manifest names (SHA-256 {expected})",
                others.join(" and "),
                if others.len() == 1 { "is" } else { "are" }
            ),
        );
    } else if signers.len() == 2 + parts.len() && parts.len() >= 2 {
        let sealed = match parts.len() - 2 {
            0 => "the manifest, the PDF and the EPUB".to_owned(),
            1 => "the manifest, the PDF, the EPUB and the document's PDF".to_owned(),
            n => format!("the manifest, the PDF, the EPUB and the {n} documents' PDFs"),
        };
        outcome.pass(
            CheckCode::Signer,
            format!(
                "{sealed} are sealed with the one certificate the manifest names, SHA-256 \
                 {expected}"
            ),
        );
    }
}

/// No file of the package may hold a private key (SEC-8): a seal key shipped
/// with the edition lets anyone seal in the publisher's name.
fn check_secrets(files: &Files, outcome: &mut Outcome) {
    for path in files
        .iter()
        .filter(|(_, file)| file.holds_private_key)
        .map(|(path, _)| path)
    {
        outcome.invalid(
            FindingCode::KeyMaterial,
            format!(
                "{path} holds a private key (PEM armour \"PRIVATE KEY\"): whoever has the \
                 package can seal in the publisher's name; revoke that key's certificate"
            ),
        );
    }
}

/// Every seal carries seal.chain up to, and not necessarily including, a
/// self-issued root (SEAL-10): a verifier that trusts only the root must
/// find the intermediate certificates in the seal itself, today and after
/// the package's certificate files are long separated from the file.
fn check_carried_chain(
    manifest: &VerificationManifest,
    signature: Option<&SignatureReport>,
    parts: &[Report],
    outcome: &mut Outcome,
) {
    let Some(seal) = &manifest.seal else {
        return;
    };
    let Some(mut chain) = seal
        .chain
        .iter()
        .map(|c| {
            BASE64
                .decode(c)
                .ok()
                .and_then(|der| ParsedCertificate::from_der(&der).ok())
        })
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    if chain.len() > 1 && chain.last().is_some_and(ParsedCertificate::is_self_issued) {
        chain.pop();
    }
    let mut seals: Vec<(&str, &SignatureReport)> = Vec::new();
    if let Some(signature) = signature {
        seals.push((MANIFEST_SEAL, signature));
    }
    for part in parts {
        if let Some(seal) = part.signatures.iter().find(|s| s.is_seal()) {
            seals.push((&part.file, seal));
        }
    }
    let seal_certificate = chain.first().map(|c| sha256(&c.der));
    for (file, report) in seals {
        // A seal by another certificate is check_signer's finding; its
        // chain is not seal.chain to begin with.
        if signer_fingerprint(report) != seal_certificate {
            continue;
        }
        let Some(cms) = &report.cms else {
            continue;
        };
        let missing: Vec<String> = chain
            .iter()
            .enumerate()
            .filter(|(_, certificate)| !cms.carried.contains(&sha256(&certificate.der)))
            .map(|(index, certificate)| {
                format!("seal.chain[{index}] ({})", certificate.subject_text())
            })
            .collect();
        if !missing.is_empty() {
            outcome.invalid(
                FindingCode::IncompleteChain,
                format!(
                    "the seal of {file} does not carry {}: a verifier that trusts only the root \
                     cannot reach it from the seal",
                    missing.join(" or ")
                ),
            );
        }
    }
}

/// The manifest's seal, the PDF edition's and every document PDF's reach one
/// level (SEAL-1): a package whose parts were carried to different levels,
/// or whose manifest seal lost its evidence, would outlive some of its
/// parts. The EPUB's seal has no level of its own (it is attested through
/// the package). A part that could not be judged has no level to compare,
/// and its own finding says why. Once an archive timestamp covers the
/// package, the manifest's level is the archive's, and the parts keep the
/// level they were made at (LTP-9): there is nothing to compare.
fn check_levels(
    files: &Files,
    signature: Option<&SignatureReport>,
    parts: &[Report],
    outcome: &mut Outcome,
) {
    let archived = evidence::is_archived(files);
    let Some(level) = signature.and_then(|s| s.level).filter(|_| !archived) else {
        return;
    };
    for part in parts.iter().filter(|p| p.format == "pdf") {
        if let Some(other) = part.level.filter(|other| *other != level) {
            let (short, reached, rules) = if level < other {
                let form = stopped_by_crl(signature);
                (MANIFEST_SEAL, level, rules_short_of(level, true, form))
            } else {
                let form = stopped_by_crl(&part.signatures);
                (
                    part.file.as_str(),
                    other,
                    rules_short_of(other, false, form),
                )
            };
            let message = format!(
                "{MANIFEST_SEAL} reaches {level} but {} reaches {other}: every seal of an \
                 edition is carried to the same level, and {short} stops at {reached} ({})",
                part.file,
                rules[rules.len() - 1],
            );
            let code = FindingCode::LevelMismatch;
            outcome.findings.push((
                Verdict::Invalid,
                Finding {
                    code,
                    message,
                    rules,
                },
            ));
        }
    }
}

/// Whether one of `signatures` stopped short because its evidence is a CRL
/// where an OCSP response is due (SEAL-14), as a note on it says.
fn stopped_by_crl<'a>(signatures: impl IntoIterator<Item = &'a SignatureReport>) -> bool {
    signatures.into_iter().any(|s| {
        s.notes
            .iter()
            .any(|note| note.code == FindingCode::RevocationForm)
    })
}

/// The rules a seal that stops at `reached` breaks when another seal of its
/// edition reaches further: VER-80 and SEAL-1, then the rule for the next
/// level of the manifest's seal (`manifest`) or of a PDF's, and SEAL-14
/// when its evidence is of the wrong form (`by_crl`). The manifest's seal
/// reaches B-LTA only through an archive timestamp, which ends the
/// comparison: stopping at B-LT there breaks SEAL-1 alone.
fn rules_short_of(reached: Level, manifest: bool, by_crl: bool) -> &'static [&'static str] {
    match (reached, manifest, by_crl) {
        (Level::BasicB, true, _) => &["VER-80", "SEAL-1", "SMAN-5"],
        (Level::BasicB, false, _) => &["VER-80", "SEAL-1", "SPDF-11"],
        (Level::BasicT, true, false) => &["VER-80", "SEAL-1", "SMAN-6"],
        (Level::BasicT, true, true) => &["VER-80", "SEAL-1", "SMAN-6", "SEAL-14"],
        (Level::BasicT, false, false) => &["VER-80", "SEAL-1", "SPDF-12"],
        (Level::BasicT, false, true) => &["VER-80", "SEAL-1", "SPDF-12", "SEAL-14"],
        (_, true, _) => &["VER-80", "SEAL-1"],
        (_, false, _) => &["VER-80", "SEAL-1", "SPDF-14"],
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
        Verdict::Indeterminate => 2,
        Verdict::CannotCheck => 3,
        Verdict::Modified => 4,
        Verdict::Invalid => 5,
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
    if signature.is_broken() {
        let why = signature
            .first_problem()
            .unwrap_or_else(|| "its seal could not be checked".to_owned());
        return Some(reason(Verdict::Invalid, why));
    }
    if let Some(change) = signature.disallowed_changes().next() {
        let why = format!("changed after sealing: {}", change.description);
        return Some(reason(Verdict::Modified, why));
    }
    if let Some(why) = signature.unproven_expiry().or_else(|| signature.weakness()) {
        return Some(reason(Verdict::Indeterminate, why));
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
    let reasons = reasons(&outcome, signature.as_ref(), &parts);
    let worst = reasons
        .iter()
        .fold(None::<&Reason>, |worst, reason| match worst {
            Some(w) if weight(w.verdict) >= weight(reason.verdict) => Some(w),
            _ => Some(reason),
        });
    let (_, count) = payload_totals(files);
    let (verdict, summary) = phrase(worst, id, signature.as_ref(), count, parts.len());
    let level = signature.as_ref().and_then(|s| s.level);
    Report {
        file,
        format: FORMAT,
        verdict,
        summary,
        signatures: signature.into_iter().collect(),
        findings: outcome.findings.into_iter().map(|(_, f)| f).collect(),
        checks: outcome.checks,
        parts,
        level,
        validation_time: None,
        described: None,
    }
}

/// Every reason against validity, in the order found: the findings, the
/// manifest's seal, then the editions.
fn reasons(
    outcome: &Outcome,
    signature: Option<&SignatureReport>,
    parts: &[Report],
) -> Vec<Reason> {
    let findings = outcome.findings.iter().map(|(verdict, finding)| Reason {
        verdict: *verdict,
        why: finding.message.clone(),
        not_sealed: finding.code == FindingCode::NotSealed,
    });
    let editions = parts
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
        });
    findings
        .chain(signature.and_then(seal_reason))
        .chain(editions)
        .collect()
}

/// The verdict and its sentence: "VALID: package of ID sealed by WHO on
/// WHEN; bag complete, N files intact, PDF and EPUB seals valid", naming
/// the documents' PDFs too when `parts` counts them.
fn phrase(
    worst: Option<&Reason>,
    id: Option<&str>,
    signature: Option<&SignatureReport>,
    payload_files: u64,
    parts: usize,
) -> (Verdict, String) {
    let mut who = id.map_or_else(|| "package".to_owned(), |id| format!("package of {id}"));
    let sealed = signature.filter(|s| s.cms.is_some());
    if let Some(sealed) = sealed {
        who += &format!(" {}", sealed.sealed_by());
    }
    let but = if sealed.is_some() { ", but" } else { ":" };
    let intact = format!("bag complete, {payload_files} files intact");
    let Some(reason) = worst else {
        return (
            Verdict::Valid,
            match parts.saturating_sub(2) {
                0 => format!("VALID: {who}; {intact}, PDF and EPUB seals valid"),
                n => format!("VALID: {who}; {intact}, PDF, EPUB and {n} document PDF seals valid"),
            },
        );
    };
    let why = &reason.why;
    let summary = match reason.verdict {
        _ if reason.not_sealed => format!("NOT SEALED: {who}: {why}"),
        Verdict::Untrusted => format!("UNTRUSTED: {who}; {intact}, but {why}"),
        Verdict::Indeterminate => format!("INDETERMINATE: {who}; {intact}, but {why}"),
        Verdict::Modified => format!("MODIFIED: {who}{but} {why}"),
        Verdict::CannotCheck => format!("CANNOT CHECK: {who}: {why}"),
        Verdict::Invalid | Verdict::Valid => format!("INVALID: {who}{but} {why}"),
    };
    (reason.verdict, summary)
}
