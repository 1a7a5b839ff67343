//! Each document's PDF carries only the glyphs its own pages show.
//!
//! A piece cut from the edition would otherwise embed the whole edition's
//! font subsets, several hundred kilobytes for a one-page notice. The
//! piece's content streams are the edition's, byte for byte, and they name
//! glyphs by CID, so the fonts are reduced without renumbering what the
//! pages use:
//!
//! - a CFF program (typst writes every CFF font CID-keyed, CID = glyph)
//!   keeps its glyph count and charset; the outline of each glyph the piece
//!   does not show is replaced by an empty one. The subsetter typst uses
//!   writes the CharStrings last, so nothing before them moves;
//! - a TrueType program is subset to the shown glyphs by the same subsetter
//!   (which renumbers them) and a `CIDToGIDMap` leads each CID to its new
//!   glyph. The font's `CIDSet` then names the CIDs it still holds.
//!
//! A font whose use cannot be read with certainty (an encoding other than
//! Identity, a content stream that does not parse) is left whole: a piece a
//! little larger than it could be, never one missing a glyph.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use rayon::prelude::*;
use read_fonts::FontRead;
use read_fonts::ps::cff::dict::{self, Entry};
use read_fonts::ps::cff::index::Index;
use read_fonts::tables::cff::Cff;
use subsetter::GlyphRemapper;

use super::content::{self, Operation};

/// More than any font program or content stream typst writes.
const MAX_DECODED: usize = 256 << 20;

/// Forms, patterns and Type 3 glyphs nested deeper than this are not typst's.
const MAX_DEPTH: usize = 16;

/// A Type 2 charstring drawing nothing: `endchar`.
const EMPTY_OUTLINE: u8 = 14;

/// The edition's font programs that can be reduced, read once for every
/// piece.
pub struct EditionFonts {
    /// Each Type 0 font that draws with a reducible program → the program's
    /// stream.
    fonts: HashMap<ObjectId, ObjectId>,
    /// Each reducible program's stream → the program.
    programs: HashMap<ObjectId, Program>,
}

struct Program {
    outlines: Outlines,
    /// The program, decoded.
    bytes: Vec<u8>,
    /// The CIDFont that draws with it.
    cid_font: ObjectId,
    /// Its descriptor's `CIDSet`, if it has one.
    cid_set: Option<ObjectId>,
}

enum Outlines {
    /// CFF, its CharStrings INDEX from `charstrings` to the end.
    Cff {
        charstrings: usize,
        count: usize,
    },
    TrueType,
}

/// A set of glyphs (CIDs): a bit each. A page shows thousands of glyphs of
/// a few hundred kinds, and a tree set's insertions were most of the time
/// spent reading them.
#[derive(Clone, PartialEq, Eq)]
pub struct Glyphs(Vec<u64>);

impl Default for Glyphs {
    fn default() -> Self {
        Glyphs(vec![0; 1 << 10])
    }
}

impl std::fmt::Debug for Glyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Glyphs {
    fn insert(&mut self, glyph: u16) {
        self.0[usize::from(glyph >> 6)] |= 1 << (glyph & 63);
    }

    fn contains(&self, glyph: u16) -> bool {
        self.0[usize::from(glyph >> 6)] & 1 << (glyph & 63) != 0
    }

    /// The glyphs, in ascending order.
    fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..=u16::MAX).filter(|&glyph| self.contains(glyph))
    }

    fn last(&self) -> Option<u16> {
        let (word, bits) = self
            .0
            .iter()
            .enumerate()
            .rev()
            .find(|(_, bits)| **bits != 0)?;
        u16::try_from(word * 64 + 63 - bits.leading_zeros() as usize).ok()
    }
}

impl<const N: usize> From<[u16; N]> for Glyphs {
    fn from(glyphs: [u16; N]) -> Self {
        let mut set = Glyphs::default();
        for glyph in glyphs {
            set.insert(glyph);
        }
        set
    }
}

/// The glyphs (CIDs) a piece's pages show, by program.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shown {
    glyphs: HashMap<ObjectId, Glyphs>,
    /// Something on the pages could not be read: every font stays whole.
    unreadable: bool,
}

