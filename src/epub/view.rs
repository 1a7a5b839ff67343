//! What each template sees: the edition reshaped for the EPUB (file names,
//! links, page markers, the issue line) as JSON data, and the files rendered
//! from it in container order.

use serde::Serialize;
use serde_json::{Value, json};

use super::container::{CONTAINER_PATH, MIMETYPE, MIMETYPE_PATH};
use super::layout::{self, COVER_PAGE, NAV, PACKAGE, PartFile, ROOT, STYLESHEET};
use super::pages::Placement;
use super::templates::{self, Templates};
use super::{Cover, EpubError, EpubFile};
use crate::model::{Align, Block, Disclosure, Document, Edition, Part};

/// All files of the EPUB, in container order.
pub(super) fn files(
    edition: &Edition,
    placement: &Placement,
    cover: Option<&Cover>,
) -> Result<Vec<EpubFile>, EpubError> {
    let templates = Templates::new()?;
    let parts = layout::part_files(edition);
    let shared = edition_view(edition, &parts, placement, cover)?;
    let mut files = vec![
        file(MIMETYPE_PATH, MIMETYPE.to_vec()),
        file(CONTAINER_PATH, templates::CONTAINER_XML.into()),
        file(PACKAGE, templates.render("package.opf", &shared)?),
        file(
            &format!("{ROOT}{NAV}"),
            templates.render("nav.xhtml", &shared)?,
        ),
        file(
            &format!("{ROOT}{COVER_PAGE}"),
            templates.render("cover.xhtml", &shared)?,
        ),
    ];
    if let Some(cover) = cover {
        let path = layout::cover_image(cover)?;
        files.push(file(&format!("{ROOT}{path}"), cover.bytes.clone()));
    }
    files.push(file(
        &format!("{ROOT}{STYLESHEET}"),
        templates::STYLESHEET.into(),
    ));
    for part in &parts {
        let view = part_view(edition, part, placement)?;
        files.push(file(
            &format!("{ROOT}{}", part.href()),
            templates.render("part.xhtml", &view)?,
        ));
    }
    Ok(files)
}

fn file(path: &str, bytes: Vec<u8>) -> EpubFile {
    EpubFile {
        path: path.to_string(),
        bytes,
    }
}

/// `2025年第8期（总第512期）`, as the cover prints it.
pub fn issue_line(edition: &Edition) -> String {
    let issue = &edition.issue;
    let mut line = format!("{}年第{}期", issue.year, issue.number);
    if let Some(running) = issue.running {
        line.push_str(&format!("（总第{running}期）"));
    }
    line
}

/// The data the package document, navigation and cover share.
fn edition_view(
    edition: &Edition,
    parts: &[PartFile],
    placement: &Placement,
    cover: Option<&Cover>,
) -> Result<Value, EpubError> {
    let gazette = &edition.gazette;
    let issue_line = issue_line(edition);
    let has_pages = !placement.list.is_empty();
    let cover_image = match cover {
        Some(cover) => Some(json!({
            "href": layout::cover_image(cover)?,
            "alt": format!("{}　{}　{} 封面", gazette.title, issue_line, edition.issue.date.chinese()),
        })),
        None => None,
    };
    Ok(json!({
        "lang": gazette.language.tag,
        "title": format!("{} {}", gazette.title, issue_line),
        "stylesheet": STYLESHEET,
        "identifier": edition.uri,
        "gazette": {
            "title": gazette.title,
            "title_en": gazette.title_en,
            "publisher": gazette.publisher,
            "ids": gazette.serial_numbers(),
            "issn": gazette.issn.as_ref().map(|issn| format!("urn:issn:{issn}")),
        },
        "issue_line": issue_line,
        "running": edition.issue.running,
        "date": edition.issue.date.chinese(),
        "date_iso": edition.issue.date.iso(),
        // The issue date, not the build's: a rebuild gives the same bytes.
        "modified": format!("{}T00:00:00Z", edition.issue.date.iso()),
        "languages": languages(edition),
        "print_source": if has_pages { Some(print_source(edition)) } else { None },
        "sections": sections_view(edition),
        "pages": placement.list.iter().map(|(page, part)| json!({
            "page": page,
            "href": format!("{}#page-{page}", part.href()),
        })).collect::<Vec<_>>(),
        "body_href": parts.first().map(PartFile::href),
        "cover_image": cover_image,
        "accessibility": accessibility(edition, has_pages, cover.is_some()),
        "manifest": manifest(parts, cover)?,
        "spine": spine(parts),
    }))
}

