//! PDFs signed by other tools (testdata/foreign, made by
//! tests/interop/foreign.sh): each must get the verdict pdfsig and pyHanko
//! agree on, and lose it when one signed byte changes.

use super::{check_sub_filter, verify_pdf, verify_pdf_in_package};
use crate::cms::{ProblemCode, load_pem_certificates};
use crate::test_support::keys::example_chain;
use crate::verify::{
    ChangeKind, FindingCode, Level, Options, PdfChangeKind, Policy, Report, SignatureKind,
    TimestampKind, Verdict,
};

macro_rules! foreign {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../testdata/foreign/", $name, ".pdf")).as_slice(),
        )
    };
}

const FILES: [(&str, &[u8]); 12] = [
    foreign!("pyhanko-pades"),
    foreign!("pyhanko-pades-t"),
    foreign!("pyhanko-pkcs7"),
    foreign!("openssl-der"),
    foreign!("openssl-ber"),
    foreign!("openssl-sha1"),
    foreign!("two-approvals"),
    foreign!("certified-filled-signed"),
    foreign!("certified-annotated"),
    foreign!("certified-visible-signature"),
    foreign!("foreign-token"),
    foreign!("pyhanko-lta"),
];

fn file(name: &str) -> &'static [u8] {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .expect("fixture")
}

fn root_of(name: &str) -> Vec<Vec<u8>> {
    let pem: &[u8] = if name == "pyhanko-lta" {
        include_bytes!("../testdata/foreign/lta-root.pem")
    } else {
        include_bytes!("../testdata/foreign/foreign-root.pem")
    };
    load_pem_certificates(pem).expect("root")
}

fn check(name: &str, bytes: &[u8]) -> Report {
    let options = Options {
        anchors: root_of(name),
    };
    verify_pdf(name, bytes, &options)
}

fn cms_codes(report: &Report, index: usize) -> Vec<ProblemCode> {
    let cms = report.signatures[index].cms.as_ref().expect("cms checked");
    cms.problems.iter().map(|p| p.code).collect()
}

/// One byte of the page size, inside every signature's first range.
fn flipped(bytes: &[u8]) -> Vec<u8> {
    let media_box = super::memmem::find(bytes, b"/MediaBox").expect("a MediaBox");
    let at = media_box + super::memmem::find(&bytes[media_box..], b"300").expect("300 wide");
    let mut altered = bytes.to_vec();
    altered[at] ^= 1;
    altered
}

#[test]
fn each_foreign_signature_gets_the_verdict_pdfsig_and_pyhanko_agree_on() {
    let expected = [
        ("pyhanko-pades", Verdict::Valid),
        ("pyhanko-pades-t", Verdict::Valid),
        ("pyhanko-pkcs7", Verdict::Valid),
        ("openssl-der", Verdict::Valid),
        ("openssl-ber", Verdict::Valid),
        ("openssl-sha1", Verdict::Indeterminate),
        ("two-approvals", Verdict::Valid),
        ("certified-filled-signed", Verdict::Valid),
        ("certified-annotated", Verdict::Modified),
        ("certified-visible-signature", Verdict::Modified),
        ("foreign-token", Verdict::Invalid),
        ("pyhanko-lta", Verdict::Valid),
    ];
    for (name, verdict) in expected {
        let report = check(name, file(name));
        assert_eq!(report.verdict, verdict, "{name}: {}", report.summary);
    }
}

#[test]
fn one_flipped_byte_makes_each_invalid() {
    for (name, bytes) in FILES {
        let report = check(name, &flipped(bytes));
        assert_eq!(
            report.verdict,
            Verdict::Invalid,
            "{name}: {}",
            report.summary
        );
    }
}

#[test]
fn a_pkcs7_signature_with_signing_time_holds_with_remarks() {
    let report = check("pyhanko-pkcs7", file("pyhanko-pkcs7"));
    let signature = &report.signatures[0];
    assert!(signature.findings.is_empty(), "{:?}", signature.findings);
    let remarks: Vec<FindingCode> = signature.remarks.iter().map(|r| r.code).collect();
    assert_eq!(remarks, [FindingCode::NotPades]);
    let cms = signature.cms.as_ref().expect("cms");
    assert!(cms.valid && cms.problems.is_empty());
    assert!(
        cms.remarks
            .iter()
            .any(|r| r.code == ProblemCode::SigningTimePresent)
    );
    assert!(cms.signing_time_attribute.is_some());
    assert!(
        report
            .summary
            .contains("claimed by the signer, not attested")
    );
    assert_eq!(report.level, Some(Level::BasicB));
}

