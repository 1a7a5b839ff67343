//! Certificates as this module handles them: read from PEM or DER, kept
//! together with their exact DER, and summarised for people.

use cms::signed_data::SignerIdentifier;
use der::{Decode, Encode};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::{CmsError, UnixTime};
use crate::digest::{hex, sha256_bytes};

/// What a reader of a verification report needs to know about a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateSummary {
    /// The subject's distinguished name, RFC 4514 style.
    pub subject: String,
    /// The subject's commonName (CN), if any.
    pub common_name: Option<String>,
    /// The subject's organizationName (O), if any.
    pub organization: Option<String>,
    /// The serial number, lowercase hex.
    pub serial: String,
    /// The issuer's distinguished name, RFC 4514 style.
    pub issuer: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// SHA-256 of the certificate's DER, lowercase hex.
    pub sha256_fingerprint: String,
}

/// A decoded certificate together with the DER it was read from.
#[derive(Clone, Debug)]
pub(crate) struct ParsedCertificate {
    pub(crate) cert: Certificate,
    pub(crate) der: Vec<u8>,
}

impl ParsedCertificate {
    pub(crate) fn from_der(der: &[u8]) -> Result<Self, der::Error> {
        Ok(ParsedCertificate {
            cert: Certificate::from_der(der)?,
            der: der.to_vec(),
        })
    }

    /// Every certificate of `ders`; a bad one is named by `which(n)`, n
    /// counting from 1, e.g. "trust anchor 2".
    pub(crate) fn all_from_der(
        ders: &[Vec<u8>],
        which: impl Fn(usize) -> String,
    ) -> Result<Vec<Self>, CmsError> {
        ders.iter()
            .enumerate()
            .map(|(index, der)| {
                Self::from_der(der).map_err(|e| {
                    CmsError::Certificate(format!(
                        "{} is not an X.509 DER certificate: {e}",
                        which(index + 1)
                    ))
                })
            })
            .collect()
    }

    /// For certificates decoded inside a CMS. The decoder accepts only DER, so
    /// encoding again gives back the bytes that were signed.
    pub(crate) fn from_decoded(cert: Certificate) -> Result<Self, der::Error> {
        Ok(ParsedCertificate {
            der: cert.to_der()?,
            cert,
        })
    }

    /// Whether it names itself as its issuer, as a root does.
    pub(crate) fn is_self_issued(&self) -> bool {
        let tbs = self.cert.tbs_certificate();
        tbs.subject() == tbs.issuer()
    }

    pub(crate) fn sha256(&self) -> Vec<u8> {
        sha256_bytes(&self.der)
    }

    pub(crate) fn subject_text(&self) -> String {
        let tbs = self.cert.tbs_certificate();
        match tbs.subject().common_name().ok().flatten() {
            Some(cn) => cn.value().into_owned(),
            None => tbs.subject().to_string(),
        }
    }

    pub(crate) fn not_before(&self) -> UnixTime {
        unix_time(self.cert.tbs_certificate().validity().not_before)
    }

    pub(crate) fn not_after(&self) -> UnixTime {
        unix_time(self.cert.tbs_certificate().validity().not_after)
    }

    pub(crate) fn summary(&self) -> CertificateSummary {
        let tbs = self.cert.tbs_certificate();
        let subject = tbs.subject();
        CertificateSummary {
            subject: subject.to_string(),
            common_name: subject
                .common_name()
                .ok()
                .flatten()
                .map(|s| s.value().into_owned()),
            organization: subject
                .organization()
                .ok()
                .flatten()
                .map(|s| s.value().into_owned()),
            serial: hex(tbs.serial_number().as_bytes()),
            issuer: tbs.issuer().to_string(),
            not_before: self.not_before().to_string(),
            not_after: self.not_after().to_string(),
            sha256_fingerprint: hex(&self.sha256()),
        }
    }
}

fn unix_time(time: x509_cert::time::Time) -> UnixTime {
    UnixTime(i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

/// Reads certificates from a PEM file, which may hold several `CERTIFICATE`
/// blocks with explanatory text around them, or from a single DER certificate.
/// Returns each certificate's DER, in file order.
pub fn load_pem_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, CmsError> {
    const DER_SEQUENCE: u8 = 0x30;
    if bytes.first() == Some(&DER_SEQUENCE) {
        Certificate::from_der(bytes).map_err(|e| {
            CmsError::Certificate(format!(
                "the file looks like DER but is not an X.509 certificate: {e}"
            ))
        })?;
        return Ok(vec![bytes.to_vec()]);
    }
    let blocks = pem_blocks(bytes);
    if blocks.is_empty() {
        return Err(CmsError::Certificate(
            "no certificate found: expected PEM '-----BEGIN CERTIFICATE-----' blocks or one DER certificate"
                .to_owned(),
        ));
    }
    blocks
        .into_iter()
        .enumerate()
        .map(|(index, block)| certificate_block(index + 1, block))
        .collect()
}

fn certificate_block(number: usize, block: &[u8]) -> Result<Vec<u8>, CmsError> {
    let bad = |why: String| CmsError::Certificate(format!("PEM block {number}: {why}"));
    let (label, der) =
        der::pem::decode_vec(block).map_err(|e| bad(format!("not valid PEM: {e}")))?;
    if label != "CERTIFICATE" {
        return Err(bad(format!("is a {label}, not a CERTIFICATE")));
    }
    Certificate::from_der(&der).map_err(|e| bad(format!("not an X.509 certificate: {e}")))?;
    Ok(der)
}

/// Splits PEM text after each `-----END ...-----` line. Each piece keeps the
/// text before its BEGIN line, which the PEM decoder skips (RFC 7468 section 2).
fn pem_blocks(text: &[u8]) -> Vec<&[u8]> {
    const END: &[u8] = b"-----END ";
    const DASHES: &[u8] = b"-----";
    let mut blocks = Vec::new();
    let mut start = 0;
    while let Some(end_at) = find(&text[start..], END).map(|i| start + i) {
        let label_at = end_at + END.len();
        let Some(close) = find(&text[label_at..], DASHES) else {
            break;
        };
        let block_end = label_at + close + DASHES.len();
        blocks.push(&text[start..block_end]);
        start = block_end;
    }
    blocks
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Whether `certificate` is the one a SignerInfo's `sid` names: by issuer
/// and serial number, or by subject key identifier.
pub(crate) fn names_signer(certificate: &Certificate, sid: &SignerIdentifier) -> bool {
    let tbs = certificate.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            tbs.issuer() == &id.issuer && tbs.serial_number() == &id.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if &own == ski)
        }
    }
}
