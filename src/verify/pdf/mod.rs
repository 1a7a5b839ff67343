//! Checks every signature of a PDF, and what changed after each.
//!
//! The order of checks follows the published attacks on PDF signatures: the
//! signature value must exist (universal signature forgery), the byte range
//! must cover the whole revision except exactly the value (signature wrapping,
//! partial ranges), the signed revision must end where an update begins, and
//! every later update is judged object by object (incremental saving and
//! shadow attacks, in `changes`).
//!
//! # Verdicts and codes
//!
//! The file, as the only finding: CANNOT CHECK `not-a-pdf`, `unreadable`;
//! INVALID `truncated` (a file that no longer parses, cut short of a byte
//! range) and `seal-hidden`. A file without signatures is INVALID, "NOT
//! SEALED". A signature with a finding of its own (`no-byte-range`,
//! `byte-range-gap`, ...) is broken: INVALID; so is one whose CMS check has
//! problems other than `untrusted` and `weak-algorithm`. A change after a seal
//! that its DocMDP level does not allow makes it MODIFIED; a weak algorithm
//! (SHA-1, RSA under 2048 bits) INDETERMINATE; an untrusted root UNTRUSTED.
//! Last, `damaged-cross-reference` turns VALID into INVALID.
//!
//! # Whose rules
//!
//! Any standard PDF signature is read: `ETSI.CAdES.detached` and
//! `adbe.pkcs7.detached`, CMS in DER or BER, with or without signing-time and
//! ESS signing-certificate attributes; only what breaks the cryptography or
//! the integrity fails it. A seal held to the written format's profile is
//! further judged by it (PAdES, a certification allowing no change, SHA-2,
//! signing-certificate-v2, no signing-time, a /M): every seal of a PDF in a
//! package, whoever made it, and alone a certification signature in
//! `ETSI.CAdES.detached` form in a document whose /Creator is gazette. There a
//! deviation is a failure (`not-pades`, `not-certification`, …); on other
//! signatures it is a remark (`remarks`, codes such as `not-pades`,
//! `no-signing-time`, `signing-time-present`).
//!
//! # Time
//!
//! Document timestamps (`ETSI.RFC3161`) are checked like signatures (byte
//! range, revision end) and their token over the covered bytes; one that does
//! not match (`timestamp-imprint-mismatch`) or does not hold makes the file
//! INVALID, naming it. A seal reaches level B-T when a valid time-stamp over
//! its signature, or a valid document timestamp over its revision, attests
//! when it existed; otherwise its time is only claimed (B-B).

mod changes;
mod describe;
mod dss;
mod face;
mod revisions;

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, Object, ObjectId};
use memchr::memmem;

pub use changes::PdfChangeKind;
use revisions::Revisions;

use super::{
    Change, Finding, FindingCode, Level, Options, Policy, Report, SignatureKind, SignatureReport,
    Timestamp, TimestampKind, Verdict, date, long_term,
};
use crate::cms::{self, ProblemCode, Rules, UnixTime};

const FORMAT: &str = "pdf";

/// Verifies the PDF `bytes`, named `file` in the report, judging its seals
/// over time as of now, offline.
pub fn verify_pdf(file: &str, bytes: &[u8], options: &Options) -> Report {
    verify_pdf_under(file, bytes, options, Policy::default())
}

/// [`verify_pdf`], judging the seals over time by `policy`: at its
/// validation time, and online if it says so.
pub fn verify_pdf_under(file: &str, bytes: &[u8], options: &Options, policy: Policy) -> Report {
    verify_held_to(file, bytes, options, policy, Format::IfClaimed)
}

/// [`verify_pdf_under`] for a PDF of a package: whoever made it, every seal
/// in it is held to the format's seal profile (VER-22).
pub(crate) fn verify_pdf_in_package(
    file: &str,
    bytes: &[u8],
    options: &Options,
    policy: Policy,
) -> Report {
    verify_held_to(file, bytes, options, policy, Format::Always)
}

