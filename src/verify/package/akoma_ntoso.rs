//! The package's Akoma Ntoso files (clause 4.5) against the format and the
//! signed manifest: the edition file an `<officialGazette>` whose components
//! are the documents in printed order (AKN-2), each document a `<statement>`
//! named for its genre (AKN-3), identified by its URI as it is (AKN-4) and
//! expressed in Chinese on the issue date (AKN-5), every eId once (AKN-6),
//! and a document's interpretation linked both ways (AKN-7). Legal
//! information systems cite and link by these, so a file that breaks one
//! makes the package INVALID, sealed or not (VER-78). A file that changed
//! after sealing is told as a change, not judged here; validity against the
//! OASIS schema (AKN-1) is left to a schema validator (notes.md).

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::container::Files;
use super::{Outcome, unchanged};
use crate::akn;
use crate::package::manifest::VerificationManifest;
use crate::verify::FindingCode;

/// What the checks read of one Akoma Ntoso file.
#[derive(Default)]
struct Outline {
    /// The document element inside `<akomaNtoso>`, and its `name`.
    document: Option<(String, String)>,
    /// The first `FRBRWork`'s `FRBRthis` and `FRBRuri`, the first
    /// `FRBRExpression`'s `FRBRthis`: the document's own.
    work_this: Option<String>,
    work_uri: Option<String>,
    expression_this: Option<String>,
    /// The first `FRBRWork` `FRBRthis` inside each `<component>`.
    components: Vec<Option<String>>,
    eids: Vec<String>,
    /// `(type, href)` of each `hasAttachment` and `attachmentOf`.
    has_attachment: Vec<(String, String)>,
    attachment_of: Vec<(String, String)>,
}

/// Checks the edition's Akoma Ntoso file and each document's that did not
/// change.
pub(super) fn check(
    files: &Files,
    manifest: &VerificationManifest,
    changed: &HashSet<String>,
    outcome: &mut Outcome,
) {
    let id = &manifest.edition.id;
    let read = |path: &str| unchanged(files, changed, path);
    let mut invalid = |path: &str, why: String| {
        outcome.invalid(FindingCode::AkomaNtoso, format!("data/{path} {why}"));
    };
    let edition_path = akn::edition_path(id);
    if let Some(bytes) = read(&edition_path) {
        match outline(bytes) {
            None => invalid(&edition_path, "is not well-formed XML (AKN-1)".to_owned()),
            Some(outline) => {
                for why in edition_breaks(&outline, manifest) {
                    invalid(&edition_path, why);
                }
            }
        }
    }
    for (index, entry) in manifest.documents.iter().enumerate() {
        let path = akn::document_path(id, index + 1);
        if !entry.files.iter().any(|file| file.path == path) {
            continue;
        }
        let (Some(bytes), Some(uri)) = (read(&path), entry.uri.as_deref()) else {
            continue;
        };
        let Some(outline) = outline(bytes) else {
            invalid(&path, "is not well-formed XML (AKN-1)".to_owned());
            continue;
        };
        let interpreted = interpreted(files, changed, id, index + 1);
        let expected = Document {
            uri,
            genre: akn::genre(&entry.title),
            date: &manifest.edition.date,
            interpreted,
        };
        for why in document_breaks(&outline, &expected) {
            invalid(&path, why);
        }
    }
}

fn edition_breaks(outline: &Outline, manifest: &VerificationManifest) -> Vec<String> {
    let mut found = Vec::new();
    match &outline.document {
        Some((element, _)) if element == "officialGazette" => {}
        other => found.push(format!(
            "holds {}, not an <officialGazette> (AKN-2)",
            described(other)
        )),
    }
    let expected: Vec<Option<&str>> = manifest
        .documents
        .iter()
        .map(|d| d.uri.as_deref())
        .collect();
    let given: Vec<Option<&str>> = outline.components.iter().map(Option::as_deref).collect();
    if given != expected {
        found.push(format!(
            "holds as its components {}, not the documents of manifest.json in their printed \
             order, {} (AKN-2)",
            listed(&given),
            listed(&expected)
        ));
    }
    found.extend(duplicate_eid(outline));
    found
}

/// What manifest.json and the data say of one document.
struct Document<'a> {
    uri: &'a str,
    genre: &'static str,
    date: &'a str,
    interpreted: bool,
}

