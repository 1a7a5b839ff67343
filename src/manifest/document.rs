//! One document file: TOML front matter between `+++` lines, then a Markdown body.

use std::ops::Range;
use std::path::Path;

use super::fields::{At, Table, Title};
use super::{Folder, markdown};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{Attachment, Date, Disclosure, Document, Interpretation, Language};

const KEYS: &[&str] = &[
    "title",
    "number",
    "issuer",
    "addressees",
    "date",
    "disclosure",
    "signatory",
    "language",
    "attachments",
    "interpretation",
];

/// A document read from its file, with what later checks need to point at.
pub struct Loaded {
    pub document: Document,
    pub file: SourceFile,
    pub number_span: Option<std::ops::Range<usize>>,
    pub date_span: std::ops::Range<usize>,
    pub disclosure_span: std::ops::Range<usize>,
}

/// Reads the document at `path` (`listed` is where the issue names it, so a
/// missing file is reported there). Every problem found is pushed to `diags`
/// in the order a reader meets it in the file; `None` means the document
/// cannot be used, and at least one error says why.
pub fn load(
    issue: &Folder,
    diags: &mut Diagnostics,
    path: &str,
    listed: (&SourceFile, Range<usize>),
    language: &Language,
) -> Option<Loaded> {
    let file = issue.read(path, Some(listed), diags)?;
    let (front, body_offset) = split_front_matter(&file, diags)?;
    let toml = super::fields::parse(&file, front, diags)?;
    let table = Table::new(&toml, "the document's front matter", KEYS, diags);
    let header = Header::read(&table, &file, language, diags);
    let body = markdown::parse(&file, &file.text[body_offset..], body_offset, diags);
    let enclosures = Enclosures {
        issue,
        table: &table,
        file: &file,
        folder: Path::new(path).parent().unwrap_or(Path::new("")),
    };
    let attachments = enclosures.attachments(diags);
    let interpretation = enclosures.interpretation(diags);

    let (title, issuer, date, disclosure) = (
        header.title?,
        header.issuer?,
        header.date?,
        header.disclosure?,
    );
    Some(Loaded {
        number_span: header.number.as_ref().map(|n| n.span.clone()),
        date_span: date.span,
        disclosure_span: disclosure.span,
        document: Document {
            // Known once every document of the edition is read: see
            // `manifest::identify`.
            uri: String::new(),
            source: path.to_string(),
            title: title.value.text,
            title_lines: title.value.lines,
            number: header.number.map(|n| n.value),
            issuer: issuer.value,
            addressees: header
                .addressees
                .map(|a| a.value.trim_end_matches(['：', ':']).to_string()),
            date: date.value,
            disclosure: disclosure.value,
            signatory: header.signatory.map(|s| s.value),
            language: header.language,
            body,
            attachments,
            interpretation,
        },
        file,
    })
}

/// The front matter's own fields, before the files it names are read. A field
/// is `None` when it is absent or wrong; the reason is already in the
/// diagnostics, so the caller only decides whether the document can stand.
struct Header {
    title: Option<At<Title>>,
    number: Option<At<String>>,
    issuer: Option<At<String>>,
    addressees: Option<At<String>>,
    date: Option<At<Date>>,
    disclosure: Option<At<Disclosure>>,
    signatory: Option<At<String>>,
    language: Language,
}

impl Header {
    /// Reads the fields in the order they are documented, so diagnostics come
    /// out in that order; the document inherits the issue's `language` unless
    /// it names its own (a bad tag is reported and the issue's is kept).
    fn read(
        table: &Table,
        file: &SourceFile,
        language: &Language,
        diags: &mut Diagnostics,
    ) -> Header {
        let title = table.title("title", Some("\"上海市人民政府关于……的通知\""), diags);
        let number = table.string("number", None, diags);
        let issuer = table.string("issuer", Some("\"上海市人民政府办公厅\""), diags);
        let addressees = table.string("addressees", None, diags);
        let date = table.date("date", diags);
        let disclosure = disclosure(table, diags);
        let signatory = table.string("signatory", None, diags);
        let language = match table.string("language", None, diags) {
            Some(tag) => super::language(file, &tag, diags).unwrap_or_else(|| language.clone()),
            None => language.clone(),
        };
        if let (Some(number), Some(date)) = (&number, &date) {
            check_number(file, number, date.value, diags);
        }
        Header {
            title,
            number,
            issuer,
            addressees,
            date,
            disclosure,
            signatory,
            language,
        }
    }
}

