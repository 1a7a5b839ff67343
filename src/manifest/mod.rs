//! The issue manifest: `issue.toml` and the document files it lists, read and
//! checked into an [`Edition`]. Every problem is collected, none stops the
//! reading, so one run reports them all.

mod discover;
mod document;
mod fields;
mod markdown;
mod templates;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

pub use discover::discover;
use fields::{At, Table};
pub use templates::is_scratch;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{Disclosure, Edition, Fonts, Gazette, Language, Seal, Section};

/// The issue folder of `path`, which names the folder or its `issue.toml`.
pub fn root_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// Reads the issue at `path`: a folder holding `issue.toml`, or that file.
pub fn load(path: &Path) -> Result<Edition, Diagnostics> {
    let root = root_of(path);
    let manifest = if path.is_dir() {
        path.join("issue.toml")
    } else {
        path.to_path_buf()
    };
    let canonical_root = match root
        .canonicalize()
        .or_else(|_| Path::new(".").canonicalize())
    {
        Ok(root) if manifest.is_file() => root,
        _ => {
            return Err(vec![
                Diagnostic::in_file(path, "no issue manifest here")
                    .help("ISSUE is a folder holding issue.toml, or the path of that file"),
            ]);
        }
    };
    let folder = Folder {
        root,
        canonical_root,
    };
    let name = manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut diags = Vec::new();
    match folder.edition(&name, &mut diags) {
        Some(edition) if diags.is_empty() => Ok(edition),
        _ => Err(diags),
    }
}

/// The issue folder: every file of the issue is read through it.
struct Folder {
    /// The folder as the editor named it, for messages.
    root: PathBuf,
    /// The same folder resolved, to keep every file read inside it.
    canonical_root: PathBuf,
}

