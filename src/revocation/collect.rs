//! Gathering revocation evidence at sealing: for each certificate of the
//! chains but their self-signed roots, an OCSP response from the responder
//! its authority information access names, or else the CRL its distribution
//! point names; each answer checked before it is kept, and a revoked
//! certificate stops the seal.

use std::collections::{HashMap, HashSet, VecDeque};

use const_oid::db::rfc5912::ID_AD_OCSP;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use super::judge::{Finding, SKEW, Says, issued_by, reason_name};
use super::{Evidence, RevocationError, crl, ocsp};
use crate::cms::UnixTime;
use crate::cms::certs::ParsedCertificate;
use crate::http::{self, Service};

/// Revocation evidence for every certificate of `chains` (each leaf first,
/// perhaps ending with a self-signed root) but self-signed roots, asked of
/// the responders and CRL servers the certificates name, as of now.
/// Evidence.certificates holds every certificate of the chains and the
/// delegated OCSP responders'. Fails when a certificate is revoked, or when
/// no usable evidence can be had for one.
pub fn collect(chains: &[&[Vec<u8>]]) -> Result<Evidence, RevocationError> {
    collect_at(chains, UnixTime::now())
}

/// [`collect`] with `now` for this machine's clock: each answer must be
/// current at `now` (thisUpdate not after it, nextUpdate not before it).
pub(crate) fn collect_at(
    chains: &[&[Vec<u8>]],
    now: UnixTime,
) -> Result<Evidence, RevocationError> {
    let mut gatherer = Gatherer {
        now,
        pool: Vec::new(),
        evidence: Evidence::default(),
        crls: HashMap::new(),
    };
    for (index, der) in chains.iter().flat_map(|chain| chain.iter()).enumerate() {
        let certificate = ParsedCertificate::from_der(der).map_err(|e| {
            RevocationError::Certificate(format!(
                "certificate {} given for revocation checking is not X.509 DER: {e}",
                index + 1
            ))
        })?;
        gatherer.keep(certificate);
    }
    let mut queue: VecDeque<ParsedCertificate> = gatherer.pool.iter().cloned().collect();
    let mut done = HashSet::new();
    while let Some(certificate) = queue.pop_front() {
        if !done.insert(certificate.der.clone()) || is_self_signed(&certificate) {
            continue;
        }
        if let Some(responder) = gatherer.evidence_for(&certificate)? {
            gatherer.keep(responder.clone());
            if !ocsp::needs_no_check(&responder) {
                queue.push_back(responder);
            }
        }
    }
    Ok(gatherer.evidence)
}

struct Gatherer {
    now: UnixTime,
    /// Every certificate known: the chains', then responders'.
    pool: Vec<ParsedCertificate>,
    evidence: Evidence,
    /// CRLs fetched, by URL: several certificates often share one.
    crls: HashMap<String, Vec<u8>>,
}

/// How one attempt at evidence ended, when it did not give any.
enum Failure {
    Revoked {
        since: UnixTime,
        reason: Option<String>,
    },
    Unusable(String),
}

impl Gatherer {
    fn keep(&mut self, certificate: ParsedCertificate) {
        if !self.pool.iter().any(|known| known.der == certificate.der) {
            self.evidence.certificates.push(certificate.der.clone());
            self.pool.push(certificate);
        }
    }

    /// Fetches and keeps evidence for `subject`; returns the delegated OCSP
    /// responder's certificate, if one signed it.
    fn evidence_for(
        &mut self,
        subject: &ParsedCertificate,
    ) -> Result<Option<ParsedCertificate>, RevocationError> {
        let issuer = self.issuer_of(subject)?;
        let who = || subject.subject_text();
        let mut attempts = Vec::new();
        for url in ocsp_urls(subject) {
            match self.ask_ocsp(subject, &issuer, &url) {
                Ok((der, finding)) => {
                    self.evidence.ocsp_responses.push(der);
                    return Ok(finding.responder);
                }
                Err(Failure::Revoked { since, reason }) => {
                    let by = format!("the OCSP responder at {url}");
                    return Err(revoked(who(), since, reason, by));
                }
                Err(Failure::Unusable(why)) => attempts.push(why),
            }
        }
        for url in crl_urls(subject) {
            match self.ask_crl(subject, &issuer, &url) {
                Ok(der) => {
                    if !self.evidence.crls.contains(&der) {
                        self.evidence.crls.push(der);
                    }
                    return Ok(None);
                }
                Err(Failure::Revoked { since, reason }) => {
                    return Err(revoked(who(), since, reason, format!("the CRL at {url}")));
                }
                Err(Failure::Unusable(why)) => attempts.push(why),
            }
        }
        Err(match attempts.is_empty() {
            true => RevocationError::NoSource { certificate: who() },
            false => RevocationError::Unavailable {
                certificate: who(),
                attempts,
            },
        })
    }

