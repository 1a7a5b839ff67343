//! `gazette build` as an editor meets it: the small issue of `support`, then
//! each mistake an editor can make, with the message it must produce.

use crate::support::{
    DOC_A, DOC_B, ISSUE, Issue, TestPki, assert_reports, gazette, repo, stderr, stdout,
};

#[test]
fn a_valid_issue_builds_a_pdf() {
    let issue = Issue::new();
    let output = issue.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = std::fs::read(issue.pdf()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("pdfaid:part>3<") || text.contains("pdfaid:part=\"3\""),
        "no PDF/A-3 metadata"
    );
}

#[test]
fn verbose_tells_each_stage_with_its_time() {
    let issue = Issue::new();
    let output = gazette()
        .args(["build", "--verbose", "--no-seal"])
        .arg(issue.path(""))
        .arg("--out")
        .arg(issue.out())
        .output()
        .unwrap();
    let stdout = stdout(&output);
    assert!(output.status.success(), "{stdout}");
    let stages: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_suffix(" ms"))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(_, ms)| ms.parse::<u32>().is_ok())
        .map(|(stage, _)| stage.rsplit_once(": ").map_or(stage, |(_, s)| s))
        .collect();
    assert_eq!(
        stages,
        [
            "reading the issue",
            "typesetting",
            "exporting the PDF and the EPUB",
            "packaging",
            "writing the edition"
        ],
        "{stdout}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let issue = Issue::new();
    assert!(issue.build().status.success());
    let first = std::fs::read(issue.pdf()).unwrap();
    assert!(issue.build().status.success());
    assert_eq!(first, std::fs::read(issue.pdf()).unwrap());
}

#[test]
fn a_failed_build_keeps_the_earlier_edition() {
    let issue = Issue::new();
    assert!(issue.build().status.success());
    let before = std::fs::read(issue.pdf()).unwrap();
    issue.edit("documents/a.md", "title =", "titel =");
    let output = issue.build();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(issue.pdf()).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(issue.out())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["test-gazette-2025-08"]);
}

#[test]
fn unknown_key_in_a_document_suggests_the_right_one() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "title =", "titel =");
    let stderr = issue.fails();
    assert_reports(
        &stderr,
        "unknown key `titel` in the document's front matter",
        "documents/a.md:2:1",
    );
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
    assert!(stderr.contains("missing key `title`"), "{stderr}");
}

#[test]
fn unknown_key_in_the_manifest() {
    let issue = Issue::new();
    issue.edit("issue.toml", "publisher =", "publsher =");
    assert_reports(
        &issue.fails(),
        "unknown key `publsher` in [gazette]",
        "issue.toml:4:1",
    );
}

#[test]
fn missing_document_file() {
    let issue = Issue::new();
    issue.edit("issue.toml", "documents/b.md", "documents/missing.md");
    let stderr = issue.fails();
    // Reported where the editor must correct it: the line that lists it.
    assert_reports(&stderr, "no such file: ", "issue.toml:20:");
    assert!(stderr.contains("documents/missing.md"), "{stderr}");
}

#[test]
fn missing_attachment_file() {
    let issue = Issue::new();
    issue.edit(
        "documents/a.md",
        "attachments/table.md",
        "attachments/gone.md",
    );
    let stderr = issue.fails();
    assert_reports(&stderr, "no such file: ", "documents/a.md:11:");
    assert!(stderr.contains("attachments/gone.md"), "{stderr}");
}

#[test]
fn impossible_date() {
    let issue = Issue::new();
    issue.edit("documents/b.md", "2025-03-31", "2025-02-30");
    assert_reports(&issue.fails(), "invalid TOML", "documents/b.md:5:");
}

#[test]
fn date_written_as_a_string() {
    let issue = Issue::new();
    issue.edit(
        "documents/b.md",
        "date = 2025-03-31",
        "date = \"2025年3月31日\"",
    );
    assert_reports(
        &issue.fails(),
        "`date` must be a TOML date",
        "documents/b.md:5:8",
    );
}

#[test]
fn document_dated_after_the_issue() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "2025-06-20", "2025-09-01");
    assert_reports(
        &issue.fails(),
        "after the issue's publication date 2025-08-15",
        "documents/a.md:6:8",
    );
}

