//! Gathering revocation evidence: for each certificate of the chains but
//! their self-signed roots, an OCSP response from the responder its
//! authority information access names, or else the CRL its distribution
//! point names; each answer checked before it is kept.
//!
//! At sealing every certificate's evidence is required, and a revoked
//! certificate stops the seal. A renewal years later needs it only for the
//! chains it names required (the newest timestamp's authority); for the
//! others the earlier evidence, already under a timestamp, speaks, so each
//! gets what can be had: no current answer is a note, and an answer saying
//! revoked is kept as evidence (a verifier sets its time against the
//! attested one) and is a note too.

use std::collections::{HashMap, HashSet, VecDeque};

use const_oid::db::rfc5912::ID_AD_OCSP;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use super::judge::{Finding, SKEW, Says, issued_by, reason_name};
use super::{Evidence, RevocationError, RevocationNote, Source, crl, ocsp};
use crate::cms::UnixTime;
use crate::cms::certs::ParsedCertificate;
use crate::http::{self, Service};

/// What a renewal gathered: the evidence, and a note for each certificate
/// of a best-effort chain that has no current good evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub evidence: Evidence,
    pub notes: Vec<RevocationNote>,
}

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
    gather_at(chains, &[], now).map(|collected| collected.evidence)
}

/// Evidence for a renewal: for `required` as [`collect`] has it; for the
/// certificates of `best_effort` alone, what can be had, each failure a
/// note, each answer saying revoked kept and a note. Fails only for a
/// required certificate, or one that is not X.509 DER.
pub fn collect_for_renewal(
    required: &[&[Vec<u8>]],
    best_effort: &[&[Vec<u8>]],
) -> Result<Collected, RevocationError> {
    gather_at(required, best_effort, UnixTime::now())
}

/// [`collect_for_renewal`] with `now` for this machine's clock.
pub(crate) fn gather_at(
    required: &[&[Vec<u8>]],
    best_effort: &[&[Vec<u8>]],
    now: UnixTime,
) -> Result<Collected, RevocationError> {
    let mut gatherer = Gatherer {
        now,
        pool: Vec::new(),
        evidence: Evidence::default(),
        crls: HashMap::new(),
    };
    let certificates = required.iter().chain(best_effort).flat_map(|c| c.iter());
    for (index, der) in certificates.enumerate() {
        let certificate = ParsedCertificate::from_der(der).map_err(|e| {
            RevocationError::Certificate(format!(
                "certificate {} given for revocation checking is not X.509 DER: {e}",
                index + 1
            ))
        })?;
        gatherer.keep(certificate);
    }
    let mut needed: HashSet<Vec<u8>> = required.iter().flat_map(|c| c.iter()).cloned().collect();
    let mut queue: VecDeque<ParsedCertificate> = gatherer.pool.iter().cloned().collect();
    let mut done = HashSet::new();
    let mut notes = Vec::new();
    while let Some(certificate) = queue.pop_front() {
        if !done.insert(certificate.der.clone()) || is_self_signed(&certificate) {
            continue;
        }
        let is_required = needed.contains(&certificate.der);
        let (answer, trouble) = match gatherer.evidence_for(&certificate) {
            Ok(answer) => {
                let revoked = answer.revocation(&certificate);
                (Some(answer), revoked)
            }
            Err(error) => (None, Some(error)),
        };
        if let Some(error) = trouble {
            if is_required {
                return Err(error);
            }
            notes.push(RevocationNote(error));
        }
        let Some(answer) = answer else {
            continue;
        };
        if let Some(responder) = gatherer.keep_answer(answer) {
            // The responder's own status matters as much as what it signed.
            if is_required {
                needed.insert(responder.der.clone());
            }
            gatherer.keep(responder.clone());
            if !ocsp::needs_no_check(&responder) {
                queue.push_back(responder);
            }
        }
    }
    Ok(Collected {
        evidence: gatherer.evidence,
        notes,
    })
}

struct Gatherer {
    now: UnixTime,
    /// Every certificate known: the chains', then responders'.
    pool: Vec<ParsedCertificate>,
    evidence: Evidence,
    /// CRLs fetched, by URL: several certificates often share one.
    crls: HashMap<String, Vec<u8>>,
}

/// A checked, current answer about one certificate.
struct Answer {
    /// The OCSPResponse or CRL, DER as signed.
    der: Vec<u8>,
    source: Source,
    /// An OCSP response's delegated responder.
    responder: Option<ParsedCertificate>,
    /// Who answered: "the OCSP responder at URL", "the CRL at URL".
    by: String,
    /// What it says of a revocation; `None`: good.
    revoked: Option<Revoked>,
}

/// A revocation an answer tells of: since when, and why if it says.
#[derive(Clone)]
struct Revoked {
    since: UnixTime,
    reason: Option<String>,
}

impl Answer {
    /// The answer's revocation as an error about `subject`, if it says so.
    fn revocation(&self, subject: &ParsedCertificate) -> Option<RevocationError> {
        let Revoked { since, reason } = self.revoked.clone()?;
        Some(RevocationError::Revoked {
            certificate: subject.subject_text(),
            since,
            reason,
            by: self.by.clone(),
        })
    }
}

