//! `gazette verify`: reads a sealed edition back and says whether to trust it.
//!
//! The result is a [`Report`]: one [`Verdict`], a line that says it in words,
//! and every finding behind it as data, which the command prints for people
//! or as JSON. Nothing here depends on typst. A PDF carries its seals as PAdES
//! signatures ([`verify_pdf`]); an EPUB as an XML signature in its container
//! ([`verify_epub`]); both report the same way. An archival package
//! ([`verify_package`]) reports on itself and nests the reports on its PDF
//! and EPUB. Every finding has a stable code ([`FindingCode`]).

mod archive;
mod codes;
mod conformance;
pub(crate) mod date;
mod described;
mod epub;
mod input;
mod level;
mod long_term;
mod package;
mod pdf;

use serde::Serialize;

use crate::cms::{ProblemCode, SignatureCheck, Trust};

pub use codes::{CheckCode, Cited, FindingCode};
pub use conformance::{Conformance, RuleOutcome, RuleStatus, conformance};
pub use epub::verify_epub;
pub use input::{CannotCheck, verify_path, verify_path_under};
pub use level::Level;
pub use long_term::{ChainOf, Policy, RevocationCheck, StatusWord, parse_time};
pub use package::{
    PayloadFile, open_package_zip, verify_package, verify_package_under, verify_package_zip,
};
pub use pdf::{PdfChangeKind, verify_pdf, verify_pdf_under};

/// The answer for the public, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Sealed, trusted, and nothing changed since but what the seal allows.
    Valid,
    /// The seal is intact, but its certificate does not lead to a trusted root.
    Untrusted,
    /// The seal itself is good but the file was changed after sealing.
    Modified,
    /// The seal holds, but with an algorithm too weak to rely on (SHA-1, an
    /// RSA key under 2048 bits): it cannot prove the file unchanged.
    Indeterminate,
    /// The seal is broken, untrusted, or the file is damaged.
    Invalid,
    /// The file could not be checked at all (unreadable, unsupported).
    CannotCheck,
}

impl Verdict {
    /// 0 valid, 1 invalid or modified, 2 could not check.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Valid => 0,
            Verdict::Untrusted | Verdict::Modified | Verdict::Indeterminate | Verdict::Invalid => 1,
            Verdict::CannotCheck => 2,
        }
    }
}

/// Everything `verify` found about one file.
#[derive(Debug, Serialize)]
pub struct Report {
    pub file: String,
    pub format: &'static str,
    pub verdict: Verdict,
    /// The verdict in one sentence: who sealed it, when, and whether it changed.
    pub summary: String,
    pub signatures: Vec<SignatureReport>,
    /// Findings about the file as a whole.
    pub findings: Vec<Finding>,
    /// What was checked and held, for people: a package's bag, files and
    /// signer. Empty, and absent from JSON, for a PDF or an EPUB.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// The files inside, each with its own report: a package's PDF and EPUB
    /// editions. Empty, and absent from JSON, for a PDF or an EPUB.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Report>,
    /// The level the file's seals reach together: their weakest. Absent for
    /// a file without seals and for formats that have no levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// The time the seals were judged at, when no proof of existence speaks
    /// for an earlier one (RFC 3339): now, or `--at`. Absent for formats
    /// without levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_time: Option<String>,
    /// What the file says of itself (its XMP or package document), for a
    /// package to hold to its manifest.
    #[serde(skip)]
    pub(crate) described: Option<described::Described>,
}

