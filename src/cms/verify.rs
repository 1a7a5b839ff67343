//! Checking a CMS signature against what it signs and the reader's trust
//! anchors: a PDF signature's detached content, or the content a time-stamp
//! token carries. One path checks attributes, signature and certificates for
//! both.
//!
//! Only bytes that are not a CMS SignedData at all are an error; everything
//! else, from a wrong digest to an untrusted root, becomes a [`Problem`] in the
//! [`SignatureCheck`], so one run reports all that is wrong.

use cms::cert::CertificateChoices;
use cms::content_info::CmsVersion;
use cms::signed_data::{SignedAttributes, SignedData, SignerIdentifier, SignerInfo};
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_DATA,
    ID_MESSAGE_DIGEST, ID_SIGNING_TIME,
};
use der::Encode;
use der::asn1::{Any, ObjectIdentifier, OctetString};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::time::Time;

use super::algorithm::{DigestAlgorithm, describe, describe_oid, verifier_for};
use super::attributes::{IssuerSerial, SigningCertificateV1, SigningCertificateV2, single_value};
use super::ber::read_signed_data;
use super::certs::{ParsedCertificate, names_signer};
use super::chain::{Purpose, check_path_for};
use super::report::{Problem, ProblemCode, SignatureCheck, Trust};
use super::timestamp::{attested_time, signature_timestamps};
use super::{CmsError, UnixTime};
use crate::asn1::tsp::ID_CT_TST_INFO;
use crate::digest::hex;

/// Which requirements beyond CMS itself (RFC 5652) a signature is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    /// gazette's own seals, PAdES baseline B-B as gazette writes it: SHA-2,
    /// signed attributes with signing-certificate-v2 and no signing-time. A
    /// deviation is a problem: gazette never writes it.
    Gazette,
    /// Any standard CMS signature. What gazette's profile requires is reported
    /// as a remark; only what breaks the cryptography or the binding of
    /// content and certificate is a problem.
    Standard,
}

/// Checks the detached CMS signature `cms` (the decoded `/Contents`, zero
/// padding allowed, DER or BER) over `content` (the PDF's byte ranges, in
/// order), with certificate validity taken at `at` and trust in `anchors`
/// (DER certificates), as one of gazette's own seals ([`Rules::Gazette`]).
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
    verify_detached_under(cms, content, at, anchors, Rules::Gazette)
}

/// [`verify_detached`] under the given `rules`.
pub fn verify_detached_under(
    cms: &[u8],
    content: &[&[u8]],
    at: UnixTime,
    anchors: &[Vec<u8>],
    rules: Rules,
) -> Result<SignatureCheck, CmsError> {
    let read = read_signed_data(cms)?;
    let expected = Expected {
        content,
        content_type: ID_DATA,
        detached: true,
    };
    let anchors = parse_anchors(anchors)?;
    let mut check = check_signer(
        &read.signed_data,
        &expected,
        rules,
        at,
        &anchors,
        Vec::new(),
    )?;
    // RFC 5652 section 5.1: other revocation information in `crls` makes the
    // SignedData version 5, so that an older reader knows it cannot read it.
    if read.other_revocation && read.signed_data.version != CmsVersion::V5 {
        let problem = Problem::new(
            ProblemCode::SignedDataVersion,
            format!(
                "the SignedData's crls hold other revocation information (an OCSP response), \
                 so its version must be 5, not {}",
                read.signed_data.version as u8
            ),
        );
        match rules {
            Rules::Gazette => check.problems.push(problem),
            Rules::Standard => check.remarks.push(problem),
        }
    }
    Ok(check)
}

pub(super) fn parse_anchors(anchors: &[Vec<u8>]) -> Result<Vec<ParsedCertificate>, CmsError> {
    ParsedCertificate::all_from_der(anchors, |n| format!("trust anchor {n}"))
}