fn document_breaks(outline: &Outline, expected: &Document<'_>) -> Vec<String> {
    let mut found = Vec::new();
    let uri = expected.uri;
    match &outline.document {
        Some((element, name)) if element == "statement" && name == expected.genre => {}
        other => found.push(format!(
            "holds {}, not a <statement name=\"{}\"> as its title's genre asks (AKN-3)",
            described(other),
            expected.genre
        )),
    }
    for (what, given) in [
        ("FRBRthis", &outline.work_this),
        ("FRBRuri", &outline.work_uri),
    ] {
        if given.as_deref() != Some(uri) {
            found.push(format!(
                "gives its FRBRWork {what} as {}, not the document's URI {uri} (AKN-4)",
                given.as_deref().unwrap_or("nothing")
            ));
        }
    }
    let expression = format!("{uri}/zho@{}", expected.date);
    if outline.expression_this.as_deref() != Some(expression.as_str()) {
        found.push(format!(
            "gives its FRBRExpression FRBRthis as {}, not {expression} (AKN-5)",
            outline.expression_this.as_deref().unwrap_or("nothing")
        ));
    }
    found.extend(duplicate_eid(outline));
    if expected.interpreted {
        let link = |kind: &str, href: &str| (kind.to_owned(), href.to_owned());
        let to = link("interpretation", &format!("{uri}/!interpretation"));
        if !outline.has_attachment.contains(&to) {
            found.push(format!(
                "does not reference its interpretation with <hasAttachment \
                 type=\"interpretation\" href=\"{}\"> (AKN-7)",
                to.1
            ));
        }
        if !outline.attachment_of.contains(&link("interpretation", uri)) {
            found.push(format!(
                "holds an interpretation that does not name its document with <attachmentOf \
                 type=\"interpretation\" href=\"{uri}\"> (AKN-7)"
            ));
        }
    }
    found
}

fn duplicate_eid(outline: &Outline) -> Option<String> {
    let mut seen = HashSet::new();
    let twice = outline.eids.iter().find(|eid| !seen.insert(eid.as_str()))?;
    Some(format!(
        "gives the eId {twice:?} to more than one element (AKN-6)"
    ))
}

/// Whether the document's data gives it an interpretation: only that member
/// is read, the rest of the file skipped over.
fn interpreted(files: &Files, changed: &HashSet<String>, id: &str, position: usize) -> bool {
    #[derive(Deserialize)]
    struct Interpreted {
        interpretation: Option<IgnoredAny>,
    }
    unchanged(files, changed, &crate::data::document_path(id, position))
        .and_then(|bytes| serde_json::from_slice::<Interpreted>(bytes).ok())
        .is_some_and(|data| data.interpretation.is_some())
}

/// The outline of `xml`; None when it is not well-formed or declares a DTD.
fn outline(xml: &[u8]) -> Option<Outline> {
    let mut reader = Reader::from_reader(xml);
    let mut outline = Outline::default();
    // The open elements' local names.
    let mut open: Vec<String> = Vec::new();
    loop {
        let (start, empty) = match reader.read_event().ok()? {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                open.pop()?;
                continue;
            }
            Event::DocType(_) => return None,
            Event::Eof => return open.is_empty().then_some(outline),
            _ => continue,
        };
        let name = start.local_name().as_ref().to_owned();
        read_element(&mut outline, &open, &name, &start);
        if !empty {
            open.push(name);
        }
    }
}

fn read_element(outline: &mut Outline, open: &[String], name: &str, start: &BytesStart<'_>) {
    let attribute = |key: &str| {
        start
            .try_get_attribute(key)
            .ok()
            .flatten()
            .map(|a| a.value.into_owned())
    };
    if let Some(eid) = attribute("eId") {
        outline.eids.push(eid);
    }
    let parent = open.last().map(String::as_str);
    match (parent, name) {
        (Some("akomaNtoso"), _) if open.len() == 1 && outline.document.is_none() => {
            outline.document = Some((name.to_owned(), attribute("name").unwrap_or_default()));
        }
        (_, "component") => outline.components.push(None),
        (Some("FRBRWork"), "FRBRthis") => {
            let value = attribute("value");
            if open.iter().any(|o| o == "component") {
                if let Some(slot @ None) = outline.components.last_mut() {
                    *slot = value;
                }
            } else if outline.work_this.is_none() {
                outline.work_this = value;
            }
        }
        (Some("FRBRWork"), "FRBRuri") if outline.work_uri.is_none() => {
            outline.work_uri = attribute("value");
        }
        (Some("FRBRExpression"), "FRBRthis") if outline.expression_this.is_none() => {
            outline.expression_this = attribute("value");
        }
        (_, "hasAttachment") | (_, "attachmentOf") => {
            let link = (
                attribute("type").unwrap_or_default(),
                attribute("href").unwrap_or_default(),
            );
            if name == "hasAttachment" {
                outline.has_attachment.push(link);
            } else {
                outline.attachment_of.push(link);
            }
        }
        _ => {}
    }
}

fn described(document: &Option<(String, String)>) -> String {
    match document {
        Some((element, name)) if name.is_empty() => format!("<{element}>"),
        Some((element, name)) => format!("<{element} name=\"{name}\">"),
        None => "no document".to_owned(),
    }
}

fn listed(uris: &[Option<&str>]) -> String {
    let names: Vec<&str> = uris.iter().map(|u| u.unwrap_or("(none)")).collect();
    format!("[{}]", names.join(", "))
}
