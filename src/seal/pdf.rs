//! Appends the seal to a finished PDF as an incremental update.
//!
//! The typeset bytes stay a byte-identical prefix of the sealed file: the update
//! adds the signature dictionary, a widget whose appearance is the red seal, the
//! form that holds it and the certification permissions, then a cross-reference
//! section chained to the original by `/Prev`. The signature covers the whole
//! file except its own value, as PAdES and PDF/A require.

use std::fmt;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::update::{self, ParsedPdf, Placeholders, Update, trailer};

/// Everything about the seal except the signature value.
#[derive(Clone)]
pub struct SealPlan<'a> {
    /// The appearance of the widget: a content stream drawn in `bbox`.
    pub appearance: &'a [u8],
    pub bbox: [f32; 4],
    /// Where the widget sits: 0-based page index and rectangle in PDF points.
    pub page: usize,
    pub rect: [f32; 4],
    /// The claimed signing time as a PDF date, e.g. `D:20250815000000+08'00'`.
    pub time: String,
    /// Who seals, as shown by readers in the signature panel.
    pub name: String,
    /// The seal's purpose, shown as the signature's reason.
    pub reason: String,
    /// Bytes reserved for the DER signature; the CMS must fit.
    pub reserve: usize,
}

/// Why a PDF could not be sealed.
#[derive(Debug)]
pub enum SealError {
    /// The typeset PDF is not what this writer expects (a bug upstream).
    Pdf(String),
    /// The signer failed: its message says why.
    Sign(String),
    /// The signature was larger than the space reserved for it.
    TooLarge { needed: usize, reserved: usize },
    /// The time-stamp authority gave no token.
    Timestamp(String),
    /// The revocation evidence could not be gathered.
    Revocation(String),
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealError::Pdf(message) => write!(f, "cannot seal the PDF: {message}"),
            SealError::Sign(message) => write!(f, "signing failed: {message}"),
            SealError::TooLarge { needed, reserved } => write!(
                f,
                "the signature needs {needed} bytes but only {reserved} were reserved for it in the PDF"
            ),
            SealError::Timestamp(message) => write!(f, "time-stamping failed: {message}"),
            SealError::Revocation(message) => write!(
                f,
                "the revocation evidence (OCSP, CRLs) could not be gathered: {message}"
            ),
        }
    }
}

impl std::error::Error for SealError {}

/// The DocMDP permission level of the certification. Level 1 forbids every
/// change; PAdES and ISO 32000-2 still let validation data (DSS) and document
/// timestamps be appended, which is exactly the long-term archive path.
pub const DOCMDP_PERMISSION: i64 = 1;

