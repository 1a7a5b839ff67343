//! The editions' own metadata against the signed manifest: the PDF
//! edition's XMP `dc:identifier` (PDF-5), each document's PDF's
//! `dc:identifier` and `dc:relation` (DOC-6) and its pages (DOC-4), the
//! PDF/A conformance each PDF declares (PDF-1, DOC-3), the EPUB's
//! `dc:identifier` and `dc:date` (EPUB-3, EPUB-4) and each document's
//! content document and its language (EPUB-6, EPUB-7), and the data and
//! Akoma Ntoso the PDF edition carries, the package's own (PDF-3, PDF-4);
//! each document's PDF labels its pages with their printed numbers (DOC-5)
//! and is sealed at the instant the PDF edition is (DOC-7), whose seal claims
//! the issue date at 00:00 +08:00 in that very form (SPDF-8). Readers' tools
//! cite a file by what it says of itself, so a file that names another
//! edition or document than the sealed manifest does makes the package's
//! citations mislead: INVALID (VER-76).
//! A file that changed after sealing is told as a change, not judged here.

use std::collections::HashSet;

use super::container::Files;
use super::{Outcome, PAYLOAD, issue_midnight};
use crate::package::manifest::VerificationManifest;
use crate::verify::described::Described;
use crate::verify::{FindingCode, Report, parse_time};

/// Whether two claimed times (RFC 3339) name one instant, however each is
/// told; text that is no time is compared as text.
fn same_instant(one: &str, other: &str) -> bool {
    match (parse_time(one), parse_time(other)) {
        (Ok(one), Ok(other)) => one == other,
        _ => one == other,
    }
}

/// What one part must say of itself.
struct Expected<'a> {
    identifier: &'a str,
    relation: Option<&'a str>,
    date: Option<&'a str>,
    /// A document's PDF: its page count, `last − first + 1`.
    pages: Option<usize>,
    /// A document's PDF: the printed number of its first page, `first`.
    first_page: Option<u32>,
    /// The EPUB: each document's content document and language, in order.
    content_documents: Vec<(&'a str, &'a str)>,
    /// A PDF: what it must be as PDF/A-3.
    pdfa: Option<PdfA>,
    /// The PDF edition: its associated files, each with the SHA-256 of the
    /// package's copy.
    attachments: Vec<Carried<'a>>,
}

/// What a PDF of the package declares in its XMP and embeds as PDF/A-3,
/// and by which rules.
struct PdfA {
    /// The rule of its `pdfaid:part` and `pdfaid:conformance`, and the
    /// levels it may declare.
    declared: &'static str,
    levels: &'static [&'static str],
    /// The rule that it embeds every font it uses.
    fonts: &'static str,
}

/// An associated file the PDF edition must carry.
struct Carried<'a> {
    name: String,
    relationship: &'static str,
    media_type: &'static str,
    sha256: Option<&'a str>,
    rule: &'static str,
}

/// Holds each part of the package that did not change to what the manifest
/// says it is.
pub(super) fn check(
    files: &Files,
    manifest: &VerificationManifest,
    parts: &[Report],
    changed: &HashSet<String>,
    outcome: &mut Outcome,
) {
    let edition_pdf = format!("{PAYLOAD}edition/{}.pdf", manifest.edition.id);
    let claimed = |part: &Report| {
        let seal = part.signatures.iter().find(|s| s.is_seal())?;
        seal.claimed_time.clone()
    };
    let edition_time = parts
        .iter()
        .find(|p| p.file == edition_pdf)
        .and_then(claimed);
    // An issue date that is no date is the manifest's finding, not this.
    let issue_time = issue_midnight(&manifest.edition.date).map(|(_, text)| text);
    if let (Some(edition), Some(issue)) = (&edition_time, &issue_time)
        && edition != issue
        && !changed.contains(&edition_pdf)
    {
        outcome.invalid(
            FindingCode::MetadataMismatch,
            format!(
                "{edition_pdf}'s seal claims the time {edition}, not the issue date at \
                 00:00 +08:00, {issue} (SPDF-8)"
            ),
        );
    }
    for part in parts.iter().filter(|part| !changed.contains(&part.file)) {
        let is_document_pdf = part.file.starts_with(&format!("{PAYLOAD}documents/"));
        if let (true, Some(edition), Some(own)) = (is_document_pdf, &edition_time, claimed(part))
            && !same_instant(&own, edition)
        {
            outcome.invalid(
                FindingCode::MetadataMismatch,
                format!(
                    "{}'s seal claims the time {own}, not the PDF edition's {edition} (DOC-7)",
                    part.file
                ),
            );
        }
        let Some(expected) = expected(files, manifest, &part.file) else {
            continue;
        };
        let file = &part.file;
        let Some(described) = &part.described else {
            outcome.invalid(
                FindingCode::MetadataMismatch,
                format!(
                    "{file} has no metadata that can be read (XMP for a PDF, the package \
                     document for an EPUB), so it does not say it is {}",
                    expected.identifier
                ),
            );
            continue;
        };
        for why in breaks(described, &expected) {
            outcome.invalid(FindingCode::MetadataMismatch, format!("{file} {why}"));
        }
    }
}

