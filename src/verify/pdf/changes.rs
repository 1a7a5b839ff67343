//! What changed in a PDF after a signature, and whether it was allowed.
//!
//! Incremental updates are compared object by object: the signed revision is
//! read on its own and each object of the current file is compared with the one
//! the signed revision had under the same number. Comparing resolved objects,
//! not the bytes an update appends, is what catches shadow attacks: a later
//! cross-reference section that merely points an old object number at content
//! hidden in the signed bytes changes the resolved object all the same.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use serde::Serialize;

use crate::verify::{Change, ChangeKind};

/// What an incremental update touched, from harmless to fatal. Serialised as
/// kebab-case codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PdfChangeKind {
    /// Certificates, OCSP responses or CRLs added to the document security store.
    ValidationData,
    /// A document timestamp added.
    DocumentTimestamp,
    /// Objects added that nothing in the document refers to.
    Unreferenced,
    /// The document information's modification date or producer updated, as
    /// a tool adding validation data or a timestamp does.
    Metadata,
    /// A form field filled in, or a field added that shows nothing (an
    /// invisible signature field).
    FormField,
    /// An annotation added, changed or removed; also a new field or widget
    /// that shows on a page, which changes what a reader sees as an
    /// annotation does (the Evil Annotation and Sneaky Signature attacks).
    Annotation,
    PageContent,
    /// Anything else the catalog reaches: outlines, names, metadata, the page tree.
    Catalog,
}

impl PdfChangeKind {
    /// The rules a change of this kind breaks where DocMDP does not allow it:
    /// each is also more than the `/DSS` updates and document timestamps a
    /// producer may append after its seal (SPDF-16).
    fn rules(self) -> &'static [&'static str] {
        match self {
            PdfChangeKind::Annotation => &["VER-27", "VER-28", "SPDF-16"],
            // What a viewer draws changed, not what was sealed.
            PdfChangeKind::PageContent => &["VER-27", "SEC-1", "SPDF-16"],
            // The catalog holds the PDF/A claim (/Metadata) and the
            // associated files (/AF).
            PdfChangeKind::Catalog => &["VER-27", "SEC-2", "SPDF-16"],
            _ => &["VER-27", "SPDF-16"],
        }
    }

    /// What a DocMDP permission level `p` allows (ISO 32000-2, 12.8.2.2). Level 1
    /// still allows validation data and document timestamps (ETSI EN 319 142-1).
    fn allowed_at(self, p: i64) -> bool {
        match self {
            PdfChangeKind::ValidationData
            | PdfChangeKind::DocumentTimestamp
            | PdfChangeKind::Unreferenced
            | PdfChangeKind::Metadata => true,
            PdfChangeKind::FormField => p >= 2,
            PdfChangeKind::Annotation => p >= 3,
            PdfChangeKind::PageContent | PdfChangeKind::Catalog => false,
        }
    }
}

/// Where in the document an object is reached from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Role {
    ValidationData,
    DocumentTimestamp,
    Form,
    Annotation(u32),
    Page(u32),
    PageContent(u32),
    Catalog,
}

impl Role {
    fn kind(self) -> PdfChangeKind {
        match self {
            Role::ValidationData => PdfChangeKind::ValidationData,
            Role::DocumentTimestamp => PdfChangeKind::DocumentTimestamp,
            Role::Form => PdfChangeKind::FormField,
            Role::Annotation(_) => PdfChangeKind::Annotation,
            Role::Page(_) | Role::PageContent(_) => PdfChangeKind::PageContent,
            Role::Catalog => PdfChangeKind::Catalog,
        }
    }

    fn describe(self, id: ObjectId) -> String {
        match self {
            Role::ValidationData => format!("validation data added (object {})", id.0),
            Role::DocumentTimestamp => format!("document timestamp added (object {})", id.0),
            Role::Form => format!("form field changed (object {})", id.0),
            Role::Annotation(page) => format!("annotation changed on page {page}"),
            Role::Page(page) => format!("page {page} changed"),
            Role::PageContent(page) => format!("page content changed on page {page}"),
            Role::Catalog => format!("document structure changed (object {})", id.0),
        }
    }
}

/// Keys that point back up the tree; following them would give every object
/// every role.
const BACK_LINKS: [&[u8]; 5] = [b"Parent", b"P", b"Pg", b"Prev", b"Last"];

