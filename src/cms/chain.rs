//! Certificate paths: from the signer's certificate through the certificates a
//! CMS carries to one of the trust anchors the reader chose, checked in the
//! spirit of RFC 5280 section 6 for what a document seal needs.
//!
//! Revocation is not checked: a gazette is verified offline, years later.
//! Certificate policies are accepted whatever they are (the "any-policy"
//! initial set), and name constraints are not processed, so a critical
//! nameConstraints extension is reported as not understood.

use const_oid::db::rfc5280::{ANY_EXTENDED_KEY_USAGE, ID_KP_EMAIL_PROTECTION, ID_KP_TIME_STAMPING};
use const_oid::db::rfc5912::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_BASIC_CONSTRAINTS, ID_CE_CERTIFICATE_POLICIES,
    ID_CE_EXT_KEY_USAGE, ID_CE_KEY_USAGE, ID_CE_SUBJECT_ALT_NAME, ID_CE_SUBJECT_KEY_IDENTIFIER,
};
use der::Encode;
use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

use super::UnixTime;
use super::algorithm::verifier_for;
use super::certs::{CertificateSummary, ParsedCertificate};
use super::report::{Problem, ProblemCode, Trust};

/// id-kp-documentSigning (RFC 9336).
const ID_KP_DOCUMENT_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36");

/// Extensions whose criticality this checker honours.
const UNDERSTOOD_EXTENSIONS: [ObjectIdentifier; 7] = [
    ID_CE_BASIC_CONSTRAINTS,
    ID_CE_KEY_USAGE,
    ID_CE_EXT_KEY_USAGE,
    ID_CE_SUBJECT_KEY_IDENTIFIER,
    ID_CE_AUTHORITY_KEY_IDENTIFIER,
    ID_CE_SUBJECT_ALT_NAME,
    ID_CE_CERTIFICATE_POLICIES,
];

/// Longer paths are not followed; real seal hierarchies have three or four.
const MAX_PATH_LENGTH: usize = 8;

/// The path found and how far it can be trusted.
pub(crate) struct PathCheck {
    pub(crate) chain: Vec<CertificateSummary>,
    pub(crate) trust: Trust,
}

/// What the signer's certificate is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Sealing or signing documents.
    DocumentSigning,
    /// Signing time-stamp tokens (RFC 3161 section 2.3).
    TimeStamping,
}

/// Builds and checks the path from `signer`, a document signer, to one of
/// `anchors`, taking issuers from `pool` (the CMS certificates) or the
/// anchors, and validity at `at`. Every finding goes to `problems`.
pub(crate) fn check_path(
    signer: &ParsedCertificate,
    pool: &[ParsedCertificate],
    anchors: &[ParsedCertificate],
    at: UnixTime,
    problems: &mut Vec<Problem>,
) -> PathCheck {
    check_path_for(
        Purpose::DocumentSigning,
        signer,
        pool,
        anchors,
        at,
        problems,
    )
}

/// [`check_path`] for a signer used for `purpose`.
pub(crate) fn check_path_for(
    purpose: Purpose,
    signer: &ParsedCertificate,
    pool: &[ParsedCertificate],
    anchors: &[ParsedCertificate],
    at: UnixTime,
    problems: &mut Vec<Problem>,
) -> PathCheck {
    let path = build_path(signer, pool, anchors);
    for (index, certificate) in path.certificates.iter().enumerate() {
        check_validity(certificate, at, problems);
        check_critical_extensions(certificate, problems);
        if index > 0 {
            check_issuer(certificate, index - 1, problems);
        } else if purpose == Purpose::TimeStamping {
            check_time_stamping_usage(certificate, problems);
        } else {
            check_signer_usage(certificate, problems);
        }
    }
    let links_verified = report_links(&path, problems);
    PathCheck {
        chain: path.certificates.iter().map(|c| c.summary()).collect(),
        trust: trust(&path, anchors.is_empty(), links_verified, problems),
    }
}

