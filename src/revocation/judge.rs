//! Judging evidence about one certificate: what one checked OCSP response or
//! CRL says ([`Finding`]), the signature rules both share, and the verdict
//! of all the evidence at a time ([`status_of`]).

use der::Encode;
use der::asn1::BitString;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::crl::CrlReason;

use super::{Evidence, RevocationStatus, Source, crl, ocsp};
use crate::cms::UnixTime;
use crate::cms::algorithm::verifier_for;
use crate::cms::certs::ParsedCertificate;

/// Seconds of clock difference tolerated between this machine and a
/// responder, and between a time asked about and evidence made just before it
/// (a seal's OCSP response is often fetched a moment before its time-stamp).
pub(super) const SKEW: i64 = 300;

/// What one OCSP response or CRL, its signature checked, says about one
/// certificate.
pub(super) struct Finding {
    pub(super) source: Source,
    pub(super) says: Says,
    pub(super) this_update: UnixTime,
    pub(super) next_update: Option<UnixTime>,
    /// The delegated OCSP responder's certificate that signed it, if the
    /// issuer did not sign itself.
    pub(super) responder: Option<ParsedCertificate>,
}

pub(super) enum Says {
    Good,
    Revoked {
        since: UnixTime,
        reason: Option<CrlReason>,
    },
    /// The evidence is genuine but settles nothing, for the reason given.
    Unknown(String),
}

impl Finding {
    /// The status this finding gives at `at`. Evidence that says "good"
    /// counts for `at` when it was still valid then (nextUpdate not before
    /// `at`) or was made after `at`.
    pub(super) fn status_at(&self, at: UnixTime) -> RevocationStatus {
        let source = self.source;
        match &self.says {
            Says::Revoked { since, reason } => {
                let reason = reason.map(|r| reason_name(r).to_owned());
                RevocationStatus::of_revocation(source, *since, reason, at)
            }
            Says::Unknown(why) => RevocationStatus::Unknown { why: why.clone() },
            Says::Good if self.covers(at) => RevocationStatus::Good {
                source,
                this_update: self.this_update,
                next_update: self.next_update,
            },
            Says::Good => RevocationStatus::Unknown {
                why: format!(
                    "the {} of {} is valid {}, not at {at}",
                    source_name(source),
                    self.this_update,
                    self.next_update
                        .map_or("only for its own moment".to_owned(), |n| format!(
                            "until {n}"
                        ))
                ),
            },
        }
    }

    fn covers(&self, at: UnixTime) -> bool {
        self.this_update.0.saturating_add(SKEW) >= at.0
            || self.next_update.is_some_and(|next| at <= next)
    }
}

pub(super) fn source_name(source: Source) -> &'static str {
    match source {
        Source::Ocsp => "OCSP response",
        Source::Crl => "CRL",
    }
}

/// The reason code's name in RFC 5280.
pub(super) fn reason_name(reason: CrlReason) -> &'static str {
    match reason {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "cACompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
}

/// Whether `signature` over `message` verifies with the key of `signer`.
pub(super) fn signed_by(
    signer: &ParsedCertificate,
    algorithm: &AlgorithmIdentifierOwned,
    message: &[u8],
    signature: &BitString,
) -> Result<(), String> {
    let key = signer.cert.tbs_certificate().subject_public_key_info();
    let verifier = verifier_for(algorithm, key, None)?;
    let signature = signature
        .as_bytes()
        .ok_or("its signature is not a whole number of bytes")?;
    if verifier.verify(key, message, signature) {
        Ok(())
    } else {
        Err(format!(
            "its signature does not verify with the key of {}",
            signer.subject_text()
        ))
    }
}

