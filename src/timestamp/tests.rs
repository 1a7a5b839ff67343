//! Tokens read from a committed certomancer answer, and asked for real of the
//! test PKI's time-stamp authorities.

use der::{Decode, Encode};

use super::*;
use crate::asn1::tsp::TimeStampResp;
use crate::cms::load_pem_certificates;
use crate::http::HttpProblem;
use crate::test_support::responders::Responders;

const RESPONSE: &[u8] = include_bytes!("../asn1/testdata/certomancer-nonce.tsr");

fn committed_token() -> Vec<u8> {
    let response = TimeStampResp::from_der(RESPONSE).unwrap();
    response.time_stamp_token.unwrap().to_der().unwrap()
}

/// The error of what must fail, without printing a token when it does not.
fn refusal(result: Result<Token, TimestampError>) -> TimestampError {
    match result {
        Ok(token) => panic!("accepted a token of {}", token.time),
        Err(error) => error,
    }
}

fn pem(responders: &Responders, name: &str) -> Vec<u8> {
    let bytes = std::fs::read(responders.path(&format!("certs/{name}.cert.pem"))).unwrap();
    load_pem_certificates(&bytes).unwrap().remove(0)
}

#[test]
fn a_committed_token_reads_with_its_facts() {
    let der = committed_token();
    let info = read_token(&der).unwrap();
    assert_eq!(info.token.der, der);
    assert_eq!(info.gen_time.as_str(), "20261206034057.2058Z");
    assert_eq!(info.token.time.to_string(), "2026-12-06T03:40:57Z");
    assert_eq!(info.policy.to_string(), "1.3.6.1.4.1.4146.2.3");
    assert!(info.nonce.is_some());
    assert!(!info.serial.is_empty());
    assert_eq!(
        info.tsa_name.as_deref(),
        Some("CN=Gazette Test TSA,O=Gazette Test PKI,C=CN")
    );
    assert!(info.signer_certificate().is_some());
    assert_eq!(info.stamps(b"something else"), Some(false));
    let tsa = Tsa::new("http://tsa.example.org/").unwrap();
    tsa.check_signature(&info).unwrap();
}

#[test]
fn a_ber_token_reads_and_is_kept_as_der() {
    let der = include_bytes!("../cms/testdata/certomancer-token.der");
    let ber = include_bytes!("../cms/testdata/certomancer-token.ber");
    let info = read_token(ber).unwrap();
    assert_eq!(info.token.der, der);
    assert_eq!(info, read_token(der).unwrap());
    let tsa = Tsa::new("http://tsa.example.org/").unwrap();
    tsa.check_signature(&info).unwrap();
}

#[test]
fn a_token_whose_signature_does_not_hold_is_refused() {
    let der = committed_token();
    let signed: cms::signed_data::SignedData = cms::content_info::ContentInfo::from_der(&der)
        .unwrap()
        .content
        .decode_as()
        .unwrap();
    let signature = signed.signer_infos.0.as_slice()[0]
        .signature
        .as_bytes()
        .to_vec();
    let at = der
        .windows(signature.len())
        .position(|w| w == signature)
        .unwrap();
    let mut tampered = der.clone();
    tampered[at + signature.len() / 2] ^= 0x01;
    let info = read_token(&tampered).unwrap();
    let tsa = Tsa::new("http://tsa.example.org/").unwrap();
    let error = tsa.check_signature(&info).unwrap_err();
    assert!(
        matches!(error, TimestampError::BadSignature { .. }),
        "{error}"
    );
}

#[test]
fn what_is_not_a_token_is_refused_as_unreadable() {
    let der = committed_token();
    for bad in [&der[..der.len() - 1], &[0x30, 0x00][..], RESPONSE] {
        let error = read_token(bad).unwrap_err();
        assert!(
            matches!(error, TimestampError::Malformed { url: None, .. }),
            "{error}"
        );
    }
}

#[test]
fn a_tsa_that_is_down_is_refused_with_a_clear_message() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    drop(listener);
    let error = refusal(Tsa::new(&url).unwrap().stamp(b"data"));
    let TimestampError::Http(http) = &error else {
        panic!("{error}");
    };
    assert!(matches!(http.problem, HttpProblem::Unreachable(_)));
    let message = error.to_string();
    assert!(message.contains(&url) && message.contains("time-stamp authority"));
}

#[test]
fn urls_that_cannot_be_asked_are_refused_up_front() {
    assert!(Tsa::new("mailto:tsa@example.org").is_err());
    assert!(Tsa::new("http://").is_err());
    assert!(Tsa::new("http://tsa.example.org/").is_ok());
}

#[test]
fn the_test_tsa_stamps_and_each_check_holds_or_refuses() {
    let Some(responders) = Responders::start(None) else {
        return;
    };
    let before = crate::cms::UnixTime::now();
    let tsa = Tsa::new(responders.url("TSA_URL")).unwrap();
    let token = tsa.stamp(b"the signature value").unwrap();
    assert!((token.time.0 - before.0).abs() < 60, "{}", token.time);
    assert_eq!(token.tsa_certificates[0], pem(&responders, "tsa"));
    let info = read_token(&token.der).unwrap();
    assert_eq!(info.token, token);
    assert_eq!(info.stamps(b"the signature value"), Some(true));
    assert!(info.nonce.as_ref().is_some_and(|n| n.len() <= 8));
    // Two requests, two nonces: a token never answers another request.
    let again = read_token(&tsa.stamp(b"the signature value").unwrap().der).unwrap();
    assert_ne!(again.nonce, info.nonce);

    let no_eku = Tsa::new(responders.url("TSA_NOEKU_URL")).unwrap();
    let error = refusal(no_eku.stamp(b"data"));
    assert!(
        matches!(&error, TimestampError::NotATimeStampingCertificate { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("Gazette Test TSA without EKU"),
        "{message}"
    );
    assert!(message.contains("no extendedKeyUsage"), "{message}");

    for not_a_tsa in ["OCSP_URL", "PKI_URL"] {
        let url = responders.url(not_a_tsa);
        let error = refusal(Tsa::new(url).unwrap().stamp(b"data"));
        let TimestampError::Http(http) = &error else {
            panic!("{not_a_tsa}: {error}");
        };
        assert!(
            matches!(
                http.problem,
                HttpProblem::Status(..) | HttpProblem::WrongContentType(_)
            ),
            "{not_a_tsa}: {error}"
        );
        assert!(error.to_string().contains(url), "{error}");
    }
}