#[test]
fn ber_and_der_from_openssl_read_alike() {
    let der = check("openssl-der", file("openssl-der"));
    let ber = check("openssl-ber", file("openssl-ber"));
    let signer = |r: &Report| r.signatures[0].cms.as_ref().and_then(|c| c.signer.clone());
    assert_eq!(signer(&der), signer(&ber));
    assert!(signer(&der).is_some());
}

#[test]
fn sha1_is_weak_not_modified() {
    let report = check("openssl-sha1", file("openssl-sha1"));
    assert!(
        report.summary.starts_with("INDETERMINATE"),
        "{}",
        report.summary
    );
    assert!(report.summary.contains("SHA-1"), "{}", report.summary);
    // The message digest and the signature both hash with SHA-1.
    assert_eq!(
        cms_codes(&report, 0),
        [ProblemCode::WeakAlgorithm, ProblemCode::WeakAlgorithm]
    );
    let signature = report.signatures[0].cms.as_ref().expect("cms");
    assert!(signature.digest_matches && signature.signature_valid);
}

#[test]
fn several_approval_signatures_are_each_checked_in_file_order() {
    let report = check("two-approvals", file("two-approvals"));
    let fields: Vec<&str> = report.signatures.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(fields, ["Sig1", "Sig2"]);
    for signature in &report.signatures {
        assert_eq!(signature.kind, SignatureKind::Approval);
        assert!(signature.cms.as_ref().is_some_and(|c| c.valid));
    }
    assert!(!report.signatures[0].covers_whole_file);
    assert!(report.signatures[1].covers_whole_file);
}

#[test]
fn a_p2_certification_allows_a_form_fill_and_an_invisible_signature() {
    let report = check("certified-filled-signed", file("certified-filled-signed"));
    let certification = &report.signatures[0];
    assert_eq!(certification.docmdp_permission, Some(2));
    assert!(!certification.changes_after.is_empty());
    assert!(certification.changes_after.iter().all(|c| c.allowed));
    assert!(
        certification
            .changes_after
            .iter()
            .any(|c| c.kind == ChangeKind::Pdf(PdfChangeKind::FormField))
    );
}

#[test]
fn a_p2_certification_refuses_an_annotation_and_a_visible_signature() {
    for name in ["certified-annotated", "certified-visible-signature"] {
        let report = check(name, file(name));
        let refused: Vec<_> = report.signatures[0]
            .changes_after
            .iter()
            .filter(|c| !c.allowed)
            .collect();
        assert!(!refused.is_empty(), "{name}");
        assert!(
            refused
                .iter()
                .all(|c| c.kind == ChangeKind::Pdf(PdfChangeKind::Annotation)),
            "{name}: {refused:?}"
        );
    }
}

#[test]
fn a_signature_time_stamp_attests_the_time() {
    let report = check("pyhanko-pades-t", file("pyhanko-pades-t"));
    let signature = &report.signatures[0];
    assert_eq!(signature.level, Some(Level::BasicT));
    assert_eq!(report.level, Some(Level::BasicT));
    let stamp = signature.attested.as_ref().expect("attested");
    assert_eq!(stamp.kind, TimestampKind::Signature);
    assert!(stamp.valid && stamp.tsa.contains("Gazette Test TSA"));
    assert!(
        report.summary.contains("time attested by"),
        "{}",
        report.summary
    );
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["level"], "B-T");
    assert_eq!(json["signatures"][0]["timestamps"][0]["kind"], "signature");
}

#[test]
fn a_time_stamp_of_another_signature_is_invalid() {
    let report = check("foreign-token", file("foreign-token"));
    assert!(cms_codes(&report, 0).contains(&ProblemCode::ImprintMismatch));
    assert_eq!(report.signatures[0].level, Some(Level::BasicB));
}

#[test]
fn a_document_timestamp_is_checked_and_attests_the_seal() {
    let report = check("pyhanko-lta", file("pyhanko-lta"));
    let stamps: Vec<_> = report
        .signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
        .collect();
    assert_eq!(stamps.len(), 1);
    assert!(stamps[0].findings.is_empty(), "{:?}", stamps[0].findings);
    assert!(stamps[0].timestamps[0].valid);
    // Its DSS holds the evidence, which the document timestamp covers.
    assert_eq!(report.level, Some(Level::BasicLta));
}