/// [`check_path`] for a signature that is not a CMS, such as the EPUB
/// edition's XML signature: `signer` and `others` are the DER certificates the
/// signature carries (`others` may repeat the signer's), `anchors` the
/// reader's. Returns the signer's summary with the path. Fails, naming the
/// certificate, when one is not X.509 DER.
pub(crate) fn check_der_path(
    signer: &[u8],
    others: &[Vec<u8>],
    anchors: &[Vec<u8>],
    at: UnixTime,
    problems: &mut Vec<Problem>,
) -> Result<(CertificateSummary, PathCheck), String> {
    let parse = |der: &[u8], what: String| {
        ParsedCertificate::from_der(der)
            .map_err(|e| format!("{what} is not an X.509 DER certificate: {e}"))
    };
    let signer = parse(signer, "the signer's certificate".to_owned())?;
    let pool = others
        .iter()
        .enumerate()
        .map(|(index, der)| parse(der, format!("certificate {} of the signature", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let anchors = anchors
        .iter()
        .enumerate()
        .map(|(index, der)| parse(der, format!("trust anchor {}", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let path = check_path(&signer, &pool, &anchors, at, problems);
    Ok((signer.summary(), path))
}

/// How a certificate's signature fared against its issuer's key.
enum Link {
    Verified,
    /// Verified, but with an algorithm or key too weak to rely on.
    Weak(String),
    Bad,
    Unsupported(String),
}

/// Why a path stopped.
enum PathEnd {
    Anchor,
    IssuerNotFound,
    SelfSignedNotAnchor,
    TooLong,
}

struct Path<'a> {
    certificates: Vec<&'a ParsedCertificate>,
    /// `links[i]` is the signature of `certificates[i]` checked with the key of `certificates[i + 1]`.
    links: Vec<Link>,
    end: PathEnd,
}

fn build_path<'a>(
    signer: &'a ParsedCertificate,
    pool: &'a [ParsedCertificate],
    anchors: &'a [ParsedCertificate],
) -> Path<'a> {
    let mut path = Path {
        certificates: vec![signer],
        links: Vec::new(),
        end: PathEnd::TooLong,
    };
    while path.certificates.len() <= MAX_PATH_LENGTH {
        let current = path.certificates[path.certificates.len() - 1];
        if anchors.iter().any(|a| same_certificate(a, current)) {
            path.end = PathEnd::Anchor;
            return path;
        }
        if current.is_self_issued() {
            path.end = PathEnd::SelfSignedNotAnchor;
            return path;
        }
        // Anchors first, so a path ends on the reader's copy of the root.
        let candidates = anchors
            .iter()
            .chain(pool)
            .filter(|c| !path.certificates.iter().any(|p| p.der == c.der));
        let Some((issuer, link)) = find_issuer(current, candidates) else {
            path.end = PathEnd::IssuerNotFound;
            return path;
        };
        path.certificates.push(issuer);
        path.links.push(link);
    }
    path
}

/// The first candidate named as `subject`'s issuer whose key verifies its
/// signature, or failing that the first one named so, with what went wrong.
fn find_issuer<'a>(
    subject: &ParsedCertificate,
    candidates: impl Iterator<Item = &'a ParsedCertificate>,
) -> Option<(&'a ParsedCertificate, Link)> {
    let issuer_name = subject.cert.tbs_certificate().issuer();
    let mut fallback = None;
    for candidate in candidates.filter(|c| c.cert.tbs_certificate().subject() == issuer_name) {
        match check_link(subject, candidate) {
            Link::Verified => return Some((candidate, Link::Verified)),
            Link::Weak(why) => return Some((candidate, Link::Weak(why))),
            failed => {
                fallback.get_or_insert((candidate, failed));
            }
        }
    }
    fallback
}

/// A trust anchor matches by identical DER, or by the same subject and key
/// (a root re-issued with other dates is the same anchor).
fn same_certificate(anchor: &ParsedCertificate, certificate: &ParsedCertificate) -> bool {
    let (a, c) = (
        anchor.cert.tbs_certificate(),
        certificate.cert.tbs_certificate(),
    );
    anchor.der == certificate.der
        || (a.subject() == c.subject()
            && a.subject_public_key_info() == c.subject_public_key_info())
}

fn check_link(subject: &ParsedCertificate, issuer: &ParsedCertificate) -> Link {
    let key = issuer.cert.tbs_certificate().subject_public_key_info();
    let verifier = match verifier_for(subject.cert.signature_algorithm(), key, None) {
        Ok(verifier) => verifier,
        Err(why) => return Link::Unsupported(why),
    };
    let Ok(tbs) = subject.cert.tbs_certificate().to_der() else {
        return Link::Bad;
    };
    let Some(signature) = subject.cert.signature().as_bytes() else {
        return Link::Bad;
    };
    if !verifier.verify(key, &tbs, signature) {
        return Link::Bad;
    }
    match verifier.weakness {
        Some(weakness) => Link::Weak(format!("{}: {weakness}", verifier.name)),
        None => Link::Verified,
    }
}

/// Reports links that did not verify, or verified only with a weak
/// algorithm; true when all verified.
fn report_links(path: &Path<'_>, problems: &mut Vec<Problem>) -> bool {
    let mut all_verified = true;
    for (index, link) in path.links.iter().enumerate() {
        let subject = path.certificates[index].subject_text();
        let issuer = path.certificates[index + 1].subject_text();
        match link {
            Link::Verified => continue,
            Link::Weak(why) => {
                problems.push(Problem::new(
                    ProblemCode::WeakAlgorithm,
                    format!("the signature on the certificate of {subject} verifies with the key of {issuer}, but with {why}"),
                ));
                continue;
            }
            Link::Bad => problems.push(Problem::new(
                ProblemCode::BadChainSignature,
                format!("the signature on the certificate of {subject} does not verify with the key of {issuer}"),
            )),
            Link::Unsupported(why) => problems.push(Problem::new(
                ProblemCode::UnsupportedAlgorithm,
                format!("cannot check the signature on the certificate of {subject}: {why}"),
            )),
        }
        all_verified = false;
    }
    all_verified
}

fn trust(
    path: &Path<'_>,
    no_anchors: bool,
    links_verified: bool,
    problems: &mut Vec<Problem>,
) -> Trust {
    let last = path.certificates[path.certificates.len() - 1];
    let reason = match path.end {
        PathEnd::Anchor if links_verified => {
            return Trust::Trusted {
                anchor: last.summary(),
            };
        }
        PathEnd::Anchor => {
            return Trust::Untrusted {
                reason: "the path reaches a trust anchor, but not every certificate signature on it verifies"
                    .to_owned(),
            };
        }
        _ if no_anchors => {
            "no trust anchors were given: pass the root certificate you trust with --trust"
                .to_owned()
        }
        PathEnd::IssuerNotFound => format!(
            "the issuer of {} ({}) is neither in the signature nor among the trust anchors",
            last.subject_text(),
            last.cert.tbs_certificate().issuer()
        ),
        PathEnd::SelfSignedNotAnchor => format!(
            "the path ends at {}, a self-issued certificate that is not one of the trust anchors",
            last.subject_text()
        ),
        PathEnd::TooLong => format!("no trust anchor within {MAX_PATH_LENGTH} certificates"),
    };
    problems.push(Problem::new(ProblemCode::Untrusted, reason.clone()));
    Trust::Untrusted { reason }
}

fn check_validity(certificate: &ParsedCertificate, at: UnixTime, problems: &mut Vec<Problem>) {
    let who = certificate.subject_text();
    let (not_before, not_after) = (certificate.not_before(), certificate.not_after());
    if at < not_before {
        problems.push(Problem::new(
            ProblemCode::NotYetValid,
            format!("the certificate of {who} is valid only from {not_before}, after the time checked ({at})"),
        ));
    }
    if at > not_after {
        problems.push(Problem::new(
            ProblemCode::Expired,
            format!(
                "the certificate of {who} expired on {not_after}, before the time checked ({at})"
            ),
        ));
    }
}

fn check_critical_extensions(certificate: &ParsedCertificate, problems: &mut Vec<Problem>) {
    let extensions = certificate
        .cert
        .tbs_certificate()
        .extensions()
        .map_or(&[][..], Vec::as_slice);
    for extension in extensions.iter().filter(|e| e.critical) {
        if !UNDERSTOOD_EXTENSIONS.contains(&extension.extn_id) {
            problems.push(Problem::new(
                ProblemCode::UnknownCriticalExtension,
                format!(
                    "the certificate of {} has a critical extension this checker does not process ({})",
                    certificate.subject_text(),
                    extension.extn_id
                ),
            ));
        }
    }
}

/// The seal's own certificate must allow signing documents. nonRepudiation
/// alone is not enough: PDF readers (poppler, Acrobat) want digitalSignature
/// for a document signature, so a seal without it would fail elsewhere.
fn check_signer_usage(certificate: &ParsedCertificate, problems: &mut Vec<Problem>) {
    let tbs = certificate.cert.tbs_certificate();
    let who = certificate.subject_text();
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, usage))) if usage.digital_signature() => {}
        Ok(Some(_)) => problems.push(Problem::new(
            ProblemCode::KeyUsage,
            format!(
                "the certificate of {who} does not allow digital signatures: its keyUsage \
                 lacks digitalSignature"
            ),
        )),
        Ok(None) => problems.push(Problem::new(
            ProblemCode::KeyUsage,
            format!("the certificate of {who} does not allow digital signatures: it has no keyUsage extension"),
        )),
        Err(e) => problems.push(malformed(certificate, "keyUsage", e)),
    }
    match tbs.get_extension::<ExtendedKeyUsage>() {
        Ok(Some((_, usage)))
            if !usage.0.iter().any(|purpose| {
                [
                    ID_KP_DOCUMENT_SIGNING,
                    ID_KP_EMAIL_PROTECTION,
                    ANY_EXTENDED_KEY_USAGE,
                ]
                .contains(purpose)
            }) =>
        {
            problems.push(Problem::new(
                ProblemCode::ExtendedKeyUsage,
                format!(
                    "the certificate of {who} is restricted by extendedKeyUsage to other purposes \
                     than signing documents (documentSigning, emailProtection or any)"
                ),
            ))
        }
        Ok(_) => {}
        Err(e) => problems.push(malformed(certificate, "extendedKeyUsage", e)),
    }
}

