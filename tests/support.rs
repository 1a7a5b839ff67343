//! What the integration tests share: the `gazette` binary as a command, the
//! repository's sample issue and example PKI, a command's output as text,
//! the sample's editions, built once for every test that checks them, and a
//! small issue for a test to break and build as an editor does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use gazette::edition;
use gazette::model::{Date, SealText};
use gazette::seal::{ParsedPdf, Seal, Spot};
use gazette::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};

/// The `gazette` binary of this build, ready for its arguments.
pub fn gazette() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
}

/// The repository's root folder.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample issue's folder.
pub fn sample() -> PathBuf {
    repo().join("samples/shanghai-gazette-2025-08")
}

/// A file of the example PKI (certs-example/).
pub fn example(name: &str) -> PathBuf {
    repo().join("certs-example").join(name)
}

/// Whether `tool` is on PATH. When it is not, the test that needs it is
/// skipped with a note, or fails under GAZETTE_REQUIRE_TOOLS=1, as CI runs
/// it with every tool installed (the library's unit tests keep the same rule).
pub fn tool_available(tool: &str) -> bool {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    if !on_path {
        assert_ne!(
            std::env::var("GAZETTE_REQUIRE_TOOLS").as_deref(),
            Ok("1"),
            "{tool} is missing and GAZETTE_REQUIRE_TOOLS=1"
        );
        eprintln!("skipped: {tool} is missing (set GAZETTE_REQUIRE_TOOLS=1 to fail instead)");
    }
    on_path
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The sample's PDF and EPUB editions, its manifest.json and each document's
/// own files (path under the edition folder, bytes), as `gazette build`
/// writes them.
pub struct Editions {
    pub pdf: Vec<u8>,
    pub epub: Vec<u8>,
    pub manifest_json: Vec<u8>,
    /// Each document's own PDF, by its path in the edition folder.
    pub documents: Vec<(String, Vec<u8>)>,
    /// The archival package, `<id>.bag.zip`.
    pub package_zip: Vec<u8>,
}

/// The sample sealed with its manifest's example identity, built once a run.
pub fn sealed_sample() -> &'static Editions {
    static SEALED: OnceLock<Editions> = OnceLock::new();
    SEALED.get_or_init(|| build_sample(&[]))
}

/// The sample built with `--no-seal`, once a run.
pub fn unsealed_sample() -> &'static Editions {
    static UNSEALED: OnceLock<Editions> = OnceLock::new();
    UNSEALED.get_or_init(|| build_sample(&["--no-seal"]))
}

/// The sample built by `gazette build` with `extra` options, as a user
/// runs it, into a temporary folder that lasts as long as the value.
pub fn built_sample(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = gazette()
        .arg("build")
        .arg(sample())
        .arg("--out")
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    out
}

