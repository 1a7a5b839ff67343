//! The Akoma Ntoso of the sample issue, read back with quick-xml: the
//! structure the schema cannot check (which URI goes where, which heading
//! became what, the links between a document and its interpretation).
//! tests/interop/akn.sh validates the same files against the OASIS schema.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

use super::*;

fn sample() -> Edition {
    let issue = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
    crate::manifest::load(&issue).unwrap_or_else(|d| panic!("{d:?}"))
}

/// An element as read back: its path of names from the root, its
/// attributes and its text.
#[derive(Debug)]
struct Element {
    path: Vec<String>,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn inside(&self, ancestor: &str) -> bool {
        self.path[..self.path.len() - 1]
            .iter()
            .any(|p| p == ancestor)
    }
}

/// Every element of `xml` in document order, with the text directly in it.
fn elements(xml: &[u8]) -> Vec<Element> {
    let mut reader = Reader::from_reader(xml);
    let mut path: Vec<String> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut found: Vec<Element> = Vec::new();
    let mut buffer = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .expect("well-formed XML");
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let name = start.name().as_ref().to_owned();
                path.push(name);
                let attributes = start
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        let key = a.key.as_ref().to_owned();
                        (
                            key,
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                found.push(Element {
                    path: path.clone(),
                    attributes,
                    text: String::new(),
                });
                if matches!(event, Event::Empty(_)) {
                    path.pop();
                } else {
                    open.push(found.len() - 1);
                }
            }
            Event::Text(text) => {
                if let Some(&index) = open.last() {
                    found[index].text += &text.xml_content(XmlVersion::Implicit1_0);
                }
            }
            Event::GeneralRef(entity) => {
                if let Some(&index) = open.last() {
                    let name = entity.into_inner();
                    found[index].text +=
                        resolve_predefined_entity(&name).expect("a predefined entity");
                }
            }
            Event::End(_) => {
                path.pop();
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    assert!(path.is_empty(), "every element is closed");
    found
}

fn values<'a>(elements: &'a [Element], name: &str, attribute: &str) -> Vec<&'a str> {
    elements
        .iter()
        .filter(|e| e.name() == name)
        .filter_map(|e| e.attribute(attribute))
        .collect()
}

#[test]
fn the_edition_is_an_official_gazette_of_every_document() {
    let edition = sample();
    let akn = Akn::of(&edition);
    let elements = elements(&akn.edition);
    assert_eq!(elements[0].name(), "akomaNtoso");
    assert_eq!(elements[0].attribute("xmlns"), Some(xml::NAMESPACE));
    assert_eq!(elements[1].name(), "officialGazette");
    let count = documents(&edition).count();
    assert_eq!(akn.documents.len(), count);
    let components: Vec<&Element> = elements
        .iter()
        .filter(|e| e.name() == "component")
        .collect();
    assert_eq!(components.len(), count);
    assert!(components.iter().all(|c| c.inside("collectionBody")));
    // The edition's own FRBR identity comes first, from its URI.
    let this = values(&elements, "FRBRthis", "value");
    let date = edition.issue.date.iso();
    assert_eq!(this[0], edition.uri);
    assert_eq!(this[1], format!("{}/zho@{date}", edition.uri));
    assert_eq!(this[2], format!("{}/zho@{date}/!main.xml", edition.uri));
    // Then each document's, in order.
    let works: Vec<&str> = elements
        .iter()
        .filter(|e| e.name() == "FRBRthis" && e.path.iter().any(|p| p == "FRBRWork"))
        .filter(|e| !e.inside("attachment"))
        .filter_map(|e| e.attribute("value"))
        .collect();
    let uris: Vec<&str> = documents(&edition).map(|d| d.uri.as_str()).collect();
    assert_eq!(works[1..], uris[..]);
    // Nested documents keep their identifiers unique, as the schema demands.
    let mut ids = values(&elements, "TLCOrganization", "eId");
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "eIds repeat: {ids:?}");
}

