//! Signatures gazette did not make: openssl's DER and BER (`-stream`, with
//! indefinite lengths and a chunked eContent), a certomancer time-stamp token
//! with its SHA-1 ESS signing-certificate, and signatures with a signing-time
//! or an older signing-certificate attribute. Files in ../testdata, made with
//! the test PKI of tests/pki (see its README).

use const_oid::db::rfc5911::{ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V_2, ID_DATA};
use der::Decode;
use der::asn1::{Any, OctetString};

use super::super::attributes::{EssCertId, SigningCertificateV1, attribute};
use super::super::{
    CmsError, ProblemCode, Rules, SignatureCheck, load_pem_certificates, verify_attached,
    verify_detached, verify_detached_under,
};
use super::{CONTENT, Pki, alter_attributes, at, signing_time};
use crate::asn1::tsp::{ID_CT_TST_INFO, TstInfo};
use crate::signer::SignatureAlgorithm;

const CONTENT_BIN: &[u8] = include_bytes!("../testdata/content.bin");
const DER_DETACHED: &[u8] = include_bytes!("../testdata/der-detached.p7s");
const BER_DETACHED: &[u8] = include_bytes!("../testdata/ber-detached.p7s");
const BER_ATTACHED: &[u8] = include_bytes!("../testdata/ber-attached.p7s");
const TOKEN: &[u8] = include_bytes!("../testdata/certomancer-token.der");
const ROOT: &[u8] = include_bytes!("../testdata/certomancer-root.pem");

fn root() -> Vec<Vec<u8>> {
    load_pem_certificates(ROOT).expect("root")
}

/// When the files were made: inside every certificate's validity.
fn when_made() -> crate::cms::UnixTime {
    at(2026, 12, 6)
}

fn codes(problems: &[crate::cms::Problem]) -> Vec<ProblemCode> {
    problems.iter().map(|p| p.code).collect()
}

fn standard(cms: &[u8], content: &[u8]) -> SignatureCheck {
    verify_detached_under(cms, &[content], when_made(), &root(), Rules::Standard).expect("readable")
}

#[test]
fn openssl_der_and_ber_detached_signatures_hold_with_their_signing_time() {
    for cms in [DER_DETACHED, BER_DETACHED] {
        let check = standard(cms, CONTENT_BIN);
        assert!(check.valid, "{:?}", check.problems);
        assert!(check.digest_matches && check.signature_valid);
        assert_eq!(
            codes(&check.remarks),
            [
                ProblemCode::SigningTimePresent,
                ProblemCode::MissingAttribute
            ]
        );
        let claimed = check.signing_time_attribute.expect("signing time");
        assert!(claimed.starts_with("2026-12-06T"), "{claimed}");
    }
}

#[test]
fn ber_and_der_read_the_same() {
    let der = standard(DER_DETACHED, CONTENT_BIN);
    let ber = standard(BER_DETACHED, CONTENT_BIN);
    assert_eq!(der.signer, ber.signer);
    assert_eq!(der.chain, ber.chain);
    assert_eq!(der.signing_time_attribute, ber.signing_time_attribute);
}

#[test]
fn a_changed_byte_breaks_a_ber_signature() {
    let mut altered = CONTENT_BIN.to_vec();
    altered[4000] ^= 1;
    let check = standard(BER_DETACHED, &altered);
    assert_eq!(codes(&check.problems), [ProblemCode::DigestMismatch]);
}

#[test]
fn gazette_s_own_rules_still_refuse_a_signing_time() {
    let check =
        verify_detached(BER_DETACHED, &[CONTENT_BIN], when_made(), &root()).expect("readable");
    // openssl also signs attributes of its own (S/MIME capabilities), which
    // a seal does not.
    assert_eq!(
        codes(&check.problems),
        [
            ProblemCode::SigningTimePresent,
            ProblemCode::MissingAttribute,
            ProblemCode::MalformedAttribute
        ]
    );
    assert!(
        check.problems[2]
            .message
            .contains("which a seal does not sign")
    );
    assert!(check.remarks.is_empty());
}

#[test]
fn a_ber_signature_with_zero_padding_is_read() {
    let mut padded = BER_DETACHED.to_vec();
    padded.extend([0; 200]);
    assert!(standard(&padded, CONTENT_BIN).valid);
    padded.push(7);
    let result = verify_detached_under(
        &padded,
        &[CONTENT_BIN],
        when_made(),
        &root(),
        Rules::Standard,
    );
    assert!(matches!(result, Err(CmsError::Malformed(_))));
}