/// When a PDF's seals are held to the format's seal profile (clause 5.2 of
/// the written format) rather than judged as the standard signatures they are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// In a package: every seal is.
    Always,
    /// Alone: a certification in PAdES form, in a document whose /Creator
    /// is gazette. Claiming to be gazette's only makes the check stricter,
    /// so the claim need not be proven.
    IfClaimed,
}

fn verify_held_to(
    file: &str,
    bytes: &[u8],
    options: &Options,
    policy: Policy,
    format: Format,
) -> Report {
    let file = file.to_string();
    if !bytes.starts_with(b"%PDF-") {
        return Report::without_signatures(
            file,
            FORMAT,
            Verdict::CannotCheck,
            Finding::new(
                FindingCode::NotAPdf,
                "this is not a PDF file (it does not start with %PDF-)",
            ),
        );
    }
    let ends = revision_ends(bytes);
    let (document, revisions) = Revisions::read(bytes, &ends);
    let document = match document {
        Ok(document) => document,
        Err(why) => return unreadable(file, bytes, why),
    };
    let fields = signature_fields(&document);
    if fields.is_empty() && !raw_byte_ranges(bytes).is_empty() {
        return Report::without_signatures(
            file,
            FORMAT,
            Verdict::Invalid,
            Finding::new(
                FindingCode::SealHidden,
                "the file holds a signature that its current version does not show: \
                 it was changed after sealing, or damaged, so that the seal is hidden",
            ),
        );
    }
    let context = Context {
        bytes,
        document: &document,
        ends: &ends,
        revisions: &revisions,
        certification: certification(&document),
        made_by_gazette: made_by_gazette(&document),
        format,
        options,
    };
    let mut signatures: Vec<SignatureReport> = fields
        .iter()
        .map(|field| check_signature(&context, field))
        .collect();
    // In the order they were made: a later revision ends later in the file.
    signatures.sort_by_key(|s| {
        s.byte_range
            .map_or(i64::MAX, |[_, _, b, c]| b.saturating_add(c))
    });
    attest(&mut signatures);
    let held: Vec<bool> = signatures
        .iter()
        .map(|signature| held_to_format(&context, signature))
        .collect();
    dss::judge_over_time(
        &revisions,
        &document,
        &mut signatures,
        &held,
        options,
        policy,
    );
    let mut report = Report::conclude(file, FORMAT, signatures);
    if !report.signatures.iter().any(SignatureReport::is_seal) {
        // Whatever its fields, names or metadata say: only a signature seals (VER-4).
        report.findings.push(Finding::new(
            FindingCode::NotSealed,
            "the file holds no signature, so it carries no seal",
        ));
    }
    report.validation_time = Some(long_term::validation_time(policy).to_string());
    report.described = Some(describe::describe(&document));
    if document.xref_recovery.is_some() && report.verdict == Verdict::Valid {
        let finding = Finding::new(
            FindingCode::DamagedCrossReference,
            "the file's cross-reference data is damaged, so readers may show other content than was signed",
        );
        report.verdict = Verdict::Invalid;
        report.summary = format!("INVALID: {}", finding.message);
        report.findings.push(finding);
    }
    revisions.release(document);
    report
}

/// Reads a PDF, turning a panic inside the parser into an error: hostile files
/// must never take the verifier down.
fn load(bytes: &[u8]) -> Result<Document, String> {
    match catch_unwind(AssertUnwindSafe(|| Document::load_mem(bytes))) {
        Ok(Ok(document)) => Ok(document),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the PDF parser gave up on it".into()),
    }
}

