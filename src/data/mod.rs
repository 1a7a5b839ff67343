//! The edition and each of its documents as published JSON data: what a
//! machine reads instead of the printed page, with the same text and
//! structure, and enough to typeset the edition again.
//!
//! [`publish`] turns the model into the files of the package's payload,
//! `edition/<id>.json` ([`EditionData`], schema [`EDITION_SCHEMA`]) and
//! `documents/<id>-<NN>.json` ([`DocumentData`], schema [`DOCUMENT_SCHEMA`]),
//! each pretty-printed in the structs' field order with a final newline, so
//! that the same edition always gives the same bytes. The edition file holds
//! every document's data in full, so that the one file the PDF edition
//! carries is the whole machine edition. [`read_edition`] and
//! [`read_document`] read them back, and [`EditionData::into_edition`] turns
//! them into the model again. Schemas: docs/spec/ (Appendix D), rules: docs/data.md.

use serde::{Deserialize, Serialize};

use crate::model::{
    Attachment, Block, Date, Disclosure, Document, Edition, Fonts, Gazette, Interpretation, Issue,
    Language, Section,
};

/// The schema of a document's data; readers refuse other major versions.
pub const DOCUMENT_SCHEMA: &str = "urn:gazette:schema:document:1";

/// The schema of an edition's data.
pub const EDITION_SCHEMA: &str = "urn:gazette:schema:edition:1";

/// The media type of every data file.
pub const MEDIA_TYPE: &str = "application/json";

/// An edition as data: its identity, the gazette and issue, the typefaces its
/// layout asks for, and its sections with each document's data in full.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionData {
    /// Always [`EDITION_SCHEMA`].
    pub schema: String,
    /// `<gazette id>-<year>-<NN>`, the name of the edition's files.
    pub id: String,
    /// The edition's stable identifier.
    pub uri: String,
    pub gazette: Gazette,
    pub issue: Issue,
    /// The font families each typographic role asks for, as the manifest
    /// gives them: part of the layout, needed to typeset the edition again.
    pub fonts: Fonts,
    pub sections: Vec<SectionData>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionData {
    pub title: String,
    pub documents: Vec<DocumentData>,
}

/// One document as data: where it is published, what it is, and its text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentData {
    /// Always [`DOCUMENT_SCHEMA`].
    pub schema: String,
    /// The document's stable identifier.
    pub uri: String,
    /// The edition that publishes it.
    pub edition: EditionRef,
    /// Its place in the edition, 1 for the first, counted across sections.
    pub position: usize,
    /// The title of the section it is published in.
    pub section: String,
    pub metadata: Metadata,
    /// The issue file it was typeset from, relative to the issue folder.
    pub source: String,
    pub body: Vec<Block>,
    pub attachments: Vec<Attachment>,
    pub interpretation: Option<InterpretationData>,
}

/// An edition named by a document: its file name and its identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionRef {
    pub id: String,
    pub uri: String,
}

/// What a document is, as its 版头 and 版记 say.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub title: String,
    /// 发文字号.
    pub number: Option<String>,
    pub issuer: String,
    /// 主送机关.
    pub addressees: Option<String>,
    /// 成文日期.
    pub date: Date,
    /// 公开属性.
    pub disclosure: Disclosure,
    pub signatory: Option<String>,
    pub language: Language,
}

/// A document's 政策解读, naming the document it interprets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterpretationData {
    /// Its own identifier: [`interpretation_uri`] of the document's.
    pub uri: String,
    /// The identifier of the document it interprets.
    pub interprets: String,
    pub title: String,
    pub source: String,
    pub body: Vec<Block>,
}

/// A data file of the package's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Relative to the payload (`data/`), `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every data file of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// `edition/<id>.json`.
    pub edition: DataFile,
    /// `documents/<id>-<NN>.json`, in the documents' order.
    pub documents: Vec<DataFile>,
}

/// The edition's data file: `edition/<id>.json` in the payload.
pub fn edition_path(id: &str) -> String {
    format!("edition/{id}.json")
}

/// The data file of the document at `position` (from 1):
/// `documents/<id>-<NN>.json`.
pub fn document_path(id: &str, position: usize) -> String {
    format!("documents/{id}-{position:02}.json")
}

/// The identifier of the interpretation of the document `document`: one
/// more segment of the same kind as the document's own.
pub fn interpretation_uri(document: &str) -> String {
    if document.starts_with("urn:") {
        format!("{document}:interpretation")
    } else {
        format!("{document}/interpretation")
    }
}

/// The edition's data files.
pub fn publish(edition: &Edition) -> Published {
    let data = EditionData::of(edition);
    let documents = data
        .sections
        .iter()
        .flat_map(|section| &section.documents)
        .map(|document| DataFile {
            path: document_path(&edition.id, document.position),
            bytes: to_json(document),
        })
        .collect();
    Published {
        edition: DataFile {
            path: edition_path(&edition.id),
            bytes: data.to_json(),
        },
        documents,
    }
}

