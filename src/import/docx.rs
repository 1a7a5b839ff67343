//! Reading a .docx, a zip of XML from outside the office, as paragraphs and
//! tables with the formatting that tells a document's parts apart (size,
//! bold, alignment). Everything that is not plain text or a table (images,
//! footnotes, comments, tracked changes, fields) is noted, never dropped
//! silently. Every limit is checked before the bytes are inflated or parsed.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::relative_path;

/// No office document comes near these: past them a file is refused, not
/// read, so that a zip bomb or a hostile entry costs nothing.
const MAX_ENTRIES: usize = 10_000;
const MAX_PART: u64 = 64 << 20;
/// A paragraph this long is not a paragraph of a law but an attack, or a
/// broken file.
pub const MAX_PARAGRAPH: usize = 1 << 20;

const DOCUMENT: &str = "word/document.xml";
const STYLES: &str = "word/styles.xml";

/// One paragraph of the body, its text and what the importer needs of its
/// formatting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub centred: bool,
    pub right: bool,
    /// The paragraph starts a new page (a page break before it, or in an
    /// empty paragraph before it).
    pub page_break_before: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    /// In half-points, as Word stores it (44 is 22 pt, 2号).
    pub size: Option<u32>,
}

impl Paragraph {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The largest size of its non-blank runs.
    pub fn size(&self) -> Option<u32> {
        self.runs
            .iter()
            .filter(|r| !r.text.trim().is_empty())
            .filter_map(|r| r.size)
            .max()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

/// A table as Word holds it: rows of cells, each spanning `columns` grid
/// columns, and continuing the cell above when `continues` (a vertical
/// merge).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    /// Rows marked to repeat as a header on each page.
    pub header_rows: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub columns: usize,
    pub continues: bool,
}

/// What was in the file besides text and tables, and what was done with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The paragraph it was in, counted from 1 over the body's paragraphs
    /// and table cells as Word shows them.
    pub paragraph: usize,
    pub message: String,
}

pub struct Docx {
    pub blocks: Vec<Block>,
    pub notices: Vec<Notice>,
    /// Whether Word marks the East Asian text as Traditional Chinese
    /// (`w:lang w:eastAsia` zh-TW, zh-HK, zh-MO or zh-Hant…), in the
    /// styles or the body.
    pub traditional: bool,
}

/// Reads the body of the .docx `bytes`; the error says what is wrong with
/// the file, in words for an editor.
pub fn read(bytes: &[u8]) -> Result<Docx, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("it is not a Word .docx file (not a readable zip: {e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "it holds {} entries, more than any Word file ({MAX_ENTRIES})",
            archive.len()
        ));
    }
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| format!("entry {index} cannot be read: {e}"))?;
        let name = entry
            .name()
            .map_err(|e| format!("entry {index} has a name that cannot be read: {e}"))?
            .into_owned();
        if let Err(why) = relative_path::check(name.trim_end_matches('/')) {
            return Err(format!(
                "its entry \"{name}\" is not a safe path inside the file: it {why}"
            ));
        }
    }
    let document = part(&mut archive, DOCUMENT)?
        .ok_or_else(|| format!("it has no {DOCUMENT}: not a Word document"))?;
    let styles = match part(&mut archive, STYLES)? {
        Some(xml) => Styles::read(&xml)?,
        None => Styles::default(),
    };
    let mut docx = Body::read(&document, &styles)?;
    docx.traditional |= styles.traditional;
    Ok(docx)
}

/// The text of entry `name`, if the zip has it, within the limits.
fn part(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name} cannot be read: {e}")),
    };
    let declared = entry.size();
    let bomb = |size: u64| {
        format!(
            "{name} inflates to {size} bytes or more, past the {MAX_PART} any Word file needs: a zip bomb, or not a Word file"
        )
    };
    if declared > MAX_PART {
        return Err(bomb(declared));
    }
    let mut bytes = Vec::new();
    // The declared size may lie: never read past the limit whatever it says.
    entry
        .take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name} cannot be inflated: {e}"))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(bomb(bytes.len() as u64));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{name} is not UTF-8 XML"))
}

/// What a paragraph style gives its paragraphs: the importer needs only
/// these, resolved through `basedOn`.
#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    bold: Option<bool>,
    size: Option<u32>,
    alignment: Option<String>,
}

#[derive(Debug, Default)]
struct Styles {
    styles: Vec<(String, Style)>,
    default_size: Option<u32>,
    traditional: bool,
}

