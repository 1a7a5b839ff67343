//! The verifier's entry points as the fuzz targets call them, one function a
//! target: the same code replays the corpus under `cargo test`
//! (tests/fuzz_corpus.rs), so every input ever kept stays a regression test.
//!
//! Each function takes hostile bytes and must return without panicking or
//! hanging, whatever they hold; what the verifier answers is not judged here.

use std::sync::LazyLock;

use cms::content_info::ContentInfo;
use der::{Decode, Encode};
use gazette::asn1::ocsp::{BasicOcspResponse, CertStatus, OcspResponse};
use gazette::asn1::tsp::{ID_CT_TST_INFO, TimeStampResp, TstInfo};
use gazette::cms::{Rules, UnixTime, verify_attached, verify_detached_under, verify_timestamp};
use gazette::revocation::Evidence;
use gazette::verify::Options;
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

/// The example PKI's root, so that inputs signed by the example seal reach
/// the trusted path too, not only the untrusted one.
const ROOT: &[u8] = include_bytes!("../../certs-example/root.pem");

/// What the detached CMS of the `cms` target is taken to sign: the content
/// that the openssl-made seeds (DER and BER) were signed over, so that they
/// get past the digest to the signature and the certificate path.
const CMS_CONTENT: &[u8] = include_bytes!("../cms-content.bin");

/// The moment certificates and evidence are checked at in the `cms` and
/// `timestamp_token` targets, 2026-12-06T03:45Z: within the validity of the
/// seeds' certificates and of the test PKI's OCSP responses.
const AT: UnixTime = UnixTime(1_796_528_700);

/// The test PKI's certificates (tests/pki) that its OCSP responses and CRLs
/// in the seeds speak about, so that those get past matching the
/// certificate to their signature and times.
const ROOT_DER: &[u8] = include_bytes!("../../src/revocation/testdata/root.der");
const INTERM: &[u8] = include_bytes!("../../src/revocation/testdata/interm.der");
const RESPONDER: &[u8] = include_bytes!("../../src/revocation/testdata/interm-ocsp.der");
const SEAL: &[u8] = include_bytes!("../../src/revocation/testdata/seal.der");

static TRUSTING: LazyLock<Options> = LazyLock::new(|| Options {
    anchors: gazette::cms::load_pem_certificates(ROOT).expect("certs-example/root.pem"),
});

static UNTRUSTING: LazyLock<Options> = LazyLock::new(Options::default);

/// `gazette verify` on a PDF, with and without a trust anchor.
pub fn verify_pdf(data: &[u8]) {
    for options in [&*UNTRUSTING, &*TRUSTING] {
        let report = gazette::verify::verify_pdf("fuzz.pdf", data, options);
        report_as_json(&report);
    }
}

/// The CMS checks (DER or BER): detached over a fixed content, as one of
/// gazette's seals without a trust anchor and as any standard signature with
/// one; attached, as a time-stamp token over a TSTInfo.
pub fn cms(data: &[u8]) {
    let (untrusting, trusting) = (&UNTRUSTING.anchors, &TRUSTING.anchors);
    let content = [CMS_CONTENT];
    if let Ok(check) = gazette::cms::verify_detached(data, &content, AT, untrusting) {
        let _ = serde_json::to_string(&check);
    }
    let standard = verify_detached_under(data, &content, AT, trusting, Rules::Standard);
    if let Ok(check) = standard {
        let _ = serde_json::to_string(&check);
    }
    if let Ok((check, _)) = verify_attached(data, ID_CT_TST_INFO, AT, trusting, &[]) {
        let _ = serde_json::to_string(&check);
    }
}

