//! What a seal held to the format shows a reader: the interactive form that
//! tells a reader the file is signed and append-only (SPDF-10), and the
//! seal's widget, printed and locked with one appearance (VIS-2), on the
//! cover of the PDF edition with an area to show the seal (VIS-1). A seal
//! that breaks these still holds as a signature, but a reader may not show
//! it as the format promises the public it will be shown.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::Field;
use crate::verify::{Finding, FindingCode};

/// /F of the seal's widget: Print (4) and Locked (128).
const PRINT_AND_LOCKED: i64 = 132;
/// /SigFlags: SignaturesExist (1) and AppendOnly (2).
const SIGNED_AND_APPEND_ONLY: i64 = 3;

/// The form's and the seal widget's breaks of the format, one finding each.
pub(super) fn findings(document: &Document, field: &Field) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(why) = form_break(document) {
        found.push(Finding::new(FindingCode::SealForm, why));
    }
    let (reference, widget) = &field.widget;
    if let Some(why) = widget_break(document, widget) {
        found.push(Finding::new(FindingCode::SealWidget, why));
    }
    if is_pdf_edition(document)
        && let Some(why) = cover_break(document, *reference, widget)
    {
        found.push(Finding::new(FindingCode::SealWidget, why));
    }
    found
}

fn form_break(document: &Document) -> Option<String> {
    let form = document
        .catalog()
        .ok()?
        .get_deref(b"AcroForm", document)
        .ok()?
        .as_dict()
        .ok()?;
    let flags = form
        .get_deref(b"SigFlags", document)
        .and_then(Object::as_i64)
        .ok();
    if flags != Some(SIGNED_AND_APPEND_ONLY) {
        let given = flags.map_or("no /SigFlags".to_owned(), |f| format!("/SigFlags {f}"));
        return Some(format!(
            "the interactive form has {given}, not /SigFlags {SIGNED_AND_APPEND_ONLY} (signed, \
             append-only): a reader may save changes by rewriting the file, which breaks the seal"
        ));
    }
    let regenerated = form
        .get_deref(b"NeedAppearances", document)
        .and_then(Object::as_bool)
        .unwrap_or(false);
    regenerated.then(|| {
        "the interactive form asks readers to redraw its fields' appearances \
         (/NeedAppearances true), so what they show is not what was sealed"
            .to_owned()
    })
}

fn widget_break(document: &Document, widget: &Dictionary) -> Option<String> {
    let flags = widget
        .get_deref(b"F", document)
        .and_then(Object::as_i64)
        .ok();
    if flags != Some(PRINT_AND_LOCKED) {
        let given = flags.map_or("no /F".to_owned(), |f| format!("/F {f}"));
        return Some(format!(
            "the seal's widget has {given}, not /F {PRINT_AND_LOCKED} (Print and Locked): \
             the seal may not print, or a reader may let it be moved or deleted"
        ));
    }
    let appearances = widget
        .get_deref(b"AP", document)
        .and_then(Object::as_dict)
        .ok();
    let only_normal = appearances.is_some_and(|ap| ap.len() == 1 && ap.has(b"N"));
    (!only_normal).then(|| {
        "the seal's widget does not have exactly one appearance, the normal one (/AP with \
         /N only): a reader could show another face of the seal on hover or click"
            .to_owned()
    })
}

/// The PDF edition, not a document's own PDF: only the edition carries the
/// issue's data as associated files in its catalog (PDF-3, PDF-4).
fn is_pdf_edition(document: &Document) -> bool {
    document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"AF", document).ok())
        .and_then(|af| af.as_array().ok())
        .is_some_and(|files| !files.is_empty())
}

fn cover_break(
    document: &Document,
    reference: Option<ObjectId>,
    widget: &Dictionary,
) -> Option<String> {
    let cover = *document.get_pages().get(&1)?;
    let on_cover = reference.is_some_and(|id| {
        document
            .get_dictionary(cover)
            .and_then(|page| page.get_deref(b"Annots", document))
            .and_then(Object::as_array)
            .is_ok_and(|annots| annots.iter().any(|a| a.as_reference().ok() == Some(id)))
    });
    if !on_cover {
        return Some(
            "the PDF edition's seal widget is not an annotation of the cover, the first page"
                .to_owned(),
        );
    }
    let rect: Vec<f32> = widget
        .get_deref(b"Rect", document)
        .and_then(Object::as_array)
        .map(|r| r.iter().filter_map(|n| n.as_float().ok()).collect())
        .unwrap_or_default();
    let has_area = matches!(rect[..], [x1, y1, x2, y2] if x1 != x2 && y1 != y2);
    (!has_area).then(|| {
        "the PDF edition's seal widget has no area (/Rect), so the cover does not show the seal"
            .to_owned()
    })
}