impl EditionFonts {
    pub fn new(pdf: &Document) -> Self {
        let found: Vec<(ObjectId, ObjectId, ObjectId)> = pdf
            .objects
            .iter()
            .filter_map(|(&id, object)| {
                let (cid_font, program) = identity_font(pdf, object.as_dict().ok()?)?;
                Some((id, cid_font, program))
            })
            .collect();
        let mut users: HashMap<ObjectId, usize> = HashMap::new();
        for &(_, _, program) in &found {
            *users.entry(program).or_default() += 1;
        }
        // A program two fonts draw with would need one CIDToGIDMap for both;
        // typst never shares one, so it is simply left whole.
        let candidates: Vec<(ObjectId, ObjectId)> = found
            .iter()
            .filter(|(_, _, program)| users[program] == 1)
            .map(|&(_, cid_font, program)| (cid_font, program))
            .collect();
        let programs: HashMap<ObjectId, Program> = candidates
            .par_iter()
            .filter_map(|&(cid_font, id)| Some((id, Program::read(pdf, cid_font, id)?)))
            .collect();
        let fonts = found
            .into_iter()
            .filter(|(_, _, program)| programs.contains_key(program))
            .map(|(font, _, program)| (font, program))
            .collect();
        EditionFonts { fonts, programs }
    }

    /// The glyphs shown by `pages` (the edition's page dictionaries, their
    /// inherited resources set on them and only the annotations the piece
    /// keeps).
    pub fn shown(&self, pdf: &Document, pages: &[Dictionary]) -> Shown {
        let mut reader = Reader {
            pdf,
            fonts: self,
            shown: Shown::default(),
            scanned: HashSet::new(),
        };
        for page in pages {
            let resources = page.get(b"Resources").ok();
            let contents = page
                .get(b"Contents")
                .map(|contents| stream_parts(pdf, contents))
                .unwrap_or_default();
            let mut bytes = Vec::new();
            for part in contents {
                match part.decompressed_content_with_limit(MAX_DECODED) {
                    // Parts join as one stream, a space apart.
                    Ok(part) => {
                        bytes.extend_from_slice(&part);
                        bytes.push(b'\n');
                    }
                    Err(_) => reader.shown.unreadable = true,
                }
            }
            let resources = resources.and_then(|resources| dictionary(pdf, resources));
            reader.content(&bytes, resources, 0);
            reader.annotations(page);
        }
        reader.shown
    }

    /// Replaces, in the piece `out`, each copied program by one holding only
    /// the glyphs `shown`. `copied` maps the edition's objects to the
    /// piece's.
    pub fn reduce(&self, out: &mut Document, copied: &HashMap<ObjectId, ObjectId>, shown: &Shown) {
        if shown.unreadable {
            return;
        }
        let none = Glyphs::default();
        for (id, program) in &self.programs {
            let Some(&piece_id) = copied.get(id) else {
                continue;
            };
            let glyphs = shown.glyphs.get(id).unwrap_or(&none);
            match program.outlines {
                Outlines::Cff { charstrings, count } => {
                    let Some(reduced) = hollow_cff(&program.bytes, charstrings, count, glyphs)
                    else {
                        continue;
                    };
                    set_stream(out, piece_id, reduced);
                }
                Outlines::TrueType => {
                    let Some((reduced, glyph_of)) = subset_truetype(&program.bytes, glyphs) else {
                        continue;
                    };
                    let Some(&cid_font) = copied.get(&program.cid_font) else {
                        continue;
                    };
                    set_stream(out, piece_id, reduced);
                    let map = out.add_object(Stream::new(Dictionary::new(), Vec::new()));
                    set_stream(out, map, cid_to_gid_map(glyphs, &glyph_of));
                    if let Ok(Object::Dictionary(font)) = out.get_object_mut(cid_font) {
                        font.set("CIDToGIDMap", Object::Reference(map));
                    }
                    if let Some(&cid_set) = program.cid_set.as_ref().and_then(|id| copied.get(id)) {
                        set_stream(out, cid_set, cid_set_bits(glyphs));
                    }
                }
            }
        }
    }
}

