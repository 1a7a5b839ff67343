//! Document bodies: the subset of Markdown a gazette document may use, read
//! into [`Block`]s. Anything outside the subset is an error with its position,
//! so nothing the editor wrote silently disappears or changes meaning.

use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, OffsetIter, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Align, Block, Face, Inline, Lead};

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
        file,
        offset,
        diags,
    };
    reader.blocks(None)
}

struct Reader<'a, 'd> {
    events: Peekable<OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>>,
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
                Some(self.table(align))
            }
            Event::Start(tag) if let Some((message, help)) = unsupported_block(&tag) => {
                self.refuse(span, message, help);
                None
            }
            Event::Start(Tag::HtmlBlock) => {
                // Text is data: what looks like HTML is printed as written.
                self.events.next();
                Some(paragraph(self.inlines(Some(TagEnd::HtmlBlock))))
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

    fn table(&mut self, align: Vec<Alignment>) -> Block {
        let mut header = Vec::new();
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut in_head = false;
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    let cell = self.inlines(Some(TagEnd::TableCell));
                    match rows.last_mut() {
                        Some(row) if !in_head => row.push(cell),
                        _ => header.push(cell),
                    }
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        let align = align
            .into_iter()
            .map(|a| match a {
                Alignment::None => Align::Auto,
                Alignment::Left => Align::Left,
                Alignment::Center => Align::Center,
                Alignment::Right => Align::Right,
            })
            .collect();
        Block::Table {
            align,
            header,
            rows,
        }
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

fn plain_text(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text { text } | Inline::Strong { text } | Inline::Emph { text } => {
                text.as_str()
            }
            Inline::Break => " ",
        })
        .collect::<String>()
        .trim()
        .to_string()
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
            matches!(&blocks[1], Block::Table { header, rows, .. } if header.len() == 2 && rows.len() == 1)
        );
    }
}