/// Whether `issuer` issued `subject`: named as its issuer, and its key
/// verifies the certificate's signature.
pub(super) fn issued_by(subject: &ParsedCertificate, issuer: &ParsedCertificate) -> bool {
    let (tbs, issuer_tbs) = (
        subject.cert.tbs_certificate(),
        issuer.cert.tbs_certificate(),
    );
    tbs.issuer() == issuer_tbs.subject()
        && tbs.to_der().is_ok_and(|message| {
            signed_by(
                issuer,
                subject.cert.signature_algorithm(),
                &message,
                subject.cert.signature(),
            )
            .is_ok()
        })
}

/// The same certificate for these purposes: same subject, same key (a CA
/// certificate re-issued with other dates still speaks for the CA).
pub(super) fn same_entity(a: &ParsedCertificate, b: &ParsedCertificate) -> bool {
    let (a, b) = (a.cert.tbs_certificate(), b.cert.tbs_certificate());
    a.subject() == b.subject() && a.subject_public_key_info() == b.subject_public_key_info()
}

pub(super) fn status_of(
    evidence: &Evidence,
    certificate: &[u8],
    issuer: &[u8],
    at: UnixTime,
) -> RevocationStatus {
    let parse = |der: &[u8], what: &str| {
        ParsedCertificate::from_der(der).map_err(|e| RevocationStatus::Unknown {
            why: format!("the {what} is not an X.509 DER certificate: {e}"),
        })
    };
    let (subject, issuer) = match (parse(certificate, "certificate"), parse(issuer, "issuer")) {
        (Ok(subject), Ok(issuer)) => (subject, issuer),
        (Err(unknown), _) | (_, Err(unknown)) => return unknown,
    };
    // A root's own CRL cannot revoke it: trust in it is the reader's choice.
    if issued_by(&subject, &subject) {
        return RevocationStatus::NoEvidence;
    }
    let pool: Vec<ParsedCertificate> = evidence
        .certificates
        .iter()
        .filter_map(|der| ParsedCertificate::from_der(der).ok())
        .collect();
    let mut statuses = Vec::new();
    let mut distrusted = Vec::new();
    let mut weigh = |source: Source, judged: Result<Option<Finding>, String>| match judged {
        Ok(Some(finding)) => statuses.push(finding.status_at(at)),
        Ok(None) => {}
        Err(why) => distrusted.push(format!("a {} about it {why}", source_name(source))),
    };
    // Unreadable items are about nothing that can be named: passed over.
    for basic in evidence
        .ocsp_responses
        .iter()
        .filter_map(|der| ocsp::parse(der).ok())
    {
        weigh(Source::Ocsp, ocsp::judge(&basic, &subject, &issuer, &pool));
    }
    for list in evidence.crls.iter().filter_map(|der| crl::parse(der).ok()) {
        weigh(Source::Crl, crl::judge(&list, &subject, &issuer));
    }
    verdict(statuses, distrusted)
}

/// Revoked over revoked-later over good (the latest); otherwise unknown with
/// every reason, or no evidence at all.
fn verdict(statuses: Vec<RevocationStatus>, distrusted: Vec<String>) -> RevocationStatus {
    let first =
        |wanted: fn(&RevocationStatus) -> bool| statuses.iter().find(|s| wanted(s)).cloned();
    if let Some(revoked) = first(|s| matches!(s, RevocationStatus::Revoked { .. })) {
        return revoked;
    }
    if let Some(later) = first(|s| matches!(s, RevocationStatus::RevokedLater { .. })) {
        return later;
    }
    let latest_good = statuses
        .iter()
        .filter_map(|s| match s {
            RevocationStatus::Good { this_update, .. } => Some((*this_update, s)),
            _ => None,
        })
        .max_by_key(|(this_update, _)| *this_update);
    if let Some((_, good)) = latest_good {
        return good.clone();
    }
    let reasons: Vec<String> = statuses
        .into_iter()
        .filter_map(|s| match s {
            RevocationStatus::Unknown { why } => Some(why),
            _ => None,
        })
        .chain(distrusted)
        .collect();
    if reasons.is_empty() {
        RevocationStatus::NoEvidence
    } else {
        RevocationStatus::Unknown {
            why: reasons.join("; "),
        }
    }
}
