//! Each document's own PDF cut out of the edition's exported PDF, instead of
//! exported by typst again: its pages are the edition's page objects, content
//! streams, fonts and images byte for byte (nothing is laid out, subset or
//! compressed again), under a new catalog with the edition's output intent,
//! page labels giving the printed numbers, and metadata of its own.
//!
//! What only makes sense in the whole edition is left out: the structure
//! tree (the pieces are PDF/A-3b, which asks for no tagging), the attached
//! data files, the outline, and links to pages outside the piece.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Range;

use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use xmp_writer::{RenditionClass, Timezone, XmpWriter};

use crate::digest;
use crate::model::Date;
use crate::seal::ParsedPdf;

use super::glyphs::EditionFonts;

/// The edition's exported PDF, read once for all of its pieces.
pub struct EditionPdf<'a> {
    pdf: &'a Document,
    /// Every page's object, in order.
    pages: Vec<ObjectId>,
    /// Named destinations, resolved to their explicit destination arrays.
    destinations: HashMap<Vec<u8>, Vec<Object>>,
    /// The edition's size in bytes, more than any piece of it needs.
    size: usize,
    /// Its fonts, for each piece to carry only the glyphs it shows.
    fonts: EditionFonts,
}

/// One document's pages of the edition and what its metadata says.
pub struct Piece<'a> {
    /// Physical page indexes of the edition, from 0.
    pub pages: Range<usize>,
    /// The printed number of the first page.
    pub first_printed: u32,
    pub title: &'a str,
    /// What it is part of, for readers: the edition's title and pages.
    pub description: &'a str,
    /// The document's identifier: `dc:identifier` and the file identifier.
    pub uri: &'a str,
    /// The edition's identifier: `dc:relation` and a keyword.
    pub part_of: &'a str,
    /// The publication date, the PDF's creation date.
    pub date: Date,
}

/// Why a piece cannot be cut: the edition's PDF is not as typst writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutError(String);

impl std::fmt::Display for CutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CutError {}

fn broken(what: impl Into<String>) -> CutError {
    CutError(what.into())
}

/// Name trees deeper than this are not typst's.
const MAX_DEPTH: usize = 32;

/// Keys a page inherits from its page tree when it does not set them.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

impl<'a> EditionPdf<'a> {
    pub fn new(edition: &'a ParsedPdf) -> Self {
        let pdf = edition.document();
        let pages = pdf.get_pages().into_values().collect();
        let mut destinations = HashMap::new();
        if let Ok(catalog) = pdf.catalog() {
            let names = catalog
                .get(b"Names")
                .and_then(|names| pdf.dereference(names))
                .and_then(|(_, names)| names.as_dict());
            if let Ok(tree) = names.and_then(|names| names.get(b"Dests")) {
                collect_names(pdf, tree, 0, &mut destinations);
            }
        }
        EditionPdf {
            pdf,
            pages,
            destinations,
            size: edition.bytes().len(),
            fonts: EditionFonts::new(pdf),
        }
    }

