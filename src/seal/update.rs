//! Writing one incremental update after a PDF's last byte: objects, a
//! cross-reference section chained to the previous one by `/Prev`, and a
//! trailer. The bytes before it are never touched, so every signature already
//! in the file still covers what it covered. lopdf only reads: it gives no
//! byte offsets, and its writer would rewrite what signatures cover.
//!
//! A signature's dictionary is written with placeholders for `/ByteRange` and
//! `/Contents`, filled in once the update is complete ([`Placeholders`]).

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, Writer};

use super::SealError;

/// A finished PDF and lopdf's reading of it. Reading a PDF of an edition
/// costs milliseconds, so it is read once where it is made and handed on to
/// every step that appends to it or takes its objects.
pub struct ParsedPdf {
    bytes: Vec<u8>,
    document: Document,
}

impl ParsedPdf {
    /// Reads `bytes`.
    pub fn read(bytes: Vec<u8>) -> Result<ParsedPdf, SealError> {
        let document = Document::load_mem(&bytes).map_err(pdf_error)?;
        Ok(ParsedPdf { bytes, document })
    }

    /// `bytes` with `document`, whose objects are what `bytes` hold: as the
    /// writer of both knows, without reading them again. Only typesetting
    /// writes PDFs it holds the objects of.
    #[cfg(feature = "typeset")]
    pub(crate) fn of_parts(bytes: Vec<u8>, document: Document) -> ParsedPdf {
        ParsedPdf { bytes, document }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The parts, to be put together again with [`ParsedPdf::of_parts`].
    #[cfg(feature = "typeset")]
    pub(crate) fn into_parts(self) -> (Vec<u8>, Document) {
        (self.bytes, self.document)
    }
}

/// Room for an update when its copy of the PDF is allocated: a seal with
/// its certificates fits, so the copy is not moved again as it grows.
const UPDATE_ROOM: usize = 64 * 1024;

/// An update being written after a PDF's bytes.
pub(crate) struct Update {
    out: Vec<u8>,
    /// Where the previous cross-reference section starts.
    prev: usize,
    offsets: Vec<(ObjectId, usize)>,
}

impl Update {
    /// Starts an update after `pdf`, which ends with a `startxref`.
    pub(crate) fn after(pdf: &[u8]) -> Result<Update, SealError> {
        let prev = startxref(pdf).ok_or_else(|| SealError::Pdf("no startxref".into()))?;
        let mut out = Vec::with_capacity(pdf.len() + UPDATE_ROOM);
        out.extend_from_slice(pdf);
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        Ok(Update {
            out,
            prev,
            offsets: Vec::new(),
        })
    }

    /// Appends object `id`: new, or a new version of an earlier one.
    pub(crate) fn object(&mut self, id: ObjectId, object: &Object) -> Result<(), SealError> {
        self.offsets.push((id, self.out.len()));
        writeln!(self.out, "{} {} obj", id.0, id.1).map_err(io)?;
        Writer::write_object(&mut self.out, object).map_err(io)?;
        self.out.extend_from_slice(b"\nendobj\n");
        Ok(())
    }

    /// Appends the signature dictionary `id` with `/ByteRange` and a
    /// `/Contents` of `reserve` zero bytes after its other entries, the byte
    /// range first so that it is itself signed.
    pub(crate) fn signature(
        &mut self,
        id: ObjectId,
        dictionary: &Dictionary,
        reserve: usize,
    ) -> Result<Placeholders, SealError> {
        self.offsets.push((id, self.out.len()));
        let out = &mut self.out;
        let mut body = Vec::new();
        Writer::write_object(&mut body, &dictionary.clone().into()).map_err(io)?;
        // Reopen the serialised dictionary to add the two fields patched later.
        body.truncate(body.len() - b">>".len());

        writeln!(out, "{} {} obj", id.0, id.1).map_err(io)?;
        out.extend_from_slice(&body);
        out.extend_from_slice(b"/ByteRange[0 ");
        let byte_range = out.len();
        let zeros = "0".repeat(RANGE_DIGITS);
        write!(out, "{zeros} {zeros} {zeros}]/Contents").map_err(io)?;
        let start = out.len();
        out.push(b'<');
        out.extend(std::iter::repeat_n(b'0', reserve * 2));
        out.push(b'>');
        let end = out.len();
        out.extend_from_slice(b">>\nendobj\n");
        Ok(Placeholders {
            byte_range,
            contents: (start, end),
        })
    }

    /// Ends the update with its cross-reference section and `trailer` (which
    /// gets `/Prev`); returns the whole file.
    pub(crate) fn finish(mut self, mut trailer: Dictionary) -> Result<Vec<u8>, SealError> {
        let xref = self.out.len();
        write_xref(&mut self.out, &mut self.offsets).map_err(io)?;
        trailer.set("Prev", Object::Integer(self.prev as i64));
        self.out.extend_from_slice(b"trailer\n");
        Writer::write_object(&mut self.out, &trailer.into()).map_err(io)?;
        write!(self.out, "\nstartxref\n{xref}\n%%EOF\n").map_err(io)?;
        Ok(self.out)
    }
}

/// The trailer of an update to `document` whose highest object number is
/// `last`: the same catalog, information and identifier.
pub(crate) fn trailer(document: &Document, last: u32) -> Dictionary {
    let mut trailer = Dictionary::new();
    trailer.set("Size", Object::Integer(i64::from(last) + 1));
    for key in [b"Root".as_slice(), b"Info", b"ID"] {
        if let Ok(value) = document.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer
}

/// Byte range values are written later, padded to this many digits.
const RANGE_DIGITS: usize = 10;

/// Where a signature dictionary's placeholders are in the output.
pub(crate) struct Placeholders {
    /// Offset of the first digit of the byte range's second number.
    byte_range: usize,
    /// Offsets of `<` and one past `>` of the `/Contents` hex string.
    contents: (usize, usize),
}

impl Placeholders {
    /// Fills in the byte range of the finished file `out`, asks `sign` for
    /// the value over it and writes it into `/Contents`.
    pub(crate) fn sign(
        &self,
        mut out: Vec<u8>,
        sign: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, SealError>,
    ) -> Result<Vec<u8>, SealError> {
        let (start, end) = self.contents;
        let text = format!(
            "{start:0w$} {end:0w$} {:0w$}",
            out.len() - end,
            w = RANGE_DIGITS
        );
        out[self.byte_range..self.byte_range + text.len()].copy_from_slice(text.as_bytes());
        let ranges: [&[u8]; 2] = [&out[..start], &out[end..]];
        let value = sign(&ranges)?;
        let reserved = (end - start - 2) / 2;
        if value.len() > reserved {
            return Err(SealError::TooLarge {
                needed: value.len(),
                reserved,
            });
        }
        let hex = crate::digest::hex(&value);
        out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(out)
    }
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

/// The catalog of `document`: its object number, as every update that
/// changes it needs, and the dictionary.
pub(crate) fn catalog(document: &Document) -> Result<(ObjectId, &Dictionary), SealError> {
    let id = document
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(pdf_error)?;
    let catalog = document.get_dictionary(id).map_err(pdf_error)?;
    Ok((id, catalog))
}

/// A PDF the seal cannot read or change, said as lopdf says it.
pub(crate) fn pdf_error(error: lopdf::Error) -> SealError {
    SealError::Pdf(error.to_string())
}

fn io(error: impl std::fmt::Display) -> SealError {
    SealError::Pdf(error.to_string())
}