    fn issuer_of(&self, subject: &ParsedCertificate) -> Result<ParsedCertificate, RevocationError> {
        self.pool
            .iter()
            .find(|candidate| issued_by(subject, candidate))
            .cloned()
            .ok_or_else(|| RevocationError::NoIssuer {
                certificate: subject.subject_text(),
                issuer: subject.cert.tbs_certificate().issuer().to_string(),
            })
    }

    fn ask_ocsp(
        &self,
        subject: &ParsedCertificate,
        issuer: &ParsedCertificate,
        url: &str,
    ) -> Result<(Vec<u8>, Finding), Failure> {
        let unusable =
            |why: String| Failure::Unusable(format!("the OCSP response from {url} {why}"));
        let (request, nonce) = ocsp::request(subject, issuer).map_err(Failure::Unusable)?;
        let der = http::post(Service::Ocsp, url, &request)
            .map_err(|e| Failure::Unusable(e.to_string()))?;
        let basic = ocsp::parse(&der).map_err(unusable)?;
        let finding = ocsp::judge(&basic, subject, issuer, &self.pool)
            .map_err(unusable)?
            .ok_or_else(|| unusable("is not about the certificate asked about".to_owned()))?;
        ocsp::check_nonce(&basic, &nonce).map_err(unusable)?;
        self.settle(&finding, unusable)?;
        Ok((der, finding))
    }

    fn ask_crl(
        &mut self,
        subject: &ParsedCertificate,
        issuer: &ParsedCertificate,
        url: &str,
    ) -> Result<Vec<u8>, Failure> {
        let unusable = |why: String| Failure::Unusable(format!("the CRL from {url} {why}"));
        let der = match self.crls.get(url) {
            Some(der) => der.clone(),
            None => {
                let der =
                    http::get(Service::Crl, url).map_err(|e| Failure::Unusable(e.to_string()))?;
                self.crls.insert(url.to_owned(), der.clone());
                der
            }
        };
        let list = crl::parse(&der).map_err(unusable)?;
        let finding = crl::judge(&list, subject, issuer)
            .map_err(unusable)?
            .ok_or_else(|| unusable("does not cover the certificate".to_owned()))?;
        self.settle(&finding, unusable)?;
        Ok(der)
    }

    /// Evidence kept at sealing must say good, and be current.
    fn settle(
        &self,
        finding: &Finding,
        unusable: impl Fn(String) -> Failure,
    ) -> Result<(), Failure> {
        match &finding.says {
            Says::Good => {}
            Says::Revoked { since, reason } => {
                return Err(Failure::Revoked {
                    since: *since,
                    reason: reason.map(|r| reason_name(r).to_owned()),
                });
            }
            Says::Unknown(why) => return Err(unusable(format!("settles nothing: {why}"))),
        }
        let now = self.now;
        if finding.this_update.0 > now.0.saturating_add(SKEW) {
            return Err(unusable(format!(
                "is dated {}, in the future of this machine's clock ({now}): check the clocks",
                finding.this_update
            )));
        }
        match finding.next_update {
            Some(next) if next.0.saturating_add(SKEW) < now.0 => Err(unusable(format!(
                "is out of date: it was to be replaced by {next}, before now ({now})"
            ))),
            _ => Ok(()),
        }
    }
}

fn revoked(
    certificate: String,
    since: UnixTime,
    reason: Option<String>,
    by: String,
) -> RevocationError {
    RevocationError::Revoked {
        certificate,
        since,
        reason,
        by,
    }
}

fn is_self_signed(certificate: &ParsedCertificate) -> bool {
    issued_by(certificate, certificate)
}

/// The OCSP responders' URLs of the certificate's authority information access.
fn ocsp_urls(certificate: &ParsedCertificate) -> Vec<String> {
    let Ok(Some((_, access))) = certificate
        .cert
        .tbs_certificate()
        .get_extension::<AuthorityInfoAccessSyntax>()
    else {
        return Vec::new();
    };
    access
        .0
        .into_iter()
        .filter(|description| description.access_method == ID_AD_OCSP)
        .filter_map(|description| match description.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .collect()
}

/// The URLs of the certificate's CRL distribution points (full names only).
fn crl_urls(certificate: &ParsedCertificate) -> Vec<String> {
    let Ok(Some((_, points))) = certificate
        .cert
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
    else {
        return Vec::new();
    };
    points
        .0
        .into_iter()
        .filter_map(|point: DistributionPoint| match point.distribution_point {
            Some(DistributionPointName::FullName(names)) => Some(names),
            _ => None,
        })
        .flatten()
        .filter_map(|name| match name {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .collect()
}
