//! What a file says of itself in Dublin Core: a PDF's XMP packet and an
//! EPUB's package document give `dc:identifier`, a document's PDF also
//! `dc:relation` (the edition), the EPUB `dc:date`. Alone, a file has
//! nothing to hold these to; a package holds them to its manifest (PDF-5,
//! DOC-6, EPUB-3, EPUB-4), so that a citation read from the file names what
//! the sealed manifest says the file is.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

/// The Dublin Core elements 1.1 namespace, which XMP and OPF both use.
const DUBLIN_CORE: &str = "http://purl.org/dc/elements/1.1/";
/// The PDF/A identification schema of XMP (ISO 19005).
const PDFA_ID: &str = "http://www.aiim.org/pdfa/ns/id/";

/// The Dublin Core values a file gives, each as written, in order, and
/// what a package also holds to its manifest: a PDF's page count (DOC-4),
/// page labels (DOC-5) and associated files (PDF-3, PDF-4), an EPUB's files
/// (EPUB-6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Described {
    pub identifiers: Vec<String>,
    pub relations: Vec<String>,
    pub dates: Vec<String>,
    pub pages: Option<usize>,
    pub files: Vec<String>,
    /// A PDF's associated files (its catalog's `/AF`), PDF-3 and PDF-4.
    pub attachments: Vec<Attachment>,
    /// Each page's label as a decimal number, when its `/PageLabels` range
    /// numbers pages in decimal without a prefix (DOC-5).
    pub page_numbers: Vec<Option<u32>>,
    /// An EPUB's XHTML files, each with the languages its root element
    /// gives (EPUB-7).
    pub languages: Vec<Languages>,
    /// A PDF's fonts whose program it does not carry, by name (PDF-2).
    pub fonts_not_embedded: Vec<String>,
    /// The PDF/A part and conformance level a PDF's XMP declares
    /// (`pdfaid:part`, `pdfaid:conformance`; PDF-1, DOC-3).
    pub pdfa_parts: Vec<String>,
    pub pdfa_conformances: Vec<String>,
}

/// The `lang` and `xml:lang` of an XHTML file's root element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Languages {
    pub file: String,
    pub lang: Option<String>,
    pub xml_lang: Option<String>,
}

impl Languages {
    /// What the root element of `xhtml`, the file `file` or the start of
    /// it, gives; nothing when no root element starts there.
    pub fn of_root(file: &str, xhtml: &[u8]) -> Languages {
        let mut languages = Languages {
            file: file.to_owned(),
            ..Languages::default()
        };
        let mut reader = quick_xml::Reader::from_reader(xhtml);
        let root = loop {
            match reader.read_event() {
                Ok(Event::Start(root) | Event::Empty(root)) => break root,
                Ok(Event::Eof) | Err(_) => return languages,
                Ok(_) => {}
            }
        };
        for attribute in root.attributes().flatten() {
            let value = attribute.value.into_owned();
            match attribute.key.as_ref() {
                "lang" => languages.lang = Some(value),
                "xml:lang" => languages.xml_lang = Some(value),
                _ => {}
            }
        }
        languages
    }
}

/// One associated file of a PDF, as its file specification gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    /// `/UF`, or else `/F`.
    pub name: String,
    /// `/AFRelationship`, without its slash.
    pub relationship: String,
    /// The embedded file's `/Subtype`, a MIME type.
    pub media_type: String,
    /// The SHA-256 of the embedded file's content, lowercase hex.
    pub sha256: String,
}

/// The `dc:identifier`, `dc:relation` and `dc:date` values of `xml`, a
/// value's text being its own or, in XMP, that of each `rdf:li` it holds.
/// None when `xml` is not well-formed: nothing it says can be relied on.
/// A DTD makes it None too: none is read, no entity expanded (SEC-6).
pub fn read(xml: &[u8]) -> Option<Described> {
    let mut reader = NsReader::from_reader(xml);
    let mut described = Described::default();
    // The Dublin Core element being read, how deep inside it the reader is,
    // and the text of the value being read.
    let mut inside: Option<(Element, usize)> = None;
    let mut text = String::new();
    loop {
        let (namespace, event) = reader.read_resolved_event().ok()?;
        match (event, &mut inside) {
            (Event::Start(_), Some((element, depth))) => {
                described.take(*element, &mut text);
                *depth += 1;
            }
            (Event::Start(start), None) => {
                inside = element(&namespace, start.local_name().as_ref()).map(|e| (e, 0));
                described.take_attributes(&reader, &start);
            }
            (Event::Empty(start), None) => described.take_attributes(&reader, &start),
            (Event::End(_), Some((element, depth))) => {
                described.take(*element, &mut text);
                match depth {
                    0 => inside = None,
                    _ => *depth -= 1,
                }
            }
            (Event::Text(part), Some(_)) => text += &part.xml_content(XmlVersion::Implicit1_0),
            (Event::GeneralRef(reference), Some(_)) => match reference.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text += resolve_predefined_entity(&reference.into_inner())?,
            },
            (Event::DocType(_), _) => return None,
            (Event::Eof, _) => return Some(described),
            _ => {}
        }
    }
}

