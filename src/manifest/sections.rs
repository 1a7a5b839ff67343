//! The [[sections]] of issue.toml and the documents each lists: read in
//! order, each document checked against its issue and the documents before it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::fields::{At, Table};
use super::{Folder, document};
use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Disclosure, Document, Issue, Language, Section};

impl Folder {
    /// The issue's sections with their documents; `issue` is `None` when
    /// the [issue] table could not be read.
    pub(super) fn sections(
        &self,
        top: &Table,
        issue: Option<&Issue>,
        language: &Language,
        diags: &mut Diagnostics,
    ) -> Vec<Section> {
        let entries = top.tables("sections", diags);
        if entries.is_empty() {
            diags.push(
                top.file()
                    .error(0..0, "the issue has no sections")
                    .help("add a [[sections]] table with a title and its documents"),
            );
        }
        let mut reader = Sections {
            folder: self,
            issue,
            language,
            paths: HashMap::new(),
            numbers: HashMap::new(),
        };
        let mut sections = Vec::new();
        for entry in entries {
            let table = top.nested(entry, "[[sections]]", &["title", "documents"], diags);
            if let Some(section) = reader.section(&table, diags) {
                sections.push(section);
            }
        }
        sections
    }
}

/// The sections being read, and what their documents have claimed so far:
/// a path listed twice, or a document number used twice, is reported.
struct Sections<'r> {
    folder: &'r Folder,
    issue: Option<&'r Issue>,
    /// The gazette's language, which a document keeps unless it names its own.
    language: &'r Language,
    /// Each document path listed so far, and where.
    paths: HashMap<String, Range<usize>>,
    /// Each document number used so far, and the file using it.
    numbers: HashMap<String, PathBuf>,
}

impl Sections<'_> {
    /// One section, its documents read in order; `None` without a title.
    fn section(&mut self, table: &Table, diags: &mut Diagnostics) -> Option<Section> {
        let title = table.string("title", Some("\"市政府文件\""), diags);
        let mut documents = Vec::new();
        for At { value: path, span } in listed(table, title.as_ref(), diags) {
            if let Some(document) = self.document(table.file(), &path, span, diags) {
                documents.push(document);
            }
        }
        Some(Section {
            title: title?.value,
            documents,
        })
    }

    /// The document `path`, listed in `manifest` at `span`, read and checked.
    fn document(
        &mut self,
        manifest: &SourceFile,
        path: &str,
        span: Range<usize>,
        diags: &mut Diagnostics,
    ) -> Option<Document> {
        let path = self
            .folder
            .relative(Path::new(""), path, manifest, span.clone(), diags)?;
        if let Some(first) = self.paths.get(&path) {
            let (line, _) = manifest
                .error(first.clone(), "")
                .line_column()
                .unwrap_or((0, 0));
            diags.push(
                manifest
                    .error(
                        span,
                        format!("duplicate document: \"{path}\" is listed twice"),
                    )
                    .help(format!(
                        "it is already listed on line {line}; remove one of them"
                    )),
            );
            return None;
        }
        self.paths.insert(path.clone(), span.clone());
        let loaded = document::load(self.folder, diags, &path, (manifest, span), self.language)?;
        self.check(&loaded, diags);
        Some(loaded.document)
    }

    /// Checks that concern a document among the others and in its issue.
    fn check(&mut self, loaded: &document::Loaded, diags: &mut Diagnostics) {
        let document = &loaded.document;
        let file = &loaded.file;
        if document.disclosure != Disclosure::Proactive {
            diags.push(
                file.error(loaded.disclosure_span.clone(), "this document is not for proactive disclosure and cannot enter a public edition")
                    .help("only documents marked 主动公开 are published in the gazette (公开属性审查); take it out of the issue's sections, or correct its disclosure attribute if it was wrong"),
            );
        }
        if let Some(issue) = self.issue
            && document.date > issue.date
        {
            diags.push(
                file.error(loaded.date_span.clone(), format!("the document is dated {}, after the issue's publication date {}", document.date.iso(), issue.date.iso()))
                    .help("a gazette publishes documents already written: check `date` here and in issue.toml"),
            );
        }
        if let (Some(number), Some(span)) = (&document.number, &loaded.number_span) {
            if let Some(first) = self.numbers.get(number) {
                diags.push(
                    file.error(
                        span.clone(),
                        format!(
                            "duplicate document: number {number} is also used by {}",
                            first.display()
                        ),
                    )
                    .help(
                        "each document number is unique: list the document once, or correct the number",
                    ),
                );
            } else {
                self.numbers.insert(number.clone(), file.path.clone());
            }
        }
    }
}

/// The document paths a section lists; a section that lists none is reported.
fn listed(table: &Table, title: Option<&At<String>>, diags: &mut Diagnostics) -> Vec<At<String>> {
    let listed = table.strings("documents", diags);
    match &listed {
        Some(At { value, span }) if value.is_empty() => diags.push(
            table
                .file()
                .error(span.clone(), "empty section: it lists no documents")
                .help("list at least one document file, or remove the section"),
        ),
        None if table.raw_str("documents").is_none() => diags.push(
            table
                .file()
                .error(
                    table.span(),
                    format!(
                        "section \"{}\" has no `documents`",
                        title.map_or("", |t| &t.value)
                    ),
                )
                .help("add `documents = [\"documents/….md\"]`"),
        ),
        _ => {}
    }
    listed.map(|l| l.value).unwrap_or_default()
}
