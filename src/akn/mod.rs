//! The edition as Akoma Ntoso 3.0 (OASIS LegalDocML): one file for the
//! edition, an `<officialGazette>` whose `<collectionBody>` holds every
//! document as a `<component>`, and one standalone file for each document.
//! Element choices, the FRBR mapping and what is not marked up are in
//! docs/akn.md.
//!
//! A document is a `<statement name="…">`, named after its genre (文种:
//! `notice` for 通知, `opinion` for 意见, `measures` for 办法…). The schema's
//! `<act>` is for legislation enacted by a legislature, with a body of
//! articles only; 通知 and 意见 are administrative documents (公文) that an
//! organ issues, mostly in free paragraphs, and even 办法 and 规定 in a
//! government gazette are the issuing organ's rules rather than acts. AKN's
//! `<statement>` is "an official document of a body that may or may not be
//! normative in structure", which is exactly a 公文; `<doc>` (any other
//! document) holds what a document carries: its attachments as
//! `<doc name="attachment">` and its interpretation (政策解读) as
//! `<doc name="interpretation">`, each an `<attachment>` of the document.
//! The document names its interpretation (`<hasAttachment
//! type="interpretation">` in its references) and the interpretation names
//! its document (`<attachmentOf type="interpretation">`).

mod body;
mod meta;
mod xml;

#[cfg(test)]
mod tests;

use crate::model::{Attachment, Block, Document, Edition, Interpretation};

use meta::{Frbr, issue_line};
use xml::{NAMESPACE, Xml};

/// The media type of an Akoma Ntoso file.
pub const MEDIA_TYPE: &str = "application/akn+xml";

/// The edition and each of its documents as Akoma Ntoso, written once and
/// used for the package, the edition folder and the PDF's associated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Akn {
    /// `edition/<id>.akn.xml`.
    pub edition: Vec<u8>,
    /// `documents/<id>-<NN>.akn.xml`, in the documents' order.
    pub documents: Vec<Vec<u8>>,
}

impl Akn {
    pub fn of(edition: &Edition) -> Self {
        Self {
            edition: edition_file(edition),
            documents: documents(edition)
                .map(|document| document_file(edition, document))
                .collect(),
        }
    }
}

/// Where the edition's file sits in the package payload and edition folder.
pub fn edition_path(id: &str) -> String {
    format!("edition/{id}.akn.xml")
}

/// Where the file of the document at `position` (1 for the first, as in its
/// URI) sits.
pub fn document_path(id: &str, position: usize) -> String {
    format!("documents/{id}-{position:02}.akn.xml")
}

fn documents(edition: &Edition) -> impl Iterator<Item = &Document> {
    edition.sections.iter().flat_map(|s| &s.documents)
}

/// The edition as an `<officialGazette>`.
pub fn edition_file(edition: &Edition) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("akomaNtoso", &[("xmlns", NAMESPACE)]);
    xml.open("officialGazette", &[("name", "officialGazette")]);
    let number = edition.issue.number.to_string();
    let frbr = Frbr {
        work: &edition.uri,
        component: None,
        date: edition.issue.date,
        date_name: "publication",
        author: "gazette",
        number: Some(&number),
        name: &edition.gazette.title,
        language: &edition.gazette.language.lang,
    };
    meta::meta(&mut xml, edition, &frbr, |xml| {
        for (index, section) in edition.sections.iter().enumerate() {
            let id = xml.id(&format!("section_{}", index + 1));
            let href = format!("{}#section_{}", edition.uri, index + 1);
            xml.leaf(
                "TLCConcept",
                &[("eId", &id), ("href", &href), ("showAs", &section.title)],
            );
        }
    });
    xml.open("preface", &[]);
    title(&mut xml, &edition.gazette.title);
    paragraph_of(&mut xml, "docNumber", &[], &issue_line(edition));
    let date = edition.issue.date.iso();
    paragraph_of(
        &mut xml,
        "docDate",
        &[("date", &date)],
        &edition.issue.date.chinese(),
    );
    xml.close("preface");
    xml.open("collectionBody", &[]);
    let mut position = 0;
    for (index, section) in edition.sections.iter().enumerate() {
        let section_ref = xml.to(&format!("section_{}", index + 1));
        for document in &section.documents {
            position += 1;
            let local = format!("cmp_{position}");
            let id = xml.id(&local);
            xml.open("component", &[("eId", &id), ("refersTo", &section_ref)]);
            xml.nested(&local, |xml| statement(xml, edition, document));
            xml.close("component");
        }
    }
    xml.close("collectionBody");
    xml.close("officialGazette");
    xml.close("akomaNtoso");
    xml.finish()
}