#[test]
fn a_document_names_its_interpretation_and_the_interpretation_its_document() {
    let edition = sample();
    let akn = Akn::of(&edition);
    let (position, document) = documents(&edition)
        .enumerate()
        .find(|(_, d)| d.interpretation.is_some())
        .expect("the sample has an interpretation");
    let interpretation = document.interpretation.as_ref().unwrap();
    let elements = elements(&akn.documents[position]);
    assert_eq!(elements[1].name(), "statement");
    let own = elements
        .iter()
        .find(|e| e.name() == "hasAttachment" && e.attribute("type") == Some("interpretation"))
        .expect("the document links its interpretation");
    let interpretation_uri = format!("{}/!interpretation", document.uri);
    assert_eq!(own.attribute("href"), Some(interpretation_uri.as_str()));
    assert_eq!(own.attribute("showAs"), Some(interpretation.title.as_str()));
    let doc = elements
        .iter()
        .find(|e| e.name() == "doc" && e.attribute("name") == Some("interpretation"))
        .expect("the interpretation is a doc of its own");
    assert!(doc.inside("attachment"));
    let back = elements
        .iter()
        .find(|e| e.name() == "attachmentOf" && e.attribute("type") == Some("interpretation"))
        .expect("the interpretation links its document");
    assert_eq!(back.attribute("href"), Some(document.uri.as_str()));
    assert!(values(&elements, "FRBRthis", "value").contains(&interpretation_uri.as_str()));
}

#[test]
fn headings_articles_and_tables_keep_their_structure() {
    let edition = sample();
    let akn = Akn::of(&edition);
    let all: Vec<Element> = akn.documents.iter().flat_map(|d| elements(d)).collect();
    let chapter = all
        .iter()
        .find(|e| e.name() == "chapter")
        .expect("the sample's rules have chapters");
    assert!(chapter.attribute("eId").is_some());
    let num = all
        .iter()
        .find(|e| e.name() == "num" && e.path.ends_with(&["chapter".into(), "num".into()]))
        .unwrap();
    assert!(
        num.text.starts_with('第') && num.text.ends_with('章'),
        "{num:?}"
    );
    let article = all
        .iter()
        .find(|e| e.name() == "num" && e.path.ends_with(&["article".into(), "num".into()]))
        .expect("the sample's rules have articles");
    assert!(article.text.ends_with('条'));
    let header = all
        .iter()
        .find(|e| e.name() == "p" && e.inside("th"))
        .expect("the sample has a table with a header");
    assert!(
        header
            .path
            .ends_with(&["table".into(), "tr".into(), "th".into(), "p".into()])
    );
    assert!(all.iter().any(|e| e.name() == "p" && e.inside("td")));
    let dates = values(&all, "date", "date");
    assert!(
        dates
            .iter()
            .all(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
    );
}

#[test]
fn user_text_is_escaped_and_the_output_is_deterministic() {
    let mut edition = sample();
    let document = &mut edition.sections[0].documents[0];
    document.title = "<evil attr=\"1\">&amp;</evil>".into();
    document.body.insert(
        0,
        Block::Paragraph {
            lead: None,
            inlines: vec![crate::model::Inline::Text {
                text: "]]><x/>&".into(),
            }],
        },
    );
    let first = Akn::of(&edition);
    assert_eq!(first, Akn::of(&edition));
    let elements = elements(&first.documents[0]);
    assert!(
        elements
            .iter()
            .all(|e| e.name() != "evil" && e.name() != "x")
    );
    let title = elements.iter().find(|e| e.name() == "docTitle").unwrap();
    assert_eq!(title.text, "<evil attr=\"1\">&amp;</evil>");
    let name = values(&elements, "FRBRname", "value");
    assert_eq!(name[0], "<evil attr=\"1\">&amp;</evil>");
}

#[test]
fn genres_name_the_statement() {
    assert_eq!(genre("上海市人民政府关于加强管理的通知"), "notice");
    assert_eq!(genre("上海市某某管理办法（试行）"), "measures");
    assert_eq!(genre("关于某事的实施细则"), "implementingRules");
    assert_eq!(genre("无文种的标题"), "document");
}

/// The written format's genre table (clause 4.5, AKN-3) is the one gazette
/// writes by: each 文种 there is read as its `name`, also before a bracketed
/// remark, and the table's order settles a title that ends with two of them.
#[test]
fn the_genres_are_the_written_formats() {
    for text in [
        include_str!("../../docs/spec/gazette-format-1.0.en.md"),
        include_str!("../../docs/spec/gazette-format-1.0.zh.md"),
    ] {
        let rows: Vec<(&str, &str)> = text
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                match cells.as_slice() {
                    ["", order, genre, name, ""] if order.parse::<u8>().is_ok() => {
                        Some((*genre, name.trim_matches('`')))
                    }
                    _ => None,
                }
            })
            .collect();
        assert_eq!(rows.len(), 16, "the genre table's rows");
        for (kind, name) in rows {
            assert_eq!(genre(&format!("关于某事的{kind}")), name, "{kind}");
            assert_eq!(genre(&format!("关于某事的{kind}（试行）")), name, "{kind}");
        }
    }
}
