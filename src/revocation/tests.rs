//! Evidence judged from committed certomancer answers (the certificates of
//! the PKI that made them are in testdata/), and gathered for real from the
//! test PKI's OCSP responder and CRL server, now and as of the past.

use der::Decode;

use super::collect::collect_at;
use super::*;
use crate::asn1::ocsp::{BasicOcspResponse, OcspResponse};
use crate::cms::certs::ParsedCertificate;
use crate::cms::load_pem_certificates;
use crate::http::{self, Service};
use crate::test_support::responders::Responders;

const ROOT: &[u8] = include_bytes!("testdata/root.der");
const INTERM: &[u8] = include_bytes!("testdata/interm.der");
const RESPONDER: &[u8] = include_bytes!("testdata/interm-ocsp.der");
const SEAL: &[u8] = include_bytes!("testdata/seal.der");
const SEAL_REVOKED: &[u8] = include_bytes!("testdata/seal-revoked.der");
const ROOT_CRL: &[u8] = include_bytes!("testdata/certomancer-root.crl");
const INTERM_CRL: &[u8] = include_bytes!("../asn1/testdata/certomancer-interm.crl");
const OCSP_GOOD: &[u8] = include_bytes!("../asn1/testdata/certomancer-good.ocsp");
const OCSP_REVOKED: &[u8] = include_bytes!("../asn1/testdata/certomancer-revoked.ocsp");

fn utc(year: u16, month: u8, day: u8, hour: u8, minute: u8) -> UnixTime {
    let time = der::DateTime::new(year, month, day, hour, minute, 0).unwrap();
    UnixTime(time.unix_duration().as_secs() as i64)
}

fn ocsp_only(response: &[u8]) -> Evidence {
    Evidence {
        certificates: vec![ROOT.to_vec(), INTERM.to_vec()],
        ocsp_responses: vec![response.to_vec()],
        crls: Vec::new(),
    }
}

/// `response` with one byte flipped in the middle of its signature value.
fn with_flipped_signature(response: &[u8]) -> Vec<u8> {
    let outer = OcspResponse::from_der(response).unwrap();
    let basic =
        BasicOcspResponse::from_der(outer.response_bytes.unwrap().response.as_bytes()).unwrap();
    let signature = basic.signature.as_bytes().unwrap();
    let at = response
        .windows(signature.len())
        .position(|w| w == signature)
        .unwrap();
    let mut flipped = response.to_vec();
    flipped[at + signature.len() / 2] ^= 0x01;
    flipped
}

#[test]
fn a_good_ocsp_response_counts_while_it_is_valid_and_for_earlier_times() {
    let evidence = ocsp_only(OCSP_GOOD);
    let status = evidence.status_of(SEAL, INTERM, utc(2026, 12, 6, 3, 45));
    let RevocationStatus::Good {
        source: Source::Ocsp,
        this_update,
        next_update: Some(next_update),
    } = status
    else {
        panic!("{status:?}");
    };
    assert_eq!(this_update.to_string(), "2026-12-06T03:41:03Z");
    assert_eq!(next_update.to_string(), "2026-12-06T03:51:03Z");
    let before = evidence.status_of(SEAL, INTERM, utc(2026, 3, 1, 0, 0));
    assert!(
        matches!(before, RevocationStatus::Good { .. }),
        "{before:?}"
    );
    let after = evidence.status_of(SEAL, INTERM, utc(2027, 1, 1, 0, 0));
    assert!(
        matches!(&after, RevocationStatus::Unknown { why } if why.contains("until 2026-12-06T03:51:03Z")),
        "{after:?}"
    );
}

#[test]
fn an_ocsp_response_about_another_certificate_is_no_evidence() {
    let evidence = ocsp_only(OCSP_GOOD);
    assert_eq!(
        evidence.status_of(SEAL_REVOKED, INTERM, utc(2026, 12, 6, 3, 45)),
        RevocationStatus::NoEvidence
    );
}

#[test]
fn one_flipped_byte_in_the_ocsp_signature_is_not_trusted() {
    let evidence = ocsp_only(&with_flipped_signature(OCSP_GOOD));
    let status = evidence.status_of(SEAL, INTERM, utc(2026, 12, 6, 3, 45));
    assert!(
        matches!(&status, RevocationStatus::Unknown { why } if why.contains("does not verify")),
        "{status:?}"
    );
}

