//! The rendered files: container order, well-formedness, links, manifest and
//! spine, languages, the parts of a document, metadata.

use std::collections::{HashMap, HashSet};

use super::support::{
    Element, large_edition, page_map, parse, parse_ok, render_plain, sample, svg_cover, text_of,
};
use crate::epub::{Cover, EpubError, EpubFile, EpubOptions, render};
use crate::model::PageMap;

fn is_xml(path: &str) -> bool {
    [".xhtml", ".opf", ".xml"].iter().any(|e| path.ends_with(e))
}

/// `href` (without its fragment) resolved against the folder of `from`.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn ids_by_file(files: &[EpubFile]) -> HashMap<String, HashSet<String>> {
    files
        .iter()
        .filter(|f| is_xml(&f.path))
        .map(|f| {
            let elements = parse_ok(files, &f.path);
            let ids = elements
                .iter()
                .filter_map(|e| e.attr("id"))
                .map(String::from)
                .collect();
            (f.path.clone(), ids)
        })
        .collect()
}

#[test]
fn files_come_in_container_order() {
    let edition = sample();
    let cover = svg_cover();
    let files = render(
        &edition,
        &PageMap::default(),
        Some(&cover),
        &EpubOptions::default(),
    )
    .unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths[..8],
        [
            "mimetype",
            "META-INF/container.xml",
            "EPUB/package.opf",
            "EPUB/nav.xhtml",
            "EPUB/cover.xhtml",
            "EPUB/images/cover.svg",
            "EPUB/css/gazette.css",
            "EPUB/text/s1-d1.xhtml",
        ]
    );
    assert_eq!(files[0].bytes, b"application/epub+zip");
    assert_eq!(files[5].bytes, cover.bytes);
    // One file per document part: 14 documents, 9 attachments, 3 interpretations.
    let parts = paths.iter().filter(|p| p.starts_with("EPUB/text/")).count();
    assert_eq!(parts, 14 + 9 + 3);
}

#[test]
fn every_xml_file_is_well_formed_with_unique_ids() {
    let edition = large_edition();
    let files = render_plain(&edition, &page_map(&edition, 1, 4));
    for file in files.iter().filter(|f| is_xml(&f.path)) {
        let text = std::str::from_utf8(&file.bytes).unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{} starts with the XML declaration",
            file.path
        );
        let elements = parse(text).unwrap_or_else(|e| panic!("{}: {e}", file.path));
        let mut seen = HashSet::new();
        for id in elements.iter().filter_map(|e| e.attr("id")) {
            assert!(seen.insert(id), "{}: id {id} appears twice", file.path);
        }
    }
}

#[test]
fn every_link_resolves_to_a_file_and_an_id() {
    let edition = sample();
    let cover = svg_cover();
    let files = render(
        &edition,
        &page_map(&edition, 5, 3),
        Some(&cover),
        &EpubOptions::default(),
    )
    .unwrap();
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let ids = ids_by_file(&files);
    let mut links = 0;
    for file in files.iter().filter(|f| is_xml(&f.path)) {
        for element in parse_ok(&files, &file.path) {
            let target = match element.name.as_str() {
                "a" | "link" | "item" => element.attr("href"),
                "img" => element.attr("src"),
                "rootfile" => element.attr("full-path"),
                _ => None,
            };
            let Some(target) = target else { continue };
            links += 1;
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let resolved = if element.name == "rootfile" {
                path.to_string()
            } else {
                resolve(&file.path, path)
            };
            assert!(
                paths.contains(resolved.as_str()),
                "{}: {target} leads to {resolved}, which is not in the EPUB",
                file.path
            );
            if !fragment.is_empty() {
                assert!(
                    ids[&resolved].contains(fragment),
                    "{}: {target}: no id {fragment} in {resolved}",
                    file.path
                );
            }
        }
    }
    assert!(links > 100, "only {links} links checked");
}

fn manifest_items(files: &[EpubFile]) -> Vec<Element> {
    parse_ok(files, "EPUB/package.opf")
        .into_iter()
        .filter(|e| e.name == "item")
        .collect()
}