/// One signature in the file.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// The form field's name; for an EPUB, the XML Signature's Id; for a
    /// package, the path of the manifest's seal.
    pub field: String,
    pub kind: SignatureKind,
    /// A certification signature's DocMDP level: which changes it allows.
    pub docmdp_permission: Option<i64>,
    /// The PDF signature's /SubFilter; for an EPUB or a package, the
    /// signature's form in words.
    pub sub_filter: String,
    /// The time the signer claims (RFC 3339): the PDF signature dictionary's
    /// /M, the EPUB signature's signed `dc:date` property, or a package's
    /// issue date at 00:00 +08:00.
    pub claimed_time: Option<String>,
    pub byte_range: Option<[i64; 4]>,
    /// Whether the signature covers the whole file; for an EPUB or a package,
    /// whether it covers every file of the container or payload.
    pub covers_whole_file: bool,
    /// The check of the signature value and its certificate path (a CMS for a
    /// PDF and a package, the XML signature for an EPUB); absent when the
    /// signature could not be read.
    pub cms: Option<SignatureCheck>,
    /// Problems with the signature's place in the file (byte range,
    /// dictionary; for an EPUB, the form of signatures.xml).
    pub findings: Vec<Finding>,
    /// What changed after this signature: incremental updates of a PDF, files
    /// of an EPUB container or of a package's payload.
    pub changes_after: Vec<Change>,
    /// What the signature does otherwise than gazette's seals without being
    /// wrong (a PDF signature gazette did not make: its format, no /M). The
    /// CMS check has its own remarks. Absent from JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Finding>,
    /// The time-stamps this signature carries: over its signature value, or,
    /// for a document timestamp, the timestamp itself. Absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<Timestamp>,
    /// For a seal: the earliest valid time-stamp that attests when it existed,
    /// its own or a document timestamp over its revision. Absent when its
    /// time is only claimed by the signer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attested: Option<Timestamp>,
    /// For a PDF seal: the baseline level it reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// For a seal: the time of its proof of existence (`attested`'s), the
    /// time its chain was judged at. Absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_of_existence: Option<String>,
    /// For a seal: the time its certificate chain was judged at, validity
    /// and revocation: its proof of existence, or else the validation time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_at: Option<String>,
    /// The revocation status of each certificate of its chain and of its
    /// time-stamp authorities', and the evidence it comes from. Absent when
    /// nothing was asked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revocation: Vec<RevocationCheck>,
    /// What the long-term rule says without failing the signature: a
    /// certificate revoked only after its proof, revocation not checked for
    /// want of evidence, data fetched online, a timestamp that proves
    /// nothing. Absent when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Finding>,
}

/// One time-stamp in a report: what it covers, when, by whom, and whether it
/// holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Timestamp {
    pub kind: TimestampKind,
    /// What it stamps: a signature's value, or a revision of the file.
    pub covers: String,
    /// The attested time, RFC 3339.
    pub time: String,
    /// The time-stamp authority.
    pub tsa: String,
    /// Whether the token holds and its authority is trusted.
    pub valid: bool,
}

/// Where a time-stamp sits, in JSON as kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampKind {
    /// A signature-time-stamp attribute over a CMS signature value (B-T).
    Signature,
    /// A PDF document timestamp (ETSI.RFC3161) over a whole revision.
    Document,
    /// A package's archive timestamp (evidence/archive-N.tsr) over the list
    /// of its files' digests.
    Archive,
}

impl Timestamp {
    fn from_check(kind: TimestampKind, check: &crate::cms::TimestampCheck) -> Self {
        Timestamp {
            kind,
            covers: check.covers.clone(),
            time: check.time.clone(),
            tsa: check.tsa.clone(),
            valid: check.valid,
        }
    }

    /// The signature time-stamps of `check`, each said to cover the
    /// signature value of `signature` (a field's name, a file's path).
    fn of_signature(check: &crate::cms::SignatureCheck, signature: &str) -> Vec<Self> {
        check
            .timestamps
            .iter()
            .map(|t| Timestamp {
                covers: format!("the signature value of {signature}"),
                ..Timestamp::from_check(TimestampKind::Signature, t)
            })
            .collect()
    }
}

/// What a signature is, in JSON as kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    /// A PDF's certification signature, with its DocMDP level.
    Certification,
    /// A PDF's approval signature.
    Approval,
    /// A PDF's document timestamp (RFC 3161): a time, not a seal.
    DocumentTimestamp,
    /// An EPUB's XML signature in META-INF/signatures.xml.
    XmlSignature,
    /// A package's detached CMS signature over data/manifest.json.
    DetachedCms,
}