#[test]
fn publication_date_outside_the_issue_year() {
    let issue = Issue::new();
    issue.edit("issue.toml", "date = 2025-08-15", "date = 2024-08-15");
    assert_reports(
        &issue.fails(),
        "is not in the issue's year 2025",
        "issue.toml:12:8",
    );
}

#[test]
fn document_number_with_square_brackets() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "沪府〔2025〕41号", "沪府[2025]41号");
    let stderr = issue.fails();
    assert_reports(
        &stderr,
        "malformed document number \"沪府[2025]41号\"",
        "documents/a.md:3:10",
    );
    assert!(stderr.contains("hexagonal brackets 〔〕"), "{stderr}");
}

#[test]
fn document_number_with_a_leading_zero() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "〔2025〕41号", "〔2025〕041号");
    assert_reports(
        &issue.fails(),
        "the serial number has a leading zero",
        "documents/a.md:3:",
    );
}

#[test]
fn document_number_of_another_year() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "〔2025〕41号", "〔2024〕41号");
    assert_reports(
        &issue.fails(),
        "the document number's year 2024 is not the year of the date written (2025)",
        "documents/a.md:3:",
    );
}

#[test]
fn document_listed_twice() {
    let issue = Issue::new();
    issue.edit(
        "issue.toml",
        "documents = [\"documents/b.md\"]",
        "documents = [\"documents/b.md\", \"./documents/a.md\"]",
    );
    assert_reports(
        &issue.fails(),
        "duplicate document: \"documents/a.md\" is listed twice",
        "issue.toml:20:",
    );
}

#[test]
fn two_documents_with_one_number() {
    let issue = Issue::new();
    issue.edit("documents/b.md", "滬府辦字〔2025〕5號", "沪府〔2025〕41号");
    assert_reports(
        &issue.fails(),
        "duplicate document: number 沪府〔2025〕41号 is also used by",
        "documents/b.md:3:",
    );
}

#[test]
fn empty_section() {
    let issue = Issue::new();
    issue.edit(
        "issue.toml",
        "documents = [\"documents/b.md\"]",
        "documents = []",
    );
    assert_reports(
        &issue.fails(),
        "empty section: it lists no documents",
        "issue.toml:20:13",
    );
}

#[test]
fn unsupported_markdown() {
    let issue = Issue::new();
    issue.edit(
        "documents/a.md",
        "现将有关事项通知如下。",
        "现将有关事项通知如下。\n\n![现场照片](photo.jpg)\n\n见`附表`。",
    );
    let stderr = issue.fails();
    assert_reports(&stderr, "images are not supported", "documents/a.md:15:1");
    assert_reports(
        &stderr,
        "inline code is not supported",
        "documents/a.md:17:2",
    );
}

#[test]
fn a_document_not_for_proactive_disclosure_is_refused() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "主动公开", "依申请公开");
    let stderr = issue.fails();
    assert_reports(
        &stderr,
        "not for proactive disclosure and cannot enter a public edition",
        "documents/a.md:7:14",
    );
    assert!(
        stderr.contains("only documents marked 主动公开"),
        "{stderr}"
    );
}

#[test]
fn unknown_disclosure_attribute() {
    let issue = Issue::new();
    issue.edit("documents/a.md", "主动公开", "公开");
    assert_reports(
        &issue.fails(),
        "unknown disclosure attribute \"公开\"",
        "documents/a.md:7:",
    );
}

#[test]
fn document_without_front_matter() {
    let issue = Issue::new();
    issue.write("documents/b.md", "《要点》已經市政府同意。\n");
    assert_reports(
        &issue.fails(),
        "the document has no front matter",
        "documents/b.md:1:1",
    );
}

#[test]
fn front_matter_never_closed() {
    let issue = Issue::new();
    issue.write("documents/b.md", "+++\ntitle = \"通知\"\n正文\n");
    assert_reports(
        &issue.fails(),
        "the front matter is never closed",
        "documents/b.md:1:1",
    );
}

#[test]
fn a_path_leaving_the_issue_folder() {
    let issue = Issue::new();
    issue.edit("issue.toml", "documents/b.md", "../../etc/passwd");
    assert_reports(
        &issue.fails(),
        "\"../../etc/passwd\" is outside the issue folder",
        "issue.toml:20:",
    );
}

