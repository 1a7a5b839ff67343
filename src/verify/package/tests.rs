use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::*;
use crate::cms::{ProblemCode, Trust};
use crate::package::manifest::{
    Artifact, BuildInputs, DocumentEntry, EditionIdentity, PageRange, SourceFile,
};
use crate::signer::RsaPadding;
use crate::test_support::keys::{example_chain, example_signer};
use crate::test_support::tool_available;
use crate::verify::ChangeKind;
use crate::verify::archive::test_support::{rename, verify_bombs};

const ID: &str = "shanghai-gazette-2025-08";
const URI: &str = "urn:gazette:shanghai-gazette:2025:8";
const DATE: &str = "2025-08-15";
/// The sample edition, built and sealed by gazette with the example key.
const PDF: &[u8] = include_bytes!("../testdata/shanghai-gazette-2025-08.pdf");
const EPUB: &[u8] = include_bytes!("../testdata/shanghai-gazette-2025-08.epub");

/// The sample edition's identity, under the edition URI `uri`.
fn identity(uri: &str) -> EditionIdentity {
    EditionIdentity {
        id: ID.to_owned(),
        uri: uri.to_owned(),
        gazette: "shanghai-gazette".to_owned(),
        title: "上海市人民政府公报".to_owned(),
        publisher: "上海市人民政府办公厅".to_owned(),
        issn: None,
        year: 2025,
        number: 8,
        running: None,
        date: DATE.to_owned(),
        language: "zh-Hans".to_owned(),
    }
}

/// An unsealed manifest of the sample's identity, listing both editions and
/// the edition's data forms, and two documents identified under the edition
/// URI `uri` (a URN or a URL), each listing its PDF and data forms: every
/// identifier, listing and digest as the format writes them. For checks that read the manifest
/// alone, without a package around it.
pub(super) fn unsealed_manifest(uri: &str) -> VerificationManifest {
    let zeros = |digits: usize| "0".repeat(digits);
    let artifact = |path: String, media_type: &str| Artifact {
        path,
        media_type: media_type.to_owned(),
        size: 1,
        sha256: zeros(64),
        sha512: zeros(128),
    };
    let separator = if uri.starts_with("urn:") { ":" } else { "/" };
    let document = |position: usize| DocumentEntry {
        uri: Some(format!("{uri}{separator}{position}")),
        title: "通知".to_owned(),
        number: None,
        issuer: "上海市人民政府".to_owned(),
        date: "2025-08-01".to_owned(),
        disclosure: "proactive".to_owned(),
        language: "zh-Hans".to_owned(),
        pdf_pages: PageRange { first: 3, last: 4 },
        epub_file: format!("EPUB/text/s1-d{position}.xhtml"),
        sources: vec![SourceFile {
            path: "documents/a.md".to_owned(),
            sha256: zeros(64),
        }],
        files: vec![
            artifact(
                format!("documents/{ID}-{position:02}.pdf"),
                "application/pdf",
            ),
            artifact(
                format!("documents/{ID}-{position:02}.json"),
                "application/json",
            ),
            artifact(
                format!("documents/{ID}-{position:02}.akn.xml"),
                "application/akn+xml",
            ),
        ],
        verification_code: Some("3TKP-ZWSM-34ZX".to_owned()),
        verify_url: Some(format!("https://verify.example.gov.cn/{position}")),
    };
    VerificationManifest {
        schema: SCHEMA.to_owned(),
        edition: identity(uri),
        artifacts: vec![
            artifact(format!("edition/{ID}.pdf"), "application/pdf"),
            artifact(format!("edition/{ID}.epub"), "application/epub+zip"),
            artifact(format!("edition/{ID}.json"), "application/json"),
            artifact(format!("edition/{ID}.akn.xml"), "application/akn+xml"),
        ],
        documents: vec![document(1), document(2)],
        build: BuildInputs {
            tool: "gazette".to_owned(),
            tool_version: "0.1.0".to_owned(),
            manifest: SourceFile {
                path: "issue.toml".to_owned(),
                sha256: zeros(64),
            },
            sources: Vec::new(),
            templates: Vec::new(),
            fonts: Vec::new(),
        },
        seal: None,
        verification_code: Some("3TKP-ZWSM-34ZX".to_owned()),
        verify_url: Some("https://verify.example.gov.cn/0".to_owned()),
    }
}

