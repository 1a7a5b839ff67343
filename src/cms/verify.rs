//! Checking a detached PAdES CMS signature against the signed content and the
//! reader's trust anchors.
//!
//! Only bytes that are not a CMS SignedData at all are an error; everything
//! else, from a wrong digest to an untrusted root, becomes a [`Problem`] in the
//! [`SignatureCheck`], so one run reports all that is wrong.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedAttributes, SignedData, SignerIdentifier, SignerInfo};
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA,
    ID_SIGNING_TIME,
};
use der::asn1::{Any, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, SliceReader};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use super::algorithm::{DigestAlgorithm, describe, verifier_for};
use super::attributes::{SigningCertificateV2, single_value};
use super::certs::ParsedCertificate;
use super::chain::check_path;
use super::report::{Problem, ProblemCode, SignatureCheck, Trust};
use super::{CmsError, UnixTime};

/// Checks the detached CMS signature `cms` (the decoded `/Contents`, zero
/// padding allowed) over `content` (the PDF's byte ranges, in order), with
/// certificate validity taken at `at` and trust in `anchors` (DER certificates).
///
/// Fails only when `cms` is not a readable CMS SignedData with a SignerInfo,
/// or an anchor is not a certificate; every other finding is a problem in the
/// returned check.
pub fn verify_detached(
    cms: &[u8],
    content: &[&[u8]],
    at: UnixTime,
    anchors: &[Vec<u8>],
) -> Result<SignatureCheck, CmsError> {
    let anchors = ParsedCertificate::all_from_der(anchors, |n| format!("trust anchor {n}"))?;
    let signed_data = read_signed_data(cms)?;
    let signer_infos = signed_data.signer_infos.0.as_slice();
    let Some(signer_info) = signer_infos.first() else {
        return Err(CmsError::Malformed(
            "it holds no SignerInfo, so nothing is signed".to_owned(),
        ));
    };

    let mut problems = Vec::new();
    if signer_infos.len() > 1 {
        problems.push(Problem::new(
            ProblemCode::SignerCount,
            format!(
                "the signature holds {} SignerInfos; a PAdES signature has exactly one, and only the first was checked",
                signer_infos.len()
            ),
        ));
    }
    check_encapsulated_content(&signed_data, &mut problems);
    let pool = certificates(&signed_data, &mut problems);
    let signer = find_signer(&signer_info.sid, &pool);
    if signer.is_none() {
        problems.push(Problem::new(
            ProblemCode::SignerCertificateMissing,
            "the signer's certificate is not among the certificates in the signature",
        ));
    }
    let digest = DigestAlgorithm::from_identifier(&signer_info.digest_alg);
    if digest.is_none() {
        problems.push(Problem::new(
            ProblemCode::UnsupportedAlgorithm,
            format!(
                "the digest algorithm {} is not supported (SHA-256, SHA-384 and SHA-512 are)",
                describe(&signer_info.digest_alg)
            ),
        ));
    }
    let digest_matches = check_attributes(signer_info, digest, content, signer, &mut problems);
    let signature = check_signature(signer_info, digest, signer, &mut problems);
    let (chain, trust) = match signer {
        Some(signer) => {
            let path = check_path(signer, &pool, &anchors, at, &mut problems);
            (path.chain, path.trust)
        }
        None => (
            Vec::new(),
            Trust::Untrusted {
                reason: "the signer's certificate is missing".to_owned(),
            },
        ),
    };

    Ok(SignatureCheck {
        valid: problems.is_empty(),
        signer: signer.map(ParsedCertificate::summary),
        digest_algorithm: describe(&signer_info.digest_alg),
        signature_algorithm: signature.algorithm,
        digest_matches,
        signature_valid: signature.valid,
        chain,
        trust,
        problems,
    })
}

/// Reads the ContentInfo at the start of `cms`. Zero bytes after it are
/// allowed: a PDF pads `/Contents` with them up to the reserved size.
fn read_signed_data(cms: &[u8]) -> Result<SignedData, CmsError> {
    let malformed = |why: String| CmsError::Malformed(why);
    let not_der = |e: der::Error| malformed(format!("not a DER ContentInfo: {e}"));
    let mut reader = SliceReader::new(cms).map_err(not_der)?;
    let content_info = ContentInfo::decode(&mut reader).map_err(not_der)?;
    let end = usize::try_from(reader.position()).map_err(not_der)?;
    if cms[end..].iter().any(|&byte| byte != 0) {
        return Err(malformed(format!(
            "{} bytes other than zero padding follow the ContentInfo",
            cms.len() - end
        )));
    }
    if content_info.content_type != ID_SIGNED_DATA {
        return Err(malformed(format!(
            "its content type is {}, not signed-data",
            content_info.content_type
        )));
    }
    content_info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| malformed(format!("the SignedData cannot be read: {e}")))
}