/// The kind as in JSON, from the one spelling serde knows.
impl std::fmt::Display for SignatureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.serialize(f)
    }
}

impl SignatureReport {
    /// A report on a signature of kind `kind` in `field`, before any check.
    fn new(field: impl Into<String>, kind: SignatureKind, sub_filter: impl Into<String>) -> Self {
        SignatureReport {
            field: field.into(),
            kind,
            docmdp_permission: None,
            sub_filter: sub_filter.into(),
            claimed_time: None,
            byte_range: None,
            covers_whole_file: false,
            cms: None,
            findings: Vec::new(),
            changes_after: Vec::new(),
            remarks: Vec::new(),
            timestamps: Vec::new(),
            attested: None,
            level: None,
            proof_of_existence: None,
            judged_at: None,
            revocation: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Whether it names who sealed the file: anything but a document timestamp.
    fn is_seal(&self) -> bool {
        self.kind != SignatureKind::DocumentTimestamp
    }

    /// Records the files of a container that differ from what the seal
    /// lists: the seal covers the whole container unless a file was added.
    fn set_file_changes(&mut self, changes: Vec<FileChange>) {
        self.covers_whole_file = !changes.iter().any(|c| c.kind == FileChangeKind::Added);
        self.changes_after = changes.into_iter().map(Change::from).collect();
    }

    /// Intact, and failing only because no trusted root was reached.
    fn only_untrusted(&self) -> bool {
        self.findings.is_empty()
            && self.cms.as_ref().is_some_and(|c| {
                c.digest_matches
                    && c.signature_valid
                    && !c.problems.is_empty()
                    && c.problems.iter().all(|p| p.code == ProblemCode::Untrusted)
            })
    }

    /// Neither intact nor failing only for want of a trusted root, for a
    /// weak algorithm or for an expiry nothing proves came after sealing:
    /// its cryptography or its place in the file fails.
    fn is_broken(&self) -> bool {
        let unproven = self.unproven_expiry().is_some();
        let holds = self.cms.as_ref().is_some_and(|c| {
            c.digest_matches
                && c.signature_valid
                && c.problems.iter().all(|p| match p.code {
                    ProblemCode::Untrusted | ProblemCode::WeakAlgorithm => true,
                    ProblemCode::Expired => unproven,
                    _ => false,
                })
        });
        !self.findings.is_empty() || !holds
    }

    /// Why it holds but cannot be relied on: the first weak algorithm found.
    fn weakness(&self) -> Option<String> {
        let cms = self.cms.as_ref()?;
        cms.problems
            .iter()
            .find(|p| p.code == ProblemCode::WeakAlgorithm)
            .map(|p| p.message.clone())
    }

    /// Why it holds but cannot be relied on any more: its certificate has
    /// expired, and nothing proves the seal older than that (VER-70). The
    /// file is not shown wrong, only no longer shown right: INDETERMINATE.
    fn unproven_expiry(&self) -> Option<String> {
        self.notes
            .iter()
            .find(|note| note.code == FindingCode::ExpiredWithoutProof)
            .map(|note| note.message.clone())
    }

    fn disallowed_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes_after.iter().filter(|c| !c.allowed)
    }

    /// "sealed by WHO on WHEN", as the verdict's sentence names the seal,
    /// saying whether a time-stamp attests the time or the signer claims it.
    fn sealed_by(&self) -> String {
        let who = self.signer_name();
        match (&self.attested, &self.claimed_time) {
            (Some(stamp), _) => format!(
                "sealed by {who}, time attested by {} at {}",
                stamp.tsa, stamp.time
            ),
            // A package's sentence stays as it was before levels: its
            // claimed time is the issue date, which it says.
            (None, Some(time))
                if self.level.is_some() && self.kind != SignatureKind::DetachedCms =>
            {
                format!("sealed by {who} on {time} (claimed by the signer, not attested)")
            }
            (None, Some(time)) => format!("sealed by {who} on {time}"),
            (None, None) => format!("sealed by {who}"),
        }
    }

    /// "上海市人民政府办公厅 (Example Gazette Seal)": organisation, then name.
    fn signer_name(&self) -> String {
        let Some(signer) = self.cms.as_ref().and_then(|c| c.signer.as_ref()) else {
            return "an unknown signer".into();
        };
        match (&signer.organization, &signer.common_name) {
            (Some(o), Some(cn)) if o != cn => format!("{o} ({cn})"),
            (Some(name), _) | (None, Some(name)) => name.clone(),
            (None, None) => signer.subject.clone(),
        }
    }

    /// The first reason this signature fails, in words.
    fn first_problem(&self) -> Option<String> {
        if let Some(finding) = self.findings.first() {
            return Some(finding.message.clone());
        }
        let cms = self.cms.as_ref()?;
        if let Some(problem) = cms.problems.first() {
            return Some(problem.message.clone());
        }
        match &cms.trust {
            Trust::Untrusted { reason } if !cms.valid => Some(reason.clone()),
            _ => None,
        }
    }
}

/// Something found, with a stable machine code and a sentence for people:
/// a reason against validity ([`FindingCode`]), or a check that held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding<Code = FindingCode> {
    pub code: Code,
    pub message: String,
    /// The rules of the written format the code enforces (docs/spec), by id.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub rules: &'static [&'static str],
}

