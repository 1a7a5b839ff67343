//! The validated edition: what the manifest says once every check has passed.
//! Renderers read only this model, serialised as JSON, never the user's files;
//! the published data (`crate::data`) is made of it and read back into it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize)]
pub struct Edition {
    /// `<gazette id>-<year>-<NN>`, the folder and file name of the edition.
    pub id: String,
    /// A stable identifier, independent of where and when the edition is
    /// built; see [`crate::identifier`].
    pub uri: String,
    pub gazette: Gazette,
    pub issue: Issue,
    pub fonts: Fonts,
    /// Who seals the edition; never given to the templates.
    #[serde(skip)]
    pub seal: Option<Seal>,
    /// The issue's own typst templates, if it has them; never given to the
    /// templates as data.
    #[serde(skip)]
    pub templates: Option<Templates>,
    pub sections: Vec<Section>,
}

/// The manifest's [templates] folder: typst files that replace gazette's own
/// of the same name, and any other file they import or read (a logo, say).
#[derive(Debug, Clone)]
pub struct Templates {
    /// The folder, relative to the issue folder, `/`-separated.
    pub folder: String,
    /// Every file, in path order.
    pub files: Vec<TemplateFile>,
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Relative to the templates folder, `/`-separated: how typst names it,
    /// from the root (`/cover.typ`).
    pub path: String,
    /// As saved: what the package keeps.
    pub bytes: Vec<u8>,
    /// A typst file's (`.typ`) text, decoded from `bytes` when the manifest
    /// was read: what typst compiles, and what its errors point into.
    pub text: Option<String>,
}

impl Templates {
    /// The file at `path` (relative to the folder), if the issue has it.
    pub fn file(&self, path: &str) -> Option<&TemplateFile> {
        self.files.iter().find(|file| file.path == path)
    }
}

/// The manifest's [seal] table: the identity that seals the edition and what
/// the visible seal says.
#[derive(Debug, Clone)]
pub struct Seal {
    /// A key file path (resolved) or a PKCS#11 URI.
    pub key: String,
    /// The certificate chain, seal's first; a PKCS#12 key file may carry it instead.
    pub certificates: Option<PathBuf>,
    /// The name along the seal's upper arc, if the table gives one; see
    /// [`Edition::seal_text`] for the default.
    pub organisation: Option<String>,
    /// The line below the star, if the table gives one.
    pub purpose: Option<String>,
    /// The RFC 3161 time-stamp authority's URL: with it the PDF seal goes
    /// beyond B-B (see `level`).
    pub timestamp: Option<String>,
    /// How far a time-stamped seal is carried; B-LTA when not given.
    pub level: Option<crate::seal::Level>,
}

/// What the visible seal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealText {
    pub organisation: String,
    pub purpose: String,
}

/// The seal's purpose when [seal] names none.
pub const SEAL_PURPOSE: &str = "公报专用章";

