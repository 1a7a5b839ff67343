//! A document timestamp appended as a producer would append one, but in a
//! form the format forbids: another /SubFilter (SPDF-14), or a widget that
//! shows on the first page (SPDF-16, VER-28). gazette never writes either, so
//! the update is written here: a signature dictionary of /Type /DocTimeStamp
//! with a /ByteRange and a /Contents reserved, a signature field whose
//! widget sits on the first page, the form and the page updated, then the
//! test PKI's time-stamp authority's token over the byte ranges.

use lopdf::{Dictionary, Document, Object};
use serde::Deserialize;

use super::long_term::tsa_token;
use crate::support::{append_update, find, written};

/// Bytes kept for the token in /Contents.
const RESERVE: usize = 12 * 1024;

/// How the appended document timestamp differs from the one SPDF-14 asks
/// for; every field may be left out.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocumentTimestamp {
    /// Its /SubFilter (`ETSI.RFC3161` when left out).
    #[serde(default = "rfc3161")]
    pub sub_filter: String,
    /// Its widget's /Rect on the first page (no area when left out).
    #[serde(default)]
    pub rect: [f32; 4],
}

fn rfc3161() -> String {
    "ETSI.RFC3161".into()
}

/// `pdf` with the document timestamp `wanted` describes appended.
pub fn append(pdf: &[u8], wanted: &DocumentTimestamp) -> Vec<u8> {
    let doc = Document::load_mem(pdf).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let page = doc.get_pages()[&1];
    let (signature, field) = (doc.max_id + 1, doc.max_id + 2);

    let zeros = "0".repeat(10);
    let dictionary = format!(
        "<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/{}/ByteRange[0 {zeros} {zeros} {zeros}]/Contents<{}>>>",
        wanted.sub_filter,
        "0".repeat(2 * RESERVE)
    );
    let rect: Vec<Object> = wanted.rect.iter().map(|&n| Object::Real(n)).collect();
    let widget = Dictionary::from_iter([
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        ("T", Object::string_literal("Timestamp vector")),
        ("V", Object::Reference((signature, 0))),
        ("Rect", Object::Array(rect)),
        // Print | Locked, as gazette's own document timestamp.
        ("F", Object::Integer(4 | 128)),
        ("P", Object::Reference(page)),
    ]);
    let mut objects = vec![
        (signature, dictionary.into_bytes()),
        (field, written(&Object::Dictionary(widget))),
    ];
    let mut page_dictionary = doc.get_dictionary(page).unwrap().clone();
    match page_dictionary.get(b"Annots") {
        Ok(Object::Reference(annots)) => {
            let mut listed = doc.get_object(*annots).unwrap().as_array().unwrap().clone();
            listed.push((field, 0).into());
            objects.push((annots.0, written(&Object::Array(listed))));
        }
        other => {
            let mut listed = other
                .ok()
                .and_then(|a| a.as_array().ok().cloned())
                .unwrap_or_default();
            listed.push((field, 0).into());
            page_dictionary.set("Annots", Object::Array(listed));
            objects.push((page.0, written(&Object::Dictionary(page_dictionary))));
        }
    }
    // The sealed edition's form is in its catalog; another's may stand apart.
    let mut catalog = doc.get_dictionary(root).unwrap().clone();
    let form_id = catalog.get(b"AcroForm").unwrap().as_reference().ok();
    let mut form = match form_id {
        Some(id) => doc.get_dictionary(id).unwrap().clone(),
        None => catalog.get(b"AcroForm").unwrap().as_dict().unwrap().clone(),
    };
    let mut fields = form.get(b"Fields").unwrap().as_array().unwrap().clone();
    fields.push((field, 0).into());
    form.set("Fields", Object::Array(fields));
    match form_id {
        Some(id) => objects.push((id.0, written(&Object::Dictionary(form)))),
        None => {
            catalog.set("AcroForm", Object::Dictionary(form));
            objects.push((root.0, written(&Object::Dictionary(catalog))));
        }
    }

    let mut out = append_update(pdf, &objects, None);
    let marker = format!("{signature} 0 obj\n");
    let object = pdf.len() + find(&out[pdf.len()..], marker.as_bytes()).unwrap();
    let start = object + find(&out[object..], b"/Contents<").unwrap() + b"/Contents".len();
    let end = start + 2 * RESERVE + 2;
    let range = format!("{start:010} {end:010} {:010}", out.len() - end);
    let at = object + find(&out[object..], b"/ByteRange[0 ").unwrap() + b"/ByteRange[0 ".len();
    out[at..at + range.len()].copy_from_slice(range.as_bytes());

    let mut covered = out[..start].to_vec();
    covered.extend_from_slice(&out[end..]);
    let token = tsa_token(&covered);
    let hex: String = token.der.iter().map(|b| format!("{b:02x}")).collect();
    assert!(hex.len() <= 2 * RESERVE, "the token fits");
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    out
}