#[test]
fn an_ocsp_response_is_matched_to_its_issuer_and_names_its_delegated_responder() {
    // Judged as if root had issued the seal, the CertID does not match.
    let root = ParsedCertificate::from_der(ROOT).unwrap();
    let seal = ParsedCertificate::from_der(SEAL).unwrap();
    let basic = ocsp::parse(OCSP_GOOD).unwrap();
    assert!(ocsp::judge(&basic, &seal, &root, &[]).unwrap().is_none());
    let interm = ParsedCertificate::from_der(INTERM).unwrap();
    let finding = ocsp::judge(&basic, &seal, &interm, &[]).unwrap().unwrap();
    let responder = finding.responder.unwrap();
    assert_eq!(responder.der, RESPONDER);
    assert!(ocsp::needs_no_check(&responder));
}

#[test]
fn a_revoked_ocsp_response_says_since_when_and_why() {
    let evidence = ocsp_only(OCSP_REVOKED);
    let revoked = RevocationStatus::Revoked {
        source: Source::Ocsp,
        since: utc(2026, 6, 1, 0, 0),
        reason: Some("keyCompromise".to_owned()),
    };
    assert_eq!(
        evidence.status_of(SEAL_REVOKED, INTERM, utc(2026, 12, 6, 3, 45)),
        revoked
    );
    assert_eq!(
        evidence.status_of(SEAL_REVOKED, INTERM, utc(2026, 3, 1, 0, 0)),
        RevocationStatus::RevokedLater {
            source: Source::Ocsp,
            since: utc(2026, 6, 1, 0, 0),
            reason: Some("keyCompromise".to_owned()),
        }
    );
    let json = serde_json::to_string(&revoked).unwrap();
    assert_eq!(
        json,
        r#"{"status":"revoked","source":"ocsp","since":1780272000,"reason":"keyCompromise"}"#
    );
}

#[test]
fn crls_signed_by_the_issuer_say_good_or_revoked() {
    let evidence = Evidence {
        certificates: Vec::new(),
        ocsp_responses: Vec::new(),
        crls: vec![ROOT_CRL.to_vec(), INTERM_CRL.to_vec()],
    };
    let at = utc(2026, 12, 6, 4, 0);
    let good = evidence.status_of(SEAL, INTERM, at);
    assert!(
        matches!(good, RevocationStatus::Good { source: Source::Crl, next_update: Some(next), .. }
            if next.to_string() == "2026-12-09T00:00:00Z"),
        "{good:?}"
    );
    assert!(matches!(
        evidence.status_of(SEAL_REVOKED, INTERM, at),
        RevocationStatus::Revoked { source: Source::Crl, reason: Some(ref r), .. } if r == "keyCompromise"
    ));
    assert!(matches!(
        evidence.status_of(INTERM, ROOT, at),
        RevocationStatus::Good {
            source: Source::Crl,
            ..
        }
    ));
    // Checked with a key that did not sign it, the interm CRL proves nothing.
    let status = evidence.status_of(SEAL, ROOT, at);
    assert!(
        matches!(&status, RevocationStatus::Unknown { why } if why.contains("does not verify")),
        "{status:?}"
    );
}

#[test]
fn a_flipped_byte_in_a_crl_signature_is_not_trusted() {
    let mut crl = INTERM_CRL.to_vec();
    let last = crl.len() - 10;
    crl[last] ^= 0x01;
    let evidence = Evidence {
        crls: vec![crl],
        ..Evidence::default()
    };
    let status = evidence.status_of(SEAL, INTERM, utc(2026, 12, 6, 4, 0));
    assert!(
        matches!(&status, RevocationStatus::Unknown { why } if why.contains("does not verify")),
        "{status:?}"
    );
}

fn pem(responders: &Responders, name: &str) -> Vec<u8> {
    let bytes = std::fs::read(responders.path(&format!("certs/{name}.cert.pem"))).unwrap();
    load_pem_certificates(&bytes).unwrap().remove(0)
}

/// An OCSP response about `subject` fetched as the sealing side would, for
/// a certificate collect() refuses to gather evidence for.
fn fetch_ocsp(responders: &Responders, subject: &[u8], issuer: &[u8]) -> Vec<u8> {
    let subject = ParsedCertificate::from_der(subject).unwrap();
    let issuer = ParsedCertificate::from_der(issuer).unwrap();
    let (request, _) = ocsp::request(&subject, &issuer).unwrap();
    http::post(Service::Ocsp, responders.url("OCSP_URL"), &request).unwrap()
}