/// What reading a document's attachments and interpretation needs: their
/// paths in the front matter are relative to the document's own `folder`, and
/// a problem with one is pointed at where `file` names it.
struct Enclosures<'e, 't, 'i> {
    issue: &'e Folder,
    table: &'e Table<'t, 'i>,
    file: &'e SourceFile,
    folder: &'e Path,
}

impl Enclosures<'_, '_, '_> {
    /// The `[[attachments]]`, in the order written. An attachment without a
    /// label is numbered 附件1, 附件2… when more than one needs a number, and
    /// is plain 附件 when it is the only one.
    fn attachments(&self, diags: &mut Diagnostics) -> Vec<Attachment> {
        let attachment_tables = self.table.tables("attachments", diags);
        let numbered = attachment_tables
            .iter()
            .filter(|t| t.value.get("label").is_none())
            .count();
        let mut attachments = Vec::new();
        let mut counter = 0;
        for entry in attachment_tables {
            let sub =
                self.table
                    .nested(entry, "[[attachments]]", &["title", "file", "label"], diags);
            attachments.extend(self.attachment(&sub, numbered, &mut counter, diags));
        }
        attachments
    }

    /// One `[[attachments]]` entry; `None` when it cannot be used (already
    /// reported). `numbered` is how many entries have no label; `counter`
    /// counts those numbered so far and moves on even for an unusable entry,
    /// so numbers follow the order written.
    fn attachment(
        &self,
        sub: &Table,
        numbered: usize,
        counter: &mut usize,
        diags: &mut Diagnostics,
    ) -> Option<Attachment> {
        let title = sub.title("title", Some("\"2025年重点任务分工表\""), diags);
        let label = match sub.get_label(diags) {
            Some(label) => label,
            None => {
                *counter += 1;
                Some(if numbered > 1 {
                    format!("附件{counter}")
                } else {
                    "附件".to_string()
                })
            }
        };
        let At {
            value: source,
            span,
        } = sub.string("file", Some("\"attachments/table.md\""), diags)?;
        let source = self
            .issue
            .relative(self.folder, &source, self.file, span.clone(), diags);
        let (Some(title), Some(source)) = (title, source) else {
            return None;
        };
        let body = self.issue.markdown(&source, (self.file, span), diags)?;
        Some(Attachment {
            label,
            title: title.value.text,
            title_lines: title.value.lines,
            source,
            body,
        })
    }

    /// The `[interpretation]` (政策解读) published with the document, if any.
    fn interpretation(&self, diags: &mut Diagnostics) -> Option<Interpretation> {
        let entry = self.table.table("interpretation", diags)?;
        let sub = self
            .table
            .nested(entry, "[interpretation]", &["title", "file"], diags);
        let title = sub.title("title", Some("\"《……》政策解读\""), diags);
        let At {
            value: source,
            span,
        } = sub.string("file", Some("\"interpretations/x.md\""), diags)?;
        let source = self
            .issue
            .relative(self.folder, &source, self.file, span.clone(), diags)?;
        let body = self.issue.markdown(&source, (self.file, span), diags)?;
        let title = title?.value;
        Some(Interpretation {
            title: title.text,
            title_lines: title.lines,
            source,
            body,
        })
    }
}

impl Table<'_, '_> {
    /// `label = ""` marks an unlabelled enclosure; `None` means "number me".
    fn get_label(&self, diags: &mut Diagnostics) -> Option<Option<String>> {
        let raw = self.raw_str("label")?;
        if raw.trim().is_empty() {
            return Some(None);
        }
        self.string("label", None, diags).map(|l| Some(l.value))
    }
}

