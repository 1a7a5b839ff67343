//! Every page of the site, shaped as JSON views for templates/site/: the
//! home page, one per year, one per issue, one per document, the search and
//! the verify page, and the two scripts that carry the trust anchors and
//! the signed manifests to the verify page.
//!
//! Links are relative, so the site works from any sub-path and from disk.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use super::published::{FileFacts, Published, files_folder, issue_folder};
use super::templates::{self, ASSETS};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::epub::{self, Templates};
use crate::model::{Disclosure, Document, Edition};
use crate::package::manifest::DocumentEntry;

/// The site's pages and generated assets, by path.
pub type Files = Vec<(String, Vec<u8>)>;

/// Renders every page of `editions` (in issue order), pinning `roots`.
pub fn render(editions: &[Published], roots: &[Vec<u8>]) -> Result<Files, Diagnostics> {
    let engine = templates::engine().map_err(failed)?;
    let Some(latest) = editions.last() else {
        return Ok(Vec::new());
    };
    let site = Site {
        engine,
        gazette: gazette_view(&latest.edition),
        lang: latest.edition.gazette.language.tag.clone(),
    };
    let mut files: Files = ASSETS
        .iter()
        .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
        .collect();
    files.push(("assets/trust.js".into(), trust_script(roots)));
    let mut published_roots = Vec::new();
    for (index, der) in roots.iter().enumerate() {
        let name = format!("root-{}.pem", index + 1);
        published_roots.push(json!({
            "name": name,
            "href": format!("../assets/trust/{name}"),
            "subject": crate::cms::certs::ParsedCertificate::from_der(der).map(|c| c.subject_text()).unwrap_or_default(),
            "sha256": crate::digest::sha256(der),
        }));
        files.push((format!("assets/trust/{name}"), pem(der)));
    }
    files.push(("assets/manifests.js".into(), manifests_script(editions)));
    files.push(site.home(editions)?);
    let mut years: BTreeMap<u16, Vec<&Published>> = BTreeMap::new();
    for edition in editions {
        years
            .entry(edition.edition.issue.year)
            .or_default()
            .push(edition);
    }
    for (year, issues) in &years {
        files.push(site.year(*year, issues)?);
    }
    for edition in editions {
        files.push(site.issue(edition)?);
        for (position, entry) in edition.manifest.documents.iter().enumerate() {
            files.push(site.document(edition, position, entry)?);
        }
    }
    files.push(site.page(
        "search/index.html",
        "search.html",
        "search",
        "检索",
        Vec::new(),
        json!({}),
    )?);
    files.push(site.page(
        "verify/index.html",
        "verify.html",
        "verify",
        "核验文件",
        Vec::new(),
        json!({ "roots": published_roots }),
    )?);
    Ok(files)
}

struct Site {
    engine: Templates,
    gazette: Value,
    lang: String,
}

impl Site {
    /// One page at `path`, its `view` joined by what every page shows.
    fn page(
        &self,
        path: &str,
        template: &str,
        current: &str,
        title: &str,
        crumbs: Vec<Value>,
        mut view: Value,
    ) -> Result<(String, Vec<u8>), Diagnostics> {
        let root = "../".repeat(path.matches('/').count());
        let title = match current {
            "home" => self.gazette["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            _ => format!(
                "{title} - {}",
                self.gazette["title"].as_str().unwrap_or_default()
            ),
        };
        let common = json!({
            "root": root,
            "lang": self.lang,
            "gazette": self.gazette,
            "current": current,
            "title": title,
            "crumbs": crumbs,
        });
        if let (Value::Object(view), Value::Object(common)) = (&mut view, common) {
            for (key, value) in common {
                view.entry(key).or_insert(value);
            }
        }
        let bytes = self.engine.render(template, &view).map_err(failed)?;
        Ok((path.to_owned(), bytes))
    }