/// A time-stamp authority's certificate must be for time-stamping alone:
/// extendedKeyUsage critical, holding id-kp-timeStamping and nothing else
/// (RFC 3161 section 2.3). A keyUsage, when present, must allow signatures.
fn check_time_stamping_usage(certificate: &ParsedCertificate, problems: &mut Vec<Problem>) {
    let tbs = certificate.cert.tbs_certificate();
    let who = certificate.subject_text();
    match tbs.get_extension::<ExtendedKeyUsage>() {
        Ok(Some((true, usage))) if usage.0 == [ID_KP_TIME_STAMPING] => {}
        Ok(Some((critical, usage))) => problems.push(Problem::new(
            ProblemCode::ExtendedKeyUsage,
            format!(
                "the certificate of {who} is not a time-stamping certificate: its extendedKeyUsage \
                 must be critical and hold timeStamping alone, but is {} and holds {}",
                if critical { "critical" } else { "not critical" },
                usage
                    .0
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        Ok(None) => problems.push(Problem::new(
            ProblemCode::ExtendedKeyUsage,
            format!(
                "the certificate of {who} is not a time-stamping certificate: it has no \
                 extendedKeyUsage extension (RFC 3161 requires a critical timeStamping)"
            ),
        )),
        Err(e) => problems.push(malformed(certificate, "extendedKeyUsage", e)),
    }
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, usage))) if !usage.digital_signature() => problems.push(Problem::new(
            ProblemCode::KeyUsage,
            format!("the certificate of {who} does not allow digital signatures: its keyUsage lacks digitalSignature"),
        )),
        Ok(_) => {}
        Err(e) => problems.push(malformed(certificate, "keyUsage", e)),
    }
}

