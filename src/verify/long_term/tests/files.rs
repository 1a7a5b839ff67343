//! PAdES files made by pyHanko with certomancer's PKI, judged over time: its
//! B-LTA files reach B-LTA and stay valid after the seal certificate has
//! expired; its B-B file does not; a byte changed where only a document
//! timestamp covers it is caught.

use crate::cms::load_pem_certificates;
use crate::verify::{
    ChainOf, FindingCode, Level, Options, Policy, Report, SignatureKind, StatusWord, Verdict,
    parse_time, verify_pdf_under,
};

const LTA: &[u8] = include_bytes!("../../testdata/foreign/pyhanko-lta.pdf");
const LTA_EXTENDED: &[u8] = include_bytes!("../testdata/pyhanko-lta-extended.pdf");
const B_B: &[u8] = include_bytes!("../../testdata/foreign/pyhanko-pades.pdf");

fn check(bytes: &[u8], at: Option<&str>) -> Report {
    let pem: &[u8] = if bytes == B_B {
        include_bytes!("../../testdata/foreign/foreign-root.pem")
    } else {
        include_bytes!("../../testdata/foreign/lta-root.pem")
    };
    let options = Options {
        anchors: load_pem_certificates(pem).unwrap(),
    };
    let policy = Policy {
        at: at.map(|t| parse_time(t).unwrap()),
        online: false,
    };
    verify_pdf_under("test.pdf", bytes, &options, policy)
}

#[test]
fn pyhanko_b_lta_files_reach_b_lta_with_the_evidence_they_carry() {
    for bytes in [LTA, LTA_EXTENDED] {
        let report = check(bytes, None);
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
        assert_eq!(report.level, Some(Level::BasicLta));
        let seal = &report.signatures[0];
        let attested = seal.attested.as_ref().expect("a proof of existence");
        assert_eq!(seal.proof_of_existence.as_ref(), Some(&attested.time));
        assert_eq!(seal.judged_at.as_ref(), Some(&attested.time));
        assert!(seal.notes.is_empty(), "{:?}", seal.notes);
        let used: Vec<(&str, ChainOf, StatusWord)> = seal
            .revocation
            .iter()
            .map(|c| (c.certificate.as_str(), c.chain, c.status))
            .collect();
        assert_eq!(
            used,
            [
                ("Gazette Test Seal", ChainOf::Seal, StatusWord::Good),
                (
                    "Gazette Test Intermediate CA",
                    ChainOf::Seal,
                    StatusWord::Good
                ),
                (
                    "Gazette Test TSA",
                    ChainOf::TimeStampAuthority,
                    StatusWord::Good
                ),
            ]
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["level"], "B-LTA");
        assert_eq!(json["signatures"][0]["revocation"][0]["source"], "ocsp");
        assert!(json["validation_time"].is_string());
    }
}

#[test]
fn after_the_seal_certificate_expired_b_lta_is_valid_and_b_b_is_indeterminate() {
    let report = check(LTA_EXTENDED, Some("2032-01-01"));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert_eq!(report.level, Some(Level::BasicLta));
    assert_eq!(
        report.validation_time.as_deref(),
        Some("2032-01-01T00:00:00Z")
    );

    let report = check(B_B, Some("2032-01-01"));
    assert_eq!(report.verdict, Verdict::Indeterminate, "{}", report.summary);
    assert!(
        report.signatures[0]
            .notes
            .iter()
            .any(|n| n.code == FindingCode::ExpiredWithoutProof)
    );
    assert!(report.summary.contains("expired"), "{}", report.summary);
    assert_eq!(report.level, Some(Level::BasicB));
    let cms = report.signatures[0].cms.as_ref().unwrap();
    assert!(
        cms.problems
            .iter()
            .any(|p| p.code == crate::cms::ProblemCode::Expired)
    );
    // The same file today: valid, its revocation not checked for want of evidence.
    let report = check(B_B, None);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert!(
        report.signatures[0]
            .notes
            .iter()
            .all(|n| n.code == FindingCode::RevocationNotChecked)
    );
}

#[test]
fn a_byte_changed_under_the_second_document_timestamp_alone_is_caught() {
    let clean = check(LTA_EXTENDED, None);
    let stamps: Vec<[i64; 4]> = clean
        .signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
        .filter_map(|s| s.byte_range)
        .collect();
    let [first, second] = stamps[..] else {
        panic!("two document timestamps: {stamps:?}");
    };
    // The DSS update between the two timestamps: only the second covers it.
    let at = (first[2] + first[3]) as usize + 40;
    assert!(at < (second[2] + second[3]) as usize);
    let mut changed = LTA_EXTENDED.to_vec();
    changed[at] ^= 0x01;
    let report = check(&changed, None);
    assert_ne!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert!(
        report.summary.contains("document timestamp"),
        "{}",
        report.summary
    );
}

/// Acrobat-style signers keep revocation data inside the CMS, in the
/// adbe-revocationInfoArchival signed attribute, not in a DSS.
#[test]
fn revocation_data_in_the_adbe_attribute_is_evidence() {
    let bytes = include_bytes!("../testdata/pyhanko-pkcs7-revocation.pdf");
    let pem = include_bytes!("../testdata/pyhanko-pkcs7-revocation-root.pem");
    let options = Options {
        anchors: load_pem_certificates(pem).unwrap(),
    };
    // Without a timestamp the chain is judged at the validation time: one
    // that its OCSP response (of 06:18:08, valid ten minutes) covers.
    let policy = Policy {
        at: Some(parse_time("2026-12-06T06:20:00Z").unwrap()),
        online: false,
    };
    let report = verify_pdf_under("test.pdf", bytes, &options, policy);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    let seal = &report.signatures[0];
    assert_eq!(seal.sub_filter, "adbe.pkcs7.detached");
    let used: Vec<(StatusWord, Option<crate::revocation::Source>)> = seal
        .revocation
        .iter()
        .map(|c| (c.status, c.source))
        .collect();
    assert_eq!(
        used,
        [
            (StatusWord::Good, Some(crate::revocation::Source::Ocsp)),
            (StatusWord::Good, Some(crate::revocation::Source::Crl)),
        ]
    );
    // Without a timestamp it stays B-B: the claimed time proves nothing.
    assert_eq!(report.level, Some(Level::BasicB));
}
