//! The package's published data (clause 4.4) against the format and the
//! signed manifest: each data file in its schema's form (DATA-1, DATA-2),
//! naming its schema (DATA-3), written as the format writes JSON (DATA-4),
//! each document's data the same in the edition's file as in its own
//! (DATA-6), and naming its document, edition and interpretation as the
//! manifest and the identifier rules do (DATA-7, DATA-8). Readers' tools
//! take the data for the edition, so data that breaks one of these makes the
//! package INVALID, sealed or not (VER-77). A file that changed after
//! sealing is told as a change, not judged here.
//!
//! The schemas' form is checked as gazette's data model reads it (members,
//! their types, nothing more): enough to tell data of another shape, while
//! the schemas' patterns are left to a JSON Schema validator (notes.md).

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::container::Files;
use super::{Outcome, unchanged};
use crate::data::{
    self, DOCUMENT_SCHEMA, DocumentData, EDITION_SCHEMA, EditionData, interpretation_uri,
};
use crate::package::manifest::{DocumentEntry, VerificationManifest};
use crate::verify::FindingCode;

/// A UTF-8 byte order mark, which DATA-4 forbids.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks the edition's data file and each document's that did not change.
pub(super) fn check(
    files: &Files,
    manifest: &VerificationManifest,
    changed: &HashSet<String>,
    outcome: &mut Outcome,
) {
    let id = &manifest.edition.id;
    let read = |path: &str| unchanged(files, changed, path);
    let edition_path = data::edition_path(id);
    let edition = read(&edition_path).and_then(|bytes| {
        let value = judge(&edition_path, bytes, EDITION_SCHEMA, outcome)?;
        if let Err(error) = form::<EditionData>(bytes) {
            outcome.invalid(
                FindingCode::DataFile,
                format!("data/{edition_path} is not in the edition schema's form: {error}"),
            );
        }
        Some(value)
    });
    let in_edition: Vec<&Value> = edition
        .iter()
        .flat_map(|edition| array(&edition["sections"]))
        .flat_map(|section| array(&section["documents"]))
        .collect();
    for (index, entry) in manifest.documents.iter().enumerate() {
        let position = index + 1;
        let path = data::document_path(id, position);
        if !entry.files.iter().any(|file| file.path == path) {
            continue;
        }
        let Some(bytes) = read(&path) else {
            continue;
        };
        let Some(value) = judge(&path, bytes, DOCUMENT_SCHEMA, outcome) else {
            continue;
        };
        // A document equal to its copy in the edition's data has the form the
        // edition's was read in already; only another one is read again.
        let as_in_edition = in_edition.get(index) == Some(&&value);
        if !as_in_edition && let Err(error) = form::<DocumentData>(bytes) {
            outcome.invalid(
                FindingCode::DataFile,
                format!("data/{path} is not in the document schema's form: {error}"),
            );
        }
        for why in identities(&value, manifest, entry, position) {
            outcome.invalid(FindingCode::DataFile, format!("data/{path} {why}"));
        }
        if edition.is_some() && !as_in_edition {
            outcome.invalid(
                FindingCode::DataFile,
                format!(
                    "data/{path} is not the document the edition's data data/{edition_path} \
                     gives as its document {position} (DATA-6)"
                ),
            );
        }
    }
}

/// Whether `bytes` read as the schema's form, as gazette's data model reads
/// it; read from the bytes, not from their JSON value, which would be copied.
fn form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes.strip_prefix(BOM).unwrap_or(bytes))
}

/// One data file's encoding and schema member; its JSON, when it is JSON.
fn judge(path: &str, bytes: &[u8], schema: &str, outcome: &mut Outcome) -> Option<Value> {
    let mut invalid =
        |why: String| outcome.invalid(FindingCode::DataFile, format!("data/{path} {why}"));
    if bytes.starts_with(BOM) {
        invalid("starts with a byte order mark (DATA-4)".to_owned());
    }
    if bytes.contains(&b'\r') {
        invalid("has CR line ends, not LF alone (DATA-4)".to_owned());
    }
    if !bytes.ends_with(b"\n") || bytes.ends_with(b"\n\n") {
        invalid("does not end with exactly one LF (DATA-4)".to_owned());
    }
    let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let value: Value = match serde_json::from_slice(text) {
        Ok(value) => value,
        Err(error) => {
            invalid(format!("is not UTF-8 JSON: {error} (DATA-4)"));
            return None;
        }
    };
    if value["schema"] != schema {
        invalid(format!(
            "gives its schema as {}, not {schema} (DATA-3)",
            value["schema"]
        ));
    }
    Some(value)
}

/// What a document's data says it is, against the manifest and the
/// identifier rules (DATA-7, DATA-8).
fn identities(
    value: &Value,
    manifest: &VerificationManifest,
    entry: &DocumentEntry,
    position: usize,
) -> Vec<String> {
    let edition = &manifest.edition;
    let mut found = Vec::new();
    let mut differs = |member: &str, given: &Value, expected: Value| {
        if *given != expected {
            found.push(format!(
                "gives its {member} as {given}, not {expected}, as manifest.json does (DATA-7)"
            ));
        }
    };
    if let Some(uri) = &entry.uri {
        differs("uri", &value["uri"], Value::from(uri.as_str()));
    }
    differs("position", &value["position"], Value::from(position));
    differs(
        "edition.id",
        &value["edition"]["id"],
        Value::from(edition.id.as_str()),
    );
    differs(
        "edition.uri",
        &value["edition"]["uri"],
        Value::from(edition.uri.as_str()),
    );
    let interpretation = &value["interpretation"];
    if let (Some(uri), true) = (value["uri"].as_str(), interpretation.is_object()) {
        let own = interpretation_uri(uri);
        if interpretation["uri"] != own.as_str() {
            found.push(format!(
                "gives its interpretation the identifier {}, not {own} (DATA-8, ID-6)",
                interpretation["uri"]
            ));
        }
        if interpretation["interprets"] != uri {
            found.push(format!(
                "says its interpretation interprets {}, not the document {uri} (DATA-8)",
                interpretation["interprets"]
            ));
        }
    }
    found
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}
