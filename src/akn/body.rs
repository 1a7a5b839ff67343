//! A part's blocks as an Akoma Ntoso body. The model's blocks are flat, so
//! the hierarchy is rebuilt: a heading opens a container that holds what
//! follows until a heading of the same or a higher level (`第一章` a
//! `<chapter>`, `第一节` a `<section>`, any other heading an
//! `<hcontainer name="heading-N">`), and a paragraph led by `第一条` opens an
//! `<article>` that holds the paragraphs (款) after it. Other leads such as
//! `（一）加强组织领导。` stay run-in, as `<inline name="lead">`.

use std::collections::BTreeMap;

use super::xml::Xml;
use crate::model::{Block, Inline, Lead};

/// A container rebuilt from the flat blocks.
struct Container<'a> {
    level: u8,
    heading: Option<&'a str>,
    items: Vec<Item<'a>>,
}

enum Item<'a> {
    Block(&'a Block),
    Container(Container<'a>),
    Article {
        lead: &'a Lead,
        blocks: Vec<&'a Block>,
    },
}

/// Numbers the `eId`s of one body: `chp_1`, `art_3`, `table_2`...
#[derive(Default)]
struct Ids(BTreeMap<&'static str, usize>);

impl Ids {
    fn next(&mut self, xml: &Xml, kind: &'static str) -> String {
        let count = self.0.entry(kind).or_default();
        *count += 1;
        xml.id(&format!("{kind}_{count}"))
    }
}

/// `<mainBody>` holding `blocks`.
pub fn main_body(xml: &mut Xml, blocks: &[Block]) {
    let root = tree(blocks);
    let mut ids = Ids::default();
    xml.open("mainBody", &[]);
    if root.items.is_empty() {
        xml.leaf("p", &[]);
    }
    for item in &root.items {
        match item {
            Item::Block(block) => flat(xml, &mut ids, block),
            Item::Container(container) => hierarchy(xml, &mut ids, container),
            Item::Article { lead, blocks } => article(xml, &mut ids, lead, blocks),
        }
    }
    xml.close("mainBody");
}

fn tree(blocks: &[Block]) -> Container<'_> {
    let mut stack = vec![Container {
        level: 0,
        heading: None,
        items: Vec::new(),
    }];
    for block in blocks {
        match block {
            Block::Heading { level, text, .. } => {
                while stack.len() > 1 && stack.last().is_some_and(|c| c.level >= *level) {
                    close_top(&mut stack);
                }
                stack.push(Container {
                    level: *level,
                    heading: Some(text),
                    items: Vec::new(),
                });
            }
            Block::Paragraph {
                lead: Some(lead), ..
            } if is_article(&lead.text) => top(&mut stack).items.push(Item::Article {
                lead,
                blocks: vec![block],
            }),
            _ => match top(&mut stack).items.last_mut() {
                Some(Item::Article { blocks, .. }) => blocks.push(block),
                _ => top(&mut stack).items.push(Item::Block(block)),
            },
        }
    }
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    stack
        .pop()
        .unwrap_or_else(|| unreachable!("the root stays"))
}

fn top<'s, 'a>(stack: &'s mut [Container<'a>]) -> &'s mut Container<'a> {
    stack
        .last_mut()
        .unwrap_or_else(|| unreachable!("the root stays"))
}

fn close_top(stack: &mut Vec<Container>) {
    if let Some(closed) = stack.pop() {
        top(stack).items.push(Item::Container(closed));
    }
}

const CHINESE_NUMERALS: &str = "〇零一二三四五六七八九十百千两";

/// `第一条`, `第十二条`: an article of rules and measures.
fn is_article(lead: &str) -> bool {
    numbered(lead.trim()).is_some_and(|(_, unit, rest)| unit == '条' && rest.trim().is_empty())
}

/// `第` numerals unit rest: `第一章 总则` → (`第一章`, '章', ` 总则`).
fn numbered(text: &str) -> Option<(&str, char, &str)> {
    let rest = text.strip_prefix('第')?;
    let numerals: usize = rest
        .chars()
        .take_while(|c| CHINESE_NUMERALS.contains(*c))
        .map(char::len_utf8)
        .sum();
    let unit = rest[numerals..].chars().next()?;
    if numerals == 0 {
        return None;
    }
    let end = '第'.len_utf8() + numerals + unit.len_utf8();
    Some((&text[..end], unit, &text[end..]))
}