/// A file lopdf cannot read may still be a sealed file cut short: a byte range
/// reaching past the end says so.
fn unreadable(file: String, bytes: &[u8], why: String) -> Report {
    let truncated = raw_byte_ranges(bytes)
        .into_iter()
        .find(|r| r[2] + r[3] > bytes.len() as i64);
    let (verdict, finding) = match truncated {
        Some(range) => (
            Verdict::Invalid,
            Finding::new(
                FindingCode::Truncated,
                format!(
                    "the file is truncated: a signature covers {} bytes but the file has only {}",
                    range[2] + range[3],
                    bytes.len()
                ),
            ),
        ),
        None => (
            Verdict::CannotCheck,
            Finding::new(
                FindingCode::Unreadable,
                format!("the PDF cannot be read: {why}"),
            ),
        ),
    };
    Report::without_signatures(file, FORMAT, verdict, finding)
}

/// Byte ranges found by scanning the bytes, for files that no longer parse.
fn raw_byte_ranges(bytes: &[u8]) -> Vec<[i64; 4]> {
    let mut found = Vec::new();
    for offset in memmem::find_iter(bytes, b"/ByteRange") {
        let start = offset + b"/ByteRange".len();
        let text: String = bytes[start..]
            .iter()
            .take(80)
            .skip_while(|&&b| b != b'[')
            .skip(1)
            .take_while(|&&b| b != b']')
            .map(|&b| b as char)
            .collect();
        let numbers: Vec<i64> = text
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        if let Ok(range) = <[i64; 4]>::try_from(numbers) {
            found.push(range);
        }
    }
    found
}

/// Offsets just past each `%%EOF` marker (and its end-of-line): where each
/// revision ends and the next update may begin.
fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    for offset in memmem::find_iter(bytes, b"%%EOF") {
        let mut end = offset + b"%%EOF".len();
        ends.push(end);
        while end < bytes.len() && (bytes[end] == b'\r' || bytes[end] == b'\n') {
            end += 1;
            ends.push(end);
        }
    }
    ends
}

/// A signature form field and its value: the signature dictionary, and its
/// object number when it is an indirect object.
struct Field {
    name: String,
    id: Option<ObjectId>,
    value: Dictionary,
    /// The field's own dictionary, merged with its widget as gazette and
    /// most signers write it, and its reference when it has one.
    widget: (Option<ObjectId>, Dictionary),
}

/// The signature fields of the form, in order, with inherited field types.
fn signature_fields(document: &Document) -> Vec<Field> {
    let fields = document
        .catalog()
        .ok()
        .and_then(|c| c.get_deref(b"AcroForm", document).ok())
        .and_then(|f| f.as_dict().ok())
        .and_then(|f| f.get_deref(b"Fields", document).ok())
        .and_then(|f| f.as_array().ok())
        .cloned()
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut stack: Vec<(Object, String, bool, usize)> = fields
        .into_iter()
        .rev()
        .map(|f| (f, String::new(), false, 0))
        .collect();
    while let Some((object, parent_name, parent_is_sig, depth)) = stack.pop() {
        let Ok((_, Object::Dictionary(dict))) = document.dereference(&object) else {
            continue;
        };
        let reference = object.as_reference().ok();
        let partial = dict
            .get(b"T")
            .and_then(Object::as_str)
            .map(|t| lopdf::decode_text_string(&Object::string_literal(t)).unwrap_or_default())
            .unwrap_or_default();
        let name = match (parent_name.is_empty(), partial.is_empty()) {
            (true, _) => partial,
            (false, true) => parent_name,
            (false, false) => format!("{parent_name}.{partial}"),
        };
        let is_sig = match dict.get(b"FT").and_then(Object::as_name) {
            Ok(ft) => ft == b"Sig",
            Err(_) => parent_is_sig,
        };
        if let Ok(kids) = dict.get_deref(b"Kids", document).and_then(Object::as_array)
            && depth < 32
        {
            for kid in kids.iter().rev() {
                stack.push((kid.clone(), name.clone(), is_sig, depth + 1));
            }
        }
        let value = dict.get(b"V").ok().filter(|_| is_sig);
        if let Some(value) = value
            && let Ok((_, Object::Dictionary(signature))) = document.dereference(value)
        {
            found.push(Field {
                name,
                id: value.as_reference().ok(),
                value: signature.clone(),
                widget: (reference, dict.clone()),
            });
        }
    }
    found
}