/// One document on its own.
pub fn document_file(edition: &Edition, document: &Document) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("akomaNtoso", &[("xmlns", NAMESPACE)]);
    statement(&mut xml, edition, document);
    xml.close("akomaNtoso");
    xml.finish()
}

/// What the interpretation of a document is, as a component of its work.
const INTERPRETATION: &str = "!interpretation";

fn attachment_component(index: usize) -> String {
    format!("!attachment_{}", index + 1)
}

fn statement(xml: &mut Xml, edition: &Edition, document: &Document) {
    xml.open("statement", &[("name", genre(&document.title))]);
    let frbr = Frbr {
        work: &document.uri,
        component: None,
        date: document.date,
        date_name: "signature",
        author: "issuer",
        number: document.number.as_deref(),
        name: &document.title,
        language: &document.language.lang,
    };
    meta::meta(xml, edition, &frbr, |xml| {
        for (index, attachment) in document.attachments.iter().enumerate() {
            let href = format!("{}/{}", document.uri, attachment_component(index));
            xml.leaf(
                "hasAttachment",
                &[
                    ("href", &href),
                    ("showAs", &attachment.title),
                    ("type", "attachment"),
                ],
            );
        }
        if let Some(interpretation) = &document.interpretation {
            let href = format!("{}/{INTERPRETATION}", document.uri);
            xml.leaf(
                "hasAttachment",
                &[
                    ("href", &href),
                    ("showAs", &interpretation.title),
                    ("type", "interpretation"),
                ],
            );
        }
        meta::organisation(xml, "issuer", &document.issuer);
        if let Some(signatory) = &document.signatory {
            meta::person(xml, "signatory", signatory);
        }
    });
    xml.open("preface", &[]);
    title(xml, &document.title);
    if let Some(number) = &document.number {
        paragraph_of(xml, "docNumber", &[], number);
    }
    if let Some(addressees) = &document.addressees {
        paragraph_of(xml, "inline", &[("name", "addressees")], addressees);
    }
    xml.close("preface");
    body::main_body(xml, &document.body);
    conclusions(xml, document);
    if !document.attachments.is_empty() || document.interpretation.is_some() {
        xml.open("attachments", &[]);
        for (index, attachment) in document.attachments.iter().enumerate() {
            attached(xml, edition, document, index, attachment);
        }
        if let Some(interpretation) = &document.interpretation {
            interpreted(xml, edition, document, interpretation);
        }
        xml.close("attachments");
    }
    xml.close("statement");
}

/// 落款: the issuer, the signatory when there is one, the date.
fn conclusions(xml: &mut Xml, document: &Document) {
    xml.open("conclusions", &[]);
    let issuer = xml.to("issuer");
    xml.start("p", &[]);
    xml.start("signature", &[]);
    xml.start("organization", &[("refersTo", &issuer)]);
    xml.text(&document.issuer);
    xml.end("organization");
    xml.end("signature");
    xml.close("p");
    if let Some(signatory) = &document.signatory {
        let person = xml.to("signatory");
        xml.start("p", &[]);
        xml.start("signature", &[]);
        xml.start("person", &[("refersTo", &person)]);
        xml.text(signatory);
        xml.end("person");
        xml.end("signature");
        xml.close("p");
    }
    let date = document.date.iso();
    paragraph_of(xml, "date", &[("date", &date)], &document.date.chinese());
    xml.close("conclusions");
}

