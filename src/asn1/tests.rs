//! Each structure read from what a real responder or openssl wrote, and
//! written back to the same bytes (signatures over them depend on it).

use der::{Decode, Encode};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

use super::GenTime;
use super::ocsp::{
    BasicOcspResponse, CertStatus, ID_PKIX_OCSP_BASIC, OcspRequest, OcspResponse,
    OcspResponseStatus,
};
use super::tsp::{ID_CT_TST_INFO, TimeStampReq, TimeStampResp, TstInfo};
use crate::cms::UnixTime;

const TOKEN_RESPONSE: &[u8] = include_bytes!("testdata/certomancer-nonce.tsr");
const TOKEN_REQUEST: &[u8] = include_bytes!("testdata/openssl-nonce.tsq");
const OCSP_GOOD: &[u8] = include_bytes!("testdata/certomancer-good.ocsp");
const OCSP_REVOKED: &[u8] = include_bytes!("testdata/certomancer-revoked.ocsp");
const OCSP_REQUEST: &[u8] = include_bytes!("testdata/openssl.ocspreq");
const CRL: &[u8] = include_bytes!("testdata/certomancer-interm.crl");

fn basic(response: &[u8]) -> BasicOcspResponse {
    let response = OcspResponse::from_der(response).unwrap();
    assert_eq!(response.response_status, OcspResponseStatus::Successful);
    let bytes = response.response_bytes.unwrap();
    assert_eq!(bytes.response_type, ID_PKIX_OCSP_BASIC);
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes()).unwrap();
    assert_eq!(basic.to_der().unwrap(), bytes.response.as_bytes());
    basic
}

#[test]
fn a_time_stamp_request_round_trips() {
    let request = TimeStampReq::from_der(TOKEN_REQUEST).unwrap();
    assert_eq!(request.version, 1);
    assert!(request.nonce.is_some());
    assert_eq!(request.to_der().unwrap(), TOKEN_REQUEST);
}

#[test]
fn a_time_stamp_response_and_its_token_round_trip() {
    let response = TimeStampResp::from_der(TOKEN_RESPONSE).unwrap();
    assert_eq!(response.status.status, 0);
    assert_eq!(response.to_der().unwrap(), TOKEN_RESPONSE);
    let token = response.time_stamp_token.unwrap();
    let signed: cms::signed_data::SignedData = token.content.decode_as().unwrap();
    assert_eq!(signed.encap_content_info.econtent_type, ID_CT_TST_INFO);
    let content = signed.encap_content_info.econtent.unwrap();
    let info = TstInfo::from_der(content.value()).unwrap();
    assert_eq!(info.to_der().unwrap(), content.value());
    assert_eq!(info.gen_time.as_str(), "20261206034057.2058Z");
    assert_eq!(info.gen_time.unix().to_string(), "2026-12-06T03:40:57Z");
    assert!(info.nonce.is_some() && info.tsa.is_some());
}

#[test]
fn ocsp_responses_round_trip_and_say_good_or_revoked() {
    let good = basic(OCSP_GOOD);
    assert!(matches!(
        good.tbs_response_data.responses[0].cert_status,
        CertStatus::Good(_)
    ));
    let revoked = basic(OCSP_REVOKED);
    let CertStatus::Revoked(info) = &revoked.tbs_response_data.responses[0].cert_status else {
        panic!("not revoked");
    };
    assert_eq!(
        info.revocation_time.unix().to_string(),
        "2026-06-01T00:00:00Z"
    );
}

#[test]
fn an_ocsp_request_round_trips() {
    let request = OcspRequest::from_der(OCSP_REQUEST).unwrap();
    assert_eq!(request.tbs_request.request_list.len(), 1);
    assert_eq!(request.to_der().unwrap(), OCSP_REQUEST);
}

#[test]
fn a_crl_reads_with_x509_cert() {
    let crl = CertificateList::<Rfc5280>::from_der(CRL).unwrap();
    assert_eq!(crl.to_der().unwrap(), CRL);
}

#[test]
fn generalized_times_with_and_without_fractions() {
    let read = |text: &str| {
        let mut der = vec![0x18, text.len() as u8];
        der.extend_from_slice(text.as_bytes());
        GenTime::from_der(&der).ok().map(|t| t.unix())
    };
    assert_eq!(read("20261206034057Z"), read("20261206034057.024576Z"));
    assert!(read("20261206034057Z").is_some());
    for bad in [
        "20261206034057",
        "20261306034057Z",
        "2026120603405Z",
        "20261206034057.Z",
        "20261206034057.50Z",
        "20260230000000Z",
    ] {
        assert_eq!(read(bad), None, "{bad}");
    }
    let now = UnixTime(1_780_000_000);
    assert_eq!(GenTime::from(now).unix(), now);
    let encoded = GenTime::from(now).to_der().unwrap();
    assert_eq!(GenTime::from_der(&encoded).unwrap().unix(), now);
}

#[test]
fn the_test_pki_answers_a_time_stamp_request_that_reads_back() {
    use super::tsp::MessageImprint;
    use crate::test_support::responders::Responders;
    use der::asn1::OctetString;
    let Some(responders) = Responders::start(None) else {
        return;
    };
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: crate::cms::algorithm::DigestAlgorithm::Sha256.identifier(),
            hashed_message: OctetString::new(crate::digest::sha256_bytes(b"gazette")).unwrap(),
        },
        req_policy: None,
        nonce: None,
        cert_req: true,
        extensions: None,
    };
    let answer = ureq::post(responders.url("TSA_URL"))
        .header("Content-Type", "application/timestamp-query")
        .send(&request.to_der().unwrap()[..])
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap();
    let response = TimeStampResp::from_der(&answer).unwrap();
    assert_eq!(response.status.status, 0);
    let signed: cms::signed_data::SignedData = response
        .time_stamp_token
        .unwrap()
        .content
        .decode_as()
        .unwrap();
    let tsa = std::fs::read(responders.path("certs/tsa.cert.pem")).unwrap();
    let tsa = crate::cms::load_pem_certificates(&tsa).unwrap().remove(0);
    let certificates = signed.certificates.unwrap().0.into_vec();
    assert!(certificates.iter().any(|c| c.to_der().unwrap() == tsa));
    let info = TstInfo::from_der(signed.encap_content_info.econtent.unwrap().value()).unwrap();
    assert_eq!(info.message_imprint, request.message_imprint);
    assert!(info.gen_time.unix().0 >= UnixTime::now().0 - 60);
}