#[test]
fn the_manifest_lists_exactly_the_publication_resources() {
    let edition = sample();
    let cover = svg_cover();
    let files = render(
        &edition,
        &PageMap::default(),
        Some(&cover),
        &EpubOptions::default(),
    )
    .unwrap();
    let listed: HashSet<String> = manifest_items(&files)
        .iter()
        .map(|item| format!("EPUB/{}", item.attr("href").unwrap()))
        .collect();
    let resources: HashSet<String> = files
        .iter()
        .map(|f| f.path.clone())
        .filter(|p| p != "mimetype" && !p.starts_with("META-INF/") && p != "EPUB/package.opf")
        .collect();
    assert_eq!(listed, resources);
    let properties: HashMap<String, String> = manifest_items(&files)
        .iter()
        .filter_map(|item| Some((item.attr("id")?.into(), item.attr("properties")?.into())))
        .collect();
    assert_eq!(properties["nav"], "nav");
    assert_eq!(properties["cover-image"], "cover-image");
}

#[test]
fn the_spine_follows_the_pdf_order() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    let opf = parse_ok(&files, "EPUB/package.opf");
    let hrefs: HashMap<&str, &str> = opf
        .iter()
        .filter(|e| e.name == "item")
        .map(|e| (e.attr("id").unwrap(), e.attr("href").unwrap()))
        .collect();
    let spine: Vec<&str> = opf
        .iter()
        .filter(|e| e.name == "itemref")
        .map(|e| hrefs[e.attr("idref").unwrap()])
        .collect();
    assert_eq!(spine[..2], ["cover.xhtml", "nav.xhtml"]);
    // The titles along the spine are the PDF's: each document, then its
    // attachments, then its interpretation.
    let mut expected = Vec::new();
    for document in edition.sections.iter().flat_map(|s| &s.documents) {
        expected.push(document.title.clone());
        expected.extend(document.attachments.iter().map(|a| a.title.clone()));
        expected.extend(document.interpretation.iter().map(|i| i.title.clone()));
    }
    let titles: Vec<String> = spine[2..]
        .iter()
        .map(|href| {
            parse_ok(&files, &format!("EPUB/{href}"))
                .into_iter()
                .find(|e| e.name == "h1" && e.attr("class") == Some("title"))
                .map(|e| e.text)
                .unwrap_or_else(|| panic!("{href} has a title"))
        })
        .collect();
    assert_eq!(titles, expected);
}

#[test]
fn each_document_is_in_its_own_language() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    let html_lang = |path: &str| {
        let root = parse_ok(&files, path).remove(0);
        assert_eq!(root.attr("xml:lang"), root.attr("lang"), "{path}");
        root.attr("lang").unwrap().to_string()
    };
    // 滬府辦字〔2025〕5號 is the last document of the second section; its
    // attachment (the text it issues) is in the same script.
    assert_eq!(html_lang("EPUB/text/s2-d4.xhtml"), "zh-Hant");
    assert_eq!(html_lang("EPUB/text/s2-d4-a1.xhtml"), "zh-Hant");
    assert_eq!(html_lang("EPUB/text/s2-d3.xhtml"), "zh-Hans");
    // 上海市人民政府辦公廳 is wider than 2025年3月31日: it stands two in.
    let signature = parse_ok(&files, "EPUB/text/s2-d4.xhtml")
        .into_iter()
        .find(|e| e.name == "div")
        .unwrap();
    assert_eq!(signature.attr("class"), Some("signature wide"));
    assert_eq!(html_lang("EPUB/nav.xhtml"), "zh-Hans");
    assert_eq!(html_lang("EPUB/cover.xhtml"), "zh-Hans");
    let languages: Vec<String> = parse_ok(&files, "EPUB/package.opf")
        .into_iter()
        .filter(|e| e.name == "dc:language")
        .map(|e| e.text)
        .collect();
    assert_eq!(languages, ["zh-Hans", "zh-Hant"]);
    let nav = parse_ok(&files, "EPUB/nav.xhtml");
    let entry = nav
        .iter()
        .find(|e| e.name == "a" && e.text.contains("政務公開工作要點》的通知"))
        .expect("the traditional-script document is in the contents");
    assert_eq!(entry.attr("lang"), Some("zh-Hant"));
}

