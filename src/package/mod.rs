//! The archival package: the signed verification manifest and a BagIt bag
//! holding the editions, their sources and every certificate needed to check
//! them, for archives to ingest and re-verify without gazette.
//!
//! [`verification_manifest`] describes an edition: its files and digests,
//! where each document sits in the PDF and the EPUB, and what it was built
//! from. [`build`] writes that description as `manifest.json`, seals it with a
//! detached CMS signature ([`cades`]: time-stamped and with revocation values
//! when the seal is long-term), and lays everything out as a BagIt 1.0 bag,
//! both as files and as one reproducible zip. At B-LTA the bag gets its
//! first archive timestamp ([`evidence`]), and [`extend`] renews it later.
//! The layout, for archivists and for the verifier, is in docs/package.md.

mod archive;
mod bag;
pub mod cades;
mod certificates;
mod describe;
mod evidence;
pub mod extend;
pub mod manifest;
mod pages;
mod sources;

pub use pages::document_pages;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::path::Path;

use crate::akn::{self, Akn};
use crate::cms::CmsError;
use crate::data::Published;
use crate::diagnostic::BUG;
use crate::model::{Edition, PageMap};
use crate::seal::{Level, LongTerm, Seal, Sealer};
use crate::zipped::Deflated;

use bag::BagFile;
use certificates::SealCertificates;
use manifest::VerificationManifest;
use sources::IssueFiles;

/// Everything a package is made of, as `gazette build` has it at the end.
#[derive(Clone, Copy)]
pub struct PackageInputs<'a> {
    pub edition: &'a Edition,
    /// The issue folder: the document, attachment and interpretation paths of
    /// `edition` are relative to it.
    pub issue_root: &'a Path,
    /// The issue manifest's file name in `issue_root`, normally `issue.toml`.
    pub manifest_name: &'a str,
    /// Where the PDF's pages begin in the text, as the typesetter reported it.
    pub page_map: &'a PageMap,
    /// The finished (sealed, when sealing) PDF edition.
    pub pdf: &'a [u8],
    /// The finished EPUB edition.
    pub epub: &'a [u8],
    /// The edition's published data (`crate::data`), the bytes the PDF
    /// carries; `None` for a package of the editions alone.
    pub data: Option<&'a Published>,
    /// The edition's and each document's Akoma Ntoso (`crate::akn`), the
    /// bytes the PDF carries.
    pub akn: &'a Akn,
    /// Each document's own files (its sealed PDF), listed under the document
    /// in manifest.json and packaged beside the editions.
    pub document_files: &'a [DocumentFile],
    /// The templates compiled into the tool: name and source.
    pub templates: &'a [(&'a str, &'a [u8])],
    /// Every font the typesetter could use: name (bundled) or path, and
    /// SHA-256 in lowercase hex.
    pub fonts: &'a [(String, String)],
    /// Who seals manifest.json, and whose certificates the package carries;
    /// `None` when the edition is not sealed.
    pub sealer: Option<Sealer<'a>>,
    /// How far manifest.json's seal is carried: B-T time-stamps it, B-LT adds
    /// revocation values, B-LTA the package's first archive timestamp;
    /// `None` (or B-B) for the signature alone.
    pub long_term: Option<LongTerm<'a>>,
    /// This tool's version, `env!("CARGO_PKG_VERSION")`.
    pub tool_version: &'a str,
    /// Files deflated ahead for the zip, such as the data while the editions
    /// were made; any file not among them is deflated when the zip is written.
    pub deflated: &'a [Deflated<'a>],
}

/// A file of one document's own, such as its PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    /// The document's index in the edition, counted from 0 across sections.
    pub document: usize,
    /// The path in the payload and in the edition folder, from [`document_file`].
    pub path: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Where the file of the edition's `position`th document (from 1) with
/// `extension` goes: `documents/<id>-<NN>.<extension>`, `NN` at least two
/// digits, the last segment of the document's URI.
pub fn document_file(id: &str, position: usize, extension: &str) -> String {
    format!("documents/{id}-{position:02}.{extension}")
}