    fn home(&self, editions: &[Published]) -> Result<(String, Vec<u8>), Diagnostics> {
        let latest = editions.last().map(|published| {
            let edition = &published.edition;
            let folder = issue_folder(edition);
            json!({
                "href": format!("{folder}index.html"),
                "issue_line": epub::issue_line(edition),
                "date": edition.issue.date.chinese(),
                "cover": cover_path(published).map(|cover| format!("{folder}{cover}")),
                "cover_alt": cover_alt(edition),
                "documents": documents(edition).map(|(position, document)| json!({
                    "href": format!("{folder}{}", document_page(position)),
                    "title": document.title,
                    "lang": own_language(edition, document),
                })).collect::<Vec<_>>(),
            })
        });
        let mut years: BTreeMap<u16, usize> = BTreeMap::new();
        for edition in editions {
            *years.entry(edition.edition.issue.year).or_default() += 1;
        }
        let years: Vec<Value> = years
            .iter()
            .rev()
            .map(|(year, count)| json!({ "year": year, "count": count, "href": format!("{year}/index.html") }))
            .collect();
        self.page(
            "index.html",
            "home.html",
            "home",
            "",
            Vec::new(),
            json!({ "latest": latest, "years": years }),
        )
    }

    fn year(&self, year: u16, issues: &[&Published]) -> Result<(String, Vec<u8>), Diagnostics> {
        let issues: Vec<Value> = issues
            .iter()
            .rev()
            .map(|published| {
                let edition = &published.edition;
                json!({
                    "href": format!("{:02}/index.html", edition.issue.number),
                    "issue_line": epub::issue_line(edition),
                    "date": edition.issue.date.chinese(),
                    "documents": published.manifest.documents.len(),
                })
            })
            .collect();
        let crumbs = vec![
            crumb("首页", Some("../index.html")),
            crumb(&format!("{year}年"), None),
        ];
        self.page(
            &format!("{year}/index.html"),
            "year.html",
            "year",
            &format!("{year}年"),
            crumbs,
            json!({ "year": year, "issues": issues }),
        )
    }

    fn issue(&self, published: &Published) -> Result<(String, Vec<u8>), Diagnostics> {
        let edition = &published.edition;
        let id = &published.manifest.edition.id;
        let entries = &published.manifest.documents;
        let mut position = 0;
        let sections: Vec<Value> = edition
            .sections
            .iter()
            .map(|section| {
                let documents: Vec<Value> = section
                    .documents
                    .iter()
                    .map(|document| {
                        let entry = entries.get(position);
                        position += 1;
                        json!({
                            "href": document_page(position - 1),
                            "title": document.title,
                            "number": document.number,
                            "lang": own_language(edition, document),
                            "pages": entry.map(page_span),
                        })
                    })
                    .collect();
                json!({ "title": section.title, "documents": documents })
            })
            .collect();
        let downloads = [
            (format!("{id}.pdf"), "PDF版（加盖电子印章）"),
            (format!("{id}.epub"), "EPUB版（加盖电子印章）"),
            (published.zip.clone(), "档案包（BagIt，含全部文件和证书）"),
            ("manifest.json".to_owned(), "核验清单（JSON）"),
            ("manifest.json.p7s".to_owned(), "核验清单的电子签名（CMS）"),
            (format!("{id}.json"), "数据（JSON）"),
            (format!("{id}.akn.xml"), "数据（Akoma Ntoso XML）"),
        ];
        let issue_line = epub::issue_line(edition);
        let year = edition.issue.year;
        let crumbs = vec![
            crumb("首页", Some("../../index.html")),
            crumb(&format!("{year}年"), Some("../index.html")),
            crumb(&issue_line, None),
        ];
        let view = json!({ "issue": {
            "issue_line": issue_line,
            "date": edition.issue.date.chinese(),
            "cover": cover_path(published),
            "cover_alt": cover_alt(edition),
            "sections": sections,
            "downloads": download_list(published, &downloads, "../../"),
        }});
        self.page(
            &format!("{}index.html", issue_folder(edition)),
            "issue.html",
            "issue",
            &issue_line,
            crumbs,
            view,
        )
    }