/// Files by path: relative to data/ for a payload, to the bag for a bag.
pub(super) type Tree = BTreeMap<String, Vec<u8>>;

use crate::digest::{sha256 as sha256_hex, sha512 as sha512_hex};

/// The files as `gazette build` copies them to data/source/.
fn sources() -> Vec<SourceFile> {
    [
        "issue.toml",
        "documents/关于通知.md",
        "attachments/附件 1.md",
    ]
    .iter()
    .map(|path| SourceFile {
        path: (*path).to_owned(),
        sha256: sha256_hex(source_text(path).as_bytes()),
    })
    .collect()
}

fn source_text(path: &str) -> String {
    format!("# {path}\n上海市人民政府公报\n")
}

fn chain_file(index: usize) -> String {
    match index {
        0 => "certificates/seal.pem".to_owned(),
        n => format!("certificates/issuer-{n}.pem"),
    }
}

fn pem(der: &[u8]) -> Vec<u8> {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der)
        .expect("PEM")
        .into_bytes()
}

fn artifact(path: String, media_type: &str, bytes: &[u8]) -> Artifact {
    Artifact {
        path,
        media_type: media_type.to_owned(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        sha512: sha512_hex(bytes),
    }
}

/// The verification manifest of the sample edition, sealed with `chain`.
fn manifest(chain: &[Vec<u8>]) -> VerificationManifest {
    let sources = sources();
    VerificationManifest {
        schema: SCHEMA.to_owned(),
        edition: identity(URI),
        artifacts: vec![
            artifact(format!("edition/{ID}.pdf"), "application/pdf", PDF),
            artifact(format!("edition/{ID}.epub"), "application/epub+zip", EPUB),
        ],
        documents: vec![DocumentEntry {
            uri: Some(format!("{URI}:1")),
            title: "关于通知".to_owned(),
            number: None,
            issuer: "上海市人民政府".to_owned(),
            date: "2025-08-01".to_owned(),
            disclosure: "proactive".to_owned(),
            language: "zh-Hans".to_owned(),
            pdf_pages: PageRange { first: 1, last: 2 },
            epub_file: "EPUB/text/s1-d1.xhtml".to_owned(),
            files: Vec::new(),
            sources: sources[1..].to_vec(),
            verification_code: None,
            verify_url: None,
        }],
        build: BuildInputs {
            tool: "gazette".to_owned(),
            tool_version: "0.1.0".to_owned(),
            manifest: sources[0].clone(),
            sources: sources[1..].to_vec(),
            templates: Vec::new(),
            fonts: Vec::new(),
        },
        seal: Some(SealEntry {
            certificate_sha256: sha256_hex(&chain[0]),
            subject: "Example Gazette Seal".to_owned(),
            chain: chain.iter().map(|der| BASE64.encode(der)).collect(),
            chain_files: (0..chain.len()).map(chain_file).collect(),
        }),
        verification_code: None,
        verify_url: None,
    }
}

/// A key of the example PKI and its chain.
struct Key {
    file: &'static str,
    chain: &'static str,
}

/// The key the sample editions are sealed with.
const ECDSA: Key = Key {
    file: "seal.key.pem",
    chain: "seal-chain.pem",
};

/// The payload of a package sealed with `key`, its manifest first
/// changed by `edit`.
fn payload_with(key: &Key, edit: impl FnOnce(&mut VerificationManifest)) -> Tree {
    let chain = example_chain(key.chain);
    let mut payload = Tree::new();
    payload.insert(format!("edition/{ID}.pdf"), PDF.to_vec());
    payload.insert(format!("edition/{ID}.epub"), EPUB.to_vec());
    for source in sources() {
        let text = source_text(&source.path).into_bytes();
        payload.insert(format!("source/{}", source.path), text);
    }
    for (index, der) in chain.iter().enumerate() {
        payload.insert(chain_file(index), pem(der));
    }
    let mut manifest = manifest(&chain);
    edit(&mut manifest);
    let mut json = serde_json::to_vec_pretty(&manifest).expect("JSON");
    json.push(b'\n');
    let signer = example_signer(key.file, RsaPadding::Pkcs1);
    let p7s = cms::sign_detached(&[&json], &chain, signer.as_ref()).expect("sealed");
    payload.insert("manifest.json".to_owned(), json);
    payload.insert("manifest.json.p7s".to_owned(), p7s);
    payload
}

pub(super) fn sealed_payload() -> Tree {
    payload_with(&ECDSA, |_| {})
}

/// RFC 8493 §2.1.3: LF, CR and `%` percent-encoded in manifest paths.
fn encode(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

fn manifest_text(files: &Tree, prefix: &str, hash: fn(&[u8]) -> String) -> Vec<u8> {
    files
        .iter()
        .map(|(path, bytes)| format!("{}  {prefix}{}\n", hash(bytes), encode(path)))
        .collect::<String>()
        .into_bytes()
}

/// The bag of `payload` as docs/package.md lays it out; `edit` may
/// change the bag before its tag manifests are made.
pub(super) fn bag_with(payload: &Tree, edit: impl FnOnce(&mut Tree)) -> Tree {
    let bytes: usize = payload.values().map(Vec::len).sum();
    let info = format!(
        "Source-Organization: 上海市人民政府办公厅\n\
         External-Identifier: {URI}\n\
         External-Description: 上海市人民政府公报 2025年第8期, digital edition\n\
         Bagging-Date: {DATE}\n\
         Payload-Oxum: {bytes}.{}\n\
         Bag-Software-Agent: gazette 0.1.0\n\
         Gazette-Id: {ID}\n\
         Gazette-Title: 上海市人民政府公报\n\
         Gazette-Issue: 2025-8\n\
         Gazette-Issue-Date: {DATE}\n",
        payload.len()
    );
    let mut bag = Tree::new();
    bag.insert(
        "bagit.txt".to_owned(),
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
    );
    bag.insert("bag-info.txt".to_owned(), info.into_bytes());
    bag.insert(
        "manifest-sha256.txt".to_owned(),
        manifest_text(payload, "data/", sha256_hex),
    );
    bag.insert(
        "manifest-sha512.txt".to_owned(),
        manifest_text(payload, "data/", sha512_hex),
    );
    for (path, bytes) in payload {
        bag.insert(format!("data/{path}"), bytes.clone());
    }
    edit(&mut bag);
    // Every tag file, the evidence among them, as gazette lists them (PKG-8).
    let tags: Tree = bag
        .iter()
        .filter(|(path, _)| !path.starts_with("data/") && !path.starts_with("tagmanifest-"))
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .collect();
    bag.insert(
        "tagmanifest-sha256.txt".to_owned(),
        manifest_text(&tags, "", sha256_hex),
    );
    bag.insert(
        "tagmanifest-sha512.txt".to_owned(),
        manifest_text(&tags, "", sha512_hex),
    );
    bag
}

fn bag(payload: &Tree) -> Tree {
    bag_with(payload, |_| {})
}

/// Writes `bag` as the folder `<id>.bag` in a new temporary folder.
pub(super) fn write_folder(bag: &Tree) -> (TempDir, PathBuf) {
    let temporary = tempfile::tempdir().expect("temporary folder");
    let root = temporary.path().join(format!("{ID}.bag"));
    for (path, bytes) in bag {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().expect("in a folder")).expect("folder");
        std::fs::write(target, bytes).expect("written");
    }
    (temporary, root)
}

/// Zips `bag` in the order docs/package.md gives, then lets `more` add
/// entries of its own.
fn zip_with(bag: &Tree, more: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let rank = |path: &str| match path {
        "bagit.txt" => 0,
        "bag-info.txt" => 1,
        p if is_payload(p) => 2,
        _ => 3,
    };
    let mut order: Vec<(&String, &Vec<u8>)> = bag.iter().collect();
    order.sort_by_key(|(path, _)| rank(path));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in order {
        let stored = [".pdf", ".epub", ".p7s"].iter().any(|e| path.ends_with(e));
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        zip.start_file(format!("{ID}.bag/{path}"), zip_options(method))
            .expect("entry");
        zip.write_all(bytes).expect("written");
    }
    more(&mut zip);
    zip.finish().expect("zip finished").into_inner()
}

fn zip_options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .unix_permissions(0o644)
}