    /// The PDF of `piece`, unsealed, and its objects.
    pub fn cut(&self, piece: &Piece) -> Result<ParsedPdf, CutError> {
        let sources = self
            .pages
            .get(piece.pages.clone())
            .filter(|pages| !pages.is_empty())
            .ok_or_else(|| {
                broken(format!(
                    "the edition's PDF has no pages {} to {}",
                    piece.pages.start + 1,
                    piece.pages.end
                ))
            })?;
        let mut copy = Copy::new(self.pdf);
        let (catalog, tree) = (copy.reserve(), copy.reserve());
        for &page in sources {
            let id = copy.reserve();
            copy.pages.insert(page, id);
        }
        let mut kids = Vec::with_capacity(sources.len());
        let mut shown_pages = Vec::with_capacity(sources.len());
        for &source in sources {
            let page = self.page(source, &copy.pages)?;
            shown_pages.push(page.clone());
            let id = copy.pages[&source];
            let mut page = copy.rewrite_dict(page);
            page.set("Parent", Object::Reference(tree));
            copy.make_indirect_annotations(&mut page);
            copy.out.objects.insert(id, Object::Dictionary(page));
            kids.push(Object::Reference(id));
        }
        copy.drain()?;
        let count = i64::try_from(kids.len()).map_err(|_| broken("too many pages"))?;
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Kids", Object::Array(kids));
        pages.set("Count", Object::Integer(count));
        copy.out.objects.insert(tree, Object::Dictionary(pages));

        let info = self.info(piece)?;
        let xmp = xmp(piece, &info, &self.language(), sources.len())?;
        let mut metadata = Dictionary::new();
        metadata.set("Type", Object::Name(b"Metadata".to_vec()));
        metadata.set("Subtype", Object::Name(b"XML".to_vec()));
        let metadata = copy.add(Object::Stream(Stream::new(metadata, xmp.into_bytes())));
        let info = copy.rewrite_dict(info);
        let root = self.catalog(&mut copy, piece, tree, metadata)?;
        copy.out.objects.insert(catalog, Object::Dictionary(root));
        let info = copy.add(Object::Dictionary(info));
        let shown = self.fonts.shown(self.pdf, &shown_pages);
        self.fonts.reduce(&mut copy.out, &copy.copied, &shown);

        let mut out = copy.out;
        // A table rather than a stream: lopdf numbers a cross-reference
        // stream after `max_id` without raising it, and the seal takes the
        // numbers of its objects from `max_id`.
        out.reference_table.cross_reference_type = XrefType::CrossReferenceTable;
        out.version = self.pdf.version.clone();
        out.binary_mark = self.pdf.binary_mark.clone();
        let id = file_id(piece.uri);
        out.trailer.set("Root", Object::Reference(catalog));
        out.trailer.set("Info", Object::Reference(info));
        out.trailer.set("ID", Object::Array(vec![id.clone(), id]));
        // Reserved whole: grown by doubling, the piece would be copied
        // several times over as lopdf writes it.
        let mut bytes = Vec::with_capacity(self.size);
        out.save_to(&mut bytes)
            .map_err(|e| broken(format!("cannot write the piece: {e}")))?;
        Ok(ParsedPdf::of_parts(bytes, out))
    }

