//! A file's conformance to the written format (docs/spec), rule by rule,
//! for any producer's files, not only gazette's: of the rules that say what
//! a producer writes, which this verifier checked for this kind of file and
//! found kept, which a finding of the report shows broken, and which it does
//! not check at all (PDF/A, the Akoma Ntoso schema: docs/spec/notes.md names
//! the tools that do).
//!
//! A rule counts as checked when some code the verifier reports for this
//! kind of file enforces it (Appendix A), and as broken when a finding,
//! a signature's problem or remark, or a change after a seal names it.
//! Appendix A gives a code the group of rules it enforces, so a broken rule
//! is one of that group as the code says; the codes are listed beside it.
//! Only the rules that say something of the kind of file are listed; the
//! verifier's own rules (VER-…) are its obligations, not the file's, and are
//! left out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codes::{Cited, FindingCode};
use super::{Report, Verdict};
use crate::cms::ProblemCode;

/// The version of the written format the rules are of.
pub const FORMAT_VERSION: &str = "1.0";

/// The numbered rules, as docs/spec/rules.json publishes them.
const RULES: &str = include_str!("../../docs/spec/rules.json");

/// One file's conformance, rule by rule, in the order the format numbers them.
#[derive(Debug, Serialize)]
pub struct Conformance {
    pub format_version: &'static str,
    pub rules: Vec<RuleOutcome>,
}

#[derive(Debug, Serialize)]
pub struct RuleOutcome {
    pub rule: String,
    /// MUST, MUST NOT, SHOULD, SHOULD NOT or MAY.
    pub level: String,
    pub status: RuleStatus,
    /// For a broken rule, the report's codes that name it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleStatus {
    /// Checked for this kind of file, and no finding names it.
    Kept,
    /// A finding of the report names it.
    Broken,
    /// This verifier does not check it for this kind of file.
    NotChecked,
}

#[derive(Deserialize)]
struct Rule {
    id: String,
    level: String,
}

/// `report`'s conformance. A file that could not be checked at all keeps
/// nothing: every rule it was not shown to break is not checked.
pub fn conformance(report: &Report) -> Conformance {
    let rules: Vec<Rule> =
        serde_json::from_str(RULES).expect("docs/spec/rules.json, checked by tests/spec.rs");
    let mut broken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let json = serde_json::to_value(report).unwrap_or(Value::Null);
    cited(&json, &mut broken);
    let checked = if report.verdict == Verdict::CannotCheck {
        BTreeSet::new()
    } else {
        checked_for(report.format)
    };
    let rules = rules
        .into_iter()
        .filter(|rule| applies(report.format, &rule.id))
        .map(|rule| {
            let codes: Vec<String> = broken.remove(&rule.id).into_iter().flatten().collect();
            let status = match (codes.is_empty(), checked.contains(rule.id.as_str())) {
                (false, _) => RuleStatus::Broken,
                (true, true) => RuleStatus::Kept,
                (true, false) => RuleStatus::NotChecked,
            };
            RuleOutcome {
                rule: rule.id,
                level: rule.level,
                status,
                codes,
            }
        })
        .collect();
    Conformance {
        format_version: FORMAT_VERSION,
        rules,
    }
}

/// The rules named by what goes against the file anywhere in the report
/// (its parts' too): findings, a signature's problems and remarks, and
/// changes after a seal. Notes and checks that held name the rules they
/// follow, not ones broken.
fn cited(value: &Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                match key.as_str() {
                    "findings" | "problems" | "remarks" | "changes_after" => {
                        for item in value.as_array().into_iter().flatten() {
                            let code = item["code"].as_str().or(item["kind"].as_str());
                            for rule in item["rules"].as_array().into_iter().flatten() {
                                if let (Some(rule), Some(code)) = (rule.as_str(), code) {
                                    out.entry(rule.to_owned())
                                        .or_default()
                                        .insert(code.to_owned());
                                }
                            }
                        }
                    }
                    "notes" | "checks" => {}
                    _ => cited(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| cited(item, out)),
        _ => {}
    }
}

/// Whether rule `id` says something of a file of `format`: a PDF is held
/// to the rules of PDFs, their seals and pages; an EPUB to those of EPUBs,
/// their seal and the ZIP rules they share with packages; a package to all.
/// The verifier's own rules (VER-…) are left out: they are its obligations.
fn applies(format: &str, id: &str) -> bool {
    let area = id.split_once('-').map_or(id, |(area, _)| area);
    let pdf = [
        "ID", "PDF", "DOC", "SEAL", "SPDF", "VIS", "LTP", "SEC", "EXT",
    ];
    let epub = ["ID", "EPUB", "SEAL", "SEPUB", "SEC", "EXT"];
    let zip_rules = ["PKG-16", "PKG-17", "PKG-19", "PKG-20"];
    match format {
        _ if area == "VER" => false,
        "pdf" => pdf.contains(&area),
        "epub" => epub.contains(&area) || zip_rules.contains(&id),
        _ => true,
    }
}

/// The rules the verifier checks for a file of `format`: those of every code
/// it can report for it.
fn checked_for(format: &str) -> BTreeSet<&'static str> {
    let groups: &[&[FindingCode]] = match format {
        "pdf" => &[ANY_SEALED, PDF, OVER_TIME],
        "epub" => &[ANY_SEALED, EPUB, ZIP],
        _ => &[ANY_SEALED, PDF, OVER_TIME, EPUB, ZIP, PACKAGE],
    };
    let signatures: &[ProblemCode] = match format {
        "epub" => &[],
        _ => CMS,
    };
    groups
        .iter()
        .flat_map(|group| group.iter())
        .flat_map(|code| code.rules().iter().copied())
        .chain(
            signatures
                .iter()
                .flat_map(|code| code.rules().iter().copied()),
        )
        .collect()
}