/// The structures of trusted time and revocation evidence, each read from
/// the bytes as DER and as BER, and written back; the bytes as a time-stamp
/// token, read and checked over a fixed content, and as OCSP and CRL
/// evidence judged.
pub fn timestamp_token(data: &[u8]) {
    for ber in [false, true] {
        if let Some(response) = decode::<TimeStampResp>(data, ber)
            && let Some(token) = &response.time_stamp_token
        {
            token_info(token);
        }
        if let Some(token) = decode::<ContentInfo>(data, ber) {
            token_info(&token);
        }
        if let Some(info) = decode::<TstInfo>(data, ber) {
            info.gen_time.unix();
        }
        if let Some(response) = decode::<OcspResponse>(data, ber)
            && let Some(bytes) = &response.response_bytes
            && let Some(basic) = decode::<BasicOcspResponse>(bytes.response.as_bytes(), ber)
        {
            ocsp_times(&basic);
        }
        if let Some(basic) = decode::<BasicOcspResponse>(data, ber) {
            ocsp_times(&basic);
        }
        decode::<CertificateList<Rfc5280>>(data, ber);
    }
    let stamped = [CMS_CONTENT];
    if let Ok(check) = verify_timestamp(data, &stamped, "the fuzz content", &TRUSTING.anchors) {
        let _ = serde_json::to_string(&check);
    }
    if let Ok(info) = gazette::timestamp::read_token(data) {
        info.stamps(CMS_CONTENT);
        info.signer_certificate();
        info.gen_time.unix();
    }
    revocation_status(data);
}

/// The bytes as revocation evidence, an OCSP response and a CRL, judged for
/// the test PKI's seal and intermediate certificates.
fn revocation_status(data: &[u8]) {
    let evidence = Evidence {
        certificates: vec![RESPONDER.to_vec()],
        ocsp_responses: vec![data.to_vec()],
        crls: vec![data.to_vec()],
    };
    for (certificate, issuer) in [(SEAL, INTERM), (INTERM, ROOT_DER)] {
        let status = evidence.status_of(certificate, issuer, AT);
        let _ = serde_json::to_string(&status);
    }
}

/// `gazette verify` on an EPUB, with and without a trust anchor.
pub fn verify_epub(data: &[u8]) {
    for options in [&*UNTRUSTING, &*TRUSTING] {
        let report = gazette::verify::verify_epub("fuzz.epub", data, options);
        report_as_json(&report);
    }
}

/// `gazette verify` on a package zip, with a trust anchor (its parts are
/// the PDF and the EPUB, fuzzed without one by their own targets).
pub fn verify_package(data: &[u8]) {
    let report = gazette::verify::verify_package_zip("fuzz.bag.zip", data, &TRUSTING);
    report_as_json(&report);
}

/// The value decoded from `data`, then encoded again, as `gazette` reads
/// and writes evidence.
fn decode<'a, T: Decode<'a> + Encode>(data: &'a [u8], ber: bool) -> Option<T> {
    let value = if ber {
        T::from_ber(data)
    } else {
        T::from_der(data)
    }
    .ok()?;
    let _ = value.to_der();
    Some(value)
}

/// A time-stamp token checked as verification checks one, and the TSTInfo
/// it signs read.
fn token_info(token: &ContentInfo) {
    let Ok(der) = token.to_der() else {
        return;
    };
    if let Ok((check, content)) = verify_attached(&der, ID_CT_TST_INFO, AT, &[], &[]) {
        let _ = serde_json::to_string(&check);
        if let Ok(info) = TstInfo::from_der(&content) {
            info.gen_time.unix();
        }
    }
}

fn ocsp_times(basic: &BasicOcspResponse) {
    let data = &basic.tbs_response_data;
    data.produced_at.unix();
    for single in &data.responses {
        single.this_update.unix();
        if let CertStatus::Revoked(revoked) = &single.cert_status {
            revoked.revocation_time.unix();
        }
        if let Some(next) = &single.next_update {
            next.unix();
        }
    }
}

/// The report as `gazette verify --json` prints it: serialising walks
/// every finding the verifier made.
fn report_as_json(report: &gazette::verify::Report) {
    let _ = serde_json::to_string(report);
}