/// PAdES signs the PDF bytes from outside: no embedded content, type id-data.
fn check_encapsulated_content(signed_data: &SignedData, problems: &mut Vec<Problem>) {
    let encapsulated = &signed_data.encap_content_info;
    if encapsulated.econtent.is_some() {
        problems.push(Problem::new(
            ProblemCode::NotDetached,
            "the signature embeds content; a PAdES signature must be detached",
        ));
    }
    if encapsulated.econtent_type != ID_DATA {
        problems.push(Problem::new(
            ProblemCode::ContentType,
            format!(
                "the encapsulated content type is {}, not id-data",
                encapsulated.econtent_type
            ),
        ));
    }
}

fn certificates(signed_data: &SignedData, problems: &mut Vec<Problem>) -> Vec<ParsedCertificate> {
    let Some(set) = &signed_data.certificates else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for choice in set.0.iter() {
        let CertificateChoices::Certificate(cert) = choice else {
            continue;
        };
        match ParsedCertificate::from_decoded(cert.clone()) {
            Ok(parsed) => found.push(parsed),
            Err(e) => problems.push(Problem::new(
                ProblemCode::MalformedCertificate,
                format!("a certificate in the signature cannot be encoded again: {e}"),
            )),
        }
    }
    found
}

fn find_signer<'a>(
    sid: &SignerIdentifier,
    pool: &'a [ParsedCertificate],
) -> Option<&'a ParsedCertificate> {
    pool.iter().find(|candidate| {
        let tbs = candidate.cert.tbs_certificate();
        match sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                tbs.issuer() == &id.issuer && tbs.serial_number() == &id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if &own == ski)
            }
        }
    })
}

/// Checks the signed attributes PAdES B-B prescribes; returns whether the
/// message digest matches the content.
fn check_attributes(
    signer_info: &SignerInfo,
    digest: Option<DigestAlgorithm>,
    content: &[&[u8]],
    signer: Option<&ParsedCertificate>,
    problems: &mut Vec<Problem>,
) -> bool {
    let Some(attributes) = &signer_info.signed_attrs else {
        problems.push(Problem::new(
            ProblemCode::MissingAttribute,
            "the signature has no signed attributes; PAdES requires content-type, message-digest \
             and signing-certificate-v2, so neither the content nor the certificate is bound",
        ));
        return false;
    };
    if let Some(value) = required_value(attributes, ID_CONTENT_TYPE, "content-type", problems) {
        match value.decode_as::<ObjectIdentifier>() {
            Ok(oid) if oid == ID_DATA => {}
            Ok(oid) => problems.push(Problem::new(
                ProblemCode::ContentType,
                format!("the content-type attribute is {oid}, not id-data"),
            )),
            Err(e) => problems.push(unreadable("content-type", e)),
        }
    }
    if attributes.iter().any(|a| a.oid == ID_SIGNING_TIME) {
        problems.push(Problem::new(
            ProblemCode::SigningTimePresent,
            "the signature has a signing-time attribute, which PAdES baseline signatures must not have \
             (the time belongs in the signature dictionary's /M)",
        ));
    }
    let name = "signing-certificate-v2";
    if let Some(value) = required_value(attributes, ID_AA_SIGNING_CERTIFICATE_V_2, name, problems) {
        match (value.decode_as::<SigningCertificateV2>(), signer) {
            (Ok(v2), Some(signer)) => check_signing_certificate(&v2, signer, problems),
            (Ok(_), None) => {}
            (Err(e), _) => problems.push(unreadable(name, e)),
        }
    }
    match required_value(attributes, ID_MESSAGE_DIGEST, "message-digest", problems) {
        Some(value) => check_message_digest(value, digest, content, problems),
        None => false,
    }
}

/// The single value of a required attribute; a problem when it is missing or
/// not single-valued.
fn required_value<'a>(
    attributes: &'a SignedAttributes,
    oid: ObjectIdentifier,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a Any> {
    match single_value(attributes, oid) {
        Ok(Some(value)) => Some(value),
        Ok(None) => {
            problems.push(Problem::new(
                ProblemCode::MissingAttribute,
                format!("the signed attribute {name} is missing"),
            ));
            None
        }
        Err(why) => {
            problems.push(Problem::new(
                ProblemCode::MalformedAttribute,
                format!("the signed attribute {name} {why}"),
            ));
            None
        }
    }
}