/// The codes of Appendix A by the kind of file whose check reports them.
pub(super) const ANY_SEALED: &[FindingCode] = &[
    FindingCode::NotSealed,
    FindingCode::UnreadableSignature,
    FindingCode::Unreadable,
];

pub(super) const PDF: &[FindingCode] = &[
    FindingCode::NotAPdf,
    FindingCode::SealHidden,
    FindingCode::DamagedCrossReference,
    FindingCode::Truncated,
    FindingCode::UnsupportedSubFilter,
    FindingCode::NoSignatureValue,
    FindingCode::NoByteRange,
    FindingCode::ByteRangeInvalid,
    FindingCode::PartialByteRange,
    FindingCode::ByteRangeGap,
    FindingCode::PartialRevision,
    FindingCode::UnreadableRevision,
    FindingCode::SignatureDictionaryReplaced,
    FindingCode::TimestampNotChecked,
    FindingCode::NoSigningTime,
    FindingCode::TimestampImprintMismatch,
    FindingCode::NotPades,
    FindingCode::NotCertification,
    FindingCode::NotIncremental,
    FindingCode::SealForm,
    FindingCode::SealWidget,
];

pub(super) const OVER_TIME: &[FindingCode] = &[
    FindingCode::Revoked,
    FindingCode::RevokedLater,
    FindingCode::RevocationNotChecked,
    FindingCode::RevocationForm,
    FindingCode::VriMissing,
    FindingCode::FetchedOnline,
    FindingCode::OnlineCheckFailed,
    FindingCode::TimestampNotProof,
    FindingCode::ExpiredWithoutProof,
    FindingCode::ArchiveTimestamp,
    FindingCode::EvidenceLayout,
    FindingCode::EvidenceIncomplete,
];

pub(super) const EPUB: &[FindingCode] = &[
    FindingCode::Mimetype,
    FindingCode::Doctype,
    FindingCode::UnexpectedXml,
    FindingCode::NonCanonical,
    FindingCode::UnsupportedAlgorithm,
    FindingCode::BadCertificate,
    FindingCode::FileChanged,
    FindingCode::FileAdded,
    FindingCode::FileRemoved,
];

pub(super) const ZIP: &[FindingCode] = &[
    FindingCode::UnreadableZip,
    FindingCode::TooManyEntries,
    FindingCode::TooLarge,
    FindingCode::ZipBomb,
    FindingCode::EncryptedEntry,
    FindingCode::UnsupportedCompression,
    FindingCode::UnsafeEntryName,
    FindingCode::NonUtf8Name,
    FindingCode::DuplicateEntry,
    FindingCode::SymlinkEntry,
    FindingCode::SpecialEntry,
    FindingCode::InconsistentZip,
    FindingCode::DamagedEntry,
];

pub(super) const PACKAGE: &[FindingCode] = &[
    FindingCode::ChangedWhileReading,
    FindingCode::NotOneFolder,
    FindingCode::NotABag,
    FindingCode::UnsupportedBagit,
    FindingCode::BagitTxt,
    FindingCode::BadTagFile,
    FindingCode::BagInfo,
    FindingCode::PayloadOxum,
    FindingCode::MissingBagManifest,
    FindingCode::BadManifestLine,
    FindingCode::DuplicateManifestEntry,
    FindingCode::MissingPayload,
    FindingCode::ExtraPayload,
    FindingCode::MissingTagFile,
    FindingCode::UnlistedTagFile,
    FindingCode::Fixity,
    FindingCode::UnsupportedSchema,
    FindingCode::MissingManifestJson,
    FindingCode::BadManifestJson,
    FindingCode::DuplicateArtifact,
    FindingCode::ArtifactList,
    FindingCode::InconsistentManifest,
    FindingCode::MissingSignature,
    FindingCode::IdentityMismatch,
    FindingCode::ChainMismatch,
    FindingCode::SignerMismatch,
    FindingCode::IncompleteChain,
    FindingCode::LevelMismatch,
    FindingCode::MetadataMismatch,
    FindingCode::DataFile,
    FindingCode::AkomaNtoso,
    FindingCode::KeyMaterial,
    FindingCode::FileChanged,
    FindingCode::FileAdded,
    FindingCode::FileRemoved,
    FindingCode::VerificationCodeMismatch,
];

/// The signature checks' codes (a PDF's seals and a package's manifest seal).
const CMS: &[ProblemCode] = &[
    ProblemCode::SignerCount,
    ProblemCode::NotDetached,
    ProblemCode::ContentType,
    ProblemCode::MissingAttribute,
    ProblemCode::MalformedAttribute,
    ProblemCode::DigestMismatch,
    ProblemCode::BadSignature,
    ProblemCode::SigningTimePresent,
    ProblemCode::SigningCertificateMismatch,
    ProblemCode::UnsupportedAlgorithm,
    ProblemCode::SignerCertificateMissing,
    ProblemCode::MalformedCertificate,
    ProblemCode::Expired,
    ProblemCode::NotYetValid,
    ProblemCode::Untrusted,
    ProblemCode::BadChainSignature,
    ProblemCode::NotACa,
    ProblemCode::PathLength,
    ProblemCode::KeyUsage,
    ProblemCode::ExtendedKeyUsage,
    ProblemCode::UnknownCriticalExtension,
    ProblemCode::WeakAlgorithm,
    ProblemCode::ImprintMismatch,
    ProblemCode::TimestampInvalid,
    ProblemCode::SignedDataVersion,
    ProblemCode::SignatureValueForm,
];
