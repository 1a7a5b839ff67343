//! What every page prints to be checked against the published data: the
//! verification code of the document it belongs to (of the edition for the
//! cover and contents), the URL that checks it and that URL as a QR code,
//! made once a build from the published data and handed to the templates
//! as data (`/data/verification.json`), never as typst source.

use qrcode::{Color, EcLevel, QrCode};
use rayon::prelude::*;
use serde::Serialize;

use crate::data::Published;
use crate::model::Edition;
use crate::verification_code::PageCheck;

/// The codes as the templates read them: the edition's, and each
/// document's by section and place in its section, as the block marks
/// name them.
#[derive(Serialize)]
struct PageCodes {
    edition: Entry,
    sections: Vec<Vec<Entry>>,
}

#[derive(Serialize)]
struct Entry {
    code: String,
    url: String,
    /// The QR code of `url`, as a PNG image, one pixel a module: the bytes
    /// as numbers, which typst's `bytes()` takes from JSON.
    qr: Vec<u8>,
}

/// The pages' verification codes, URLs and QR codes for `edition`, whose
/// data is `published`, as [`crate::typeset::EditionWorld::with_verification`]
/// takes them; or why a URL cannot be a QR code.
pub fn page_codes(edition: &Edition, published: &Published) -> Result<Vec<u8>, String> {
    let documents: Vec<&str> = edition
        .sections
        .iter()
        .flat_map(|section| &section.documents)
        .map(|document| document.uri.as_str())
        .collect();
    if published.documents.len() < documents.len() {
        return Err(format!(
            "the data has files for {} of the {} documents",
            published.documents.len(),
            documents.len()
        ));
    }
    // Choosing each QR code's mask is most of the work: side by side.
    let (edition_entry, entries) = rayon::join(
        || entry(edition, &edition.uri, &published.edition.bytes),
        || {
            documents
                .par_iter()
                .zip(&published.documents)
                .map(|(uri, file)| entry(edition, uri, &file.bytes))
                .collect::<Result<Vec<Entry>, String>>()
        },
    );
    let mut entries = entries?.into_iter();
    let sections = edition
        .sections
        .iter()
        .map(|section| entries.by_ref().take(section.documents.len()).collect())
        .collect();
    let codes = PageCodes {
        edition: edition_entry?,
        sections,
    };
    serde_json::to_vec(&codes).map_err(|error| error.to_string())
}

/// The code of the published data `json` of what `uri` identifies, its URL
/// and its QR code.
fn entry(edition: &Edition, uri: &str, json: &[u8]) -> Result<Entry, String> {
    let PageCheck { code, url } = PageCheck::of(&edition.gazette, uri, json);
    let qr = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|error| format!("the verification URL {url} cannot be a QR code: {error}"))?;
    let qr = png(&qr).map_err(|error| format!("the QR code of {url} cannot be drawn: {error}"))?;
    Ok(Entry { code, url, qr })
}

/// The quiet zone around a QR code, in modules, as ISO/IEC 18004 asks.
const QUIET_ZONE: usize = 4;

/// `code` as a 1-bit greyscale PNG, one pixel a module with its quiet zone.
/// A raster rather than vector drawing, because the PDF then holds each
/// code once as an image and every page of its document refers to it,
/// where a drawing would be repeated on every page; the templates scale it
/// without smoothing.
fn png(code: &QrCode) -> Result<Vec<u8>, png::EncodingError> {
    let modules = code.width();
    let side = modules + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut pixels = vec![0u8; side.div_ceil(8) * side];
    for y in 0..side {
        for x in 0..side {
            let dark = (QUIET_ZONE..QUIET_ZONE + modules).contains(&x)
                && (QUIET_ZONE..QUIET_ZONE + modules).contains(&y)
                && colors[(y - QUIET_ZONE) * modules + x - QUIET_ZONE] == Color::Dark;
            if !dark {
                pixels[y * side.div_ceil(8) + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    let side = u32::try_from(side).map_err(|_| png::EncodingError::LimitsExceeded)?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(bytes)
}