/// What the manifest says the part at `file` is: the PDF or EPUB edition, or
/// a document's PDF. None for a part it does not describe (a document
/// without a URI in its entry, from a producer before 1.0).
fn expected<'a>(
    files: &'a Files,
    manifest: &'a VerificationManifest,
    file: &str,
) -> Option<Expected<'a>> {
    let edition = &manifest.edition;
    let id = &edition.id;
    let path = file.strip_prefix(PAYLOAD)?;
    let digest = |name: &str| {
        let path = format!("{PAYLOAD}edition/{name}");
        files.get(&path).map(|file| file.sha256.as_str())
    };
    if path == format!("edition/{id}.pdf") {
        let data = format!("{id}.json");
        let akn = format!("{id}.akn.xml");
        return Some(Expected {
            identifier: &edition.uri,
            relation: None,
            date: None,
            pages: None,
            first_page: None,
            content_documents: Vec::new(),
            pdfa: Some(PdfA {
                declared: "PDF-1",
                levels: &["B"],
                fonts: "PDF-2",
            }),
            attachments: vec![
                Carried {
                    sha256: digest(&data),
                    name: data,
                    relationship: "Data",
                    media_type: "application/json",
                    rule: "PDF-3",
                },
                Carried {
                    sha256: digest(&akn),
                    name: akn,
                    relationship: "Alternative",
                    media_type: "application/akn+xml",
                    rule: "PDF-4",
                },
            ],
        });
    }
    if path == format!("edition/{id}.epub") {
        return Some(Expected {
            identifier: &edition.uri,
            relation: None,
            date: Some(&edition.date),
            pages: None,
            first_page: None,
            content_documents: manifest
                .documents
                .iter()
                .map(|d| (d.epub_file.as_str(), d.language.as_str()))
                .collect(),
            pdfa: None,
            attachments: Vec::new(),
        });
    }
    let document = manifest
        .documents
        .iter()
        .find(|document| document.files.iter().any(|f| f.path == path))?;
    let pages = &document.pdf_pages;
    Some(Expected {
        identifier: document.uri.as_deref()?,
        relation: Some(&edition.uri),
        date: None,
        // A range that runs backwards is the manifest's fault (MAN-22), told there.
        pages: (pages.first <= pages.last).then(|| (pages.last - pages.first + 1) as usize),
        first_page: Some(pages.first),
        content_documents: Vec::new(),
        // Level B, which A and U meet too.
        pdfa: Some(PdfA {
            declared: "DOC-3",
            levels: &["A", "B", "U"],
            fonts: "DOC-3",
        }),
        attachments: Vec::new(),
    })
}

fn breaks(described: &Described, expected: &Expected<'_>) -> Vec<String> {
    let mut found = Vec::new();
    if !described
        .identifiers
        .iter()
        .any(|i| i == expected.identifier)
    {
        found.push(format!(
            "gives its dc:identifier as {}, not {}, the URI manifest.json gives it",
            listed(&described.identifiers),
            expected.identifier
        ));
    }
    if let Some(relation) = expected.relation
        && !described.relations.iter().any(|r| r == relation)
    {
        found.push(format!(
            "gives its dc:relation as {}, not the edition's URI {relation}",
            listed(&described.relations)
        ));
    }
    if let Some(date) = expected.date
        && !described.dates.iter().any(|d| d == date)
    {
        found.push(format!(
            "gives its dc:date as {}, not the issue date {date}",
            listed(&described.dates)
        ));
    }
    if let Some(pages) = expected.pages
        && described.pages != Some(pages)
    {
        found.push(format!(
            "has {} pages, not the {pages} of its pdf_pages in manifest.json (DOC-4)",
            described.pages.unwrap_or(0)
        ));
    }
    if let Some(first) = expected.first_page {
        let wrong = described
            .page_numbers
            .iter()
            .zip(first..)
            .position(|(label, printed)| *label != Some(printed));
        if let Some(index) = wrong {
            found.push(format!(
                "labels its page {} {}, not {}, the number it has in the edition (DOC-5)",
                index + 1,
                described.page_numbers[index].map_or("otherwise".to_owned(), |n| n.to_string()),
                first + index as u32
            ));
        }
    }
    if let Some(pdfa) = &expected.pdfa {
        found.extend(pdfa_breaks(described, pdfa));
    }
    found.extend(content_document_breaks(
        described,
        &expected.content_documents,
    ));
    found.extend(
        expected
            .attachments
            .iter()
            .filter_map(|carried| attachment_break(described, carried)),
    );
    found
}

