//! `gazette verify` against damaged, re-signed and attacked copies of the sealed
//! sample. Each attack follows the published ones on PDF signatures
//! (Mladenov et al., "1 Trillion Dollar Refund", 2019; Mainka et al., "Shadow
//! Attacks", 2021): incremental saving, signature wrapping, universal signature
//! forgery, and shadow hide / replace / hide-and-replace.

use std::path::Path;

use gazette::cms;
use gazette::seal::Spot;
use gazette::signer::{self, FixedSecrets, Identity, KeySource, RsaPadding};
use gazette::verify::{
    ChangeKind, Options, PdfChangeKind, Report, SignatureKind, Verdict, verify_pdf,
};
use lopdf::{Document, Object, ObjectId};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};

use crate::support::{
    append_update, byte_range, example, find, gazette, seal_pdf_with, sealed_sample,
    signature_object, trailer, unsealed_sample, written,
};

fn sealed() -> &'static [u8] {
    &sealed_sample().pdf
}

fn unsealed() -> &'static [u8] {
    &unsealed_sample().pdf
}

fn example_root() -> Vec<Vec<u8>> {
    cms::load_pem_certificates(&std::fs::read(example("root.pem")).unwrap()).unwrap()
}

fn check(bytes: &[u8]) -> Report {
    verify_pdf(
        "test.pdf",
        bytes,
        &Options {
            anchors: example_root(),
        },
    )
}

/// Every problem code in the report, from the file, the signatures and their CMS.
fn codes(report: &Report) -> Vec<String> {
    let mut codes: Vec<String> = report.findings.iter().map(|f| f.code.to_string()).collect();
    for signature in &report.signatures {
        codes.extend(signature.findings.iter().map(|f| f.code.to_string()));
        if let Some(check) = &signature.cms {
            codes.extend(check.problems.iter().map(|p| {
                serde_json::to_value(p.code)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            }));
        }
    }
    codes
}

fn assert_verdict(report: &Report, verdict: Verdict, code: &str) {
    assert_eq!(report.verdict, verdict, "{report:#?}");
    if !code.is_empty() {
        assert!(
            codes(report).iter().any(|c| c == code),
            "expected {code} in {:?}: {}",
            codes(report),
            report.summary
        );
    }
}

// ---------------------------------------------------------------------------
// The PDF's anatomy, read with lopdf: where things are in the sealed bytes.
// ---------------------------------------------------------------------------

fn document(bytes: &[u8]) -> Document {
    Document::load_mem(bytes).unwrap()
}

/// The object holding page `n`'s (1-based) first content stream.
fn page_content(bytes: &[u8], n: u32) -> ObjectId {
    let doc = document(bytes);
    let page = doc.get_pages()[&n];
    doc.get_page_contents(page)[0]
}

/// A cross-reference section alone, pointing object `number` at `offset`:
/// what a shadow attack appends after signing.
fn append_xref_only(bytes: &[u8], entries: &[(u32, usize)], root: Option<u32>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = out.len();
    let mut text = String::from("xref\n");
    for (number, offset) in entries {
        text += &format!("{number} 1\n{offset:010} 00000 n\r\n");
    }
    let size = entries.iter().map(|(n, _)| n + 1).max().unwrap_or(0);
    text += &trailer(bytes, size, root);
    text += &format!("startxref\n{at}\n%%EOF\n");
    out.extend_from_slice(text.as_bytes());
    out
}

fn stream(content: &str) -> Vec<u8> {
    format!("<</Length {}>>stream\n{content}\nendstream", content.len()).into_bytes()
}

// ---------------------------------------------------------------------------
// Signing again: the example identity, or one made for a test.
// ---------------------------------------------------------------------------

fn open_key(path: &Path) -> Identity {
    signer::open(
        &KeySource::File(path.to_path_buf()),
        RsaPadding::Pkcs1,
        &FixedSecrets::default(),
    )
    .unwrap()
}

fn example_chain() -> Vec<Vec<u8>> {
    cms::load_pem_certificates(&std::fs::read(example("seal-chain.pem")).unwrap()).unwrap()
}

