//! The PDF edition, laid out by typst used as a library. This is the only
//! module that knows typst; everything after it reads the PDF bytes.

mod fonts;
mod identify;
pub mod title_lines;
mod world;

pub use fonts::{FontSet, SEAL_FONT};
pub use world::{EditionWorld, template_sources};

use std::ops::Range;
use typst::foundations::{Datetime, Label, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::Abs;
use typst::model::Document as _;

use typst::utils::PicoStr;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::model::{Block, BlockRef, Date, Edition, Inline, PageMap, PageStart, Part};
use crate::seal::{self, ParsedPdf, Spot};

/// A character that no font has, and where it is: `None` for the issue's
/// own text, or the section and document index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub document: Option<(usize, usize)>,
    pub character: char,
}

/// Every character of the edition that no font covers. typst would draw an
/// empty box for it and succeed, so this check is ours.
pub fn uncovered(edition: &Edition, fonts: &FontSet) -> Vec<Uncovered> {
    let mut found = Vec::new();
    let mut check = |document: Option<(usize, usize)>, texts: Vec<&str>| {
        let mut seen = std::collections::BTreeSet::new();
        for c in texts.iter().flat_map(|t| t.chars()) {
            if !c.is_whitespace() && !c.is_control() && seen.insert(c) && !fonts.covers(c) {
                found.push(Uncovered {
                    document,
                    character: c,
                });
            }
        }
    };
    let gazette = &edition.gazette;
    let mut own = vec![gazette.title.as_str(), gazette.publisher.as_str()];
    own.extend(gazette.title_en.as_deref());
    own.extend(edition.sections.iter().map(|s| s.title.as_str()));
    check(None, own);
    for (s, section) in edition.sections.iter().enumerate() {
        for (d, document) in section.documents.iter().enumerate() {
            let mut texts = vec![document.title.as_str(), document.issuer.as_str()];
            texts.extend(document.number.as_deref());
            texts.extend(document.addressees.as_deref());
            texts.extend(document.signatory.as_deref());
            collect_text(&document.body, &mut texts);
            for attachment in &document.attachments {
                texts.push(&attachment.title);
                texts.extend(attachment.label.as_deref());
                collect_text(&attachment.body, &mut texts);
            }
            if let Some(interpretation) = &document.interpretation {
                texts.push(&interpretation.title);
                collect_text(&interpretation.body, &mut texts);
            }
            check(Some((s, d)), texts);
        }
    }
    found
}

fn collect_text<'a>(blocks: &'a [Block], texts: &mut Vec<&'a str>) {
    let inline_text = |inline: &'a Inline| match inline {
        Inline::Text { text } | Inline::Strong { text } | Inline::Emph { text } => {
            Some(text.as_str())
        }
        Inline::Break => None,
    };
    for block in blocks {
        match block {
            Block::Paragraph { lead, inlines } => {
                texts.extend(lead.as_ref().map(|l| l.text.as_str()));
                texts.extend(inlines.iter().filter_map(inline_text));
            }
            Block::Heading { text, .. } => texts.push(text),
            Block::List { items, .. } => items.iter().for_each(|item| collect_text(item, texts)),
            Block::Table(table) => {
                texts.extend(table.grid().flatten().flatten().filter_map(inline_text));
            }
        }
    }
}

/// The font families of each role that are not available, and the edition's
/// JSON with only available families, so typst has nothing to warn about,
/// and with each title's lines (see [`title_lines::annotate`]).
pub fn edition_json(edition: &Edition, fonts: &FontSet) -> (Vec<u8>, Vec<(&'static str, String)>) {
    let mut edition = edition.clone();
    let mut missing = Vec::new();
    for (role, families) in edition.fonts.roles_mut() {
        families.retain(|family| {
            let found = fonts.has_family(family);
            if !found {
                missing.push((role, family.clone()));
            }
            found
        });
    }
    let mut value = serde_json::to_value(&edition)
        .unwrap_or_else(|e| unreachable!("the model always serialises: {e}"));
    title_lines::annotate(&edition, &mut value);
    let json = serde_json::to_vec(&value)
        .unwrap_or_else(|e| unreachable!("a JSON value always serialises: {e}"));
    (json, missing)
}

/// The typst world of `edition`: its JSON for the templates, its published
/// `data` and `akn` (the edition's files of `crate::data` and `crate::akn`)
/// for the PDF to carry, and the issue's own templates if it has them; and
/// the font families of each role that are not available.
pub fn world<'f>(
    edition: &Edition,
    fonts: &'f FontSet,
    data: &[u8],
    akn: &[u8],
) -> (EditionWorld<'f>, Vec<(&'static str, String)>) {
    let (json, missing) = edition_json(edition, fonts);
    let world = EditionWorld::new(fonts, json, edition.issue.date)
        .with_data(data.to_vec())
        .with_akn(akn.to_vec());
    let world = match &edition.templates {
        Some(templates) => world.with_templates(templates),
        None => world,
    };
    (world, missing)
}