/// A built package, ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The bag's files, paths relative to the bag folder `<id>.bag/`, in the
    /// zip's order: `bagit.txt`, `bag-info.txt`, `data/...` by path, the
    /// manifests, the tag manifests.
    pub files: Vec<(String, Vec<u8>)>,
    /// `<id>.bag.zip`: the same files under the top folder `<id>.bag/`.
    pub zip: Vec<u8>,
    /// `data/manifest.json`.
    pub manifest_json: Vec<u8>,
    /// `data/manifest.json.p7s`, the detached CMS signature over
    /// `manifest_json`, when sealed.
    pub signature: Option<Vec<u8>>,
}

/// The bag folder's name for edition `id`: `<id>.bag`.
pub fn bag_folder_name(id: &str) -> String {
    format!("{id}.bag")
}

/// The zip's file name for edition `id`: `<id>.bag.zip`.
pub fn zip_name(id: &str) -> String {
    format!("{}.zip", bag_folder_name(id))
}

/// Describes the edition for manifest.json, reading the issue's files for
/// their digests.
pub fn verification_manifest(inputs: &PackageInputs) -> Result<VerificationManifest, PackageError> {
    described(inputs).map(|described| described.manifest)
}

/// The manifest, and the issue's files and seal certificates it describes.
struct Described {
    manifest: VerificationManifest,
    files: IssueFiles,
    certificates: Option<SealCertificates>,
}

fn described(inputs: &PackageInputs) -> Result<Described, PackageError> {
    let files = IssueFiles::read(inputs.issue_root, inputs.manifest_name, inputs.edition)?;
    let certificates = inputs
        .sealer
        .map(|sealer| SealCertificates::new(sealer.chain))
        .transpose()?;
    let seal_entry = certificates.as_ref().map(|c| c.entry.clone());
    let manifest = describe::verification_manifest(inputs, &files, inputs.akn, seal_entry)?;
    Ok(Described {
        manifest,
        files,
        certificates,
    })
}

/// manifest.json's bytes: pretty JSON in the schema's field order, then a
/// newline. The same manifest always gives the same bytes.
pub fn manifest_json(manifest: &VerificationManifest) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(manifest)
        .expect("the manifest holds only structs, strings and numbers, which always serialise");
    json.push(b'\n');
    json
}

/// `manifest.json.p7s` for the manifest `json`, sealed by `seal` and carried
/// to its level as [`build`] carries it, B-LT at most: what B-LTA adds is the
/// package's archive timestamp, not the signature's. For a producer that
/// seals a manifest it wrote itself.
pub fn seal_manifest(json: &[u8], seal: &Seal) -> Result<Vec<u8>, PackageError> {
    let long_term = seal.long_term().map(|l| LongTerm {
        level: l.level.min(Level::Lt),
        ..l
    });
    cades::seal_manifest(json, &seal.sealer(), long_term).map(|sealed| sealed.signature)
}

/// Builds the package: manifest.json, its signature when sealing, and the
/// bag as files and as a zip.
pub fn build(inputs: &PackageInputs) -> Result<Package, PackageError> {
    let Described {
        manifest,
        files,
        certificates,
    } = described(inputs)?;
    let manifest_json = manifest_json(&manifest);
    let sealed = inputs
        .sealer
        .map(|sealer| cades::seal_manifest(&manifest_json, &sealer, inputs.long_term))
        .transpose()?;
    let signature = sealed.as_ref().map(|sealed| sealed.signature.clone());

    let payload = payload(
        &manifest,
        inputs,
        files,
        &manifest_json,
        signature.as_deref(),
        certificates,
    );
    let artifacts: Vec<manifest::Artifact> = manifest
        .artifacts
        .iter()
        .chain(manifest.documents.iter().flat_map(|d| &d.files))
        .cloned()
        .collect();
    let mut bag_files = bag::assemble(&manifest.edition, inputs.tool_version, payload, &artifacts)?;
    bag_files.extend(first_archive_timestamp(
        inputs,
        sealed.as_ref(),
        &bag_files,
    )?);
    let bag_files = bag::tagged(bag_files);
    let zip = archive::zip(
        &bag_folder_name(&manifest.edition.id),
        &bag_files,
        inputs.edition.issue.date,
        inputs.deflated,
    )?;
    Ok(Package {
        files: bag_files,
        zip,
        manifest_json,
        signature,
    })
}