#[test]
fn a_document_has_the_parts_gb9704_prescribes() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    // 沪数据〔2025〕27号: two labelled attachments, the second a table.
    let elements = parse_ok(&files, "EPUB/text/s3-d4.xhtml");
    let by_class = |class: &str| -> Vec<&Element> {
        elements
            .iter()
            .filter(|e| {
                e.attr("class")
                    .is_some_and(|c| c.split(' ').any(|c| c == class))
            })
            .collect()
    };
    assert_eq!(by_class("doc-number")[0].text, "沪数据〔2025〕27号");
    assert_eq!(
        by_class("addressees")[0].text,
        "各区数据主管部门，市级各有关部门："
    );
    let list: Vec<&Element> = elements
        .iter()
        .filter(|e| e.name == "p")
        .filter(|e| e.text.contains("公共数据质量") && e.text.starts_with(['附', '2']))
        .collect();
    assert_eq!(
        list.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
        [
            "附件：1．上海市公共数据质量评价指标（2025年版）",
            "2．2025年公共数据质量提升专项行动工作安排"
        ]
    );
    let links: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "a")
        .filter_map(|e| e.attr("href"))
        .collect();
    assert_eq!(links, ["s3-d4-a1.xhtml", "s3-d4-a2.xhtml"]);
    assert_eq!(by_class("issuer")[0].text, "上海市数据局");
    // The date is the wider line: it stands four characters in, not two.
    assert_eq!(by_class("signature")[0].attr("class"), Some("signature"));
    assert_eq!(by_class("date")[0].text, "2025年7月25日");
    assert_eq!(by_class("disclosure")[0].text, "（此件公开发布）");
    let headings: Vec<(&str, &str)> = elements
        .iter()
        .filter(|e| matches!(e.name.as_str(), "h2" | "h3"))
        .map(|e| (e.name.as_str(), e.attr("class").unwrap()))
        .take(3)
        .collect();
    assert_eq!(headings, [("h2", "hei"), ("h2", "hei"), ("h3", "kai")]);

    let attachment = parse_ok(&files, "EPUB/text/s3-d4-a1.xhtml");
    let label = attachment
        .iter()
        .find(|e| e.attr("class") == Some("part-label"))
        .unwrap();
    assert_eq!(label.text, "附件1");
    let names: Vec<&str> = attachment.iter().map(|e| e.name.as_str()).collect();
    let table = names.iter().position(|&n| n == "table").unwrap();
    assert_eq!(names[table + 1..table + 3], ["thead", "tr"]);
    assert_eq!(names.iter().filter(|&&n| n == "th").count(), 4);
    assert!(names.contains(&"tbody"));
    let header: Vec<&str> = attachment
        .iter()
        .filter(|e| e.name == "th")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(header, ["一级指标", "二级指标", "评价内容", "分值"]);
    // The 分值 column is centred in the Markdown.
    let scores = attachment.iter().filter(|e| e.name == "td").nth(3).unwrap();
    assert_eq!(
        (scores.text.as_str(), scores.attr("class")),
        ("8", Some("align-center"))
    );
}

#[test]
fn the_first_document_of_a_section_opens_it() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    let first = parse_ok(&files, "EPUB/text/s2-d1.xhtml");
    let banner = first
        .iter()
        .find(|e| e.attr("class") == Some("section-title"))
        .unwrap();
    assert_eq!(banner.text, "市政府办公厅文件");
    let second = parse_ok(&files, "EPUB/text/s2-d2.xhtml");
    assert!(
        !second
            .iter()
            .any(|e| e.attr("class") == Some("section-title"))
    );
}

