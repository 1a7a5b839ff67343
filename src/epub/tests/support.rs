//! What the EPUB tests share: the sample issue, a synthetic large issue, page
//! maps, and a small XML reader that proves well-formedness and collects the
//! elements the tests inspect.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::epub::layout;
use crate::epub::{Cover, EpubFile, EpubOptions, render};
use crate::model::{
    Align, Attachment, Block, BlockRef, Date, Disclosure, Document, Edition, Face, Fonts, Gazette,
    Inline, Interpretation, Issue, Language, Lead, PageMap, PageStart, Part, Section, Table,
};

pub fn sample() -> Edition {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
    crate::manifest::load(&path).expect("the sample issue loads")
}

/// A page map like the PDF's: each part starts a page, and a new page begins
/// every `every` blocks, alternately at a block's start and inside it.
pub fn page_map(edition: &Edition, first: u32, every: usize) -> PageMap {
    let mut starts = Vec::new();
    let mut page = first;
    for file in layout::part_files(edition) {
        let document = &edition.sections[file.section].documents[file.document];
        let blocks = match file.part {
            Part::Body => document.body.len(),
            Part::Attachment(i) => document.attachments[i].body.len(),
            Part::Interpretation => document.interpretation.as_ref().map_or(0, |i| i.body.len()),
        };
        let at = |block| BlockRef {
            section: file.section,
            document: file.document,
            part: file.part,
            block,
        };
        starts.push(PageStart {
            page,
            block: at(0),
            inside: false,
        });
        page += 1;
        for (n, block) in (every..blocks).step_by(every).enumerate() {
            starts.push(PageStart {
                page,
                block: at(block),
                inside: n % 2 == 1,
            });
            page += 1;
        }
    }
    PageMap { starts }
}

pub fn render_plain(edition: &Edition, pages: &PageMap) -> Vec<EpubFile> {
    render(edition, pages, None, &EpubOptions::default()).expect("the EPUB renders")
}

pub fn svg_cover() -> Cover {
    let svg = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 210 297" width="210" height="297">
  <rect width="210" height="297" fill="#ffffff"/>
  <rect x="24" y="40" width="162" height="4" fill="#c8161d"/>
  <rect x="24" y="47" width="162" height="1" fill="#c8161d"/>
</svg>
"##;
    Cover {
        bytes: svg.as_bytes().to_vec(),
        media_type: "image/svg+xml",
    }
}

pub fn text_of(files: &[EpubFile], path: &str) -> String {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is in the EPUB"));
    String::from_utf8(file.bytes.clone()).expect("UTF-8")
}

/// An element with its attributes and all the text inside it.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attributes: HashMap<String, String>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
}

/// Parses `xml` as a complete, well-formed document and lists its elements in
/// document order. Fails on mismatched or unclosed tags, several roots, text
/// outside the root, duplicate attributes or unknown entities.
pub fn parse(xml: &str) -> Result<Vec<Element>, String> {
    let mut reader = Reader::from_str(xml);
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut roots = 0;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let text = match event {
            Event::Start(start) => {
                roots += usize::from(open.is_empty());
                open.push(elements.len());
                elements.push(element(&start)?);
                continue;
            }
            Event::Empty(start) => {
                roots += usize::from(open.is_empty());
                elements.push(element(&start)?);
                continue;
            }
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Text(text) => text.xml10_content().into_owned(),
            Event::CData(data) => data.xml10_content().into_owned(),
            Event::GeneralRef(reference) => {
                let raw = format!("&{};", reference.xml10_content());
                quick_xml::escape::unescape(&raw)
                    .map_err(|e| format!("{raw}: {e}"))?
                    .into_owned()
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => continue,
        };
        if open.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text:?}"));
        }
        for &index in &open {
            elements[index].text.push_str(&text);
        }
    }
    if !open.is_empty() {
        return Err(format!("{} elements never closed", open.len()));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

fn element(start: &BytesStart) -> Result<Element, String> {
    let name = start.name().as_ref().to_string();
    let mut attributes = HashMap::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("<{name}>: {e}"))?;
        let key = attribute.key.as_ref().to_string();
        let value = attribute
            .normalized_value(XmlVersion::Explicit1_0)
            .map_err(|e| format!("<{name} {key}>: {e}"))?
            .into_owned();
        attributes.insert(key, value);
    }
    Ok(Element {
        name,
        attributes,
        text: String::new(),
    })
}

pub fn parse_ok(files: &[EpubFile], path: &str) -> Vec<Element> {
    parse(&text_of(files, path)).unwrap_or_else(|e| panic!("{path} is not well-formed: {e}"))
}

fn text(text: &str) -> Vec<Inline> {
    vec![Inline::Text { text: text.into() }]
}

fn paragraph(s: &str) -> Block {
    Block::Paragraph {
        lead: None,
        inlines: text(s),
    }
}

/// About 150 characters of plausible official prose.
fn prose(n: usize) -> String {
    format!(
        "第{n}项：各区、各部门要按照本通知要求，结合实际抓好贯彻落实，明确责任分工，细化工作措施，\
         加强统筹协调和督促检查，确保各项任务按期完成。工作中遇到的重要情况和问题，要及时报告。\
         市政府办公厅将会同有关部门对落实情况进行跟踪评估，评估结果向社会公开，接受公众监督。"
    )
}