/// A check that held, for people: a package's bag, files and signer.
pub type Check = Finding<CheckCode>;

impl<Code: Cited> Finding<Code> {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Finding {
            code,
            message: message.into(),
            rules: code.rules(),
        }
    }
}

/// One change after a signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Whether the signature's permissions allow it.
    pub allowed: bool,
    pub description: String,
    /// The rules of the written format (docs/spec) a change that is not
    /// allowed breaks, by id; none for an allowed one.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub rules: &'static [&'static str],
}

/// What changed: in JSON, the kebab-case code of either kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ChangeKind {
    /// What a PDF's incremental update touched, judged by the signature's
    /// DocMDP level.
    Pdf(PdfChangeKind),
    /// A file of an EPUB or a package against the list its seal covers;
    /// never allowed.
    File(FileChangeKind),
}

/// How a file of a container differs from what its seal lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FileChangeKind {
    /// Its bytes differ from those sealed.
    #[serde(rename = "file-changed")]
    Changed,
    /// The seal does not cover it.
    #[serde(rename = "file-added")]
    Added,
    /// It was sealed and is no longer there.
    #[serde(rename = "file-removed")]
    Removed,
}

/// A file of a container, by its path, that is not as the seal lists it.
struct FileChange {
    kind: FileChangeKind,
    path: String,
}

impl FileChange {
    fn new(kind: FileChangeKind, path: impl Into<String>) -> Self {
        FileChange {
            kind,
            path: path.into(),
        }
    }

    /// "X was added", "X was removed", or a changed file's path alone.
    fn description(&self) -> String {
        match self.kind {
            FileChangeKind::Changed => self.path.clone(),
            FileChangeKind::Added => format!("{} was added", self.path),
            FileChangeKind::Removed => format!("{} was removed", self.path),
        }
    }
}

impl From<FileChange> for Change {
    fn from(change: FileChange) -> Self {
        Change {
            kind: ChangeKind::File(change.kind),
            allowed: false,
            description: change.description(),
            rules: FindingCode::from(change.kind).rules(),
        }
    }
}

/// A file change reported as a finding, when no seal is there to report it under.
impl From<FileChangeKind> for FindingCode {
    fn from(kind: FileChangeKind) -> Self {
        match kind {
            FileChangeKind::Changed => FindingCode::FileChanged,
            FileChangeKind::Added => FindingCode::FileAdded,
            FileChangeKind::Removed => FindingCode::FileRemoved,
        }
    }
}