/// The reading order: the cover, the contents, then every document part.
fn spine(parts: &[PartFile]) -> Vec<String> {
    ["cover", "nav"]
        .into_iter()
        .map(String::from)
        .chain(parts.iter().map(PartFile::id))
        .collect()
}

/// The PDF edition's identifier: the page list follows its pages.
fn print_source(edition: &Edition) -> String {
    format!("{}:pdf", edition.uri)
}

/// The gazette's language first, then any other a document is written in.
fn languages(edition: &Edition) -> Vec<String> {
    let mut tags = vec![edition.gazette.language.tag.clone()];
    for document in edition.sections.iter().flat_map(|s| &s.documents) {
        if !tags.contains(&document.language.tag) {
            tags.push(document.language.tag.clone());
        }
    }
    tags
}

/// The navigation's tree: sections, their documents, each document's
/// attachments and interpretation.
fn sections_view(edition: &Edition) -> Vec<Value> {
    let mut sections = Vec::new();
    for (s, section) in edition.sections.iter().enumerate() {
        let mut documents = Vec::new();
        for (d, document) in section.documents.iter().enumerate() {
            let file = |part| PartFile {
                section: s,
                document: d,
                part,
            };
            let subentries: Vec<Value> = layout::parts_of(document)
                .skip(1)
                .map(
                    |part| json!({ "title": nav_title(document, part), "href": file(part).href() }),
                )
                .collect();
            documents.push(json!({
                "title": document.title,
                "number": document.number,
                "lang": own_language(edition, document),
                "href": file(Part::Body).href(),
                "parts": subentries,
            }));
        }
        // The section opens its first document's file, and the contents must
        // not lead backwards (EPUBCheck NAV-011): both link to the file's start.
        let first = PartFile {
            section: s,
            document: 0,
            part: Part::Body,
        };
        sections.push(json!({
            "title": section.title,
            "href": first.href(),
            "documents": documents,
        }));
    }
    sections
}

/// The document's language tag when it differs from the gazette's.
fn own_language(edition: &Edition, document: &Document) -> Option<String> {
    (document.language.tag != edition.gazette.language.tag).then(|| document.language.tag.clone())
}

/// An attachment's entry names its label (`附件1　…`) as the PDF prints it.
fn nav_title(document: &Document, part: Part) -> String {
    match part {
        Part::Body => document.title.clone(),
        Part::Attachment(index) => {
            let attachment = &document.attachments[index];
            match &attachment.label {
                Some(label) => format!("{label}　{}", attachment.title),
                None => attachment.title.clone(),
            }
        }
        Part::Interpretation => document
            .interpretation
            .as_ref()
            .map(|i| i.title.clone())
            .unwrap_or_default(),
    }
}