/// Checks the CMS signature `cms` (DER or BER) over the content it carries,
/// which must be of type `content_type`: a time-stamp token signs a TSTInfo
/// (`crate::asn1::tsp::ID_CT_TST_INFO`). Certificates are taken from the CMS
/// and from `extra_certificates` (DER), validity at `at`, trust in `anchors`.
/// Held to [`Rules::Standard`]: a time-stamp authority's signing-time and ESS
/// signing-certificate (v1, RFC 2634, or v2) are what RFC 3161 asks for.
///
/// Returns the check and the content (eContent); fails when `cms` is not a
/// readable SignedData that carries content.
pub fn verify_attached(
    cms: &[u8],
    content_type: ObjectIdentifier,
    at: UnixTime,
    anchors: &[Vec<u8>],
    extra_certificates: &[Vec<u8>],
) -> Result<(SignatureCheck, Vec<u8>), CmsError> {
    let read = read_signed_data(cms)?;
    let Some(econtent) = read.econtent else {
        return Err(CmsError::Malformed(
            "it carries no content (eContent), so there is nothing it signs".to_owned(),
        ));
    };
    let content: [&[u8]; 1] = [&econtent];
    let expected = Expected {
        content: &content,
        content_type,
        detached: false,
    };
    let anchors = parse_anchors(anchors)?;
    let extra = ParsedCertificate::all_from_der(extra_certificates, |n| {
        format!("certificate {n} given besides the signature")
    })?;
    let check = check_signer(
        &read.signed_data,
        &expected,
        Rules::Standard,
        at,
        &anchors,
        extra,
    )?;
    Ok((check, econtent))
}

/// What a signature should sign: `content` of type `content_type`, detached
/// (outside the CMS) or carried inside it.
pub(super) struct Expected<'a> {
    pub(super) content: &'a [&'a [u8]],
    pub(super) content_type: ObjectIdentifier,
    pub(super) detached: bool,
}

/// What the checks found, sorted by the rules: what breaks the signature
/// goes to `problems`, what only departs from gazette's profile goes to
/// `problems` for gazette's own seals and to `remarks` for others.
struct Findings {
    rules: Rules,
    problems: Vec<Problem>,
    remarks: Vec<Problem>,
}

impl Findings {
    fn problem(&mut self, code: ProblemCode, message: impl Into<String>) {
        self.problems.push(Problem::new(code, message));
    }

    fn against_profile(&mut self, code: ProblemCode, message: impl Into<String>) {
        let problem = Problem::new(code, message);
        match self.rules {
            Rules::Gazette => self.problems.push(problem),
            Rules::Standard => self.remarks.push(problem),
        }
    }
}

/// The one check behind every entry point: the first SignerInfo of
/// `signed_data` against `expected`, its attributes, signature, the
/// time-stamps over its signature (not for a time-stamp token itself) and its
/// certificate path, judged at the earliest time a valid time-stamp attests,
/// or else at `at`.
pub(super) fn check_signer(
    signed_data: &SignedData,
    expected: &Expected<'_>,
    rules: Rules,
    at: UnixTime,
    anchors: &[ParsedCertificate],
    extra: Vec<ParsedCertificate>,
) -> Result<SignatureCheck, CmsError> {
    let signer_infos = signed_data.signer_infos.0.as_slice();
    let Some(signer_info) = signer_infos.first() else {
        return Err(CmsError::Malformed(
            "it holds no SignerInfo, so nothing is signed".to_owned(),
        ));
    };

    let mut found = Findings {
        rules,
        problems: Vec::new(),
        remarks: Vec::new(),
    };
    if signer_infos.len() > 1 {
        found.problem(
            ProblemCode::SignerCount,
            format!(
                "the signature holds {} SignerInfos; a PAdES signature has exactly one, and only the first was checked",
                signer_infos.len()
            ),
        );
    }
    check_encapsulated_content(signed_data, expected, &mut found);
    let mut pool = certificates(signed_data, &mut found);
    let carried = pool.iter().map(|c| hex(&c.sha256())).collect();
    pool.extend(extra);
    let signer = find_signer(&signer_info.sid, &pool);
    if signer.is_none() {
        found.problem(
            ProblemCode::SignerCertificateMissing,
            "the signer's certificate is not among the certificates in the signature",
        );
    }
    let digest = message_digest_algorithm(signer_info, rules, &mut found);
    let attributes = check_attributes(signer_info, digest, expected, signer, &mut found);
    let signature = check_signature(signer_info, digest, expected, signer, &mut found);
    let digest_matches = attributes.digest_matches.unwrap_or(signature.valid);
    let timestamps = if expected.content_type == ID_CT_TST_INFO {
        Vec::new()
    } else {
        signature_timestamps(signer_info, anchors, &mut found.problems)
    };
    let at = attested_time(&timestamps).unwrap_or(at);
    let (chain, trust) = match signer {
        Some(signer) => {
            // RFC 3161 section 2.3: only a time-stamping certificate signs a TSTInfo.
            let purpose = if expected.content_type == ID_CT_TST_INFO {
                Purpose::TimeStamping
            } else {
                Purpose::DocumentSigning
            };
            let path = check_path_for(purpose, signer, &pool, anchors, at, &mut found.problems);
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
        valid: found.problems.is_empty(),
        signer: signer.map(ParsedCertificate::summary),
        digest_algorithm: describe(&signer_info.digest_alg),
        signature_algorithm: signature.algorithm,
        digest_matches,
        signature_valid: signature.valid,
        chain,
        carried,
        trust,
        problems: found.problems,
        remarks: found.remarks,
        signing_time_attribute: attributes.signing_time,
        timestamps,
    })
}