    fn document(
        &self,
        published: &Published,
        position: usize,
        entry: &DocumentEntry,
    ) -> Result<(String, Vec<u8>), Diagnostics> {
        let edition = &published.edition;
        let Some((section, document)) = documents_with_sections(edition).nth(position) else {
            return Err(vec![Diagnostic::new(format!(
                "{}: manifest.json lists more documents than its data holds",
                published.manifest.edition.id
            ))]);
        };
        let blocks = |blocks| epub::blocks_view(blocks).map_err(failed);
        let attachments = document
            .attachments
            .iter()
            .map(|a| Ok(json!({ "label": a.label, "title": a.title, "blocks": blocks(&a.body)? })))
            .collect::<Result<Vec<_>, Diagnostics>>()?;
        let interpretation = match &document.interpretation {
            Some(it) => Some(json!({ "title": it.title, "blocks": blocks(&it.body)? })),
            None => None,
        };
        let id = &published.manifest.edition.id;
        let own = |extension: &str| format!("documents/{id}-{:02}.{extension}", position + 1);
        let downloads = [
            (own("pdf"), "本件PDF（加盖电子印章）"),
            (own("json"), "本件数据（JSON）"),
            (own("akn.xml"), "本件数据（Akoma Ntoso XML）"),
        ];
        let issue_line = epub::issue_line(edition);
        let year = edition.issue.year;
        let crumbs = vec![
            crumb("首页", Some("../../index.html")),
            crumb(&format!("{year}年"), Some("../index.html")),
            crumb(&issue_line, Some("index.html")),
            json!({ "text": document.title, "href": null, "lang": own_language(edition, document) }),
        ];
        let view = json!({
            "document": {
                "lang": document.language.tag,
                "title": document.title,
                "number": document.number,
                "issuer": document.issuer,
                "addressees": document.addressees,
                "date": document.date.chinese(),
                "year": year,
                "section": section,
                "issue_line": issue_line,
                "issue_href": "index.html",
                "pages": page_span(entry),
                "pdf_href": format!("files/{}", own("pdf")),
                "edition_pdf_href": format!("files/{id}.pdf"),
                "code": entry.verification_code,
                "uri": document.uri,
                "blocks": blocks(&document.body)?,
                "attachment_list": attachment_list(document),
                "public": document.disclosure == Disclosure::Proactive,
                "attachments": attachments,
                "interpretation": interpretation,
                "downloads": download_list(published, &downloads, "../../"),
            },
        });
        self.page(
            &format!("{}{}", issue_folder(edition), document_page(position)),
            "document.html",
            "document",
            &document.title,
            crumbs,
            view,
        )
    }
}

/// The gazette as every page's header and footer name it.
fn gazette_view(edition: &Edition) -> Value {
    let gazette = &edition.gazette;
    json!({
        "title": gazette.title,
        "title_en": gazette.title_en,
        "publisher": gazette.publisher,
        "ids": gazette.serial_numbers(),
    })
}

fn crumb(text: &str, href: Option<&str>) -> Value {
    json!({ "text": text, "href": href, "lang": null })
}

/// `01.html`: a document's page in its issue's folder, by its position
/// counted from 0 across sections.
fn document_page(position: usize) -> String {
    format!("{:02}.html", position + 1)
}

fn documents(edition: &Edition) -> impl Iterator<Item = (usize, &Document)> {
    documents_with_sections(edition).map(|(_, d)| d).enumerate()
}

fn documents_with_sections(edition: &Edition) -> impl Iterator<Item = (&str, &Document)> {
    edition
        .sections
        .iter()
        .flat_map(|s| s.documents.iter().map(move |d| (s.title.as_str(), d)))
}

