//! The text encodings an editor's files arrive in: saved by Notepad or WPS
//! as "UTF-8" (with a byte-order mark), as "ANSI" on a Simplified Chinese
//! Windows (GB18030), as "Unicode" (UTF-16). A BOM builds as if it were not
//! there; any other encoding is refused, naming it and giving the command
//! that converts the file, and that command makes the issue build.

use std::path::Path;

use encoding_rs::GB18030;

use crate::support::{DOC_A, ISSUE, Issue, assert_reports, stderr, tool_available};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The edition's data and each document's, as the build published them.
fn published_json(issue: &Issue) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![issue.edition_file("test-gazette-2025-08.json")];
    let documents = issue.edition_file("documents");
    files.extend(
        std::fs::read_dir(documents)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json")),
    );
    files.sort();
    files
        .into_iter()
        .map(|path| (path.display().to_string(), std::fs::read(path).unwrap()))
        .collect()
}

fn builds(issue: &Issue) {
    let output = issue.build();
    assert!(output.status.success(), "{}", stderr(&output));
}

/// `text` as Windows Notepad saves it as "UTF-8": a BOM, then CRLF lines.
fn as_notepad_saves(text: &str) -> Vec<u8> {
    [BOM, text.replace('\n', "\r\n").as_bytes()].concat()
}

fn write_bytes(issue: &Issue, name: &str, bytes: &[u8]) {
    std::fs::write(issue.path(name), bytes).unwrap();
}

#[test]
fn a_document_saved_with_a_bom_builds_as_without_it() {
    let issue = Issue::new();
    builds(&issue);
    let pdf = std::fs::read(issue.pdf()).unwrap();
    let json = published_json(&issue);

    write_bytes(&issue, "documents/a.md", &as_notepad_saves(DOC_A));
    let table = std::fs::read_to_string(issue.path("documents/attachments/table.md")).unwrap();
    write_bytes(
        &issue,
        "documents/attachments/table.md",
        &as_notepad_saves(&table),
    );
    builds(&issue);
    assert!(
        std::fs::read(issue.pdf()).unwrap() == pdf,
        "the PDF changed with the BOM"
    );
    let with_bom = published_json(&issue);
    assert_eq!(with_bom.len(), 3, "the edition's and two documents' data");
    for ((path, bytes), (_, before)) in with_bom.iter().zip(&json) {
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !text.contains('\u{FEFF}') && !text.to_lowercase().contains("\\ufeff"),
            "{path} holds a BOM"
        );
        assert!(bytes == before, "{path} changed with the BOM");
    }
    // The package keeps the file as it was saved, BOM and all.
    let kept = issue.edition_file("test-gazette-2025-08.bag/data/source/documents/a.md");
    assert_eq!(std::fs::read(kept).unwrap(), as_notepad_saves(DOC_A));
}

#[test]
fn an_error_in_a_document_with_a_bom_is_shown_at_its_line_and_column() {
    let issue = Issue::new();
    let broken = DOC_A.replace("title =", "titel =");
    write_bytes(&issue, "documents/a.md", &as_notepad_saves(&broken));
    assert_reports(
        &issue.fails(),
        "unknown key `titel` in the document's front matter",
        "documents/a.md:2:1",
    );
}

#[test]
fn a_character_no_font_has_in_a_file_with_a_bom_is_at_its_column() {
    let issue = Issue::new();
    write_bytes(
        &issue,
        "documents/attachments/table.md",
        &as_notepad_saves("| 序号 | 任\u{E000}务 |\n|---|---|\n| 1 | 巡查 |\n"),
    );
    assert_reports(
        &issue.fails(),
        "no font has the character '\u{E000}' (U+E000)",
        "documents/attachments/table.md:1:9",
    );
}

#[test]
fn issue_toml_with_a_bom_builds() {
    let issue = Issue::new();
    write_bytes(&issue, "issue.toml", &as_notepad_saves(ISSUE));
    builds(&issue);
    assert!(issue.pdf().is_file());
}

#[test]
fn an_error_on_the_first_line_of_issue_toml_with_a_bom_is_at_its_column() {
    let issue = Issue::new();
    let broken = ISSUE.replacen("[gazette]", "[gazete]", 1);
    write_bytes(&issue, "issue.toml", &as_notepad_saves(&broken));
    assert_reports(
        &issue.fails(),
        "unknown key `gazete` in issue.toml",
        "issue.toml:1:2",
    );
}

