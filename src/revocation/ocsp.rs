//! OCSP (RFC 6960): the request gazette sends about one certificate, and what
//! a response says about it once its signer and signature are checked.

use const_oid::db::rfc5912::{ID_KP_OCSP_SIGNING, ID_SHA_1, ID_SHA_256, ID_SHA_384, ID_SHA_512};
use der::asn1::{Any, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use super::Source;
use super::judge::{Finding, Says, issued_by, same_entity, signed_by};
use crate::asn1::ocsp::{
    BasicOcspResponse, CertId, CertStatus, ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NOCHECK,
    ID_PKIX_OCSP_NONCE, OcspRequest, OcspResponse, OcspResponseStatus, Request, ResponderId,
    TbsRequest,
};
use crate::cms::certs::ParsedCertificate;

/// Nonce length: RFC 8954 allows 1 to 32 bytes and recommends 32.
const NONCE_LENGTH: usize = 32;

/// An OCSP request about `subject`, issued by `issuer`, with its CertID in
/// SHA-1 (RFC 5019: what every responder understands) and a fresh nonce.
/// Returns the request's DER and the nonce extension's value to expect back.
pub(super) fn request(
    subject: &ParsedCertificate,
    issuer: &ParsedCertificate,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut nonce = [0u8; NONCE_LENGTH];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| "the operating system gave no random bytes for the OCSP nonce")?;
    let encoding = |e: der::Error| format!("the OCSP request could not be encoded: {e}");
    let nonce_value = OctetString::new(nonce.as_slice())
        .and_then(|n| n.to_der())
        .map_err(encoding)?;
    let request = OcspRequest {
        tbs_request: TbsRequest {
            version: 0,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id(subject, issuer, ID_SHA_1)
                    .ok_or("SHA-1 CertIDs cannot be computed")?,
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![Extension {
                extn_id: ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(nonce_value.clone()).map_err(encoding)?,
            }]),
        },
        optional_signature: None,
    };
    Ok((request.to_der().map_err(encoding)?, nonce_value))
}

/// The CertID of `subject` with `hash` (SHA-1 or SHA-2), or `None` for a
/// hash gazette does not compute.
fn cert_id(
    subject: &ParsedCertificate,
    issuer: &ParsedCertificate,
    hash: ObjectIdentifier,
) -> Option<CertId> {
    let algorithm = match hash {
        ID_SHA_1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        ID_SHA_256 => &digest::SHA256,
        ID_SHA_384 => &digest::SHA384,
        ID_SHA_512 => &digest::SHA512,
        _ => return None,
    };
    let digest_of = |bytes: &[u8]| OctetString::new(digest::digest(algorithm, bytes).as_ref());
    let issuer_tbs = issuer.cert.tbs_certificate();
    let name = issuer_tbs.subject().to_der().ok()?;
    let key = issuer_tbs
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    Some(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: hash,
            parameters: Some(Any::null()),
        },
        issuer_name_hash: digest_of(&name).ok()?,
        issuer_key_hash: digest_of(key).ok()?,
        serial_number: subject.cert.tbs_certificate().serial_number().clone(),
    })
}

/// The BasicOCSPResponse of a successful OCSPResponse.
pub(super) fn parse(der: &[u8]) -> Result<BasicOcspResponse, String> {
    let response = OcspResponse::from_der(der)
        .map_err(|e| format!("is not an RFC 6960 OCSP response ({e})"))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "reports the error {:?} instead of a status",
            response.response_status
        ));
    }
    let bytes = response
        .response_bytes
        .ok_or("is successful but holds no response")?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(format!(
            "is of type {}, not the basic type",
            bytes.response_type
        ));
    }
    BasicOcspResponse::from_der(bytes.response.as_bytes())
        .map_err(|e| format!("holds an unreadable basic response ({e})"))
}

/// What `basic` says about `subject`: `None` when it is not about it, an
/// error when it is but cannot be trusted. `pool` holds further certificates
/// in which to find a delegated responder's.
pub(super) fn judge(
    basic: &BasicOcspResponse,
    subject: &ParsedCertificate,
    issuer: &ParsedCertificate,
    pool: &[ParsedCertificate],
) -> Result<Option<Finding>, String> {
    let data = &basic.tbs_response_data;
    let Some(single) = data.responses.iter().find(|single| {
        let id = &single.cert_id;
        cert_id(subject, issuer, id.hash_algorithm.oid).is_some_and(|own| {
            own.issuer_name_hash == id.issuer_name_hash
                && own.issuer_key_hash == id.issuer_key_hash
                && own.serial_number == id.serial_number
        })
    }) else {
        return Ok(None);
    };
    let responder = responder(basic, issuer, pool)?;
    let message = data
        .to_der()
        .map_err(|e| format!("cannot be encoded again: {e}"))?;
    let signer = responder.as_ref().unwrap_or(issuer);
    signed_by(
        signer,
        &basic.signature_algorithm,
        &message,
        &basic.signature,
    )?;
    let says = match &single.cert_status {
        CertStatus::Good(_) => Says::Good,
        CertStatus::Revoked(info) => Says::Revoked {
            since: info.revocation_time.unix(),
            reason: info.revocation_reason,
        },
        CertStatus::Unknown(_) => {
            Says::Unknown("the OCSP responder does not know the certificate".to_owned())
        }
    };
    Ok(Some(Finding {
        source: Source::Ocsp,
        says,
        this_update: single.this_update.unix(),
        next_update: single.next_update.as_ref().map(|n| n.unix()),
        responder,
    }))
}

