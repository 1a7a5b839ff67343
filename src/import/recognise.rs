//! The parts of a document laid out after GB/T 9704, told apart by their text
//! and formatting: 版头, 发文字号, title, 主送机关, body with its levels and
//! run-in leads, 附件 list, 落款 (issuer and date), 附注, attachment pages,
//! 版记. What cannot be placed is said, with its paragraph, never dropped.

use super::docx::{Block, Notice, Paragraph, Table};
use super::markdown;
use crate::model::Date;

/// A document as the importer recognised it, ready to be written.
#[derive(Debug, Default)]
pub struct Recognised {
    pub title: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub addressees: Option<String>,
    pub date: Option<Date>,
    /// `zh-Hant` for a document in Traditional characters; the gazette's
    /// language otherwise.
    pub language: Option<&'static str>,
    /// The body in the document format's Markdown.
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// What was recognised, one line each, for the editor to check.
    pub found: Vec<String>,
    /// What was left out or needs the editor's eye, by paragraph.
    pub notices: Vec<Notice>,
    /// The body's text as the Word file has it, without layout, in order:
    /// what the edition must print (see `fidelity`).
    pub source_text: String,
}

#[derive(Debug, Default)]
pub struct Attachment {
    /// As printed on the attachment's page, e.g. `附件2`.
    pub label: String,
    pub title: String,
    pub body: String,
}