/// Rewrites the byte range to `range` (same width, padded with spaces) and puts
/// a valid signature over exactly that range into the value's place: what an
/// attacker with a signing key, or a buggy signer, could produce.
fn resign(bytes: &[u8], range: [usize; 4], content: Option<&[u8]>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = find(&out, b"/ByteRange[").unwrap() + b"/ByteRange".len();
    let end = at + out[at..].iter().position(|&b| b == b']').unwrap() + 1;
    let mut text = format!("[{} {} {} {}", range[0], range[1], range[2], range[3]);
    while text.len() < end - at - 1 {
        text.push(' ');
    }
    text.push(']');
    assert_eq!(text.len(), end - at, "the new range must fit");
    out[at..end].copy_from_slice(text.as_bytes());

    let [_, first, second, _] = byte_range(bytes);
    let identity = open_key(&example("seal.key.pem"));
    let chain = example_chain();
    let parts: Vec<&[u8]> = match content {
        Some(other) => vec![other],
        None => vec![
            &out[range[0]..range[0] + range[1]],
            &out[range[2]..range[2] + range[3]],
        ],
    };
    let signature = cms::sign_detached(&parts, &chain, identity.signer.as_ref()).unwrap();
    let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
    let value_end = first + 1 + (second - first - 2);
    out[first + 1..value_end].fill(b'0');
    out[first + 1..first + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    out
}

/// A root and a seal certificate made for one test; `tweak` adjusts the seal's.
fn identity_with(
    tweak: impl FnOnce(&mut CertificateParams),
) -> (Vec<Vec<u8>>, Vec<u8>, tempfile::TempDir) {
    let root_key = KeyPair::generate().unwrap();
    let mut root_params = CertificateParams::default();
    root_params
        .distinguished_name
        .push(DnType::CommonName, "Test Root — TEST ONLY");
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    root_params.not_before = date_time_ymd(2020, 1, 1);
    root_params.not_after = date_time_ymd(2050, 1, 1);
    let root = root_params.self_signed(&root_key).unwrap();

    let seal_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "测试单位 TEST ONLY");
    params
        .distinguished_name
        .push(DnType::CommonName, "Test Seal — TEST ONLY");
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2030, 1, 1);
    tweak(&mut params);
    let issuer = Issuer::from_params(&root_params, &root_key);
    let seal = params.signed_by(&seal_key, &issuer).unwrap();

    let folder = tempfile::tempdir().unwrap();
    let key_file = folder.path().join("seal.key.pem");
    std::fs::write(&key_file, seal_key.serialize_pem()).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    (
        vec![seal.der().to_vec(), root.der().to_vec()],
        root.der().to_vec(),
        folder,
    )
}

/// The unsealed sample sealed with a fresh identity (its seal certificate
/// adjusted by `tweak`), verified trusting that identity's own root.
fn sealed_with_own_root(tweak: impl FnOnce(&mut CertificateParams)) -> Report {
    let (chain, root, folder) = identity_with(tweak);
    let sealed = seal_with(unsealed(), &chain, folder.path());
    verify_pdf(
        "test.pdf",
        &sealed,
        &Options {
            anchors: vec![root],
        },
    )
}

/// Seals `pdf` with the identity in `folder` (from `identity_with`).
fn seal_with(pdf: &[u8], chain: &[Vec<u8>], folder: &Path) -> Vec<u8> {
    let spot = Spot {
        page: 0,
        rect: [400.0, 100.0, 519.0, 219.0],
    };
    seal_pdf_with(pdf, chain, &folder.join("seal.key.pem"), spot)
}

fn seal_with_example(pdf: &[u8]) -> Vec<u8> {
    let folder = tempfile::tempdir().unwrap();
    let key = folder.path().join("seal.key.pem");
    std::fs::copy(example("seal.key.pem"), &key).unwrap();
    seal_with(pdf, &example_chain(), folder.path())
}

// ---------------------------------------------------------------------------
// The sealed sample, and what is allowed after it.
// ---------------------------------------------------------------------------

#[test]
fn the_sealed_sample_is_valid() {
    let report = check(sealed());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(
        report
            .summary
            .starts_with("VALID: sealed by 上海市人民政府办公厅"),
        "{}",
        report.summary
    );
    assert!(report.summary.contains("2025-08-15T00:00:00+08:00"));
    let signature = &report.signatures[0];
    assert_eq!(signature.kind, SignatureKind::Certification);
    assert_eq!(signature.docmdp_permission, Some(1));
    assert_eq!(signature.sub_filter, "ETSI.CAdES.detached");
    assert!(signature.covers_whole_file);
    let cms = signature.cms.as_ref().unwrap();
    assert!(cms.digest_matches && cms.signature_valid && cms.valid);
    assert_eq!(cms.chain.len(), 3);
}