/// Who signed `basic`: `None` for the issuer itself, or a delegated
/// responder's certificate that the issuer issued for OCSP signing and that
/// was valid when the response was produced.
fn responder(
    basic: &BasicOcspResponse,
    issuer: &ParsedCertificate,
    pool: &[ParsedCertificate],
) -> Result<Option<ParsedCertificate>, String> {
    let included: Vec<ParsedCertificate> = basic
        .certs
        .iter()
        .flatten()
        .filter_map(|c| ParsedCertificate::from_decoded(c.clone()).ok())
        .collect();
    let id = &basic.tbs_response_data.responder_id;
    let named: Vec<&ParsedCertificate> = std::iter::once(issuer)
        .chain(&included)
        .chain(pool)
        .filter(|c| is_responder(c, id))
        .collect();
    if named.iter().any(|c| same_entity(c, issuer)) {
        return Ok(None);
    }
    let produced_at = basic.tbs_response_data.produced_at.unix();
    let mut refusals = Vec::new();
    for candidate in named {
        match delegation(candidate, issuer, produced_at) {
            Ok(()) => return Ok(Some(candidate.clone())),
            Err(why) => refusals.push(why),
        }
    }
    Err(match refusals.is_empty() {
        true => "is signed by a responder whose certificate is neither the issuer's nor \
                 included"
            .to_owned(),
        false => format!(
            "is signed by an unauthorised responder: {}",
            refusals.join("; ")
        ),
    })
}

fn is_responder(certificate: &ParsedCertificate, id: &ResponderId) -> bool {
    let tbs = certificate.cert.tbs_certificate();
    match id {
        ResponderId::ByName(name) => tbs.subject() == name,
        ResponderId::ByKey(hash) => {
            let key = tbs.subject_public_key_info().subject_public_key.raw_bytes();
            digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, key).as_ref() == hash.as_bytes()
        }
    }
}

/// RFC 6960 section 4.2.2.2: a delegated responder's certificate is issued
/// directly by the CA and carries id-kp-OCSPSigning.
fn delegation(
    candidate: &ParsedCertificate,
    issuer: &ParsedCertificate,
    produced_at: crate::cms::UnixTime,
) -> Result<(), String> {
    let who = candidate.subject_text();
    if !issued_by(candidate, issuer) {
        return Err(format!(
            "the certificate of {who} was not issued by {}",
            issuer.subject_text()
        ));
    }
    let for_ocsp = matches!(
        candidate.cert.tbs_certificate().get_extension::<ExtendedKeyUsage>(),
        Ok(Some((_, usage))) if usage.0.contains(&ID_KP_OCSP_SIGNING)
    );
    if !for_ocsp {
        return Err(format!(
            "the certificate of {who} lacks the id-kp-OCSPSigning extended key usage"
        ));
    }
    if produced_at < candidate.not_before() || produced_at > candidate.not_after() {
        return Err(format!(
            "the certificate of {who} was not valid when the response was produced ({produced_at})"
        ));
    }
    Ok(())
}

/// Whether a responder's certificate needs no revocation check of its own
/// (id-pkix-ocsp-nocheck).
pub(super) fn needs_no_check(certificate: &ParsedCertificate) -> bool {
    certificate
        .cert
        .tbs_certificate()
        .extensions()
        .is_some_and(|all| all.iter().any(|e| e.extn_id == ID_PKIX_OCSP_NOCHECK))
}

/// The response's nonce matches the request's `sent` extension value, when
/// the responder echoes one. Older responders echo the nonce's bytes without
/// their OCTET STRING wrapper; both are the same nonce.
pub(super) fn check_nonce(basic: &BasicOcspResponse, sent: &[u8]) -> Result<(), String> {
    let echoed = basic
        .tbs_response_data
        .response_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE);
    let Some(echoed) = echoed else {
        return Ok(());
    };
    let bare = OctetString::from_der(sent).map(|n| n.as_bytes().to_vec());
    let value = echoed.extn_value.as_bytes();
    if value == sent || bare.is_ok_and(|bare| value == bare.as_slice()) {
        Ok(())
    } else {
        Err("echoes another nonce than the request's: it answers another request".to_owned())
    }
}
