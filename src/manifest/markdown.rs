//! Document bodies: the subset of Markdown a gazette document may use, read
//! into [`Block`]s. Anything outside the subset is an error with its position,
//! so nothing the editor wrote silently disappears or changes meaning.

use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, OffsetIter, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Align, Block, Face, Inline, Lead, Span, Table, plain_text};

/// Reads `text`, which starts at byte `offset` of `file`.
pub fn parse(file: &SourceFile, text: &str, offset: usize, diags: &mut Diagnostics) -> Vec<Block> {
    // Strikethrough, footnotes and task lists are enabled only so that they are
    // recognised and refused, instead of printing their markup literally.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut reader = Reader {
        events: Parser::new_ext(text, options).into_offset_iter().peekable(),
        text,
        file,
        offset,
        diags,
    };
    reader.blocks(None)
}

struct Reader<'a, 'd> {
    events: Peekable<OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>>,
    /// What `events` are read from: a cell's marks are read from its source.
    text: &'a str,
    file: &'d SourceFile,
    offset: usize,
    diags: &'d mut Diagnostics,
}

impl Reader<'_, '_> {
    fn error(&mut self, span: Range<usize>, message: &str, help: &str) {
        let span = span.start + self.offset..span.end + self.offset;
        self.diags.push(self.file.error(span, message).help(help));
    }

    /// Block-level content up to the end tag `until` (or the end of input).
    fn blocks(&mut self, until: Option<TagEnd>) -> Vec<Block> {
        let mut blocks = Vec::new();
        while let Some((event, span)) = self.events.peek().cloned() {
            if let Event::End(end) = event
                && Some(end) == until
            {
                self.events.next();
                break;
            }
            blocks.extend(self.block(event, span));
        }
        blocks
    }

    /// The block that `event` (peeked, not yet read) starts. `None` for what
    /// holds nothing to print, and for what is refused: reported at `span`,
    /// its content skipped.
    fn block(&mut self, event: Event, span: Range<usize>) -> Option<Block> {
        match event {
            Event::Start(Tag::Paragraph) => {
                self.events.next();
                Some(paragraph(self.inlines(Some(TagEnd::Paragraph))))
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.events.next();
                self.read_heading(level, span)
            }
            Event::Start(Tag::List(start)) => {
                self.events.next();
                Some(self.list(start))
            }
            Event::Start(Tag::Table(align)) => {
                self.events.next();
                Some(self.table(align, 1, None))
            }
            Event::Start(tag) if let Some((message, help)) = unsupported_block(&tag) => {
                self.refuse(span, message, help);
                None
            }
            Event::Start(Tag::HtmlBlock) => {
                // Text is data: what looks like HTML is printed as written,
                // but for the one note gazette reads.
                self.events.next();
                let inlines = self.inlines(Some(TagEnd::HtmlBlock));
                match note(&plain_text(&inlines)) {
                    None => Some(paragraph(inlines)),
                    Some(header_rows) => self.noted_table(header_rows, span),
                }
            }
            Event::Rule => {
                self.events.next();
                self.error(
                    span,
                    "horizontal rules are not supported",
                    "remove the line; attachments and interpretations start on a new page by themselves",
                );
                None
            }
            Event::End(_) => {
                // An end tag we did not open: nothing to read here.
                self.events.next();
                None
            }
            _ => {
                // Inline content outside a paragraph: a tight list item.
                let inlines = self.inlines(None);
                (!inlines.is_empty()).then(|| paragraph(inlines))
            }
        }
    }

    /// A heading whose start tag was just read: its text, numbered at its
    /// `level`, or `None` (reported at `span`) below the fourth level.
    fn read_heading(&mut self, level: HeadingLevel, span: Range<usize>) -> Option<Block> {
        let text = plain_text(&self.inlines(Some(TagEnd::Heading(level))));
        let block = heading(level, text);
        if block.is_none() {
            self.error(
                span,
                &format!(
                    "heading {} is deeper than the four levels of official numbering",
                    level as usize
                ),
                "use `# 一、`, `## （一）`, `### 1.` and `#### （1）`",
            );
        }
        block
    }