impl Program {
    fn read(pdf: &Document, cid_font: ObjectId, id: ObjectId) -> Option<Program> {
        let stream = pdf.get_object(id).ok()?.as_stream().ok()?;
        let bytes = stream.decompressed_content_with_limit(MAX_DECODED).ok()?;
        let font = pdf.get_dictionary(cid_font).ok()?;
        let outlines = match font.get(b"Subtype").ok()?.as_name().ok()? {
            b"CIDFontType0" => {
                let (charstrings, count) = charstrings(&bytes)?;
                Outlines::Cff { charstrings, count }
            }
            b"CIDFontType2" => Outlines::TrueType,
            _ => return None,
        };
        let cid_set = font
            .get(b"FontDescriptor")
            .and_then(|descriptor| pdf.dereference(descriptor))
            .and_then(|(_, descriptor)| descriptor.as_dict())
            .and_then(|descriptor| descriptor.get(b"CIDSet"))
            .and_then(Object::as_reference)
            .ok();
        Some(Program {
            outlines,
            bytes,
            cid_font,
            cid_set,
        })
    }
}

/// For a Type 0 font whose codes are CIDs (Identity-H or -V) and whose CIDs
/// are its program's glyphs, the CIDFont and the program's stream.
fn identity_font(pdf: &Document, font: &Dictionary) -> Option<(ObjectId, ObjectId)> {
    if !font.has_type(b"Font") || font.get(b"Subtype").ok()?.as_name().ok()? != b"Type0" {
        return None;
    }
    let encoding = font.get(b"Encoding").ok()?.as_name().ok()?;
    if encoding != b"Identity-H" && encoding != b"Identity-V" {
        return None;
    }
    let descendants = match font.get(b"DescendantFonts").ok()? {
        Object::Array(descendants) => descendants,
        Object::Reference(id) => pdf.get_object(*id).ok()?.as_array().ok()?,
        _ => return None,
    };
    let [Object::Reference(cid_font)] = descendants.as_slice() else {
        return None;
    };
    let cid = pdf.get_dictionary(*cid_font).ok()?;
    let (key, subtype) = match cid.get(b"Subtype").ok()?.as_name().ok()? {
        b"CIDFontType0" => (&b"FontFile3"[..], Some(&b"CIDFontType0C"[..])),
        b"CIDFontType2" => {
            // A map of its own already: the CIDs are not the glyphs.
            match cid.get(b"CIDToGIDMap") {
                Err(_) => {}
                Ok(Object::Name(name)) if name == b"Identity" => {}
                Ok(_) => return None,
            }
            (&b"FontFile2"[..], None)
        }
        _ => return None,
    };
    let descriptor = pdf.dereference(cid.get(b"FontDescriptor").ok()?).ok()?.1;
    let program = descriptor
        .as_dict()
        .ok()?
        .get(key)
        .ok()?
        .as_reference()
        .ok()?;
    if let Some(subtype) = subtype {
        let stream = pdf.get_object(program).ok()?.as_stream().ok()?;
        if stream.dict.get(b"Subtype").ok()?.as_name().ok()? != subtype {
            return None;
        }
    }
    Some((*cid_font, program))
}

/// Where a CFF program's CharStrings INDEX starts and how many glyphs it
/// holds, if it is the program's last part.
fn charstrings(cff: &[u8]) -> Option<(usize, usize)> {
    let table = Cff::read(read_fonts::FontData::new(cff)).ok()?;
    if table.top_dicts().count() != 1 {
        return None;
    }
    let top = table.top_dicts().get(0).ok()?;
    let offset = dict::entries(top, None).find_map(|entry| match entry {
        Ok(Entry::CharstringsOffset(offset)) => Some(offset),
        _ => None,
    })?;
    let index = Index::new(cff.get(offset..)?, false).ok()?;
    let size = index.size_in_bytes().ok()?;
    (offset + size == cff.len()).then_some((offset, index.count() as usize))
}