#[test]
fn missing_required_key() {
    let issue = Issue::new();
    issue.edit("documents/b.md", "issuer = \"上海市人民政府辦公廳\"\n", "");
    assert_reports(
        &issue.fails(),
        "missing key `issuer` in the document's front matter",
        "documents/b.md:",
    );
}

#[test]
fn wrong_type() {
    let issue = Issue::new();
    issue.edit("issue.toml", "number = 8", "number = \"第8期\"");
    assert_reports(
        &issue.fails(),
        "`number` must be a whole number, not string",
        "issue.toml:10:10",
    );
}

#[test]
fn invalid_issn() {
    let issue = Issue::new();
    issue.edit("issue.toml", "1672-0636", "1672-0637");
    assert_reports(
        &issue.fails(),
        "\"1672-0637\" is not a valid ISSN",
        "issue.toml:5:8",
    );
}

#[test]
fn file_that_is_not_utf8() {
    let issue = Issue::new();
    std::fs::write(
        issue.path("documents/b.md"),
        b"+++\ntitle = \"\xcd\xa8\xff\xaa\"\n+++\n",
    )
    .unwrap();
    let stderr = issue.fails();
    assert!(stderr.contains("the file is not UTF-8 text"), "{stderr}");
}

#[test]
fn no_manifest() {
    let issue = Issue::new();
    std::fs::remove_file(issue.path("issue.toml")).unwrap();
    let stderr = issue.fails();
    assert!(stderr.contains("no issue manifest here"), "{stderr}");
}

#[test]
fn a_character_no_font_has() {
    let issue = Issue::new();
    issue.edit("documents/b.md", "已經市政府同意", "已經市政府\u{E000}同意");
    assert_reports(
        &issue.fails(),
        "no font has the character '\u{E000}' (U+E000) in document",
        "documents/b.md:9:",
    );
}

#[test]
fn every_error_of_a_run_is_reported() {
    let issue = Issue::new();
    issue.edit("issue.toml", "publisher =", "publsher =");
    issue.edit("documents/a.md", "主动公开", "不予公开");
    issue.edit("documents/b.md", "滬府辦字〔2025〕5號", "滬府辦字(2025)5號");
    let stderr = issue.fails();
    assert!(stderr.contains("(4 errors)"), "{stderr}");
    for message in [
        "unknown key `publsher`",
        "missing key `publisher`",
        "cannot enter a public edition",
        "malformed document number",
    ] {
        assert!(
            stderr.contains(message),
            "missing {message:?} in:\n{stderr}"
        );
    }
}