/// Splits off the front matter: returns its byte range and where the body starts.
fn split_front_matter(
    file: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<(std::ops::Range<usize>, usize)> {
    let text = &file.text;
    let help = "start the file with a line `+++`, then the document's TOML keys (title, issuer, date, disclosure…), then another line `+++`, then the body";
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "+++" {
        diags.push(
            file.error(0..first.len(), "the document has no front matter")
                .help(help),
        );
        return None;
    }
    let start = first.len() + 1;
    let mut position = start;
    for line in text[start.min(text.len())..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((start..position, position + line.len()));
        }
        position += line.len();
    }
    diags.push(
        file.error(0..3, "the front matter is never closed")
            .help("add a line `+++` after the last front-matter key"),
    );
    None
}

fn disclosure(table: &Table, diags: &mut Diagnostics) -> Option<At<Disclosure>> {
    let At { value, span } = table.string("disclosure", Some("\"主动公开\""), diags)?;
    let disclosure = match value.as_str() {
        "主动公开" | "主動公開" => Disclosure::Proactive,
        "依申请公开" | "依申請公開" => Disclosure::OnRequest,
        "不予公开" | "不予公開" => Disclosure::Withheld,
        _ => {
            diags.push(
                table
                    .file()
                    .error(span, format!("unknown disclosure attribute \"{value}\""))
                    .help("write one of 主动公开, 依申请公开, 不予公开"),
            );
            return None;
        }
    };
    Some(At {
        value: disclosure,
        span,
    })
}

/// 发文字号 after GB/T 9704-2012 7.2.4: 机关代字, the year in 〔〕, a serial
/// number without leading zeros, then 号.
fn check_number(file: &SourceFile, number: &At<String>, date: Date, diags: &mut Diagnostics) {
    let text = number.value.as_str();
    let error = |message: String, help: &str| {
        file.error(number.span.clone(), message)
            .help(help.to_string())
    };
    let Some((agency, rest)) = text.split_once('〔') else {
        let help = if text.contains(['[', '(', '（', '【', '［']) {
            "write the year in the hexagonal brackets 〔〕 (U+3014, U+3015), e.g. 沪府办字〔2025〕5号"
        } else {
            "write it as 机关代字〔年份〕序号号, e.g. 沪府办字〔2025〕5号"
        };
        diags.push(error(
            format!("malformed document number \"{text}\": no year in 〔〕"),
            help,
        ));
        return;
    };
    let (year, serial) = rest.split_once('〕').unwrap_or((rest, ""));
    let serial_digits = serial.trim_end_matches(['号', '號']);
    let problem = if agency.trim().is_empty() {
        Some("it has no issuing agency's code before 〔")
    } else if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        Some("the year in 〔〕 must be four digits")
    } else if serial_digits.is_empty() || !serial_digits.bytes().all(|b| b.is_ascii_digit()) {
        Some("the serial number after 〕 must be Arabic digits")
    } else if serial_digits.starts_with('0') {
        Some("the serial number has a leading zero (GB/T 9704 forbids 虚位)")
    } else if serial_digits.len() == serial.len() {
        Some("it must end in 号")
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(error(
            format!("malformed document number \"{text}\": {problem}"),
            "write it as 机关代字〔年份〕序号号, e.g. 沪府办字〔2025〕5号",
        ));
    } else if year.parse::<u16>().ok() != Some(date.year) {
        diags.push(error(
            format!(
                "the document number's year {year} is not the year of the date written ({})",
                date.year
            ),
            "a document is numbered in the year it is written: check the number and `date`",
        ));
    }
}

impl Folder {
    /// Reads a Markdown file that has no front matter (attachment, interpretation).
    fn markdown(
        &self,
        path: &str,
        listed: (&SourceFile, Range<usize>),
        diags: &mut Diagnostics,
    ) -> Option<Vec<crate::model::Block>> {
        let file = self.read(path, Some(listed), diags)?;
        if file.text.starts_with("+++") {
            diags.push(
                file.error(
                    0..3,
                    "attachment and interpretation files have no front matter",
                )
                .help("put their title in the document's front matter and remove the `+++` block"),
            );
        }
        let blocks = markdown::parse(&file, &file.text, 0, diags);
        if blocks.is_empty() {
            diags.push(
                Diagnostic::in_file(&self.display(path), "the file is empty")
                    .help("write its text, or remove it from the document's front matter"),
            );
        }
        Some(blocks)
    }
}