#[test]
fn the_contents_nest_sections_documents_and_their_parts() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    let nav = text_of(&files, "EPUB/nav.xhtml");
    let toc = &nav[nav.find("epub:type=\"toc\"").unwrap()..nav.find("</nav>").unwrap()];
    let toc_elements = parse(&format!("<nav {toc}</nav>")).unwrap();
    let entries: Vec<(String, String)> = toc_elements
        .iter()
        .filter(|e| e.name == "a")
        .map(|e| (e.attr("href").unwrap().to_string(), e.text.clone()))
        .collect();
    let documents = edition
        .sections
        .iter()
        .map(|s| s.documents.len())
        .sum::<usize>();
    assert_eq!(entries.len(), edition.sections.len() + documents + 9 + 3);
    assert_eq!(entries[0], ("text/s1-d1.xhtml".into(), "市政府文件".into()));
    assert_eq!(entries[1].0, "text/s1-d1.xhtml");
    assert_eq!(entries[1].1, edition.sections[0].documents[0].title);
    let labelled = entries
        .iter()
        .find(|(href, _)| href == "text/s3-d4-a2.xhtml")
        .unwrap();
    assert_eq!(labelled.1, "附件2　2025年公共数据质量提升专项行动工作安排");
    // The nesting: a section's list holds its documents' items.
    let depth_of_first_part = toc
        .split("s1-d1-a1.xhtml")
        .next()
        .unwrap()
        .matches("<ol>")
        .count();
    assert_eq!(depth_of_first_part, 3);
    assert!(nav.contains("epub:type=\"landmarks\""));
}

#[test]
fn the_text_cover_mirrors_the_pdf_cover() {
    let edition = sample();
    let files = render_plain(&edition, &PageMap::default());
    let cover = parse_ok(&files, "EPUB/cover.xhtml");
    let text = |class: &str| {
        cover
            .iter()
            .find(|e| e.attr("class") == Some(class))
            .map(|e| e.text.clone())
            .unwrap_or_else(|| panic!("no {class} on the cover"))
    };
    assert_eq!(text("masthead"), "上海市人民政府公报");
    assert_eq!(text("issue"), "2025年第8期（总第512期）");
    assert_eq!(text("issue-date"), "2025年8月15日");
    assert_eq!(text("publisher"), "主办：上海市人民政府办公厅");
    assert_eq!(text("serial"), "ISSN 1672-0636　CN 31-1728/D");
    let sections: Vec<String> = cover
        .iter()
        .filter(|e| e.name == "h3")
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(
        sections,
        [
            "【市政府文件】",
            "【市政府办公厅文件】",
            "【部门文件】",
            "【人事任免】"
        ]
    );
    assert_eq!(cover.iter().filter(|e| e.name == "li").count(), 14);
}

#[test]
fn an_image_cover_shows_the_picture_with_a_text_alternative() {
    let edition = sample();
    let files = render(
        &edition,
        &PageMap::default(),
        Some(&svg_cover()),
        &EpubOptions::default(),
    )
    .unwrap();
    let cover = parse_ok(&files, "EPUB/cover.xhtml");
    let img = cover.iter().find(|e| e.name == "img").unwrap();
    assert_eq!(img.attr("src"), Some("images/cover.svg"));
    assert!(
        img.attr("alt")
            .unwrap()
            .contains("上海市人民政府公报　2025年第8期（总第512期）")
    );
    assert!(!cover.iter().any(|e| e.attr("class") == Some("masthead")));
}

fn metadata(files: &[EpubFile]) -> Vec<(String, String)> {
    parse_ok(files, "EPUB/package.opf")
        .into_iter()
        .filter(|e| e.name.starts_with("dc:") || e.name == "meta")
        .map(|e| {
            let key = e.attr("property").map_or(e.name.clone(), String::from);
            (key, e.text)
        })
        .collect()
}