/// The certification signature's dictionary and its DocMDP permission level.
fn certification(document: &Document) -> Option<(ObjectId, i64)> {
    let perms = document
        .catalog()
        .ok()?
        .get_deref(b"Perms", document)
        .ok()?
        .as_dict()
        .ok()?;
    let id = perms.get(b"DocMDP").ok()?.as_reference().ok()?;
    let signature = document.get_dictionary(id).ok()?;
    Some((id, docmdp_level(document, signature).unwrap_or(2)))
}

/// The /P of the signature's DocMDP reference (2 when absent, per ISO 32000).
fn docmdp_level(document: &Document, signature: &Dictionary) -> Option<i64> {
    let references = signature
        .get_deref(b"Reference", document)
        .ok()?
        .as_array()
        .ok()?;
    references.iter().find_map(|r| {
        let r = document.dereference(r).ok()?.1.as_dict().ok()?;
        if r.get(b"TransformMethod").ok()?.as_name().ok()? != b"DocMDP" {
            return None;
        }
        let params = r
            .get_deref(b"TransformParams", document)
            .ok()?
            .as_dict()
            .ok()?;
        Some(params.get(b"P").and_then(Object::as_i64).unwrap_or(2))
    })
}

/// What every signature of one file is checked against.
struct Context<'a> {
    bytes: &'a [u8],
    document: &'a Document,
    ends: &'a [usize],
    revisions: &'a Revisions<'a>,
    certification: Option<(ObjectId, i64)>,
    made_by_gazette: bool,
    format: Format,
    options: &'a Options,
}

/// Whether the document names gazette as the program that made it (the
/// document information's /Creator, which gazette writes before sealing).
fn made_by_gazette(document: &Document) -> bool {
    document
        .trailer
        .get(b"Info")
        .and_then(|info| document.dereference(info))
        .and_then(|(_, info)| info.as_dict())
        .and_then(|info| info.get(b"Creator"))
        .and_then(Object::as_str)
        .is_ok_and(|creator| creator.starts_with(b"gazette "))
}

/// A seal held to the format's profile is judged by gazette's rules: a
/// deviation is a failure. Any other signature is judged as the standard CMS
/// it is, with the profile's requirements as remarks.
fn rules_for(context: &Context<'_>, report: &SignatureReport) -> Rules {
    if held_to_format(context, report) {
        Rules::Gazette
    } else {
        Rules::Standard
    }
}

/// Whether `report`'s seal is held to the format (see [`Format`]).
fn held_to_format(context: &Context<'_>, report: &SignatureReport) -> bool {
    let claimed = context.made_by_gazette
        && report.kind == SignatureKind::Certification
        && report.sub_filter == SUB_FILTER;
    report.kind != SignatureKind::DocumentTimestamp && (context.format == Format::Always || claimed)
}

/// The one form of a seal the format allows (SPDF-2).
const SUB_FILTER: &str = "ETSI.CAdES.detached";

/// What makes a seal held to the format fail before its CMS is read: another
/// form than PAdES (SPDF-2), other than a certification that allows no
/// change (SPDF-9), which would let annotations and fields change what a
/// reader sees after sealing, a revision of its own that no earlier
/// revision ends before (SPDF-1), or a form and widget that do not show it
/// as the format asks (see [`face`]).
fn format_findings(context: &Context<'_>, field: &Field, report: &SignatureReport) -> Vec<Finding> {
    if !held_to_format(context, report) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    if report.sub_filter != SUB_FILTER {
        findings.push(Finding::new(
            FindingCode::NotPades,
            format!(
                "the seal is in the form {}, not PAdES ({SUB_FILTER}), which the format asks of every seal",
                report.sub_filter
            ),
        ));
    }
    match (report.kind, report.docmdp_permission) {
        (SignatureKind::Certification, Some(1)) => {}
        (SignatureKind::Certification, Some(p)) => findings.push(Finding::new(
            FindingCode::NotCertification,
            format!(
                "the seal certifies the file with DocMDP permission {p}, which lets the file change after sealing; the format asks for 1"
            ),
        )),
        _ => findings.push(Finding::new(
            FindingCode::NotCertification,
            "the seal is an approval signature, not the certification of the file the format asks for",
        )),
    }
    if let Some([_, before_contents, _, _]) = report.byte_range
        && !context
            .ends
            .iter()
            .any(|&end| i64::try_from(end).is_ok_and(|end| end <= before_contents))
    {
        findings.push(Finding::new(
            FindingCode::NotIncremental,
            "the seal is written in the file's first revision, not added as an incremental \
             update, so the file holds no unsealed edition before it",
        ));
    }
    findings.extend(face::findings(context.document, field));
    findings
}