    fn list(&mut self, start: Option<u64>) -> Block {
        let mut items = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => items.push(self.blocks(Some(TagEnd::Item))),
                Event::End(TagEnd::List(_)) => break,
                _ => {}
            }
        }
        Block::List {
            ordered: start.is_some(),
            start: start.unwrap_or(1),
            items,
        }
    }

    /// The table after a `<!-- gazette: header-rows=N -->` note (at `span`);
    /// `header_rows` is `None` when the note says anything else.
    fn noted_table(&mut self, header_rows: Option<usize>, span: Range<usize>) -> Option<Block> {
        let Some(header_rows) = header_rows else {
            self.error(
                span,
                "this gazette note is not understood",
                "the one note is `<!-- gazette: header-rows=N -->`, N the number of header rows (1 or more), on the line before a table",
            );
            return None;
        };
        match self.events.peek().cloned() {
            Some((Event::Start(Tag::Table(align)), _)) => {
                self.events.next();
                Some(self.table(align, header_rows, Some(span)))
            }
            _ => {
                self.error(
                    span,
                    "a `header-rows` note must stand right before a table",
                    "put the note on the line above the table's first row, or remove it",
                );
                None
            }
        }
    }

    /// A table whose start tag was just read, `header_rows` rows of it the
    /// header (a note before it says how many; `note` is where). Cells
    /// holding only `<` or `^` merge into the cell on their left or above:
    /// see [`Reader::merge`]. A mistake in either is reported and the table
    /// read without merges or extra header rows, so that nothing else is
    /// reported of it (an attachment of only a table, say, is not empty).
    fn table(
        &mut self,
        align: Vec<Alignment>,
        mut header_rows: usize,
        note: Option<Range<usize>>,
    ) -> Block {
        let mut grid: Vec<Vec<Cell>> = vec![Vec::new()];
        let mut table_span = 0..0;
        while let Some((event, span)) = self.events.next() {
            match event {
                Event::Start(Tag::TableRow) => grid.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    let inlines = self.inlines(Some(TagEnd::TableCell));
                    let mark = match self.source(&span).trim().trim_matches('|').trim() {
                        "<" => Some(Mark::Left),
                        "^" => Some(Mark::Up),
                        _ => None,
                    };
                    if let Some(row) = grid.last_mut() {
                        row.push(Cell {
                            inlines,
                            mark,
                            span,
                        });
                    }
                }
                Event::End(TagEnd::Table) => {
                    table_span = span;
                    break;
                }
                _ => {}
            }
        }
        if header_rows > grid.len() {
            self.error(
                note.unwrap_or(table_span),
                &format!(
                    "the note asks for {header_rows} header rows, but the table has only {} rows",
                    grid.len()
                ),
                "count the rows from the top of the table, the GitHub header row included",
            );
            header_rows = 1;
        }
        let spans = self.merge(&grid, header_rows);
        let merged = spans.is_some();
        let mut rows = grid.into_iter().map(|row| {
            row.into_iter()
                .map(|cell| {
                    if merged && cell.mark.is_some() {
                        Vec::new()
                    } else {
                        cell.inlines
                    }
                })
                .collect()
        });
        let header = rows.next().unwrap_or_default();
        let align = align
            .into_iter()
            .map(|a| match a {
                Alignment::None => Align::Auto,
                Alignment::Left => Align::Left,
                Alignment::Center => Align::Center,
                Alignment::Right => Align::Right,
            })
            .collect();
        Block::Table(Table {
            align,
            header,
            rows: rows.collect(),
            header_rows,
            spans: spans.unwrap_or_default(),
        })
    }

    /// The merged regions the marks of `grid` make (row 0 its header row):
    /// `<` joins a cell to the region of the cell on its left, `^` to that
    /// of the cell above. `None` when a mark has nothing to join, would join
    /// the body to the header, or the region is no rectangle: each reported
    /// at the mark's cell.
    fn merge(&mut self, grid: &[Vec<Cell>], header_rows: usize) -> Option<Vec<Span>> {
        let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
        // Each cell's region, named by its top-left cell; absent cells of a
        // short row are their own.
        let mut owner: Vec<Vec<(usize, usize)>> = Vec::with_capacity(grid.len());
        let mut failed = false;
        for (r, row) in grid.iter().enumerate() {
            let mut owners = Vec::with_capacity(columns);
            for c in 0..columns {
                let cell = row.get(c);
                let own = match cell.and_then(|cell| cell.mark.map(|m| (m, &cell.span))) {
                    None => (r, c),
                    Some((Mark::Left, _)) if c > 0 => owners[c - 1],
                    Some((Mark::Up, _)) if r > 0 && r != header_rows => owner[r - 1][c],
                    Some((mark, span)) => {
                        let (message, help) = mark.misplaced(r);
                        self.error(span.clone(), message, help);
                        failed = true;
                        (r, c)
                    }
                };
                owners.push(own);
            }
            owner.push(owners);
        }
        // A row of marks only would have no cell of its own, which HTML
        // and Akoma Ntoso rows need (and which says nothing).
        for row in grid {
            if !row.is_empty() && row.len() == columns && row.iter().all(|cell| cell.mark.is_some())
            {
                self.error(
                    row[0].span.clone(),
                    "every cell of this table row is merged into the row above",
                    "remove the row: the merged cells above are as tall without it",
                );
                failed = true;
            }
        }
        if failed {
            return None;
        }
        let mut spans = Vec::new();
        for r in 0..grid.len() {
            for c in 0..columns {
                if owner[r][c] != (r, c) {
                    continue;
                }
                let cells: Vec<(usize, usize)> = (r..grid.len())
                    .flat_map(|rr| (c..columns).map(move |cc| (rr, cc)))
                    .filter(|&(rr, cc)| owner[rr][cc] == (r, c))
                    .collect();
                let rows = cells.iter().map(|&(rr, _)| rr).max().unwrap_or(r) + 1 - r;
                let width = cells.iter().map(|&(_, cc)| cc).max().unwrap_or(c) + 1 - c;
                if cells.len() != rows * width {
                    let (rr, cc) = cells[cells.len() - 1];
                    let span = grid[rr].get(cc).map_or(0..0, |cell| cell.span.clone());
                    self.error(
                        span,
                        &format!(
                            "the cells merged into row {} column {} do not make a rectangle",
                            r + 1,
                            c + 1
                        ),
                        "a merged cell is a rectangle: give each of its rows the same `<` cells, and mark each cell under its first row with `^`",
                    );
                    return None;
                }
                if cells.len() > 1 {
                    spans.push(Span {
                        row: r,
                        column: c,
                        rows,
                        columns: width,
                    });
                }
            }
        }
        Some(spans)
    }

    /// The source text at `span` of the text being read.
    fn source(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or_default()
    }

    /// Inline content up to `until`, or, for `None`, up to the next block-level event.
    fn inlines(&mut self, until: Option<TagEnd>) -> Vec<Inline> {
        let mut out = Inlines::default();
        while let Some((event, span)) = self.events.peek().cloned() {
            if until.is_none() && is_block_event(&event) {
                break;
            }
            self.events.next();
            match event {
                Event::End(end) if Some(end) == until => break,
                Event::Text(text) => out.text(&text),
                Event::SoftBreak => out.soft_break(),
                Event::HardBreak => out.inlines.push(Inline::Break),
                Event::Start(Tag::Strong) => out.strong += 1,
                Event::End(TagEnd::Strong) => out.strong = out.strong.saturating_sub(1),
                Event::Start(Tag::Emphasis) => out.emph += 1,
                Event::End(TagEnd::Emphasis) => out.emph = out.emph.saturating_sub(1),
                Event::Code(_) => self.error(
                    span,
                    "inline code is not supported",
                    "remove the backticks; to print a backtick, write \\`",
                ),
                Event::Html(html) | Event::InlineHtml(html) => {
                    out.text(html.trim_end_matches('\n'))
                }
                Event::FootnoteReference(_) => self.error(
                    span,
                    "footnotes are not supported",
                    "put the note in the text, in parentheses",
                ),
                Event::TaskListMarker(_) => {
                    self.error(span, "task lists are not supported", "remove the `[ ]` box")
                }
                Event::Start(Tag::Link { .. }) => self.error(
                    span,
                    "links are not supported",
                    "write the address as plain text",
                ),
                Event::Start(Tag::Image { .. }) => self.error(
                    span,
                    "images are not supported",
                    "gazette documents carry text and tables only; remove the image",
                ),
                Event::Start(Tag::Strikethrough) => self.error(
                    span,
                    "strikethrough is not supported",
                    "remove the `~~` marks",
                ),
                _ => {}
            }
        }
        out.inlines
    }

    /// Reports an unsupported block and skips its content.
    fn refuse(&mut self, span: Range<usize>, message: &str, help: &str) {
        self.error(span, message, help);
        let mut depth = 0usize;
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
}