fn table(rows: usize) -> Block {
    Block::Table(Table {
        align: vec![Align::Center, Align::Left, Align::Auto, Align::Right],
        header: vec![
            text("序号"),
            text("任务"),
            text("牵头单位"),
            text("完成时限"),
        ],
        rows: (1..=rows)
            .map(|n| {
                let mut row = vec![
                    text(&n.to_string()),
                    text(&format!("完善第{n}项制度，推进数据共享和业务协同")),
                    text("市政府办公厅、市数据局"),
                ];
                // Short rows happen in Markdown tables; the PDF pads them.
                if n % 3 != 0 {
                    row.push(text("2025年12月"));
                }
                row
            })
            .collect(),
        header_rows: 1,
        spans: Vec::new(),
    })
}

fn body(paragraphs: usize, with_table: bool) -> Vec<Block> {
    let mut blocks = vec![paragraph(&prose(0))];
    for chapter in 1..=3 {
        blocks.push(Block::Heading {
            level: 1,
            face: Face::Hei,
            chapter: false,
            text: format!("{}、工作要求", ["一", "二", "三"][chapter - 1]),
        });
        blocks.push(Block::Heading {
            level: 2,
            face: Face::Kai,
            chapter: false,
            text: "（一）加强组织领导".into(),
        });
        for n in 0..paragraphs {
            blocks.push(Block::Paragraph {
                lead: (n == 0).then(|| Lead {
                    face: Face::Fangsong,
                    text: "1．".into(),
                }),
                inlines: vec![
                    Inline::Text { text: prose(n) },
                    Inline::Strong {
                        text: "重点任务".into(),
                    },
                    Inline::Emph {
                        text: "（试行）".into(),
                    },
                ],
            });
        }
        blocks.push(Block::List {
            ordered: true,
            start: 1,
            items: vec![vec![paragraph("建立台账。")], vec![paragraph("定期通报。")]],
        });
    }
    if with_table {
        blocks.push(table(12));
    }
    blocks
}

/// A large issue: 4 sections of 8 documents, each about four printed pages,
/// with attachments (tables), interpretations and one traditional-script
/// document: about 120 pages in the PDF.
pub fn large_edition() -> Edition {
    let mut edition = sample();
    edition.sections = (1..=4)
        .map(|s| Section {
            title: format!("第{s}栏目"),
            documents: (1..=8).map(|d| large_document(s, d)).collect(),
        })
        .collect();
    edition
}

fn large_document(s: usize, d: usize) -> Document {
    let source = format!("documents/s{s}-d{d}.md");
    let attachments = (1..=d % 3)
        .map(|a| Attachment {
            label: Some(if d % 3 == 1 {
                "附件".to_string()
            } else {
                format!("附件{a}")
            }),
            title: format!("第{a}项工作任务分工表"),
            title_lines: None,
            source: format!("documents/attachments/s{s}-d{d}-{a}.md"),
            body: vec![paragraph(&prose(a)), table(20)],
        })
        .collect();
    let traditional = s == 2 && d == 4;
    Document {
        uri: format!("urn:gazette:test-gazette:2025:1:{s}-{d}"),
        source,
        title: if traditional {
            "上海市人民政府辦公廳關于印發《政務公開工作要點》的通知".into()
        } else {
            format!("上海市人民政府关于做好第{s}-{d}项重点工作的通知")
        },
        title_lines: None,
        number: Some(format!("沪府发〔2025〕{}号", s * 10 + d)),
        issuer: "上海市人民政府".into(),
        addressees: Some("各区人民政府，市政府各委、办、局".into()),
        date: Date {
            year: 2025,
            month: 7,
            day: d as u8,
        },
        disclosure: Disclosure::Proactive,
        signatory: None,
        language: if traditional {
            Language {
                tag: "zh-Hant".into(),
                lang: "zh".into(),
                region: Some("TW".into()),
            }
        } else {
            Language::zh_hans()
        },
        body: body(5, d.is_multiple_of(2)),
        attachments,
        interpretation: d.is_multiple_of(4).then(|| Interpretation {
            title: format!("《关于做好第{s}-{d}项重点工作的通知》政策解读"),
            title_lines: None,
            source: format!("documents/interpretations/s{s}-d{d}.md"),
            body: body(2, false),
        }),
    }
}

/// A minimal edition for focused tests: one section, one document.
pub fn tiny_edition(title: &str, body: Vec<Block>) -> Edition {
    Edition {
        id: "test-gazette-2025-01".into(),
        uri: "urn:gazette:test-gazette:2025:1".into(),
        gazette: Gazette {
            id: "test-gazette".into(),
            title: "测试公报".into(),
            title_en: None,
            uri: None,
            verify_url: None,
            publisher: "测试办公厅".into(),
            issn: None,
            cn: None,
            language: Language::zh_hans(),
        },
        issue: Issue {
            year: 2025,
            number: 1,
            running: None,
            date: Date {
                year: 2025,
                month: 1,
                day: 31,
            },
        },
        fonts: Fonts::bundled(),
        seal: None,
        templates: None,
        sections: vec![Section {
            title: "测试栏目".into(),
            documents: vec![Document {
                uri: "urn:gazette:test-gazette:2025:1:1".into(),
                source: "documents/test.md".into(),
                title: title.into(),
                title_lines: None,
                number: None,
                issuer: "测试办公厅".into(),
                addressees: None,
                date: Date {
                    year: 2025,
                    month: 1,
                    day: 2,
                },
                disclosure: Disclosure::Proactive,
                signatory: None,
                language: Language::zh_hans(),
                body,
                attachments: Vec::new(),
                interpretation: None,
            }],
        }],
    }
}

pub fn plain(s: &str) -> Block {
    paragraph(s)
}