fn write_zip(bytes: &[u8]) -> (TempDir, PathBuf) {
    let temporary = tempfile::tempdir().expect("temporary folder");
    let path = temporary.path().join(format!("{ID}.bag.zip"));
    std::fs::write(&path, bytes).expect("written");
    (temporary, path)
}

fn trusting_example_root() -> Options {
    Options {
        anchors: example_chain("root.pem"),
    }
}

fn verify_folder(bag: &Tree) -> Report {
    let (_temporary, root) = write_folder(bag);
    verify_package(&root, &trusting_example_root())
}

fn verify_zip(bytes: &[u8]) -> Report {
    let (_temporary, path) = write_zip(bytes);
    verify_package(&path, &trusting_example_root())
}

fn codes(report: &Report) -> Vec<FindingCode> {
    report.findings.iter().map(|f| f.code).collect()
}

fn assert_found(report: &Report, verdict: Verdict, code: FindingCode) {
    assert_eq!(report.verdict, verdict, "{}", report.summary);
    assert!(
        codes(report).contains(&code),
        "no {code} finding: {:?}",
        report.findings
    );
}

/// Refused at the container, before any seal is looked at.
fn assert_refused(report: &Report, verdict: Verdict, code: FindingCode) {
    assert_eq!(codes(report), [code], "{}", report.summary);
    assert_eq!(report.verdict, verdict, "{}", report.summary);
    assert!(report.signatures.is_empty() && report.parts.is_empty());
}

