//! Tables as offices make them, from the editor's Markdown to every form of
//! the edition: a 任务分工表 with a two-row header and merged cells, long
//! enough to run onto a second page. The printed header repeats on each
//! page; the EPUB, the Akoma Ntoso and the data carry each merged cell as
//! one cell with its spans; the edition typeset again from its data is the
//! same PDF. The text is made up, in the form such attachments take.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use gazette::data;
use gazette::typeset::FontSet;

use crate::data::{edition_from_files, typeset_again};
use crate::support::{Issue, assert_reports, repo, stderr, tool_available};

const ID: &str = "test-gazette-2025-08";

/// Sixteen tasks of two measures each: the task's number, name, lead unit
/// and deadline are merged down its two rows, and each fifth task, led
/// jointly, merges its two unit columns. The interop scripts build the
/// fixture's whole issue.
const DIVISION_OF_TASKS: &str =
    include_str!("fixtures/merged-table/documents/attachments/fengong.md");

fn built_issue() -> Issue {
    let issue = Issue::new();
    issue.write("documents/attachments/table.md", DIVISION_OF_TASKS);
    let output = issue.build();
    assert!(output.status.success(), "{}", stderr(&output));
    issue
}

/// The text of each page, as `pdftotext -layout` lays it out.
fn pages_text(pdf: &Path) -> Vec<String> {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

#[test]
fn a_long_table_repeats_its_two_header_rows_on_each_page() {
    if !tool_available("pdftotext") {
        return;
    }
    let issue = built_issue();
    let pages = pages_text(&issue.pdf());
    let table_pages: Vec<(usize, &String)> = pages
        .iter()
        .enumerate()
        .filter(|(_, text)| text.contains("排查：") || text.contains("整改："))
        .collect();
    assert!(
        table_pages.len() >= 2,
        "the table fits one page: {table_pages:?}"
    );
    for (index, text) in &table_pages {
        for heading in ["重点任务", "具体措施", "责任单位", "牵头单位", "配合单位"]
        {
            assert!(
                text.contains(heading),
                "page {} of the PDF lacks the header's {heading}:\n{text}",
                index + 1
            );
        }
    }
    // Each task's deadline is printed once, in its merged cell, not once a
    // row; each row's own measure is printed.
    let all = pages.concat();
    assert_eq!(all.matches("6月底").count(), 16);
    assert_eq!(all.matches("整改：").count(), 16);
}

/// The text of each XHTML file in the zip archive at `path`.
fn zipped_xhtml(path: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .filter_map(|index| {
            let mut file = archive.by_index(index).unwrap();
            file.name().unwrap().ends_with(".xhtml").then(|| {
                let mut text = String::new();
                file.read_to_string(&mut text).unwrap();
                text
            })
        })
        .collect()
}

#[test]
fn the_epub_akoma_ntoso_and_data_carry_each_merged_cell_once_with_its_spans() {
    let issue = built_issue();

    let xhtml = zipped_xhtml(&issue.edition_file(&format!("{ID}.epub")))
        .into_iter()
        .find(|text| text.contains("整改："))
        .expect("a part with the table");
    let thead = &xhtml[xhtml.find("<thead>").unwrap()..xhtml.find("</thead>").unwrap()];
    assert_eq!(thead.matches("<tr>").count(), 2, "{thead}");
    assert!(
        thead.contains(r#"<th scope="col" rowspan="2" class="align-center">序号</th>"#),
        "{thead}"
    );
    assert!(
        thead.contains(r#"<th scope="col" colspan="2" class="align-left">责任单位</th>"#),
        "{thead}"
    );
    assert!(xhtml.contains(r#"<td rowspan="2" class="align-left">第7项汛前隐患排查整治</td>"#));
    assert!(
        xhtml.contains(r#"<td rowspan="2" colspan="2" class="align-left">市防汛指挥部办公室</td>"#)
    );
    // Two body rows a task, each of the second holding only what is not merged.
    assert_eq!(
        xhtml.matches("<tr><td class=\"align-left\">整改：").count(),
        16
    );

    let akn_path = std::fs::read_dir(issue.edition_file(""))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.to_string_lossy().ends_with(".akn.xml")
                && std::fs::read_to_string(path).unwrap().contains("第7项")
        })
        .expect("an Akoma Ntoso file with the table");
    let akn = std::fs::read_to_string(&akn_path).unwrap();
    assert!(akn.contains(r#"<th rowspan="2">"#), "{akn}");
    assert!(akn.contains(r#"<td rowspan="2" colspan="2">"#), "{akn}");
    assert_eq!(akn.matches("第7项汛前隐患排查整治").count(), 1);
    if tool_available("xmllint") {
        let schema = repo().join("tests/interop/schemas/akomantoso30/akomantoso30.xsd");
        let run = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(schema)
            .arg(&akn_path)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
    }

    let json = std::fs::read(issue.edition_file(&data::document_path(ID, 1))).unwrap();
    let document: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let table = &document["attachments"][0]["body"][0];
    assert_eq!(table["header_rows"], 2);
    assert_eq!(
        table["spans"][0],
        serde_json::json!({"row": 0, "column": 0, "rows": 2, "columns": 1})
    );
    // 16 tasks, each with 序号, 重点任务, 牵头单位 and 完成时限 merged down
    // (the jointly led ones' units merged across too), plus the header's 5.
    assert_eq!(table["spans"].as_array().unwrap().len(), 5 + 16 * 4);
}

#[test]
fn the_edition_typeset_again_from_its_data_keeps_its_merged_cells() {
    let issue = built_issue();
    let built = std::fs::read(issue.pdf()).unwrap();
    let edition = std::fs::read(issue.edition_file(&format!("{ID}.json"))).unwrap();
    let documents: Vec<Vec<u8>> = (1..=2)
        .map(|position| {
            std::fs::read(issue.edition_file(&data::document_path(ID, position))).unwrap()
        })
        .collect();
    let fonts = FontSet::load(&[] as &[&str]).unwrap();
    let again = typeset_again(edition_from_files(&edition, &documents), &fonts);
    assert!(again == built, "the PDF typeset from the data differs");
}

#[test]
fn a_merge_mark_with_nothing_to_join_stops_the_build_at_its_line() {
    let issue = Issue::new();
    // The attachment's one body row merged up into the header.
    issue.edit(
        "documents/attachments/table.md",
        "| 1 | 巡查 |",
        "| 1 | ^ |",
    );
    let stderr = issue.fails();
    assert_reports(
        &stderr,
        "`^` in the first row under the header would merge a body cell into the header",
        "documents/attachments/table.md:3:",
    );
    // The table is still read, unmerged: the attachment is not reported empty.
    assert!(stderr.contains("(1 error)"), "{stderr}");
}