/// Checks one signature field: first that its bytes are laid out as a sealed
/// revision must be, then the CMS signature or time-stamp token over them,
/// then what changed in the file after it. A broken layout stops the check
/// there, since a CMS verdict over the wrong bytes would mean nothing.
fn check_signature(context: &Context<'_>, field: &Field) -> SignatureReport {
    let (bytes, document) = (context.bytes, context.document);
    let dict = &field.value;
    let claimed = claimed_time(dict);
    let mut report = signature_report(field, context.certification, claimed.as_ref());
    if let Err(finding) = check_signature_bytes(context, dict, field.id, &mut report) {
        report.findings.push(finding);
        return report;
    }
    let Some([_, first, second, length]) = report.byte_range else {
        return report;
    };
    let (first, second, end) = (first as usize, second as usize, (second + length) as usize);
    let content: [&[u8]; 2] = [&bytes[..first], &bytes[second..end]];
    if report.kind == SignatureKind::DocumentTimestamp {
        check_document_timestamp(dict, &content, end, context, &mut report);
        return report;
    }
    report
        .findings
        .extend(format_findings(context, field, &report));
    let rules = rules_for(context, &report);
    check_cms(dict, &content, claimed, rules, context.options, &mut report);
    if end < bytes.len() {
        let permission = report.docmdp_permission.unwrap_or(2);
        report.changes_after = changes_after(context.revisions, end, document, permission);
    }
    report
}

/// Checks a document timestamp's token over the revision it covers, which
/// ends at `end`: its imprint must be the digest of the byte ranges.
fn check_document_timestamp(
    dict: &Dictionary,
    content: &[&[u8]; 2],
    end: usize,
    context: &Context<'_>,
    report: &mut SignatureReport,
) {
    let value = dict
        .get(b"Contents")
        .and_then(Object::as_str)
        .unwrap_or_default();
    let covers = if end == context.bytes.len() {
        format!("the whole file (bytes 0..{end})")
    } else {
        format!("the revision that ends at byte {end}")
    };
    let anchors = &context.options.anchors;
    let check = match cms::verify_timestamp(trim_padding(value), content, &covers, anchors) {
        Ok(check) => check,
        Err(error) => {
            report.findings.push(Finding::new(
                FindingCode::UnreadableSignature,
                format!("the time-stamp token cannot be read: {error}"),
            ));
            return;
        }
    };
    for problem in &check.problems {
        let finding = match problem.code {
            ProblemCode::ImprintMismatch => Finding::new(
                FindingCode::TimestampImprintMismatch,
                format!(
                    "its imprint is not the digest of {covers}: the bytes it covers were changed \
                     after it was made"
                ),
            ),
            ProblemCode::WeakAlgorithm => continue,
            _ => Finding::new(FindingCode::UnsupportedAlgorithm, problem.message.clone()),
        };
        report.findings.push(finding);
    }
    report
        .timestamps
        .push(Timestamp::from_check(TimestampKind::Document, &check));
    let mut token = check.token;
    let weak = check
        .problems
        .into_iter()
        .filter(|p| p.code == ProblemCode::WeakAlgorithm);
    token.problems.extend(weak);
    token.valid = token.problems.is_empty();
    report.cms = Some(token);
}