/// Pretty JSON in the structs' field order, then a newline.
fn to_json(value: &impl Serialize) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(value)
        .unwrap_or_else(|e| unreachable!("the data holds only structs, strings and numbers: {e}"));
    json.push(b'\n');
    json
}

/// Why data could not be read.
#[derive(Debug)]
pub enum DataError {
    /// Not JSON of the schema's form.
    Json(serde_json::Error),
    /// Data of another schema, named.
    Schema(String),
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::Json(error) => write!(f, "it is not gazette data: {error}"),
            DataError::Schema(schema) => write!(
                f,
                "it follows the schema {schema:?}, not {EDITION_SCHEMA} or {DOCUMENT_SCHEMA}"
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// An edition's data file, read back.
pub fn read_edition(json: &[u8]) -> Result<EditionData, DataError> {
    let data: EditionData = serde_json::from_slice(json).map_err(DataError::Json)?;
    if data.schema != EDITION_SCHEMA {
        return Err(DataError::Schema(data.schema));
    }
    let mut documents = data.sections.iter().flat_map(|s| &s.documents);
    match documents.find(|d| d.schema != DOCUMENT_SCHEMA) {
        Some(document) => Err(DataError::Schema(document.schema.clone())),
        None => Ok(data),
    }
}

/// A document's data file, read back.
pub fn read_document(json: &[u8]) -> Result<DocumentData, DataError> {
    let data: DocumentData = serde_json::from_slice(json).map_err(DataError::Json)?;
    if data.schema == DOCUMENT_SCHEMA {
        Ok(data)
    } else {
        Err(DataError::Schema(data.schema))
    }
}

impl EditionData {
    /// The data of `edition`.
    pub fn of(edition: &Edition) -> Self {
        let at = EditionRef {
            id: edition.id.clone(),
            uri: edition.uri.clone(),
        };
        let mut position = 0;
        let sections = edition
            .sections
            .iter()
            .map(|section| SectionData {
                title: section.title.clone(),
                documents: section
                    .documents
                    .iter()
                    .map(|document| {
                        position += 1;
                        DocumentData::of(document, &at, position, &section.title)
                    })
                    .collect(),
            })
            .collect();
        EditionData {
            schema: EDITION_SCHEMA.to_owned(),
            id: edition.id.clone(),
            uri: edition.uri.clone(),
            gazette: edition.gazette.clone(),
            issue: edition.issue.clone(),
            fonts: edition.fonts.clone(),
            sections,
        }
    }

    /// The published bytes.
    pub fn to_json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// The edition again, as the manifest gave it, but for what the data
    /// does not carry: who seals it and the issue's own templates.
    pub fn into_edition(self) -> Edition {
        Edition {
            id: self.id,
            uri: self.uri,
            gazette: self.gazette,
            issue: self.issue,
            fonts: self.fonts,
            seal: None,
            templates: None,
            sections: self
                .sections
                .into_iter()
                .map(|section| Section {
                    title: section.title,
                    documents: section
                        .documents
                        .into_iter()
                        .map(DocumentData::into_document)
                        .collect(),
                })
                .collect(),
        }
    }
}

impl DocumentData {
    /// The data of `document`, published at `position` in section `section`
    /// of the edition `edition`.
    pub fn of(document: &Document, edition: &EditionRef, position: usize, section: &str) -> Self {
        DocumentData {
            schema: DOCUMENT_SCHEMA.to_owned(),
            uri: document.uri.clone(),
            edition: edition.clone(),
            position,
            section: section.to_owned(),
            metadata: Metadata {
                title: document.title.clone(),
                number: document.number.clone(),
                issuer: document.issuer.clone(),
                addressees: document.addressees.clone(),
                date: document.date,
                disclosure: document.disclosure,
                signatory: document.signatory.clone(),
                language: document.language.clone(),
            },
            source: document.source.clone(),
            body: document.body.clone(),
            attachments: document.attachments.clone(),
            interpretation: document.interpretation.as_ref().map(|interpretation| {
                InterpretationData {
                    uri: interpretation_uri(&document.uri),
                    interprets: document.uri.clone(),
                    title: interpretation.title.clone(),
                    source: interpretation.source.clone(),
                    body: interpretation.body.clone(),
                }
            }),
        }
    }

    /// The document again, as the model holds it.
    pub fn into_document(self) -> Document {
        let Metadata {
            title,
            number,
            issuer,
            addressees,
            date,
            disclosure,
            signatory,
            language,
        } = self.metadata;
        Document {
            uri: self.uri,
            source: self.source,
            title,
            title_lines: None,
            number,
            issuer,
            addressees,
            date,
            disclosure,
            signatory,
            language,
            body: self.body,
            attachments: self.attachments,
            interpretation: self.interpretation.map(|i| Interpretation {
                title: i.title,
                title_lines: None,
                source: i.source,
                body: i.body,
            }),
        }
    }
}

#[cfg(test)]
mod tests;