fn values<'a>(metadata: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    metadata
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn the_package_metadata_identifies_the_edition_and_its_accessibility() {
    let edition = sample();
    let files = render_plain(&edition, &page_map(&edition, 5, 4));
    let opf = parse_ok(&files, "EPUB/package.opf");
    assert_eq!(opf[0].attr("unique-identifier"), Some("publication-id"));
    let identifier = opf
        .iter()
        .find(|e| e.attr("id") == Some("publication-id"))
        .unwrap();
    assert_eq!(identifier.text, "urn:gazette:shanghai-gazette:2025:8");
    let meta = metadata(&files);
    assert_eq!(
        values(&meta, "dc:title"),
        ["上海市人民政府公报 2025年第8期（总第512期）"]
    );
    assert_eq!(values(&meta, "dc:publisher"), ["上海市人民政府办公厅"]);
    assert_eq!(values(&meta, "dc:date"), ["2025-08-15"]);
    assert_eq!(values(&meta, "dcterms:modified"), ["2025-08-15T00:00:00Z"]);
    let pdf = "urn:gazette:shanghai-gazette:2025:8:pdf";
    assert_eq!(values(&meta, "dc:source"), [pdf]);
    assert_eq!(values(&meta, "pageBreakSource"), [pdf]);
    assert_eq!(values(&meta, "schema:accessMode"), ["textual"]);
    assert_eq!(values(&meta, "schema:accessModeSufficient"), ["textual"]);
    assert_eq!(
        values(&meta, "schema:accessibilityFeature"),
        [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "displayTransformability",
            "pageNavigation"
        ]
    );
    assert_eq!(values(&meta, "schema:accessibilityHazard"), ["none"]);
    assert_eq!(
        values(&meta, "dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    );
    assert!(values(&meta, "schema:accessibilitySummary")[0].contains("页码"));
    assert_eq!(values(&meta, "group-position"), ["512"]);
    assert_eq!(values(&meta, "dcterms:identifier"), ["urn:issn:1672-0636"]);
}

#[test]
fn without_pages_or_with_a_picture_the_metadata_says_so() {
    let edition = sample();
    let files = render(
        &edition,
        &PageMap::default(),
        Some(&svg_cover()),
        &EpubOptions::default(),
    )
    .unwrap();
    let meta = metadata(&files);
    assert!(values(&meta, "pageBreakSource").is_empty());
    assert!(values(&meta, "dc:source").is_empty());
    let features = values(&meta, "schema:accessibilityFeature");
    assert!(!features.contains(&"pageNavigation"));
    assert!(features.contains(&"alternativeText"));
    assert_eq!(values(&meta, "schema:accessMode"), ["textual", "visual"]);
    assert!(!text_of(&files, "EPUB/nav.xhtml").contains("page-list"));
}

#[test]
fn font_embedding_is_refused_rather_than_half_done() {
    let edition = sample();
    let options = EpubOptions { embed_fonts: true };
    let error = render(&edition, &PageMap::default(), None, &options).unwrap_err();
    assert!(matches!(error, EpubError::Unsupported(_)));
    assert!(
        error
            .to_string()
            .contains("font embedding is not available")
    );
}

#[test]
fn a_cover_in_another_format_is_refused() {
    let edition = sample();
    let cover = Cover {
        bytes: vec![0xFF, 0xD8, 0xFF],
        media_type: "image/jpeg",
    };
    let error = render(
        &edition,
        &PageMap::default(),
        Some(&cover),
        &EpubOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(error, EpubError::Cover(_)));
    assert!(error.to_string().contains("image/jpeg"));
}

/// Item 8 of the circular: an interpretation is published with its document,
/// and each leads to the other, naming the printed page as the PDF does.
#[test]
fn a_document_and_its_interpretation_link_to_each_other() {
    use crate::epub::layout::part_files;
    use crate::model::Part;
    let edition = sample();
    let files = render(
        &edition,
        &page_map(&edition, 5, 3),
        None,
        &EpubOptions::default(),
    )
    .unwrap();
    let references = |file: &crate::epub::layout::PartFile| -> Vec<(String, String)> {
        parse_ok(&files, &format!("EPUB/{}", file.href()))
            .into_iter()
            .filter(|e| e.name == "a" && e.attr("class") == Some("reference"))
            .map(|e| (e.attr("href").unwrap().to_owned(), e.text.clone()))
            .collect()
    };
    let interpretations: Vec<_> = part_files(&edition)
        .into_iter()
        .filter(|file| file.part == Part::Interpretation)
        .collect();
    assert!(!interpretations.is_empty());
    for interpretation in &interpretations {
        let body = crate::epub::layout::PartFile {
            part: Part::Body,
            ..*interpretation
        };
        let forth = references(&body);
        assert_eq!(forth.len(), 1, "{}: {forth:?}", body.name());
        assert_eq!(forth[0].0, interpretation.name());
        assert!(forth[0].1.starts_with("（政策解读见第"), "{forth:?}");
        let back = references(interpretation);
        assert_eq!(back.len(), 1, "{}: {back:?}", interpretation.name());
        assert_eq!(back[0].0, body.name());
        assert!(back[0].1.starts_with("（原文见第"), "{back:?}");
    }
}
