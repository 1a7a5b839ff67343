//! The verification manifest, `manifest.json`: what an edition is, every file
//! it consists of with its digests, every document with where it sits in each
//! edition, and the inputs it was built from, so that anyone can check the
//! files and rebuild them to compare. Schema: docs/package.md.

use serde::{Deserialize, Serialize};

use crate::digest;

/// The schema this crate writes; readers refuse other major versions.
pub const SCHEMA: &str = "urn:gazette:schema:verification-manifest:1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationManifest {
    /// Always [`SCHEMA`].
    pub schema: String,
    pub edition: EditionIdentity,
    /// The edition's files with their digests: the PDF and the EPUB, then
    /// its data (`edition/<id>.json`).
    pub artifacts: Vec<Artifact>,
    pub documents: Vec<DocumentEntry>,
    pub build: BuildInputs,
    /// The seal, when the edition is sealed.
    pub seal: Option<SealEntry>,
    /// The verification code of the edition's data (`edition/<id>.json`),
    /// printed on the cover and contents pages (`crate::verification_code`);
    /// absent in manifests written before pages carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
    /// The URL the cover's QR code holds, with that code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionIdentity {
    /// `shanghai-gazette-2025-08`: names the files and the package.
    pub id: String,
    /// `urn:gazette:shanghai-gazette:2025:8`: stable, independent of files.
    pub uri: String,
    /// The gazette's short name, e.g. `shanghai-gazette`.
    pub gazette: String,
    pub title: String,
    pub publisher: String,
    pub issn: Option<String>,
    pub year: u16,
    pub number: u32,
    pub running: Option<u32>,
    /// The issue date, `YYYY-MM-DD`.
    pub date: String,
    pub language: String,
}

/// A file with its size and digests (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// The file's path relative to the package's payload (`data/`), `/`-separated.
    pub path: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub sha512: String,
}

impl Artifact {
    /// Describes `bytes`, to be found at `path` in the payload. The two
    /// digests are taken side by side: over the editions and the documents'
    /// PDFs they are most of what packaging costs.
    pub fn of(path: String, media_type: &str, bytes: &[u8]) -> Self {
        let (sha256, sha512) = rayon::join(|| digest::sha256(bytes), || digest::sha512(bytes));
        Self {
            path,
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            sha256,
            sha512,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    /// The document's stable identifier (see `crate::identifier`); absent in
    /// manifests written before documents had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    pub title: String,
    /// 发文字号, when it has one.
    pub number: Option<String>,
    pub issuer: String,
    /// The document's own date (成文日期), `YYYY-MM-DD`.
    pub date: String,
    /// 公开属性, as the model spells it (`proactive`).
    pub disclosure: String,
    pub language: String,
    /// Printed page numbers of the PDF edition, first and last, inclusive.
    pub pdf_pages: PageRange,
    /// The document's content file inside the EPUB container.
    pub epub_file: String,
    /// The source files: the document, then its attachments and interpretation.
    pub sources: Vec<SourceFile>,
    /// The document's own files in the payload: its sealed PDF, its data
    /// (`documents/<id>-<NN>.json`) and its Akoma Ntoso; absent in manifests
    /// written before documents had files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Artifact>,
    /// The verification code of the document's data
    /// (`documents/<id>-<NN>.json`), printed on each of its pages; absent
    /// in manifests written before pages carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
    /// The URL its pages' QR code holds, with that code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRange {
    pub first: u32,
    pub last: u32,
}

/// An input file with its SHA-256: an issue file by its path relative to the
/// issue folder, a template or font by its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
}

impl SourceFile {
    /// Describes `bytes`, known by `path`.
    pub fn of(path: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            path: path.into(),
            sha256: digest::sha256(bytes),
        }
    }
}

/// What the edition was built from and with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildInputs {
    /// `gazette` and its version.
    pub tool: String,
    pub tool_version: String,
    /// issue.toml.
    pub manifest: SourceFile,
    /// Every document, attachment and interpretation file.
    pub sources: Vec<SourceFile>,
    /// The templates compiled into the tool, by name.
    pub templates: Vec<SourceFile>,
    /// Every font the typesetter could use: bundled ones by file name, others by path.
    pub fonts: Vec<SourceFile>,
}

/// The seal's certificate and chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealEntry {
    /// SHA-256 of the seal certificate's DER, lowercase hex.
    pub certificate_sha256: String,
    pub subject: String,
    /// The chain as base64 DER, the seal's certificate first.
    pub chain: Vec<String>,
    /// The chain as files in the package's payload (PEM), in the same order.
    pub chain_files: Vec<String>,
}