fn assert_valid(report: &Report) {
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let payload_files = sealed_payload().len();
    let expected = format!(
        "VALID: package of {ID} sealed by 上海市人民政府办公厅（示例 TEST ONLY） (Example \
         Gazette Seal — TEST ONLY, not for production) on {DATE}T00:00:00+08:00; bag \
         complete, {payload_files} files intact, PDF and EPUB seals valid"
    );
    assert_eq!(report.summary, expected);
    let check_codes: Vec<CheckCode> = report.checks.iter().map(|c| c.code).collect();
    assert_eq!(
        check_codes,
        [
            CheckCode::Bag,
            CheckCode::Manifest,
            CheckCode::Identity,
            CheckCode::Files,
            CheckCode::Signer
        ]
    );
    let formats: Vec<(&str, Verdict)> =
        report.parts.iter().map(|p| (p.format, p.verdict)).collect();
    assert_eq!(formats, [("pdf", Verdict::Valid), ("epub", Verdict::Valid)]);
    let [seal] = report.signatures.as_slice() else {
        panic!("one signature: {:?}", report.signatures);
    };
    let check = seal.cms.as_ref().expect("checked");
    assert!(check.valid && matches!(check.trust, Trust::Trusted { .. }));
    assert!(seal.covers_whole_file && seal.changes_after.is_empty());
}

#[test]
fn a_sealed_package_is_valid_as_a_folder() {
    let report = verify_folder(&bag(&sealed_payload()));
    assert_valid(&report);
    assert_eq!(report.format, "package");
    assert_eq!(report.verdict.exit_code(), 0);
}

#[test]
fn a_sealed_package_is_valid_as_a_zip() {
    assert_valid(&verify_zip(&zip_with(&bag(&sealed_payload()), |_| {})));
}

/// A zip given as bytes is judged as the same zip read from its file.
#[test]
fn a_zip_in_memory_is_judged_as_on_disk() {
    let sealed = zip_with(&bag(&sealed_payload()), |_| {});
    let cut = sealed[..sealed.len() / 2].to_vec();
    for bytes in [sealed, cut] {
        let (_temporary, path) = write_zip(&bytes);
        let on_disk = verify_package(&path, &trusting_example_root());
        let in_memory = verify_package_zip(&on_disk.file, &bytes, &trusting_example_root());
        assert_eq!(in_memory.verdict, on_disk.verdict);
        assert_eq!(in_memory.summary, on_disk.summary);
        assert_eq!(codes(&in_memory), codes(&on_disk));
        assert_eq!(in_memory.parts.len(), on_disk.parts.len());
    }
}