/// Sets each seal's attested time and level: a valid time-stamp over its
/// signature, or a valid document timestamp over a revision that includes
/// it, proves it existed then (PAdES B-T).
fn attest(signatures: &mut [SignatureReport]) {
    let end = |s: &SignatureReport| s.byte_range.map(|[_, _, b, c]| b.saturating_add(c));
    let documents: Vec<(Option<i64>, Timestamp)> = signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp && !s.is_broken())
        .flat_map(|s| s.timestamps.iter().map(move |t| (end(s), t.clone())))
        .filter(|(_, t)| t.valid)
        .collect();
    for seal in signatures
        .iter_mut()
        .filter(|s| s.is_seal() && s.cms.is_some())
    {
        let seal_end = end(seal);
        let own = seal.timestamps.iter().filter(|t| t.valid);
        let covering = documents
            .iter()
            .filter(|(covered, _)| covered.is_some() && *covered >= seal_end)
            .map(|(_, t)| t);
        seal.attested = own
            .chain(covering)
            .min_by(|a, b| a.time.cmp(&b.time))
            .cloned();
        seal.level = Some(match seal.attested {
            Some(_) => Level::BasicT,
            None => Level::BasicB,
        });
    }
}

/// The signing time the signature dictionary claims (/M), as a time and as
/// written; `None` when absent or unreadable.
fn claimed_time(dict: &Dictionary) -> Option<(UnixTime, String)> {
    dict.get(b"M")
        .and_then(Object::as_str)
        .ok()
        .and_then(|m| date::parse(&String::from_utf8_lossy(m)))
}

/// The report as the signature describes itself, before anything is checked:
/// its kind (a document timestamp, the certification the catalog's DocMDP
/// points at, or an approval), format, permission level and claimed time.
fn signature_report(
    field: &Field,
    certification: Option<(ObjectId, i64)>,
    claimed: Option<&(UnixTime, String)>,
) -> SignatureReport {
    let dict = &field.value;
    let name_of = |key: &[u8]| {
        dict.get(key)
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default()
    };
    let is_timestamp = name_of(b"Type") == "DocTimeStamp";
    let permission = certification
        .filter(|(c, _)| Some(*c) == field.id)
        .map(|(_, p)| p);
    let kind = match (is_timestamp, permission) {
        (true, _) => SignatureKind::DocumentTimestamp,
        (false, Some(_)) => SignatureKind::Certification,
        (false, None) => SignatureKind::Approval,
    };
    let mut report = SignatureReport::new(field.name.clone(), kind, name_of(b"SubFilter"));
    report.docmdp_permission = permission;
    report.claimed_time = claimed.map(|(_, text)| text.clone());
    report
}

/// Verifies the CMS signature in /Contents over `content`, the signed bytes,
/// under `rules`. Certificates are judged at the claimed signing time (or at
/// a time a time-stamp attests); without one, at this machine's clock, and the
/// report says so.
fn check_cms(
    dict: &Dictionary,
    content: &[&[u8]; 2],
    claimed: Option<(UnixTime, String)>,
    rules: Rules,
    options: &Options,
    report: &mut SignatureReport,
) {
    let value = dict
        .get(b"Contents")
        .and_then(Object::as_str)
        .unwrap_or_default();
    if rules == Rules::Standard && report.sub_filter == "adbe.pkcs7.detached" {
        report.remarks.push(Finding::new(
            FindingCode::NotPades,
            "the signature is in the older adbe.pkcs7.detached form, not PAdES (ETSI.CAdES.detached)",
        ));
    }
    let at = match claimed {
        Some((at, _)) => at,
        None => {
            let finding = Finding::new(
                FindingCode::NoSigningTime,
                "the signature claims no signing time (/M), so certificates were checked against this machine's clock",
            );
            match rules {
                Rules::Gazette => report.findings.push(finding),
                Rules::Standard => report.remarks.push(finding),
            }
            UnixTime::now()
        }
    };
    match cms::verify_detached_under(trim_padding(value), content, at, &options.anchors, rules) {
        Ok(check) => {
            report.timestamps = Timestamp::of_signature(&check, &format!("\"{}\"", report.field));
            report.cms = Some(check);
        }
        Err(error) => report.findings.push(Finding::new(
            FindingCode::UnreadableSignature,
            format!("the signature value cannot be read: {error}"),
        )),
    }
}