    /// The page `source` as the piece holds it, still referring to the
    /// edition's objects: with what it inherited set on itself, without its
    /// page tree and its place in the edition's structure tree, and with only
    /// the links that lead to `pages`.
    fn page(
        &self,
        source: ObjectId,
        pages: &BTreeMap<ObjectId, ObjectId>,
    ) -> Result<Dictionary, CutError> {
        let mut page = self
            .pdf
            .get_dictionary(source)
            .map_err(|e| broken(format!("page {source:?} is not a dictionary: {e}")))?
            .clone();
        for key in INHERITED {
            if !page.has(key)
                && let Some(value) = self.inherited(&page, key)
            {
                page.set(key, value);
            }
        }
        page.remove(b"Parent");
        page.remove(b"StructParents");
        let annotations = match page.get(b"Annots") {
            Ok(Object::Array(annotations)) => annotations.clone(),
            Ok(Object::Reference(id)) => match self.pdf.get_object(*id) {
                Ok(Object::Array(annotations)) => annotations.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let kept: Vec<Object> = annotations
            .iter()
            .filter_map(|annotation| self.annotation(annotation, pages))
            .map(Object::Dictionary)
            .collect();
        if kept.is_empty() {
            page.remove(b"Annots");
        } else {
            page.set("Annots", Object::Array(kept));
        }
        Ok(page)
    }

    /// `key` from the nearest page tree node above `page` that sets it.
    fn inherited(&self, page: &Dictionary, key: &[u8]) -> Option<Object> {
        let mut node = page;
        for _ in 0..MAX_DEPTH {
            let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
            node = self.pdf.get_dictionary(parent).ok()?;
            if let Ok(value) = node.get(key) {
                return Some(value.clone());
            }
        }
        None
    }

    /// The annotation as the piece keeps it, or `None` for a link to a page
    /// the piece does not hold: a copy without the keys tying it to the
    /// edition's page and structure tree, made an object of its own once its
    /// references are the piece's.
    fn annotation(
        &self,
        annotation: &Object,
        pages: &BTreeMap<ObjectId, ObjectId>,
    ) -> Option<Dictionary> {
        let mut annotation = self
            .pdf
            .dereference(annotation)
            .ok()?
            .1
            .as_dict()
            .ok()?
            .clone();
        annotation.remove(b"P");
        annotation.remove(b"StructParent");
        let is_link =
            matches!(annotation.get(b"Subtype"), Ok(Object::Name(name)) if name == b"Link");
        if !is_link {
            return Some(annotation);
        }
        if let Ok(destination) = annotation.get(b"Dest") {
            let destination = self.explicit(destination, pages)?;
            annotation.set("Dest", destination);
            return Some(annotation);
        }
        let action = annotation.get(b"A").ok()?;
        let mut action = self.pdf.dereference(action).ok()?.1.as_dict().ok()?.clone();
        if matches!(action.get(b"S"), Ok(Object::Name(kind)) if kind == b"GoTo") {
            let destination = self.explicit(action.get(b"D").ok()?, pages)?;
            action.set("D", destination);
        }
        annotation.set("A", Object::Dictionary(action));
        Some(annotation)
    }

    /// `destination` as an explicit destination, if it leads to one of
    /// `pages` (still the edition's page).
    fn explicit(
        &self,
        destination: &Object,
        pages: &BTreeMap<ObjectId, ObjectId>,
    ) -> Option<Object> {
        let array = match self.pdf.dereference(destination).ok()?.1 {
            Object::Array(array) => array.clone(),
            Object::Name(name) | Object::String(name, _) => self.destinations.get(name)?.clone(),
            _ => return None,
        };
        let target = array.first()?.as_reference().ok()?;
        pages.contains_key(&target).then_some(Object::Array(array))
    }

    /// The edition's catalog entries that hold for the piece too, its page
    /// tree and metadata, and page labels giving the printed numbers.
    fn catalog(
        &self,
        copy: &mut Copy,
        piece: &Piece,
        tree: ObjectId,
        metadata: ObjectId,
    ) -> Result<Dictionary, CutError> {
        let edition = self
            .pdf
            .catalog()
            .map_err(|e| broken(format!("the edition's PDF has no catalog: {e}")))?;
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(tree));
        catalog.set("Metadata", Object::Reference(metadata));
        for key in [&b"OutputIntents"[..], b"Lang", b"ViewerPreferences"] {
            if let Ok(value) = edition.get(key) {
                let value = copy.rewrite(value.clone());
                catalog.set(key, value);
            }
        }
        copy.drain()?;
        let mut labels = Vec::with_capacity(piece.pages.len() * 2);
        for (index, printed) in (piece.first_printed..).take(piece.pages.len()).enumerate() {
            let mut label = Dictionary::new();
            label.set("S", Object::Name(b"D".to_vec()));
            label.set("St", Object::Integer(i64::from(printed)));
            let index = i64::try_from(index).map_err(|_| broken("too many pages"))?;
            labels.push(Object::Integer(index));
            labels.push(Object::Dictionary(label));
        }
        let mut tree = Dictionary::new();
        tree.set("Nums", Object::Array(labels));
        catalog.set("PageLabels", Object::Dictionary(tree));
        Ok(catalog)
    }

    /// The edition's document information, retitled for the piece.
    fn info(&self, piece: &Piece) -> Result<Dictionary, CutError> {
        let mut info = self
            .pdf
            .trailer
            .get(b"Info")
            .and_then(|info| self.pdf.dereference(info))
            .and_then(|(_, info)| info.as_dict())
            .cloned()
            .unwrap_or_default();
        let keywords = match info.get(b"Keywords").map(lopdf::decode_text_string) {
            Ok(Ok(keywords)) if !keywords.is_empty() => format!("{keywords}, {}", piece.part_of),
            _ => piece.part_of.to_owned(),
        };
        info.set("Title", lopdf::text_string(piece.title));
        info.set("Subject", lopdf::text_string(piece.description));
        info.set("Keywords", lopdf::text_string(&keywords));
        Ok(info)
    }

    /// The edition's language, as its catalog gives it.
    fn language(&self) -> Option<String> {
        let language = self.pdf.catalog().ok()?.get(b"Lang").ok()?;
        lopdf::decode_text_string(language).ok()
    }
}

/// The objects of a piece: those it copies from the edition, renumbered in
/// the order they are first met, and its own.
struct Copy<'a> {
    edition: &'a Document,
    out: Document,
    /// The edition's pages the piece holds → their ids in the piece.
    pages: BTreeMap<ObjectId, ObjectId>,
    /// Every other edition object copied → its id in the piece.
    copied: HashMap<ObjectId, ObjectId>,
    /// Copied objects whose own references are still to follow.
    pending: VecDeque<(ObjectId, ObjectId)>,
}