/// The edition laid out in pages, before export. What is read off it (the
/// PDF, the page map, the cover) is independent, so a build may read it from
/// several threads at once.
pub struct Layout {
    document: PagedDocument,
}

/// Lays out the edition described by `world`.
pub fn lay_out(world: &EditionWorld) -> Result<Layout, Vec<TypesetError>> {
    let document = typst::compile::<PagedDocument>(world)
        .output
        .map_err(|d| messages(world, d))?;
    Ok(Layout { document })
}

impl Layout {
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// The PDF edition, unsealed, read: sealing it and cutting each
    /// document's PDF out of it need its objects.
    pub fn export(
        &self,
        world: &EditionWorld,
        edition: &Edition,
    ) -> Result<ParsedPdf, Vec<TypesetError>> {
        let options = pdf_options(edition).map_err(|error| vec![error])?;
        let pdf = typst_pdf::pdf(&self.document, &options).map_err(|d| messages(world, d))?;
        ParsedPdf::read(pdf)
            .and_then(|pdf| identify::identify(pdf, &edition.uri))
            .map_err(|error| {
                vec![TypesetError {
                    message: format!("cannot write the PDF's identifier: {error}"),
                    place: Place::Unknown,
                }]
            })
    }

    /// Where one document's printed pages, `first` to `last`, are in the
    /// edition's PDF, and what its own PDF says it is part of: the edition's
    /// title and the printed pages in the description, the edition's
    /// identifier beside them.
    pub fn locate(
        &self,
        edition: &Edition,
        (first, last): (u32, u32),
    ) -> Result<Located, TypesetError> {
        let pages = self
            .physical_pages(first, last)
            .filter(|range| range.end <= self.document.pages().len())
            .ok_or_else(|| TypesetError {
                message: format!("the edition has no printed pages {first} to {last}"),
                place: Place::Unknown,
            })?;
        let part_of = self.document.info().title.as_deref().unwrap_or_default();
        let printed = match (first, last) {
            (first, last) if first == last => format!("第{first}页"),
            (first, last) => format!("第{first}—{last}页"),
        };
        Ok(Located {
            pages,
            description: format!("{part_of}{printed}（{}）", edition.uri),
        })
    }

    /// The indexes of the physical pages that carry the printed pages `first`
    /// to `last`: printed page 1 is the page of the first document's first
    /// block.
    fn physical_pages(&self, first: u32, last: u32) -> Option<Range<usize>> {
        let &(numbered, _) = block_marks(&self.document).first()?;
        if first == 0 || first > last {
            return None;
        }
        let index = |printed: u32| Some(numbered - 1 + usize::try_from(printed).ok()? - 1);
        Some(index(first)?..index(last)? + 1)
    }

    /// Where the template left room for the seal, if it did.
    pub fn seal_spot(&self) -> Option<Spot> {
        seal_spot(&self.document)
    }

    /// Where each printed page begins in the text.
    pub fn page_map(&self) -> PageMap {
        page_map(&self.document)
    }

    /// The cover page as SVG, for the EPUB's cover image.
    pub fn cover_svg(&self) -> String {
        self.document
            .pages()
            .first()
            .map(|page| typst_svg::svg(page, &typst_svg::SvgOptions::default()))
            .unwrap_or_default()
    }
}

/// Where a document's own PDF is in the edition's, from [`Layout::locate`].
pub struct Located {
    /// Physical page indexes, from 0.
    pub pages: Range<usize>,
    /// The edition and pages it is part of, for its metadata.
    pub description: String,
}

/// The `<gz-block>` marks of templates/document.typ: the physical page
/// (1-based) each block starts on, in page order.
fn block_marks(document: &PagedDocument) -> Vec<(usize, BlockRef)> {
    let Some(label) = Label::new(PicoStr::intern("gz-block")) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    let mut marks: Vec<(usize, BlockRef)> = introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|content| {
            let block = block_ref(&content.to_packed::<MetadataElem>()?.value)?;
            let page = introspector.position(content.location()?)?.page.get();
            Some((page, block))
        })
        .collect();
    marks.sort();
    marks
}