/// The structural checks that make the CMS check meaningful: a value exists,
/// the range covers a whole revision from byte 0 except exactly the value, and
/// the dictionary checked is the one that was signed. Records the byte range
/// and whether it covers the whole file in `report` as soon as they are known.
fn check_signature_bytes(
    context: &Context<'_>,
    dict: &Dictionary,
    id: Option<ObjectId>,
    report: &mut SignatureReport,
) -> Result<(), Finding> {
    let bytes = context.bytes;
    check_sub_filter(report.kind, &report.sub_filter)?;
    let value = signature_value(dict)?;
    let range = byte_range(dict)?;
    report.byte_range = Some(range);
    let end = covered_end(range, bytes.len())?;
    let [_, first, second, _] = range;
    check_gap(bytes, first as usize, second as usize, value)?;
    if !context.ends.contains(&end) {
        return Err(Finding::new(
            FindingCode::PartialRevision,
            format!("the signature covers bytes up to {end}, which is not the end of a revision"),
        ));
    }
    report.covers_whole_file = end == bytes.len();
    // The dictionary we read must be the one inside the signed revision; when
    // the signature covers the whole file, that revision is the document.
    match id.filter(|_| !report.covers_whole_file) {
        Some(id) => check_signed_dictionary(context.revisions, end, context.document, id),
        None => Ok(()),
    }
}

/// Only the detached CMS formats and document timestamps are understood;
/// anything else is refused rather than half-checked. A document timestamp
/// is `ETSI.RFC3161` and nothing else is: a value that one reader takes for
/// a time-stamp token and another for a signature is refused too.
fn check_sub_filter(kind: SignatureKind, sub_filter: &str) -> Result<(), Finding> {
    const DOCUMENT_TIMESTAMP: &str = "ETSI.RFC3161";
    let supported = [SUB_FILTER, "adbe.pkcs7.detached", DOCUMENT_TIMESTAMP];
    if !supported.contains(&sub_filter) {
        return Err(Finding::new(
            FindingCode::UnsupportedSubFilter,
            format!("the signature format /{sub_filter} is not supported"),
        ));
    }
    let timestamp = kind == SignatureKind::DocumentTimestamp;
    if timestamp != (sub_filter == DOCUMENT_TIMESTAMP) {
        let message = if timestamp {
            format!(
                "a document timestamp (/Type /DocTimeStamp) has the signature format \
                 /{sub_filter}, not /{DOCUMENT_TIMESTAMP}: readers would take it for a signature"
            )
        } else {
            format!(
                "a signature has the format /{DOCUMENT_TIMESTAMP} without /Type /DocTimeStamp: \
                 readers would take it for a document timestamp"
            )
        };
        return Err(Finding::new(FindingCode::UnsupportedSubFilter, message));
    }
    Ok(())
}

/// The signature value (/Contents) as stored, padding included; an absent or
/// all-padding value is no signature (universal signature forgery).
fn signature_value(dict: &Dictionary) -> Result<&[u8], Finding> {
    match dict.get(b"Contents") {
        Ok(Object::String(value, _)) if !trim_padding(value).is_empty() => Ok(value),
        _ => Err(Finding::new(
            FindingCode::NoSignatureValue,
            "the signature has no value (/Contents is missing or empty)",
        )),
    }
}