/// The SignerInfo's digest algorithm, if it can be used. gazette's seals use
/// SHA-2 only; other signatures may use SHA-1, which is checked and reported
/// as weak.
fn message_digest_algorithm(
    signer_info: &SignerInfo,
    rules: Rules,
    found: &mut Findings,
) -> Option<DigestAlgorithm> {
    let digest = DigestAlgorithm::from_identifier(&signer_info.digest_alg);
    match digest {
        Some(digest) if !digest.is_weak() => Some(digest),
        Some(digest) if rules == Rules::Standard => {
            found.problem(
                ProblemCode::WeakAlgorithm,
                format!(
                    "the content is bound by a {} digest, which no longer protects it: \
                     other content with the same digest can be made",
                    digest.name()
                ),
            );
            Some(digest)
        }
        _ => {
            found.problem(
                ProblemCode::UnsupportedAlgorithm,
                format!(
                    "the digest algorithm {} ({}) is not supported (SHA-256, SHA-384 and SHA-512 are)",
                    describe(&signer_info.digest_alg),
                    signer_info.digest_alg.oid
                ),
            );
            None
        }
    }
}

/// The content must be where `expected` says, and of its type.
fn check_encapsulated_content(
    signed_data: &SignedData,
    expected: &Expected<'_>,
    found: &mut Findings,
) {
    let encapsulated = &signed_data.encap_content_info;
    if expected.detached && encapsulated.econtent.is_some() {
        found.problem(
            ProblemCode::NotDetached,
            "the signature embeds content; a PAdES signature must be detached",
        );
    }
    if encapsulated.econtent_type != expected.content_type {
        found.problem(
            ProblemCode::ContentType,
            format!(
                "the encapsulated content type is {}, not {}",
                encapsulated.econtent_type,
                content_type_name(expected.content_type)
            ),
        );
    }
}

fn content_type_name(oid: ObjectIdentifier) -> String {
    if oid == ID_DATA {
        "id-data".to_owned()
    } else {
        oid.to_string()
    }
}

fn certificates(signed_data: &SignedData, found: &mut Findings) -> Vec<ParsedCertificate> {
    let Some(set) = &signed_data.certificates else {
        return Vec::new();
    };
    let mut parsed = Vec::new();
    for choice in set.0.iter() {
        let CertificateChoices::Certificate(cert) = choice else {
            continue;
        };
        match ParsedCertificate::from_decoded(cert.clone()) {
            Ok(certificate) => parsed.push(certificate),
            Err(e) => found.problem(
                ProblemCode::MalformedCertificate,
                format!("a certificate in the signature cannot be encoded again: {e}"),
            ),
        }
    }
    parsed
}

fn find_signer<'a>(
    sid: &SignerIdentifier,
    pool: &'a [ParsedCertificate],
) -> Option<&'a ParsedCertificate> {
    pool.iter()
        .find(|candidate| names_signer(&candidate.cert, sid))
}

/// What the signed attributes say.
struct AttributeOutcome {
    /// Whether the message-digest attribute matches the content; `None`
    /// when there are no signed attributes and the signature itself is over
    /// the content.
    digest_matches: Option<bool>,
    /// The signing-time attribute's time, RFC 3339.
    signing_time: Option<String>,
}

