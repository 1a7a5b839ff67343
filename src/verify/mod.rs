//! `gazette verify`: reads a sealed edition back and says whether to trust it.
//!
//! The result is a [`Report`]: one [`Verdict`], a line that says it in words,
//! and every finding behind it as data, which the command prints for people
//! or as JSON. Nothing here depends on typst. A PDF carries its seals as PAdES
//! signatures ([`verify_pdf`]); an EPUB as an XML signature in its container
//! ([`verify_epub`]); both report the same way. An archival package
//! ([`verify_package`]) reports on itself and nests the reports on its PDF
//! and EPUB.

mod archive;
mod date;
mod epub;
mod package;
mod pdf;

use serde::Serialize;

use crate::cms::{ProblemCode, SignatureCheck, Trust};

pub use epub::verify_epub;
pub use package::verify_package;
pub use pdf::verify_pdf;
pub use pdf::{Change, ChangeKind};

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
            Verdict::Untrusted | Verdict::Modified | Verdict::Invalid => 1,
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
}

/// One signature in the file.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// The form field's name; for an EPUB, the XML Signature's Id.
    pub field: String,
    /// `certification` (with its DocMDP level), `approval` or
    /// `document-timestamp`; `xml-signature` for an EPUB's seal.
    pub kind: String,
    pub docmdp_permission: Option<i64>,
    /// The PDF signature's /SubFilter; empty for an EPUB.
    pub sub_filter: String,
    /// The time the signer claims (RFC 3339): the PDF signature dictionary's
    /// /M, or the EPUB signature's signed `dc:date` property.
    pub claimed_time: Option<String>,
    pub byte_range: Option<[i64; 4]>,
    /// Whether the signature covers the whole file; for an EPUB, whether it
    /// covers every file of the container.
    pub covers_whole_file: bool,
    /// The check of the signature value and its certificate path (a CMS for a
    /// PDF, the XML signature for an EPUB); absent when the signature could
    /// not be read.
    pub cms: Option<SignatureCheck>,
    /// Problems with the signature's place in the file (byte range,
    /// dictionary; for an EPUB, the form of signatures.xml).
    pub findings: Vec<Finding>,
    /// What changed after this signature: incremental updates of a PDF, files
    /// of an EPUB container.
    pub changes_after: Vec<Change>,
}

impl SignatureReport {
    fn is_intact(&self) -> bool {
        self.findings.is_empty() && self.cms.as_ref().is_some_and(|c| c.valid)
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

    fn disallowed_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes_after.iter().filter(|c| !c.allowed)
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

/// A finding with a stable machine code (kebab-case) and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
}

impl Finding {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            code,
            message: message.into(),
        }
    }
}

/// A check that held, with a stable machine code (kebab-case) and a sentence
/// for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub code: &'static str,
    pub message: String,
}

/// What the public's verifier trusts.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Trust anchors (DER certificates), e.g. from `--trust`.
    pub anchors: Vec<Vec<u8>>,
}

impl Report {
    /// Judges the file from its signatures, and phrases the verdict.
    fn conclude(file: String, format: &'static str, signatures: Vec<SignatureReport>) -> Report {
        let seals: Vec<&SignatureReport> = signatures
            .iter()
            .filter(|s| s.kind != "document-timestamp")
            .collect();
        let (verdict, summary) = match seals.first() {
            None => (
                Verdict::Invalid,
                "NOT SEALED: the file carries no signature".to_string(),
            ),
            Some(first) => {
                let who = format!(
                    "sealed by {}{}",
                    first.signer_name(),
                    first
                        .claimed_time
                        .as_ref()
                        .map(|t| format!(" on {t}"))
                        .unwrap_or_default()
                );
                if let Some(broken) = seals.iter().find(|s| !s.is_intact() && !s.only_untrusted()) {
                    let why = broken
                        .first_problem()
                        .unwrap_or_else(|| "the signature could not be checked".into());
                    (Verdict::Invalid, format!("INVALID: {who}, but {why}"))
                } else if let Some(change) =
                    seals.iter().flat_map(|s| s.disallowed_changes()).next()
                {
                    (
                        Verdict::Modified,
                        format!(
                            "MODIFIED: {who}, but changed after sealing: {}",
                            change.description
                        ),
                    )
                } else if let Some(untrusted) = seals.iter().find(|s| s.only_untrusted()) {
                    let why = untrusted.first_problem().unwrap_or_default();
                    (
                        Verdict::Untrusted,
                        format!("UNTRUSTED: {who}, unchanged since, but {why}"),
                    )
                } else {
                    (
                        Verdict::Valid,
                        format!("VALID: {who}; unchanged since sealing"),
                    )
                }
            }
        };
        Report {
            file,
            format,
            verdict,
            summary,
            signatures,
            findings: Vec::new(),
            checks: Vec::new(),
            parts: Vec::new(),
        }
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
        }
    }
}