impl Gatherer {
    fn keep(&mut self, certificate: ParsedCertificate) {
        if !self.pool.iter().any(|known| known.der == certificate.der) {
            self.evidence.certificates.push(certificate.der.clone());
            self.pool.push(certificate);
        }
    }

    /// Keeps `answer` as evidence; returns its delegated OCSP responder.
    fn keep_answer(&mut self, answer: Answer) -> Option<ParsedCertificate> {
        let kept = match answer.source {
            Source::Crl => &mut self.evidence.crls,
            Source::Ocsp => &mut self.evidence.ocsp_responses,
        };
        if !kept.contains(&answer.der) {
            kept.push(answer.der);
        }
        answer.responder
    }

    /// Asks for evidence about `subject`: its OCSP responders, then its
    /// CRLs, until one gives a checked, current answer, good or revoked.
    fn evidence_for(&mut self, subject: &ParsedCertificate) -> Result<Answer, RevocationError> {
        let issuer = self.issuer_of(subject)?;
        let mut attempts = Vec::new();
        for url in ocsp_urls(subject) {
            match self.ask_ocsp(subject, &issuer, &url) {
                Ok(answer) => return Ok(answer),
                Err(why) => attempts.push(why),
            }
        }
        for url in crl_urls(subject) {
            match self.ask_crl(subject, &issuer, &url) {
                Ok(answer) => return Ok(answer),
                Err(why) => attempts.push(why),
            }
        }
        let certificate = subject.subject_text();
        Err(match attempts.is_empty() {
            true => RevocationError::NoSource { certificate },
            false => RevocationError::Unavailable {
                certificate,
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

    /// The responder's checked answer, or why it gave none.
    fn ask_ocsp(
        &self,
        subject: &ParsedCertificate,
        issuer: &ParsedCertificate,
        url: &str,
    ) -> Result<Answer, String> {
        let unusable = |why: String| format!("the OCSP response from {url} {why}");
        let (request, nonce) = ocsp::request(subject, issuer)?;
        let der = http::post(Service::Ocsp, url, &request).map_err(|e| e.to_string())?;
        let basic = ocsp::parse(&der).map_err(unusable)?;
        let finding = ocsp::judge(&basic, subject, issuer, &self.pool)
            .map_err(unusable)?
            .ok_or_else(|| unusable("is not about the certificate asked about".to_owned()))?;
        ocsp::check_nonce(&basic, &nonce).map_err(unusable)?;
        let revoked = self.settle(&finding).map_err(unusable)?;
        Ok(Answer {
            der,
            source: finding.source,
            responder: finding.responder,
            by: format!("the OCSP responder at {url}"),
            revoked,
        })
    }

    /// The CRL's checked answer, or why it gave none.
    fn ask_crl(
        &mut self,
        subject: &ParsedCertificate,
        issuer: &ParsedCertificate,
        url: &str,
    ) -> Result<Answer, String> {
        let unusable = |why: String| format!("the CRL from {url} {why}");
        let der = match self.crls.get(url) {
            Some(der) => der.clone(),
            None => {
                let der = http::get(Service::Crl, url).map_err(|e| e.to_string())?;
                self.crls.insert(url.to_owned(), der.clone());
                der
            }
        };
        let list = crl::parse(&der).map_err(unusable)?;
        let finding = crl::judge(&list, subject, issuer)
            .map_err(unusable)?
            .ok_or_else(|| unusable("does not cover the certificate".to_owned()))?;
        let revoked = self.settle(&finding).map_err(unusable)?;
        Ok(Answer {
            der,
            source: finding.source,
            responder: None,
            by: format!("the CRL at {url}"),
            revoked,
        })
    }

    /// An answer kept must settle the status, and be current: `None` when
    /// it says good, the revocation's time and reason when it says revoked.
    fn settle(&self, finding: &Finding) -> Result<Option<Revoked>, String> {
        let revoked = match &finding.says {
            Says::Good => None,
            Says::Revoked { since, reason } => Some(Revoked {
                since: *since,
                reason: reason.map(|r| reason_name(r).to_owned()),
            }),
            Says::Unknown(why) => return Err(format!("settles nothing: {why}")),
        };
        let now = self.now;
        if finding.this_update.0 > now.0.saturating_add(SKEW) {
            return Err(format!(
                "is dated {}, in the future of this machine's clock ({now}): check the clocks",
                finding.this_update
            ));
        }
        match finding.next_update {
            Some(next) if next.0.saturating_add(SKEW) < now.0 => Err(format!(
                "is out of date: it was to be replaced by {next}, before now ({now})"
            )),
            _ => Ok(revoked),
        }
    }
}

fn is_self_signed(certificate: &ParsedCertificate) -> bool {
    issued_by(certificate, certificate)
}

/// The OCSP responders' URLs of the certificate's authority information access.
pub(crate) fn ocsp_urls(certificate: &ParsedCertificate) -> Vec<String> {
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
pub(crate) fn crl_urls(certificate: &ParsedCertificate) -> Vec<String> {
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