/// A cell of a table being read: its text, and whether it is a merge mark.
struct Cell {
    inlines: Vec<Inline>,
    mark: Option<Mark>,
    span: Range<usize>,
}

/// A cell holding only `<` or `^` (as written: `\<` is a literal `<`).
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// `<`: one region with the cell on the left.
    Left,
    /// `^`: one region with the cell above.
    Up,
}

impl Mark {
    /// What to say of this mark in grid row `row` (0 the first header row)
    /// where it has nothing to join: the first column, the first row, or
    /// the first body row, under the header.
    fn misplaced(self, row: usize) -> (&'static str, &'static str) {
        match self {
            Mark::Left => (
                "`<` in a table's first column has no cell on its left to merge into",
                "write the cell's text there, or leave the cell empty; to print a lone `<`, write `\\<`",
            ),
            Mark::Up if row == 0 => (
                "`^` in a table's first row has no cell above it to merge into",
                "write the cell's text there, or leave the cell empty; to print a lone `^`, write `\\^`",
            ),
            Mark::Up => (
                "`^` in the first row under the header would merge a body cell into the header",
                "write the cell's text again, or count this row into the header with `<!-- gazette: header-rows=N -->` on the line before the table",
            ),
        }
    }
}

/// The number of header rows a `<!-- gazette: … -->` note gives: `None`
/// for any other text, `Some(None)` for a gazette note that says something
/// else (or a count of 0).
fn note(text: &str) -> Option<Option<usize>> {
    let inner = text
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .strip_prefix("gazette:")?;
    Some(
        inner
            .trim()
            .strip_prefix("header-rows=")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0),
    )
}

