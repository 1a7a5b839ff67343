//! The document timestamp (PAdES B-LTA, ISO 32000-2 §12.8.5): an RFC 3161
//! token over the whole file as it is, DSS included, appended as an
//! incremental update in a new invisible signature field. Its `/Contents` is
//! the token itself (SubFilter `ETSI.RFC3161`), its imprint the SHA-256 of the
//! byte ranges, which cover everything but the token, as for a signature.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::SealError;
use super::pdf::with_annotation;
use super::update::{self, Update, pdf_error, trailer};
use crate::cms::TimeStamper;
use crate::timestamp::Token;

/// The name of a document timestamp's field: the first of "Timestamp 1",
/// "Timestamp 2", … that the form does not use yet.
const FIELD_PREFIX: &str = "Timestamp";

/// `pdf` with a document timestamp from `stamp` appended, `reserve` bytes
/// left for the token; and the token, whose TSA's certificates need
/// validation data of their own.
pub fn append(
    pdf: &[u8],
    stamp: &TimeStamper,
    reserve: usize,
) -> Result<(Vec<u8>, Token), SealError> {
    let document = Document::load_mem(pdf).map_err(pdf_error)?;
    let form = Form::read(&document)?;
    let signature = (document.max_id + 1, 0);
    let field = (document.max_id + 2, 0);

    let mut update = Update::after(pdf)?;
    let value = Dictionary::from_iter([
        ("Type", Object::Name(b"DocTimeStamp".to_vec())),
        ("Filter", Object::Name(b"Adobe.PPKLite".to_vec())),
        ("SubFilter", Object::Name(b"ETSI.RFC3161".to_vec())),
    ]);
    let placeholders = update.signature(signature, &value, reserve)?;
    let widget = Dictionary::from_iter([
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        ("T", Object::string_literal(form.free_name())),
        ("V", Object::Reference(signature)),
        (
            "Rect",
            Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
        ),
        // Print | Locked, as PDF/A wants of every widget; it has no area.
        ("F", Object::Integer(4 | 128)),
        ("P", Object::Reference(form.page.0)),
    ]);
    update.object(field, &widget.into())?;
    // An indirect /Annots array (as other producers write it) gets the
    // widget itself; the page then stays as it is.
    match form.page.1.get(b"Annots") {
        Ok(Object::Reference(annots)) => {
            let mut listed = document
                .get_object(*annots)
                .and_then(Object::as_array)
                .map_err(pdf_error)?
                .clone();
            listed.push(field.into());
            update.object(*annots, &Object::Array(listed))?;
        }
        _ => update.object(form.page.0, &with_annotation(&form.page.1, field)?.into())?,
    }
    let mut acro_form = form.acro_form.clone();
    let mut fields = form.fields.clone();
    fields.push(field.into());
    acro_form.set("Fields", Object::Array(fields));
    match form.acro_form_id {
        Some(id) => update.object(id, &acro_form.into())?,
        None => {
            let mut catalog = form.catalog.1.clone();
            catalog.set("AcroForm", acro_form);
            update.object(form.catalog.0, &catalog.into())?;
        }
    }
    let out = update.finish(trailer(&document, field.0))?;

    let mut token = None;
    let out = placeholders.sign(out, |ranges| {
        let stamped = stamp(&ranges.concat()).map_err(SealError::Timestamp)?;
        let der = stamped.der.clone();
        token = Some(stamped);
        Ok(der)
    })?;
    let token = token.ok_or_else(|| SealError::Pdf("no token was asked for".into()))?;
    Ok((out, token))
}

/// The form the new field joins, and the first page its widget sits on.
struct Form {
    catalog: (ObjectId, Dictionary),
    /// The form dictionary, and its object when it is not inside the catalog
    /// (a form that is inside stays there).
    acro_form: Dictionary,
    acro_form_id: Option<ObjectId>,
    fields: Vec<Object>,
    names: Vec<Vec<u8>>,
    page: (ObjectId, Dictionary),
}

impl Form {
    fn read(document: &Document) -> Result<Form, SealError> {
        let (catalog_id, catalog) = update::catalog(document)?;
        let (acro_form, acro_form_id) = match catalog.get(b"AcroForm") {
            Ok(Object::Reference(id)) => (
                document.get_dictionary(*id).map_err(pdf_error)?.clone(),
                Some(*id),
            ),
            Ok(Object::Dictionary(form)) => (form.clone(), None),
            _ => (
                Dictionary::from_iter([("SigFlags", Object::Integer(3))]),
                None,
            ),
        };
        let fields = acro_form
            .get_deref(b"Fields", document)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default();
        let names = fields
            .iter()
            .filter_map(|field| {
                let (_, field) = document.dereference(field).ok()?;
                let name = field.as_dict().ok()?.get(b"T").ok()?.as_str().ok()?;
                Some(name.to_vec())
            })
            .collect();
        let page_id = *document
            .get_pages()
            .values()
            .next()
            .ok_or_else(|| SealError::Pdf("the PDF has no page".into()))?;
        let page = document.get_dictionary(page_id).map_err(pdf_error)?.clone();
        Ok(Form {
            catalog: (catalog_id, catalog.clone()),
            acro_form,
            acro_form_id,
            fields,
            names,
            page: (page_id, page),
        })
    }

    fn free_name(&self) -> String {
        (1..)
            .map(|n| format!("{FIELD_PREFIX} {n}"))
            .find(|name| !self.names.iter().any(|taken| taken == name.as_bytes()))
            .unwrap_or_else(|| FIELD_PREFIX.to_owned())
    }
}