/// The document's language tag when it is not the gazette's.
fn own_language(edition: &Edition, document: &Document) -> Option<String> {
    (document.language.tag != edition.gazette.language.tag).then(|| document.language.tag.clone())
}

/// `3–7` or `5`: the printed pages of the PDF edition a document takes.
fn page_span(entry: &DocumentEntry) -> String {
    let pages = &entry.pdf_pages;
    if pages.first == pages.last {
        pages.first.to_string()
    } else {
        format!("{}–{}", pages.first, pages.last)
    }
}

/// `附件：1．…`, the list under a document's body, as GB/T 9704 writes it.
fn attachment_list(document: &Document) -> Vec<String> {
    let count = document.attachments.len();
    document
        .attachments
        .iter()
        .enumerate()
        .map(|(index, attachment)| {
            let lead = if index == 0 { "附件：" } else { "　　　" };
            match count {
                1 => format!("{lead}{}", attachment.title),
                _ => format!("{lead}{}．{}", index + 1, attachment.title),
            }
        })
        .collect()
}

fn cover_path(published: &Published) -> Option<String> {
    published
        .cover
        .as_ref()
        .map(|(_, extension)| format!("cover.{extension}"))
}

fn cover_alt(edition: &Edition) -> String {
    format!(
        "{}　{}　{} 封面",
        edition.gazette.title,
        epub::issue_line(edition),
        edition.issue.date.chinese()
    )
}

/// The download list of `files` (path in the issue's `files/`, label), from
/// a page in the issue's folder; `to_root` leads from there to the site's root.
fn download_list(published: &Published, files: &[(String, &str)], to_root: &str) -> Vec<Value> {
    let folder = files_folder(&published.edition);
    files
        .iter()
        .filter_map(|(path, label)| {
            let facts: &FileFacts = published.files.get(path)?;
            let name = path.rsplit('/').next().unwrap_or(path);
            Some(json!({
                "href": format!("files/{path}"),
                "label": name,
                "kind": label,
                "size": human_size(facts.size),
                "sha256": facts.sha256,
                "verify": format!("{to_root}verify/index.html?file=../{folder}{path}"),
            }))
        })
        .collect()
}

/// `1.0 MB`, `166 KB`.
fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KB", bytes.div_ceil(1 << 10))
    }
}

/// `assets/trust.js`: the roots the verify page pins, base64 DER.
fn trust_script(roots: &[Vec<u8>]) -> Vec<u8> {
    let roots: Vec<String> = roots.iter().map(|der| BASE64.encode(der)).collect();
    format!("window.GAZETTE_TRUST = {};\n", json!({ "roots": roots })).into_bytes()
}

/// A certificate as PEM, 64 columns, for people and tools to compare.
fn pem(der: &[u8]) -> Vec<u8> {
    let base64 = BASE64.encode(der);
    let mut text = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in base64.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str("-----END CERTIFICATE-----\n");
    text.into_bytes()
}

/// `assets/manifests.js`: every edition's signed manifest and its seal, and
/// where its pages are, from the verify page.
fn manifests_script(editions: &[Published]) -> Vec<u8> {
    let entries: Vec<Value> = editions
        .iter()
        .map(|published| {
            let folder = issue_folder(&published.edition);
            json!({
                "id": published.manifest.edition.id,
                "href": format!("../{folder}index.html"),
                "documents": (0..published.manifest.documents.len())
                    .map(|position| format!("../{folder}{}", document_page(position)))
                    .collect::<Vec<_>>(),
                "manifest": BASE64.encode(&published.manifest_bytes),
                "signature": BASE64.encode(&published.seal),
            })
        })
        .collect();
    let json = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into());
    format!("window.GAZETTE_MANIFESTS = {json};\n").into_bytes()
}

fn failed(error: epub::EpubError) -> Diagnostics {
    let why = match error {
        epub::EpubError::Template(message) => message,
        other => other.to_string(),
    };
    vec![Diagnostic::new(format!("the site's templates failed: {why}")).bug()]
}