/// Reads back the block marks: the physical page each block starts on,
/// turned into the printed page numbers, which start at 1 on the first
/// document's page.
fn page_map(document: &PagedDocument) -> PageMap {
    let marks = block_marks(document);
    let Some(&(first_page, _)) = marks.first() else {
        return PageMap::default();
    };
    let starts = (first_page..=document.pages().len())
        .filter_map(|physical| {
            let at = marks.partition_point(|(page, _)| *page < physical);
            let (block, inside) = match marks.get(at) {
                Some((page, block)) if *page == physical => (*block, false),
                _ => (marks.get(at.checked_sub(1)?)?.1, true),
            };
            Some(PageStart {
                page: u32::try_from(physical - first_page + 1).ok()?,
                block,
                inside,
            })
        })
        .collect();
    PageMap { starts }
}

/// The `(s: …, d: …, part: …, b: …)` dictionary of a mark.
fn block_ref(value: &Value) -> Option<BlockRef> {
    let Value::Dict(dict) = value else {
        return None;
    };
    let int = |key: &str| match dict.get(key).ok()? {
        Value::Int(n) => usize::try_from(*n).ok(),
        _ => None,
    };
    let part = match dict.get("part").ok()? {
        Value::Str(part) => match part.as_str() {
            "body" => Part::Body,
            "interpretation" => Part::Interpretation,
            other => Part::Attachment(other.strip_prefix("attachment-")?.parse().ok()?),
        },
        _ => return None,
    };
    Some(BlockRef {
        section: int("s")?,
        document: int("d")?,
        part,
        block: int("b")?,
    })
}

/// Forgets typst's memoised results that no build used in the last `age`
/// evictions. typst keeps them for the process's lifetime; a batch or a watch
/// calls this after each build so memory stays bounded, while recent results
/// stay to make the next build of the same issue incremental.
pub fn forget_stale_layouts(age: usize) {
    typst::comemo::evict(age);
}

/// How the edition's PDF is exported: PDF/A-3b, tagged, with the identifier
/// and date pinned so that the same issue gives the same bytes.
pub fn pdf_options(edition: &Edition) -> Result<PdfOptions, TypesetError> {
    pdf_options_for(&edition.uri, edition.issue.date)
}

/// [`pdf_options`] for the edition known by `uri`, published on `date`.
pub fn pdf_options_for(uri: &str, date: Date) -> Result<PdfOptions, TypesetError> {
    let datetime = Datetime::from_ymd_hms(i32::from(date.year), date.month, date.day, 0, 0, 0);
    Ok(PdfOptions {
        ident: Smart::Custom(uri.to_owned()),
        creator: Smart::Custom(Some(format!("gazette {}", env!("CARGO_PKG_VERSION")))),
        timestamp: datetime.map(Timestamp::new_utc),
        standards: PdfStandards::new(&[PdfStandard::A_3b]).map_err(|e| TypesetError {
            message: e.message().to_string(),
            place: Place::Unknown,
        })?,
        tagged: true,
        ..PdfOptions::default()
    })
}

/// Reads back where the `<seal>` box landed: typst gives its top left corner
/// from the page's top left.
fn seal_spot(document: &PagedDocument) -> Option<Spot> {
    let label = Label::new(PicoStr::intern("seal"))?;
    let introspector = document.introspector();
    let location = introspector.query_label(label).ok()?.location()?;
    let position = introspector.position(location)?;
    let page = position.page.get() - 1;
    let height = document.pages().get(page)?.frame.height().to_pt();
    let side = Abs::mm(seal::DIAMETER_MM).to_pt();
    let (x, top) = (position.point.x.to_pt(), height - position.point.y.to_pt());
    Some(Spot {
        page,
        rect: [x as f32, (top - side) as f32, (x + side) as f32, top as f32],
    })
}

/// A typst error, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypesetError {
    /// typst's message, with its hints.
    pub message: String,
    pub place: Place,
}

/// Which template an error is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The issue's own template at `path` (relative to its templates
    /// folder), at the bytes `range` of its text.
    Issue { path: String, range: Range<usize> },
    /// gazette's template `path`, on `line`.
    Gazette { path: String, line: usize },
    /// typst did not say.
    Unknown,
}

impl std::fmt::Display for TypesetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.place {
            Place::Issue { path, .. } => write!(f, "the issue's template {path}: ")?,
            Place::Gazette { path, line } => write!(f, "gazette's templates/{path}:{line}: ")?,
            Place::Unknown => {}
        }
        f.write_str(&self.message)
    }
}