impl Edition {
    /// What this edition's visible seal says: the [seal] table's words, else
    /// the publisher and [`SEAL_PURPOSE`]. Also when the command line names
    /// the key and the manifest has no [seal] at all.
    pub fn seal_text(&self) -> SealText {
        let seal = self.seal.as_ref();
        SealText {
            organisation: seal
                .and_then(|s| s.organisation.clone())
                .unwrap_or_else(|| self.gazette.publisher.clone()),
            purpose: seal
                .and_then(|s| s.purpose.clone())
                .unwrap_or_else(|| SEAL_PURPOSE.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gazette {
    pub id: String,
    /// The base its identifiers hang from, when [gazette] names one; see
    /// [`crate::identifier`].
    pub uri: Option<String>,
    /// Where a page's QR code sends its reader, a URL holding `{code}`
    /// once, when [gazette] names one; see [`crate::verification_code`].
    /// Left out of the data when absent, so that data written before it
    /// keeps its bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
    pub title: String,
    pub title_en: Option<String>,
    pub publisher: String,
    pub issn: Option<String>,
    pub cn: Option<String>,
    pub language: Language,
}

impl Gazette {
    /// `ISSN 1672-0636　CN 31-1728/D`, as the cover and the web pages print
    /// the serial numbers, or `None` without either.
    pub fn serial_numbers(&self) -> Option<String> {
        let ids: Vec<String> = [
            self.issn.as_ref().map(|issn| format!("ISSN {issn}")),
            self.cn.as_ref().map(|cn| format!("CN {cn}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join("　"))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    pub year: u16,
    pub number: u32,
    pub running: Option<u32>,
    pub date: Date,
}

/// The font families for each typographic role, first found wins.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    pub song: Vec<String>,
    pub fangsong: Vec<String>,
    pub hei: Vec<String>,
    pub kai: Vec<String>,
}

impl Fonts {
    /// The role names, as the manifest's `[fonts]` table spells them.
    pub const ROLES: [&'static str; 4] = ["song", "fangsong", "hei", "kai"];

    /// Each role with its family list, in the order of [`Fonts::ROLES`].
    pub fn roles_mut(&mut self) -> [(&'static str, &mut Vec<String>); 4] {
        let [song, fangsong, hei, kai] = Self::ROLES;
        [
            (song, &mut self.song),
            (fangsong, &mut self.fangsong),
            (hei, &mut self.hei),
            (kai, &mut self.kai),
        ]
    }

    /// The families of the fonts bundled in `fonts/`, the default for every role.
    /// The Song face stands in for FangSong: no open-licensed FangSong exists.
    pub fn bundled() -> Self {
        let one = |family: &str| vec![family.to_string()];
        Self {
            song: one("Noto Serif CJK SC"),
            fangsong: one("Noto Serif CJK SC"),
            hei: one("Noto Sans CJK SC"),
            kai: one("LXGW WenKai"),
        }
    }
}

/// A BCP 47 tag with the parts typst needs to shape and break lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub tag: String,
    /// ISO 639 language, as typst's `text(lang:)` wants it.
    pub lang: String,
    /// ISO 3166 region for typst's `text(region:)`: it picks CJK punctuation style.
    pub region: Option<String>,
}

impl Language {
    pub fn zh_hans() -> Self {
        Self {
            tag: "zh-Hans".into(),
            lang: "zh".into(),
            region: Some("CN".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date as GB/T 9704 writes it: Arabic numerals, 年月日, no leading zeros.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The time a seal claims for an edition of this date.
    pub fn seal_time(self) -> SealTime {
        SealTime(self)
    }
}

/// The time a seal claims: midnight in China (UTC+8) on the issue date.
/// Deterministic, unlike the clock, and the day the edition speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealTime(Date);

impl SealTime {
    /// As a PDF date: `D:20250815000000+08'00'`.
    pub fn pdf(&self) -> String {
        let Date { year, month, day } = self.0;
        format!("D:{year:04}{month:02}{day:02}000000+08'00'")
    }

    /// As RFC 3339: `2025-08-15T00:00:00+08:00`.
    pub fn rfc3339(&self) -> String {
        format!("{}T00:00:00+08:00", self.0.iso())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Its stable identifier, from the edition's and its place in it (see
    /// [`crate::identifier`]).
    pub uri: String,
    /// The document's source file, relative to the issue folder, `/`-separated.
    pub source: String,
    pub title: String,
    /// The editor's own lines for the title, if the front matter gives them;
    /// typesetting data only, never published.
    #[serde(skip)]
    pub title_lines: Option<ManualLines>,
    pub number: Option<String>,
    pub issuer: String,
    pub addressees: Option<String>,
    pub date: Date,
    pub disclosure: Disclosure,
    pub signatory: Option<String>,
    pub language: Language,
    pub body: Vec<Block>,
    pub attachments: Vec<Attachment>,
    pub interpretation: Option<Interpretation>,
}

/// A title's lines as its editor broke them in the front matter
/// (`title = ["…", "…"]`), which typesetting uses instead of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualLines {
    pub lines: Vec<String>,
    /// The line of the document's file that gives them, for warnings.
    pub line: usize,
}

/// 公开属性: whether and how a document may be disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disclosure {
    /// 主动公开: published proactively; the only kind a public edition carries.
    Proactive,
    /// 依申请公开: disclosed on request only.
    OnRequest,
    /// 不予公开: not disclosed.
    Withheld,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// `附件`, `附件1`…, or `None` for the text a 印发 notice issues.
    pub label: Option<String>,
    pub title: String,
    /// As [`Document::title_lines`].
    #[serde(skip)]
    pub title_lines: Option<ManualLines>,
    pub source: String,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Interpretation {
    pub title: String,
    /// As [`Document::title_lines`].
    #[serde(skip)]
    pub title_lines: Option<ManualLines>,
    pub source: String,
    pub body: Vec<Block>,
}

/// The typeface a heading or run-in lead is set in, from its numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Face {
    Hei,
    Kai,
    Fangsong,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Block {
    Paragraph {
        /// A run-in heading such as `（一）加强组织领导。` or `第一条`.
        lead: Option<Lead>,
        inlines: Vec<Inline>,
    },
    Heading {
        level: u8,
        face: Face,
        /// `第一章 总则`: centred rather than indented.
        chapter: bool,
        text: String,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Table {
        align: Vec<Align>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lead {
    pub face: Face,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Inline {
    Text { text: String },
    Strong { text: String },
    Emph { text: String },
    Break,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Auto,
    Left,
    Center,
    Right,
}

/// Where the PDF edition's pages begin in the text, so that the EPUB edition
/// can mark the same pages and a citation by page works in both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    /// One entry per printed page that holds document text, in page order.
    pub starts: Vec<PageStart>,
}

/// A printed page and where in the text it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageStart {
    /// The number printed on the page (`— 5 —`).
    pub page: u32,
    /// The first block that starts on the page, or, when the page begins in the
    /// middle of a long block, that block.
    pub block: BlockRef,
    /// True when the page begins inside `block` rather than at its start.
    pub inside: bool,
}

/// A block of text in the edition: section and document indexes, which part
/// of the document, and the block's index in that part. A part's title counts
/// as block 0's position: a page that starts with a title maps to block 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BlockRef {
    pub section: usize,
    pub document: usize,
    pub part: Part,
    pub block: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Body,
    /// The attachment at this index in [`Document::attachments`].
    Attachment(usize),
    Interpretation,
}