/// The four numbers of /ByteRange, as written.
fn byte_range(dict: &Dictionary) -> Result<[i64; 4], Finding> {
    let range: Vec<i64> = match dict.get(b"ByteRange").and_then(Object::as_array) {
        Ok(items) => items.iter().filter_map(|i| i.as_i64().ok()).collect(),
        Err(_) => Vec::new(),
    };
    <[i64; 4]>::try_from(range).map_err(|_| {
        Finding::new(
            FindingCode::NoByteRange,
            "the signature does not say which bytes it covers (/ByteRange is missing or malformed)",
        )
    })
}

/// Where the signed bytes end, once the range is known to be two ordered
/// parts that start at byte 0 and lie within the file of `file_length` bytes.
fn covered_end(range: [i64; 4], file_length: usize) -> Result<usize, Finding> {
    let [start, first, second, second_length] = range;
    if range.iter().any(|&n| n < 0) || first > second {
        return Err(Finding::new(
            FindingCode::ByteRangeInvalid,
            "the byte range is not a valid range",
        ));
    }
    if start != 0 {
        return Err(Finding::new(
            FindingCode::PartialByteRange,
            format!(
                "the signature does not cover the start of the file (its range begins at byte {start})"
            ),
        ));
    }
    let end = second.saturating_add(second_length);
    if end > file_length as i64 {
        return Err(Finding::new(
            FindingCode::Truncated,
            format!(
                "the file is truncated: the signature covers {end} bytes but the file has only {file_length}"
            ),
        ));
    }
    Ok(end as usize)
}

/// The unsigned gap `first..second` must hold exactly the hex-written value
/// and nothing else, or unsigned content could hide there (signature
/// wrapping).
fn check_gap(bytes: &[u8], first: usize, second: usize, value: &[u8]) -> Result<(), Finding> {
    let gap = &bytes[first..second];
    let hex_inside = gap.len() >= 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit);
    if !hex_inside || decode_hex(&gap[1..gap.len() - 1]) != value {
        return Err(Finding::new(
            FindingCode::ByteRangeGap,
            format!(
                "the unsigned part of the file (bytes {first}..{second}) holds more than the signature value"
            ),
        ));
    }
    Ok(())
}

/// The signature dictionary `id` in the document must be the one in the
/// revision that ends at `end`, or what the report shows was not what was
/// signed.
fn check_signed_dictionary(
    revisions: &Revisions,
    end: usize,
    document: &Document,
    id: ObjectId,
) -> Result<(), Finding> {
    let signed = revisions.at(end).map_err(|why| {
        Finding::new(
            FindingCode::UnreadableRevision,
            format!("the signed revision cannot be read: {why}"),
        )
    })?;
    if signed.get_object(id).ok() != document.get_object(id).ok() {
        return Err(Finding::new(
            FindingCode::SignatureDictionaryReplaced,
            "the signature dictionary was replaced after signing",
        ));
    }
    Ok(())
}

fn changes_after(
    revisions: &Revisions,
    end: usize,
    document: &Document,
    permission: i64,
) -> Vec<Change> {
    match revisions.at(end) {
        Ok(signed) => changes::changes(&signed, document, permission),
        Err(_) => Vec::new(),
    }
}

/// The value sits in a zero-padded placeholder: the DER header of the outer
/// value says where the signature ends. Unreadable values are passed on whole,
/// for the CMS reader to reject with its reason.
fn trim_padding(value: &[u8]) -> &[u8] {
    use der::Decode;
    match der::asn1::AnyRef::from_der_partial(value) {
        Ok((_, rest)) => &value[..value.len() - rest.len()],
        Err(_) if value.iter().all(|&b| b == 0) => &[],
        Err(_) => value,
    }
}

/// Hex digits (already checked) to bytes; an odd last digit is the high
/// nibble, as PDF readers take it.
fn decode_hex(hex: &[u8]) -> Vec<u8> {
    let nibble = |b: u8| (b as char).to_digit(16).map_or(0, |d| d as u8);
    hex.chunks(2)
        .map(|pair| (nibble(pair[0]) << 4) | pair.get(1).map_or(0, |&b| nibble(b)))
        .collect()
}

#[cfg(test)]
mod tests;