#[test]
fn sealing_keeps_the_typeset_bytes_as_a_prefix() {
    let (sealed, unsealed) = (sealed(), unsealed());
    assert!(sealed.len() > unsealed.len());
    assert_eq!(&sealed[..unsealed.len()], unsealed);
}

#[test]
fn without_a_trust_anchor_the_seal_is_not_trusted() {
    let report = verify_pdf("test.pdf", sealed(), &Options::default());
    assert_verdict(&report, Verdict::Untrusted, "untrusted");
    assert!(
        report.summary.starts_with("UNTRUSTED"),
        "{}",
        report.summary
    );
    assert!(report.summary.contains("--trust"), "{}", report.summary);
}

#[test]
fn validation_data_appended_later_is_allowed() {
    let bytes = sealed();
    let doc = document(bytes);
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let mut catalog = doc.get_dictionary(root).unwrap().clone();
    let cert_number = doc.max_id + 10;
    catalog.set(
        "DSS",
        lopdf::Dictionary::from_iter([("Certs", Object::Array(vec![(cert_number, 0).into()]))]),
    );
    let body = written(&Object::Dictionary(catalog));
    let certificate = &example_chain()[1];
    let mut cert_stream = format!("<</Length {}>>stream\n", certificate.len()).into_bytes();
    cert_stream.extend_from_slice(certificate);
    cert_stream.extend_from_slice(b"\nendstream");
    let updated = append_update(bytes, &[(root.0, body), (cert_number, cert_stream)], None);

    let report = check(&updated);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let changes = &report.signatures[0].changes_after;
    assert!(
        !changes.is_empty() && changes.iter().all(|c| c.allowed),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.kind == ChangeKind::Pdf(PdfChangeKind::ValidationData))
    );
}

// ---------------------------------------------------------------------------
// Damage and re-signing.
// ---------------------------------------------------------------------------

#[test]
fn a_changed_byte_inside_the_signed_range_breaks_the_seal() {
    let mut bytes = sealed().to_vec();
    let at = find(&bytes, b"/Lang(zh-CN)").unwrap() + b"/Lang(zh-".len();
    bytes[at..at + 2].copy_from_slice(b"TW");
    let report = check(&bytes);
    assert_verdict(&report, Verdict::Invalid, "digest-mismatch");
    assert!(report.summary.starts_with("INVALID"), "{}", report.summary);
}

#[test]
fn a_truncated_file_is_invalid() {
    let bytes = sealed();
    for cut in [100, 5000, bytes.len() / 2] {
        let report = check(&bytes[..bytes.len() - cut]);
        assert_ne!(
            report.verdict,
            Verdict::Valid,
            "cut {cut}: {}",
            report.summary
        );
        assert_ne!(
            report.verdict,
            Verdict::Modified,
            "cut {cut}: {}",
            report.summary
        );
    }
    let report = check(&bytes[..bytes.len() - 100]);
    assert_verdict(&report, Verdict::Invalid, "truncated");
}

#[test]
fn a_signature_over_part_of_the_revision_is_refused() {
    let [a, b, c, d] = byte_range(sealed());
    let report = check(&resign(sealed(), [a, b, c, d - 40], None));
    assert_verdict(&report, Verdict::Invalid, "partial-revision");
}

#[test]
fn a_signature_that_does_not_start_at_byte_zero_is_refused() {
    let [_, b, c, d] = byte_range(sealed());
    let report = check(&resign(sealed(), [16, b - 16, c, d], None));
    assert_verdict(&report, Verdict::Invalid, "partial-byte-range");
}

#[test]
fn a_byte_range_that_skips_more_than_the_value_is_refused() {
    let [a, b, c, d] = byte_range(sealed());
    let report = check(&resign(sealed(), [a, b - 20, c, d], None));
    assert_verdict(&report, Verdict::Invalid, "byte-range-gap");
}

#[test]
fn a_signature_over_other_content_has_the_wrong_digest() {
    let range = byte_range(sealed());
    let report = check(&resign(sealed(), range, Some(b"another document")));
    assert_verdict(&report, Verdict::Invalid, "digest-mismatch");
}