/// Checks the signed attributes: content-type and message-digest bind the
/// content (RFC 5652 section 11), an ESS signing-certificate attribute binds
/// the signer's certificate; gazette's profile further wants
/// signing-certificate-v2 and no signing-time.
fn check_attributes(
    signer_info: &SignerInfo,
    digest: Option<DigestAlgorithm>,
    expected: &Expected<'_>,
    signer: Option<&ParsedCertificate>,
    found: &mut Findings,
) -> AttributeOutcome {
    let mut outcome = AttributeOutcome {
        digest_matches: Some(false),
        signing_time: None,
    };
    let Some(attributes) = &signer_info.signed_attrs else {
        let message = "the signature has no signed attributes; PAdES requires content-type, \
                       message-digest and signing-certificate-v2, so neither the content nor \
                       the certificate is bound";
        // RFC 5652 section 5.4: without attributes, only id-data can be
        // signed, directly.
        if found.rules == Rules::Standard && expected.content_type == ID_DATA {
            found.against_profile(ProblemCode::MissingAttribute, message);
            outcome.digest_matches = None;
        } else {
            found.problem(ProblemCode::MissingAttribute, message);
        }
        return outcome;
    };
    if let Some(value) = required_value(attributes, ID_CONTENT_TYPE, "content-type", found) {
        match value.decode_as::<ObjectIdentifier>() {
            Ok(oid) if oid == expected.content_type => {}
            Ok(oid) => found.problem(
                ProblemCode::ContentType,
                format!(
                    "the content-type attribute is {oid}, not {}",
                    content_type_name(expected.content_type)
                ),
            ),
            Err(e) => found.problems.push(unreadable("content-type", e)),
        }
    }
    outcome.signing_time = signing_time(attributes, found);
    check_certificate_binding(attributes, signer, found);
    if found.rules == Rules::Gazette {
        check_no_other_attributes(attributes, found);
    }
    outcome.digest_matches =
        match required_value(attributes, ID_MESSAGE_DIGEST, "message-digest", found) {
            Some(value) => Some(check_message_digest(value, digest, expected.content, found)),
            None => Some(false),
        };
    outcome
}

/// A seal signs exactly content-type, message-digest and
/// signing-certificate-v2 (SPDF-5, SMAN-2); signing-time has a code of its
/// own. Anything else it signs breaks the profile, though CMS allows it, so
/// other signatures are not asked.
fn check_no_other_attributes(attributes: &SignedAttributes, found: &mut Findings) {
    let known = [
        ID_CONTENT_TYPE,
        ID_MESSAGE_DIGEST,
        ID_AA_SIGNING_CERTIFICATE_V_2,
        ID_SIGNING_TIME,
    ];
    for attribute in attributes.iter().filter(|a| !known.contains(&a.oid)) {
        found.problem(
            ProblemCode::MalformedAttribute,
            format!(
                "the signed attributes hold {}, which a seal does not sign: only content-type, \
                 message-digest and signing-certificate-v2",
                describe_oid(&attribute.oid)
            ),
        );
    }
}

/// The signing-time attribute, which PAdES leaves to the signature
/// dictionary's /M: against gazette's profile, and at most a claim.
fn signing_time(attributes: &SignedAttributes, found: &mut Findings) -> Option<String> {
    let value = match single_value(attributes, ID_SIGNING_TIME) {
        Ok(value) => value?,
        Err(why) => {
            found.problem(
                ProblemCode::MalformedAttribute,
                format!("the signed attribute signing-time {why}"),
            );
            return None;
        }
    };
    let time = match value.decode_as::<Time>() {
        Ok(time) => time,
        Err(e) => {
            found.problems.push(unreadable("signing-time", e));
            return None;
        }
    };
    let text =
        UnixTime(i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)).to_string();
    found.against_profile(
        ProblemCode::SigningTimePresent,
        format!(
            "the signature has a signing-time attribute ({text}), which PAdES baseline signatures \
             must not have (the time belongs in the signature dictionary's /M); it is the signer's \
             claim, not an attested time"
        ),
    );
    Some(text)
}