/// Recognises the parts of `blocks`, in order; `traditional` when Word
/// marks the text as Traditional Chinese.
pub fn recognise(blocks: &[Block], traditional: bool) -> Recognised {
    let mut found = Recognised::default();
    let paragraph_at = |i: usize| match blocks.get(i) {
        Some(Block::Paragraph(p)) => Some(p),
        _ => None,
    };
    let mut at = 0;

    // 版头 and 发文字号: the number is within the first few paragraphs.
    if let Some(numbered) = (0..blocks.len().min(6))
        .find(|&i| paragraph_at(i).is_some_and(|p| document_number(&p.text()).is_some()))
    {
        for skipped in 0..numbered {
            if let Some(p) = paragraph_at(skipped) {
                found.notice(
                    skipped,
                    format!(
                        "「{}」 was left out as the 版头 (the issuing body's mark): the gazette prints its own masthead",
                        p.text().trim()
                    ),
                );
            }
        }
        let text = paragraph_at(numbered)
            .map(Paragraph::text)
            .unwrap_or_default();
        let number = document_number(&text).unwrap_or_default();
        found.found.push(format!("发文字号 {number}"));
        let rest = text.replace(&number, "");
        if !rest.trim().is_empty() {
            found.notice(
                numbered,
                format!(
                    "「{}」 beside the number was left out (签发人 lines are set with `signatory`)",
                    rest.trim()
                ),
            );
        }
        found.number = Some(number);
        at = numbered + 1;
    }

    // The title: the centred paragraphs that follow, in the title's size (a
    // title Word wraps by hand is several paragraphs).
    let title_size = paragraph_at(at).and_then(Paragraph::size);
    let title_end = (at..blocks.len())
        .take_while(|&i| paragraph_at(i).is_some_and(|p| p.centred && p.size() == title_size))
        .last()
        .map(|i| i + 1);
    match title_end {
        Some(end) => {
            found.title = (at..end)
                .filter_map(paragraph_at)
                .map(|p| p.text().trim().to_owned())
                .collect();
            at = end;
        }
        None => {
            if let Some(p) = paragraph_at(at) {
                found.title = p.text().trim().to_owned();
                found.notice(
                    at,
                    "no centred title was found: the first paragraph was taken as the title; check it".into(),
                );
                at += 1;
            }
        }
    }
    found.found.push(format!("标题 {}", found.title));

    // 主送机关: the bodies addressed, before a colon.
    if let Some(p) = paragraph_at(at) {
        let text = p.text();
        let text = text.trim();
        if !p.centred && is_addressees(text) {
            found.addressees = Some(text.trim_end_matches(['：', ':']).to_owned());
            found.found.push(format!("主送机关 {}", text));
            at += 1;
        }
    }

    // 落款: the issuer on the line above a date that stands alone.
    let closing = (at..blocks.len()).find(|&i| {
        paragraph_at(i).is_some_and(|p| chinese_date(p.text().trim()).is_some())
            && i > at
            && paragraph_at(i - 1).is_some_and(|p| is_issuer_line(&p.text()))
    });
    let body_end = closing.map_or(blocks.len(), |date| date - 1);
    if let Some(date) = closing {
        let issuer = paragraph_at(date - 1).map(|p| p.text().trim().to_owned());
        let text = paragraph_at(date).map(Paragraph::text).unwrap_or_default();
        found.date = chinese_date(text.trim());
        found.found.push(format!(
            "落款 {} {}",
            issuer.as_deref().unwrap_or_default(),
            text.trim()
        ));
        found.issuer = issuer;
    }

    // The body, with the 附件 list taken out: the printer writes its own.
    let mut listed = Vec::new();
    let mut body = Vec::new();
    let mut index = at;
    while index < body_end {
        match &blocks[index] {
            Block::Paragraph(p) => {
                let text = p.text();
                let trimmed = text.trim();
                if let Some(first) = trimmed
                    .strip_prefix("附件：")
                    .or_else(|| trimmed.strip_prefix("附件:"))
                {
                    listed.push(strip_list_number(first));
                    while let Some(next) = paragraph_at(index + 1).filter(|_| index + 1 < body_end)
                    {
                        let next = next.text();
                        if starts_with_list_number(next.trim()) {
                            listed.push(strip_list_number(next.trim()));
                            index += 1;
                        } else {
                            break;
                        }
                    }
                    found.found.push(format!("附件说明 {}", listed.join("；")));
                } else {
                    found.source_text.push_str(&layout_free(trimmed));
                    body.push(markdown::paragraph(p));
                }
            }
            Block::Table(table) => {
                found.source_text.push_str(&table_text(table));
                body.push(markdown::table(table, &mut found.notices, index + 1));
            }
        }
        index += 1;
    }
    found.body = body.join("\n\n") + "\n";
    found.found.push(format!("正文 {} 段", body.len()));

    // After the 落款: 附注, the attachments' pages, 版记.
    let mut attachment: Option<Attachment> = None;
    let after = closing.map_or(blocks.len(), |d| d + 1);
    for (i, block) in blocks.iter().enumerate().skip(after) {
        let p = match block {
            Block::Paragraph(p) => p,
            Block::Table(table) => {
                match attachment.as_mut() {
                    Some(current) => {
                        found.source_text.push_str(&table_text(table));
                        current.push(&markdown::table(table, &mut found.notices, i + 1));
                    }
                    None => found.notice(
                        i,
                        "a table after the 落款 and outside any attachment was left out".into(),
                    ),
                }
                continue;
            }
        };
        let text = p.text();
        let trimmed = text.trim();
        if is_attachment_label(trimmed) {
            found.attachments.extend(attachment.take());
            attachment = Some(Attachment {
                label: trimmed.to_owned(),
                ..Attachment::default()
            });
        } else if is_imprint(trimmed) {
            found.notice(
                i,
                format!("「{trimmed}」 was left out as the 版记 (抄送, 印发): the gazette does not print it"),
            );
        } else if is_note(trimmed) {
            found.notice(
                i,
                format!("「{trimmed}」 was left out as the 附注: it says how the document may be published; set `disclosure` yourself"),
            );
        } else if let Some(current) = attachment.as_mut() {
            if current.title.is_empty() && current.body.is_empty() && p.centred {
                current.title = trimmed.to_owned();
            } else {
                found.source_text.push_str(&layout_free(trimmed));
                current.push(&markdown::paragraph(p));
            }
        } else {
            found.notice(
                i,
                format!("「{trimmed}」 after the 落款 could not be placed: it is not an attachment, 附注 or 版记; add it where it belongs"),
            );
        }
    }
    found.attachments.extend(attachment);
    // 號 ends a number only in Traditional script.
    if traditional || found.number.as_deref().is_some_and(|n| n.ends_with('號')) {
        found.language = Some("zh-Hant");
        found.found.push("繁体字 (language zh-Hant)".into());
    }
    for (attachment, title) in found.attachments.iter_mut().zip(&listed) {
        if attachment.title.is_empty() {
            attachment.title.clone_from(title);
        }
    }
    let titles: Vec<String> = found
        .attachments
        .iter()
        .map(|a| format!("{} {}", a.label, a.title))
        .collect();
    if !titles.is_empty() {
        found.found.push(format!("附件 {}", titles.join("；")));
    }
    if listed.len() != found.attachments.len()
        && !(listed.is_empty() && found.attachments.is_empty())
    {
        found.notice(
            0,
            format!(
                "the 附件 list names {} attachments but {} attachment pages were found; check the attachments",
                listed.len(),
                found.attachments.len()
            ),
        );
    }
    found
}

impl Recognised {
    fn notice(&mut self, block: usize, message: String) {
        self.notices.push(Notice {
            paragraph: block + 1,
            message,
        });
    }
}