/// The byte pyHanko's own test flipped: inside the DSS added after the seal,
/// which only the document timestamp covers.
#[test]
fn a_changed_byte_only_a_document_timestamp_covers_is_caught() {
    let bytes = file("pyhanko-lta");
    let clean = check("pyhanko-lta", bytes);
    let at = 15_539;
    let ranges: Vec<[i64; 4]> = clean
        .signatures
        .iter()
        .filter_map(|s| s.byte_range)
        .collect();
    let covered = |[_, _, b, c]: [i64; 4]| (at as i64) < b + c;
    assert!(!covered(ranges[0]) && covered(ranges[1]), "{ranges:?}");

    let mut altered = bytes.to_vec();
    altered[at] ^= 1;
    let report = check("pyhanko-lta", &altered);
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.summary);
    let stamp = &report.signatures[1];
    assert_eq!(stamp.kind, SignatureKind::DocumentTimestamp);
    assert!(report.summary.contains(&stamp.field), "{}", report.summary);
    let codes: Vec<FindingCode> = stamp.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::TimestampImprintMismatch]);
    assert!(report.signatures[0].cms.as_ref().is_some_and(|c| c.valid));
    assert!(
        !report
            .signatures
            .iter()
            .flat_map(|s| &s.findings)
            .any(|f| f.code == FindingCode::TimestampNotChecked)
    );
}

#[test]
fn without_its_root_a_foreign_signature_is_untrusted() {
    let report = verify_pdf("pades", file("pyhanko-pades"), &Options::default());
    assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.summary);
}

/// In a package every seal is held to the format's profile, whoever made the
/// PDF: the same foreign signatures that hold alone fail there, each naming
/// the rule (VER-22 with SPDF-2, SPDF-9 or VIS-2: pyHanko's widgets are
/// neither printed nor locked).
#[test]
fn in_a_package_a_seal_must_be_a_pades_certification_that_allows_no_change() {
    let cases = [
        (
            "pyhanko-pades",
            &[FindingCode::NotCertification, FindingCode::SealWidget][..],
        ),
        (
            "pyhanko-pkcs7",
            &[
                FindingCode::NotPades,
                FindingCode::NotCertification,
                FindingCode::SealWidget,
            ][..],
        ),
        (
            "certified-filled-signed",
            &[FindingCode::NotCertification, FindingCode::SealWidget][..],
        ),
    ];
    for (name, codes) in cases {
        let alone = check(name, file(name));
        assert_ne!(alone.verdict, Verdict::Invalid, "{name}: {}", alone.summary);
        let options = Options {
            anchors: root_of(name),
        };
        let part = verify_pdf_in_package(name, file(name), &options, Policy::default());
        assert_eq!(part.verdict, Verdict::Invalid, "{name}: {}", part.summary);
        let found: Vec<FindingCode> = part.signatures[0].findings.iter().map(|f| f.code).collect();
        assert_eq!(found, codes, "{name}");
        assert!(
            part.signatures[0]
                .findings
                .iter()
                .all(|f| f.rules.contains(&"VER-22")),
            "{name}"
        );
    }
}

/// gazette's own seal, in its own edition, is what the format asks for.
#[test]
fn gazettes_seal_holds_in_a_package_as_alone() {
    let pdf = include_bytes!("../testdata/shanghai-gazette-2025-08.pdf");
    let options = Options {
        anchors: example_chain("root.pem"),
    };
    let alone = verify_pdf("edition", pdf, &options);
    let part = verify_pdf_in_package("edition", pdf, &options, Policy::default());
    assert_eq!(alone.verdict, part.verdict, "{}", part.summary);
    assert!(part.signatures[0].findings.is_empty());
}

#[test]
fn a_document_timestamp_is_rfc3161_and_nothing_else_is() {
    use SignatureKind::{Approval, Certification, DocumentTimestamp};
    assert!(check_sub_filter(DocumentTimestamp, "ETSI.RFC3161").is_ok());
    assert!(check_sub_filter(Certification, "ETSI.CAdES.detached").is_ok());
    assert!(check_sub_filter(Approval, "adbe.pkcs7.detached").is_ok());
    for (kind, sub_filter) in [
        (DocumentTimestamp, "adbe.pkcs7.detached"),
        (DocumentTimestamp, "ETSI.CAdES.detached"),
        (Approval, "ETSI.RFC3161"),
        (Certification, "ETSI.RFC3161"),
    ] {
        let refused = check_sub_filter(kind, sub_filter).expect_err(sub_filter);
        assert_eq!(refused.code, FindingCode::UnsupportedSubFilter);
    }
}