/// The ESS signing-certificate attribute must name the signer's certificate.
/// gazette's seals carry v2; other signers may carry v1 (SHA-1, RFC 2634) or
/// none, which leaves the certificate unbound but breaks nothing.
fn check_certificate_binding(
    attributes: &SignedAttributes,
    signer: Option<&ParsedCertificate>,
    found: &mut Findings,
) {
    let v2 = "signing-certificate-v2";
    match single_value(attributes, ID_AA_SIGNING_CERTIFICATE_V_2) {
        Ok(Some(value)) => {
            match (value.decode_as::<SigningCertificateV2>(), signer) {
                (Ok(v2), Some(signer)) => check_signing_certificate(&v2, signer, found),
                (Ok(_), None) => {}
                (Err(e), _) => found.problems.push(unreadable(v2, e)),
            }
            return;
        }
        Ok(None) => {}
        Err(why) => {
            found.problem(
                ProblemCode::MalformedAttribute,
                format!("the signed attribute {v2} {why}"),
            );
            return;
        }
    }
    let v1 = "signing-certificate";
    let binding = match single_value(attributes, ID_AA_SIGNING_CERTIFICATE) {
        Ok(Some(value)) => match (value.decode_as::<SigningCertificateV1>(), signer) {
            (Ok(v1), Some(signer)) => {
                check_signing_certificate_v1(&v1, signer, found);
                "an ESS signing-certificate (v1, SHA-1)"
            }
            (Ok(_), None) => "an ESS signing-certificate (v1, SHA-1)",
            (Err(e), _) => {
                found.problems.push(unreadable(v1, e));
                return;
            }
        },
        Ok(None) => "no ESS signing-certificate attribute",
        Err(why) => {
            found.problem(
                ProblemCode::MalformedAttribute,
                format!("the signed attribute {v1} {why}"),
            );
            return;
        }
    };
    found.against_profile(
        ProblemCode::MissingAttribute,
        format!(
            "the signed attribute {v2} is missing: the signature has {binding} to bind the \
             signer's certificate"
        ),
    );
}

/// The single value of a required attribute; a problem when it is missing or
/// not single-valued.
fn required_value<'a>(
    attributes: &'a SignedAttributes,
    oid: ObjectIdentifier,
    name: &str,
    found: &mut Findings,
) -> Option<&'a Any> {
    match single_value(attributes, oid) {
        Ok(Some(value)) => Some(value),
        Ok(None) => {
            found.problem(
                ProblemCode::MissingAttribute,
                format!("the signed attribute {name} is missing"),
            );
            None
        }
        Err(why) => {
            found.problem(
                ProblemCode::MalformedAttribute,
                format!("the signed attribute {name} {why}"),
            );
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
    found: &mut Findings,
) -> bool {
    let claimed = match value.decode_as::<OctetString>() {
        Ok(claimed) => claimed,
        Err(e) => {
            found.problems.push(unreadable("message-digest", e));
            return false;
        }
    };
    let Some(digest) = digest else {
        return false;
    };
    let matches = claimed.as_bytes() == digest.digest(content).as_slice();
    if !matches {
        found.problem(
            ProblemCode::DigestMismatch,
            format!(
                "the {} digest of the signed bytes differs from the message-digest attribute: \
                 the document was changed after it was signed",
                digest.name()
            ),
        );
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
    found: &mut Findings,
) {
    let Some(id) = v2.certs.first() else {
        found.problem(
            ProblemCode::SigningCertificateMismatch,
            "signing-certificate-v2 names no certificate",
        );
        return;
    };
    let hash_algorithm = id.hash_algorithm();
    let Some(hash) = DigestAlgorithm::from_identifier(&hash_algorithm) else {
        found.problem(
            ProblemCode::UnsupportedAlgorithm,
            format!(
                "signing-certificate-v2 hashes the certificate with {}, which is not supported",
                describe(&hash_algorithm)
            ),
        );
        return;
    };
    let names = CertificateNaming {
        attribute: "signing-certificate-v2",
        hash,
        cert_hash: id.cert_hash.as_bytes(),
        issuer_serial: id.issuer_serial.as_ref(),
    };
    names.check(signer, found);
}

/// signing-certificate (v1) must name the signer's certificate first, by its
/// SHA-1 hash (RFC 2634 section 5.4).
fn check_signing_certificate_v1(
    v1: &SigningCertificateV1,
    signer: &ParsedCertificate,
    found: &mut Findings,
) {
    let Some(id) = v1.certs.first() else {
        found.problem(
            ProblemCode::SigningCertificateMismatch,
            "signing-certificate names no certificate",
        );
        return;
    };
    let names = CertificateNaming {
        attribute: "signing-certificate",
        hash: DigestAlgorithm::Sha1,
        cert_hash: id.cert_hash.as_bytes(),
        issuer_serial: id.issuer_serial.as_ref(),
    };
    names.check(signer, found);
}

/// How an ESS attribute names a certificate: by hash and, optionally, by
/// issuer and serial number.
struct CertificateNaming<'a> {
    attribute: &'static str,
    hash: DigestAlgorithm,
    cert_hash: &'a [u8],
    issuer_serial: Option<&'a IssuerSerial>,
}

impl CertificateNaming<'_> {
    fn check(&self, signer: &ParsedCertificate, found: &mut Findings) {
        let attribute = self.attribute;
        if self.cert_hash != self.hash.digest(&[&signer.der]).as_slice() {
            found.problem(
                ProblemCode::SigningCertificateMismatch,
                format!(
                    "{attribute} holds the hash of another certificate than the signer's ({})",
                    signer.subject_text()
                ),
            );
        }
        if let Some(issuer_serial) = self.issuer_serial {
            let tbs = signer.cert.tbs_certificate();
            let names_issuer = issuer_serial
                .issuer
                .iter()
                .any(|name| matches!(name, GeneralName::DirectoryName(n) if n == tbs.issuer()));
            if !names_issuer || &issuer_serial.serial_number != tbs.serial_number() {
                found.problem(
                    ProblemCode::SigningCertificateMismatch,
                    format!(
                        "{attribute} names another issuer and serial number than the signer's certificate"
                    ),
                );
            }
        }
    }
}

