//! User text is data: markup, template syntax and stray control characters in
//! a title or a paragraph reach the reader as text, or not at all.

use super::support::{parse_ok, plain, render_plain, svg_cover, tiny_edition};
use crate::epub::{EpubError, EpubOptions, render};
use crate::model::PageMap;

const HOSTILE: &str = "<script>alert(1)</script> ]]> &amp; \"quotes' {{ 1 + 1 }} {% raw %}";

#[test]
fn markup_and_template_syntax_in_user_text_stay_text() {
    let mut edition = tiny_edition(HOSTILE, vec![plain(HOSTILE)]);
    edition.sections[0].title = HOSTILE.into();
    edition.gazette.publisher = HOSTILE.into();
    edition.sections[0].documents[0].addressees = Some(HOSTILE.into());
    let files = render_plain(&edition, &PageMap::default());
    for path in [
        "EPUB/text/s1-d1.xhtml",
        "EPUB/nav.xhtml",
        "EPUB/cover.xhtml",
        "EPUB/package.opf",
    ] {
        let elements = parse_ok(&files, path);
        assert!(
            !elements.iter().any(|e| e.name == "script"),
            "{path} has a script element"
        );
        assert!(
            elements.iter().any(|e| e.text == HOSTILE),
            "{path} does not show the text as written"
        );
    }
    let document = parse_ok(&files, "EPUB/text/s1-d1.xhtml");
    let shown: Vec<&str> = document
        .iter()
        .filter(|e| matches!(e.name.as_str(), "h1" | "p" | "title"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        shown,
        [
            HOSTILE,
            HOSTILE,
            HOSTILE,
            &format!("{HOSTILE}："),
            HOSTILE,
            "测试办公厅",
            "2025年1月2日",
            "（此件公开发布）"
        ]
    );
}

#[test]
fn user_text_in_attributes_stays_text() {
    let mut edition = tiny_edition("标题", vec![plain("正文")]);
    edition.gazette.title = HOSTILE.into();
    let files = render(
        &edition,
        &PageMap::default(),
        Some(&svg_cover()),
        &EpubOptions::default(),
    )
    .unwrap();
    let cover = parse_ok(&files, "EPUB/cover.xhtml");
    let img = cover.iter().find(|e| e.name == "img").unwrap();
    assert!(img.attr("alt").unwrap().starts_with(HOSTILE));
    assert_eq!(img.attributes.len(), 3, "{:?}", img.attributes);
}

#[test]
fn a_control_character_is_refused_with_the_file_to_fix() {
    let edition = tiny_edition("标题", vec![plain("第一段\u{7}文字")]);
    let error = render(&edition, &PageMap::default(), None, &EpubOptions::default()).unwrap_err();
    assert!(matches!(error, EpubError::Text(_)));
    let message = error.to_string();
    assert!(message.contains("documents/test.md"), "{message}");
    assert!(message.contains("U+0007"), "{message}");
}