/// Whether the message-digest attribute is the digest of `content`; without a
/// supported digest algorithm (already reported) it cannot be.
fn check_message_digest(
    value: &Any,
    digest: Option<DigestAlgorithm>,
    content: &[&[u8]],
    problems: &mut Vec<Problem>,
) -> bool {
    let claimed = match value.decode_as::<OctetString>() {
        Ok(claimed) => claimed,
        Err(e) => {
            problems.push(unreadable("message-digest", e));
            return false;
        }
    };
    let Some(digest) = digest else {
        return false;
    };
    let matches = claimed.as_bytes() == digest.digest(content).as_slice();
    if !matches {
        problems.push(Problem::new(
            ProblemCode::DigestMismatch,
            format!(
                "the {} digest of the signed bytes differs from the message-digest attribute: \
                 the document was changed after it was signed",
                digest.name()
            ),
        ));
    }
    matches
}

fn unreadable(name: &str, error: der::Error) -> Problem {
    Problem::new(
        ProblemCode::MalformedAttribute,
        format!("the signed attribute {name} cannot be read: {error}"),
    )
}

/// signing-certificate-v2 must name the signer's certificate first (RFC 5035
/// section 5.4), by hash and, when given, by issuer and serial number.
fn check_signing_certificate(
    v2: &SigningCertificateV2,
    signer: &ParsedCertificate,
    problems: &mut Vec<Problem>,
) {
    let mismatch = |why: &str| {
        Problem::new(
            ProblemCode::SigningCertificateMismatch,
            format!("signing-certificate-v2 {why}"),
        )
    };
    let Some(id) = v2.certs.first() else {
        problems.push(mismatch("names no certificate"));
        return;
    };
    let hash_algorithm = id.hash_algorithm();
    let Some(hash) = DigestAlgorithm::from_identifier(&hash_algorithm) else {
        problems.push(Problem::new(
            ProblemCode::UnsupportedAlgorithm,
            format!(
                "signing-certificate-v2 hashes the certificate with {}, which is not supported",
                describe(&hash_algorithm)
            ),
        ));
        return;
    };
    if id.cert_hash.as_bytes() != hash.digest(&[&signer.der]).as_slice() {
        problems.push(mismatch(&format!(
            "holds the hash of another certificate than the signer's ({})",
            signer.subject_text()
        )));
    }
    if let Some(issuer_serial) = &id.issuer_serial {
        let tbs = signer.cert.tbs_certificate();
        let names_issuer = issuer_serial
            .issuer
            .iter()
            .any(|name| matches!(name, GeneralName::DirectoryName(n) if n == tbs.issuer()));
        if !names_issuer || &issuer_serial.serial_number != tbs.serial_number() {
            problems.push(mismatch(
                "names another issuer and serial number than the signer's certificate",
            ));
        }
    }
}

/// What checking the signature value found.
struct SignatureOutcome {
    valid: bool,
    /// The algorithm's name as resolved for the signer's key, or its OID.
    algorithm: String,
}

/// Verifies the signature over the DER of the signed attributes with the
/// signer's key.
fn check_signature(
    signer_info: &SignerInfo,
    digest: Option<DigestAlgorithm>,
    signer: Option<&ParsedCertificate>,
    problems: &mut Vec<Problem>,
) -> SignatureOutcome {
    let mut outcome = SignatureOutcome {
        valid: false,
        algorithm: describe(&signer_info.signature_algorithm),
    };
    let (Some(attributes), Some(signer)) = (&signer_info.signed_attrs, signer) else {
        return outcome;
    };
    let key = signer.cert.tbs_certificate().subject_public_key_info();
    let verifier = match verifier_for(&signer_info.signature_algorithm, key, digest) {
        Ok(verifier) => verifier,
        Err(why) => {
            problems.push(Problem::new(
                ProblemCode::UnsupportedAlgorithm,
                format!("cannot check the signature: {why}"),
            ));
            return outcome;
        }
    };
    outcome.algorithm = verifier.name.to_owned();
    // RFC 5652 section 5.4: signed over the attributes' DER as an explicit SET OF.
    outcome.valid = attributes
        .to_der()
        .is_ok_and(|signed| verifier.verify(key, &signed, signer_info.signature.as_bytes()));
    if !outcome.valid {
        problems.push(Problem::new(
            ProblemCode::BadSignature,
            format!(
                "the signature does not verify with the public key of {}",
                signer.subject_text()
            ),
        ));
    }
    outcome
}