/// RFC 8493 §2.1.3 paths: `%` is written `%25`, and one or more spaces
/// or tabs may separate digest and path.
#[test]
fn manifest_paths_are_read_as_rfc_8493_writes_them() {
    let mut payload = sealed_payload();
    payload.insert("source/100% 纸.md".to_owned(), b"x".to_vec());
    let report = verify_folder(&bag(&payload));
    // Not in the signed manifest: added, but the bag itself is complete.
    assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
    assert!(report.summary.ends_with("data/source/100% 纸.md was added"));
    assert_eq!(report.checks[0].code, CheckCode::Bag);

    let tabs = bag_with(&sealed_payload(), |bag| {
        let text = String::from_utf8(bag["manifest-sha256.txt"].clone()).expect("UTF-8");
        bag.insert(
            "manifest-sha256.txt".to_owned(),
            text.replace("  data/", "\t \tdata/").into_bytes(),
        );
    });
    assert_valid(&verify_folder(&tabs));
}

#[test]
fn a_changed_payload_byte_breaks_fixity() {
    let mut bag = bag(&sealed_payload());
    let source = bag.get_mut("data/source/issue.toml").expect("issue.toml");
    source[0] ^= 1;
    let report = verify_folder(&bag);
    assert_found(&report, Verdict::Invalid, FindingCode::Fixity);
    let fixity = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::Fixity)
        .count();
    assert_eq!(fixity, 2, "one per payload manifest: {:?}", report.findings);
    assert!(
        report
            .summary
            .starts_with(&format!("INVALID: package of {ID} sealed by "))
            && report.summary.ends_with(
                "but data/source/issue.toml does not match its SHA-256 in \
                 manifest-sha256.txt: it was changed or damaged"
            ),
        "{}",
        report.summary
    );
}

/// A bag made again around a changed file: the bag holds, the signed
/// manifest does not.
#[test]
fn a_changed_file_in_a_rebuilt_bag_is_modified() {
    let mut payload = sealed_payload();
    payload.insert(
        "source/issue.toml".to_owned(),
        b"title = \"forged\"\n".to_vec(),
    );
    let report = verify_folder(&bag(&payload));
    assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
    assert!(
        report
            .summary
            .ends_with("but changed after sealing: data/source/issue.toml"),
        "{}",
        report.summary
    );
    let changes: Vec<ChangeKind> = report.signatures[0]
        .changes_after
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(changes, [ChangeKind::File(FileChangeKind::Changed)]);
}

#[test]
fn a_changed_edition_in_a_rebuilt_bag_is_invalid() {
    let mut payload = sealed_payload();
    let pdf = payload.get_mut(&format!("edition/{ID}.pdf")).expect("PDF");
    let at = pdf.len() / 3;
    pdf[at] ^= 1;
    let report = verify_folder(&bag(&payload));
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    assert_eq!(report.parts[0].verdict, Verdict::Invalid);
    assert!(
        report.summary.contains("but the PDF edition: INVALID: "),
        "{}",
        report.summary
    );
    assert_eq!(
        report.signatures[0].changes_after[0].description,
        format!("data/edition/{ID}.pdf")
    );
}

#[test]
fn a_missing_payload_file_is_invalid() {
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    std::fs::remove_file(root.join("data/source/attachments/附件 1.md")).expect("removed");
    let report = verify_package(&root, &trusting_example_root());
    assert_found(&report, Verdict::Invalid, FindingCode::MissingPayload);
    assert_found(&report, Verdict::Invalid, FindingCode::PayloadOxum);
    assert!(
        report.summary.contains("Payload-Oxum says"),
        "{}",
        report.summary
    );
}

#[test]
fn an_extra_payload_file_is_invalid() {
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    std::fs::write(root.join("data/source/extra.md"), "extra").expect("written");
    let report = verify_package(&root, &trusting_example_root());
    assert_found(&report, Verdict::Invalid, FindingCode::ExtraPayload);
    let change = &report.signatures[0].changes_after;
    assert_eq!(change[0].kind, ChangeKind::File(FileChangeKind::Added));
    assert!(!report.signatures[0].covers_whole_file);
}

#[test]
fn a_file_listed_twice_in_a_manifest_is_invalid() {
    let bag = bag_with(&sealed_payload(), |bag| {
        let manifest = bag.get_mut("manifest-sha512.txt").expect("manifest");
        let first_line = manifest
            .split_inclusive(|&b| b == b'\n')
            .next()
            .expect("a line")
            .to_vec();
        manifest.extend(first_line);
    });
    let report = verify_folder(&bag);
    assert_eq!(codes(&report), [FindingCode::DuplicateManifestEntry]);
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
}