#[test]
fn a_correct_re_signature_is_accepted() {
    // The control for the re-signing tests above: same range, fresh signature.
    let range = byte_range(sealed());
    assert_eq!(
        check(&resign(sealed(), range, None)).verdict,
        Verdict::Valid
    );
}

// ---------------------------------------------------------------------------
// Certificates.
// ---------------------------------------------------------------------------

#[test]
fn a_seal_from_another_root_is_untrusted() {
    let (chain, _root, folder) = identity_with(|_| {});
    let report = check(&seal_with(unsealed(), &chain, folder.path()));
    assert_verdict(&report, Verdict::Untrusted, "untrusted");
}

#[test]
fn the_same_seal_is_valid_with_its_own_root() {
    let report = sealed_with_own_root(|_| {});
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert!(
        report.summary.contains("测试单位 TEST ONLY"),
        "{}",
        report.summary
    );
}

#[test]
fn an_expired_certificate_is_refused() {
    let report = sealed_with_own_root(|p| {
        p.not_before = date_time_ymd(2021, 1, 1);
        p.not_after = date_time_ymd(2022, 1, 1);
    });
    assert_verdict(&report, Verdict::Invalid, "expired");
}

#[test]
fn a_certificate_not_yet_valid_is_refused() {
    let report = sealed_with_own_root(|p| {
        p.not_before = date_time_ymd(2026, 1, 1);
        p.not_after = date_time_ymd(2030, 1, 1);
    });
    assert_verdict(&report, Verdict::Invalid, "not-yet-valid");
}

#[test]
fn a_certificate_without_digital_signature_is_refused() {
    let report = sealed_with_own_root(|p| {
        p.key_usages = vec![KeyUsagePurpose::ContentCommitment];
    });
    assert_verdict(&report, Verdict::Invalid, "key-usage");
    assert!(
        report.summary.contains("does not allow digital signatures"),
        "{}",
        report.summary
    );
}

// ---------------------------------------------------------------------------
// Published attacks.
// ---------------------------------------------------------------------------

/// Incremental saving attack: an update that rewrites a page after sealing.
#[test]
fn incremental_saving_attack_changing_a_page_is_reported() {
    let bytes = sealed();
    let content = page_content(bytes, 3);
    let forged = stream("BT /F1 24 Tf 72 720 Td (FORGED) Tj ET");
    let report = check(&append_update(bytes, &[(content.0, forged)], None));
    assert_verdict(&report, Verdict::Modified, "");
    assert!(report.summary.starts_with("MODIFIED"), "{}", report.summary);
    let change = report.signatures[0]
        .changes_after
        .iter()
        .find(|c| !c.allowed)
        .unwrap();
    assert_eq!(change.kind, ChangeKind::Pdf(PdfChangeKind::PageContent));
    assert!(
        change.description.contains("page 3"),
        "{}",
        change.description
    );
}

/// Incremental saving attack: an annotation added over the text after sealing.
#[test]
fn incremental_saving_attack_adding_an_annotation_is_reported() {
    let bytes = sealed();
    let doc = document(bytes);
    let page_id = doc.get_pages()[&5];
    let mut page = doc.get_dictionary(page_id).unwrap().clone();
    let note = doc.max_id + 1;
    page.set("Annots", Object::Array(vec![(note, 0).into()]));
    let body = written(&Object::Dictionary(page));
    let annotation =
        b"<</Type/Annot/Subtype/FreeText/Rect[72 600 400 700]/Contents(void)/F 4>>".to_vec();
    let report = check(&append_update(
        bytes,
        &[(page_id.0, body), (note, annotation)],
        None,
    ));
    assert_verdict(&report, Verdict::Modified, "");
    let kinds: Vec<ChangeKind> = report.signatures[0]
        .changes_after
        .iter()
        .filter(|c| !c.allowed)
        .map(|c| c.kind)
        .collect();
    assert!(
        kinds.contains(&ChangeKind::Pdf(PdfChangeKind::Annotation)),
        "{kinds:?}"
    );
}

