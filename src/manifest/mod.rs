//! The issue manifest: `issue.toml` and the document files it lists, read and
//! checked into an [`Edition`]. Every problem is collected, none stops the
//! reading, so one run reports them all.

mod discover;
mod document;
mod fields;
mod markdown;
mod sections;
mod templates;
pub(crate) mod text;

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

pub use discover::discover;
use fields::{At, Table};
pub use templates::is_scratch;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::identifier::Base;
use crate::model::{Edition, Fonts, Gazette, Issue, Language, Seal, Section};
use crate::seal::Level;
use crate::verification_code;

/// A document body's blocks, as a build reads them, for a tool that writes
/// bodies (the importer) to read back what it wrote.
#[cfg(feature = "typeset")]
pub(crate) fn body_blocks(
    path: &Path,
    text: &str,
) -> Result<Vec<crate::model::Block>, Diagnostics> {
    let file = SourceFile::new(path, text.to_owned());
    let mut problems = Vec::new();
    let blocks = markdown::parse(&file, text, 0, &mut problems);
    if problems.is_empty() {
        Ok(blocks)
    } else {
        Err(problems)
    }
}

/// The manifest's name in an issue folder.
pub const FILE_NAME: &str = "issue.toml";

/// The manifest file of `path`, which names the issue folder or the file.
pub fn file_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(FILE_NAME)
    } else {
        path.to_path_buf()
    }
}

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
    let manifest = file_of(path);
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
        match result {
            Ok(bytes) => match text::decode(&display, &bytes) {
                Ok(text) => Some(SourceFile::new(display, text.replace("\r\n", "\n"))),
                Err(refusal) => {
                    diags.push(*refusal);
                    None
                }
            },
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

    /// Reads issue.toml (`manifest`, in the issue folder) and every file it lists.
    fn edition(&self, manifest: &str, diags: &mut Diagnostics) -> Option<Edition> {
        let file = self.read(manifest, None, diags)?;
        let toml = fields::parse(&file, 0..file.text.len(), diags)?;
        let top = Table::new(
            &toml,
            "issue.toml",
            &["gazette", "issue", "fonts", "seal", "templates", "sections"],
            diags,
        );
        let gazette = gazette(&top, diags);
        let issue = issue(&top, diags);
        let fonts = fonts(&top, diags);
        let seal = self.seal(&top, diags);
        let templates = self.templates(&top, diags);
        let language = gazette
            .as_ref()
            .map_or_else(Language::zh_hans, |g| g.language.clone());
        let mut sections = self.sections(&top, issue.as_ref(), &language, diags);

        let (gazette, issue) = (gazette?, issue?);
        let uri = identify(&gazette, &issue, &mut sections);
        Some(Edition {
            id: format!("{}-{}-{:02}", gazette.id, issue.year, issue.number),
            uri,
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
    fn seal(&self, top: &Table, diags: &mut Diagnostics) -> Option<Seal> {
        let entry = top.table("seal", diags)?;
        let table = top.nested(
            entry,
            "[seal]",
            &[
                "certificates",
                "key",
                "level",
                "organisation",
                "purpose",
                "timestamp",
            ],
            diags,
        );
        let key = table.string("key", Some("\"../keys/seal.p12\""), diags);
        let certificates = table.string("certificates", None, diags);
        let organisation = table.string("organisation", None, diags);
        let purpose = table.string("purpose", None, diags);
        let (timestamp, level) = long_term(&table, diags);
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
            organisation: organisation.map(|o| o.value),
            purpose: purpose.map(|p| p.value),
            timestamp,
            level,
        })
    }
}

/// [seal]'s `timestamp` (a time-stamp authority's URL) and `level` (how far
/// the seal is carried with it: B-T, B-LT or B-LTA, the default).
fn long_term(table: &Table, diags: &mut Diagnostics) -> (Option<String>, Option<Level>) {
    let file = table.file();
    let timestamp = table.string("timestamp", None, diags);
    if let Some(At { value, span }) = &timestamp
        && !(value.starts_with("http://") || value.starts_with("https://"))
    {
        diags.push(
            file.error(span.clone(), format!("\"{value}\" is not an http:// or https:// URL"))
                .help("give the RFC 3161 address your time-stamp authority publishes, e.g. \"http://tsa.example.gov.cn/tsa\""),
        );
    }
    let level = table.string("level", None, diags).and_then(|At { value, span }| {
        match value.parse::<Level>() {
            Ok(Level::B) | Err(_) => {
                diags.push(
                    file.error(span, format!("\"{value}\" is not a level a time-stamped seal can have"))
                        .help("one of \"B-T\", \"B-LT\", \"B-LTA\" (the default); for B-B leave out `timestamp`"),
                );
                None
            }
            Ok(level) => {
                if timestamp.is_none() {
                    diags.push(file.error(span, "`level` needs a `timestamp`").help(
                        "add timestamp = \"URL\" of your time-stamp authority, or remove `level` for a B-B seal",
                    ));
                }
                Some(level)
            }
        }
    });
    (timestamp.map(|t| t.value), level)
}

/// The edition's identifier, after giving each document its own from its
/// place in the edition, counted across sections from 1.
fn identify(gazette: &Gazette, issue: &Issue, sections: &mut [Section]) -> String {
    let base = gazette
        .uri
        .as_deref()
        .and_then(|url| Base::url(url).ok())
        .unwrap_or_else(|| Base::urn(&gazette.id));
    let edition = base.edition(issue.year, issue.number);
    let documents = sections.iter_mut().flat_map(|s| s.documents.iter_mut());
    for (index, document) in documents.enumerate() {
        document.uri = base.document(&edition, index + 1);
    }
    edition
}

/// A table issue.toml cannot do without, reported when it is missing.
fn required<'a, 'i>(
    top: &Table<'a, 'i>,
    key: &str,
    help: &str,
    diags: &mut Diagnostics,
) -> Option<At<&'a toml::de::DeTable<'i>>> {
    let entry = top.table(key, diags);
    if entry.is_none() {
        diags.push(
            top.file()
                .error(0..0, format!("issue.toml has no [{key}] table"))
                .help(help),
        );
    }
    entry
}

fn gazette(top: &Table, diags: &mut Diagnostics) -> Option<Gazette> {
    let help = "add a [gazette] table with id, title, publisher and language";
    let entry = required(top, "gazette", help, diags)?;
    let table = top.nested(
        entry,
        "[gazette]",
        &[
            "id",
            "title",
            "title_en",
            "publisher",
            "uri",
            "verify-url",
            "issn",
            "cn",
            "language",
        ],
        diags,
    );
    let file = table.file();
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
    let uri = table.string("uri", None, diags);
    if let Some(At { value, span }) = &uri
        && let Err(problem) = Base::url(value)
    {
        diags.push(
            file.error(span.clone(), format!("the identifier base \"{value}\" {problem}"))
                .help("give the URL your gazette's identifiers start with, e.g. \"https://gazette.example.gov.cn/eli/cn-sh/gazette\"; editions become …/2025/8 and documents …/2025/8/3"),
        );
    }
    let verify_url = table.string("verify-url", None, diags);
    if let Some(At { value, span }) = &verify_url
        && let Err(problem) = verification_code::check_template(value)
    {
        diags.push(
            file.error(span.clone(), format!("the verification URL \"{value}\" {problem}"))
                .help("give the http(s) address of your verification page with {code} where each page's verification code goes, e.g. \"https://gazette.example.gov.cn/verify?code={code}\"; leave it out to use <uri>/verify?code={code}"),
        );
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
        uri: uri.map(|u| u.value),
        verify_url: verify_url.map(|v| v.value),
        publisher: publisher?.value,
        issn: issn.map(|i| i.value),
        cn: cn.map(|c| c.value),
        language: language?,
    })
}