/// EPUB Accessibility 1.1 metadata: what the publication offers and how.
fn accessibility(edition: &Edition, has_pages: bool, has_cover_image: bool) -> Value {
    let mut modes = vec!["textual"];
    let mut features = vec![
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ];
    if has_pages {
        features.push("pageNavigation");
    }
    if has_cover_image {
        modes.push("visual");
        features.push("alternativeText");
    }
    let chinese = edition.gazette.language.lang == "zh";
    let summary = match (chinese, has_pages) {
        (true, true) => {
            "本电子版符合 EPUB 无障碍 1.1 和 WCAG 2.1 AA 级要求：有目录和结构化标题，阅读顺序与印刷版（PDF 版）一致，并标出印刷版页码，可按页码跳转；文字可重排，字号和字体可由阅读软件调整。"
        }
        (true, false) => {
            "本电子版符合 EPUB 无障碍 1.1 和 WCAG 2.1 AA 级要求：有目录和结构化标题，阅读顺序与印刷版（PDF 版）一致；文字可重排，字号和字体可由阅读软件调整。"
        }
        (false, true) => {
            "This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA: it has a table of contents and structured headings, follows the reading order of the print (PDF) edition and marks that edition's page numbers for navigation; its text reflows and readers may change its size and font."
        }
        (false, false) => {
            "This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA: it has a table of contents and structured headings and follows the reading order of the print (PDF) edition; its text reflows and readers may change its size and font."
        }
    };
    json!({
        "access_modes": modes,
        "features": features,
        "summary": summary,
        "summary_lang": if chinese { "zh-Hans" } else { "en" },
    })
}

/// The package's manifest, in container order.
fn manifest(parts: &[PartFile], cover: Option<&Cover>) -> Result<Vec<Value>, EpubError> {
    const XHTML: &str = "application/xhtml+xml";
    let item = |id: &str, href: &str, media_type: &str, properties: Option<&str>| json!({ "id": id, "href": href, "media_type": media_type, "properties": properties });
    let mut items = vec![
        item("nav", NAV, XHTML, Some("nav")),
        item("cover", COVER_PAGE, XHTML, None),
    ];
    if let Some(cover) = cover {
        let href = layout::cover_image(cover)?;
        items.push(item(
            "cover-image",
            href,
            cover.media_type,
            Some("cover-image"),
        ));
    }
    items.push(item("css", STYLESHEET, "text/css", None));
    items.extend(
        parts
            .iter()
            .map(|part| item(&part.id(), &part.href(), XHTML, None)),
    );
    Ok(items)
}

/// The data of one content document.
fn part_view(
    edition: &Edition,
    file: &PartFile,
    placement: &Placement,
) -> Result<Value, EpubError> {
    let document = &edition.sections[file.section].documents[file.document];
    let pages = placement.part(file);
    let (label, title, body) = match file.part {
        Part::Body => (None, &document.title, &document.body),
        Part::Attachment(index) => {
            let attachment = &document.attachments[index];
            (
                attachment.label.clone(),
                &attachment.title,
                &attachment.body,
            )
        }
        Part::Interpretation => {
            let Some(interpretation) = &document.interpretation else {
                return Err(EpubError::Template(format!(
                    "{} has no interpretation to render",
                    document.source
                )));
            };
            (
                Some("政策解读".to_string()),
                &interpretation.title,
                &interpretation.body,
            )
        }
    };
    let mut blocks = Vec::new();
    for (index, block) in body.iter().enumerate() {
        blocks.push(json!({
            "pages": pages.blocks.get(&index).cloned().unwrap_or_default(),
            "block": block_view(block)?,
        }));
    }
    let is_body = file.part == Part::Body;
    let section = (is_body && file.document == 0).then(|| &edition.sections[file.section].title);
    let original =
        (file.part == Part::Interpretation).then(|| reference(file, placement, Part::Body, "原文"));
    Ok(json!({
        "lang": document.language.tag,
        "title": title,
        "identifier": document.uri,
        "stylesheet": format!("../{STYLESHEET}"),
        "part": {
            "title_pages": pages.title,
            "section_title": section,
            "label": label,
            "title": title,
            "number": if is_body { document.number.clone() } else { None },
            "addressees": if is_body { document.addressees.clone() } else { None },
            "blocks": blocks,
            "end_pages": pages.end,
            "closing": if is_body { Some(closing_view(file, document, placement)) } else { None },
            "original": original,
        },
    }))
}

/// A link to another part of the same document, `（原文见第N页）`, naming the
/// printed page it starts on as the PDF does when the page map gives it.
fn reference(file: &PartFile, placement: &Placement, part: Part, what: &str) -> Value {
    let target = PartFile { part, ..*file };
    let text = match placement.part(&target).title.first() {
        Some(page) => format!("（{what}见第{page}页）"),
        None => format!("（{what}）"),
    };
    json!({ "href": target.name(), "text": text })
}