#[test]
fn a_changed_tag_file_breaks_the_tag_manifests() {
    let mut bag = bag(&sealed_payload());
    bag.get_mut("bag-info.txt")
        .expect("bag-info")
        .extend(b"Contact-Name: someone\n");
    let report = verify_folder(&bag);
    assert_eq!(
        codes(&report),
        [FindingCode::Fixity, FindingCode::Fixity],
        "{}",
        report.summary
    );
    assert!(
        report.findings[0]
            .message
            .starts_with("bag-info.txt does not match")
    );
}

#[test]
fn a_manifest_changed_after_sealing_breaks_its_seal() {
    let mut payload = sealed_payload();
    let json = payload.get_mut("manifest.json").expect("manifest");
    let text = String::from_utf8(json.clone()).expect("UTF-8");
    *json = text.replace("\"0.1.0\"", "\"0.1.1\"").into_bytes();
    let report = verify_folder(&bag(&payload));
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    let check = report.signatures[0].cms.as_ref().expect("checked");
    let problems: Vec<ProblemCode> = check.problems.iter().map(|p| p.code).collect();
    assert_eq!(problems, [ProblemCode::DigestMismatch]);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn a_damaged_seal_file_is_invalid() {
    let mut payload = sealed_payload();
    payload.insert("manifest.json.p7s".to_owned(), b"not a CMS".to_vec());
    let report = verify_folder(&bag(&payload));
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    let findings = &report.signatures[0].findings;
    assert_eq!(findings[0].code, FindingCode::UnreadableSignature);
}

#[test]
fn without_a_trusted_root_the_package_is_untrusted() {
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    let report = verify_package(&root, &Options::default());
    assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.summary);
    assert!(
        report
            .summary
            .starts_with(&format!("UNTRUSTED: package of {ID} sealed by "))
    );
    assert!(
        report.summary.contains("files intact, but "),
        "{}",
        report.summary
    );
    assert!(report.findings.is_empty());
    assert!(report.parts.iter().all(|p| p.verdict == Verdict::Untrusted));
}

#[test]
fn an_unsealed_package_is_not_sealed() {
    let mut payload = payload_with(&ECDSA, |manifest| manifest.seal = None);
    payload.remove("manifest.json.p7s");
    payload.retain(|path, _| !path.starts_with("certificates/"));
    let report = verify_folder(&bag(&payload));
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    assert_eq!(codes(&report), [FindingCode::NotSealed]);
    assert_eq!(
        report.summary,
        format!(
            "NOT SEALED: package of {ID}: data/manifest.json carries no seal \
             (data/manifest.json.p7s is absent)"
        )
    );
}

#[test]
fn a_removed_seal_file_is_invalid() {
    let mut payload = sealed_payload();
    payload.remove("manifest.json.p7s");
    let report = verify_folder(&bag(&payload));
    assert_eq!(codes(&report), [FindingCode::MissingSignature]);
    assert_eq!(report.verdict, Verdict::Invalid);
}

/// The manifest sealed with the RSA key, the editions with the ECDSA one.
#[test]
fn another_signer_than_the_editions_is_invalid() {
    let rsa = Key {
        file: "seal-rsa.key.pem",
        chain: "seal-rsa-chain.pem",
    };
    let report = verify_folder(&bag(&payload_with(&rsa, |_| {})));
    assert_eq!(
        codes(&report),
        [FindingCode::SignerMismatch],
        "{}",
        report.summary
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.findings[0]
            .message
            .starts_with("the PDF edition's signer and the EPUB edition's signer are not"),
        "{}",
        report.findings[0].message
    );
}

#[test]
fn a_seal_entry_naming_another_certificate_is_invalid() {
    let payload = payload_with(&ECDSA, |manifest| {
        let seal = manifest.seal.as_mut().expect("sealed");
        seal.certificate_sha256 = "00".repeat(32);
    });
    let report = verify_folder(&bag(&payload));
    assert_eq!(codes(&report), [FindingCode::SignerMismatch]);
}