/// How a PDF falls short of what it must be as PDF/A-3: its declaration and
/// its fonts.
fn pdfa_breaks(described: &Described, pdfa: &PdfA) -> Vec<String> {
    let mut found = Vec::new();
    let part = described.pdfa_parts.iter().any(|p| p == "3");
    let level = described
        .pdfa_conformances
        .iter()
        .any(|c| pdfa.levels.contains(&c.as_str()));
    if !(part && level) {
        found.push(format!(
            "declares PDF/A part {} and conformance {} in its XMP, not part 3 and conformance \
             {} ({})",
            listed(&described.pdfa_parts),
            listed(&described.pdfa_conformances),
            pdfa.levels.join(" or "),
            pdfa.declared
        ));
    }
    if !described.fonts_not_embedded.is_empty() {
        found.push(format!(
            "does not embed the fonts {} that it uses ({})",
            described.fonts_not_embedded.join(", "),
            pdfa.fonts
        ));
    }
    found
}

/// The associated file the PDF edition must carry, as the format names it
/// and byte for byte the package's copy (PDF-3, PDF-4).
fn attachment_break(described: &Described, carried: &Carried<'_>) -> Option<String> {
    let (name, rule) = (&carried.name, carried.rule);
    let Some(attachment) = described.attachments.iter().find(|a| a.name == *name) else {
        return Some(format!(
            "does not carry {name} as an associated file (/AF) ({rule})"
        ));
    };
    if attachment.relationship != carried.relationship
        || attachment.media_type != carried.media_type
    {
        return Some(format!(
            "carries {name} as /AFRelationship /{} of type {}, not /{} of type {} ({rule})",
            attachment.relationship,
            attachment.media_type,
            carried.relationship,
            carried.media_type
        ));
    }
    let differs = carried
        .sha256
        .is_some_and(|sha256| attachment.sha256 != sha256);
    differs
        .then(|| format!("carries another {name} than the package's data/edition/{name} ({rule})"))
}

/// Each document's body is the content document its entry names, in the
/// container, at `EPUB/text/s<S>-d<D>.xhtml` numbered as the sections and
/// documents run (EPUB-6), in the document's language (EPUB-7).
fn content_document_breaks(described: &Described, documents: &[(&str, &str)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = (1, 0);
    for (index, (file, language)) in documents.iter().enumerate() {
        let numbers = file
            .strip_prefix("EPUB/text/s")
            .and_then(|rest| rest.strip_suffix(".xhtml"))
            .and_then(|rest| rest.split_once("-d"))
            .and_then(|(s, d)| Some((s.parse::<u32>().ok()?, d.parse::<u32>().ok()?)));
        let next = [(at.0, at.1 + 1), (at.0 + 1, 1)];
        match numbers {
            Some(pair) if next.contains(&pair) => at = pair,
            _ => found.push(format!(
                "is said to hold document {} as {file}, not EPUB/text/s<S>-d<D>.xhtml numbered \
                 after the one before ({}) (EPUB-6)",
                index + 1,
                next.map(|(s, d)| format!("s{s}-d{d}")).join(" or ")
            )),
        }
        if !described.files.iter().any(|f| f == file) {
            found.push(format!(
                "does not hold {file}, which manifest.json gives as document {}'s (EPUB-6)",
                index + 1
            ));
        }
        let given = described.languages.iter().find(|l| l.file == *file);
        if let Some(given) = given.filter(|given| {
            given.lang.as_deref() != Some(language) || given.xml_lang.as_deref() != Some(language)
        }) {
            let shown = |value: &Option<String>| value.as_deref().unwrap_or("nothing").to_owned();
            found.push(format!(
                "gives {file} the languages lang={} and xml:lang={}, not {language}, which \
                 manifest.json gives document {} (EPUB-7)",
                shown(&given.lang),
                shown(&given.xml_lang),
                index + 1
            ));
        }
    }
    found
}

fn listed(values: &[String]) -> String {
    match values {
        [] => "nothing".to_owned(),
        _ => values.join(", "),
    }
}