/// What to say of a block construct outside the subset, with how to write
/// it instead; `None` for every other tag.
fn unsupported_block(tag: &Tag) -> Option<(&'static str, &'static str)> {
    match tag {
        Tag::BlockQuote(_) => Some(("block quotes are not supported", "remove the leading `>`")),
        Tag::CodeBlock(_) => Some((
            "code blocks are not supported",
            "write the text as ordinary paragraphs, without fences or a four-space indent",
        )),
        Tag::FootnoteDefinition(_) => Some((
            "footnotes are not supported",
            "put the note in the text, in parentheses",
        )),
        _ => None,
    }
}

fn is_block_event(event: &Event) -> bool {
    match event {
        Event::Start(tag) => matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::List(_)
                | Tag::Item
                | Tag::Table(_)
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::FootnoteDefinition(_)
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::Table
        ),
        Event::Rule => true,
        _ => false,
    }
}

/// Inline runs being gathered, merging neighbours of the same style.
#[derive(Default)]
struct Inlines {
    inlines: Vec<Inline>,
    strong: usize,
    emph: usize,
    soft_break: bool,
}

impl Inlines {
    fn text(&mut self, text: &str) {
        let mut text = text.to_string();
        if std::mem::take(&mut self.soft_break)
            && needs_space(self.last_char(), text.chars().next())
        {
            text.insert(0, ' ');
        }
        let make = |text| match (self.strong, self.emph) {
            (0, 0) => Inline::Text { text },
            (0, _) => Inline::Emph { text },
            _ => Inline::Strong { text },
        };
        let new = make(text);
        match (self.inlines.last_mut(), new) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b })
            | (Some(Inline::Strong { text: a }), Inline::Strong { text: b })
            | (Some(Inline::Emph { text: a }), Inline::Emph { text: b }) => a.push_str(&b),
            (_, new) => self.inlines.push(new),
        }
    }

    fn soft_break(&mut self) {
        self.soft_break = true;
    }

    fn last_char(&self) -> Option<char> {
        match self.inlines.last()? {
            Inline::Text { text } | Inline::Strong { text } | Inline::Emph { text } => {
                text.chars().last()
            }
            Inline::Break => None,
        }
    }
}