#[derive(Clone, Copy)]
enum Element {
    Identifier,
    Relation,
    Date,
    PdfaPart,
    PdfaConformance,
}

fn element(namespace: &ResolveResult<'_>, local: &str) -> Option<Element> {
    let ResolveResult::Bound(namespace) = namespace else {
        return None;
    };
    match (namespace.as_ref(), local) {
        (DUBLIN_CORE, "identifier") => Some(Element::Identifier),
        (DUBLIN_CORE, "relation") => Some(Element::Relation),
        (DUBLIN_CORE, "date") => Some(Element::Date),
        (PDFA_ID, "part") => Some(Element::PdfaPart),
        (PDFA_ID, "conformance") => Some(Element::PdfaConformance),
        _ => None,
    }
}

impl Described {
    /// The values `start`'s attributes give, as XMP may write a simple
    /// property: `<rdf:Description pdfaid:part="3">`.
    fn take_attributes(&mut self, reader: &NsReader<&[u8]>, start: &BytesStart<'_>) {
        for attribute in start.attributes().flatten() {
            let (namespace, local) = reader.resolver().resolve_attribute(attribute.key);
            if let Some(element) = element(&namespace, local.as_ref()) {
                let mut value = attribute.value.into_owned();
                self.take(element, &mut value);
            }
        }
    }

    /// The value read so far, if any, as one of `element`'s.
    fn take(&mut self, element: Element, text: &mut String) {
        let value = text.trim();
        if !value.is_empty() {
            let values = match element {
                Element::Identifier => &mut self.identifiers,
                Element::Relation => &mut self.relations,
                Element::Date => &mut self.dates,
                Element::PdfaPart => &mut self.pdfa_parts,
                Element::PdfaConformance => &mut self.pdfa_conformances,
            };
            values.push(value.to_owned());
        }
        text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdfa_identification_is_read_as_elements_or_as_attributes() {
        let elements = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let described = read(elements).unwrap();
        assert_eq!(
            (described.pdfa_parts, described.pdfa_conformances),
            (vec!["3".to_owned()], vec!["B".to_owned()])
        );
        let attributes = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:a="http://www.aiim.org/pdfa/ns/id/" a:part="3" a:conformance="U"/></rdf:RDF></x:xmpmeta>"#;
        let described = read(attributes).unwrap();
        assert_eq!(
            (described.pdfa_parts, described.pdfa_conformances),
            (vec!["3".to_owned()], vec!["U".to_owned()])
        );
    }

    #[test]
    fn an_xhtml_files_languages_are_its_root_elements() {
        let xhtml = br#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh-Hans" lang="zh-Hant"><body lang="en"/></html>"#;
        let languages = Languages::of_root("EPUB/text/s1-d1.xhtml", xhtml);
        assert_eq!(languages.lang.as_deref(), Some("zh-Hant"));
        assert_eq!(languages.xml_lang.as_deref(), Some("zh-Hans"));
        let cut = Languages::of_root("a.xhtml", &xhtml[..50]);
        assert_eq!((cut.lang, cut.xml_lang), (None, None));
    }

    #[test]
    fn reads_xmp_and_opf_values_by_namespace_not_prefix() {
        let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:dc="urn:not-dublin-core"><d:identifier>urn:gazette:g:2025:8:1</d:identifier><d:relation><rdf:Bag><rdf:li>urn:gazette:g:2025:8</rdf:li></rdf:Bag></d:relation><dc:identifier>decoy</dc:identifier></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let described = read(xmp).unwrap();
        assert_eq!(described.identifiers, ["urn:gazette:g:2025:8:1"]);
        assert_eq!(described.relations, ["urn:gazette:g:2025:8"]);
        assert!(described.dates.is_empty());

        let opf = br#"<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="uid">urn:a&amp;b</dc:identifier><dc:date>2025-08-15</dc:date></metadata></package>"#;
        let described = read(opf).unwrap();
        assert_eq!(described.identifiers, ["urn:a&b"]);
        assert_eq!(described.dates, ["2025-08-15"]);
    }

    #[test]
    fn xml_that_is_not_well_formed_says_nothing() {
        assert_eq!(
            read(b"<a xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:identifier>x</a>"),
            None
        );
    }
}