fn hierarchy(xml: &mut Xml, ids: &mut Ids, container: &Container) {
    let heading = container.heading.unwrap_or_default();
    let (element, num, title) = match numbered(heading) {
        Some((num, '章', rest)) => ("chapter", Some(num), rest.trim()),
        Some((num, '节' | '節', rest)) => ("section", Some(num), rest.trim()),
        _ => ("hcontainer", None, heading),
    };
    let id = ids.next(
        xml,
        match element {
            "chapter" => "chp",
            "section" => "sec",
            _ => "hcontainer",
        },
    );
    let name = format!("heading-{}", container.level);
    let mut attributes = vec![("eId", id.as_str())];
    if element == "hcontainer" {
        attributes.push(("name", &name));
    }
    xml.open(element, &attributes);
    if let Some(num) = num {
        xml.line("num", &[], num);
    }
    if !title.is_empty() {
        xml.line("heading", &[], title);
    }
    let first_hier = container
        .items
        .iter()
        .position(|item| !matches!(item, Item::Block(_)));
    let (leading, rest) = container
        .items
        .split_at(first_hier.unwrap_or(container.items.len()));
    if rest.is_empty() {
        xml.open("content", &[]);
        leading.iter().for_each(|item| item_block(xml, ids, item));
        xml.close("content");
    } else {
        if !leading.is_empty() {
            xml.open("intro", &[]);
            leading.iter().for_each(|item| item_block(xml, ids, item));
            xml.close("intro");
        }
        for item in rest {
            match item {
                Item::Container(child) => hierarchy(xml, ids, child),
                Item::Article { lead, blocks } => article(xml, ids, lead, blocks),
                // A hierarchy holds no loose text after its first child;
                // the flat model never puts any there, as such text joins
                // the last child, but it is kept if it ever does.
                Item::Block(block) => {
                    let id = ids.next(xml, "hcontainer");
                    xml.open("hcontainer", &[("eId", &id), ("name", "text")]);
                    xml.open("content", &[]);
                    flat(xml, ids, block);
                    xml.close("content");
                    xml.close("hcontainer");
                }
            }
        }
    }
    xml.close(element);
}

fn item_block(xml: &mut Xml, ids: &mut Ids, item: &Item) {
    if let Item::Block(block) = item {
        flat(xml, ids, block);
    }
}

fn article(xml: &mut Xml, ids: &mut Ids, lead: &Lead, blocks: &[&Block]) {
    let id = ids.next(xml, "art");
    xml.open("article", &[("eId", &id)]);
    xml.line("num", &[], lead.text.trim());
    xml.open("content", &[]);
    for (index, block) in blocks.iter().enumerate() {
        match block {
            // The article's first paragraph, its number now in <num>.
            Block::Paragraph { inlines, .. } if index == 0 => paragraph(xml, None, inlines),
            _ => flat(xml, ids, block),
        }
    }
    xml.close("content");
    xml.close("article");
}

/// A block where only block elements may stand: in content, a list item or
/// a table cell. A heading there is a bold line.
fn flat(xml: &mut Xml, ids: &mut Ids, block: &Block) {
    match block {
        Block::Paragraph { lead, inlines } => paragraph(xml, lead.as_ref(), inlines),
        Block::Heading { text, .. } => {
            xml.start("p", &[]);
            xml.start("b", &[]);
            xml.text(text);
            xml.end("b");
            xml.close("p");
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            let id = ids.next(xml, "list");
            xml.open("blockList", &[("eId", &id)]);
            for (index, item) in items.iter().enumerate() {
                let id = ids.next(xml, "item");
                xml.open("item", &[("eId", &id)]);
                if *ordered {
                    xml.line("num", &[], &format!("{}.", start + index as u64));
                }
                if item.is_empty() {
                    xml.leaf("p", &[]);
                }
                item.iter().for_each(|block| flat(xml, ids, block));
                xml.close("item");
            }
            xml.close("blockList");
        }
        Block::Table(table) => {
            let id = ids.next(xml, "table");
            xml.open("table", &[("eId", &id)]);
            let columns = table.columns();
            for (r, cells) in table.grid().enumerate() {
                // A row of no cells (a table without a header row) has
                // nothing to say, unless a merged cell runs through it.
                let spanned = table
                    .spans
                    .iter()
                    .any(|s| (s.row..s.row + s.rows).contains(&r));
                if cells.is_empty() && !spanned {
                    continue;
                }
                let kind = if r < table.header_rows { "th" } else { "td" };
                xml.open("tr", &[]);
                for c in (0..columns).filter(|&c| !table.is_covered(r, c)) {
                    let (rows, width) = table.span_at(r, c).map_or((1, 1), |s| (s.rows, s.columns));
                    let (rows, width) = (rows.to_string(), width.to_string());
                    let spans: Vec<(&str, &str)> =
                        [("rowspan", rows.as_str()), ("colspan", width.as_str())]
                            .into_iter()
                            .filter(|(_, n)| *n != "1")
                            .collect();
                    xml.open(kind, &spans);
                    paragraph(xml, None, cells.get(c).map_or(&[], Vec::as_slice));
                    xml.close(kind);
                }
                xml.close("tr");
            }
            xml.close("table");
        }
    }
}

fn paragraph(xml: &mut Xml, lead: Option<&Lead>, inlines: &[Inline]) {
    xml.start("p", &[]);
    if let Some(lead) = lead {
        xml.start("inline", &[("name", "lead")]);
        xml.text(&lead.text);
        xml.end("inline");
    }
    self::inlines(xml, inlines);
    xml.close("p");
}

/// Runs of text as AKN inlines: `<b>`, `<i>`, `<br/>`.
pub fn inlines(xml: &mut Xml, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => xml.text(text),
            Inline::Strong { text } => styled(xml, "b", text),
            Inline::Emph { text } => styled(xml, "i", text),
            Inline::Break => xml.marker("br", &[]),
        }
    }
}

fn styled(xml: &mut Xml, element: &str, text: &str) {
    xml.start(element, &[]);
    xml.text(text);
    xml.end(element);
}
