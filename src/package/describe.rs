//! manifest.json's content, from the build's inputs: the edition's identity,
//! its files (the two editions, the edition's data and Akoma Ntoso), where
//! each document sits in them and its own files, and what they were built
//! from.

use rayon::prelude::*;

use super::manifest::{
    Artifact, BuildInputs, DocumentEntry, EditionIdentity, PageRange, SCHEMA, SealEntry,
    SourceFile, VerificationManifest,
};
use super::sources::{IssueFiles, document_sources};
use super::{PackageError, PackageInputs, pages};
use crate::akn::{self, Akn};
use crate::data::{self, DataFile};
use crate::epub;
use crate::model::{Disclosure, Document, Edition};
use crate::verification_code::PageCheck;

/// The tool that writes the package, as manifest.json and bag-info.txt name it.
pub(super) const TOOL: &str = "gazette";

pub(super) fn verification_manifest(
    inputs: &PackageInputs,
    files: &IssueFiles,
    akn: &Akn,
    seal: Option<SealEntry>,
) -> Result<VerificationManifest, PackageError> {
    let edition = inputs.edition;
    // Digesting the editions and the documents' files is most of what
    // describing costs: the two are digested side by side.
    let (editions, documents) = rayon::join(
        || {
            [
                Artifact::of(
                    format!("edition/{}.pdf", edition.id),
                    "application/pdf",
                    inputs.pdf,
                ),
                Artifact::of(
                    format!("edition/{}.epub", edition.id),
                    "application/epub+zip",
                    inputs.epub,
                ),
            ]
        },
        || documents(inputs, files, akn),
    );
    let data = inputs.data.map(|data| &data.edition).map(data_artifact);
    let (verification_code, verify_url) = inputs
        .data
        .map(|data| verification(edition, &edition.uri, &data.edition))
        .unzip();
    Ok(VerificationManifest {
        schema: SCHEMA.to_owned(),
        edition: identity(edition),
        artifacts: editions
            .into_iter()
            .chain(data)
            .chain([Artifact::of(
                akn::edition_path(&edition.id),
                akn::MEDIA_TYPE,
                &akn.edition,
            )])
            .collect(),
        documents: documents?,
        build: build_inputs(inputs, files),
        seal,
        verification_code,
        verify_url,
    })
}

/// The verification code of the published `file` of what `uri` identifies,
/// and the URL its pages' QR code holds.
fn verification(edition: &Edition, uri: &str, file: &DataFile) -> (String, String) {
    let PageCheck { code, url } = PageCheck::of(&edition.gazette, uri, &file.bytes);
    (code, url)
}

fn identity(edition: &Edition) -> EditionIdentity {
    EditionIdentity {
        id: edition.id.clone(),
        uri: edition.uri.clone(),
        gazette: edition.gazette.id.clone(),
        title: edition.gazette.title.clone(),
        publisher: edition.gazette.publisher.clone(),
        issn: edition.gazette.issn.clone(),
        year: edition.issue.year,
        number: edition.issue.number,
        running: edition.issue.running,
        date: edition.issue.date.iso(),
        language: edition.gazette.language.tag.clone(),
    }
}

fn data_artifact(file: &DataFile) -> Artifact {
    Artifact::of(file.path.clone(), data::MEDIA_TYPE, &file.bytes)
}

fn documents(
    inputs: &PackageInputs,
    files: &IssueFiles,
    akn: &Akn,
) -> Result<Vec<DocumentEntry>, PackageError> {
    let pages = pages::document_pages(inputs.edition, inputs.page_map)?;
    let located: Vec<(&Document, String)> = inputs
        .edition
        .sections
        .iter()
        .enumerate()
        .flat_map(|(section, s)| {
            s.documents
                .iter()
                .enumerate()
                .map(move |(index, document)| (document, epub::document_path(section, index)))
        })
        .collect();
    let data = inputs.data.map(|data| data.documents.as_slice());
    let id = &inputs.edition.id;
    located
        .into_par_iter()
        .zip(pages)
        .zip(&akn.documents)
        .enumerate()
        .map(|(index, (((document, epub_file), pdf_pages), akn))| {
            let mut entry = entry(document, pdf_pages, epub_file, files)?;
            entry.files = own_files(inputs, index);
            if let Some(file) = data.and_then(|data| data.get(index)) {
                entry.files.push(data_artifact(file));
                let (code, url) = verification(inputs.edition, &document.uri, file);
                entry.verification_code = Some(code);
                entry.verify_url = Some(url);
            }
            let path = akn::document_path(id, index + 1);
            entry.files.push(Artifact::of(path, akn::MEDIA_TYPE, akn));
            Ok(entry)
        })
        .collect()
}

/// The files of the `index`th document's own.
fn own_files(inputs: &PackageInputs, index: usize) -> Vec<Artifact> {
    inputs
        .document_files
        .iter()
        .filter(|file| file.document == index)
        .map(|file| Artifact::of(file.path.clone(), file.media_type, &file.bytes))
        .collect()
}

fn entry(
    document: &Document,
    pdf_pages: PageRange,
    epub_file: String,
    files: &IssueFiles,
) -> Result<DocumentEntry, PackageError> {
    let sources = document_sources(document)
        .map(|path| source_file(files, path))
        .collect::<Result<_, _>>()?;
    Ok(DocumentEntry {
        uri: Some(document.uri.clone()),
        title: document.title.clone(),
        number: document.number.clone(),
        issuer: document.issuer.clone(),
        date: document.date.iso(),
        disclosure: disclosure(document.disclosure).to_owned(),
        language: document.language.tag.clone(),
        pdf_pages,
        epub_file,
        sources,
        files: Vec::new(),
        verification_code: None,
        verify_url: None,
    })
}

fn source_file(files: &IssueFiles, path: &str) -> Result<SourceFile, PackageError> {
    let file = files.source(path).ok_or_else(|| {
        PackageError::Bug(format!("\"{path}\" was not read from the issue folder"))
    })?;
    Ok(SourceFile::of(path, &file.bytes))
}

/// 公开属性 as the model serialises it.
fn disclosure(disclosure: Disclosure) -> &'static str {
    match disclosure {
        Disclosure::Proactive => "proactive",
        Disclosure::OnRequest => "on-request",
        Disclosure::Withheld => "withheld",
    }
}

fn build_inputs(inputs: &PackageInputs, files: &IssueFiles) -> BuildInputs {
    BuildInputs {
        tool: TOOL.to_owned(),
        tool_version: inputs.tool_version.to_owned(),
        manifest: SourceFile::of(&files.manifest.path, &files.manifest.bytes),
        sources: files
            .sources
            .iter()
            .map(|file| SourceFile::of(&file.path, &file.bytes))
            .collect(),
        templates: sorted_by_name(
            inputs
                .templates
                .iter()
                .map(|&(name, bytes)| SourceFile::of(name, bytes))
                .collect(),
        ),
        fonts: sorted_by_name(
            inputs
                .fonts
                .iter()
                .map(|(path, sha256)| SourceFile {
                    path: path.clone(),
                    sha256: sha256.clone(),
                })
                .collect(),
        ),
    }
}

/// Named inputs in name order, whatever order the caller found them in.
fn sorted_by_name(mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    files.sort_by(|a, b| (&a.path, &a.sha256).cmp(&(&b.path, &b.sha256)));
    files
}
