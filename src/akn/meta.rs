//! The `<meta>` block every Akoma Ntoso document opens with: the FRBR
//! identification built from the stable identifiers of [`crate::identifier`],
//! the gazette issue it was published in, and the references (the publisher
//! and issuer as TLC organisations, the links between a document and its
//! attachments and interpretation).

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::xml::Xml;
use crate::model::{Date, Edition};

/// What the FRBR levels of one document (or the edition) are made from.
pub struct Frbr<'a> {
    /// The work: the stable identifier of the document or edition.
    pub work: &'a str,
    /// The component of the work this file holds, `!attachment_1` and the
    /// like, or `None` for the work's main text.
    pub component: Option<&'a str>,
    /// The work's own date (成文日期 for a document, the issue date for the edition).
    pub date: Date,
    /// What the date is: `signature` or `publication`.
    pub date_name: &'a str,
    /// The work's author, as the local `eId` of a TLC organisation.
    pub author: &'a str,
    pub number: Option<&'a str>,
    pub name: &'a str,
    /// ISO 639 language of the text, as the model has it (`zh`).
    pub language: &'a str,
}

/// The expression of `work` in `language` as published on `date`:
/// `<work>/zho@2025-08-15`, as the AKN naming convention builds it.
pub fn expression(work: &str, language: &str, date: Date) -> String {
    format!("{work}/{}@{}", iso639_2(language), date.iso())
}

/// ISO 639-2/T, which FRBRlanguage and the naming convention use, for the
/// ISO 639-1 codes of the model; any other code as it is.
fn iso639_2(language: &str) -> &str {
    match language {
        "zh" => "zho",
        "en" => "eng",
        "bo" => "bod",
        "ug" => "uig",
        "mn" => "mon",
        "ii" => "iii",
        "za" => "zha",
        "ko" => "kor",
        other => other,
    }
}

/// `<meta>` for a file of `edition` identified by `frbr`; `references`
/// writes the links particular to it inside `<references>`.
pub fn meta(xml: &mut Xml, edition: &Edition, frbr: &Frbr, references: impl FnOnce(&mut Xml)) {
    xml.open("meta", &[]);
    identification(xml, edition, frbr);
    let issue = &edition.issue;
    let number = issue.number.to_string();
    let show = format!("{} {}", edition.gazette.title, issue_line(edition));
    xml.leaf(
        "publication",
        &[
            ("date", &issue.date.iso()),
            ("name", &edition.gazette.title),
            ("showAs", &show),
            ("number", &number),
        ],
    );
    let source = xml.to("gazette");
    xml.open("references", &[("source", &source)]);
    references(xml);
    organisation(xml, "gazette", &edition.gazette.publisher);
    xml.close("references");
    xml.close("meta");
}

fn identification(xml: &mut Xml, edition: &Edition, frbr: &Frbr) {
    let source = xml.to("gazette");
    xml.open("identification", &[("source", &source)]);
    let expression = expression(frbr.work, frbr.language, edition.issue.date);
    let this = |uri: &str| match frbr.component {
        Some(component) => format!("{uri}/{component}"),
        None => uri.to_owned(),
    };
    let author = xml.to(frbr.author);
    let gazette = xml.to("gazette");
    let published = edition.issue.date.iso();

    xml.open("FRBRWork", &[]);
    xml.leaf("FRBRthis", &[("value", &this(frbr.work))]);
    xml.leaf("FRBRuri", &[("value", frbr.work)]);
    xml.leaf(
        "FRBRdate",
        &[("date", &frbr.date.iso()), ("name", frbr.date_name)],
    );
    xml.leaf("FRBRauthor", &[("href", &author)]);
    xml.leaf("FRBRcountry", &[("value", "cn")]);
    if let Some(number) = frbr.number {
        xml.leaf("FRBRnumber", &[("value", number)]);
    }
    xml.leaf("FRBRname", &[("value", frbr.name)]);
    xml.close("FRBRWork");

    xml.open("FRBRExpression", &[]);
    xml.leaf("FRBRthis", &[("value", &this(&expression))]);
    xml.leaf("FRBRuri", &[("value", &expression)]);
    xml.leaf("FRBRdate", &[("date", &published), ("name", "publication")]);
    xml.leaf("FRBRauthor", &[("href", &author)]);
    xml.leaf("FRBRlanguage", &[("language", iso639_2(frbr.language))]);
    xml.close("FRBRExpression");

    let file = match frbr.component {
        Some(component) => format!("{expression}/{component}.xml"),
        None => format!("{expression}/!main.xml"),
    };
    xml.open("FRBRManifestation", &[]);
    xml.leaf("FRBRthis", &[("value", &file)]);
    xml.leaf("FRBRuri", &[("value", &format!("{expression}.akn"))]);
    xml.leaf("FRBRdate", &[("date", &published), ("name", "generation")]);
    xml.leaf("FRBRauthor", &[("href", &gazette)]);
    xml.leaf("FRBRformat", &[("value", super::MEDIA_TYPE)]);
    xml.close("FRBRManifestation");
    xml.close("identification");
}

/// `2025年第8期（总第512期）`, as the cover prints it.
pub fn issue_line(edition: &Edition) -> String {
    let issue = &edition.issue;
    let running = issue
        .running
        .map(|running| format!("（总第{running}期）"))
        .unwrap_or_default();
    format!("{}年第{}期{running}", issue.year, issue.number)
}

/// A `<TLCOrganization>` for the body named `name`, known here as `local`.
pub fn organisation(xml: &mut Xml, local: &str, name: &str) {
    tlc(xml, "TLCOrganization", "organization", local, name);
}

/// A `<TLCPerson>` for the person named `name`, known here as `local`.
pub fn person(xml: &mut Xml, local: &str, name: &str) {
    tlc(xml, "TLCPerson", "person", local, name);
}

fn tlc(xml: &mut Xml, element: &str, class: &str, local: &str, name: &str) {
    // The ontology URI is the name itself, percent-encoded: the same body
    // gets the same URI in every file and every edition.
    let href = format!(
        "/ontology/{class}/cn/{}",
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    );
    let id = xml.id(local);
    xml.leaf(element, &[("eId", &id), ("href", &href), ("showAs", name)]);
}
