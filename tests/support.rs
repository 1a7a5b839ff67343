//! What the integration tests share: the `gazette` binary as a command, the
//! repository's sample issue and example PKI, a command's output as text,
//! and the sample's editions, built once for every test that checks them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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
    let mut id = Vec::new();
    lopdf::Writer::write_object(&mut id, doc.trailer.get(b"ID").unwrap()).unwrap();
    let id = String::from_utf8(id).unwrap();
    let size = size.max(doc.max_id + 1);
    let prev = startxref(bytes);
    format!("trailer\n<</Size {size}/Root {root} 0 R/Info {info} 0 R/ID {id}/Prev {prev}>>\n")
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