/// What the public's verifier trusts. When and how seals are judged over
/// time is a [`Policy`], given beside it.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Trust anchors (DER certificates), e.g. from `--trust`.
    pub anchors: Vec<Vec<u8>>,
}

impl Report {
    /// Judges the file from its signatures, and phrases the verdict: a broken
    /// seal or document timestamp makes it INVALID, a change the seals do not
    /// allow MODIFIED, a weak algorithm INDETERMINATE, a seal without a
    /// trusted root UNTRUSTED.
    fn conclude(file: String, format: &'static str, signatures: Vec<SignatureReport>) -> Report {
        let seals: Vec<&SignatureReport> = signatures.iter().filter(|s| s.is_seal()).collect();
        let (verdict, summary) = match seals.first() {
            None => (
                Verdict::Invalid,
                "NOT SEALED: the file carries no signature".to_string(),
            ),
            Some(first) => Self::judge(first.sealed_by(), &seals, &signatures),
        };
        let level = seals.iter().map(|s| s.level).min().flatten();
        Report {
            file,
            format,
            verdict,
            summary,
            signatures,
            findings: Vec::new(),
            checks: Vec::new(),
            parts: Vec::new(),
            level,
            validation_time: None,
            described: None,
        }
    }

    /// The verdict and its sentence for a file with `seals`, naming the first
    /// seal as `who`.
    fn judge(
        who: String,
        seals: &[&SignatureReport],
        signatures: &[SignatureReport],
    ) -> (Verdict, String) {
        if let Some(broken) = seals.iter().find(|s| s.is_broken()) {
            let why = broken
                .first_problem()
                .unwrap_or_else(|| "the signature could not be checked".into());
            return (Verdict::Invalid, format!("INVALID: {who}, but {why}"));
        }
        let broken_timestamp = signatures.iter().find(|s| {
            s.kind == SignatureKind::DocumentTimestamp && s.is_broken() && !s.only_untrusted()
        });
        if let Some(stamp) = broken_timestamp {
            let why = stamp
                .first_problem()
                .unwrap_or_else(|| "it could not be checked".into());
            return (
                Verdict::Invalid,
                format!(
                    "INVALID: {who}, but the document timestamp \"{}\" does not hold: {why}",
                    stamp.field
                ),
            );
        }
        if let Some(change) = seals.iter().flat_map(|s| s.disallowed_changes()).next() {
            return (
                Verdict::Modified,
                format!(
                    "MODIFIED: {who}, but changed after sealing: {}",
                    change.description
                ),
            );
        }
        if let Some(why) = seals
            .iter()
            .find_map(|s| s.unproven_expiry().or_else(|| s.weakness()))
        {
            return (
                Verdict::Indeterminate,
                format!("INDETERMINATE: {who}, unchanged since, but {why}"),
            );
        }
        if let Some(untrusted) = seals.iter().find(|s| s.only_untrusted()) {
            let why = untrusted.first_problem().unwrap_or_default();
            return (
                Verdict::Untrusted,
                format!("UNTRUSTED: {who}, unchanged since, but {why}"),
            );
        }
        (
            Verdict::Valid,
            format!("VALID: {who}; unchanged since sealing"),
        )
    }

    /// A report for a file that could not be judged at all, or was judged from
    /// its bytes alone.
    fn without_signatures(
        file: String,
        format: &'static str,
        verdict: Verdict,
        finding: Finding,
    ) -> Report {
        let label = match verdict {
            Verdict::CannotCheck => "CANNOT CHECK",
            _ => "INVALID",
        };
        Report {
            file,
            format,
            verdict,
            summary: format!("{label}: {}", finding.message),
            signatures: Vec::new(),
            findings: vec![finding],
            checks: Vec::new(),
            parts: Vec::new(),
            level: None,
            validation_time: None,
            described: None,
        }
    }
}