/// Signature wrapping: the signed second part moved to the end, malicious
/// objects put where it was, the byte range pointed at the moved part.
#[test]
fn signature_wrapping_is_refused() {
    let bytes = sealed();
    let [a, b, c, d] = byte_range(bytes);
    let content = page_content(bytes, 2);
    let malicious = format!(
        "\n{} 0 obj\n<</Length 8>>stream\nBT ET Q\nendstream\nendobj\n",
        content.0
    );
    let mut wrapped = bytes[..c].to_vec();
    wrapped.extend_from_slice(malicious.as_bytes());
    let moved = wrapped.len();
    wrapped.extend_from_slice(&bytes[c..c + d]);
    let wrapped = {
        let at = find(&wrapped, b"/ByteRange[").unwrap() + b"/ByteRange".len();
        let end = at + wrapped[at..].iter().position(|&x| x == b']').unwrap() + 1;
        let mut text = format!("[{a} {b} {moved} {d}");
        while text.len() < end - at - 1 {
            text.push(' ');
        }
        text.push(']');
        let mut out = wrapped.clone();
        out[at..end].copy_from_slice(text.as_bytes());
        out
    };
    // Moving the signed part also breaks the file's own cross-reference
    // offsets, so lopdf may no longer find the seal at all: either way the
    // verdict is invalid, never valid or merely modified.
    let report = check(&wrapped);
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    let found = codes(&report);
    assert!(
        found
            .iter()
            .any(|c| c == "byte-range-gap" || c == "seal-hidden"),
        "{found:?}"
    );
}

/// Universal signature forgery: an update replaces the signature dictionary
/// with one whose value or range is missing, empty or null.
#[test]
fn universal_signature_forgery_variants_are_refused() {
    let bytes = sealed();
    let id = signature_object(bytes);
    let [a, b, c, d] = byte_range(bytes);
    let head = "/Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached";
    let variants = [
        (
            format!("<<{head}/ByteRange[{a} {b} {c} {d}]>>"),
            "no-signature-value",
        ),
        (
            format!("<<{head}/ByteRange[{a} {b} {c} {d}]/Contents<>>>"),
            "no-signature-value",
        ),
        (
            format!("<<{head}/ByteRange[{a} {b} {c} {d}]/Contents null>>"),
            "no-signature-value",
        ),
        (format!("<<{head}/Contents<3082>>>"), "no-byte-range"),
        (
            format!("<<{head}/Contents<3082>/ByteRange null>>"),
            "no-byte-range",
        ),
        (
            format!("<<{head}/Contents<3082>/ByteRange[]>>"),
            "no-byte-range",
        ),
        (
            format!("<<{head}/Contents<3082>/ByteRange[0 0 0 0]>>"),
            "byte-range-gap",
        ),
    ];
    for (dictionary, code) in variants {
        let forged = append_update(bytes, &[(id.0, dictionary.clone().into_bytes())], None);
        let report = check(&forged);
        assert_eq!(
            report.verdict,
            Verdict::Invalid,
            "{dictionary}: {}",
            report.summary
        );
        assert!(
            codes(&report).iter().any(|c| c == code),
            "{dictionary}: {:?}",
            codes(&report)
        );
    }
}

/// Shadow attacks hide content in the signed file that its last xref does not
/// reference; after sealing, an update of nothing but a cross-reference
/// section brings it into view.
struct Shadow {
    sealed: Vec<u8>,
    /// Offset of the hidden object in the signed bytes.
    offset: usize,
}

fn shadow(number: u32, body: &[u8]) -> Shadow {
    let mut prepared = unsealed().to_vec();
    prepared.push(b'\n');
    let offset = prepared.len();
    prepared.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
    prepared.extend_from_slice(body);
    prepared.extend_from_slice(b"\nendobj\n");
    // The shadow object is invisible until referenced: the seal is valid.
    let sealed = seal_with_example(&prepared);
    assert_eq!(check(&sealed).verdict, Verdict::Valid);
    Shadow { sealed, offset }
}

#[test]
fn shadow_hide_is_reported() {
    // The hidden version of page 2's content leaves out what the signed one shows.
    let content = page_content(unsealed(), 2);
    let shadow = shadow(content.0, &stream("q Q"));
    let attacked = append_xref_only(&shadow.sealed, &[(content.0, shadow.offset)], None);
    let report = check(&attacked);
    assert_verdict(&report, Verdict::Modified, "");
    assert!(report.summary.contains("page 2"), "{}", report.summary);
}