impl<'a> Copy<'a> {
    fn new(edition: &'a Document) -> Self {
        Copy {
            edition,
            out: Document::with_version(edition.version.clone()),
            pages: BTreeMap::new(),
            copied: HashMap::new(),
            pending: VecDeque::new(),
        }
    }

    fn reserve(&mut self) -> ObjectId {
        self.out.new_object_id()
    }

    fn add(&mut self, object: Object) -> ObjectId {
        self.out.add_object(object)
    }

    /// The annotations of `page` as objects of their own, as typst writes
    /// them: a checker of what a later revision changed (pyHanko's) wants a
    /// page's /Annots to list references, among them the widget a seal adds.
    fn make_indirect_annotations(&mut self, page: &mut Dictionary) {
        let Ok(Object::Array(annotations)) = page.get_mut(b"Annots") else {
            return;
        };
        for annotation in annotations.iter_mut() {
            if matches!(annotation, Object::Dictionary(_)) {
                let direct = std::mem::replace(annotation, Object::Null);
                *annotation = Object::Reference(self.add(direct));
            }
        }
    }

    /// `object` with every reference to the edition turned into one to the
    /// piece, queueing the objects not copied yet.
    fn rewrite(&mut self, object: Object) -> Object {
        match object {
            Object::Reference(id) => Object::Reference(self.follow(id)),
            Object::Array(items) => {
                Object::Array(items.into_iter().map(|item| self.rewrite(item)).collect())
            }
            Object::Dictionary(dict) => Object::Dictionary(self.rewrite_dict(dict)),
            Object::Stream(mut stream) => {
                stream.dict = self.rewrite_dict(stream.dict);
                Object::Stream(stream)
            }
            other => other,
        }
    }

    fn rewrite_dict(&mut self, dict: Dictionary) -> Dictionary {
        let mut out = Dictionary::new();
        for (key, value) in dict {
            let value = self.rewrite(value);
            out.set(key, value);
        }
        out
    }

    fn follow(&mut self, id: ObjectId) -> ObjectId {
        if let Some(&page) = self.pages.get(&id) {
            return page;
        }
        if let Some(&copied) = self.copied.get(&id) {
            return copied;
        }
        let copied = self.reserve();
        self.copied.insert(id, copied);
        self.pending.push_back((id, copied));
        copied
    }

    /// Copies every queued object, and what they refer to in turn. An
    /// object the edition lacks becomes `null`, as a reader takes it.
    fn drain(&mut self) -> Result<(), CutError> {
        while let Some((source, id)) = self.pending.pop_front() {
            let object = self
                .edition
                .objects
                .get(&source)
                .cloned()
                .unwrap_or(Object::Null);
            if matches!(object, Object::Dictionary(ref d) if d.has_type(b"Page")) {
                return Err(broken(format!(
                    "the piece refers to page {source:?} outside it"
                )));
            }
            let object = self.rewrite(object);
            self.out.objects.insert(id, object);
        }
        Ok(())
    }
}

/// Reads a name tree's leaves into `found`: explicit destinations, directly
/// or as a `/D` entry of a dictionary.
fn collect_names(
    pdf: &Document,
    node: &Object,
    depth: usize,
    found: &mut HashMap<Vec<u8>, Vec<Object>>,
) {
    let Some(node) = pdf
        .dereference(node)
        .ok()
        .and_then(|(_, n)| n.as_dict().ok())
    else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    if let Ok(Object::Array(names)) = node.get(b"Names") {
        for pair in names.chunks_exact(2) {
            let (Ok(name), Ok((_, value))) = (pair[0].as_str(), pdf.dereference(&pair[1])) else {
                continue;
            };
            let array = match value {
                Object::Array(array) => Some(array),
                Object::Dictionary(dict) => dict.get(b"D").ok().and_then(|d| d.as_array().ok()),
                _ => None,
            };
            if let Some(array) = array {
                found.insert(name.to_vec(), array.clone());
            }
        }
    }
    if let Ok(Object::Array(kids)) = node.get(b"Kids") {
        for kid in kids {
            collect_names(pdf, kid, depth + 1, found);
        }
    }
}