/// The end of a document's body: attachment list, signature and the
/// disclosure note, as GB/T 9704 orders them.
fn closing_view(file: &PartFile, document: &Document, placement: &Placement) -> Value {
    let labelled: Vec<(usize, &str)> = document
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, attachment)| attachment.label.is_some())
        .map(|(index, attachment)| (index, attachment.title.as_str()))
        .collect();
    let several = labelled.len() > 1;
    let attachments: Vec<Value> = labelled
        .iter()
        .enumerate()
        .map(|(n, (index, title))| {
            let target = PartFile {
                part: Part::Attachment(*index),
                ..*file
            };
            json!({
                "number": if several { format!("{}．", n + 1) } else { String::new() },
                "title": title,
                "href": target.name(),
            })
        })
        .collect();
    let date = document.date.chinese();
    json!({
        "attachments": attachments,
        "several": several,
        "signatory": document.signatory,
        "issuer": document.issuer,
        // The PDF centres the issuer over a date four characters in from the
        // right, or two in when the issuer is the wider of the two.
        "wide_issuer": half_widths(&document.issuer) > half_widths(&date),
        "date": date,
        "public": document.disclosure == Disclosure::Proactive,
        "interpretation": document
            .interpretation
            .as_ref()
            .map(|_| reference(file, placement, Part::Interpretation, "政策解读")),
    })
}

/// A line's width in half-ems: CJK characters are square, ASCII half as wide.
fn half_widths(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A document part's blocks as templates/epub/blocks.xhtml renders them;
/// the web edition's pages show the same text from the same views.
pub fn blocks_view(blocks: &[Block]) -> Result<Vec<Value>, EpubError> {
    blocks.iter().map(block_view).collect()
}

/// A block as the templates want it: tables padded to full rows with each
/// cell's alignment, lists with their items' blocks reshaped too.
fn block_view(block: &Block) -> Result<Value, EpubError> {
    match block {
        Block::Table(table) => {
            let columns = table.columns();
            // Each row's drawn cells, padded to full rows; a merged cell
            // carries its spans and the cells it covers are left out.
            let rows = table
                .grid()
                .enumerate()
                .map(|(r, cells)| {
                    (0..columns)
                        .filter(|&c| !table.is_covered(r, c))
                        .map(|c| {
                            let (rows, width) =
                                table.span_at(r, c).map_or((1, 1), |s| (s.rows, s.columns));
                            Ok(json!({
                                "align": align_class(table.align.get(c)),
                                "inlines": to_json(cells.get(c).map(Vec::as_slice).unwrap_or_default())?,
                                "rowspan": rows,
                                "colspan": width,
                            }))
                        })
                        .collect::<Result<Vec<_>, EpubError>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            // A table without a header row (none reads so from Markdown)
            // has no <thead>.
            let header_rows = if table.header.is_empty() && table.header_rows == 1 {
                0
            } else {
                table.header_rows
            };
            let (header, body) = rows.split_at(header_rows);
            Ok(json!({
                "kind": "table",
                "header": header,
                "rows": body,
            }))
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            let items = items
                .iter()
                .map(|item| item.iter().map(block_view).collect::<Result<Vec<_>, _>>())
                .collect::<Result<Vec<_>, _>>()?;
            Ok(json!({ "kind": "list", "ordered": ordered, "start": start, "items": items }))
        }
        Block::Paragraph { .. } | Block::Heading { .. } => to_json(block),
    }
}

/// As the PDF: a column without alignment is set flush left.
fn align_class(align: Option<&Align>) -> &'static str {
    match align {
        Some(Align::Center) => "center",
        Some(Align::Right) => "right",
        Some(Align::Left | Align::Auto) | None => "left",
    }
}

fn to_json(value: &(impl Serialize + ?Sized)) -> Result<Value, EpubError> {
    serde_json::to_value(value)
        .map_err(|e| EpubError::Template(format!("cannot read the edition model: {e}")))
}