#[test]
fn evidence_gathered_now_says_what_each_certificate_needs() {
    let Some(responders) = Responders::start(None) else {
        return;
    };
    let [root, interm, responder, seal, revoked, tsa] = [
        "root",
        "interm",
        "interm-ocsp",
        "seal",
        "seal-revoked",
        "tsa",
    ]
    .map(|name| pem(&responders, name));
    let now = UnixTime::now();
    let evidence = collect(&[&[seal.clone(), interm.clone(), root.clone()]]).unwrap();
    assert_eq!(evidence.ocsp_responses.len(), 1, "OCSP for the seal");
    assert_eq!(
        evidence.crls.len(),
        1,
        "the root's CRL for interm, none for root"
    );
    assert_eq!(
        evidence.certificates,
        [seal.clone(), interm.clone(), root.clone(), responder]
    );
    assert!(matches!(
        evidence.status_of(&seal, &interm, now),
        RevocationStatus::Good {
            source: Source::Ocsp,
            ..
        }
    ));
    assert!(matches!(
        evidence.status_of(&interm, &root, now),
        RevocationStatus::Good {
            source: Source::Crl,
            ..
        }
    ));
    assert_eq!(
        evidence.status_of(&root, &root, now),
        RevocationStatus::NoEvidence
    );
    let tampered = Evidence {
        ocsp_responses: vec![with_flipped_signature(&evidence.ocsp_responses[0])],
        ..evidence.clone()
    };
    assert!(matches!(
        tampered.status_of(&seal, &interm, now),
        RevocationStatus::Unknown { .. }
    ));

    let tsa_evidence = collect(&[&[tsa.clone(), root.clone()]]).unwrap();
    assert_eq!(tsa_evidence.crls.len(), 1, "the TSA has only a CRL");
    assert!(matches!(
        tsa_evidence.status_of(&tsa, &root, now),
        RevocationStatus::Good { .. }
    ));

    let error = collect(&[&[revoked.clone(), interm.clone(), root]]).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(&error, RevocationError::Revoked { since, .. } if *since == utc(2026, 6, 1, 0, 0)),
        "{message}"
    );
    for part in ["Gazette Test Seal (revoked)", "2026-06-01", "keyCompromise"] {
        assert!(message.contains(part), "{message}");
    }
    let revoked_evidence = Evidence {
        certificates: vec![interm.clone()],
        ocsp_responses: vec![fetch_ocsp(&responders, &revoked, &interm)],
        crls: Vec::new(),
    };
    assert!(matches!(
        revoked_evidence.status_of(&revoked, &interm, now),
        RevocationStatus::Revoked { .. }
    ));
}

#[test]
fn evidence_from_a_responder_of_the_past_says_good_then() {
    let Some(responders) = Responders::start(Some("2026-03-01T00:00:00+00:00")) else {
        return;
    };
    let [root, interm, revoked] =
        ["root", "interm", "seal-revoked"].map(|name| pem(&responders, name));
    let then = utc(2026, 3, 1, 0, 0);
    let evidence = collect_at(&[&[revoked.clone(), interm.clone(), root]], then).unwrap();
    assert!(matches!(
        evidence.status_of(&revoked, &interm, then),
        RevocationStatus::Good {
            source: Source::Ocsp,
            ..
        }
    ));
    // Months later, that response is too old to speak.
    assert!(matches!(
        evidence.status_of(&revoked, &interm, utc(2026, 7, 1, 0, 0)),
        RevocationStatus::Unknown { .. }
    ));
    // And at sealing today it is out of date.
    let error = collect(&[&[revoked, interm]]).unwrap_err();
    assert!(error.to_string().contains("out of date"), "{error}");
}

#[test]
fn certificates_without_an_issuer_or_a_source_are_named() {
    let error = collect(&[&[SEAL.to_vec()]]).unwrap_err();
    assert!(
        matches!(&error, RevocationError::NoIssuer { certificate, .. } if certificate == "Gazette Test Seal"),
        "{error}"
    );
    assert!(
        collect(&[&[ROOT.to_vec()]])
            .unwrap()
            .ocsp_responses
            .is_empty()
    );
    let error = collect(&[&[b"not a certificate".to_vec()]]).unwrap_err();
    assert!(matches!(error, RevocationError::Certificate(_)), "{error}");
}
