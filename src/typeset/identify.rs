//! The edition's identifier in its PDF's XMP metadata, as `dc:identifier`:
//! typst writes the title, author, language and dates there, but has no
//! field for an identifier (it only hashes one into `xmpMM:DocumentID`).
//! Written as one incremental update that replaces the metadata stream, so
//! the bytes typst exported stay as they are, and the seal comes after.

use lopdf::{Object, Stream};

use crate::seal::SealError;
use crate::seal::update::{self, ParsedPdf, Update};

/// `pdf` with `uri` as the `dc:identifier` of its document-level XMP, its
/// reading updated to match.
pub fn identify(pdf: ParsedPdf, uri: &str) -> Result<ParsedPdf, SealError> {
    let (bytes, mut document) = pdf.into_parts();
    let (_, catalog) = update::catalog(&document)?;
    let metadata = catalog
        .get(b"Metadata")
        .and_then(Object::as_reference)
        .map_err(|_| SealError::Pdf("the PDF has no XMP metadata to identify it in".into()))?;
    let stream = document
        .get_object(metadata)
        .and_then(Object::as_stream)
        .map_err(update::pdf_error)?;
    let xmp = match stream.dict.has(b"Filter") {
        true => stream.decompressed_content().map_err(update::pdf_error)?,
        false => stream.content.clone(),
    };
    let xmp = String::from_utf8(xmp)
        .map_err(|_| SealError::Pdf("the PDF's XMP metadata is not UTF-8".into()))?;
    let end = xmp
        .find("</rdf:Description>")
        .ok_or_else(|| SealError::Pdf("the PDF's XMP metadata has no rdf:Description".into()))?;
    let identifier = format!(
        "<dc:identifier>{}</dc:identifier>",
        quick_xml::escape::escape(uri)
    );
    let identified = format!("{}{identifier}{}", &xmp[..end], &xmp[end..]);
    let mut dict = stream.dict.clone();
    dict.remove(b"Filter");
    dict.remove(b"DecodeParms");
    let replaced = Object::Stream(Stream::new(dict, identified.into_bytes()));
    let mut out = Update::after(&bytes)?;
    out.object(metadata, &replaced)?;
    let bytes = out.finish(update::trailer(&document, document.max_id))?;
    document.objects.insert(metadata, replaced);
    Ok(ParsedPdf::of_parts(bytes, document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_without_metadata_is_an_error_not_a_panic() {
        let Err(error) =
            ParsedPdf::read(b"%PDF-1.7\nnot a pdf".to_vec()).and_then(|pdf| identify(pdf, "urn:x"))
        else {
            panic!("a PDF without metadata was identified");
        };
        assert!(!error.to_string().is_empty());
    }
}
