use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use super::*;
use crate::model::Date;

/// A .docx holding `body` (the children of `<w:body>`), as Word lays out
/// its parts; `extra` entries are added as given.
fn docx(body: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
    ];
    for (name, bytes) in parts.iter().chain(extra) {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A paragraph of runs `(text, bold)`, centred or not, in `size` half-points.
fn p(runs: &[(&str, bool)], jc: Option<&str>, size: u32) -> String {
    let jc = jc
        .map(|v| format!(r#"<w:pPr><w:jc w:val="{v}"/></w:pPr>"#))
        .unwrap_or_default();
    let runs: String = runs
        .iter()
        .map(|(text, bold)| {
            let b = if *bold { "<w:b/>" } else { "" };
            format!(r#"<w:r><w:rPr>{b}<w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
        })
        .collect();
    format!("<w:p>{jc}{runs}</w:p>")
}

fn plain(text: &str) -> String {
    p(&[(text, false)], None, 32)
}

/// The 通知 offices send: masthead, number, title over two lines, 主送,
/// four levels, a run-in lead, an article, markup characters, the 附件
/// list, 落款, 附注, two attachment pages (one a table with merged cells,
/// a header row marked to repeat), 版记.
fn circular() -> Vec<u8> {
    let cell = |text: &str, props: &str| {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    };
    let table = format!(
        "<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
        cell("序号", ""),
        cell("任务", ""),
        cell("责任单位", ""),
        cell("1", ""),
        cell("建立报送机制", ""),
        cell("市政府办公厅", r#"<w:vMerge w:val="restart"/>"#),
        cell("2", ""),
        cell("完善审查流程", ""),
        cell("", "<w:vMerge/>"),
    );
    let body = [
        p(&[("上海市人民政府文件", true)], Some("center"), 72),
        p(&[("沪府〔2025〕41号", false)], Some("center"), 32),
        p(&[("上海市人民政府关于切实做好", false)], Some("center"), 44),
        p(
            &[("2025年主汛期防汛防台工作的通知", false)],
            Some("center"),
            44,
        ),
        plain("各区人民政府，市政府各委、办、局："),
        plain("　　当前，本市已全面进入主汛期。现就有关事项通知如下："),
        plain("一、提高政治站位"),
        p(
            &[
                ("（一）落实责任体系。", true),
                ("各区要切实承担主体责任。", false),
            ],
            None,
            32,
        ),
        plain("1.压实属地责任"),
        plain("（1）细化任务"),
        plain("第一条　为了规范*防汛*工作，根据《#防汛条例》制定本办法。"),
        plain("- 这一行不是列表。"),
        plain("附件：1．任务分工表"),
        plain("2．报送要求"),
        p(&[("上海市人民政府", false)], Some("right"), 32),
        p(&[("二〇二五年七月八日", false)], Some("right"), 32),
        plain("（此件公开发布）"),
        plain("附件1"),
        p(&[("任务分工表", false)], Some("center"), 44),
        table,
        plain("附件2"),
        p(&[("报送要求", false)], Some("center"), 44),
        plain("各单位于8月31日前报送。"),
        plain("抄送：市委办公厅。"),
        plain("上海市人民政府办公厅　　2025年7月8日印发"),
    ]
    .concat();
    docx(&body, &[])
}

/// A new issue folder (as `gazette new` makes it) and a Word file in it.
fn issue_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let issue = dir.path().join("issue");
    let made = crate::scaffold::scaffold(
        &issue,
        Date {
            year: 2025,
            month: 8,
            day: 15,
        },
        None,
    )
    .unwrap();
    for file in &made.files {
        let path = issue.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    let source = dir.path().join(name);
    std::fs::write(&source, bytes).unwrap();
    (dir, issue, source)
}

fn run(
    issue: &Path,
    source: &Path,
    section: Option<&str>,
) -> Result<(Vec<Imported>, String), Diagnostics> {
    import(&Request {
        files: &[source.to_owned()],
        into: issue,
        section,
    })
}

fn files_of(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(folder)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_circular_is_recognised_part_by_part_and_builds_with_its_text() {
    let (_dir, issue, source) = issue_with("hufu-2025-41.docx", &circular());
    let (imported, section) = run(&issue, &source, None).unwrap();
    let document = &imported[0];
    assert_eq!(document.document, "documents/hufu-2025-41.md");
    assert_eq!(document.to_set, ["disclosure"]);
    let notes: Vec<&str> = document
        .notices
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    for expected in ["版头", "附注", "版记"] {
        assert!(
            notes.iter().any(|n| n.contains(expected)),
            "{expected}: {notes:#?}"
        );
    }
    assert!(
        !notes.iter().any(|n| n.contains("departs")),
        "the text reads back as it was: {notes:#?}"
    );

    let table = std::fs::read_to_string(issue.join(&document.attachments[0])).unwrap();
    assert!(
        table.contains("| 1 | 建立报送机制 | 市政府办公厅 |\n| 2 | 完善审查流程 | ^ |"),
        "{table}"
    );
    let written = std::fs::read_to_string(issue.join(&document.document)).unwrap();
    assert!(written.contains("# 一、提高政治站位\n"), "{written}");
    assert!(
        written.contains("**（一）落实责任体系。**\n各区要"),
        "{written}"
    );
    assert!(written.contains("### 1.压实属地责任"), "{written}");
    assert!(written.contains("#### （1）细化任务"), "{written}");
    assert!(
        written.contains("**第一条**\n　为了规范\\*防汛\\*工作"),
        "{written}"
    );
    assert!(written.contains("\\- 这一行不是列表。"), "{written}");

    // The editor sets what the file cannot say; then the issue loads with
    // the document as the Word file has it.
    let with_disclosure =
        written.replace("# disclosure = \"主动公开\"", "disclosure = \"主动公开\"");
    std::fs::write(issue.join(&document.document), with_disclosure).unwrap();
    let manifest = std::fs::read_to_string(issue.join("issue.toml")).unwrap();
    assert!(
        manifest.contains("\"documents/hufu-2025-41.md\","),
        "{manifest}"
    );
    let edition = crate::manifest::load(&issue).unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let loaded = edition
        .sections
        .iter()
        .find(|s| s.title == section)
        .and_then(|s| s.documents.last())
        .unwrap();
    assert_eq!(
        loaded.title,
        "上海市人民政府关于切实做好2025年主汛期防汛防台工作的通知"
    );
    assert_eq!(loaded.number.as_deref(), Some("沪府〔2025〕41号"));
    assert_eq!(loaded.issuer, "上海市人民政府");
    assert_eq!(
        loaded.addressees.as_deref(),
        Some("各区人民政府，市政府各委、办、局")
    );
    assert_eq!(loaded.date.iso(), "2025-07-08");
    let titles: Vec<&str> = loaded
        .attachments
        .iter()
        .map(|a| a.title.as_str())
        .collect();
    assert_eq!(titles, ["任务分工表", "报送要求"]);
}

#[test]
fn a_difference_between_the_word_text_and_the_import_is_reported() {
    let recognised = recognise::Recognised {
        body: "一段文字。\n".into(),
        source_text: "一段文字，".into(),
        ..Default::default()
    };
    let notices = fidelity::check(Path::new("a.docx"), &recognised);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].message.contains("character 5"),
        "{}",
        notices[0].message
    );
}

#[test]
fn images_notes_comments_fields_and_tracked_changes_are_each_said() {
    let body = concat!(
        r#"<w:p><w:r><w:t>保留的文字</w:t></w:r><w:r><w:drawing/></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>脚注之前</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>批注</w:t></w:r><w:r><w:commentReference w:id="0"/></w:r></w:p>"#,
        r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE \@ "yyyy" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2025</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
        r#"<w:p><w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>"#,
    );
    let read = docx::read(&docx(body, &[])).unwrap();
    let text: Vec<String> = read
        .blocks
        .iter()
        .map(|b| match b {
            docx::Block::Paragraph(p) => p.text(),
            docx::Block::Table(_) => String::new(),
        })
        .collect();
    assert_eq!(text, ["保留的文字", "脚注之前", "批注", "2025", "新增"]);
    let notes: Vec<&str> = read.notices.iter().map(|n| n.message.as_str()).collect();
    for expected in [
        "image",
        "footnote (id 2)",
        "comment 0",
        "DATE field",
        "tracked changes (1 insertions, 1 deletions)",
    ] {
        assert!(
            notes.iter().any(|n| n.contains(expected)),
            "{expected}: {notes:#?}"
        );
    }
}

#[test]
fn hostile_files_are_refused_and_nothing_is_written() {
    let dtd = {
        let document = r#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"#;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(document.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    };
    let bomb = {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..100 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    let long = docx(&plain(&"长".repeat(docx::MAX_PARAGRAPH / 3 + 10)), &[]);
    // As long again, in runs of ten characters: counted as it comes, not
    // summed again for every run.
    let runs: Vec<(&str, bool)> =
        vec![("长长长长长长长长长长", false); docx::MAX_PARAGRAPH / 30 + 10];
    let many_runs = docx(&p(&runs, None, 32), &[]);
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "escape.docx",
            docx(&plain("正文"), &[("../../evil.txt", b"x")]),
            "not a safe path",
        ),
        ("dtd.docx", dtd, "declares a DTD"),
        ("bomb.docx", bomb, "zip bomb"),
        ("long.docx", long, "longer than"),
        ("runs.docx", many_runs, "longer than"),
        (
            "notzip.docx",
            b"PK\x03\x04 not really".to_vec(),
            "not a Word .docx file",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (_dir, issue, source) = issue_with(name, &bytes);
        let before = files_of(&issue);
        let problems = run(&issue, &source, None)
            .err()
            .unwrap_or_else(|| panic!("{name} imported"));
        let message = problems[0].to_string();
        assert!(message.contains(expected), "{name}: {message}");
        assert_eq!(files_of(&issue), before, "{name}: nothing written");
    }
}

#[test]
fn a_legacy_file_without_libreoffice_says_what_to_install() {
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok()
    {
        eprintln!("skipped: soffice is installed, so a .doc would be converted");
        return;
    }
    let (_dir, issue, source) = issue_with("old.doc", b"\xd0\xcf\x11\xe0");
    let message = run(&issue, &source, None).err().unwrap()[0].to_string();
    assert!(message.contains("libreoffice-writer-nogui"), "{message}");
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let (_dir, issue, source) = issue_with("a.docx", &circular());
    std::fs::create_dir_all(issue.join("documents")).unwrap();
    std::fs::write(issue.join("documents/a.md"), "the editor's").unwrap();
    let message = run(&issue, &source, None).err().unwrap()[0].to_string();
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(
        std::fs::read_to_string(issue.join("documents/a.md")).unwrap(),
        "the editor's"
    );
}

#[test]
fn documents_are_listed_in_the_section_asked_for_keeping_comments() {
    let manifest = "[gazette]\nid = \"g\"\n\n[[sections]]\ntitle = \"市政府文件\"\ndocuments = [\n    \"documents/a.md\"   # 沪府〔2025〕1号 [sic]\n]\n\n[[sections]]\ntitle = \"部门文件\"\ndocuments = [\"documents/b.md\"]\n";
    let (first, _) = listing::add(manifest, &["documents/c.md"], Some("市政府文件")).unwrap();
    assert!(
        first.contains(
            "    \"documents/a.md\",   # 沪府〔2025〕1号 [sic]\n    \"documents/c.md\",\n]"
        ),
        "{first}"
    );
    let (last, section) = listing::add(manifest, &["documents/c.md"], None).unwrap();
    assert_eq!(section, "部门文件");
    assert!(
        last.contains("documents = [\"documents/b.md\", \"documents/c.md\"]"),
        "{last}"
    );
    let (new, _) = listing::add(manifest, &["documents/c.md"], Some("人事任免")).unwrap();
    assert!(
        new.ends_with(
            "[[sections]]\ntitle = \"人事任免\"\ndocuments = [\n    \"documents/c.md\",\n]\n"
        ),
        "{new}"
    );
    assert!(listing::add("[gazette]\n", &["documents/c.md"], None).is_err());
}

#[test]
fn numbers_and_dates_are_read_as_offices_write_them() {
    assert_eq!(
        recognise::document_number("沪府办发[2025]30号").as_deref(),
        Some("沪府办发〔2025〕30号")
    );
    assert_eq!(
        recognise::document_number("签发人：张三　沪府〔2025〕41号"),
        Some("沪府〔2025〕41号".into())
    );
    assert_eq!(recognise::document_number("2025年工作要点"), None);
    let date = |text| recognise::chinese_date(text).map(|d: Date| d.iso());
    assert_eq!(date("二〇二五年七月八日").as_deref(), Some("2025-07-08"));
    assert_eq!(date("2025年12月31日").as_deref(), Some("2025-12-31"));
    assert_eq!(date("二〇二五年二月二十九日"), None);
    assert_eq!(date("2025年7月"), None);
}

#[test]
fn a_sentence_ending_in_a_colon_is_body_not_addressees() {
    let blocks: Vec<docx::Block> = [
        ("上海市人民政府关于废止部分规章的决定", true),
        ("经研究，市政府决定：", false),
        ("一、废止《上海市公共信息系统管理办法》。", false),
    ]
    .iter()
    .map(|(text, centred)| {
        docx::Block::Paragraph(docx::Paragraph {
            runs: vec![docx::Run {
                text: (*text).into(),
                ..Default::default()
            }],
            centred: *centred,
            ..Default::default()
        })
    })
    .collect();
    let found = recognise::recognise(&blocks, false);
    assert_eq!(found.addressees, None);
    assert!(
        found.body.starts_with("经研究，市政府决定："),
        "{}",
        found.body
    );
    for addressees in [
        "金山区人民政府：",
        "各区人民政府，市政府各委、办、局：",
        "各有关单位:",
    ] {
        let mut blocks = blocks.clone();
        blocks[1] = docx::Block::Paragraph(docx::Paragraph {
            runs: vec![docx::Run {
                text: addressees.into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let found = recognise::recognise(&blocks, false);
        assert!(found.addressees.is_some(), "{addressees}");
    }
}

#[test]
fn merged_cells_and_header_rows_are_written_as_the_format_marks_them() {
    let cell = |text: &str, columns: usize, continues: bool| docx::Cell {
        text: text.into(),
        columns,
        continues,
    };
    let table = docx::Table {
        rows: vec![
            vec![cell("序号", 1, false), cell("责任单位", 2, false)],
            vec![
                cell("", 1, true),
                cell("牵头", 1, false),
                cell("配合", 1, false),
            ],
            vec![cell("1", 1, false), cell("市政府办公厅", 2, false)],
            vec![cell("^", 1, false), cell("", 2, true)],
        ],
        header_rows: 2,
    };
    let mut notices = Vec::new();
    let written = markdown::table(&table, &mut notices, 1);
    assert_eq!(
        written,
        "<!-- gazette: header-rows=2 -->\n| 序号 | 责任单位 | < |\n| --- | --- | --- |\n| ^ | 牵头 | 配合 |\n| 1 | 市政府办公厅 | < |\n| \\^ | ^ | ^ |"
    );
    assert!(notices.is_empty(), "{notices:?}");
    let blocks = crate::manifest::body_blocks(Path::new("t.md"), &written).unwrap();
    let crate::model::Block::Table(read) = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!(read.header_rows, 2);
    assert_eq!(read.spans.len(), 3, "{:?}", read.spans);
}