fn build_sample(extra: &[&str]) -> Editions {
    let out = built_sample(extra);
    let edition = out.path().join("shanghai-gazette-2025-08");
    let mut documents: Vec<(String, Vec<u8>)> = std::fs::read_dir(edition.join("documents"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pdf"))
        .map(|name| {
            let bytes = std::fs::read(edition.join("documents").join(&name)).unwrap();
            (format!("documents/{name}"), bytes)
        })
        .collect();
    documents.sort();
    Editions {
        pdf: std::fs::read(edition.join("shanghai-gazette-2025-08.pdf")).unwrap(),
        epub: std::fs::read(edition.join("shanghai-gazette-2025-08.epub")).unwrap(),
        manifest_json: std::fs::read(edition.join("manifest.json")).unwrap(),
        documents,
        package_zip: std::fs::read(edition.join("shanghai-gazette-2025-08.bag.zip")).unwrap(),
    }
}

/// The small issue's manifest.
pub const ISSUE: &str = r#"[gazette]
id = "test-gazette"
title = "上海市人民政府公报"
publisher = "上海市人民政府办公厅"
issn = "1672-0636"
language = "zh-Hans"

[issue]
year = 2025
number = 8
running = 512
date = 2025-08-15

[[sections]]
title = "市政府文件"
documents = ["documents/a.md"]

[[sections]]
title = "市政府办公厅文件"
documents = ["documents/b.md"]
"#;

/// Its first document, with an attachment (documents/attachments/table.md).
pub const DOC_A: &str = r#"+++
title = "上海市人民政府关于做好防汛防台工作的通知"
number = "沪府〔2025〕41号"
issuer = "上海市人民政府"
addressees = "各区人民政府，市政府各委、办、局"
date = 2025-06-20
disclosure = "主动公开"

[[attachments]]
title = "重点任务分工表"
file = "attachments/table.md"
+++
现将有关事项通知如下。

# 一、总体要求

**（一）加强组织领导。**
各区要落实属地责任。

| 序号 | 任务 | 责任单位 |
|---|---|---|
| 1 | 防汛 | 市水务局 |
"#;

/// Its second document, in Traditional script.
pub const DOC_B: &str = r#"+++
title = "上海市人民政府辦公廳關于印發《2025年上海市政務公開工作要點》的通知"
number = "滬府辦字〔2025〕5號"
issuer = "上海市人民政府辦公廳"
date = 2025-03-31
disclosure = "主動公開"
language = "zh-Hant"
+++
《2025年上海市政務公開工作要點》已經市政府同意,現印發給你們,請認真按照執行。
"#;

/// A small valid issue (two documents, one attachment) in a temporary
/// folder, which each test then breaks.
pub struct Issue {
    dir: tempfile::TempDir,
}

impl Issue {
    pub fn new() -> Self {
        let issue = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        issue.write("issue.toml", ISSUE);
        issue.write("documents/a.md", DOC_A);
        issue.write("documents/b.md", DOC_B);
        issue.write(
            "documents/attachments/table.md",
            "| 序号 | 任务 |\n|---|---|\n| 1 | 巡查 |\n",
        );
        issue
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join("issue").join(name)
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn edit(&self, name: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(name)).unwrap();
        assert!(text.contains(from), "{from:?} is not in {name}");
        self.write(name, &text.replacen(from, to, 1));
    }

    pub fn build(&self) -> Output {
        gazette()
            .arg("build")
            .arg(self.path(""))
            .arg("--out")
            .arg(self.out())
            .output()
            .unwrap()
    }

    pub fn pdf(&self) -> PathBuf {
        self.out()
            .join("test-gazette-2025-08/test-gazette-2025-08.pdf")
    }

    /// Builds, expecting failure; checks nothing was written and no panic.
    pub fn fails(&self) -> String {
        let output = self.build();
        let stderr = stderr(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "expected a failed build:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert!(
            !self.out().exists() || !self.pdf().exists(),
            "a failed build wrote output"
        );
        stderr
    }

    /// gazette's templates written into the issue's `layout/` and named in
    /// its manifest, with `edit` applied to cover.typ.
    pub fn with_own_templates(&self, edit: (&str, &str)) {
        let written = gazette()
            .arg("templates")
            .arg(self.path("layout"))
            .output()
            .unwrap();
        assert!(written.status.success(), "{written:?}");
        self.edit("layout/cover.typ", edit.0, edit.1);
        let manifest = std::fs::read_to_string(self.path("issue.toml")).unwrap();
        self.write(
            "issue.toml",
            &format!("{manifest}\n[templates]\nfolder = \"layout\"\n"),
        );
    }

    pub fn edition_file(&self, name: &str) -> PathBuf {
        self.out().join("test-gazette-2025-08").join(name)
    }
}

/// Asserts the report holds `message` at `file:line` (relative to the issue).
pub fn assert_reports(stderr: &str, message: &str, location: &str) {
    assert!(
        stderr.contains(message),
        "missing {message:?} in:\n{stderr}"
    );
    let location = Path::new("issue").join(location);
    let location = location.to_string_lossy();
    assert!(
        stderr.contains(&*location),
        "missing location {location:?} in:\n{stderr}"
    );
    assert!(stderr.contains("help:"), "no help in:\n{stderr}");
}

/// Copies the folder `from` to `to`, e.g. the sample issue to edit a copy.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where `needle` last occurs in `haystack`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The first signature's /ByteRange numbers, as written in a sealed PDF.
pub fn byte_range(bytes: &[u8]) -> [usize; 4] {
    let at = find(bytes, b"/ByteRange[").expect("a /ByteRange") + b"/ByteRange[".len();
    let end = at + bytes[at..].iter().position(|&b| b == b']').unwrap();
    let numbers: Vec<usize> = std::str::from_utf8(&bytes[at..end])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    numbers.try_into().unwrap()
}

/// Where the file's last cross-reference section starts.
fn startxref(bytes: &[u8]) -> usize {
    let at = rfind(bytes, b"startxref").unwrap() + b"startxref".len();
    std::str::from_utf8(&bytes[at..])
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The trailer of an update: the new size and root, the file's /Info and /ID,
/// and /Prev chaining it to the last cross-reference section.
pub fn trailer(bytes: &[u8], size: u32, root: Option<u32>) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let root = root.unwrap_or(doc.trailer.get(b"Root").unwrap().as_reference().unwrap().0);
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap().0;
    let id = String::from_utf8(written(doc.trailer.get(b"ID").unwrap())).unwrap();
    let size = size.max(doc.max_id + 1);
    let prev = startxref(bytes);
    format!("trailer\n<</Size {size}/Root {root} 0 R/Info {info} 0 R/ID {id}/Prev {prev}>>\n")
}

/// `object` as PDF syntax, the body of an object in an update.
pub fn written(object: &lopdf::Object) -> Vec<u8> {
    let mut body = Vec::new();
    lopdf::Writer::write_object(&mut body, object).unwrap();
    body
}

/// Appends an incremental update holding `objects` (number, body without the
/// `obj`/`endobj` frame) and a trailer chained to the file's last xref.
pub fn append_update(bytes: &[u8], objects: &[(u32, Vec<u8>)], root: Option<u32>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut xref = String::from("xref\n");
    for (number, body) in objects {
        xref += &format!("{number} 1\n{:010} 00000 n\r\n", out.len());
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap_or(0);
    let trailer = trailer(bytes, size, root);
    let at = out.len();
    out.extend_from_slice(format!("{xref}{trailer}startxref\n{at}\n%%EOF\n").as_bytes());
    out
}

/// The number of the sealed PDF's certification signature dictionary: the
/// one its catalog's `/Perms /DocMDP` names.
pub fn signature_object(bytes: &[u8]) -> lopdf::ObjectId {
    let document = lopdf::Document::load_mem(bytes).unwrap();
    let perms = document
        .catalog()
        .unwrap()
        .get(b"Perms")
        .unwrap()
        .as_dict()
        .unwrap();
    perms.get(b"DocMDP").unwrap().as_reference().unwrap()
}

/// The sample's issue date, whose midnight the seals claim.
const ISSUE_DATE: Date = Date {
    year: 2025,
    month: 8,
    day: 15,
};

/// `pdf` sealed as gazette seals it, at the sample's issue date, by a test
/// seal ("测试单位", its key the PEM file `key`, its certificates `chain`),
/// its face at `spot`.
pub fn seal_pdf_with(pdf: &[u8], chain: &[Vec<u8>], key: &Path, spot: Spot) -> Vec<u8> {
    let identity = signer::open(
        &KeySource::File(key.to_path_buf()),
        RsaPadding::Pkcs1,
        &FixedSecrets::default(),
    )
    .unwrap();
    seal_pdf_by(pdf, chain, identity.signer, spot)
}

/// `pdf` sealed as [`seal_pdf_with`] seals it, by `signer`.
pub fn seal_pdf_by(pdf: &[u8], chain: &[Vec<u8>], signer: Box<dyn Signer>, spot: Spot) -> Vec<u8> {
    let text = SealText {
        organisation: "测试单位".into(),
        purpose: "公报专用章".into(),
    };
    let seal = Seal::new(signer, chain.to_vec(), text);
    let pdf = ParsedPdf::read(pdf.to_vec()).expect("the PDF to seal reads");
    edition::seal_pdf(&seal, &pdf, spot, &ISSUE_DATE.seal_time()).unwrap()
}

/// The test PKI's responders (tests/pki), stopped when dropped; `None` when
/// certomancer is missing, which fails the test under GAZETTE_REQUIRE_TOOLS=1.
pub struct TestPki {
    dir: tempfile::TempDir,
    env: String,
}

impl TestPki {
    pub fn start() -> Option<TestPki> {
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new("bash")
            .arg(repo().join("tests/pki/responders.sh"))
            .arg("start")
            .arg(dir.path())
            .output()
            .unwrap();
        if output.status.code() == Some(3) {
            assert_ne!(
                std::env::var("GAZETTE_REQUIRE_TOOLS").as_deref(),
                Ok("1"),
                "certomancer is missing and GAZETTE_REQUIRE_TOOLS=1"
            );
            eprintln!("skipped: certomancer is missing");
            return None;
        }
        assert!(output.status.success(), "{}", stderr(&output));
        let env = std::fs::read_to_string(dir.path().join("env")).unwrap();
        Some(TestPki { dir, env })
    }

    /// A file of the running PKI: `certs/NAME.cert.pem`, `keys/NAME.key.pem`.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn url(&self, name: &str) -> String {
        self.env
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    }

    /// The seal's chain (seal, intermediate, root) as one PEM file.
    pub fn chain(&self) -> PathBuf {
        let certs = self.dir.path().join("certs");
        let chain: String = ["seal", "interm", "root"]
            .iter()
            .map(|name| std::fs::read_to_string(certs.join(format!("{name}.cert.pem"))).unwrap())
            .collect();
        let path = self.dir.path().join("chain.pem");
        std::fs::write(&path, chain).unwrap();
        path
    }

    /// An issue of a year the test PKI's seal certificate covers, sealed with
    /// it and time-stamped at `tsa`.
    pub fn issue(&self, tsa: &str) -> Issue {
        let issue = Issue::new();
        issue.edit("issue.toml", "year = 2025", "year = 2026");
        issue.edit("issue.toml", "date = 2025-08-15", "date = 2026-08-15");
        let seal = format!(
            "[seal]\ncertificates = {:?}\nkey = {:?}\ntimestamp = {tsa:?}\n\n[[sections]]",
            self.chain().display().to_string(),
            self.dir
                .path()
                .join("keys/seal.key.pem")
                .display()
                .to_string()
        );
        issue.edit("issue.toml", "[[sections]]", &seal);
        issue
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(repo().join("tests/pki/responders.sh"))
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}