/// The CFF program `cff` with an empty outline for every glyph but .notdef
/// and `shown`: the same glyph count, the same bytes up to the CharStrings.
fn hollow_cff(cff: &[u8], offset: usize, count: usize, shown: &Glyphs) -> Option<Vec<u8>> {
    let index = Index::new(cff.get(offset..)?, false).ok()?;
    let mut outlines: Vec<&[u8]> = Vec::with_capacity(count);
    for glyph in 0..count {
        let kept = glyph == 0 || u16::try_from(glyph).is_ok_and(|glyph| shown.contains(glyph));
        outlines.push(if kept {
            index.get(glyph).ok()?
        } else {
            std::slice::from_ref(&EMPTY_OUTLINE)
        });
    }
    let data: usize = outlines.iter().map(|outline| outline.len()).sum();
    // Offsets count from 1, up to one past the last byte.
    let last = data + 1;
    let size = match last {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    let mut out = Vec::with_capacity(offset + 3 + (count + 1) * size + data);
    out.extend_from_slice(&cff[..offset]);
    out.extend_from_slice(&u16::try_from(count).ok()?.to_be_bytes());
    out.push(u8::try_from(size).ok()?);
    let mut at = 1usize;
    let push = |out: &mut Vec<u8>, at: usize| {
        out.extend_from_slice(&(at as u32).to_be_bytes()[4 - size..]);
    };
    push(&mut out, at);
    for outline in &outlines {
        at += outline.len();
        push(&mut out, at);
    }
    for outline in outlines {
        out.extend_from_slice(outline);
    }
    Some(out)
}

/// The TrueType program reduced to `shown` (and what its glyphs are built
/// from), renumbered, with each shown CID's new glyph.
fn subset_truetype(program: &[u8], shown: &Glyphs) -> Option<(Vec<u8>, GlyphRemapper)> {
    let mut remapper = GlyphRemapper::new();
    for glyph in shown.iter() {
        remapper.remap(glyph);
    }
    let reduced = subsetter::subset(program, 0, &remapper).ok()?;
    Some((reduced, remapper))
}

/// A `CIDToGIDMap`: two bytes a CID, from 0 to the highest shown, each the
/// CID's glyph in the subset (0, .notdef, for those not shown).
fn cid_to_gid_map(shown: &Glyphs, glyph_of: &GlyphRemapper) -> Vec<u8> {
    let highest = shown.last().unwrap_or(0);
    (0..=highest)
        .flat_map(|cid| glyph_of.get(cid).unwrap_or(0).to_be_bytes())
        .collect()
}

/// A `CIDSet`: one bit a CID, the first the high bit of the first byte, set
/// for .notdef and the CIDs `shown`.
fn cid_set_bits(shown: &Glyphs) -> Vec<u8> {
    let highest = usize::from(shown.last().unwrap_or(0));
    let mut bits = vec![0u8; highest / 8 + 1];
    for cid in std::iter::once(0).chain(shown.iter().map(usize::from)) {
        bits[cid / 8] |= 0x80 >> (cid % 8);
    }
    bits
}

/// Sets the stream `id` of `out` to `bytes`, unfiltered, keeping the rest
/// of its dictionary. Deflate would make the sample's documents 5 % smaller
/// (CFF outlines are compact already) for more time than hashing, sealing
/// and writing those bytes takes.
fn set_stream(out: &mut Document, id: ObjectId, bytes: Vec<u8>) {
    if let Ok(Object::Stream(stream)) = out.get_object_mut(id) {
        stream.dict.remove(b"Filter");
        stream.dict.remove(b"DecodeParms");
        stream.set_content(bytes);
    }
}

/// The streams `contents` names: one, or an array of them. Streams are
/// always objects of their own.
fn stream_parts<'a>(pdf: &'a Document, contents: &Object) -> Vec<&'a Stream> {
    let stream = |object: &Object| {
        let id = object.as_reference().ok()?;
        pdf.get_object(id).ok()?.as_stream().ok()
    };
    match contents {
        Object::Array(parts) => parts.iter().filter_map(stream).collect(),
        Object::Reference(id) => match pdf.get_object(*id) {
            Ok(Object::Array(parts)) => parts.iter().filter_map(stream).collect(),
            Ok(Object::Stream(part)) => vec![part],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Reads content streams for the glyphs they show.
struct Reader<'a> {
    pdf: &'a Document,
    fonts: &'a EditionFonts,
    shown: Shown,
    /// Forms, patterns and Type 3 fonts already read: each is read once,
    /// however many pages draw it.
    scanned: HashSet<ObjectId>,
}

/// What selects a font: a Type 0 font of the edition, a Type 3 font (whose
/// glyphs are content streams that may show other fonts), or any other.
#[derive(Clone, Copy)]
enum Selected {
    Type0(ObjectId),
    Type3(ObjectId),
    Other,
}

/// A stream a content stream draws, read after it.
enum Drawn {
    Form(ObjectId),
    Type3(ObjectId),
}

impl<'a> Reader<'a> {
    /// Reads the content stream `bytes` drawn with `resources`, and what it
    /// draws in turn.
    fn content(&mut self, bytes: &[u8], resources: Option<&Dictionary>, depth: usize) {
        if depth > MAX_DEPTH {
            self.shown.unreadable = true;
            return;
        }
        let (pdf, fonts, shown) = (self.pdf, self.fonts, &mut self.shown);
        // The font is part of the graphics state, saved by q and restored by Q.
        let mut font = Selected::Other;
        let mut saved = Vec::new();
        let mut drawn = Vec::new();
        let read = content::read(bytes, |operation| match operation {
            Operation::Save => saved.push(font),
            Operation::Restore => font = saved.pop().unwrap_or(font),
            Operation::Font(name) => font = select(pdf, fonts, resources, name),
            Operation::Show(texts) => match font {
                Selected::Type0(font) => {
                    let glyphs = shown.glyphs.entry(fonts.fonts[&font]).or_default();
                    // Identity: each two bytes are a CID.
                    for text in &texts {
                        for code in text.chunks_exact(2) {
                            glyphs.insert(u16::from_be_bytes([code[0], code[1]]));
                        }
                    }
                }
                Selected::Type3(font) => drawn.push(Drawn::Type3(font)),
                Selected::Other => {}
            },
            Operation::Draw(name) => {
                drawn.extend(resource(pdf, resources, b"XObject", name).map(Drawn::Form));
            }
            Operation::Paint(name) => {
                drawn.extend(resource(pdf, resources, b"Pattern", name).map(Drawn::Form));
            }
        });
        if read.is_err() {
            self.shown.unreadable = true;
            return;
        }
        for drawn in drawn {
            match drawn {
                Drawn::Type3(font) => self.type3(font, resources, depth),
                Drawn::Form(id) => self.form(id, resources, depth),
            }
        }
    }

    /// A Type 3 font's glyphs are content streams: every one is read.
    fn type3(&mut self, font: ObjectId, resources: Option<&Dictionary>, depth: usize) {
        if !self.scanned.insert(font) {
            return;
        }
        let pdf = self.pdf;
        let Ok(dict) = pdf.get_dictionary(font) else {
            return;
        };
        let resources = own_resources(pdf, dict, resources);
        let Some(procedures) = dict.get(b"CharProcs").ok().and_then(|p| dictionary(pdf, p)) else {
            return;
        };
        for (_, procedure) in procedures.iter() {
            if let Ok((_, Object::Stream(procedure))) = pdf.dereference(procedure) {
                self.stream(procedure, resources, depth + 1);
            }
        }
    }

    /// A form XObject or a tiling pattern: a content stream with resources
    /// of its own, or else those it is drawn with. Images and shadings show
    /// no text.
    fn form(&mut self, id: ObjectId, resources: Option<&Dictionary>, depth: usize) {
        let pdf = self.pdf;
        if let Ok(Object::Stream(form)) = pdf.get_object(id) {
            // One without resources of its own uses those it is drawn with,
            // which may differ from one drawing to the next.
            if form.dict.has(b"Resources") && !self.scanned.insert(id) {
                return;
            }
            let subtype = form.dict.get(b"Subtype").and_then(Object::as_name).ok();
            let shading = form.dict.get(b"ShadingType").is_ok();
            if subtype != Some(b"Image") && !shading {
                let resources = own_resources(pdf, &form.dict, resources);
                self.stream(form, resources, depth + 1);
            }
        }
    }

    /// Every annotation's appearances: forms, or dictionaries of forms by
    /// state.
    fn annotations(&mut self, page: &Dictionary) {
        let pdf = self.pdf;
        let annotations = match page.get(b"Annots").map(|a| pdf.dereference(a)) {
            Ok(Ok((_, Object::Array(annotations)))) => annotations.clone(),
            Err(_) => return,
            Ok(_) => {
                self.shown.unreadable = true;
                return;
            }
        };
        let mut forms = Vec::new();
        for annotation in &annotations {
            let Ok((_, Object::Dictionary(annotation))) = pdf.dereference(annotation) else {
                continue;
            };
            let Some(appearances) = annotation
                .get(b"AP")
                .ok()
                .and_then(|ap| dictionary(pdf, ap))
            else {
                continue;
            };
            for (_, appearance) in appearances.iter() {
                match pdf.dereference(appearance) {
                    Ok((_, Object::Dictionary(states))) => {
                        forms.extend(states.iter().map(|(_, state)| state));
                    }
                    _ => forms.push(appearance),
                }
            }
        }
        for form in forms {
            match form.as_reference() {
                Ok(id) => self.form(id, None, 1),
                Err(_) => self.shown.unreadable = true,
            }
        }
    }

    fn stream(&mut self, stream: &Stream, resources: Option<&Dictionary>, depth: usize) {
        match stream.decompressed_content_with_limit(MAX_DECODED) {
            Ok(bytes) => self.content(&bytes, resources, depth),
            Err(_) => self.shown.unreadable = true,
        }
    }
}

/// The font `name` of `resources` selects.
fn select(
    pdf: &Document,
    fonts: &EditionFonts,
    resources: Option<&Dictionary>,
    name: &[u8],
) -> Selected {
    let Some(font) = resource(pdf, resources, b"Font", name) else {
        return Selected::Other;
    };
    if fonts.fonts.contains_key(&font) {
        return Selected::Type0(font);
    }
    let is_type3 = pdf
        .get_dictionary(font)
        .and_then(|font| font.get(b"Subtype"))
        .and_then(Object::as_name)
        .is_ok_and(|subtype| subtype == b"Type3");
    if is_type3 {
        Selected::Type3(font)
    } else {
        Selected::Other
    }
}

/// The resources `dict` sets, or else `inherited`.
fn own_resources<'r>(
    pdf: &'r Document,
    dict: &'r Dictionary,
    inherited: Option<&'r Dictionary>,
) -> Option<&'r Dictionary> {
    match dict.get(b"Resources") {
        Ok(resources) => dictionary(pdf, resources),
        Err(_) => inherited,
    }
}