/// What checking the signature value found.
struct SignatureOutcome {
    valid: bool,
    /// The algorithm's name as resolved for the signer's key, or its OID.
    algorithm: String,
}

/// Verifies the signature with the signer's key: over the DER of the signed
/// attributes, or, when a signature has none, over the content itself.
fn check_signature(
    signer_info: &SignerInfo,
    digest: Option<DigestAlgorithm>,
    expected: &Expected<'_>,
    signer: Option<&ParsedCertificate>,
    found: &mut Findings,
) -> SignatureOutcome {
    let mut outcome = SignatureOutcome {
        valid: false,
        algorithm: describe(&signer_info.signature_algorithm),
    };
    let Some(signer) = signer else {
        return outcome;
    };
    // RFC 5652 section 5.4: signed over the attributes' DER as an explicit SET OF.
    let message = match &signer_info.signed_attrs {
        Some(attributes) => attributes.to_der().ok(),
        None if found.rules == Rules::Standard && expected.content_type == ID_DATA => {
            Some(expected.content.concat())
        }
        None => return outcome,
    };
    let key = signer.cert.tbs_certificate().subject_public_key_info();
    let verifier = match verifier_for(&signer_info.signature_algorithm, key, digest) {
        Ok(verifier) => verifier,
        Err(why) => {
            found.problem(
                ProblemCode::UnsupportedAlgorithm,
                format!("cannot check the signature: {why}"),
            );
            return outcome;
        }
    };
    outcome.algorithm = verifier.name.to_owned();
    // A weak algorithm has a verdict of its own (VER-25).
    if verifier.weakness.is_none() && !verifier.for_seals {
        found.against_profile(
            ProblemCode::UnsupportedAlgorithm,
            format!(
                "the seal is signed with {}, which is not among the algorithms of a seal",
                verifier.name
            ),
        );
    }
    outcome.valid =
        message.is_some_and(|m| verifier.verify(key, &m, signer_info.signature.as_bytes()));
    if !outcome.valid {
        found.problem(
            ProblemCode::BadSignature,
            format!(
                "the signature does not verify with the public key of {}",
                signer.subject_text()
            ),
        );
    } else if let Some(weakness) = verifier.weakness {
        found.problem(
            ProblemCode::WeakAlgorithm,
            format!(
                "the signature verifies with {}, which no longer protects it: {weakness}",
                verifier.name
            ),
        );
    }
    outcome
}
