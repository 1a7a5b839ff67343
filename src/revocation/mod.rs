//! Revocation evidence: OCSP responses and CRLs for the certificates behind a
//! seal and a time-stamp, gathered at sealing ([`collect`], over the network,
//! every answer checked) and again at each renewal ([`collect_for_renewal`])
//! so that a verifier decades later needs no network, and judged when
//! verifying ([`Evidence::status_of`], pure).
//!
//! One evidence rule serves both sides: an OCSP response counts when the
//! certificate's issuer signed it, or a responder certificate that the issuer
//! issued for OCSP signing; a CRL counts when the issuer signed it.

mod collect;
mod crl;
mod judge;
mod ocsp;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::Serialize;

use crate::cms::UnixTime;

#[cfg(test)]
pub(crate) use collect::gather_at;
pub use collect::{Collected, collect, collect_for_renewal};
pub(crate) use collect::{crl_urls, ocsp_urls};

/// What a verifier needs besides the signature to judge a certificate path at
/// a past time: the certificates, and the OCSP responses and CRLs about them.
/// Each item is DER as the authority signed it: embedded as is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    pub certificates: Vec<Vec<u8>>,
    /// OCSPResponse structures (RFC 6960), not just the BasicOCSPResponse.
    pub ocsp_responses: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// Where a status comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Ocsp,
    Crl,
}

/// What the evidence says about one certificate at one time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum RevocationStatus {
    /// Not revoked at the time asked about, by evidence valid then (or issued
    /// after it) and signed by the certificate's issuer or its OCSP responder.
    Good {
        source: Source,
        /// OCSP thisUpdate or CRL thisUpdate.
        this_update: UnixTime,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_update: Option<UnixTime>,
    },
    /// Revoked at or before the time asked about.
    Revoked {
        source: Source,
        since: UnixTime,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Revoked, but only after the time asked about: good then.
    RevokedLater {
        source: Source,
        since: UnixTime,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// There is evidence about the certificate, but none that settles it:
    /// not trusted (a bad signature), too old for the time, or the responder
    /// did not know the certificate.
    Unknown { why: String },
    /// No OCSP response or CRL in the evidence is about the certificate.
    NoEvidence,
}

impl RevocationStatus {
    /// What a revocation at `since` means for the time `at`: revoked then,
    /// or only later.
    pub fn of_revocation(
        source: Source,
        since: UnixTime,
        reason: Option<String>,
        at: UnixTime,
    ) -> RevocationStatus {
        if since <= at {
            RevocationStatus::Revoked {
                source,
                since,
                reason,
            }
        } else {
            RevocationStatus::RevokedLater {
                source,
                since,
                reason,
            }
        }
    }
}

impl Evidence {
    /// This evidence without its CRLs: what settles a certificate that names
    /// an OCSP responder in the form the format asks (SEAL-14).
    pub(crate) fn ocsp_responses_only(&self) -> Evidence {
        Evidence {
            certificates: self.certificates.clone(),
            ocsp_responses: self.ocsp_responses.clone(),
            crls: Vec::new(),
        }
    }

    /// The status of `certificate` (DER), issued by `issuer` (DER), at `at`,
    /// by this evidence alone. Each OCSP response and CRL is checked
    /// (signature, signer, scope, times) before it counts. Revoked wins over
    /// revoked-later, which wins over good; evidence that cannot be trusted
    /// only explains an Unknown. A self-signed certificate has no evidence:
    /// whether to trust it is the reader's choice of anchors.
    pub fn status_of(&self, certificate: &[u8], issuer: &[u8], at: UnixTime) -> RevocationStatus {
        judge::status_of(self, certificate, issuer, at)
    }
}

/// Why sealing cannot have the revocation evidence it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevocationError {
    /// A certificate given is not X.509 DER.
    Certificate(String),
    /// A certificate's issuer is not among the certificates given.
    NoIssuer { certificate: String, issuer: String },
    /// A certificate names neither an OCSP responder nor a CRL.
    NoSource { certificate: String },
    /// Every OCSP responder and CRL the certificate names failed; each
    /// attempt says why.
    Unavailable {
        certificate: String,
        attempts: Vec<String>,
    },
    /// The certificate is revoked: sealing with it must not go on.
    Revoked {
        certificate: String,
        since: UnixTime,
        reason: Option<String>,
        by: String,
    },
}

impl fmt::Display for RevocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevocationError::Certificate(why) => f.write_str(why),
            RevocationError::NoIssuer {
                certificate,
                issuer,
            } => write!(
                f,
                "the certificate of {certificate} was issued by {issuer}, whose certificate is \
                 not in the chain: add the issuer's certificate so that its revocation status \
                 can be asked and checked"
            ),
            RevocationError::NoSource { certificate } => write!(
                f,
                "the certificate of {certificate} names no OCSP responder (authority information \
                 access) and no CRL distribution point, so no revocation evidence can be had \
                 for it; ask its CA for a certificate that does"
            ),
            RevocationError::Unavailable {
                certificate,
                attempts,
            } => write!(
                f,
                "no usable revocation evidence for the certificate of {certificate}: {}",
                attempts.join("; ")
            ),
            RevocationError::Revoked {
                certificate,
                since,
                reason,
                by,
            } => {
                revoked_since(f, certificate, since, reason.as_deref())?;
                write!(
                    f,
                    ", says {by}: sealing with a revoked certificate is refused; use a \
                     certificate that is in force"
                )
            }
        }
    }
}

impl std::error::Error for RevocationError {}

/// "the certificate of … is revoked since … (reason: …)", as an error and a
/// note both begin.
fn revoked_since(
    f: &mut fmt::Formatter<'_>,
    certificate: &str,
    since: &UnixTime,
    reason: Option<&str>,
) -> fmt::Result {
    write!(
        f,
        "the certificate of {certificate} is revoked since {since}"
    )?;
    match reason {
        Some(reason) => write!(f, " (reason: {reason})"),
        None => Ok(()),
    }
}

/// What a renewal could not make current for a certificate whose earlier
/// evidence, already under a timestamp, still speaks for it: said to the
/// archivist, not an error. A revoked certificate's answer is kept as
/// evidence: a verifier holds what was attested before the revocation valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationNote(pub RevocationError);

impl fmt::Display for RevocationNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const EARLIER: &str = "the evidence kept earlier stands for it";
        match &self.0 {
            RevocationError::Revoked {
                certificate,
                since,
                reason,
                by,
            } => {
                revoked_since(f, certificate, since, reason.as_deref())?;
                write!(
                    f,
                    ", says {by}; that answer is kept as evidence: what was attested before \
                     {since} stays valid, what was not is not"
                )
            }
            RevocationError::Unavailable {
                certificate,
                attempts,
            } => write!(
                f,
                "no current revocation evidence for the certificate of {certificate} ({}); \
                 {EARLIER}",
                attempts.join("; ")
            ),
            RevocationError::NoSource { certificate } => write!(
                f,
                "the certificate of {certificate} names no OCSP responder and no CRL; {EARLIER}"
            ),
            RevocationError::NoIssuer {
                certificate,
                issuer,
            } => write!(
                f,
                "the certificate of {certificate}'s issuer, {issuer}, is not at hand, so its \
                 status cannot be asked; {EARLIER}"
            ),
            RevocationError::Certificate(why) => f.write_str(why),
        }
    }
}