/// A `w:lang` element that marks East Asian text as Traditional Chinese.
fn is_traditional(e: &BytesStart) -> bool {
    attribute(e, "eastAsia").is_some_and(|tag| {
        let tag = tag.to_ascii_lowercase();
        ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
            .iter()
            .any(|t| tag.starts_with(t))
    })
}

impl Styles {
    fn read(xml: &str) -> Result<Self, String> {
        let mut reader = xml_reader(xml);
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        let mut in_defaults = false;
        loop {
            match next(&mut reader, STYLES)? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "style" => {
                        current = attribute(&e, "styleId").map(|id| (id, Style::default()));
                    }
                    "rPrDefault" => in_defaults = true,
                    "basedOn" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.based_on = attribute(&e, "val");
                        }
                    }
                    "b" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.bold = Some(on(&e));
                        }
                    }
                    "sz" => {
                        let size = attribute(&e, "val").and_then(|v| v.parse().ok());
                        match current.as_mut() {
                            Some((_, style)) => style.size = size,
                            None if in_defaults => styles.default_size = size,
                            None => {}
                        }
                    }
                    "jc" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.alignment = attribute(&e, "val");
                        }
                    }
                    "lang" => styles.traditional |= is_traditional(&e),
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "style" => styles.styles.extend(current.take()),
                    "rPrDefault" => in_defaults = false,
                    _ => {}
                },
                Event::Eof => return Ok(styles),
                _ => {}
            }
        }
    }

    /// `id`'s style with what it inherits; a loop of `basedOn` ends where it
    /// comes back.
    fn resolved(&self, id: Option<&str>) -> Style {
        let mut resolved = Style {
            size: self.default_size,
            ..Style::default()
        };
        let mut chain = Vec::new();
        let mut next = id.map(str::to_owned);
        while let Some(id) = next.take() {
            if chain.contains(&id) {
                break;
            }
            if let Some((_, style)) = self.styles.iter().find(|(s, _)| *s == id) {
                next.clone_from(&style.based_on);
                chain.push(id);
            }
        }
        for id in chain.iter().rev() {
            if let Some((_, style)) = self.styles.iter().find(|(s, _)| s == id) {
                resolved.bold = style.bold.or(resolved.bold);
                resolved.size = style.size.or(resolved.size);
                resolved.alignment = style.alignment.clone().or(resolved.alignment);
            }
        }
        resolved
    }
}

/// The state of reading word/document.xml: where in the body the reader is.
struct Body<'a> {
    styles: &'a Styles,
    blocks: Vec<Block>,
    notices: Vec<Notice>,
    paragraphs: usize,
    paragraph: Option<Paragraph>,
    /// The text of the paragraph so far, in bytes: counted as it comes, so
    /// that a paragraph of many runs costs no more than its length.
    paragraph_bytes: usize,
    paragraph_style: Style,
    run: Option<Run>,
    run_bold: Option<bool>,
    run_size: Option<u32>,
    in_text: bool,
    in_instruction_text: bool,
    /// Inside `<w:del>`: deleted text of a tracked change.
    deleted: usize,
    /// Inside a field's instruction, between `begin` and `separate`.
    in_instruction: bool,
    instruction: String,
    tables: Vec<TableBuilder>,
    page_break: bool,
    traditional: bool,
}

#[derive(Default)]
struct TableBuilder {
    table: Table,
    row: Vec<Cell>,
    row_is_header: bool,
    cell: Option<Cell>,
}

impl<'a> Body<'a> {
    fn read(xml: &str, styles: &'a Styles) -> Result<Docx, String> {
        let mut body = Body {
            styles,
            blocks: Vec::new(),
            notices: Vec::new(),
            paragraphs: 0,
            paragraph: None,
            paragraph_bytes: 0,
            paragraph_style: Style::default(),
            run: None,
            run_bold: None,
            run_size: None,
            in_text: false,
            in_instruction_text: false,
            deleted: 0,
            in_instruction: false,
            instruction: String::new(),
            tables: Vec::new(),
            page_break: false,
            traditional: false,
        };
        let mut reader = xml_reader(xml);
        let mut tracked = (0usize, 0usize);
        loop {
            match next(&mut reader, DOCUMENT)? {
                Event::Start(e) => body.start(&e, false, &mut tracked)?,
                Event::Empty(e) => body.start(&e, true, &mut tracked)?,
                Event::End(e) => body.end(e.local_name().as_ref()),
                Event::Text(t) if body.in_text || body.in_instruction_text => {
                    body.text(&t.xml_content(XmlVersion::Implicit1_0))?;
                }
                Event::GeneralRef(r) if body.in_text => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name = r.into_inner();
                            resolve_predefined_entity(&name)
                                .ok_or_else(|| {
                                    format!("{DOCUMENT} refers to the undeclared entity &{name};")
                                })?
                                .to_owned()
                        }
                    };
                    body.text(&text)?;
                }
                Event::DocType(_) => {
                    return Err(format!(
                        "{DOCUMENT} declares a DTD: Word never writes one, and its entities could expand without end or read other files"
                    ));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let (inserted, removed) = tracked;
        if inserted + removed > 0 {
            body.notices.insert(
                0,
                Notice {
                    paragraph: 0,
                    message: format!(
                        "the file has tracked changes ({inserted} insertions, {removed} deletions): they were accepted, as Word shows the final text; have the issuing body confirm that this is the signed text"
                    ),
                },
            );
        }
        Ok(Docx {
            blocks: body.blocks,
            notices: body.notices,
            traditional: body.traditional,
        })
    }