#[test]
fn bag_info_naming_another_edition_is_invalid() {
    let bag = bag_with(&sealed_payload(), |bag| {
        let info = String::from_utf8(bag["bag-info.txt"].clone()).expect("UTF-8");
        let other = info.replace(&format!("Gazette-Id: {ID}"), "Gazette-Id: other-2025-09");
        bag.insert("bag-info.txt".to_owned(), other.into_bytes());
    });
    let report = verify_folder(&bag);
    assert_eq!(codes(&report), [FindingCode::IdentityMismatch]);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn an_artifact_listed_twice_is_invalid() {
    let payload = payload_with(&ECDSA, |manifest| {
        let pdf = manifest.artifacts[0].clone();
        manifest.artifacts.push(pdf);
    });
    let report = verify_folder(&bag(&payload));
    assert_eq!(codes(&report), [FindingCode::DuplicateArtifact]);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn a_manifest_outside_the_schema_is_refused() {
    let newer = payload_with(&ECDSA, |manifest| {
        manifest.schema = "urn:gazette:schema:verification-manifest:2".to_owned();
    });
    let report = verify_folder(&bag(&newer));
    assert_eq!(codes(&report), [FindingCode::UnsupportedSchema]);
    assert_eq!(report.verdict, Verdict::CannotCheck);

    let mut unknown_field = sealed_payload();
    let json = String::from_utf8(unknown_field["manifest.json"].clone()).expect("UTF-8");
    let json = json.replacen("{", "{\n  \"extra\": 1,", 1);
    unknown_field.insert("manifest.json".to_owned(), json.into_bytes());
    let report = verify_folder(&bag(&unknown_field));
    assert_eq!(codes(&report), [FindingCode::BadManifestJson]);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn other_bagit_versions_cannot_be_checked() {
    let mut bag = bag(&sealed_payload());
    bag.insert(
        "bagit.txt".to_owned(),
        b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
    );
    assert_refused(
        &verify_folder(&bag),
        Verdict::CannotCheck,
        FindingCode::UnsupportedBagit,
    );
    bag.remove("bagit.txt");
    assert_refused(
        &verify_folder(&bag),
        Verdict::CannotCheck,
        FindingCode::NotABag,
    );
}

#[test]
fn a_missing_path_cannot_be_checked() {
    let temporary = tempfile::tempdir().expect("temporary folder");
    let report = verify_package(&temporary.path().join("nothing"), &Options::default());
    assert_refused(&report, Verdict::CannotCheck, FindingCode::Unreadable);
    assert_eq!(report.verdict.exit_code(), 2);
}

/// The sealed bag zipped with one more entry, first written under a
/// placeholder name and then renamed to `name` in the bytes.
fn zip_with_entry_named(name: &[u8]) -> Vec<u8> {
    let placeholder = "Z".repeat(name.len());
    let mut bytes = zip_with(&bag(&sealed_payload()), |zip| {
        zip.start_file(
            placeholder.as_str(),
            zip_options(CompressionMethod::Deflated),
        )
        .expect("entry");
        zip.write_all(b"evil").expect("written");
    });
    rename(&mut bytes, placeholder.as_bytes(), name);
    bytes
}

#[test]
fn zip_entries_that_escape_or_confuse_are_refused() {
    let escaping = format!("{ID}.bag/../evil.txt");
    for name in [escaping.as_bytes(), b"/etc/evil.txt", b"C:/evil.txt"] {
        let report = verify_zip(&zip_with_entry_named(name));
        assert_refused(&report, Verdict::Invalid, FindingCode::UnsafeEntryName);
    }
    let report = verify_zip(&zip_with_entry_named(b"\xFF.bag/data/evil.txt"));
    assert_refused(&report, Verdict::Invalid, FindingCode::NonUtf8Name);
    let twice = format!("{ID}.bag/bagit.txt");
    let report = verify_zip(&zip_with_entry_named(twice.as_bytes()));
    assert_refused(&report, Verdict::Invalid, FindingCode::DuplicateEntry);
    let report = verify_zip(&zip_with_entry_named(b"elsewhere/evil.txt"));
    assert_refused(&report, Verdict::Invalid, FindingCode::NotOneFolder);
}

#[test]
fn a_symbolic_link_in_a_zip_is_refused() {
    let bytes = zip_with(&bag(&sealed_payload()), |zip| {
        zip.add_symlink(
            format!("{ID}.bag/data/source/link.md"),
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .expect("symlink");
    });
    assert_refused(
        &verify_zip(&bytes),
        Verdict::Invalid,
        FindingCode::SymlinkEntry,
    );
}

#[test]
fn a_symbolic_link_in_a_folder_is_refused() {
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    std::os::unix::fs::symlink("/etc/passwd", root.join("data/source/link.md")).expect("symlink");
    let report = verify_package(&root, &trusting_example_root());
    assert_refused(&report, Verdict::Invalid, FindingCode::SymlinkEntry);
}

/// A bag folder with one more file, written by `add` into data/source/.
fn verify_folder_with(add: impl FnOnce(&Path)) -> Report {
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    add(&root.join("data/source"));
    verify_package(&root, &trusting_example_root())
}

#[test]
fn folder_entries_that_are_not_plain_portable_files_are_refused() {
    use std::os::unix::ffi::OsStrExt;

    let report = verify_folder_with(|source| {
        std::fs::write(source.join("a\\b.md"), "x").expect("written");
    });
    assert_refused(&report, Verdict::Invalid, FindingCode::UnsafeEntryName);
    let report = verify_folder_with(|source| {
        let name = std::ffi::OsStr::from_bytes(b"\xFFevil.md");
        std::fs::write(source.join(name), "x").expect("written");
    });
    assert_refused(&report, Verdict::Invalid, FindingCode::NonUtf8Name);
    let report = verify_folder_with(|source| {
        std::os::unix::net::UnixListener::bind(source.join("socket")).expect("socket");
    });
    assert_refused(&report, Verdict::Invalid, FindingCode::SpecialEntry);
}

#[test]
fn zip_bombs_are_refused_without_unpacking_them() {
    let bomb = format!("{ID}.bag/data/source/zeros.bin");
    let zeros = vec![0; 1024 * 1024];
    let bytes = zip_with(&bag(&sealed_payload()), |zip| {
        zip.start_file(bomb.as_str(), zip_options(CompressionMethod::Deflated))
            .expect("entry");
        for _ in 0..300 {
            zip.write_all(&zeros).expect("written");
        }
    });
    let (honest, lying) = verify_bombs(bytes, bomb.as_bytes(), verify_zip);
    assert_refused(&honest, Verdict::CannotCheck, FindingCode::ZipBomb);
    assert_refused(&lying, Verdict::Invalid, FindingCode::DamagedEntry);
}

/// The nested reports keep the form `gazette verify` gives a PDF or an
/// EPUB; only the package's report has checks and parts.
#[test]
fn reports_of_editions_keep_their_json_form() {
    let report = verify_folder(&bag(&sealed_payload()));
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(5));
    for part in json["parts"].as_array().expect("parts") {
        assert!(part.get("checks").is_none() && part.get("parts").is_none());
    }
}

/// The test bags are real BagIt 1.0 bags: Python's bagit (the Library of
/// Congress's reference tool) validates one.
#[test]
fn python_bagit_validates_the_test_bag() {
    if !tool_available("bagit.py") {
        return;
    }
    let (_temporary, root) = write_folder(&bag(&sealed_payload()));
    let output = Command::new("bagit.py")
        .arg("--validate")
        .arg(&root)
        .output()
        .expect("bagit.py runs");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("is valid"), "{log}");
}

#[test]
fn a_level_mismatch_names_the_rule_of_the_seal_that_stops_short_among_its_codes() {
    let levels = [
        Level::BasicB,
        Level::BasicT,
        Level::BasicLt,
        Level::BasicLta,
    ];
    let all = crate::verify::Cited::rules(FindingCode::LevelMismatch);
    let mut named = std::collections::BTreeSet::new();
    for reached in levels {
        for (manifest, by_crl) in [(true, false), (false, false), (true, true), (false, true)] {
            let rules = rules_short_of(reached, manifest, by_crl);
            assert!(rules.iter().all(|r| all.contains(r)), "{rules:?} ⊄ {all:?}");
            named.extend(rules.iter().copied());
        }
    }
    assert_eq!(
        named.len(),
        all.len(),
        "every rule of the code can be named"
    );
}