/// The changes from `signed` to `current`, judged at DocMDP level `p`.
pub fn changes(signed: &Document, current: &Document, p: i64) -> Vec<Change> {
    let mut found: Vec<(PdfChangeKind, String)> = Vec::new();
    let root = |d: &Document| d.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let (Some(signed_root), Some(current_root)) = (root(signed), root(current)) else {
        return vec![judge(
            PdfChangeKind::Catalog,
            "the document catalog is missing".into(),
            p,
        )];
    };
    if signed_root != current_root {
        found.push((
            PdfChangeKind::Catalog,
            format!(
                "the document catalog was replaced (object {} instead of {})",
                current_root.0, signed_root.0
            ),
        ));
    }

    for key in [b"Info".as_slice(), b"Encrypt"] {
        if signed.trailer.get(key).ok() != current.trailer.get(key).ok() {
            found.push((
                PdfChangeKind::Catalog,
                format!(
                    "the trailer's /{} was changed",
                    String::from_utf8_lossy(key)
                ),
            ));
        }
    }

    let roles = roles(current, current_root);
    let info = current
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .ok();
    let mut unreferenced = 0;
    for (id, object) in &current.objects {
        if signed.objects.get(id) == Some(object) {
            continue;
        }
        let old = signed.objects.get(id);
        if Some(*id) == info && only_dates_and_producer(old, object) {
            found.push((
                PdfChangeKind::Metadata,
                "document information updated (modification date, producer)".into(),
            ));
            continue;
        }
        match roles.get(id) {
            None => unreferenced += 1,
            Some(roles) => found.extend(describe(current, *id, old, object, roles)),
        }
    }
    for id in signed.objects.keys() {
        if !current.objects.contains_key(id) {
            found.push((
                PdfChangeKind::Catalog,
                format!("object {} was deleted", id.0),
            ));
        }
    }
    if unreferenced > 0 {
        found.push((
            PdfChangeKind::Unreferenced,
            format!("{unreferenced} object(s) changed or added that nothing refers to"),
        ));
    }
    // Gravest first, in the order found: the verdict line names the first.
    found.sort_by_key(|(kind, _)| std::cmp::Reverse(*kind));
    let mut seen = BTreeSet::new();
    found.retain(|change| seen.insert(change.clone()));
    found.into_iter().map(|(k, d)| judge(k, d, p)).collect()
}

/// Whether the document information dictionary changed in nothing but
/// /ModDate and /Producer, which say nothing a reader relies on.
fn only_dates_and_producer(old: Option<&Object>, new: &Object) -> bool {
    match (old.and_then(|o| o.as_dict().ok()), new.as_dict().ok()) {
        (Some(old), Some(new)) => changed_keys(old, new)
            .iter()
            .all(|key| key == b"ModDate" || key == b"Producer"),
        _ => false,
    }
}

fn judge(kind: PdfChangeKind, description: String, p: i64) -> Change {
    let allowed = kind.allowed_at(p);
    Change {
        kind: ChangeKind::Pdf(kind),
        allowed,
        description,
        rules: if allowed { &[] } else { kind.rules() },
    }
}

/// Explains one changed object. Page and catalog dictionaries are compared key
/// by key, because a new document timestamp or DSS legitimately touches them.
fn describe(
    doc: &Document,
    id: ObjectId,
    old: Option<&Object>,
    new: &Object,
    roles: &BTreeSet<Role>,
) -> Vec<(PdfChangeKind, String)> {
    let dicts = (old.and_then(|o| o.as_dict().ok()), new.as_dict().ok());
    if let (Some(old), Some(new)) = dicts {
        if roles.contains(&Role::Catalog) && new.has_type(b"Catalog") {
            return changed_keys(old, new)
                .into_iter()
                .flat_map(|key| catalog_key_change(doc, old, new, &key))
                .collect();
        }
        if let Some(page) = roles.iter().find_map(|r| match r {
            Role::Page(n) => Some(*n),
            _ => None,
        }) && new.has_type(b"Page")
        {
            return changed_keys(old, new)
                .into_iter()
                .flat_map(|key| page_key_change(doc, old, new, &key, page))
                .collect();
        }
    }
    if let Some(change) = widget_change(doc, id, old, new, roles) {
        return vec![change];
    }
    // The most serious role decides what the change is.
    let role = roles
        .iter()
        .copied()
        .max_by_key(|r| r.kind())
        .unwrap_or(Role::Catalog);
    vec![(role.kind(), role.describe(id))]
}