#[test]
fn shadow_replace_is_reported() {
    // The document information (title, author) swapped for a hidden copy.
    let doc = document(unsealed());
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let shadow = shadow(info.0, b"<</Title(Forged title)/Author(Nobody)>>");
    let attacked = append_xref_only(&shadow.sealed, &[(info.0, shadow.offset)], None);
    let report = check(&attacked);
    assert_verdict(&report, Verdict::Modified, "");
    assert!(
        report.signatures[0]
            .changes_after
            .iter()
            .any(|c| !c.allowed && c.kind == ChangeKind::Pdf(PdfChangeKind::Catalog)),
        "{:?}",
        report.signatures[0].changes_after
    );
}

#[test]
fn shadow_hide_and_replace_is_reported() {
    // A whole hidden catalog, made the document's root after sealing.
    let doc = document(unsealed());
    let pages = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let hidden = 90_000;
    let shadow = shadow(
        hidden,
        format!("<</Type/Catalog/Pages {} 0 R>>", pages.0).as_bytes(),
    );
    let attacked = append_xref_only(&shadow.sealed, &[(hidden, shadow.offset)], Some(hidden));
    // The hidden catalog has no form, so the current version shows no seal.
    let report = check(&attacked);
    assert_verdict(&report, Verdict::Invalid, "seal-hidden");
}

// ---------------------------------------------------------------------------
// Files that are not sealed PDFs.
// ---------------------------------------------------------------------------

#[test]
fn an_unsealed_pdf_is_not_valid() {
    let report = check(unsealed());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.summary.starts_with("NOT SEALED"),
        "{}",
        report.summary
    );
}

#[test]
fn garbage_cannot_be_checked() {
    for bytes in [&b"hello"[..], b"%PDF-1.7\n garbage", b"", b"%PDF-"] {
        let report = check(bytes);
        assert_eq!(
            report.verdict,
            Verdict::CannotCheck,
            "{bytes:?}: {}",
            report.summary
        );
    }
}

