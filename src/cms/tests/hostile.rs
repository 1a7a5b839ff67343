//! Inputs made to break the verifier: they must give an error or problems,
//! never a panic or a pass.

use cms::content_info::ContentInfo;
use cms::signed_data::SignerInfos;
use const_oid::db::rfc5911::ID_DATA;
use der::Encode;
use der::asn1::{Any, SetOfVec};

use super::super::{CmsError, sign_detached, verify_detached};
use super::{CONTENT, Pki, encode, signed_data, signing_time};
use crate::signer::SignatureAlgorithm;

fn p256() -> (Pki, Vec<u8>) {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let cms = pki.sign(&CONTENT);
    (pki, cms)
}

fn malformed_reason(result: Result<impl std::fmt::Debug, CmsError>) -> String {
    match result {
        Err(CmsError::Malformed(reason)) => reason,
        other => panic!("expected a malformed-CMS error, got {other:?}"),
    }
}

#[test]
fn garbage_and_empty_input_are_errors() {
    let (pki, _) = p256();
    for input in [
        &b""[..],
        b"\x00",
        b"%PDF-1.7",
        b"\x30\x80\x00\x00",
        &[0xff; 64],
    ] {
        let reason = malformed_reason(verify_detached(
            input,
            &CONTENT,
            signing_time(),
            &pki.anchors(),
        ));
        assert!(reason.contains("not a DER ContentInfo"), "{reason}");
    }
}

#[test]
fn every_truncation_is_an_error() {
    let (pki, cms) = p256();
    for length in 0..cms.len() {
        let result = verify_detached(&cms[..length], &CONTENT, signing_time(), &pki.anchors());
        assert!(
            matches!(result, Err(CmsError::Malformed(_))),
            "truncated to {length}"
        );
    }
}

#[test]
fn zero_padding_is_allowed_but_other_trailing_bytes_are_an_error() {
    let (pki, mut cms) = p256();
    cms.extend([0; 300]);
    let check = verify_detached(&cms, &CONTENT, signing_time(), &pki.anchors()).expect("padded");
    assert!(check.valid, "{:?}", check.problems);
    cms.push(1);
    let reason = malformed_reason(verify_detached(
        &cms,
        &CONTENT,
        signing_time(),
        &pki.anchors(),
    ));
    assert!(
        reason.contains("301 bytes other than zero padding"),
        "{reason}"
    );
}

/// Flipping any single bit must not panic, and may pass only where it changes
/// nothing that is checked. The signature carries no root here: a copy of the
/// root in the CMS is never used, the reader's anchor is.
#[test]
fn every_bit_flip_is_handled() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let chain = [pki.seal.clone(), pki.intermediate.der.clone()];
    let cms = sign_detached(&CONTENT, &chain, &pki.seal_key).expect("signs");
    let mut passed = 0;
    for index in 0..cms.len() {
        let mut altered = cms.clone();
        altered[index] ^= 0x01;
        if let Ok(check) = verify_detached(&altered, &CONTENT, signing_time(), &pki.anchors()) {
            passed += usize::from(check.valid);
        }
    }
    // At most the two CMS version numbers (1 becomes 0, another valid version)
    // and the nine bytes of the SHA-256 OID in the digestAlgorithms list,
    // which only announces the digests the SignerInfos use.
    assert!(passed <= 11, "{passed} of {} flips still passed", cms.len());
}

#[test]
fn an_empty_set_of_signer_infos_is_an_error() {
    let (pki, cms) = p256();
    let mut data = signed_data(&cms);
    data.signer_infos = SignerInfos(SetOfVec::new());
    let reason = malformed_reason(verify_detached(
        &encode(&data),
        &CONTENT,
        signing_time(),
        &pki.anchors(),
    ));
    assert!(reason.contains("no SignerInfo"), "{reason}");
}

#[test]
fn other_content_types_are_an_error() {
    let (pki, _) = p256();
    let not_signed = ContentInfo {
        content_type: ID_DATA,
        content: Any::encode_from(&der::asn1::OctetString::new(b"hello".to_vec()).expect("octets"))
            .expect("any"),
    }
    .to_der()
    .expect("encode");
    let reason = malformed_reason(verify_detached(
        &not_signed,
        &CONTENT,
        signing_time(),
        &pki.anchors(),
    ));
    assert!(reason.contains("not signed-data"), "{reason}");
}

#[test]
fn a_signed_data_with_garbage_inside_is_an_error() {
    let (pki, _) = p256();
    let hollow = ContentInfo {
        content_type: const_oid::db::rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&der::asn1::Null).expect("any"),
    }
    .to_der()
    .expect("encode");
    let reason = malformed_reason(verify_detached(
        &hollow,
        &CONTENT,
        signing_time(),
        &pki.anchors(),
    ));
    assert!(reason.contains("SignedData cannot be read"), "{reason}");
}

#[test]
fn an_anchor_that_is_no_certificate_is_an_error() {
    let (_, cms) = p256();
    let result = verify_detached(&cms, &CONTENT, signing_time(), &[b"-----BEGIN".to_vec()]);
    let Err(CmsError::Certificate(reason)) = result else {
        panic!("expected a certificate error, got {result:?}");
    };
    assert!(reason.contains("trust anchor 1"), "{reason}");
}

#[test]
fn no_content_at_all_is_a_digest_mismatch() {
    let (pki, cms) = p256();
    let check = verify_detached(&cms, &[], signing_time(), &pki.anchors()).expect("readable");
    assert!(!check.valid && !check.digest_matches);
}