/// A changed widget of a form field that was there when signed: filling the
/// field in, which DocMDP level 2 allows, unless the change makes a widget
/// that showed nothing show on its page (a Sneaky Signature).
fn widget_change(
    doc: &Document,
    id: ObjectId,
    old: Option<&Object>,
    new: &Object,
    roles: &BTreeSet<Role>,
) -> Option<(PdfChangeKind, String)> {
    let (old, new) = (old?.as_dict().ok()?, new.as_dict().ok()?);
    if !roles.contains(&Role::Form) || !is_widget(new) {
        return None;
    }
    if !is_visible(doc, old, 0) && is_visible(doc, new, 0) {
        return Some((
            PdfChangeKind::Annotation,
            format!(
                "a form field's widget that showed nothing was made visible (object {})",
                id.0
            ),
        ));
    }
    Some((
        PdfChangeKind::FormField,
        format!("form field filled in (object {})", id.0),
    ))
}

fn is_widget(dict: &Dictionary) -> bool {
    dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget".as_slice())
}

/// Whether a widget, or any widget of a field, shows on its page: not
/// flagged Hidden or NoView, with a rectangle of some area.
fn is_visible(doc: &Document, dict: &Dictionary, depth: usize) -> bool {
    if let Ok(kids) = dict.get_deref(b"Kids", doc).and_then(Object::as_array) {
        return depth < 8
            && kids.iter().any(|kid| {
                doc.dereference(kid)
                    .and_then(|(_, k)| k.as_dict())
                    .is_ok_and(|k| is_visible(doc, k, depth + 1))
            });
    }
    const HIDDEN: i64 = 1 << 1;
    const NO_VIEW: i64 = 1 << 5;
    let flags = dict.get(b"F").and_then(Object::as_i64).unwrap_or(0);
    if flags & (HIDDEN | NO_VIEW) != 0 {
        return false;
    }
    let rect: Vec<f32> = dict
        .get_deref(b"Rect", doc)
        .and_then(Object::as_array)
        .map(|r| r.iter().filter_map(|n| n.as_float().ok()).collect())
        .unwrap_or_default();
    match rect.as_slice() {
        [x1, y1, x2, y2] => (x2 - x1).abs() > 0.0 && (y2 - y1).abs() > 0.0,
        _ => false,
    }
}

fn changed_keys(old: &Dictionary, new: &Dictionary) -> Vec<Vec<u8>> {
    let keys: BTreeSet<&Vec<u8>> = old.iter().chain(new.iter()).map(|(k, _)| k).collect();
    keys.into_iter()
        .filter(|k| old.get(k).ok() != new.get(k).ok())
        .cloned()
        .collect()
}