/// A folder of issues, one of them broken: the others are built, the broken
/// one is reported with its errors, and the exit status says something failed.
#[test]
fn a_folder_of_issues_builds_each_and_reports_the_broken_one() {
    let year = tempfile::tempdir().unwrap();
    let write = |issue: &str, name: &str, text: &str| {
        let path = year.path().join("issues").join(issue).join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    for (issue, number) in [("08", 8), ("09", 9), ("10", 10)] {
        let manifest = ISSUE.replace("number = 8", &format!("number = {number}"));
        write(issue, "issue.toml", &manifest);
        write(issue, "documents/a.md", DOC_A);
        write(issue, "documents/b.md", DOC_B);
        write(
            issue,
            "documents/attachments/table.md",
            "| 序号 | 任务 |\n|---|---|\n| 1 | 巡查 |\n",
        );
    }
    write("09", "documents/b.md", "no front matter here\n");
    let out = year.path().join("dist");
    let output = gazette()
        .arg("build")
        .arg(year.path().join("issues"))
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    let stdout = stdout(&output);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("built 2 of 3 issues"), "{stdout}");
    for id in ["test-gazette-2025-08", "test-gazette-2025-10"] {
        assert!(
            out.join(id).join(format!("{id}.pdf")).is_file(),
            "{id} missing"
        );
        assert!(
            out.join(id).join(format!("{id}.epub")).is_file(),
            "{id} missing"
        );
    }
    assert!(!out.join("test-gazette-2025-09").exists());
    let bad = year.path().join("issues").join("09");
    assert!(
        stderr.contains(&format!("error: {} was not built", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("documents/b.md"), "{stderr}");
}

#[test]
fn an_issue_typesets_with_its_own_templates_and_packages_them() {
    let issue = Issue::new();
    assert!(issue.build().status.success());
    let gazettes = std::fs::read(issue.pdf()).unwrap();

    issue.with_own_templates(("size: 46pt", "size: 40pt"));
    let output = issue.build();
    assert!(output.status.success(), "{output:?}");
    assert_ne!(
        std::fs::read(issue.pdf()).unwrap(),
        gazettes,
        "the issue's cover.typ was not used"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(issue.edition_file("manifest.json")).unwrap())
            .unwrap();
    let paths = |list: &str| -> Vec<String> {
        manifest["build"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|file| file["path"].as_str().unwrap().to_owned())
            .collect()
    };
    let sources = paths("sources");
    for template in ["blocks", "cover", "document", "gazette"] {
        let path = format!("layout/{template}.typ");
        assert!(sources.contains(&path), "{path} not in {sources:?}");
        let copy = issue
            .edition_file("test-gazette-2025-08.bag/data/source")
            .join(&path);
        assert_eq!(
            std::fs::read(copy).unwrap(),
            std::fs::read(issue.path(&path)).unwrap()
        );
    }
    let templates = paths("templates");
    assert!(
        templates.iter().all(|t| t.starts_with("epub/")),
        "gazette's typst templates are listed though the issue's replace them: {templates:?}"
    );
}

#[test]
fn an_error_in_the_issues_own_template_is_shown_at_its_line() {
    let issue = Issue::new();
    issue.with_own_templates(("size: 46pt", "size: 46pt + nothing"));
    let stderr = issue.fails();
    let line = std::fs::read_to_string(issue.path("layout/cover.typ"))
        .unwrap()
        .lines()
        .position(|line| line.contains("nothing"))
        .unwrap()
        + 1;
    assert_reports(
        &stderr,
        "unknown variable: nothing",
        &format!("layout/cover.typ:{line}:"),
    );
    assert!(stderr.contains("the issue's own template"), "{stderr}");
    assert!(!stderr.contains("bug in gazette"), "{stderr}");
}

#[test]
fn own_templates_without_the_seal_box_are_refused_when_sealing() {
    let issue = Issue::new();
    issue.with_own_templates((" <seal>])", "])"));
    let output = gazette()
        .arg("build")
        .arg(issue.path(""))
        .arg("--out")
        .arg(issue.out())
        .args(["--seal-cert", "certs-example/seal-chain.pem"])
        .args(["--seal-key", "certs-example/seal.key.pem"])
        .current_dir(repo())
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the template left no place for the seal"),
        "{stderr}"
    );
    assert!(stderr.contains("labelled <seal>"), "{stderr}");
    assert!(!issue.pdf().exists());
}

#[test]
fn a_templates_folder_that_is_not_there() {
    let issue = Issue::new();
    let manifest = std::fs::read_to_string(issue.path("issue.toml")).unwrap();
    issue.write(
        "issue.toml",
        &format!("{manifest}\n[templates]\nfolder = \"layout\"\n"),
    );
    let line = manifest.lines().count() + 3;
    assert_reports(
        &issue.fails(),
        "no templates folder \"layout\" in the issue folder",
        &format!("issue.toml:{line}:"),
    );
}

#[test]
fn templates_are_never_written_over_an_office_s_own() {
    let issue = Issue::new();
    issue.write("layout/cover.typ", "// the office's own cover\n");
    let output = gazette()
        .arg("templates")
        .arg(issue.path("layout"))
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(issue.path("layout/cover.typ")).unwrap(),
        "// the office's own cover\n"
    );
}

#[test]
fn the_issue_folder_itself_is_not_a_templates_folder() {
    let issue = Issue::new();
    let manifest = std::fs::read_to_string(issue.path("issue.toml")).unwrap();
    issue.write(
        "issue.toml",
        &format!("{manifest}\n[templates]\nfolder = \"./documents/..\"\n"),
    );
    let line = manifest.lines().count() + 3;
    assert_reports(
        &issue.fails(),
        "the templates folder is the issue folder itself",
        &format!("issue.toml:{line}:"),
    );
}

/// The edition's PDF of an issue of 2026.
fn pdf_of_2026(issue: &Issue) -> Vec<u8> {
    std::fs::read(
        issue
            .out()
            .join("test-gazette-2026-08/test-gazette-2026-08.pdf"),
    )
    .unwrap()
}