/// typst's errors with the template and place they come from.
fn messages(
    world: &EditionWorld,
    diags: impl IntoIterator<Item = typst::diag::SourceDiagnostic>,
) -> Vec<TypesetError> {
    diags
        .into_iter()
        .map(|d| {
            // typst's hints about its own command line (`--root`) do not
            // apply to gazette's.
            let hints: String = d
                .hints
                .iter()
                .filter(|h| !h.v.contains("--"))
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            let place = d
                .span
                .id()
                .and_then(|id| Some((id, world.source(id).ok()?, world.range(d.span)?)))
                .map_or(Place::Unknown, |(id, source, range)| {
                    match world.origin(id) {
                        (path, true) => Place::Issue { path, range },
                        (path, false) => Place::Gazette {
                            path,
                            line: source.text()[..range.start].matches('\n').count() + 1,
                        },
                    }
                });
            TypesetError {
                message: format!("{}{hints}", d.message),
                place,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Frame, FrameItem};

    fn lay_out(issue: &std::path::Path) -> (Edition, PagedDocument) {
        let edition = crate::manifest::load(issue).unwrap_or_else(|d| panic!("{d:?}"));
        let fonts = FontSet::load(&[] as &[&str]).unwrap();
        assert_eq!(uncovered(&edition, &fonts), []);
        let (json, _) = edition_json(&edition, &fonts);
        let world = EditionWorld::new(&fonts, json, edition.issue.date);
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .unwrap_or_else(|d| panic!("{d:?}"));
        (edition, document)
    }

    fn text_of(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Text(text) => out.push_str(&text.text),
                FrameItem::Group(group) => text_of(&group.frame, out),
                _ => {}
            }
        }
    }

    fn document_text(document: &PagedDocument) -> String {
        let mut out = String::new();
        document
            .pages()
            .iter()
            .for_each(|page| text_of(&page.frame, &mut out));
        out
    }

    #[test]
    fn user_text_that_looks_like_code_is_printed_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "issue.toml",
            "[gazette]\nid = \"t\"\ntitle = \"公报\"\npublisher = \"办公厅\"\nlanguage = \"zh-Hans\"\n\
             [issue]\nyear = 2025\nnumber = 1\ndate = 2025-08-15\n\
             [[sections]]\ntitle = \"文件\"\ndocuments = [\"a.md\"]\n",
        );
        write(
            "a.md",
            "+++\ntitle = \"#read(\\\"/etc/passwd\\\")\"\nissuer = \"办公厅\"\ndate = 2025-08-01\ndisclosure = \"主动公开\"\n+++\n\
             正文 #read(\"/etc/passwd\") 与 #import \"@preview/x:1.0.0\" 以及 <script>]]>\n",
        );
        let (_, document) = lay_out(dir.path());
        let text = document_text(&document);
        assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
        assert!(text.contains("#import"), "{text}");
        assert!(text.contains("\"@preview/x:1.0.0\""), "{text}");
        assert!(text.contains("<script>]]>"), "{text}");
        assert!(
            !text.contains("root:"),
            "the template read a file of the machine"
        );
    }

    #[test]
    fn the_sample_issue_carries_the_circular_over_thirty_pages() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/shanghai-gazette-2025-08");
        let (edition, document) = lay_out(&sample);
        assert!(
            document.pages().len() >= 30,
            "{} pages",
            document.pages().len()
        );
        let documents: usize = edition.sections.iter().map(|s| s.documents.len()).sum();
        assert!(documents >= 8 && edition.sections.len() >= 3);
        let text = document_text(&document);
        for phrase in [
            "滬府辦字〔2025〕5號",
            "深入推進政府公報數字化轉型試點",
            "逐步推廣電子簽章",
        ] {
            assert!(text.contains(phrase), "{phrase} is not in the edition");
        }
    }

    #[test]
    fn the_page_map_follows_the_printed_pages() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/shanghai-gazette-2025-08");
        let (edition, document) = lay_out(&sample);
        let map = page_map(&document);
        let first = BlockRef {
            section: 0,
            document: 0,
            part: Part::Body,
            block: 0,
        };
        assert_eq!(
            map.starts[0],
            PageStart {
                page: 1,
                block: first,
                inside: false
            }
        );
        // Every printed page once, in order; the front matter has none.
        let pages: Vec<u32> = map.starts.iter().map(|s| s.page).collect();
        let expected: Vec<u32> = (1..=pages.len() as u32).collect();
        assert_eq!(pages, expected);
        assert!(
            document.pages().len() - pages.len() >= 2,
            "cover and contents are not numbered"
        );
        // Every document, attachment and interpretation starts a page.
        for (s, section) in edition.sections.iter().enumerate() {
            for (d, doc) in section.documents.iter().enumerate() {
                let mut parts = vec![Part::Body];
                parts.extend((0..doc.attachments.len()).map(Part::Attachment));
                parts.extend(doc.interpretation.iter().map(|_| Part::Interpretation));
                for part in parts {
                    let start = BlockRef {
                        section: s,
                        document: d,
                        part,
                        block: 0,
                    };
                    assert!(
                        map.starts.iter().any(|p| p.block == start && !p.inside),
                        "{start:?} starts no page"
                    );
                }
            }
        }
        // A page the text runs onto without a new block starts inside one.
        let blocks = map.starts.windows(2).all(|w| w[0].block <= w[1].block);
        assert!(blocks, "the map goes back in the text");
    }

    /// The physical pages (1-based) that internal links on `frame` lead to.
    fn link_targets(document: &PagedDocument, frame: &Frame, out: &mut Vec<usize>) {
        use typst::model::Destination;
        for (_, item) in frame.items() {
            match item {
                FrameItem::Link(Destination::Location(location), _) => {
                    out.extend(
                        document
                            .introspector()
                            .position(*location)
                            .map(|p| p.page.get()),
                    );
                }
                FrameItem::Link(Destination::Position(position), _) => {
                    out.push(position.page.get())
                }
                FrameItem::Group(group) => link_targets(document, &group.frame, out),
                _ => {}
            }
        }
    }

    #[test]
    fn a_document_and_its_interpretation_link_to_each_other() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/shanghai-gazette-2025-08");
        let (edition, document) = lay_out(&sample);
        let marks = block_marks(&document);
        let start = |s: usize, d: usize, part: Part| {
            let block = BlockRef {
                section: s,
                document: d,
                part,
                block: 0,
            };
            marks
                .iter()
                .find(|(_, b)| *b == block)
                .map(|(page, _)| *page)
                .unwrap()
        };
        let links_on = |pages: std::ops::Range<usize>| {
            let mut targets = Vec::new();
            for page in &document.pages()[pages.start - 1..pages.end - 1] {
                link_targets(&document, &page.frame, &mut targets);
            }
            targets
        };
        let numbered = marks[0].0;
        let text = document_text(&document);
        let mut linked = 0;
        for (s, section) in edition.sections.iter().enumerate() {
            for (d, doc) in section.documents.iter().enumerate() {
                if doc.interpretation.is_none() {
                    continue;
                }
                let (body, interpretation) =
                    (start(s, d, Part::Body), start(s, d, Part::Interpretation));
                assert!(
                    links_on(body..interpretation).contains(&interpretation),
                    "{}: no link to its interpretation on page {interpretation}",
                    doc.title
                );
                assert!(
                    links_on(interpretation..interpretation + 1).contains(&body),
                    "{}: its interpretation does not link back to page {body}",
                    doc.title
                );
                let printed = interpretation - numbered + 1;
                assert!(
                    text.contains(&format!("（政策解读见第{printed}页）")),
                    "{}",
                    doc.title
                );
                linked += 1;
            }
        }
        assert!(linked >= 2, "the sample has {linked} interpretations");
    }

    /// The sample laid out with one of gazette's templates replaced by `cover`.
    fn with_own_cover(cover: &str) -> Result<Layout, Vec<TypesetError>> {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/shanghai-gazette-2025-08");
        let edition = crate::manifest::load(&sample).unwrap();
        let fonts = FontSet::load(&[] as &[&str]).unwrap();
        let (json, _) = edition_json(&edition, &fonts);
        let templates = crate::model::Templates {
            folder: "layout".into(),
            files: vec![crate::model::TemplateFile {
                path: "cover.typ".into(),
                bytes: cover.as_bytes().to_vec(),
                text: Some(cover.to_owned()),
            }],
        };
        let world = EditionWorld::new(&fonts, json, edition.issue.date).with_templates(&templates);
        super::lay_out(&world)
    }

    #[test]
    fn the_issue_s_own_templates_read_no_file_of_the_machine() {
        for path in ["/etc/passwd", "/../../../../etc/passwd", "/issue.toml"] {
            let cover = format!(
                "#let red = red\n#let issue-line(e) = \"\"\n#let cover(e) = read(\"{path}\")\n#let contents(e) = []\n"
            );
            let errors = with_own_cover(&cover).err().expect("the read fails");
            assert!(
                errors.iter().any(|e| matches!(
                    &e.place,
                    Place::Issue { path, .. } if path == "cover.typ"
                ) && (e.message.contains("not found")
                    || e.message.contains("escape the project root"))),
                "{path}: {errors:?}"
            );
        }
    }
}