/// A line break inside a paragraph joins Chinese text directly but keeps a
/// space between Latin words.
fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(a), Some(b)) => !is_cjk(a) && !is_cjk(b),
        _ => false,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn paragraph(mut inlines: Vec<Inline>) -> Block {
    let lead = match inlines.first_mut() {
        Some(Inline::Strong { text }) => Some(std::mem::take(text)),
        Some(Inline::Text { text }) => unflanked_lead(text),
        _ => None,
    };
    if inlines.first().is_some_and(
        |i| matches!(i, Inline::Strong { text } | Inline::Text { text } if text.is_empty()),
    ) {
        inlines.remove(0);
    }
    let lead = lead.map(|text| Lead {
        face: face_of_numbering(&text),
        text,
    });
    Block::Paragraph { lead, inlines }
}

/// CommonMark does not close `**（一）加强组织领导。**各区要` because the
/// closing `**` follows punctuation and precedes a letter, a rule made for
/// spaced scripts. A paragraph that starts with such a lead gets it anyway:
/// the literal `**` would never be what the editor meant. Takes the lead off
/// the front of `text`.
fn unflanked_lead(text: &mut String) -> Option<String> {
    let rest = text.strip_prefix("**")?;
    let end = rest.find("**").filter(|&end| end > 0)?;
    let lead = rest[..end].to_string();
    *text = rest[end + 2..].to_string();
    Some(lead)
}

fn heading(level: HeadingLevel, text: String) -> Option<Block> {
    let level = match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        _ => return None,
    };
    let face = match level {
        1 => Face::Hei,
        2 => Face::Kai,
        _ => Face::Fangsong,
    };
    Some(Block::Heading {
        level,
        face,
        chapter: is_chapter(&text),
        text,
    })
}

const CHINESE_NUMERALS: &str = "〇零一二三四五六七八九十百千两";

/// `第一章`, `第十二节`: chapter and section headings of rules and measures.
fn is_chapter(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('第') else {
        return false;
    };
    let numerals = rest
        .chars()
        .take_while(|c| CHINESE_NUMERALS.contains(*c))
        .count();
    numerals > 0 && matches!(rest.chars().nth(numerals), Some('章' | '节' | '節'))
}