#[test]
fn a_time_stamped_build_differs_each_time_but_keeps_the_unsealed_prefix() {
    let Some(pki) = TestPki::start() else {
        return;
    };
    let issue = pki.issue(&pki.url("TSA_URL"));
    let output = issue.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let first = pdf_of_2026(&issue);
    let output = issue.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let second = pdf_of_2026(&issue);
    assert_ne!(first, second, "the token and the evidence change");

    let unsealed = gazette()
        .arg("build")
        .arg(issue.path(""))
        .arg("--out")
        .arg(issue.out())
        .arg("--no-seal")
        .output()
        .unwrap();
    assert!(unsealed.status.success(), "{}", stderr(&unsealed));
    let unsealed = pdf_of_2026(&issue);
    assert!(
        first.starts_with(&unsealed),
        "the typeset PDF is the prefix"
    );
    assert!(
        second.starts_with(&unsealed),
        "the typeset PDF is the prefix"
    );
    let text = String::from_utf8_lossy(&first);
    assert_eq!(text.matches("/DocTimeStamp").count(), 1, "B-LTA by default");
    assert!(text.contains("/DSS"));
    assert!(text.contains("/VRI"));
}

#[test]
fn the_command_line_tsa_wins_and_a_tsa_that_fails_writes_nothing() {
    let Some(pki) = TestPki::start() else {
        return;
    };
    let issue = pki.issue(&pki.url("TSA_URL"));
    let down = format!("{}/gazette/tsa/no-such-tsa", pki.url("PKI_URL"));
    let output = gazette()
        .arg("build")
        .arg(issue.path(""))
        .arg("--out")
        .arg(issue.out())
        .arg("--tsa")
        .arg(&down)
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("time-stamp"), "{stderr}");
    assert!(stderr.contains(&down), "the failing URL is named: {stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!issue.out().join("test-gazette-2026-08").exists());

    let output = gazette()
        .arg("build")
        .arg(issue.path(""))
        .arg("--out")
        .arg(issue.out())
        .args(["--seal-level", "B-T"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        crate::support::stderr(&output)
    );
    let text = String::from_utf8_lossy(&pdf_of_2026(&issue)).into_owned();
    assert!(!text.contains("/DSS"), "B-T adds no validation data");
    assert!(!text.contains("/DocTimeStamp"));
}

#[test]
fn a_level_without_a_time_stamp_authority_is_refused_at_its_line() {
    let issue = Issue::new();
    issue.edit(
        "issue.toml",
        "[[sections]]",
        "[seal]\nkey = \"seal.key.pem\"\nlevel = \"B-LT\"\n\n[[sections]]",
    );
    assert_reports(
        &issue.fails(),
        "`level` needs a `timestamp`",
        "issue.toml:16:",
    );
}

#[test]
fn a_title_broken_by_hand_inside_a_word_builds_with_a_warning() {
    let issue = Issue::new();
    issue.edit(
        "documents/a.md",
        r#"title = "上海市人民政府关于做好防汛防台工作的通知""#,
        r#"title = ["上海市人民政府关于做好防", "汛防台工作的通知"]"#,
    );
    let output = issue.build();
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("warning: documents/a.md:2: the title's line \"上海市人民政府关于做好防\" breaks the word 防汛"),
        "{said}"
    );
    // The data forms keep the title one string.
    let data =
        std::fs::read_to_string(issue.edition_file("documents/test-gazette-2025-08-01.json"))
            .unwrap();
    assert!(
        data.contains("\"title\": \"上海市人民政府关于做好防汛防台工作的通知\""),
        "{data}"
    );
}

#[test]
fn a_title_broken_by_hand_between_words_builds_without_a_warning() {
    let issue = Issue::new();
    issue.edit(
        "documents/a.md",
        r#"title = "上海市人民政府关于做好防汛防台工作的通知""#,
        r#"title = ["上海市人民政府关于", "做好防汛防台工作的通知"]"#,
    );
    let output = issue.build();
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(!said.contains("the title's line"), "{said}");
}

#[test]
fn a_title_written_as_an_empty_list() {
    let issue = Issue::new();
    issue.edit(
        "documents/a.md",
        r#"title = "上海市人民政府关于做好防汛防台工作的通知""#,
        "title = []",
    );
    let stderr = issue.fails();
    assert_reports(&stderr, "`title` has no lines", "documents/a.md:2:9");
}
