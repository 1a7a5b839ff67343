//! `gazette import` on a 30-page Word file, against python-docx reading the
//! text of the same file (the library offices' scripts use), both as whole
//! processes.
//!
//! The Word file is made here: a 通知 of about 250 paragraphs with four
//! levels of headings, run-in leads and a 60-row table attachment, the shape
//! tests/interop/docx_shapes.py makes, long enough for 30 pages once built.
//! Each gazette run imports it into a new issue (made, untimed, by `gazette
//! new`); the peer opens it with python-docx and joins the text of every
//! paragraph and cell.
//! After the timed runs the imported issue is built once, untimed, to report
//! how many pages the document makes. Every figure is the median of several
//! runs, interleaved so machine noise hits both sides alike; the peer is
//! skipped with a note when python-docx is missing.
//!
//! Run: cargo bench --profile dev --bench import

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod timing;

use timing::{median, ms, ratio};

const RUNS: usize = 9;
const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");

fn main() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let word = work.path().join("tongzhi.docx");
    std::fs::write(&word, thirty_pages()).expect("the Word file written");

    let python_docx = Command::new("python3")
        .args(["-c", "import docx"])
        .status()
        .is_ok_and(|s| s.success());
    if !python_docx {
        println!(
            "note: python3 with python-docx not found: the peer is skipped (pip install python-docx)"
        );
    }
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut last = None;
    for round in 0..RUNS {
        let issue = work.path().join(format!("issue-{round}"));
        run(Command::new(GAZETTE)
            .args(["new", "--date", "2025-12-31"])
            .arg(&issue));
        ours.push(time(
            Command::new(GAZETTE)
                .arg("import")
                .arg(&word)
                .arg("--into")
                .arg(&issue),
        ));
        if python_docx {
            theirs.push(time(Command::new("python3").arg("-c").arg(PEER).arg(&word)));
        }
        last = Some(issue);
    }
    let issue = last.expect("at least one run");
    let pages = pages_of(&issue, work.path());

    println!("import of a {pages}-page Word file (medians of {RUNS} runs)");
    println!("{:<44} {:>8}", "", "ms");
    let ours = median(ours);
    println!("{:<44} {:>8.1}", "gazette import (process)", ms(ours));
    if python_docx {
        let theirs = median(theirs);
        println!(
            "{:<44} {:>8.1}",
            "python-docx reading its text (process)",
            ms(theirs)
        );
        println!("ratio gazette ÷ python-docx: {:.2}", ratio(ours, theirs));
    }
}

/// python-docx reading every paragraph's and cell's text, as a script would.
const PEER: &str = "import docx, sys
d = docx.Document(sys.argv[1])
text = ''.join(p.text for p in d.paragraphs)
text += ''.join(c.text for t in d.tables for r in t.rows for c in r.cells)
assert len(text) > 10000";

fn time(command: &mut Command) -> Duration {
    let start = Instant::now();
    run(command);
    start.elapsed()
}

fn run(command: &mut Command) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The printed pages of the imported document: the issue built once with
/// its disclosure set, less the pages of the example document it started
/// with.
fn pages_of(issue: &Path, work: &Path) -> usize {
    let document = issue.join("documents/tongzhi.md");
    let text = std::fs::read_to_string(&document).expect("the imported document");
    let text = text.replacen(
        "# disclosure = \"主动公开\"",
        "disclosure = \"主动公开\"",
        1,
    );
    std::fs::write(&document, text).expect("disclosure set");
    let out = work.join("out");
    let built = Command::new(GAZETTE)
        .arg("build")
        .arg(issue)
        .arg("--no-seal")
        .arg("--out")
        .arg(&out)
        .output()
        .expect("gazette build runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let id = std::fs::read_dir(&out)
        .expect("the edition")
        .flatten()
        .find(|e| e.path().is_dir())
        .expect("an edition folder")
        .path();
    let data = std::fs::read_dir(id.join("documents"))
        .expect("the documents")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .max()
        .expect("the imported document's PDF");
    let pdf = std::fs::read(data).expect("its PDF");
    // Each page object of a PDF typst wrote is `/Type /Page` once.
    pdf.windows(11)
        .filter(|w| w == b"/Type /Page" || w == b"/Type/Page/")
        .count()
}

/// A 通知 that builds to about thirty pages.
fn thirty_pages() -> Vec<u8> {
    let paragraph = |text: &str, bold_lead: Option<&str>, centred: bool, size: u32| {
        let jc = if centred {
            r#"<w:pPr><w:jc w:val="center"/></w:pPr>"#
        } else {
            ""
        };
        let run = |text: &str, bold: bool| {
            let b = if bold { "<w:b/>" } else { "" };
            format!(
                r#"<w:r><w:rPr>{b}<w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
            )
        };
        let lead = bold_lead.map(|l| run(l, true)).unwrap_or_default();
        format!("<w:p>{jc}{lead}{}</w:p>", run(text, false))
    };
    let sentence = "各区人民政府要切实承担本行政区域主体责任，将责任分解到街道（乡镇）、村（居）委和具体岗位，确保“横向到边、纵向到底”，并于每季度末报送推进情况。";
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut body = vec![
        paragraph("上海市人民政府文件", None, true, 72),
        paragraph("沪府〔2025〕88号", None, true, 32),
        paragraph(
            "上海市人民政府关于全面推进城市数字化转型的通知",
            None,
            true,
            44,
        ),
        paragraph("各区人民政府，市政府各委、办、局：", None, false, 32),
    ];
    for (i, level1) in numerals[..8].iter().enumerate() {
        body.push(paragraph(
            &format!("{level1}、第{}方面重点工作", i + 1),
            None,
            false,
            32,
        ));
        for (j, level2) in numerals[..3].iter().enumerate() {
            body.push(paragraph(
                sentence,
                Some(&format!("（{level2}）第{}项任务。", j + 1)),
                false,
                32,
            ));
            for k in 1..=3 {
                body.push(paragraph(&format!("{k}.具体举措"), None, false, 32));
                body.push(paragraph(sentence, None, false, 32));
                body.push(paragraph(
                    sentence,
                    Some(&format!("（{k}）细化要求。")),
                    false,
                    32,
                ));
            }
        }
    }
    body.push(paragraph("附件：重点任务分工表", None, false, 32));
    body.push(paragraph("上海市人民政府", None, false, 32));
    body.push(paragraph("2025年9月30日", None, false, 32));
    body.push(paragraph("附件", None, false, 32));
    body.push(paragraph("重点任务分工表", None, true, 44));
    let cell = |text: &str| format!("<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>");
    let mut table = String::from("<w:tbl>");
    table.push_str(&format!(
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}{}</w:tr>",
        cell("序号"),
        cell("重点任务"),
        cell("责任单位")
    ));
    for n in 1..=60 {
        table.push_str(&format!(
            "<w:tr>{}{}{}</w:tr>",
            cell(&n.to_string()),
            cell(&format!("完善第{n}项工作机制，按季度报送推进情况")),
            cell("市发展改革委")
        ));
    }
    table.push_str("</w:tbl>");
    body.push(table);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
        body.concat()
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ] {
        zip.start_file(name, options).expect("an entry");
        zip.write_all(bytes).expect("its bytes");
    }
    zip.finish().expect("the zip").into_inner()
}

/// The two parts python-docx needs besides the document to open the file.
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