/// The face official numbering prescribes for a run-in lead: （一） in Kai,
/// 1. and （1） in FangSong, 一、, 第一条 and anything else bold in Hei.
fn face_of_numbering(text: &str) -> Face {
    let mut chars = text.chars();
    match chars.next() {
        Some('（' | '(') => match chars.next() {
            Some(c) if CHINESE_NUMERALS.contains(c) => Face::Kai,
            Some(c) if c.is_ascii_digit() => Face::Fangsong,
            _ => Face::Hei,
        },
        Some(c) if c.is_ascii_digit() => Face::Fangsong,
        _ => Face::Hei,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Block>, Diagnostics) {
        let file = SourceFile::new("a.md", text.to_string());
        let mut diags = Vec::new();
        (parse(&file, text, 0, &mut diags), diags)
    }

    #[test]
    fn joins_chinese_lines_without_a_space_and_latin_with_one() {
        let (blocks, _) = read("各区人民政府\n市政府各委 and\nLatin text\n");
        let Block::Paragraph { inlines, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            inlines,
            &[Inline::Text {
                text: "各区人民政府市政府各委 and Latin text".into()
            }]
        );
    }

    #[test]
    fn run_in_leads_take_the_face_of_their_numbering() {
        let (blocks, _) =
            read("**（一）加强领导。**各区要……\n\n**第一条**　为了规范\n\n**（1）**细化\n");
        let faces: Vec<Face> = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph {
                    lead: Some(lead), ..
                } => lead.face,
                _ => panic!("{b:?}"),
            })
            .collect();
        assert_eq!(faces, [Face::Kai, Face::Hei, Face::Fangsong]);
    }

    #[test]
    fn chapters_are_recognised() {
        assert!(is_chapter("第十二章 附则"));
        assert!(!is_chapter("第一条"));
        assert!(!is_chapter("第二十条章"));
    }

    #[test]
    fn typst_and_markup_look_alikes_stay_text() {
        let (blocks, diags) = read("#read(\"/etc/passwd\") #import \"@preview/x:1.0.0\" ]]>\n");
        assert!(diags.is_empty());
        let Block::Paragraph { inlines, .. } = &blocks[0] else {
            panic!()
        };
        assert_eq!(
            plain_text(inlines),
            "#read(\"/etc/passwd\") #import \"@preview/x:1.0.0\" ]]>"
        );
    }

    #[test]
    fn refuses_each_unsupported_construct_with_its_position() {
        let (_, diags) = read(
            "正文\n\n![图](a.png)\n\n> 引文\n\n```\ncode\n```\n\n[链接](http://x)\n\n---\n\n##### 五级\n",
        );
        let messages: Vec<_> = diags
            .iter()
            .map(|d| (d.message.as_str(), d.line_column().unwrap().0))
            .collect();
        assert_eq!(
            messages,
            [
                ("images are not supported", 3),
                ("block quotes are not supported", 5),
                ("code blocks are not supported", 7),
                ("links are not supported", 11),
                ("horizontal rules are not supported", 13),
                (
                    "heading 5 is deeper than the four levels of official numbering",
                    15
                ),
            ]
        );
    }

    #[test]
    fn tight_lists_and_tables_are_read() {
        let (blocks, diags) = read("1. 甲\n2. 乙\n\n| 序号 | 任务 |\n|---|:-:|\n| 1 | 防汛 |\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(matches!(&blocks[0], Block::List { ordered: true, items, .. } if items.len() == 2));
        assert!(
            matches!(&blocks[1], Block::Table(Table { header, rows, .. }) if header.len() == 2 && rows.len() == 1)
        );
    }

    fn table(text: &str) -> Table {
        let (blocks, diags) = read(text);
        assert!(diags.is_empty(), "{diags:?}");
        match blocks.as_slice() {
            [Block::Table(table)] => table.clone(),
            _ => panic!("{blocks:?}"),
        }
    }

    /// Each diagnostic's message and line.
    fn refused(text: &str) -> Vec<(String, usize)> {
        let (blocks, diags) = read(text);
        // The table is still read, with nothing merged: the one mistake
        // is the one reported.
        for block in &blocks {
            if let Block::Table(table) = block {
                assert!(
                    table.spans.is_empty() && table.header_rows == 1,
                    "{table:?}"
                );
            }
        }
        diags
            .iter()
            .map(|d| (d.message.clone(), d.line_column().unwrap().0))
            .collect()
    }

    #[test]
    fn less_than_and_caret_cells_merge_left_and_up() {
        let table = table(
            "| 序号 | 任务 | 责任单位 | < |\n\
             |---|---|---|---|\n\
             | 1 | 防汛 | 市水务局 | 各区 |\n\
             | ^ | 防台 | < | < |\n\
             | 2 | 巡查 | 市应急局 | \\< |\n",
        );
        assert_eq!(
            table.spans,
            [
                Span {
                    row: 0,
                    column: 2,
                    rows: 1,
                    columns: 2
                },
                Span {
                    row: 1,
                    column: 0,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 2,
                    column: 1,
                    rows: 1,
                    columns: 3
                },
            ]
        );
        assert_eq!(table.header_rows, 1);
        // The marks leave no text; an escaped one is text.
        assert!(table.header[3].is_empty() && table.rows[1][0].is_empty());
        assert_eq!(plain_text(&table.rows[2][3]), "<");
        assert_eq!(table.check(), Ok(()));
    }

    #[test]
    fn a_note_before_the_table_gives_its_header_rows() {
        let table = table(
            "<!-- gazette: header-rows=2 -->\n\
             | 序号 | 任务 | 时限 | < |\n\
             |---|---|---|---|\n\
             | ^ | ^ | 开始 | 完成 |\n\
             | 1 | 防汛 | 6月 | 9月 |\n",
        );
        assert_eq!(table.header_rows, 2);
        assert_eq!(
            table.spans,
            [
                Span {
                    row: 0,
                    column: 0,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 0,
                    column: 1,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 0,
                    column: 2,
                    rows: 1,
                    columns: 2
                },
            ]
        );
        // Other HTML comments stay text, as before.
        let (blocks, _) = read("<!-- 备注 -->\n");
        assert!(
            matches!(&blocks[0], Block::Paragraph { inlines, .. } if plain_text(inlines) == "<!-- 备注 -->")
        );
    }

    #[test]
    fn a_table_without_merges_serialises_as_before() {
        let table = table("| 序号 | 任务 |\n|---|:-:|\n| 1 | 防汛 |\n");
        let json = serde_json::to_value(Block::Table(table)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "table",
                "align": ["auto", "center"],
                "header": [[{"kind": "text", "text": "序号"}], [{"kind": "text", "text": "任务"}]],
                "rows": [[[{"kind": "text", "text": "1"}], [{"kind": "text", "text": "防汛"}]]],
            })
        );
    }

    #[test]
    fn merged_cells_go_to_json_and_back() {
        let table = table(
            "<!-- gazette: header-rows=2 -->\n| 单位 | 任务 | < |\n|---|---|---|\n| ^ | 牵头 | 配合 |\n| 市水务局 | 防汛 | < |\n",
        );
        let json = serde_json::to_value(Block::Table(table.clone())).unwrap();
        assert_eq!(json["header_rows"], 2);
        assert_eq!(
            json["spans"],
            serde_json::json!([
                {"row": 0, "column": 0, "rows": 2, "columns": 1},
                {"row": 0, "column": 1, "rows": 1, "columns": 2},
                {"row": 2, "column": 1, "rows": 1, "columns": 2},
            ])
        );
        let Block::Table(again) = serde_json::from_value(json.clone()).unwrap() else {
            panic!()
        };
        assert_eq!(again, table);
        // Data whose regions do not fit the grid is not read.
        let mut bad = json;
        bad["spans"][2]["columns"] = 3.into();
        let error = serde_json::from_value::<Block>(bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains("reaches past the table"), "{error}");
    }

    #[test]
    fn misplaced_marks_are_refused_at_their_line() {
        let head = "| 序号 | 任务 |\n|---|---|\n";
        assert_eq!(
            refused(&format!("{head}| < | 防汛 |\n")),
            [(
                "`<` in a table's first column has no cell on its left to merge into".into(),
                3
            )]
        );
        assert_eq!(
            refused("| ^ | 任务 |\n|---|---|\n| 1 | 防汛 |\n"),
            [(
                "`^` in a table's first row has no cell above it to merge into".into(),
                1
            )]
        );
        assert_eq!(
            refused(&format!("{head}| 1 | ^ |\n")),
            [(
                "`^` in the first row under the header would merge a body cell into the header"
                    .into(),
                3
            )]
        );
        assert_eq!(
            refused(&format!(
                "{head}| 1 | 防汛 |\n| ^ | 防台 |\n| 2 | 巡查 |\n| ^ | ^ |\n"
            )),
            [(
                "every cell of this table row is merged into the row above".into(),
                6
            )]
        );
    }

    #[test]
    fn a_region_that_is_no_rectangle_is_refused() {
        // 市水务局 would take an L: the row under it merges only one column.
        assert_eq!(
            refused(
                "| 单位 | 任务 | 时限 |\n|---|---|---|\n| 市水务局 | < | 6月 |\n| ^ | 防台 | 9月 |\n"
            ),
            [(
                "the cells merged into row 2 column 1 do not make a rectangle".into(),
                4
            )]
        );
    }

    #[test]
    fn notes_are_refused_unless_they_give_a_table_its_header_rows() {
        let table = "| 序号 | 任务 |\n|---|---|\n| 1 | 防汛 |\n";
        assert_eq!(
            refused(&format!("正文\n\n<!-- gazette: header-rows=3 -->\n{table}")),
            [(
                "the note asks for 3 header rows, but the table has only 2 rows".into(),
                3
            )]
        );
        assert_eq!(
            refused("<!-- gazette: header-rows=2 -->\n\n正文\n"),
            [(
                "a `header-rows` note must stand right before a table".into(),
                1
            )]
        );
        let (_, diags) = read(&format!("<!-- gazette: header-rows=0 -->\n{table}"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "this gazette note is not understood");
        assert_eq!(diags[0].line_column().unwrap().0, 1);
    }

    #[test]
    fn the_documented_example_reads_as_described() {
        let doc = include_str!("../../docs/manifest.md");
        let section = &doc[doc.find("#### Merged cells").unwrap()..];
        let example = &section[section.find("```markdown\n").unwrap() + 12..];
        let table = table(&example[..example.find("```").unwrap()]);
        assert_eq!(table.header_rows, 2);
        assert_eq!(
            table.spans,
            [
                Span {
                    row: 0,
                    column: 0,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 0,
                    column: 1,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 0,
                    column: 2,
                    rows: 1,
                    columns: 2
                },
                Span {
                    row: 2,
                    column: 0,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 2,
                    column: 2,
                    rows: 2,
                    columns: 1
                },
                Span {
                    row: 4,
                    column: 2,
                    rows: 1,
                    columns: 2
                },
            ]
        );
    }
}