#[test]
fn the_content_of_a_chunked_ber_signature_is_joined() {
    let (check, content) =
        verify_attached(BER_ATTACHED, ID_DATA, when_made(), &root(), &[]).expect("readable");
    assert!(check.valid, "{:?}", check.problems);
    assert_eq!(content, CONTENT_BIN);
}

#[test]
fn a_time_stamp_token_verifies_with_its_sha1_signing_certificate() {
    let (check, content) =
        verify_attached(TOKEN, ID_CT_TST_INFO, when_made(), &root(), &[]).expect("readable");
    assert!(check.valid, "{:?}", check.problems);
    assert_eq!(
        check.signer.as_ref().and_then(|s| s.common_name.as_deref()),
        Some("Gazette Test TSA")
    );
    assert_eq!(
        codes(&check.remarks),
        [
            ProblemCode::SigningTimePresent,
            ProblemCode::MissingAttribute
        ]
    );
    let info = TstInfo::from_der(&content).expect("TSTInfo");
    assert_eq!(info.gen_time.unix().to_string(), "2026-12-06T03:40:57Z");
}

#[test]
fn a_token_read_as_another_content_type_is_refused() {
    let (check, _) = verify_attached(TOKEN, ID_DATA, when_made(), &root(), &[]).expect("readable");
    // And its signer, a time-stamp authority, is no document signer.
    assert_eq!(
        codes(&check.problems),
        [
            ProblemCode::ContentType,
            ProblemCode::ContentType,
            ProblemCode::ExtendedKeyUsage
        ]
    );
}

#[test]
fn a_changed_tst_info_breaks_the_token() {
    let content = verify_attached(TOKEN, ID_CT_TST_INFO, when_made(), &root(), &[])
        .expect("readable")
        .1;
    let at = TOKEN
        .windows(content.len())
        .position(|w| w == content)
        .expect("TSTInfo inside");
    let mut altered = TOKEN.to_vec();
    altered[at + content.len() - 3] ^= 1;
    let (check, _) =
        verify_attached(&altered, ID_CT_TST_INFO, when_made(), &root(), &[]).expect("readable");
    assert_eq!(codes(&check.problems), [ProblemCode::DigestMismatch]);
}

#[test]
fn a_detached_signature_has_no_content_to_return() {
    let result = verify_attached(DER_DETACHED, ID_DATA, when_made(), &root(), &[]);
    assert!(matches!(result, Err(CmsError::Malformed(why)) if why.contains("no content")));
}

/// Replaces signing-certificate-v2 by a v1 attribute holding `hash`.
fn with_v1(pki: &Pki, hash: Vec<u8>) -> Vec<u8> {
    alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        attributes.retain(|a| a.oid != ID_AA_SIGNING_CERTIFICATE_V_2);
        let v1 = SigningCertificateV1 {
            certs: vec![EssCertId {
                cert_hash: OctetString::new(hash).expect("hash"),
                issuer_serial: None,
            }],
            policies: None,
        };
        let value = Any::encode_from(&v1).expect("v1");
        attributes.push(attribute(ID_AA_SIGNING_CERTIFICATE, value).expect("attribute"));
    })
}

#[test]
fn a_v1_signing_certificate_must_name_the_signer() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let sha1 = |der: &[u8]| {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der)
            .as_ref()
            .to_vec()
    };
    let check_under = |cms: &[u8], rules| {
        verify_detached_under(cms, &CONTENT, signing_time(), &pki.anchors(), rules)
            .expect("readable")
    };
    let right = with_v1(&pki, sha1(&pki.seal));
    let check = check_under(&right, Rules::Standard);
    assert!(check.valid, "{:?}", check.problems);
    assert_eq!(codes(&check.remarks), [ProblemCode::MissingAttribute]);
    assert!(check.remarks[0].message.contains("(v1, SHA-1)"));
    // gazette's rules want v2, and no other signed attribute.
    let ours = check_under(&right, Rules::Gazette);
    assert_eq!(
        codes(&ours.problems),
        [
            ProblemCode::MissingAttribute,
            ProblemCode::MalformedAttribute
        ]
    );

    let wrong = with_v1(&pki, sha1(&pki.intermediate.der));
    let check = check_under(&wrong, Rules::Standard);
    assert_eq!(
        codes(&check.problems),
        [ProblemCode::SigningCertificateMismatch]
    );
}