fn issue(top: &Table, diags: &mut Diagnostics) -> Option<Issue> {
    let help = "add an [issue] table with year, number and date";
    let entry = required(top, "issue", help, diags)?;
    let table = top.nested(
        entry,
        "[issue]",
        &["year", "number", "running", "date"],
        diags,
    );
    let file = table.file();
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
    Some(Issue {
        year: u16::try_from(year?.value).ok()?,
        number: u32::try_from(number?.value).ok()?,
        running: running.and_then(|r| u32::try_from(r.value).ok()),
        date: date?.value,
    })
}

fn fonts(top: &Table, diags: &mut Diagnostics) -> Fonts {
    let mut fonts = Fonts::bundled();
    let Some(entry) = top.table("fonts", diags) else {
        return fonts;
    };
    let table = top.nested(entry, "[fonts]", &Fonts::ROLES, diags);
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

    fn sample_copy(dir: &Path, gazette_line: Option<&str>) -> PathBuf {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
        let to = dir.join("issue");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        if let Some(line) = gazette_line {
            let manifest = to.join("issue.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let text = text.replacen("[gazette]\n", &format!("[gazette]\n{line}\n"), 1);
            std::fs::write(&manifest, text).unwrap();
        }
        to
    }

    fn uris(edition: &Edition) -> Vec<&str> {
        edition
            .sections
            .iter()
            .flat_map(|s| &s.documents)
            .map(|d| d.uri.as_str())
            .collect()
    }

    #[test]
    fn every_document_is_identified_by_its_place_in_the_edition() {
        let dir = tempfile::tempdir().unwrap();
        let edition = load(&sample_copy(dir.path(), None)).unwrap();
        assert_eq!(edition.uri, "urn:gazette:shanghai-gazette:2025:8");
        let uris = uris(&edition);
        assert!(uris.len() > 3, "{uris:?}");
        for (index, uri) in uris.iter().enumerate() {
            assert_eq!(
                *uri,
                format!("urn:gazette:shanghai-gazette:2025:8:{}", index + 1)
            );
        }
    }

    #[test]
    fn a_configured_base_makes_url_identifiers() {
        let dir = tempfile::tempdir().unwrap();
        let base = "https://gazette.example.gov.cn/eli/cn-sh/gazette";
        let issue = sample_copy(dir.path(), Some(&format!("uri = \"{base}\"")));
        let edition = load(&issue).unwrap();
        assert_eq!(edition.uri, format!("{base}/2025/8"));
        assert_eq!(uris(&edition)[1], format!("{base}/2025/8/2"));
    }

    #[test]
    fn a_base_that_cannot_carry_identifiers_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let issue = sample_copy(dir.path(), Some("uri = \"https://x.gov.cn/eli/\""));
        let diags = load(&issue).unwrap_err();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("ends with a slash"),
            "{}",
            diags[0]
        );
        let (line, _) = diags[0].line_column().unwrap();
        let text = std::fs::read_to_string(issue.join("issue.toml")).unwrap();
        assert_eq!(
            text.lines().nth(line - 1),
            Some("uri = \"https://x.gov.cn/eli/\"")
        );
    }

    #[test]
    fn a_verification_url_without_its_placeholder_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let line = "verify-url = \"https://x.gov.cn/verify?code=\"";
        let issue = sample_copy(dir.path(), Some(line));
        let diags = load(&issue).unwrap_err();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("{code}"), "{}", diags[0]);
        assert!(diags[0].to_string().contains("issue.toml"), "{}", diags[0]);
        let (at, _) = diags[0].line_column().unwrap();
        let text = std::fs::read_to_string(issue.join("issue.toml")).unwrap();
        assert_eq!(text.lines().nth(at - 1), Some(line));
        let template = "https://x.gov.cn/verify?code={code}";
        let dir = tempfile::tempdir().unwrap();
        let issue = sample_copy(dir.path(), Some(&format!("verify-url = \"{template}\"")));
        let edition = load(&issue).unwrap();
        assert_eq!(edition.gazette.verify_url.as_deref(), Some(template));
    }

    #[test]
    fn cn_numbers() {
        assert!(valid_cn("31-1234/D"));
        assert!(!valid_cn("31-123/D"));
        assert!(!valid_cn("311234/D"));
    }
}
