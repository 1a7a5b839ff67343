//! The page list: markers where the PDF's pages begin, checked against the
//! edition.

use super::support::{Element, page_map, parse_ok, plain, render_plain, sample, tiny_edition};
use crate::epub::{EpubError, EpubOptions, render};
use crate::model::{BlockRef, PageMap, PageStart, Part};

fn start(page: u32, block: usize, part: Part, inside: bool) -> PageStart {
    PageStart {
        page,
        block: BlockRef {
            section: 0,
            document: 0,
            part,
            block,
        },
        inside,
    }
}

fn markers(elements: &[Element]) -> Vec<(String, String)> {
    elements
        .iter()
        .filter(|e| e.attr("epub:type") == Some("pagebreak"))
        .map(|e| {
            assert_eq!(e.attr("role"), Some("doc-pagebreak"));
            assert_eq!(e.name, "span");
            (
                e.attr("id").unwrap().to_string(),
                e.attr("aria-label").unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_page_list_leads_to_every_marker_in_page_order() {
    let edition = sample();
    let map = page_map(&edition, 5, 4);
    let files = render_plain(&edition, &map);
    let nav = parse_ok(&files, "EPUB/nav.xhtml");
    let list_start = nav
        .iter()
        .position(|e| e.attr("epub:type") == Some("page-list"))
        .unwrap();
    assert_eq!(nav[list_start].attr("hidden"), Some("hidden"));
    let entries: Vec<(&str, &str)> = nav[list_start..]
        .iter()
        .take_while(|e| e.attr("epub:type") != Some("landmarks"))
        .filter(|e| e.name == "a")
        .map(|e| (e.attr("href").unwrap(), e.text.as_str()))
        .collect();
    assert_eq!(entries.len(), map.starts.len());
    for (n, (href, text)) in entries.iter().enumerate() {
        let page = 5 + n;
        assert_eq!(*text, page.to_string());
        let (file, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{page}"));
        let found = markers(&parse_ok(&files, &format!("EPUB/{file}")));
        assert!(
            found.contains(&(id.to_string(), page.to_string())),
            "{href}"
        );
    }
}

#[test]
fn markers_stand_before_the_title_or_their_block() {
    let body = (1..=4).map(|n| plain(&format!("第{n}段"))).collect();
    let edition = tiny_edition("标题", body);
    let map = PageMap {
        starts: vec![
            start(1, 0, Part::Body, false),
            start(2, 2, Part::Body, false),
            // Two pages may begin in one long block: both markers, in order.
            start(3, 3, Part::Body, true),
            start(4, 3, Part::Body, true),
            // A page that begins with the signature.
            start(5, 4, Part::Body, false),
        ],
    };
    let files = render_plain(&edition, &map);
    let elements = parse_ok(&files, "EPUB/text/s1-d1.xhtml");
    let sequence: Vec<String> = elements
        .iter()
        .filter_map(|e| match (e.name.as_str(), e.attr("id")) {
            (_, Some(id)) => Some(id.to_string()),
            ("h1", _) => Some(e.attr("class").unwrap().into()),
            ("p", _) if e.text.starts_with('第') => Some(e.text.clone()),
            ("div", _) if e.attr("class") == Some("signature") => Some("signature".into()),
            _ => None,
        })
        .collect();
    assert_eq!(
        sequence,
        [
            "page-1",
            "section-title",
            "title",
            "第1段",
            "第2段",
            "page-2",
            "第3段",
            "page-3",
            "page-4",
            "第4段",
            "page-5",
            "signature"
        ]
    );
}

fn page_map_error(edition: &crate::model::Edition, starts: Vec<PageStart>) -> String {
    let error = render(edition, &PageMap { starts }, None, &EpubOptions::default()).unwrap_err();
    assert!(matches!(error, EpubError::PageMap(_)), "{error}");
    error.to_string()
}

#[test]
fn a_page_map_that_does_not_fit_the_edition_is_refused() {
    let edition = tiny_edition("标题", vec![plain("一段")]);
    let twice = page_map_error(
        &edition,
        vec![
            start(7, 0, Part::Body, false),
            start(7, 1, Part::Body, false),
        ],
    );
    assert!(twice.contains("page 7 twice"), "{twice}");
    let beyond = page_map_error(&edition, vec![start(1, 2, Part::Body, false)]);
    assert!(
        beyond.contains("block 2 of a part that has 1 blocks"),
        "{beyond}"
    );
    let attachment = page_map_error(&edition, vec![start(1, 0, Part::Attachment(0), false)]);
    assert!(attachment.contains("attachment index 0"), "{attachment}");
    let mut elsewhere = start(1, 0, Part::Body, false);
    elsewhere.block.section = 3;
    let section = page_map_error(&edition, vec![elsewhere]);
    assert!(section.contains("section index 3"), "{section}");
}