impl Attachment {
    fn push(&mut self, markdown: &str) {
        if !self.body.is_empty() {
            self.body.push_str("\n\n");
        }
        self.body.push_str(markdown);
    }
}

/// `机关代字〔YYYY〕N号` in `text`, with the brackets GB/T 9704 asks for
/// whatever brackets the file used.
pub fn document_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.trim().chars().collect();
    let open = chars
        .iter()
        .position(|c| matches!(c, '〔' | '[' | '［' | '【'))?;
    let year: String = chars.get(open + 1..open + 5)?.iter().collect();
    if !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !matches!(chars.get(open + 5)?, '〕' | ']' | '］' | '】') {
        return None;
    }
    let digits: String = chars[open + 6..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let suffix = *chars.get(open + 6 + digits.len())?;
    if digits.is_empty() || !matches!(suffix, '号' | '號') {
        return None;
    }
    let start = chars[..open]
        .iter()
        .rposition(|c| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let agency: String = chars[start..open].iter().collect();
    if agency.is_empty() {
        return None;
    }
    Some(format!("{agency}〔{year}〕{digits}{suffix}"))
}

/// A date written out in a 落款: `2025年7月8日` or `二〇二五年七月八日`.
pub fn chinese_date(text: &str) -> Option<Date> {
    let (year, rest) = text.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let year = if year.chars().all(|c| c.is_ascii_digit()) {
        year.parse().ok()?
    } else {
        year.chars()
            .map(|c| digit_of(c).map(u32::from))
            .try_fold(0u32, |n, d| Some(n * 10 + d?))?
    };
    let date = Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(small_number(month)?).ok()?,
        day: u8::try_from(small_number(day)?).ok()?,
    };
    crate::verify::date::is_calendar_date(&date.iso()).then_some(date)
}

/// 1–99 in Arabic digits or Chinese numerals (七, 十二, 二十八).
fn small_number(text: &str) -> Option<u32> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', unit] => Some(10 + u32::from(digit_of(*unit)?)),
        [tens, '十'] => Some(10 * u32::from(digit_of(*tens)?)),
        [tens, '十', unit] => Some(10 * u32::from(digit_of(*tens)?) + u32::from(digit_of(*unit)?)),
        [unit] => Some(u32::from(digit_of(*unit)?)),
        _ => None,
    }
}

fn digit_of(c: char) -> Option<u8> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .or_else(|| (c == '零' || c == 'О' || c == '○').then_some(0))
        .and_then(|d| u8::try_from(d).ok())
}

/// 主送机关: bodies named before a colon, such as `各区人民政府，市政府各委、办、
/// 局：`. A body's name ends in what it is (政府, 局, 单位, 部门…); a sentence
/// that ends in a colon (`经研究，市政府决定：`, `现公告如下：`) does not.
fn is_addressees(text: &str) -> bool {
    let Some(names) = text.strip_suffix(['：', ':']) else {
        return false;
    };
    names.chars().count() <= 200
        && !names.contains(['。', '；', '：'])
        && names.chars().last().is_some_and(|c| {
            "府局委办厅位门构司院会处室心组部署所站校行区县镇队团社辦廳門構處組".contains(c)
        })
}

fn is_issuer_line(text: &str) -> bool {
    let text = text.trim();
    let n = text.chars().count();
    n > 0 && n <= 60 && !text.ends_with(['。', '；', '：', '，'])
}

fn is_attachment_label(text: &str) -> bool {
    text.strip_prefix("附件")
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()))
}

fn is_imprint(text: &str) -> bool {
    text.starts_with("抄送") || (text.ends_with("印发") && chinese_date_within(text))
}

fn chinese_date_within(text: &str) -> bool {
    text.contains('年') && text.contains('月') && text.contains('日')
}

fn is_note(text: &str) -> bool {
    (text.starts_with('（') && text.ends_with('）') || text.starts_with('(') && text.ends_with(')'))
        && (text.contains("公开")
            || text.contains("發布")
            || text.contains("发布")
            || text.contains("公開"))
}

fn starts_with_list_number(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && text[digits..].starts_with(['．', '.', '、'])
}

fn strip_list_number(text: &str) -> String {
    let text = text.trim();
    if starts_with_list_number(text) {
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        text[digits..]
            .trim_start_matches(['．', '.', '、'])
            .trim()
            .to_owned()
    } else {
        text.to_owned()
    }
}

/// The characters of `text` that the edition must print, in order: no
/// spaces of any width, no line breaks.
pub fn layout_free(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn table_text(table: &Table) -> String {
    table
        .rows
        .iter()
        .flatten()
        .filter(|cell| !cell.continues)
        .map(|cell| layout_free(&cell.text))
        .collect()
}
