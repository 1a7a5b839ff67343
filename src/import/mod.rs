//! `gazette import`: documents as offices send them (.docx; .doc, .wps and
//! .odt through LibreOffice) turned into the Markdown documents with
//! front matter, listed in issue.toml. Every file is read and recognised
//! before anything is written; then each file is put in place whole.
//!
//! The pipeline: [`docx`] reads the zip of XML as paragraphs and tables,
//! [`recognise`] tells the GB/T 9704 parts apart, [`markdown`] writes the
//! body, [`fidelity`] reads it back as a build would and compares its text
//! with the Word file's, [`listing`] adds the document to issue.toml.

mod docx;
mod fidelity;
mod legacy;
mod listing;
mod markdown;
mod recognise;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::manifest;

pub use docx::Notice;

/// What `gazette import` was asked to do.
pub struct Request<'a> {
    pub files: &'a [PathBuf],
    /// The issue folder, or its issue.toml.
    pub into: &'a Path,
    /// The section to list the documents in; the last one when `None`.
    pub section: Option<&'a str>,
}

/// One imported document: where it was written, what was recognised and
/// what the editor must look at.
pub struct Imported {
    pub source: PathBuf,
    /// The document's file, relative to the issue folder.
    pub document: String,
    pub attachments: Vec<String>,
    pub found: Vec<String>,
    pub notices: Vec<Notice>,
    /// Front-matter keys the file did not give and the editor must set.
    pub to_set: Vec<&'static str>,
}

/// A file ready to be written, relative to the issue folder.
struct Planned {
    path: String,
    bytes: Vec<u8>,
}

/// Imports `request.files` into the issue: all or nothing.
pub fn import(request: &Request) -> Result<(Vec<Imported>, String), Diagnostics> {
    let manifest_file = manifest::file_of(request.into);
    let root = manifest::root_of(request.into);
    let listing_text = std::fs::read_to_string(&manifest_file).map_err(|error| {
        vec![
            Diagnostic::in_file(&manifest_file, format!("cannot read the issue: {error}"))
                .help("give the issue folder (the one holding issue.toml) after --into; `gazette new` starts one"),
        ]
    })?;
    let mut planned = Vec::new();
    let mut imported = Vec::new();
    let mut problems = Vec::new();
    for source in request.files {
        match plan(source) {
            Ok((document, files)) => {
                if let Some(clash) = files.iter().find(|f| {
                    root.join(&f.path).exists()
                        || planned.iter().any(|p: &Planned| p.path == f.path)
                }) {
                    problems.push(
                        Diagnostic::in_file(
                            source,
                            format!("{} already exists in the issue", clash.path),
                        )
                        .help("gazette import never overwrites an editor's file: remove or rename it first, or rename the Word file"),
                    );
                    continue;
                }
                planned.extend(files);
                imported.push(document);
            }
            Err(diagnostic) => problems.push(*diagnostic),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let documents: Vec<&str> = imported.iter().map(|i| i.document.as_str()).collect();
    let (listed, section) = listing::add(&listing_text, &documents, request.section)
        .map_err(|message| vec![Diagnostic::in_file(&manifest_file, message)])?;
    let cannot_write = |path: &Path, error: std::io::Error| {
        vec![
            Diagnostic::in_file(path, format!("cannot write: {error}"))
                .help("check that the issue folder can be written"),
        ]
    };
    for file in &planned {
        let path = root.join(&file.path);
        write_whole(&path, &file.bytes).map_err(|e| cannot_write(&path, e))?;
    }
    write_whole(&manifest_file, listed.as_bytes()).map_err(|e| cannot_write(&manifest_file, e))?;
    Ok((imported, section))
}

/// Reads and recognises `source`, and plans its files in the issue.
fn plan(source: &Path) -> Result<(Imported, Vec<Planned>), Box<Diagnostic>> {
    let bytes = legacy::docx_bytes(source)?;
    let docx = docx::read(&bytes).map_err(|why| {
        Box::new(
            Diagnostic::in_file(source, format!("cannot import: {why}"))
                .help("open it in Word or WPS and save it again as .docx; nothing was written"),
        )
    })?;
    let recognised = recognise::recognise(&docx.blocks, docx.traditional);
    let stem = file_stem(source);
    let mut notices = docx.notices;
    notices.extend(fidelity::check(source, &recognised));
    let document = format!("documents/{stem}.md");
    let attachments: Vec<String> = (1..=recognised.attachments.len())
        .map(|n| format!("documents/attachments/{stem}-{n}.md"))
        .collect();
    let mut to_set = vec!["disclosure"];
    if recognised.issuer.is_none() {
        to_set.push("issuer");
    }
    if recognised.date.is_none() {
        to_set.push("date");
    }
    let mut files = vec![Planned {
        path: document.clone(),
        bytes: front_matter(&recognised, &stem).into_bytes(),
    }];
    for (attachment, path) in recognised.attachments.iter().zip(&attachments) {
        files.push(Planned {
            path: path.clone(),
            bytes: format!("{}\n", attachment.body.trim_end()).into_bytes(),
        });
    }
    notices.extend(recognised.notices);
    notices.sort_by_key(|n| n.paragraph);
    Ok((
        Imported {
            source: source.to_owned(),
            document,
            attachments,
            found: recognised.found,
            notices,
            to_set,
        },
        files,
    ))
}

/// The document's file: front matter, then the body.
fn front_matter(document: &recognise::Recognised, stem: &str) -> String {
    let string = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut text = String::from("+++\n");
    text.push_str(&format!("title      = {}\n", string(&document.title)));
    if let Some(number) = &document.number {
        text.push_str(&format!("number     = {}\n", string(number)));
    }
    match &document.issuer {
        Some(issuer) => text.push_str(&format!("issuer     = {}\n", string(issuer))),
        None => text.push_str(
            "# issuer   = \"\"              # 发文机关署名: not found in the file; set it\n",
        ),
    }
    if let Some(addressees) = &document.addressees {
        text.push_str(&format!("addressees = {}\n", string(addressees)));
    }
    match &document.date {
        Some(date) => text.push_str(&format!("date       = {}\n", date.iso())),
        None => text
            .push_str("# date     = YYYY-MM-DD      # 成文日期: not found in the file; set it\n"),
    }
    if let Some(language) = document.language {
        text.push_str(&format!("language   = {}\n", string(language)));
    }
    text.push_str(
        "# disclosure = \"主动公开\"    # 公开属性: set it yourself (主动公开, 依申请公开 or 不予公开); gazette never guesses it\n",
    );
    let several = document.attachments.len() > 1;
    for (n, attachment) in document.attachments.iter().enumerate() {
        text.push_str("\n[[attachments]]\n");
        text.push_str(&format!("title = {}\n", string(&attachment.title)));
        text.push_str(&format!(
            "file  = {}\n",
            string(&format!("attachments/{stem}-{}.md", n + 1))
        ));
        let printed = if several {
            format!("附件{}", n + 1)
        } else {
            "附件".to_owned()
        };
        if attachment.label != printed {
            text.push_str(&format!("label = {}\n", string(&attachment.label)));
        }
    }
    text.push_str("+++\n\n");
    text.push_str(&document.body);
    text
}

/// The Word file's name without its extension, as a file name the issue
/// can hold: path separators and control characters become `-`.
fn file_stem(source: &Path) -> String {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let stem = stem.trim_matches(['.', ' ']).to_owned();
    if stem.is_empty() {
        "document".into()
    } else {
        stem
    }
}

/// Writes `path` through a temporary file beside it, renamed into place:
/// never half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