#[test]
fn corrupted_sealed_files_never_panic() {
    let bytes = sealed();
    // The signature value itself is not signed: a flipped byte there may
    // land in a certificate the check does not rely on (the root's copy,
    // say), so it must only never panic. Every signed byte must count.
    let [_, unsigned_from, unsigned_to, _] = byte_range(bytes);
    let unsigned = unsigned_from..unsigned_to;
    let step = bytes.len() / 97;
    for i in (0..bytes.len()).step_by(step) {
        let mut damaged = bytes.to_vec();
        damaged[i] ^= 0x5a;
        let report = check(&damaged);
        if !unsigned.contains(&i) {
            assert_ne!(
                report.verdict,
                Verdict::Valid,
                "byte {i} flipped: {}",
                report.summary
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The command, as the public uses it.
// ---------------------------------------------------------------------------

fn verify_command(bytes: &[u8], extra: &[&str]) -> (i32, String) {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("edition.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = gazette()
        .arg("verify")
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn the_command_prints_the_verdict_first_and_sets_the_exit_code() {
    let root = example("root.pem");
    let trust = ["--trust", root.to_str().unwrap()];
    let (code, out) = verify_command(sealed(), &trust);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with("VALID: sealed by 上海市人民政府办公厅"),
        "{out}"
    );

    let mut broken = sealed().to_vec();
    let at = find(&broken, b"/Lang(zh-CN)").unwrap() + 9;
    broken[at] = b'X';
    let (code, out) = verify_command(&broken, &trust);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("INVALID"), "{out}");

    let (code, _) = verify_command(b"not a pdf", &trust);
    assert_eq!(code, 2);
}

#[test]
fn the_command_reports_json() {
    let root = example("root.pem");
    let (code, out) = verify_command(sealed(), &["--trust", root.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["signatures"][0]["docmdp_permission"], 1);
    assert_eq!(json["signatures"][0]["cms"]["trust"]["status"], "trusted");
    assert_eq!(json["signatures"][0]["cms"]["digest_matches"], true);
}

#[test]
fn shadow_hide_and_replace_keeping_the_seal_visible_is_reported() {
    // The hidden catalog predicts the numbers the seal's objects will get, so
    // the seal still shows after the swap; the replaced root gives it away.
    let doc = document(unsealed());
    let pages = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let (signature, widget) = (doc.max_id + 1, doc.max_id + 2);
    let hidden = 90_001;
    let catalog = format!(
        "<</Type/Catalog/Pages {} 0 R/AcroForm<</Fields[{widget} 0 R]/SigFlags 3>>/Perms<</DocMDP {signature} 0 R>>>>",
        pages.0
    );
    let shadow = shadow(hidden, catalog.as_bytes());
    let attacked = append_xref_only(&shadow.sealed, &[(hidden, shadow.offset)], Some(hidden));
    let report = check(&attacked);
    assert_eq!(report.verdict, Verdict::Modified, "{}", report.summary);
    assert!(
        report.summary.contains("catalog was replaced"),
        "{}",
        report.summary
    );
}

// ---------------------------------------------------------------------------
// Over time: `--at`, and what the report says about revocation.
// ---------------------------------------------------------------------------

/// The sample's seal is B-B (no time-stamp authority): after its example
/// certificate's notAfter (2035-12-31) it is judged then, and has expired;
/// nothing proves it was made before, so nothing is known: INDETERMINATE,
/// not INVALID, since the file itself is as it was sealed.
#[test]
fn at_a_time_past_its_certificate_a_b_b_seal_has_expired() {
    let root = example("root.pem");
    let trust = ["--trust", root.to_str().unwrap()];
    let (code, out) = verify_command(sealed(), &trust);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("level B-B; time claimed by the signer, not attested"),
        "{out}"
    );
    assert!(out.contains("revocation not checked"), "{out}");

    let later = [&trust[..], &["--at", "2036-06-01T00:00:00+08:00"]].concat();
    let (code, out) = verify_command(sealed(), &later);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("INDETERMINATE")
            && out.contains("unchanged since")
            && out.contains("expired")
            && out.contains("nothing in the file proves the seal was made before then"),
        "{out}"
    );

    let json = [&trust[..], &["--at", "2030-01-01", "--json"]].concat();
    let (code, out) = verify_command(sealed(), &json);
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["validation_time"], "2030-01-01T00:00:00Z");
    assert_eq!(report["signatures"][0]["judged_at"], "2030-01-01T00:00:00Z");
    assert_eq!(
        report["signatures"][0]["notes"][0]["code"],
        "revocation-not-checked"
    );

    let output = gazette()
        .args(["verify", "x.pdf", "--at", "next tuesday"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not a time"),
        "{output:?}"
    );
}

/// `--conformance` judges the file against the written format rule by rule:
/// the sealed sample keeps every rule checked for a PDF and breaks none; a
/// changed signed byte breaks the seal's rules, named with the code that
/// says so; rules of other kinds of file are not listed.
#[test]
fn conformance_lists_the_rules_kept_broken_and_not_checked() {
    let root = example("root.pem");
    let args = ["--trust", root.to_str().unwrap(), "--conformance", "--json"];
    let statuses = |bytes: &[u8]| {
        let (_, out) = verify_command(bytes, &args);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let conformance = &json["conformance"];
        assert_eq!(conformance["format_version"], "1.0");
        let rules = conformance["rules"].as_array().unwrap().clone();
        assert!(rules.iter().all(|r| {
            let id = r["rule"].as_str().unwrap();
            !id.starts_with("VER-") && !id.starts_with("PKG-") && !id.starts_with("SEPUB-")
        }));
        rules
    };
    let with = |rules: &[serde_json::Value], status: &str| -> Vec<String> {
        rules
            .iter()
            .filter(|r| r["status"] == status)
            .map(|r| r["rule"].as_str().unwrap().to_owned())
            .collect()
    };

    let sealed_rules = statuses(sealed());
    assert!(with(&sealed_rules, "broken").is_empty());
    assert!(with(&sealed_rules, "kept").contains(&"SPDF-9".to_owned()));
    assert!(with(&sealed_rules, "not-checked").contains(&"PDF-1".to_owned()));

    let mut changed = sealed().to_vec();
    let at = find(&changed, b"/Lang(zh-CN)").unwrap() + b"/Lang(zh-".len();
    changed[at..at + 2].copy_from_slice(b"TW");
    let changed_rules = statuses(&changed);
    let broken = with(&changed_rules, "broken");
    assert!(broken.contains(&"SPDF-4".to_owned()), "{broken:?}");
    let spdf4 = changed_rules
        .iter()
        .find(|r| r["rule"] == "SPDF-4")
        .unwrap();
    assert!(
        spdf4["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "digest-mismatch")
    );

    let (_, text) = verify_command(sealed(), &args[..3]);
    assert!(
        text.contains("conformance to the gazette format 1.0") && text.contains("0 broken"),
        "{text}"
    );
}