/// At B-LTA, renewal 1 of the bag `files`: the revocation evidence gathered
/// for manifest.json's seal, and an archive timestamp over all of it.
fn first_archive_timestamp(
    inputs: &PackageInputs,
    sealed: Option<&cades::SealedManifest>,
    files: &[bag::BagFile],
) -> Result<Vec<bag::BagFile>, PackageError> {
    let Some(long_term) = inputs.long_term.filter(|l| l.level == Level::Lta) else {
        return Ok(Vec::new());
    };
    let (Some(sealer), Some((token, revocation))) =
        (inputs.sealer, sealed.and_then(|s| s.lasting.as_ref()))
    else {
        return Ok(Vec::new());
    };
    let known: Vec<Vec<u8>> = sealer
        .chain
        .iter()
        .chain(&token.tsa_certificates)
        .chain(&revocation.certificates)
        .cloned()
        .collect();
    let renewal = evidence::renew(files, 1, revocation, long_term.authorities, &known)?;
    Ok(renewal.files)
}

/// The payload, paths relative to `data/`: the editions where manifest.json
/// says they are, each document's own PDF, the data and Akoma Ntoso,
/// manifest.json and its signature, the certificates and the issue's files
/// under `source/`.
fn payload(
    manifest: &VerificationManifest,
    inputs: &PackageInputs,
    files: IssueFiles,
    manifest_json: &[u8],
    signature: Option<&[u8]>,
    certificates: Option<SealCertificates>,
) -> Vec<BagFile> {
    let id = &inputs.edition.id;
    let mut payload: Vec<BagFile> = manifest
        .artifacts
        .iter()
        .zip([inputs.pdf, inputs.epub])
        .map(|(artifact, bytes)| (artifact.path.clone(), bytes.to_vec()))
        .collect();
    payload.extend(
        inputs
            .document_files
            .iter()
            .map(|file| (file.path.clone(), file.bytes.clone())),
    );
    payload.extend(
        inputs
            .data
            .into_iter()
            .flat_map(|data| std::iter::once(&data.edition).chain(&data.documents))
            .map(|file| (file.path.clone(), file.bytes.clone())),
    );
    payload.push((akn::edition_path(id), inputs.akn.edition.clone()));
    payload.extend(
        inputs
            .akn
            .documents
            .iter()
            .enumerate()
            .map(|(index, bytes)| (akn::document_path(id, index + 1), bytes.clone())),
    );
    payload.push(("manifest.json".to_owned(), manifest_json.to_vec()));
    payload.extend(signature.map(|signature| ("manifest.json.p7s".to_owned(), signature.to_vec())));
    payload.extend(certificates.into_iter().flat_map(|c| c.files));
    payload.extend(
        std::iter::once(files.manifest)
            .chain(files.sources)
            .map(|file| (format!("source/{}", file.path), file.bytes)),
    );
    payload
}

/// Why a package could not be made.
#[derive(Debug)]
pub enum PackageError {
    /// A file of the issue folder could not be read.
    Source { path: String, error: io::Error },
    /// A path that cannot name a file in the package.
    Path(String),
    /// The page map does not fit the edition.
    PageMap(String),
    /// Edition metadata that bag-info.txt cannot carry.
    Metadata(String),
    /// The seal's certificates cannot be read.
    Seal(String),
    /// manifest.json could not be signed.
    Signature(CmsError),
    /// The time-stamp authority gave no archive timestamp.
    Timestamp(String),
    /// Revocation evidence for the package could not be had.
    Revocation(String),
    /// A package cannot be renewed: not a sealed bag, not intact, or not
    /// readable or writable.
    Extend(String),
    /// The zip could not be written.
    Zip(String),
    /// gazette contradicted itself.
    Bug(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Source { path, error } => write!(
                f,
                "cannot read {path} for the archival package ({error}); check that the issue \
                 folder has not changed since the edition was read"
            ),
            PackageError::Path(message)
            | PackageError::PageMap(message)
            | PackageError::Metadata(message)
            | PackageError::Seal(message)
            | PackageError::Zip(message)
            | PackageError::Extend(message) => f.write_str(message),
            PackageError::Timestamp(why) => write!(f, "cannot time-stamp the package: {why}"),
            PackageError::Revocation(why) => {
                write!(f, "cannot gather the package's revocation evidence: {why}")
            }
            PackageError::Signature(error) => {
                write!(f, "cannot sign the package's manifest.json: {error}")
            }
            PackageError::Bug(message) => write!(f, "{message}; {BUG}"),
        }
    }
}

impl std::error::Error for PackageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PackageError::Source { error, .. } => Some(error),
            PackageError::Signature(error) => Some(error),
            _ => None,
        }
    }
}