impl Folder {
    fn display(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// Reads a file of the issue; `path` has been checked by [`Issue::relative`].
    /// `listed` is where the file is named (a manifest or front-matter value),
    /// so that a missing file is reported at the line to correct.
    fn read(
        &self,
        path: &str,
        listed: Option<(&SourceFile, Range<usize>)>,
        diags: &mut Diagnostics,
    ) -> Option<SourceFile> {
        let display = self.display(path);
        let inside = display
            .canonicalize()
            .is_ok_and(|real| real.starts_with(&self.canonical_root));
        let result = if inside {
            std::fs::read(&display)
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        };
        match result.map(String::from_utf8) {
            Ok(Ok(text)) => Some(SourceFile::new(display, text.replace("\r\n", "\n"))),
            Ok(Err(_)) => {
                diags.push(
                    Diagnostic::in_file(&display, "the file is not UTF-8 text")
                        .help("save it as UTF-8"),
                );
                None
            }
            Err(error) => {
                let help = "check the path; paths are relative to the file that names them";
                diags.push(match (error.kind(), listed) {
                    (std::io::ErrorKind::NotFound, Some((file, span))) => file
                        .error(span, format!("no such file: {}", display.display()))
                        .help(help),
                    (std::io::ErrorKind::NotFound, None) => {
                        Diagnostic::in_file(&display, "cannot read the file: no such file")
                            .help(help)
                    }
                    _ => Diagnostic::in_file(&display, format!("cannot read the file: {error}"))
                        .help(help),
                });
                None
            }
        }
    }

    /// Resolves `path`, written in `file` relative to `folder` (both inside the
    /// issue), to a `/`-separated path relative to the issue folder. Refuses
    /// absolute paths and paths that leave the issue folder.
    fn relative(
        &self,
        folder: &Path,
        path: &str,
        file: &SourceFile,
        span: Range<usize>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let mut parts: Vec<String> = folder
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        for component in Path::new(path).components() {
            match component {
                Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                Component::CurDir => {}
                Component::ParentDir if !parts.is_empty() => {
                    parts.pop();
                }
                _ => {
                    diags.push(
                        file.error(span, format!("\"{path}\" is outside the issue folder"))
                            .help("keep every file of the issue inside its folder and name it by a relative path"),
                    );
                    return None;
                }
            }
        }
        Some(parts.join("/"))
    }

    fn edition(&self, manifest: &str, diags: &mut Diagnostics) -> Option<Edition> {
        let file = self.read(manifest, None, diags)?;
        let toml = fields::parse(&file, &file.text, 0, diags)?;
        let top = Table::new(
            &file,
            &toml,
            0..0,
            0,
            "issue.toml",
            &["gazette", "issue", "fonts", "seal", "templates", "sections"],
            diags,
        );

        let gazette = match top.table("gazette", diags) {
            Some(table) => gazette(&file, table, diags),
            None => {
                diags.push(
                    file.error(0..0, "issue.toml has no [gazette] table")
                        .help("add a [gazette] table with id, title, publisher and language"),
                );
                None
            }
        };
        let issue = match top.table("issue", diags) {
            Some(table) => issue(&file, table, diags),
            None => {
                diags.push(
                    file.error(0..0, "issue.toml has no [issue] table")
                        .help("add an [issue] table with year, number and date"),
                );
                None
            }
        };
        let fonts = fonts(&top, diags);
        let seal = top
            .table("seal", diags)
            .and_then(|entry| self.seal(&file, entry, gazette.as_ref(), diags));
        let templates = top
            .table("templates", diags)
            .and_then(|entry| self.templates(&file, entry, diags));
        let section_tables = top.tables("sections", diags);
        if section_tables.is_empty() {
            diags.push(
                file.error(0..0, "the issue has no sections")
                    .help("add a [[sections]] table with a title and its documents"),
            );
        }
        let language = gazette
            .as_ref()
            .map_or_else(Language::zh_hans, |g| g.language.clone());
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        let mut numbers: HashMap<String, (PathBuf, Range<usize>)> = HashMap::new();
        let mut sections = Vec::new();
        for entry in &section_tables {
            let table = Table::new(
                &file,
                entry.value,
                entry.span.clone(),
                0,
                "[[sections]]",
                &["title", "documents"],
                diags,
            );
            let title = table.string("title", Some("\"市政府文件\""), diags);
            let listed = table.strings("documents", diags);
            let mut documents = Vec::new();
            match &listed {
                Some(At { value, span }) if value.is_empty() => diags.push(
                    file.error(span.clone(), "empty section: it lists no documents")
                        .help("list at least one document file, or remove the section"),
                ),
                None if table.raw_str("documents").is_none() => diags.push(
                    file.error(
                        entry.span.clone(),
                        format!(
                            "section \"{}\" has no `documents`",
                            title.as_ref().map_or("", |t| &t.value)
                        ),
                    )
                    .help("add `documents = [\"documents/….md\"]`"),
                ),
                _ => {}
            }
            for At { value: path, span } in listed.map(|l| l.value).unwrap_or_default() {
                let Some(path) = self.relative(Path::new(""), &path, &file, span.clone(), diags)
                else {
                    continue;
                };
                if let Some(first) = seen.get(&path) {
                    let (line, _) = file
                        .error(first.clone(), "")
                        .line_column()
                        .unwrap_or((0, 0));
                    diags.push(
                        file.error(
                            span,
                            format!("duplicate document: \"{path}\" is listed twice"),
                        )
                        .help(format!(
                            "it is already listed on line {line}; remove one of them"
                        )),
                    );
                    continue;
                }
                seen.insert(path.clone(), span.clone());
                let Some(loaded) = document::load(self, diags, &path, (&file, span), &language)
                else {
                    continue;
                };
                check(&loaded, issue.as_ref(), &mut numbers, diags);
                documents.push(loaded.document);
            }
            if let Some(title) = title {
                sections.push(Section {
                    title: title.value,
                    documents,
                });
            }
        }

        let (gazette, (issue, _)) = (gazette?, issue?);
        Some(Edition {
            id: format!("{}-{}-{:02}", gazette.id, issue.year, issue.number),
            uri: format!("urn:gazette:{}:{}:{}", gazette.id, issue.year, issue.number),
            gazette,
            issue,
            fonts,
            seal,
            templates,
            sections,
        })
    }

    /// The [seal] table. Its files may lie outside the issue folder: keys are
    /// kept apart from content, and nothing of them enters the edition.
    fn seal(
        &self,
        file: &SourceFile,
        entry: At<&toml::de::DeTable>,
        gazette: Option<&crate::model::Gazette>,
        diags: &mut Diagnostics,
    ) -> Option<Seal> {
        let table = Table::new(
            file,
            entry.value,
            entry.span,
            0,
            "[seal]",
            &["certificates", "key", "organisation", "purpose"],
            diags,
        );
        let key = table.string("key", Some("\"../keys/seal.p12\""), diags);
        let certificates = table.string("certificates", None, diags);
        let organisation = table.string("organisation", None, diags);
        let purpose = table.string("purpose", None, diags);
        // Whether the files exist is checked when the seal is opened: a build
        // with --no-seal, e.g. an archive rebuilding from a package, needs none.
        let key = key?.value;
        let key = if key.starts_with("pkcs11:") {
            key
        } else {
            self.root.join(key).to_string_lossy().into_owned()
        };
        let certificates = certificates.map(|at| self.root.join(at.value));
        Some(Seal {
            key,
            certificates,
            organisation: organisation
                .map(|o| o.value)
                .or_else(|| gazette.map(|g| g.publisher.clone()))
                .unwrap_or_default(),
            purpose: purpose.map_or_else(|| "公报专用章".to_string(), |p| p.value),
        })
    }
}

/// Checks that concern a document among the others and in its issue.
fn check(
    loaded: &document::Loaded,
    issue: Option<&(crate::model::Issue, Range<usize>)>,
    numbers: &mut HashMap<String, (PathBuf, Range<usize>)>,
    diags: &mut Diagnostics,
) {
    let document = &loaded.document;
    let file = &loaded.file;
    if document.disclosure != Disclosure::Proactive {
        diags.push(
                file.error(loaded.disclosure_span.clone(), "this document is not for proactive disclosure and cannot enter a public edition")
                    .help("only documents marked 主动公开 are published in the gazette (公开属性审查); take it out of the issue's sections, or correct its disclosure attribute if it was wrong"),
            );
    }
    if let Some((issue, _)) = issue
        && document.date > issue.date
    {
        diags.push(
                file.error(loaded.date_span.clone(), format!("the document is dated {}, after the issue's publication date {}", document.date.iso(), issue.date.iso()))
                    .help("a gazette publishes documents already written: check `date` here and in issue.toml"),
            );
    }
    if let (Some(number), Some(span)) = (&document.number, &loaded.number_span) {
        if let Some((first, _)) = numbers.get(number) {
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
            numbers.insert(number.clone(), (file.path.clone(), span.clone()));
        }
    }
}

fn gazette(
    file: &SourceFile,
    entry: At<&toml::de::DeTable>,
    diags: &mut Diagnostics,
) -> Option<Gazette> {
    let table = Table::new(
        file,
        entry.value,
        entry.span,
        0,
        "[gazette]",
        &[
            "id",
            "title",
            "title_en",
            "publisher",
            "issn",
            "cn",
            "language",
        ],
        diags,
    );
    let id = table.string("id", Some("\"shanghai-gazette\""), diags);
    if let Some(At { value, span }) = &id
        && (!value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            || value.starts_with('-'))
    {
        diags.push(file.error(span.clone(), format!("gazette id \"{value}\" is not a slug")).help("use lowercase ASCII letters, digits and hyphens, e.g. \"shanghai-gazette\"; it names the edition's files"));
    }
    let title = table.string("title", Some("\"上海市人民政府公报\""), diags);
    let title_en = table.string("title_en", None, diags);
    let publisher = table.string("publisher", Some("\"上海市人民政府办公厅\""), diags);
    let issn = table.string("issn", None, diags);
    if let Some(At { value, span }) = &issn
        && !valid_issn(value)
    {
        diags.push(file.error(span.clone(), format!("\"{value}\" is not a valid ISSN")).help("an ISSN is NNNN-NNNC where C is the mod-11 check digit (0-9 or X); copy it from the ISSN register"));
    }
    let cn = table.string("cn", None, diags);
    if let Some(At { value, span }) = &cn
        && !valid_cn(value)
    {
        diags.push(
            file.error(
                span.clone(),
                format!("\"{value}\" is not a China serial number"),
            )
            .help("write it as NN-NNNN/X, e.g. \"31-1234/D\""),
        );
    }
    let language = table
        .string("language", Some("\"zh-Hans\""), diags)
        .and_then(|tag| language(file, &tag, diags));
    if let Some(At { value, span }) = &id
        && value.len() > 64
    {
        diags.push(
            file.error(span.clone(), "gazette id is longer than 64 characters")
                .help("use a short slug"),
        );
    }
    Some(Gazette {
        id: id?.value,
        title: title?.value,
        title_en: title_en.map(|t| t.value),
        publisher: publisher?.value,
        issn: issn.map(|i| i.value),
        cn: cn.map(|c| c.value),
        language: language?,
    })
}

fn issue(
    file: &SourceFile,
    entry: At<&toml::de::DeTable>,
    diags: &mut Diagnostics,
) -> Option<(crate::model::Issue, Range<usize>)> {
    let table = Table::new(
        file,
        entry.value,
        entry.span.clone(),
        0,
        "[issue]",
        &["year", "number", "running", "date"],
        diags,
    );
    let year = table.integer("year", 1900..10000, true, diags);
    let number = table.integer("number", 1..1000, true, diags);
    let running = table.integer("running", 1..1_000_000, false, diags);
    let date = table.date("date", diags);
    if let (Some(year), Some(date)) = (&year, &date)
        && i64::from(date.value.year) != year.value
    {
        diags.push(
            file.error(
                date.span.clone(),
                format!(
                    "the publication date {} is not in the issue's year {}",
                    date.value.iso(),
                    year.value
                ),
            )
            .help("an issue is published in its own year: correct `year` or `date`"),
        );
    }
    Some((
        crate::model::Issue {
            year: u16::try_from(year?.value).ok()?,
            number: u32::try_from(number?.value).ok()?,
            running: running.and_then(|r| u32::try_from(r.value).ok()),
            date: date?.value,
        },
        entry.span,
    ))
}

fn fonts(top: &Table, diags: &mut Diagnostics) -> Fonts {
    let mut fonts = Fonts::bundled();
    let Some(entry) = top.table("fonts", diags) else {
        return fonts;
    };
    let table = Table::new(
        top.file(),
        entry.value,
        entry.span,
        0,
        "[fonts]",
        &Fonts::ROLES,
        diags,
    );
    for (role, families) in fonts.roles_mut() {
        if let Some(listed) = table.strings(role, diags) {
            let mut chosen: Vec<String> = listed.value.into_iter().map(|f| f.value).collect();
            for bundled in families.drain(..) {
                if !chosen.contains(&bundled) {
                    chosen.push(bundled);
                }
            }
            *families = chosen;
        }
    }
    fonts
}

/// Reads a BCP 47 tag into what the typesetter needs; only the scripts and
/// regions it can set correctly are accepted.
fn language(file: &SourceFile, tag: &At<String>, diags: &mut Diagnostics) -> Option<Language> {
    let mut parts = tag.value.split('-');
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    let rest: Vec<&str> = parts.collect();
    let valid_lang = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    let region = match (lang.as_str(), rest.as_slice()) {
        (_, _) if !valid_lang => None,
        ("zh", ["Hans"] | ["Hans", "CN"] | ["CN"]) => Some(Some("CN")),
        ("zh", ["Hant"] | ["Hant", "TW"] | ["TW"]) => Some(Some("TW")),
        ("zh", ["Hant", "HK"] | ["HK"]) => Some(Some("HK")),
        ("zh", _) => None,
        (_, []) => Some(None),
        _ => None,
    };
    let Some(region) = region else {
        diags.push(
            file.error(
                tag.span.clone(),
                format!("unsupported language tag \"{}\"", tag.value),
            )
            .help("use a BCP 47 tag such as zh-Hans, zh-Hant, zh-Hant-HK or en"),
        );
        return None;
    };
    Some(Language {
        tag: tag.value.clone(),
        lang,
        region: region.map(str::to_string),
    })
}

fn valid_issn(issn: &str) -> bool {
    let chars: Vec<char> = issn.chars().collect();
    if chars.len() != 9 || chars[4] != '-' {
        return false;
    }
    let digits: Vec<char> = chars.iter().copied().filter(|c| *c != '-').collect();
    if !digits[..7].iter().all(char::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits[..7]
        .iter()
        .zip((2..=8).rev())
        .map(|(d, w)| d.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = (11 - sum % 11) % 11;
    let expected = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('?')
    };
    digits[7].to_ascii_uppercase() == expected
}

fn valid_cn(cn: &str) -> bool {
    let Some((number, class)) = cn.split_once('/') else {
        return false;
    };
    let Some((region, serial)) = number.split_once('-') else {
        return false;
    };
    region.len() == 2
        && serial.len() == 4
        && (region.to_owned() + serial)
            .bytes()
            .all(|b| b.is_ascii_digit())
        && !class.is_empty()
        && class
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issn_check_digit() {
        assert!(valid_issn("0317-8471"));
        assert!(valid_issn("2434-561X"));
        assert!(!valid_issn("0317-8472"));
        assert!(!valid_issn("03178471"));
    }

    #[test]
    fn cn_numbers() {
        assert!(valid_cn("31-1234/D"));
        assert!(!valid_cn("31-123/D"));
        assert!(!valid_cn("311234/D"));
    }
}
