//! Appends the seal to a finished PDF as an incremental update.
//!
//! The typeset bytes stay a byte-identical prefix of the sealed file: the update
//! adds the signature dictionary, a widget whose appearance is the red seal, the
//! form that holds it and the certification permissions, then a cross-reference
//! section chained to the original by `/Prev`. The signature covers the whole
//! file except its own value, as PAdES and PDF/A require.

use std::fmt;
use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, Writer};

/// Everything about the seal except the signature value.
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
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealError::Pdf(message) => write!(f, "cannot seal the PDF: {message}"),
            SealError::Sign(message) => write!(f, "signing failed: {message}"),
            SealError::TooLarge { needed, reserved } => write!(
                f,
                "the signature needs {needed} bytes but only {reserved} were reserved"
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
    pdf: &[u8],
    plan: &SealPlan,
    sign: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, SealError> {
    let document = Document::load_mem(pdf).map_err(|e| SealError::Pdf(e.to_string()))?;
    let prev = startxref(pdf).ok_or_else(|| SealError::Pdf("no startxref".into()))?;
    let update = Update::plan(&document, plan)?;

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let placeholders = update.write(&mut out, prev, plan)?;
    let signed = placeholders.fill_byte_range(&mut out);
    let ranges: [&[u8]; 2] = [&out[..signed.0], &out[signed.1..]];
    let signature = sign(&ranges).map_err(SealError::Sign)?;
    placeholders.fill_contents(&mut out, &signature)?;
    Ok(out)
}

/// The objects the update adds or replaces.
struct Update {
    catalog: (ObjectId, Dictionary),
    page: (ObjectId, Dictionary),
    signature: ObjectId,
    widget: ObjectId,
    appearance: ObjectId,
    trailer: Dictionary,
}

impl Update {
    fn plan(document: &Document, plan: &SealPlan) -> Result<Update, SealError> {
        let pdf_err = |e: lopdf::Error| SealError::Pdf(e.to_string());
        let catalog_id = document
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(pdf_err)?;
        let catalog = document.get_dictionary(catalog_id).map_err(pdf_err)?;
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
        let page = document.get_dictionary(page_id).map_err(pdf_err)?;

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

        let mut trailer = Dictionary::new();
        trailer.set("Size", Object::Integer(i64::from(appearance.0) + 1));
        for key in [b"Root".as_slice(), b"Info", b"ID"] {
            if let Ok(value) = document.trailer.get(key) {
                trailer.set(key, value.clone());
            }
        }
        Ok(Update {
            catalog: (catalog_id, catalog),
            page: (page_id, page),
            signature,
            widget,
            appearance,
            trailer,
        })
    }

    /// Appends the objects, xref and trailer to `out`; returns where the
    /// placeholders landed.
    fn write(
        &self,
        out: &mut Vec<u8>,
        prev: usize,
        plan: &SealPlan,
    ) -> Result<Placeholders, SealError> {
        let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
        let io = |e: std::io::Error| SealError::Pdf(e.to_string());

        offsets.push((self.signature, out.len()));
        let placeholders = write_signature(out, self.signature, plan).map_err(io)?;

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
        let objects: [(ObjectId, Object); 4] = [
            (self.widget, widget.into()),
            (self.appearance, Object::Stream(appearance)),
            (self.page.0, self.page.1.clone().into()),
            (self.catalog.0, self.catalog.1.clone().into()),
        ];
        for (id, object) in &objects {
            offsets.push((*id, out.len()));
            write_object(out, *id, object).map_err(io)?;
        }

        let xref = out.len();
        write_xref(out, &mut offsets).map_err(io)?;
        let mut trailer = self.trailer.clone();
        trailer.set("Prev", Object::Integer(prev as i64));
        out.extend_from_slice(b"trailer\n");
        Writer::write_object(out, &trailer.into()).map_err(|e| SealError::Pdf(e.to_string()))?;
        write!(out, "\nstartxref\n{xref}\n%%EOF\n").map_err(io)?;
        Ok(placeholders)
    }
}

/// Byte range values are written later, padded to this many digits.
const RANGE_DIGITS: usize = 10;

/// Where the signature dictionary's placeholders are in the output.
struct Placeholders {
    /// Offset of the first digit of the byte range's second number.
    byte_range: usize,
    /// Offsets of `<` and one past `>` of the `/Contents` hex string.
    contents: (usize, usize),
}

impl Placeholders {
    /// Writes the byte range now that the file length is known; returns the gap.
    fn fill_byte_range(&self, out: &mut [u8]) -> (usize, usize) {
        let (start, end) = self.contents;
        let text = format!(
            "{start:0w$} {end:0w$} {:0w$}",
            out.len() - end,
            w = RANGE_DIGITS
        );
        out[self.byte_range..self.byte_range + text.len()].copy_from_slice(text.as_bytes());
        self.contents
    }

    fn fill_contents(&self, out: &mut [u8], signature: &[u8]) -> Result<(), SealError> {
        let (start, end) = self.contents;
        let reserved = (end - start - 2) / 2;
        if signature.len() > reserved {
            return Err(SealError::TooLarge {
                needed: signature.len(),
                reserved,
            });
        }
        let hex = crate::digest::hex(signature);
        out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(())
    }
}

/// The signature dictionary, with the byte range before the value so the range
/// itself is signed in the first part.
fn write_signature(
    out: &mut Vec<u8>,
    id: ObjectId,
    plan: &SealPlan,
) -> std::io::Result<Placeholders> {
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
    let dictionary = Dictionary::from_iter([
        ("Type", Object::Name(b"Sig".to_vec())),
        ("Filter", Object::Name(b"Adobe.PPKLite".to_vec())),
        ("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec())),
        ("M", Object::string_literal(plan.time.as_str())),
        ("Name", text_string(&plan.name)),
        ("Reason", text_string(&plan.reason)),
        ("Reference", Object::Array(vec![reference.into()])),
    ]);
    let mut body = Vec::new();
    Writer::write_object(&mut body, &dictionary.into()).map_err(std::io::Error::other)?;
    // Reopen the serialised dictionary to add the two fields patched later.
    body.truncate(body.len() - b">>".len());

    writeln!(out, "{} {} obj", id.0, id.1)?;
    out.extend_from_slice(&body);
    out.extend_from_slice(b"/ByteRange[0 ");
    let byte_range = out.len();
    let zeros = "0".repeat(RANGE_DIGITS);
    write!(out, "{zeros} {zeros} {zeros}]/Contents")?;
    let start = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', plan.reserve * 2));
    out.push(b'>');
    let end = out.len();
    out.extend_from_slice(b">>\nendobj\n");
    Ok(Placeholders {
        byte_range,
        contents: (start, end),
    })
}

fn write_object(out: &mut Vec<u8>, id: ObjectId, object: &Object) -> std::io::Result<()> {
    writeln!(out, "{} {} obj", id.0, id.1)?;
    Writer::write_object(out, object).map_err(std::io::Error::other)?;
    out.extend_from_slice(b"\nendobj\n");
    Ok(())
}

/// One xref section with a subsection per run of consecutive object numbers.
fn write_xref(out: &mut Vec<u8>, offsets: &mut [(ObjectId, usize)]) -> std::io::Result<()> {
    offsets.sort_by_key(|((number, _), _)| *number);
    out.extend_from_slice(b"xref\n");
    let mut rest = &offsets[..];
    while let Some(((first, _), _)) = rest.first() {
        let run = rest
            .iter()
            .enumerate()
            .take_while(|(i, ((number, _), _))| *number == first + *i as u32)
            .count();
        writeln!(out, "{first} {run}")?;
        for ((_, generation), offset) in &rest[..run] {
            write!(out, "{offset:010} {generation:05} n\r\n")?;
        }
        rest = &rest[run..];
    }
    Ok(())
}

/// The offset in the last `startxref`, which the update's `/Prev` points to.
fn startxref(pdf: &[u8]) -> Option<usize> {
    let tail_start = pdf.len().saturating_sub(1024);
    let tail = &pdf[tail_start..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let digits: String = tail[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
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