/// Seals `pdf`: appends the update, then asks `sign` for the CMS over the
/// byte ranges (everything but the signature value) and writes it in.
pub fn seal(
    pdf: &ParsedPdf,
    plan: &SealPlan,
    sign: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, SealError> {
    let document = pdf.document();
    let objects = Objects::plan(document, plan)?;
    let mut update = Update::after(pdf.bytes())?;
    let placeholders = objects.write(&mut update, plan)?;
    let out = update.finish(trailer(document, objects.appearance.0))?;
    placeholders.sign(out, |ranges| sign(ranges).map_err(SealError::Sign))
}

/// The objects the update adds or replaces.
struct Objects {
    catalog: (ObjectId, Dictionary),
    page: (ObjectId, Dictionary),
    signature: ObjectId,
    widget: ObjectId,
    appearance: ObjectId,
}

impl Objects {
    fn plan(document: &Document, plan: &SealPlan) -> Result<Objects, SealError> {
        let (catalog_id, catalog) = update::catalog(document)?;
        if catalog.has(b"AcroForm") || catalog.has(b"Perms") {
            return Err(SealError::Pdf(
                "the PDF already has a form or permissions; it must come straight from typesetting"
                    .into(),
            ));
        }
        let page_id = *document
            .get_pages()
            .values()
            .nth(plan.page)
            .ok_or_else(|| SealError::Pdf(format!("the PDF has no page {}", plan.page + 1)))?;
        let page = document
            .get_dictionary(page_id)
            .map_err(update::pdf_error)?;

        let signature = (document.max_id + 1, 0);
        let widget = (document.max_id + 2, 0);
        let appearance = (document.max_id + 3, 0);

        let mut catalog = catalog.clone();
        catalog.set(
            "AcroForm",
            Dictionary::from_iter([
                ("Fields", Object::Array(vec![widget.into()])),
                // SignaturesExist | AppendOnly: readers must not rewrite the file.
                ("SigFlags", Object::Integer(3)),
            ]),
        );
        catalog.set(
            "Perms",
            Dictionary::from_iter([("DocMDP", Object::Reference(signature))]),
        );
        let page = with_annotation(page, widget)?;
        Ok(Objects {
            catalog: (catalog_id, catalog),
            page: (page_id, page),
            signature,
            widget,
            appearance,
        })
    }

    /// Appends the objects; returns where the signature's placeholders landed.
    fn write(&self, update: &mut Update, plan: &SealPlan) -> Result<Placeholders, SealError> {
        let placeholders = update.signature(self.signature, &signature(plan), plan.reserve)?;
        let widget = Dictionary::from_iter([
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Widget".to_vec())),
            ("FT", Object::Name(b"Sig".to_vec())),
            ("T", Object::string_literal("Seal")),
            ("V", Object::Reference(self.signature)),
            ("Rect", rect(plan.rect)),
            // Print | Locked: PDF/A wants printable widgets; nobody should move the seal.
            ("F", Object::Integer(4 | 128)),
            ("P", Object::Reference(self.page.0)),
            (
                "AP",
                Dictionary::from_iter([("N", Object::Reference(self.appearance))]).into(),
            ),
        ]);
        let appearance = Stream::new(
            Dictionary::from_iter([
                ("Type", Object::Name(b"XObject".to_vec())),
                ("Subtype", Object::Name(b"Form".to_vec())),
                ("BBox", rect(plan.bbox)),
                ("Resources", Dictionary::new().into()),
            ]),
            plan.appearance.to_vec(),
        );
        update.object(self.widget, &widget.into())?;
        update.object(self.appearance, &Object::Stream(appearance))?;
        update.object(self.page.0, &self.page.1.clone().into())?;
        update.object(self.catalog.0, &self.catalog.1.clone().into())?;
        Ok(placeholders)
    }
}

/// `page` with `widget` added to its annotations.
pub(crate) fn with_annotation(
    page: &Dictionary,
    widget: ObjectId,
) -> Result<Dictionary, SealError> {
    let mut page = page.clone();
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(existing)) => existing.clone(),
        Ok(_) => {
            return Err(SealError::Pdf(
                "the page's /Annots is not a direct array".into(),
            ));
        }
        Err(_) => Vec::new(),
    };
    annots.push(widget.into());
    page.set("Annots", annots);
    Ok(page)
}

/// The signature dictionary without its byte range and value.
fn signature(plan: &SealPlan) -> Dictionary {
    let reference = Dictionary::from_iter([
        ("Type", Object::Name(b"SigRef".to_vec())),
        ("TransformMethod", Object::Name(b"DocMDP".to_vec())),
        (
            "TransformParams",
            Dictionary::from_iter([
                ("Type", Object::Name(b"TransformParams".to_vec())),
                ("P", Object::Integer(DOCMDP_PERMISSION)),
                ("V", Object::Name(b"1.2".to_vec())),
            ])
            .into(),
        ),
    ]);
    Dictionary::from_iter([
        ("Type", Object::Name(b"Sig".to_vec())),
        ("Filter", Object::Name(b"Adobe.PPKLite".to_vec())),
        ("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec())),
        ("M", Object::string_literal(plan.time.as_str())),
        ("Name", text_string(&plan.name)),
        ("Reason", text_string(&plan.reason)),
        ("Reference", Object::Array(vec![reference.into()])),
    ])
}

fn rect(r: [f32; 4]) -> Object {
    Object::Array(r.iter().map(|&v| Object::Real(v)).collect())
}

/// A PDF text string: PDFDocEncoding cannot hold Chinese, so UTF-16BE with BOM.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}
