//! What a PDF says of itself, for a package to hold to its manifest: its
//! XMP's Dublin Core (PDF-5, DOC-6) and PDF/A identification (PDF-1,
//! DOC-3), its page count (DOC-4) and page labels (DOC-5), its associated
//! files (PDF-3, PDF-4) and the fonts it does not embed (PDF-2). Alone, a
//! PDF has nothing to hold these to.

use lopdf::{Dictionary, Document, Object};

use crate::digest::sha256;
use crate::verify::described::{self, Attachment, Described};

/// An XMP packet is kilobytes; one that inflates beyond this is not read.
const MAX_METADATA_SIZE: usize = 4 << 20;
/// An associated file inflates to at most this, the size of a package's
/// largest entry, so that a stream that would inflate without end (a
/// "bomb") is left out instead of filling memory.
const MAX_ATTACHMENT_SIZE: usize = 128 << 20;

/// `document`'s description.
pub(super) fn describe(document: &Document) -> Described {
    let pages = document.get_pages().len();
    Described {
        pages: Some(pages),
        page_numbers: page_numbers(document, pages),
        attachments: associated_files(document),
        fonts_not_embedded: fonts_not_embedded(document),
        ..metadata(document)
            .and_then(|xmp| described::read(&xmp))
            .unwrap_or_default()
    }
}

/// The fonts of `document` whose program it does not carry, by their
/// /BaseFont: every font dictionary but a Type 3 font, which its own
/// content streams draw, a composite font judged by its descendant's
/// descriptor.
fn fonts_not_embedded(document: &Document) -> Vec<String> {
    let name = |font: &Dictionary, key: &[u8]| {
        font.get(key)
            .and_then(Object::as_name)
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .ok()
    };
    let mut missing: Vec<String> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|font| font.get(b"Type").and_then(Object::as_name).ok() == Some(b"Font"))
        .filter(|font| {
            let subtype = name(font, b"Subtype").unwrap_or_default();
            let described = match subtype.as_str() {
                // Judged through the composite font that uses them.
                "Type3" | "CIDFontType0" | "CIDFontType2" => return false,
                "Type0" => font
                    .get_deref(b"DescendantFonts", document)
                    .and_then(Object::as_array)
                    .ok()
                    .and_then(|fonts| fonts.first())
                    .and_then(|first| document.dereference(first).ok())
                    .and_then(|(_, first)| first.as_dict().ok()),
                _ => Some(*font),
            };
            let programs: [&[u8]; 3] = [b"FontFile", b"FontFile2", b"FontFile3"];
            !described
                .and_then(|f| f.get_deref(b"FontDescriptor", document).ok())
                .and_then(|descriptor| descriptor.as_dict().ok())
                .is_some_and(|descriptor| programs.iter().any(|key| descriptor.has(key)))
        })
        .map(|font| name(font, b"BaseFont").unwrap_or_else(|| "a font without a name".to_owned()))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// Each of the `pages` pages' label as a number, from the catalog's
/// `/PageLabels` number tree (ISO 32000-2, 12.4.2): the range a page falls in
/// gives its style, prefix and first number.
fn page_numbers(document: &Document, pages: usize) -> Vec<Option<u32>> {
    let mut ranges: Vec<(i64, &Dictionary)> = Vec::new();
    if let Some(tree) = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"PageLabels", document).ok())
        .and_then(|tree| tree.as_dict().ok())
    {
        label_ranges(document, tree, 0, &mut ranges);
    }
    ranges.sort_by_key(|(start, _)| *start);
    (0..pages as i64)
        .map(|page| {
            let (start, range) = ranges.iter().rev().find(|(start, _)| *start <= page)?;
            let decimal = range.get(b"S").and_then(Object::as_name).ok() == Some(b"D");
            if !decimal || range.has(b"P") {
                return None;
            }
            let first = range.get(b"St").and_then(Object::as_i64).unwrap_or(1);
            u32::try_from(first + page - start).ok()
        })
        .collect()
}

/// The ranges of a number tree node and its kids, to a bounded depth.
fn label_ranges<'a>(
    document: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    ranges: &mut Vec<(i64, &'a Dictionary)>,
) {
    if let Ok(nums) = node.get_deref(b"Nums", document).and_then(Object::as_array) {
        for pair in nums.chunks(2) {
            if let [key, value] = pair
                && let (Ok(key), Ok((_, Object::Dictionary(range)))) =
                    (key.as_i64(), document.dereference(value))
            {
                ranges.push((key, range));
            }
        }
    }
    let kids = node.get_deref(b"Kids", document).and_then(Object::as_array);
    for kid in kids.into_iter().flatten().filter(|_| depth < 8) {
        if let Ok((_, Object::Dictionary(kid))) = document.dereference(kid) {
            label_ranges(document, kid, depth + 1, ranges);
        }
    }
}

/// The catalog's associated files (`/AF`), each with the digest of its
/// embedded content; a file specification that cannot be read is left out.
fn associated_files(document: &Document) -> Vec<Attachment> {
    let Some(specs) = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"AF", document).ok())
        .and_then(|af| af.as_array().ok())
    else {
        return Vec::new();
    };
    specs
        .iter()
        .filter_map(|spec| {
            let spec = document.dereference(spec).ok()?.1.as_dict().ok()?;
            let name = spec.get(b"UF").or_else(|_| spec.get(b"F")).ok()?;
            let stream = spec
                .get_deref(b"EF", document)
                .and_then(Object::as_dict)
                .and_then(|ef| ef.get_deref(b"F", document))
                .and_then(Object::as_stream)
                .ok()?;
            let content = stream
                .get_plain_content_with_limit(MAX_ATTACHMENT_SIZE)
                .ok()?;
            let name_of = |object: Result<&Object, lopdf::Error>| {
                object
                    .and_then(Object::as_name)
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default()
            };
            Some(Attachment {
                name: lopdf::decode_text_string(name).ok()?,
                relationship: name_of(spec.get(b"AFRelationship")),
                media_type: name_of(stream.dict.get(b"Subtype")),
                sha256: sha256(&content),
            })
        })
        .collect()
}

/// The catalog's XMP metadata packet, decoded.
fn metadata(document: &Document) -> Option<Vec<u8>> {
    let catalog = document.catalog().ok()?;
    let stream = catalog
        .get_deref(b"Metadata", document)
        .ok()?
        .as_stream()
        .ok()?;
    stream.get_plain_content_with_limit(MAX_METADATA_SIZE).ok()
}
