//! `gazette verify --online`: revocation data the file lacks, asked of the
//! OCSP responders and CRL servers each certificate names
//! ([`crate::revocation::collect`], every answer checked there). Only asked
//! for; a network failure is said, never held against the seal.

use crate::cms::UnixTime;
use crate::cms::certs::ParsedCertificate;
use crate::revocation::{self, Evidence, RevocationError, RevocationStatus, Source};

/// What was fetched for one certificate.
pub(super) enum Fetched {
    /// Evidence, from the service at the URL.
    Evidence { evidence: Evidence, from: String },
    /// The service says the certificate is revoked.
    Revoked {
        status: RevocationStatus,
        from: String,
    },
    /// Nothing usable came back: why.
    Failed(String),
}

/// Fetches evidence for `chain[0]`, whose issuers follow it in `chain`, as
/// of now. The issuers' own evidence comes along: [`revocation::collect`]
/// asks about every certificate of a chain but its self-signed root.
pub(super) fn fetch(chain: &[Vec<u8>], at: UnixTime) -> Fetched {
    let Some(subject) = chain
        .first()
        .and_then(|der| ParsedCertificate::from_der(der).ok())
    else {
        return Fetched::Failed("the certificate cannot be read".to_owned());
    };
    match revocation::collect(&[chain]) {
        Ok(evidence) => {
            let from = match evidence.status_of(
                &chain[0],
                chain.get(1).map_or(&[][..], Vec::as_slice),
                at,
            ) {
                RevocationStatus::Good {
                    source: Source::Crl,
                    ..
                } => revocation::crl_urls(&subject),
                _ => revocation::ocsp_urls(&subject),
            };
            let from = from
                .into_iter()
                .next()
                .unwrap_or_else(|| "the services it names".to_owned());
            Fetched::Evidence { evidence, from }
        }
        Err(RevocationError::Revoked {
            certificate,
            since,
            reason,
            by,
        }) if certificate == subject.subject_text() => {
            // `by` names the service: "the OCSP responder at URL", "the CRL at URL".
            let source = if by.contains("OCSP") {
                Source::Ocsp
            } else {
                Source::Crl
            };
            let status = RevocationStatus::of_revocation(source, since, reason, at);
            let from = by.rsplit(" at ").next().unwrap_or(&by).to_owned();
            Fetched::Revoked { status, from }
        }
        Err(error) => Fetched::Failed(error.to_string()),
    }
}