#[test]
fn the_issue_s_own_template_with_a_bom_typesets_as_without_it() {
    let issue = Issue::new();
    issue.with_own_templates(("size: 46pt", "size: 40pt"));
    builds(&issue);
    let pdf = std::fs::read(issue.pdf()).unwrap();
    // gazette.typ is the main file: a BOM left in its text would be set on
    // the first page.
    for template in ["layout/gazette.typ", "layout/cover.typ"] {
        let text = std::fs::read_to_string(issue.path(template)).unwrap();
        write_bytes(&issue, template, &[BOM, text.as_bytes()].concat());
    }
    builds(&issue);
    assert!(
        std::fs::read(issue.pdf()).unwrap() == pdf,
        "the PDF changed with the BOM"
    );
}

/// Runs the conversion command the refusal's help gives, as the editor
/// would paste it into a shell, then builds the issue.
fn convert_as_told_and_build(issue: &Issue, report: &str) {
    if !tool_available("iconv") {
        return;
    }
    let help = report
        .lines()
        .find_map(|line| line.split_once("= help: convert it to UTF-8: "))
        .map(|(_, help)| help)
        .expect("a help giving the command");
    let (command, _) = help.split_once("; or,").unwrap();
    let run = std::process::Command::new("sh")
        .args(["-c", command])
        .output()
        .unwrap();
    assert!(run.status.success(), "{command}: {}", stderr(&run));
    builds(issue);
}

/// The shell command the help must give to convert `path` from `encoding`.
fn iconv(encoding: &str, path: &Path) -> String {
    let converted = path.with_extension("utf8.md");
    format!(
        "iconv -f {encoding} -t UTF-8 '{0}' > '{1}' && mv '{1}' '{0}'",
        path.display(),
        converted.display()
    )
}

#[test]
fn a_document_in_gb18030_is_refused_naming_it_and_the_command_that_converts_it() {
    let issue = Issue::new();
    let (bytes, _, unmappable) = GB18030.encode(DOC_A);
    assert!(!unmappable);
    write_bytes(&issue, "documents/a.md", &bytes);
    let stderr = issue.fails();
    assert!(
        !issue.out().exists(),
        "a refused build wrote its output folder"
    );
    assert!(
        stderr.contains("GB18030 (GBK, the Simplified Chinese Windows ANSI encoding)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("its line 2 is: title = \"上海市人民政府关于做好防汛防台工作的通知\"\n"),
        "the line as it reads in GB18030 is not quoted:\n{stderr}"
    );
    let path = issue.path("documents/a.md");
    assert!(
        stderr.contains(&format!("--> {}\n", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains(&iconv("GB18030", &path)), "{stderr}");
    assert!(
        stderr.contains("in Notepad or WPS, Save As → Encoding: UTF-8"),
        "{stderr}"
    );
    assert!(!stderr.contains("no front matter"), "{stderr}");
    convert_as_told_and_build(&issue, &stderr);
}

#[test]
fn a_document_in_utf16_is_refused_naming_it() {
    let issue = Issue::new();
    let utf16: Vec<u8> = DOC_A.encode_utf16().flat_map(u16::to_le_bytes).collect();
    write_bytes(
        &issue,
        "documents/a.md",
        &[b"\xFF\xFE", utf16.as_slice()].concat(),
    );
    let stderr = issue.fails();
    assert!(
        stderr.contains(
            "the file is not UTF-8 text but UTF-16LE (what Windows Notepad saves as \"Unicode\")"
        ),
        "{stderr}"
    );
    let path = issue.path("documents/a.md");
    assert!(stderr.contains(&iconv("UTF-16", &path)), "{stderr}");
    convert_as_told_and_build(&issue, &stderr);
}

#[test]
fn bytes_of_no_known_encoding_are_not_utf8_at_their_line() {
    let issue = Issue::new();
    let mut bytes = DOC_A.as_bytes().to_vec();
    let at = DOC_A.find("各区要落实").unwrap();
    bytes.insert(at, 0xFF);
    write_bytes(&issue, "documents/a.md", &bytes);
    let line = DOC_A[..at].lines().count() + 1;
    let stderr = issue.fails();
    assert!(
        stderr.contains(&format!(
            "the file is not UTF-8 text: the byte 0xFF at offset {at} (line {line}) is not UTF-8"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("iconv -f ENCODING -t UTF-8"), "{stderr}");
    assert!(stderr.contains("documents/a.md"), "{stderr}");
}
