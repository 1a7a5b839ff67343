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
    Table(Table),
}

/// A table as offices make them: a grid of cells, some merged across rows or
/// columns, whose first rows are a header that repeats on each page.
///
/// The grid is `header` (row 0) followed by `rows` (rows 1, 2, …); it has as
/// many columns as its longest row, a shorter row being padded with empty
/// cells. A merged region is a [`Span`]: its text is the top-left cell's,
/// and the other positions it covers hold no text (empty or absent cells).
/// A table without merges and with a one-row header has no `spans` and no
/// `header_rows` in its JSON, exactly as before merges existed, so that a
/// reader of the data that knows nothing of them sees the same grid, merged
/// regions as a cell of text beside empty ones.
///
/// An importer (from .docx, say) builds one grid row per table row, puts each
/// merged region's text in its top-left cell, leaves the covered cells empty,
/// and lists the regions in `spans`; [`Table::check`] says what it got wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TableFields")]
pub struct Table {
    /// Each column's alignment; a column past the end is left-aligned.
    pub align: Vec<Align>,
    /// The grid's first row: the header's only row, or its first.
    pub header: Vec<Vec<Inline>>,
    /// The grid's other rows: the first `header_rows - 1` still header rows,
    /// the rest the body.
    pub rows: Vec<Vec<Vec<Inline>>>,
    /// How many rows, from the top of the grid, are the header: at least 1.
    #[serde(skip_serializing_if = "is_one")]
    pub header_rows: usize,
    /// The merged regions, none overlapping another, each inside the header
    /// or inside the body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
}

/// A merged region of a [`Table`]'s grid, named by its top-left cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Grid row of the top-left cell: 0 is [`Table::header`], 1 the first of
    /// [`Table::rows`].
    pub row: usize,
    /// Column of the top-left cell, from 0.
    pub column: usize,
    /// How many rows the region covers, at least 1.
    pub rows: usize,
    /// How many columns the region covers, at least 1; a region is at least
    /// two cells.
    pub columns: usize,
}

/// What a table's JSON holds before [`Table::check`] has passed it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFields {
    align: Vec<Align>,
    header: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    #[serde(default = "one")]
    header_rows: usize,
    #[serde(default)]
    spans: Vec<Span>,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

impl TryFrom<TableFields> for Table {
    type Error = TableError;

    fn try_from(fields: TableFields) -> Result<Self, TableError> {
        let table = Table {
            align: fields.align,
            header: fields.header,
            rows: fields.rows,
            header_rows: fields.header_rows,
            spans: fields.spans,
        };
        table.check()?;
        Ok(table)
    }
}

/// Why a [`Table`]'s header rows or merged regions do not fit its grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// `header_rows` is 0 or more than the grid's rows.
    HeaderRows {
        header_rows: usize,
        grid_rows: usize,
    },
    /// A region of one cell, or one reaching past the grid.
    Outside(Span),
    /// A region with rows in the header and rows in the body.
    CrossesHeader(Span),
    /// Two regions covering the same cell.
    Overlap(Span, Span),
    /// A covered cell (not the region's top-left one) that holds text.
    CoveredText {
        span: Span,
        row: usize,
        column: usize,
    },
    /// A grid row every cell of which is covered by regions from above:
    /// it would have no cell of its own, which HTML and Akoma Ntoso rows
    /// need; the regions above should span one row less and the row go.
    CoveredRow(usize),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |s: &Span| {
            format!(
                "the merged region at row {} column {} ({}×{})",
                s.row, s.column, s.rows, s.columns
            )
        };
        match self {
            TableError::HeaderRows {
                header_rows,
                grid_rows,
            } => write!(
                f,
                "a table of {grid_rows} rows cannot have {header_rows} header rows"
            ),
            TableError::Outside(s) => {
                write!(
                    f,
                    "{} is less than two cells or reaches past the table",
                    at(s)
                )
            }
            TableError::CrossesHeader(s) => {
                write!(f, "{} crosses from the header into the body", at(s))
            }
            TableError::Overlap(a, b) => write!(f, "{} overlaps {}", at(a), at(b)),
            TableError::CoveredText { span, row, column } => write!(
                f,
                "{} covers the cell at row {row} column {column}, which holds text",
                at(span)
            ),
            TableError::CoveredRow(row) => {
                write!(f, "every cell of row {row} is covered by merged regions")
            }
        }
    }
}

impl std::error::Error for TableError {}

impl Table {
    /// The grid's rows: the header's first row, then `rows`.
    pub fn grid(&self) -> impl Iterator<Item = &Vec<Vec<Inline>>> {
        std::iter::once(&self.header).chain(&self.rows)
    }

    /// The grid's width: its longest row's cells.
    pub fn columns(&self) -> usize {
        self.grid().map(Vec::len).max().unwrap_or(0)
    }

    /// Whether the cell at grid `row` and `column` is covered by a region
    /// that starts elsewhere, and so is not drawn.
    pub fn is_covered(&self, row: usize, column: usize) -> bool {
        self.spans.iter().any(|s| {
            (s.row..s.row + s.rows).contains(&row)
                && (s.column..s.column + s.columns).contains(&column)
                && (s.row, s.column) != (row, column)
        })
    }