    fn note(&mut self, message: String) {
        self.notices.push(Notice {
            paragraph: self.paragraphs,
            message,
        });
    }

    fn start(
        &mut self,
        e: &BytesStart,
        empty: bool,
        tracked: &mut (usize, usize),
    ) -> Result<(), String> {
        match e.local_name().as_ref() {
            "p" => {
                self.paragraphs += 1;
                self.paragraph_bytes = 0;
                self.paragraph = Some(Paragraph {
                    page_break_before: std::mem::take(&mut self.page_break),
                    ..Paragraph::default()
                });
                self.paragraph_style = self.styles.resolved(None);
                if empty {
                    self.end("p");
                }
            }
            "pStyle" => self.paragraph_style = self.styles.resolved(attribute(e, "val").as_deref()),
            "jc" if self.run.is_none() => {
                if let Some(paragraph) = self.paragraph.as_mut() {
                    let value = attribute(e, "val").unwrap_or_default();
                    paragraph.centred = value == "center";
                    paragraph.right = value == "right" || value == "end";
                }
            }
            "pageBreakBefore" if on(e) => {
                if let Some(paragraph) = self.paragraph.as_mut() {
                    paragraph.page_break_before = true;
                }
            }
            "r" => {
                self.run = Some(Run::default());
                self.run_bold = None;
                self.run_size = None;
            }
            "b" if self.run.is_some() => self.run_bold = Some(on(e)),
            "lang" => self.traditional |= is_traditional(e),
            "sz" if self.run.is_some() => {
                self.run_size = attribute(e, "val").and_then(|v| v.parse().ok());
            }
            "t" | "delText" if !empty => self.in_text = !self.in_instruction,
            "instrText" if !empty => self.in_instruction_text = true,
            "tab" if self.run.is_some() => self.text("\t")?,
            "br" if self.run.is_some() => {
                if attribute(e, "type").as_deref() == Some("page") {
                    self.page_break = true;
                } else {
                    self.text("\n")?;
                }
            }
            "fldChar" => match attribute(e, "fldCharType").as_deref() {
                Some("begin") => {
                    self.in_instruction = true;
                    self.instruction.clear();
                }
                Some("separate") => {
                    self.in_instruction = false;
                    self.note_field();
                }
                Some("end") => self.in_instruction = false,
                _ => {}
            },
            "fldSimple" => {
                self.instruction = attribute(e, "instr").unwrap_or_default();
                self.note_field();
            }
            "ins" => tracked.0 += 1,
            "del" => {
                tracked.1 += 1;
                if !empty {
                    self.deleted += 1;
                }
            }
            "drawing" | "pict" | "object" => self.note(
                "an image or drawing was left out: gazette documents carry text and tables only; if it holds text (a seal, a chart), type that text in"
                    .into(),
            ),
            "footnoteReference" | "endnoteReference" => self.note(format!(
                "a {} (id {}) was left out of the text: gazette documents have no notes; put its text into the paragraph if it belongs to the document",
                if e.local_name().as_ref() == "footnoteReference" { "footnote" } else { "endnote" },
                attribute(e, "id").unwrap_or_default()
            )),
            "commentReference" => self.note(format!(
                "comment {} was left out: comments are remarks on the text, not part of it",
                attribute(e, "id").unwrap_or_default()
            )),
            "tbl" => {
                self.finish_paragraph();
                self.tables.push(TableBuilder::default());
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.row.clear();
                    table.row_is_header = false;
                }
            }
            "tblHeader" if on(e) => {
                if let Some(table) = self.tables.last_mut() {
                    table.row_is_header = true;
                }
            }
            "tc" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(Cell {
                        text: String::new(),
                        columns: 1,
                        continues: false,
                    });
                }
            }
            "gridSpan" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.columns = attribute(e, "val")
                        .and_then(|v| v.parse().ok())
                        .filter(|n| *n >= 1)
                        .unwrap_or(1);
                }
            }
            "vMerge" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.continues = attribute(e, "val").as_deref() != Some("restart");
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn note_field(&mut self) {
        let instruction = self.instruction.trim().to_owned();
        let kind = instruction
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned();
        self.note(format!(
            "a {kind} field: the text Word last showed for it was kept, the field itself ({instruction}) was not"
        ));
    }

    fn text(&mut self, text: &str) -> Result<(), String> {
        if self.in_instruction {
            self.instruction.push_str(text);
            return Ok(());
        }
        if self.deleted > 0 {
            return Ok(());
        }
        if let Some(run) = self.run.as_mut() {
            run.text.push_str(text);
            self.paragraph_bytes += text.len();
            if self.paragraph_bytes > MAX_PARAGRAPH {
                return Err(format!(
                    "paragraph {} is longer than {MAX_PARAGRAPH} bytes: no document has such a paragraph; the file is broken or hostile",
                    self.paragraphs
                ));
            }
        }
        Ok(())
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" | "delText" => self.in_text = false,
            "instrText" => self.in_instruction_text = false,
            "r" => {
                if let (Some(mut run), Some(paragraph)) = (self.run.take(), self.paragraph.as_mut())
                {
                    run.bold = self.run_bold.or(self.paragraph_style.bold).unwrap_or(false);
                    run.size = self.run_size.or(self.paragraph_style.size);
                    if !run.text.is_empty() {
                        paragraph.runs.push(run);
                    }
                }
            }
            "del" => self.deleted = self.deleted.saturating_sub(1),
            "p" => self.finish_paragraph(),
            "tc" => {
                if let Some(table) = self.tables.last_mut()
                    && let Some(cell) = table.cell.take()
                {
                    table.row.push(cell);
                }
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    let row = std::mem::take(&mut table.row);
                    if table.row_is_header && table.table.header_rows == table.table.rows.len() {
                        table.table.header_rows += 1;
                    }
                    table.table.rows.push(row);
                }
            }
            "tbl" => {
                if let Some(built) = self.tables.pop() {
                    match self.tables.last_mut() {
                        // A table in a cell: its text joins the cell's.
                        Some(outer) => {
                            self.notices.push(Notice {
                                paragraph: self.paragraphs,
                                message:
                                    "a table inside a table cell was flattened into the cell's text"
                                        .into(),
                            });
                            if let Some(cell) = outer.cell.as_mut() {
                                for row in &built.table.rows {
                                    let line: Vec<&str> =
                                        row.iter().map(|c| c.text.as_str()).collect();
                                    push_line(&mut cell.text, &line.join(" "));
                                }
                            }
                        }
                        None => self.blocks.push(Block::Table(built.table)),
                    }
                }
            }
            _ => {}
        }
    }

    fn finish_paragraph(&mut self) {
        let Some(mut paragraph) = self.paragraph.take() else {
            return;
        };
        if let Some(alignment) = &self.paragraph_style.alignment
            && !paragraph.centred
            && !paragraph.right
        {
            paragraph.centred = alignment == "center";
            paragraph.right = alignment == "right" || alignment == "end";
        }
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            push_line(&mut cell.text, &paragraph.text());
            return;
        }
        if paragraph.text().trim().is_empty() {
            // An empty paragraph carries its page break to the next one.
            self.page_break |= paragraph.page_break_before;
            return;
        }
        self.blocks.push(Block::Paragraph(paragraph));
    }
}

fn push_line(text: &mut String, line: &str) {
    if line.trim().is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line.trim());
}

fn xml_reader(xml: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    reader
}

fn next<'x>(reader: &mut Reader<&'x [u8]>, part: &str) -> Result<Event<'x>, String> {
    reader.read_event().map_err(|e| {
        format!(
            "{part} is not well-formed XML (at byte {}): {e}",
            reader.error_position()
        )
    })
}

/// An attribute's value by its local name (`w:val` is `val`).
fn attribute(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A toggle property: on unless `w:val` says false, 0 or off.
fn on(e: &BytesStart) -> bool {
    !matches!(
        attribute(e, "val").as_deref(),
        Some("false" | "0" | "off" | "none")
    )
}