fn attached(
    xml: &mut Xml,
    edition: &Edition,
    document: &Document,
    index: usize,
    attachment: &Attachment,
) {
    let component = attachment_component(index);
    let part = Part {
        name: "attachment",
        component: &component,
        label: attachment.label.as_deref(),
        title: &attachment.title,
        body: &attachment.body,
        kind: "attachment",
    };
    part_of(xml, edition, document, index, &part);
}

fn interpreted(
    xml: &mut Xml,
    edition: &Edition,
    document: &Document,
    interpretation: &Interpretation,
) {
    let part = Part {
        name: "interpretation",
        component: INTERPRETATION,
        label: None,
        title: &interpretation.title,
        body: &interpretation.body,
        kind: "interpretation",
    };
    part_of(xml, edition, document, document.attachments.len(), &part);
}

/// An attachment or the interpretation: a `<doc>` of its own inside
/// `<attachment>`.
struct Part<'a> {
    name: &'a str,
    component: &'a str,
    label: Option<&'a str>,
    title: &'a str,
    body: &'a [Block],
    /// How its document's references name the link.
    kind: &'a str,
}

fn part_of(xml: &mut Xml, edition: &Edition, document: &Document, index: usize, part: &Part) {
    let local = format!("att_{}", index + 1);
    let id = xml.id(&local);
    xml.open("attachment", &[("eId", &id)]);
    xml.nested(&local, |xml| {
        xml.open("doc", &[("name", part.name)]);
        let frbr = Frbr {
            work: &document.uri,
            component: Some(part.component),
            date: document.date,
            date_name: "signature",
            author: "issuer",
            number: document.number.as_deref(),
            name: part.title,
            language: &document.language.lang,
        };
        meta::meta(xml, edition, &frbr, |xml| {
            xml.leaf(
                "attachmentOf",
                &[
                    ("href", &document.uri),
                    ("showAs", &document.title),
                    ("type", part.kind),
                ],
            );
            meta::organisation(xml, "issuer", &document.issuer);
        });
        xml.open("preface", &[]);
        if let Some(label) = part.label {
            paragraph_of(xml, "inline", &[("name", "label")], label);
        }
        title(xml, part.title);
        xml.close("preface");
        body::main_body(xml, part.body);
        xml.close("doc");
    });
    xml.close("attachment");
}

/// `<longTitle><p><docTitle>…</docTitle></p></longTitle>`.
fn title(xml: &mut Xml, title: &str) {
    xml.open("longTitle", &[]);
    paragraph_of(xml, "docTitle", &[], title);
    xml.close("longTitle");
}

/// `<p><element …>text</element></p>` on a line.
fn paragraph_of(xml: &mut Xml, element: &str, attributes: &[(&str, &str)], text: &str) {
    xml.start("p", &[]);
    xml.start(element, attributes);
    xml.text(text);
    xml.end(element);
    xml.close("p");
}

/// The `name` of a document's `<statement>`: its genre (文种), which a
/// Chinese official document's title ends with.
pub fn genre(title: &str) -> &'static str {
    const GENRES: [(&str, &str); 16] = [
        ("实施细则", "implementingRules"),
        ("细则", "rules"),
        ("通知", "notice"),
        ("意见", "opinion"),
        ("办法", "measures"),
        ("规定", "provisions"),
        ("决定", "decision"),
        ("命令", "order"),
        ("公告", "announcement"),
        ("通告", "circular"),
        ("通报", "bulletin"),
        ("批复", "reply"),
        ("方案", "plan"),
        ("规划", "plan"),
        ("报告", "report"),
        ("函", "letter"),
    ];
    let title = title.trim_end_matches(|c: char| c.is_whitespace() || "）)".contains(c));
    GENRES
        .iter()
        .find(|(suffix, _)| title.ends_with(suffix) || title_ends_before_bracket(title, suffix))
        .map_or("document", |(_, name)| name)
}

/// `…的通知（试行）`: the genre comes before a bracketed remark.
fn title_ends_before_bracket(title: &str, suffix: &str) -> bool {
    title
        .rfind(['（', '('])
        .is_some_and(|at| title[..at].ends_with(suffix))
}