/// The piece's XMP metadata, saying what its document information says
/// (PDF/A asks both to agree), its identifier and the edition it is part of.
fn xmp(
    piece: &Piece,
    info: &Dictionary,
    language: &Option<String>,
    pages: usize,
) -> Result<String, CutError> {
    let text = |key: &[u8]| {
        info.get(key)
            .ok()
            .and_then(|value| lopdf::decode_text_string(value).ok())
    };
    let date = xmp_writer::DateTime {
        year: piece.date.year,
        month: Some(piece.date.month),
        day: Some(piece.date.day),
        hour: Some(0),
        minute: Some(0),
        second: Some(0),
        timezone: Some(Timezone::Utc),
    };
    let (title, description, keywords) = (
        text(b"Title").unwrap_or_default(),
        text(b"Subject").unwrap_or_default(),
        text(b"Keywords").unwrap_or_default(),
    );
    let mut xmp = XmpWriter::new();
    xmp.title([(None, title.as_str())]);
    xmp.description([(None, description.as_str())]);
    xmp.pdf_keywords(&keywords);
    if let Some(author) = text(b"Author") {
        xmp.creator([author.as_str()]);
    }
    if let Some(creator) = text(b"Creator") {
        xmp.creator_tool(&creator);
    }
    if let Some(producer) = text(b"Producer") {
        xmp.producer(&producer);
    }
    if let Some(language) = language {
        xmp.language([xmp_writer::LangId(language)]);
    }
    xmp.identifier(piece.uri);
    xmp.relation([piece.part_of]);
    xmp.create_date(date);
    xmp.modify_date(date);
    xmp.pdfa_part(3);
    xmp.pdfa_conformance("B");
    xmp.num_pages(u32::try_from(pages).map_err(|_| broken("too many pages"))?);
    xmp.format("application/pdf");
    let id = format!("uuid:{}", digest::sha256(piece.uri.as_bytes()));
    xmp.document_id(&id);
    xmp.instance_id(&id);
    xmp.rendition_class(RenditionClass::Proof);
    Ok(xmp.finish(None))
}

/// The trailer's file identifier: derived from the document's identifier,
/// so that the same document always gets the same one.
fn file_id(uri: &str) -> Object {
    let mut id = digest::sha256_bytes(uri.as_bytes());
    id.truncate(16);
    Object::String(id, StringFormat::Hexadecimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edition of `pages` empty pages, as lopdf writes it.
    fn edition_of(pages: usize) -> ParsedPdf {
        let mut pdf = Document::with_version("1.7");
        let tree = pdf.new_object_id();
        let kids: Vec<Object> = (0..pages)
            .map(|_| {
                let page = Dictionary::from_iter([
                    ("Type", Object::Name(b"Page".to_vec())),
                    ("Parent", Object::Reference(tree)),
                ]);
                Object::Reference(pdf.add_object(page))
            })
            .collect();
        let count = kids.len() as i64;
        pdf.objects.insert(
            tree,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(kids)),
                ("Count", Object::Integer(count)),
                (
                    "MediaBox",
                    vec![0.into(), 0.into(), 595.into(), 842.into()].into(),
                ),
            ])),
        );
        let catalog = pdf.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(tree)),
        ]));
        pdf.trailer.set("Root", Object::Reference(catalog));
        let mut bytes = Vec::new();
        pdf.save_to(&mut bytes).unwrap();
        ParsedPdf::read(bytes).unwrap()
    }

    fn piece(pages: Range<usize>) -> Piece<'static> {
        Piece {
            pages,
            first_printed: 2,
            title: "关于印发《示例办法》的通知",
            description: "上海市人民政府公报第2页",
            uri: "urn:example:document",
            part_of: "urn:example:edition",
            date: Date {
                year: 2025,
                month: 8,
                day: 15,
            },
        }
    }

    #[test]
    fn a_piece_holds_the_objects_a_reader_of_its_bytes_finds() {
        let edition = edition_of(3);
        let cut = EditionPdf::new(&edition).cut(&piece(1..3)).unwrap();
        let (bytes, document) = cut.into_parts();
        let read = Document::load_mem(&bytes).unwrap();
        // The seal numbers its objects after max_id: a number the bytes
        // already use would be taken twice.
        assert_eq!(document.max_id, read.max_id);
        assert_eq!(
            document.objects.keys().collect::<Vec<_>>(),
            read.objects.keys().collect::<Vec<_>>()
        );
        assert_eq!(read.get_pages().len(), 2);
    }

    #[test]
    fn pages_outside_the_edition_are_an_error() {
        let edition = edition_of(2);
        let error = EditionPdf::new(&edition).cut(&piece(1..4)).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("the edition's PDF has no pages 2 to 4")
        );
    }
}
