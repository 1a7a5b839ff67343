//! RFC 3161 time-stamp tokens as evidence of time: over a signature value
//! (the signature-time-stamp attribute, RFC 3161 appendix A) or over a PDF
//! revision (a document timestamp, ETSI.RFC3161).
//!
//! A token is a CMS SignedData over a TSTInfo, checked on the one path of
//! [`super::verify`] at the time it attests, with a time-stamping certificate
//! that leads to the reader's trust anchors; its message imprint must be the
//! digest of what it stamps.

use cms::signed_data::SignerInfo;
use der::Decode;
use der::asn1::Any;
use x509_cert::ext::pkix::name::GeneralName;

use super::algorithm::DigestAlgorithm;
use super::ber::read_signed_data;
use super::certs::ParsedCertificate;
use super::report::{Problem, ProblemCode, TimestampCheck};
use super::verify::{Expected, Rules, check_signer, parse_anchors};
use super::{CmsError, UnixTime};
use crate::asn1::tsp::{ID_AA_SIGNATURE_TIME_STAMP_TOKEN, ID_CT_TST_INFO, TstInfo};

/// Checks the time-stamp token `token` (a ContentInfo, DER or BER, zero
/// padding allowed) over `stamped`, the bytes it should stamp, described as
/// `covers` for the report. Trust is in `anchors` (DER certificates).
///
/// Fails only when `token` is not a readable token: a SignedData carrying a
/// TSTInfo with a SignerInfo.
pub fn verify_timestamp(
    token: &[u8],
    stamped: &[&[u8]],
    covers: &str,
    anchors: &[Vec<u8>],
) -> Result<TimestampCheck, CmsError> {
    check_token(token, stamped, covers, &parse_anchors(anchors)?)
}

fn check_token(
    token: &[u8],
    stamped: &[&[u8]],
    covers: &str,
    anchors: &[ParsedCertificate],
) -> Result<TimestampCheck, CmsError> {
    let read = read_signed_data(token)?;
    let Some(econtent) = read.econtent else {
        return Err(CmsError::Malformed(
            "the time-stamp token carries no TSTInfo".to_owned(),
        ));
    };
    let info = TstInfo::from_der(&econtent)
        .map_err(|e| CmsError::Malformed(format!("its TSTInfo cannot be read: {e}")))?;
    let time = info.gen_time.unix();
    let content: [&[u8]; 1] = [&econtent];
    let expected = Expected {
        content: &content,
        content_type: ID_CT_TST_INFO,
        detached: false,
    };
    let check = check_signer(
        &read.signed_data,
        &expected,
        Rules::Standard,
        time,
        anchors,
        Vec::new(),
    )?;
    let mut problems = Vec::new();
    let imprint_matches = check_imprint(&info, stamped, covers, &mut problems);
    Ok(TimestampCheck {
        covers: covers.to_owned(),
        time: time.to_string(),
        attested: time,
        tsa: authority_name(&check, &info),
        valid: problems.is_empty() && check.valid,
        imprint_matches,
        token: check,
        problems,
    })
}

/// Whether the token's message imprint is the digest of `stamped`.
fn check_imprint(
    info: &TstInfo,
    stamped: &[&[u8]],
    covers: &str,
    problems: &mut Vec<Problem>,
) -> bool {
    let imprint = &info.message_imprint;
    let Some(digest) = DigestAlgorithm::from_identifier(&imprint.hash_algorithm) else {
        problems.push(Problem::new(
            ProblemCode::UnsupportedAlgorithm,
            format!(
                "the time-stamp imprint uses {}, which is not supported",
                super::algorithm::describe(&imprint.hash_algorithm)
            ),
        ));
        return false;
    };
    let matches = imprint.hashed_message.as_bytes() == digest.digest(stamped).as_slice();
    if !matches {
        problems.push(Problem::new(
            ProblemCode::ImprintMismatch,
            format!(
                "the time-stamp's imprint is not the {} digest of {covers}: it stamps other bytes",
                digest.name()
            ),
        ));
    } else if digest.is_weak() {
        problems.push(Problem::new(
            ProblemCode::WeakAlgorithm,
            format!(
                "the time-stamp binds {covers} by a {} digest, which no longer protects it",
                digest.name()
            ),
        ));
    }
    matches
}

/// "Gazette Test PKI (Gazette Test TSA)": who signed the token, else whom
/// the TSTInfo names.
fn authority_name(check: &super::SignatureCheck, info: &TstInfo) -> String {
    if let Some(signer) = &check.signer {
        return match (&signer.organization, &signer.common_name) {
            (Some(o), Some(cn)) if o != cn => format!("{o} ({cn})"),
            (Some(name), _) | (None, Some(name)) => name.clone(),
            (None, None) => signer.subject.clone(),
        };
    }
    match &info.tsa {
        Some(GeneralName::DirectoryName(name)) => name.to_string(),
        _ => "an unnamed time-stamp authority".to_owned(),
    }
}

/// Checks each signature-time-stamp token of `signer_info` over its
/// signature value. A token that fails, other than for want of a trust
/// anchor, is a problem of the signature: it was altered or forged.
pub(super) fn signature_timestamps(
    signer_info: &SignerInfo,
    anchors: &[ParsedCertificate],
    problems: &mut Vec<Problem>,
) -> Vec<TimestampCheck> {
    let tokens = signer_info
        .unsigned_attrs
        .iter()
        .flat_map(|attributes| attributes.iter())
        .filter(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .flat_map(|a| a.values.iter());
    let stamped: [&[u8]; 1] = [signer_info.signature.as_bytes()];
    let mut checks = Vec::new();
    for token in tokens {
        match token_check(token, &stamped, anchors) {
            Ok(check) => {
                if let Some(problem) = token_failure(&check) {
                    problems.push(problem);
                }
                checks.push(check);
            }
            Err(error) => problems.push(Problem::new(
                ProblemCode::TimestampInvalid,
                format!("the signature's time-stamp token cannot be read: {error}"),
            )),
        }
    }
    checks
}

fn token_check(
    token: &Any,
    stamped: &[&[u8]],
    anchors: &[ParsedCertificate],
) -> Result<TimestampCheck, CmsError> {
    let bytes = der::Encode::to_der(token)
        .map_err(|e| CmsError::Malformed(format!("it cannot be encoded again: {e}")))?;
    check_token(&bytes, stamped, "the signature value", anchors)
}

/// The problem a failed signature time-stamp makes for its signature.
fn token_failure(check: &TimestampCheck) -> Option<Problem> {
    if check.valid || check.only_untrusted() {
        return None;
    }
    if !check.imprint_matches {
        return Some(Problem::new(
            ProblemCode::ImprintMismatch,
            format!(
                "the time-stamp of {} at {} does not stamp this signature: its imprint is not \
                 the digest of the signature value",
                check.tsa, check.time
            ),
        ));
    }
    let why = check
        .problems
        .iter()
        .chain(&check.token.problems)
        .map(|p| p.message.as_str())
        .next()
        .unwrap_or("it does not hold");
    Some(Problem::new(
        ProblemCode::TimestampInvalid,
        format!(
            "the time-stamp of {} at {} over the signature does not hold: {why}",
            check.tsa, check.time
        ),
    ))
}

/// The earliest time a valid, trusted token attests.
pub(super) fn attested_time(checks: &[TimestampCheck]) -> Option<UnixTime> {
    checks.iter().filter(|c| c.valid).map(|c| c.attested).min()
}