fn dictionary<'r>(pdf: &'r Document, object: &'r Object) -> Option<&'r Dictionary> {
    pdf.dereference(object).ok()?.1.as_dict().ok()
}

/// The object `name` stands for in the `kind` subdictionary of `resources`.
fn resource(
    pdf: &Document,
    resources: Option<&Dictionary>,
    kind: &[u8],
    name: &[u8],
) -> Option<ObjectId> {
    let entries = pdf.dereference(resources?.get(kind).ok()?).ok()?.1;
    entries.as_dict().ok()?.get(name).ok()?.as_reference().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::SEAL_FONT;
    use read_fonts::{FontRef, TableProvider};

    /// A CFF program as typst embeds it: the seal's face subset to
    /// .notdef and five glyphs, CID-keyed, CIDs 0 to 5.
    fn cff_program() -> Vec<u8> {
        let mut glyphs = GlyphRemapper::new();
        for glyph in 1000..1005 {
            glyphs.remap(glyph);
        }
        let font = subsetter::subset(SEAL_FONT, 0, &glyphs).unwrap();
        FontRef::new(&font)
            .unwrap()
            .cff()
            .unwrap()
            .offset_data()
            .as_bytes()
            .to_vec()
    }

    fn outlines(cff: &[u8]) -> Vec<Vec<u8>> {
        let (offset, count) = charstrings(cff).unwrap();
        let index = Index::new(&cff[offset..], false).unwrap();
        (0..count)
            .map(|glyph| index.get(glyph).unwrap().to_vec())
            .collect()
    }

    #[test]
    fn a_cff_program_keeps_its_glyph_numbers_and_only_the_outlines_shown() {
        let program = cff_program();
        let (offset, count) = charstrings(&program).unwrap();
        assert_eq!(count, 6);
        let hollow = hollow_cff(&program, offset, count, &Glyphs::from([2, 4])).unwrap();
        assert_eq!(
            hollow[..offset],
            program[..offset],
            "all before the outlines"
        );
        let (before, after) = (outlines(&program), outlines(&hollow));
        for glyph in 0..count {
            if [0, 2, 4].contains(&glyph) {
                assert_eq!(after[glyph], before[glyph], "glyph {glyph}");
                assert!(before[glyph].len() > 1);
            } else {
                assert_eq!(after[glyph], [EMPTY_OUTLINE], "glyph {glyph}");
            }
        }
    }

    #[test]
    fn a_cid_set_names_notdef_and_the_cids_shown() {
        assert_eq!(
            cid_set_bits(&Glyphs::from([1, 9])),
            [0b1100_0000, 0b0100_0000]
        );
        assert_eq!(cid_set_bits(&Glyphs::default()), [0b1000_0000]);
    }

    /// A one-page PDF whose page shows `content` with a Type 0 font drawing
    /// with [`cff_program`]; the page's dictionary and the program's id.
    fn page_showing(content: &[u8]) -> (Document, Dictionary, ObjectId) {
        let mut pdf = Document::with_version("1.7");
        let mut stream = Stream::new(
            Dictionary::from_iter([("Subtype", Object::Name(b"CIDFontType0C".to_vec()))]),
            cff_program(),
        );
        stream.compress().unwrap();
        let file = pdf.add_object(stream);
        let descriptor = pdf.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"FontDescriptor".to_vec())),
            ("FontFile3", Object::Reference(file)),
        ]));
        let cid_font = pdf.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"CIDFontType0".to_vec())),
            ("FontDescriptor", Object::Reference(descriptor)),
        ]));
        let font = pdf.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type0".to_vec())),
            ("Encoding", Object::Name(b"Identity-H".to_vec())),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Reference(cid_font)]),
            ),
        ]));
        let contents = pdf.add_object(Stream::new(Dictionary::new(), content.to_vec()));
        let page = Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Contents", Object::Reference(contents)),
            (
                "Resources",
                Object::Dictionary(Dictionary::from_iter([(
                    "Font",
                    Object::Dictionary(Dictionary::from_iter([("F0", Object::Reference(font))])),
                )])),
            ),
        ]);
        (pdf, page, file)
    }

    /// The page showing `content` cut into a piece: the edition, the
    /// piece, what its page shows, and the font program's id in both.
    fn piece_showing(content: &[u8]) -> (Document, Document, Shown, ObjectId) {
        let (pdf, page, file) = page_showing(content);
        let fonts = EditionFonts::new(&pdf);
        let shown = fonts.shown(&pdf, std::slice::from_ref(&page));
        let mut piece = pdf.clone();
        fonts.reduce(&mut piece, &HashMap::from([(file, file)]), &shown);
        (pdf, piece, shown, file)
    }

    #[test]
    fn a_piece_keeps_the_outlines_its_page_shows() {
        // A font set inside q … Q is gone after Q: the last string shows
        // nothing of it.
        let (_, piece, shown, file) =
            piece_showing(b"q BT /F0 12 Tf <00020004> Tj ET Q BT (\\000\\005) Tj ET");
        assert!(!shown.unreadable);
        assert_eq!(shown.glyphs[&file], Glyphs::from([2, 4]));
        let reduced = piece.get_object(file).unwrap().as_stream().unwrap();
        assert!(reduced.dict.get(b"Filter").is_err());
        let kept: Vec<usize> = outlines(&reduced.content)
            .iter()
            .enumerate()
            .filter(|(_, outline)| outline.len() > 1)
            .map(|(glyph, _)| glyph)
            .collect();
        assert_eq!(kept, [0, 2, 4]);
    }

    #[test]
    fn a_page_that_cannot_be_read_keeps_every_font_whole() {
        let (edition, piece, shown, file) =
            piece_showing(b"BT /F0 12 Tf <0002> Tj ET BI /W 1 /H 1 /BPC 1 /CS /G ID \x00 EI");
        assert!(shown.unreadable);
        assert_eq!(
            piece.get_object(file).unwrap(),
            edition.get_object(file).unwrap()
        );
    }
}