fn catalog_key_change(
    doc: &Document,
    old: &Dictionary,
    new: &Dictionary,
    key: &[u8],
) -> Vec<(PdfChangeKind, String)> {
    match key {
        b"DSS" => vec![(
            PdfChangeKind::ValidationData,
            "validation data (DSS) added".into(),
        )],
        b"AcroForm" => {
            let fields = |d: &Dictionary| -> Vec<Object> {
                d.get_deref(b"AcroForm", doc)
                    .and_then(Object::as_dict)
                    .and_then(|f| f.get_deref(b"Fields", doc))
                    .and_then(Object::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let before = fields(old);
            let added: Vec<Object> = fields(new)
                .into_iter()
                .filter(|f| !before.contains(f))
                .collect();
            if added.is_empty() {
                return vec![(PdfChangeKind::FormField, "the form was changed".into())];
            }
            added
                .iter()
                .map(|field| classify_added_field(doc, field))
                .collect()
        }
        _ => vec![(
            PdfChangeKind::Catalog,
            format!("catalog entry /{} changed", String::from_utf8_lossy(key)),
        )],
    }
}

fn page_key_change(
    doc: &Document,
    old: &Dictionary,
    new: &Dictionary,
    key: &[u8],
    page: u32,
) -> Vec<(PdfChangeKind, String)> {
    if key != b"Annots" {
        return vec![(
            PdfChangeKind::PageContent,
            format!("page {page} changed (/{})", String::from_utf8_lossy(key)),
        )];
    }
    let annots = |d: &Dictionary| -> Vec<Object> {
        d.get_deref(b"Annots", doc)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let before = annots(old);
    let after = annots(new);
    let mut out: Vec<(PdfChangeKind, String)> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|a| match classify_added_field(doc, a) {
            (PdfChangeKind::Annotation, _) => (
                PdfChangeKind::Annotation,
                format!("annotation added on page {page}"),
            ),
            other => other,
        })
        .collect();
    if before.iter().any(|a| !after.contains(a)) {
        out.push((
            PdfChangeKind::Annotation,
            format!("annotation removed from page {page}"),
        ));
    }
    out
}

/// A widget or field added by an update: a document timestamp, a new
/// signature or form field, or an annotation. Anything that is neither a
/// widget nor a field is an annotation, whatever keys it borrows (a /FT does
/// not make a text annotation a form field: Evil Annotation); a new field
/// or widget that shows on a page counts as an annotation too (Sneaky
/// Signature), only an invisible one as a form change.
fn classify_added_field(doc: &Document, field: &Object) -> (PdfChangeKind, String) {
    let Ok(dict) = doc.dereference(field).and_then(|(_, o)| o.as_dict()) else {
        return (
            PdfChangeKind::FormField,
            "an unreadable form field was added".into(),
        );
    };
    let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
    let is_field_or_widget = match subtype {
        Some(subtype) => subtype == b"Widget",
        None => dict.has(b"FT") || dict.has(b"Kids"),
    };
    if !is_field_or_widget {
        return (PdfChangeKind::Annotation, "an annotation was added".into());
    }
    let field_type = |d: &Dictionary| {
        d.get(b"FT")
            .and_then(Object::as_name)
            .ok()
            .map(<[u8]>::to_vec)
    };
    let parent_type = dict
        .get_deref(b"Parent", doc)
        .and_then(Object::as_dict)
        .ok()
        .and_then(field_type);
    let is_sig = field_type(dict).or(parent_type).as_deref() == Some(b"Sig".as_slice());
    let value_type = dict
        .get_deref(b"V", doc)
        .and_then(Object::as_dict)
        .and_then(|v| v.get(b"Type"))
        .and_then(Object::as_name)
        .ok();
    let is_document_timestamp = is_sig && value_type == Some(b"DocTimeStamp".as_slice());
    // A document timestamp whose widget shows on a page would draw whatever
    // its appearance holds over the sealed page: an annotation, as any other.
    if is_document_timestamp && !is_visible(doc, dict, 0) {
        return (
            PdfChangeKind::DocumentTimestamp,
            "document timestamp added".into(),
        );
    }
    let what = if is_document_timestamp {
        "a document timestamp field"
    } else if is_sig {
        "a signature field"
    } else {
        "a form field"
    };
    if is_visible(doc, dict, 0) {
        (
            PdfChangeKind::Annotation,
            format!("{what} was added that shows on the page, changing what a reader sees"),
        )
    } else {
        (PdfChangeKind::FormField, format!("{what} was added"))
    }
}

/// Every role each object is reached in, walking from the catalog.
fn roles(doc: &Document, root: ObjectId) -> BTreeMap<ObjectId, BTreeSet<Role>> {
    let pages: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut roles: BTreeMap<ObjectId, BTreeSet<Role>> = BTreeMap::new();
    let mut queue: VecDeque<(ObjectId, Role)> = VecDeque::from([(root, Role::Catalog)]);
    // The document information dictionary hangs off the trailer, not the catalog.
    if let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
        queue.push_back((info, Role::Catalog));
    }
    while let Some((id, role)) = queue.pop_front() {
        let Ok(object) = doc.get_object(id) else {
            continue;
        };
        let role = match pages.get(&id) {
            Some(&n) => Role::Page(n),
            None => own_role(doc, object, role),
        };
        if !roles.entry(id).or_default().insert(role) {
            continue;
        }
        let dict = match object {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        if let Some(dict) = dict {
            for (key, value) in dict.iter() {
                if BACK_LINKS.contains(&key.as_slice()) {
                    continue;
                }
                let child = child_role(doc, id == root, role, key, value);
                push_references(value, child, &mut queue);
            }
        } else {
            push_references(object, role, &mut queue);
        }
    }
    roles
}

/// Signature fields are form fields wherever they are reached from, and a
/// document timestamp's field is part of the timestamp.
fn own_role(doc: &Document, object: &Object, role: Role) -> Role {
    let Ok(dict) = object.as_dict() else {
        return role;
    };
    if dict.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
        return role;
    }
    match classify_added_field(doc, object).0 {
        PdfChangeKind::DocumentTimestamp => Role::DocumentTimestamp,
        _ => Role::Form,
    }
}

/// The role of what `key` points to, inside an object of role `role`.
fn child_role(doc: &Document, in_catalog: bool, role: Role, key: &[u8], value: &Object) -> Role {
    if in_catalog {
        return match key {
            b"DSS" => Role::ValidationData,
            b"AcroForm" | b"Perms" => Role::Form,
            _ => Role::Catalog,
        };
    }
    match (role, key) {
        (Role::Page(n), b"Annots") => Role::Annotation(n),
        (Role::Page(n), _) => Role::PageContent(n),
        (Role::Form | Role::Annotation(_), b"V") => {
            let is_timestamp = doc
                .dereference(value)
                .ok()
                .and_then(|(_, o)| o.as_dict().ok())
                .and_then(|d| d.get(b"Type").and_then(Object::as_name).ok())
                == Some(b"DocTimeStamp".as_slice());
            if is_timestamp {
                Role::DocumentTimestamp
            } else {
                role
            }
        }
        _ => role,
    }
}

fn push_references(object: &Object, role: Role, queue: &mut VecDeque<(ObjectId, Role)>) {
    match object {
        Object::Reference(id) => queue.push_back((*id, role)),
        Object::Array(items) => items.iter().for_each(|i| push_references(i, role, queue)),
        Object::Dictionary(dict) | Object::Stream(Stream { dict, .. }) => dict
            .iter()
            .filter(|(k, _)| !BACK_LINKS.contains(&k.as_slice()))
            .for_each(|(_, v)| push_references(v, role, queue)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Document, Object, dictionary};

    use super::{PdfChangeKind, changes};
    use crate::verify::ChangeKind;

    /// A one-page document with an empty form, as a seal's revision leaves it.
    fn signed() -> Document {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Annots" => Vec::<Object>::new(),
        });
        doc.objects.insert(
            pages,
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }.into(),
        );
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages,
            "AcroForm" => dictionary! { "Fields" => Vec::<Object>::new(), "SigFlags" => 3 },
        });
        doc.trailer.set("Root", catalog);
        doc
    }

    /// `signed` with a document timestamp field whose widget is at `rect`.
    fn with_document_timestamp(signed: &Document, rect: [i64; 4]) -> Document {
        let mut doc = signed.clone();
        let value = doc.add_object(dictionary! {
            "Type" => "DocTimeStamp", "Filter" => "Adobe.PPKLite", "SubFilter" => "ETSI.RFC3161",
        });
        let page = doc.page_iter().next().unwrap();
        let widget = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "V" => value, "P" => page,
            "Rect" => rect.iter().map(|&n| Object::Integer(n)).collect::<Vec<_>>(), "F" => 132,
        });
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        let catalog = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
        let form = catalog.get_mut(b"AcroForm").unwrap().as_dict_mut().unwrap();
        form.set("Fields", vec![widget.into()]);
        let page = doc.get_object_mut(page).unwrap().as_dict_mut().unwrap();
        page.set("Annots", vec![widget.into()]);
        doc
    }

    fn kinds(signed: &Document, current: &Document) -> Vec<(ChangeKind, bool)> {
        changes(signed, current, 1)
            .into_iter()
            .map(|change| (change.kind, change.allowed))
            .collect()
    }

    #[test]
    fn a_document_timestamp_that_shows_on_a_page_is_an_annotation() {
        let signed = signed();
        let hidden = with_document_timestamp(&signed, [0, 0, 0, 0]);
        assert!(
            kinds(&signed, &hidden)
                .iter()
                .all(|(kind, allowed)| *allowed
                    && *kind == ChangeKind::Pdf(PdfChangeKind::DocumentTimestamp)),
            "{:?}",
            kinds(&signed, &hidden)
        );
        let shown = with_document_timestamp(&signed, [100, 100, 400, 300]);
        assert!(
            kinds(&signed, &shown).contains(&(ChangeKind::Pdf(PdfChangeKind::Annotation), false)),
            "{:?}",
            kinds(&signed, &shown)
        );
    }
}