/// A certificate that issued the one before it must be a CA allowed to sign
/// certificates, with no more CAs below it than its pathLenConstraint allows.
fn check_issuer(certificate: &ParsedCertificate, cas_below: usize, problems: &mut Vec<Problem>) {
    let tbs = certificate.cert.tbs_certificate();
    let who = certificate.subject_text();
    match tbs.get_extension::<BasicConstraints>() {
        Ok(Some((_, constraints))) if constraints.ca => {
            if let Some(limit) = constraints.path_len_constraint
                && cas_below > usize::from(limit)
            {
                problems.push(Problem::new(
                    ProblemCode::PathLength,
                    format!(
                        "the certificate of {who} allows {limit} intermediate CA certificates below it, \
                         but the path has {cas_below}"
                    ),
                ));
            }
        }
        Ok(_) => problems.push(Problem::new(
            ProblemCode::NotACa,
            format!("the certificate of {who} issued another certificate but is not a CA certificate (basicConstraints cA is not set)"),
        )),
        Err(e) => problems.push(malformed(certificate, "basicConstraints", e)),
    }
    // RFC 5280 section 6.1.4 (n): keyCertSign is required only when keyUsage is present.
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, usage))) if !usage.key_cert_sign() => problems.push(Problem::new(
            ProblemCode::KeyUsage,
            format!("the certificate of {who} issued another certificate but its keyUsage does not allow keyCertSign"),
        )),
        Ok(_) => {}
        Err(e) => problems.push(malformed(certificate, "keyUsage", e)),
    }
}

fn malformed(certificate: &ParsedCertificate, extension: &str, error: der::Error) -> Problem {
    Problem::new(
        ProblemCode::MalformedCertificate,
        format!(
            "the {extension} extension of the certificate of {} cannot be read: {error}",
            certificate.subject_text()
        ),
    )
}