    /// The region starting at grid `row` and `column`, if one does.
    pub fn span_at(&self, row: usize, column: usize) -> Option<&Span> {
        self.spans
            .iter()
            .find(|s| (s.row, s.column) == (row, column))
    }

    /// Checks that the header rows and merged regions fit the grid: what
    /// reading the JSON enforces, so no renderer meets a region it cannot
    /// draw.
    pub fn check(&self) -> Result<(), TableError> {
        let grid_rows = 1 + self.rows.len();
        if self.header_rows == 0 || self.header_rows > grid_rows {
            return Err(TableError::HeaderRows {
                header_rows: self.header_rows,
                grid_rows,
            });
        }
        let columns = self.columns();
        let grid: Vec<&Vec<Vec<Inline>>> = self.grid().collect();
        for (index, span) in self.spans.iter().enumerate() {
            let outside = span.rows == 0
                || span.columns == 0
                || span.rows * span.columns < 2
                || span
                    .row
                    .checked_add(span.rows)
                    .is_none_or(|end| end > grid_rows)
                || span
                    .column
                    .checked_add(span.columns)
                    .is_none_or(|end| end > columns);
            if outside {
                return Err(TableError::Outside(*span));
            }
            if span.row < self.header_rows && span.row + span.rows > self.header_rows {
                return Err(TableError::CrossesHeader(*span));
            }
            let overlaps = |other: &Span| {
                span.row < other.row + other.rows
                    && other.row < span.row + span.rows
                    && span.column < other.column + other.columns
                    && other.column < span.column + span.columns
            };
            if let Some(other) = self.spans[..index].iter().find(|o| overlaps(o)) {
                return Err(TableError::Overlap(*other, *span));
            }
            for (row, cells) in grid.iter().enumerate().skip(span.row).take(span.rows) {
                for column in span.column..span.column + span.columns {
                    let text = cells.get(column).is_some_and(|cell| !cell.is_empty());
                    if text && (row, column) != (span.row, span.column) {
                        return Err(TableError::CoveredText {
                            span: *span,
                            row,
                            column,
                        });
                    }
                }
            }
        }
        match (0..grid_rows).find(|&row| (0..columns).all(|c| self.is_covered(row, c))) {
            Some(row) if columns > 0 => Err(TableError::CoveredRow(row)),
            _ => Ok(()),
        }
    }
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

/// The text of `inlines` without their faces, a line break as a space.
pub fn plain_text(inlines: &[Inline]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Vec<Inline> {
        vec![Inline::Text { text: text.into() }]
    }

    /// A 3×3 grid, a one-row header over two body rows, every cell written.
    fn table(spans: Vec<Span>) -> Table {
        let row = |n: &str| vec![cell(n), cell("任务"), cell("单位")];
        Table {
            align: Vec::new(),
            header: row("序号"),
            rows: vec![row("1"), row("2")],
            header_rows: 1,
            spans,
        }
    }

    fn span(row: usize, column: usize, rows: usize, columns: usize) -> Span {
        Span {
            row,
            column,
            rows,
            columns,
        }
    }

    /// `table` with the cells `spans` cover emptied, as an importer leaves them.
    fn merged(spans: Vec<Span>) -> Table {
        let mut table = table(spans.clone());
        for s in &spans {
            for r in s.row..s.row + s.rows {
                for c in s.column..s.column + s.columns {
                    if (r, c) != (s.row, s.column) {
                        let row = if r == 0 {
                            &mut table.header
                        } else {
                            &mut table.rows[r - 1]
                        };
                        // A region reaching past the grid covers cells none holds.
                        if let Some(cell) = row.get_mut(c) {
                            cell.clear();
                        }
                    }
                }
            }
        }
        table
    }

    #[test]
    fn a_table_s_regions_must_fit_its_grid() {
        assert_eq!(
            merged(vec![span(1, 0, 2, 1), span(1, 1, 1, 2)]).check(),
            Ok(())
        );
        let past = span(1, 1, 1, 3);
        assert_eq!(merged(vec![past]).check(), Err(TableError::Outside(past)));
        let one = span(1, 1, 1, 1);
        assert_eq!(table(vec![one]).check(), Err(TableError::Outside(one)));
        let crossing = span(0, 0, 2, 1);
        assert_eq!(
            merged(vec![crossing]).check(),
            Err(TableError::CrossesHeader(crossing))
        );
        let (a, b) = (span(1, 0, 2, 2), span(2, 1, 1, 2));
        assert_eq!(merged(vec![a, b]).check(), Err(TableError::Overlap(a, b)));
        let whole = span(1, 0, 2, 3);
        assert_eq!(merged(vec![whole]).check(), Err(TableError::CoveredRow(2)));
    }

    #[test]
    fn a_covered_cell_holds_no_text_and_header_rows_fit_the_grid() {
        let down = span(1, 2, 2, 1);
        assert_eq!(
            table(vec![down]).check(),
            Err(TableError::CoveredText {
                span: down,
                row: 2,
                column: 2
            })
        );
        let mut two = merged(vec![span(0, 0, 2, 1)]);
        two.header_rows = 2;
        assert_eq!(two.check(), Ok(()));
        for header_rows in [0, 4] {
            two.header_rows = header_rows;
            assert_eq!(
                two.check(),
                Err(TableError::HeaderRows {
                    header_rows,
                    grid_rows: 3
                })
            );
        }
    }
}
