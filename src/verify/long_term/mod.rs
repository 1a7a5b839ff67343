//! How gazette judges a seal over time, for a PDF and a package alike: ETSI
//! EN 319 102-1 simplified, as docs/sealing.md ("How gazette judges a seal
//! over time") tells it.
//!
//! A seal's proof of existence is the earliest timestamp over it that holds
//! under this rule: its own signature time-stamp, or a document (archive)
//! timestamp that covers it. Its chain is judged at that time, certificate
//! validity and revocation both, from the evidence the file carries; without
//! a proof, at the validation time (now, or `--at`). A timestamp holds when
//! its token holds and its authority's chain is valid at the time of the next
//! later timestamp that covers it, or at the validation time for the newest,
//! and was not revoked then (the newest: at its own time, for no evidence can
//! speak of later). Missing evidence never fails a seal: it caps the level
//! and is said in a note; `--online` may fetch it.

mod evidence;
mod online;
mod time;

#[cfg(test)]
mod tests;

use serde::Serialize;

use super::{Finding, FindingCode, Level, SignatureReport, Timestamp};
use crate::cms::certs::ParsedCertificate;
use crate::cms::{CertificateSummary, Problem, ProblemCode, SignatureCheck, Trust, UnixTime};
use crate::revocation::{Evidence, RevocationStatus, Source, ocsp_urls};
use online::Fetched;

pub(crate) use evidence::{Pool, in_cms, merge};
pub use time::parse_time;

/// When seals are judged, and whether missing revocation data may be fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// The validation time; `None` for this machine's clock.
    pub at: Option<UnixTime>,
    /// Fetch revocation data the file lacks from the services the
    /// certificates name. Off by default: verifying never touches the
    /// network unless asked.
    pub online: bool,
}

/// A certificate's revocation status as the report gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevocationCheck {
    /// The certificate, by its subject's common name (or whole name).
    pub certificate: String,
    pub sha256_fingerprint: String,
    /// Whose chain it is on.
    pub chain: ChainOf,
    /// The time the status is asked for, RFC 3339.
    pub at: String,
    pub status: StatusWord,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// For `good`, when the OCSP response or CRL was issued (thisUpdate); for
    /// `revoked` and `revoked-later`, when the certificate was revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why the evidence settles nothing, for `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// The service it was fetched from with `--online`; absent for evidence
    /// the file carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_from: Option<String>,
}

/// Whose chain a certificate is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainOf {
    Seal,
    TimeStampAuthority,
}

/// A revocation status in one word, in JSON as kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusWord {
    Good,
    Revoked,
    RevokedLater,
    Unknown,
    NoEvidence,
}

/// A certificate path as the signature check reported it, signer first.
pub(crate) struct Path {
    pub(crate) chain: Vec<CertificateSummary>,
    /// Whether it ends at a trust anchor.
    pub(crate) trusted: bool,
}

impl Path {
    pub(crate) fn of(check: &SignatureCheck) -> Path {
        Path {
            chain: check.chain.clone(),
            trusted: matches!(check.trust, Trust::Trusted { .. }),
        }
    }
}

/// A time-stamp as the rule sees it. Places are those of [`Pool`].
pub(crate) struct Stamp {
    /// As the report shows it.
    pub(crate) shown: Timestamp,
    pub(crate) time: UnixTime,
    /// Whether the token holds and its authority is trusted, at its own time.
    pub(crate) holds: bool,
    pub(crate) path: Path,
    /// Where the token sits.
    pub(crate) place: u64,
    /// For a document or archive timestamp: it covers every item at a place
    /// up to this one.
    pub(crate) covers: Option<u64>,
}

/// A seal as the rule sees it: where it sits, its path, and the indices of
/// its own signature time-stamps among the stamps.
pub(crate) struct Sealed {
    pub(crate) place: u64,
    pub(crate) path: Path,
    pub(crate) stamps: Vec<usize>,
    /// Whether the seal is held to the format, whose evidence for a
    /// certificate that names an OCSP responder is an OCSP response
    /// (SEAL-14): for it, a CRL alone settles the status but not the level.
    pub(crate) held_to_format: bool,
}

/// What the rule found about one time-stamp.
#[derive(Default)]
pub(crate) struct StampOutcome {
    /// Whether it proves existence.
    pub(crate) proof: bool,
    /// When its authority's revocation was asked about.
    revocation_at: Option<UnixTime>,
    pub(crate) notes: Vec<Finding>,
    pub(crate) revocation: Vec<RevocationCheck>,
}

/// What the rule found about one seal.
pub(crate) struct SealOutcome {
    /// The proof of existence used, if any.
    pub(crate) attested: Option<Timestamp>,
    /// The time its chain was judged at: its proof's, or the validation time.
    pub(crate) judged_at: UnixTime,
    pub(crate) level: Level,
    /// Certificates of its chain not valid at `judged_at`.
    pub(crate) validity: Vec<Problem>,
    /// What fails it: a certificate revoked before `judged_at`.
    pub(crate) findings: Vec<Finding>,
    pub(crate) notes: Vec<Finding>,
    pub(crate) revocation: Vec<RevocationCheck>,
}

/// Judges every stamp, then every seal, of one file.
pub(crate) fn judge(
    pool: &Pool,
    policy: Policy,
    stamps: &[Stamp],
    seals: &[Sealed],
) -> (Vec<StampOutcome>, Vec<SealOutcome>) {
    let mut judge = Judge {
        pool,
        policy,
        now: policy.at.unwrap_or_else(UnixTime::now),
        embedded: pool.up_to(None),
        fetched: Vec::new(),
    };
    let stamp_outcomes = judge.stamps(stamps);
    let seal_outcomes = seals
        .iter()
        .map(|seal| judge.seal(seal, stamps, &stamp_outcomes))
        .collect();
    (stamp_outcomes, seal_outcomes)
}

/// The validation time `policy` asks for, as the report gives it.
pub(crate) fn validation_time(policy: Policy) -> UnixTime {
    policy.at.unwrap_or_else(UnixTime::now)
}

struct Judge<'a> {
    pool: &'a Pool,
    policy: Policy,
    /// The validation time.
    now: UnixTime,
    /// All the evidence the file carries.
    embedded: Evidence,
    /// What `--online` fetched, by certificate fingerprint.
    fetched: Vec<(String, Fetched)>,
}

/// A certificate of a path with its issuer's, as DER.
struct Link<'a> {
    summary: &'a CertificateSummary,
    der: Option<&'a [u8]>,
    issuer: Option<&'a [u8]>,
    /// The DER of it and its issuers, for fetching.
    upward: Vec<Vec<u8>>,
}

/// The revocation of one path at one time.
#[derive(Default)]
struct PathRevocation {
    checks: Vec<RevocationCheck>,
    revoked: Option<String>,
    notes: Vec<Finding>,
}

impl Judge<'_> {
    /// Each stamp, newest place first, so that what covers a stamp is
    /// judged before it.
    fn stamps(&mut self, stamps: &[Stamp]) -> Vec<StampOutcome> {
        let mut outcomes: Vec<StampOutcome> =
            stamps.iter().map(|_| StampOutcome::default()).collect();
        let mut order: Vec<usize> = (0..stamps.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(stamps[i].place));
        for index in order {
            let cover = stamps
                .iter()
                .enumerate()
                .filter(|(j, other)| {
                    *j != index
                        && outcomes[*j].proof
                        && other.covers.is_some_and(|c| c >= stamps[index].place)
                })
                .min_by_key(|(_, other)| other.covers)
                .map(|(_, other)| other);
            outcomes[index] = self.stamp(&stamps[index], cover);
        }
        outcomes
    }

    /// One stamp: its authority's chain valid at `cover`'s time (or the
    /// validation time), not revoked then (or at its own time).
    fn stamp(&mut self, stamp: &Stamp, cover: Option<&Stamp>) -> StampOutcome {
        let judged_at = cover.map_or(self.now, |c| c.time);
        let revocation_at = cover.map_or(stamp.time, |c| c.time);
        let mut outcome = StampOutcome {
            revocation_at: Some(revocation_at),
            ..StampOutcome::default()
        };
        if !stamp.holds {
            return outcome;
        }
        let what = format!(
            "the timestamp of {} at {}",
            stamp.shown.tsa, stamp.shown.time
        );
        if stamp.time > self.now {
            outcome.notes.push(not_proof(format!(
                "{what} is dated after the validation time ({}), so it proves nothing then",
                self.now
            )));
            return outcome;
        }
        let when = match cover {
            Some(c) => format!(
                "{}, when the timestamp of {} covered it",
                c.time, c.shown.tsa
            ),
            None => format!("{}, the validation time", self.now),
        };
        if let Some(problem) = self.validity(&stamp.path, judged_at).first() {
            outcome.notes.push(not_proof(format!(
                "{what} cannot prove when the seal existed: {} (judged at {when})",
                problem.message
            )));
            return outcome;
        }
        let revocation = self.revocation(&stamp.path, revocation_at, ChainOf::TimeStampAuthority);
        outcome.revocation = revocation.checks;
        outcome.notes.extend(revocation.notes);
        if let Some(revoked) = revocation.revoked {
            outcome.notes.push(not_proof(format!(
                "{what} cannot prove when the seal existed: {revoked}"
            )));
            return outcome;
        }
        outcome.proof = true;
        outcome
    }

    /// One seal: its proof of existence, its chain at that time, its level.
    fn seal(&mut self, seal: &Sealed, stamps: &[Stamp], outcomes: &[StampOutcome]) -> SealOutcome {
        let proof = seal
            .stamps
            .iter()
            .copied()
            .chain((0..stamps.len()).filter(|&i| stamps[i].covers.is_some_and(|c| c >= seal.place)))
            .filter(|&i| outcomes.get(i).is_some_and(|o| o.proof) && i < stamps.len())
            .min_by_key(|&i| stamps[i].time);
        let judged_at = proof.map_or(self.now, |i| stamps[i].time);
        let revocation = self.revocation(&seal.path, judged_at, ChainOf::Seal);
        let mut findings = Vec::new();
        if let Some(revoked) = revocation.revoked {
            findings.push(Finding::new(FindingCode::Revoked, revoked));
        }
        let level = match proof {
            None => Level::BasicB,
            Some(i) => self.level(seal, judged_at, &stamps[i], &outcomes[i], stamps, outcomes),
        };
        let mut notes = revocation.notes;
        // Evidence of the wrong form can only have stopped a seal at B-T.
        let at_b_t = level == Level::BasicT && seal.held_to_format;
        if let Some(i) = proof.filter(|_| at_b_t) {
            let tsa_at = outcomes[i].revocation_at.unwrap_or(stamps[i].time);
            let by_crl = [(&seal.path, judged_at), (&stamps[i].path, tsa_at)]
                .into_iter()
                .flat_map(|(path, at)| self.crl_where_ocsp_named(path, at, &self.embedded));
            notes.extend(by_crl.map(|who| {
                Finding::new(
                    FindingCode::RevocationForm,
                    format!(
                        "the file answers for the certificate of {who}, which names an OCSP \
                         responder, with a CRL alone: the format asks for an OCSP response \
                         (SEAL-14), so this evidence does not lift the seal to B-LT"
                    ),
                )
            }));
        }
        SealOutcome {
            attested: proof.map(|i| stamps[i].shown.clone()),
            judged_at,
            level,
            validity: self.validity(&seal.path, judged_at),
            findings,
            notes,
            revocation: revocation.checks,
        }
    }

    /// B-T with a proof; B-LT when the file carries evidence for every
    /// certificate of the seal's chain and of its proof's authority; B-LTA
    /// when a timestamp that holds covers that evidence too.
    fn level(
        &self,
        seal: &Sealed,
        judged_at: UnixTime,
        proof: &Stamp,
        proof_outcome: &StampOutcome,
        stamps: &[Stamp],
        outcomes: &[StampOutcome],
    ) -> Level {
        let tsa_at = proof_outcome.revocation_at.unwrap_or(proof.time);
        let format = seal.held_to_format;
        let seal_settled =
            |evidence: &Evidence| self.settled(&seal.path, judged_at, evidence, format);
        let tsa_settled = |evidence: &Evidence| self.settled(&proof.path, tsa_at, evidence, format);
        if !(seal_settled(&self.embedded) && tsa_settled(&self.embedded)) {
            return Level::BasicT;
        }
        let covered = (0..stamps.len())
            .filter(|&i| outcomes[i].proof)
            .filter_map(|i| stamps[i].covers)
            .filter(|&c| c >= seal.place)
            .max();
        // A document or archive timestamp that is itself the proof cannot
        // cover the evidence for its own authority, written after it.
        let covered_enough = |limit| {
            let evidence = self.pool.up_to(Some(limit));
            seal_settled(&evidence) && (proof.covers.is_some() || tsa_settled(&evidence))
        };
        match covered {
            Some(limit) if covered_enough(limit) => Level::BasicLta,
            _ => Level::BasicLt,
        }
    }

    /// Whether `evidence` settles the status of every certificate of `path`
    /// but its anchor at `at`; held to the `format`, in the form SEAL-14 asks.
    fn settled(&self, path: &Path, at: UnixTime, evidence: &Evidence, format: bool) -> bool {
        let responses = format.then(|| evidence.ocsp_responses_only());
        links(self.pool, path)
            .iter()
            .all(|link| match (link.der, link.issuer) {
                (Some(der), Some(issuer)) => {
                    let by = match &responses {
                        Some(responses) if names_ocsp(der) => responses,
                        _ => evidence,
                    };
                    is_settled(&by.status_of(der, issuer, at))
                }
                _ => false,
            })
    }

    /// The certificates of `path` that name an OCSP responder but whose
    /// status at `at` `evidence` settles only with a CRL, by name.
    fn crl_where_ocsp_named(&self, path: &Path, at: UnixTime, evidence: &Evidence) -> Vec<String> {
        let responses = evidence.ocsp_responses_only();
        links(self.pool, path)
            .into_iter()
            .filter_map(|link| {
                let (der, issuer) = (link.der?, link.issuer?);
                (names_ocsp(der)
                    && is_settled(&evidence.status_of(der, issuer, at))
                    && !is_settled(&responses.status_of(der, issuer, at)))
                .then(|| name_of(link.summary))
            })
            .collect()
    }

    /// The certificates of `path` not valid at `at`.
    fn validity(&self, path: &Path, at: UnixTime) -> Vec<Problem> {
        let mut problems = Vec::new();
        for summary in &path.chain {
            let Some(certificate) = self
                .pool
                .certificate(&summary.sha256_fingerprint)
                .and_then(|der| ParsedCertificate::from_der(der).ok())
            else {
                continue;
            };
            let who = certificate.subject_text();
            let (from, until) = (certificate.not_before(), certificate.not_after());
            if at < from {
                problems.push(Problem::new(
                    ProblemCode::NotYetValid,
                    format!("the certificate of {who} is valid only from {from}, after the time checked ({at})"),
                ));
            }
            if at > until {
                problems.push(Problem::new(
                    ProblemCode::Expired,
                    format!("the certificate of {who} expired on {until}, before the time checked ({at})"),
                ));
            }
        }
        problems
    }

    /// The status of each certificate of `path` at `at`, from the file's
    /// evidence, or fetched with `--online` when the file settles nothing.
    fn revocation(&mut self, path: &Path, at: UnixTime, chain: ChainOf) -> PathRevocation {
        let mut found = PathRevocation::default();
        let pool = self.pool;
        for link in links(pool, path) {
            let who = name_of(link.summary);
            let (Some(der), Some(issuer)) = (link.der, link.issuer) else {
                found.notes.push(Finding::new(
                    FindingCode::RevocationNotChecked,
                    format!("revocation was not checked for the certificate of {who}: its issuer's certificate is not in the file"),
                ));
                continue;
            };
            let mut status = self.embedded.status_of(der, issuer, at);
            let mut fetched_from = None;
            if self.policy.online && !is_settled(&status) {
                let index = self.fetch(&link.summary.sha256_fingerprint, &link.upward, at);
                match &self.fetched[index].1 {
                    Fetched::Evidence { evidence, from } => {
                        let mut all = self.embedded.clone();
                        merge(&mut all, evidence);
                        status = all.status_of(der, issuer, at);
                        fetched_from = Some(from.clone());
                    }
                    Fetched::Revoked {
                        status: online,
                        from,
                    } => {
                        status = online.clone();
                        fetched_from = Some(from.clone());
                    }
                    Fetched::Failed(why) => found.notes.push(Finding::new(
                        FindingCode::OnlineCheckFailed,
                        format!("the revocation status of the certificate of {who} could not be fetched online: {why}"),
                    )),
                }
            }
            if let Some(from) = &fetched_from {
                found.notes.push(Finding::new(
                    FindingCode::FetchedOnline,
                    format!("the revocation status of the certificate of {who} was fetched online from {from}"),
                ));
            }
            note_status(&who, &status, at, chain, &mut found);
            found
                .checks
                .push(check_of(link.summary, chain, at, &status, fetched_from));
        }
        found
    }

    /// Where in `fetched` is what `--online` fetched for the certificate
    /// `fingerprint`, asked once.
    fn fetch(&mut self, fingerprint: &str, upward: &[Vec<u8>], at: UnixTime) -> usize {
        match self.fetched.iter().position(|(f, _)| f == fingerprint) {
            Some(index) => index,
            None => {
                self.fetched
                    .push((fingerprint.to_owned(), online::fetch(upward, at)));
                self.fetched.len() - 1
            }
        }
    }
}

/// The certificates of `path` that revocation is asked about: all but a
/// trust anchor and a self-signed root, each with its issuer.
fn links<'p>(pool: &'p Pool, path: &'p Path) -> Vec<Link<'p>> {
    let ders: Vec<Option<&[u8]>> = path
        .chain
        .iter()
        .map(|c| pool.certificate(&c.sha256_fingerprint))
        .collect();
    let mut links = Vec::new();
    for (index, summary) in path.chain.iter().enumerate() {
        let last = index + 1 == path.chain.len();
        if (last && path.trusted) || summary.subject == summary.issuer {
            continue;
        }
        links.push(Link {
            summary,
            der: ders[index],
            issuer: ders.get(index + 1).copied().flatten(),
            upward: ders[index..].iter().flatten().map(|d| d.to_vec()).collect(),
        });
    }
    links
}

/// Whether the certificate `der` names an OCSP responder.
fn names_ocsp(der: &[u8]) -> bool {
    ParsedCertificate::from_der(der).is_ok_and(|certificate| !ocsp_urls(&certificate).is_empty())
}

fn is_settled(status: &RevocationStatus) -> bool {
    !matches!(
        status,
        RevocationStatus::NoEvidence | RevocationStatus::Unknown { .. }
    )
}

/// What a status means for the seal or timestamp, in words.
fn note_status(
    who: &str,
    status: &RevocationStatus,
    at: UnixTime,
    chain: ChainOf,
    found: &mut PathRevocation,
) {
    let reason = |reason: &Option<String>| {
        reason
            .as_ref()
            .map(|r| format!(" (reason: {r})"))
            .unwrap_or_default()
    };
    match status {
        RevocationStatus::Revoked {
            since, reason: why, ..
        } => {
            let when = match chain {
                ChainOf::Seal => "the time the seal is judged at",
                ChainOf::TimeStampAuthority => "the time the timestamp is judged at",
            };
            found.revoked.get_or_insert(format!(
                "the certificate of {who} was revoked on {since}{}, before {at}, {when}",
                reason(why)
            ));
        }
        RevocationStatus::RevokedLater {
            since, reason: why, ..
        } => {
            found.notes.push(Finding::new(
                FindingCode::RevokedLater,
                format!(
                    "the certificate of {who} was revoked on {since}{}, after {at}, when it was \
                     proven good: this does not touch what was sealed before",
                    reason(why)
                ),
            ));
        }
        RevocationStatus::Unknown { why } => found.notes.push(Finding::new(
            FindingCode::RevocationNotChecked,
            format!("revocation was not checked for the certificate of {who} at {at}: {why}"),
        )),
        RevocationStatus::NoEvidence => found.notes.push(Finding::new(
            FindingCode::RevocationNotChecked,
            format!(
                "revocation was not checked for the certificate of {who}: the file holds no OCSP \
                 response or CRL about it"
            ),
        )),
        RevocationStatus::Good { .. } => {}
    }
}

fn check_of(
    summary: &CertificateSummary,
    chain: ChainOf,
    at: UnixTime,
    status: &RevocationStatus,
    fetched_from: Option<String>,
) -> RevocationCheck {
    let mut check = RevocationCheck {
        certificate: name_of(summary),
        sha256_fingerprint: summary.sha256_fingerprint.clone(),
        chain,
        at: at.to_string(),
        status: StatusWord::NoEvidence,
        source: None,
        time: None,
        reason: None,
        why: None,
        fetched_from,
    };
    match status {
        RevocationStatus::Good {
            source,
            this_update,
            ..
        } => {
            check.status = StatusWord::Good;
            check.source = Some(*source);
            check.time = Some(this_update.to_string());
        }
        RevocationStatus::Revoked {
            source,
            since,
            reason,
        }
        | RevocationStatus::RevokedLater {
            source,
            since,
            reason,
        } => {
            check.status = match status {
                RevocationStatus::Revoked { .. } => StatusWord::Revoked,
                _ => StatusWord::RevokedLater,
            };
            check.source = Some(*source);
            check.time = Some(since.to_string());
            check.reason = reason.clone();
        }
        RevocationStatus::Unknown { why } => {
            check.status = StatusWord::Unknown;
            check.why = Some(why.clone());
        }
        RevocationStatus::NoEvidence => {}
    }
    check
}

fn name_of(summary: &CertificateSummary) -> String {
    summary
        .common_name
        .clone()
        .unwrap_or_else(|| summary.subject.clone())
}

fn not_proof(message: String) -> Finding {
    Finding::new(FindingCode::TimestampNotProof, message)
}

impl SealOutcome {
    /// Writes what the rule found into the seal's report: its proof and
    /// level, its chain's validity at the time judged (which replaces the
    /// signature check's, judged at a claimed time, once a proof exists), a
    /// revocation that fails it, the notes and the evidence used.
    pub(crate) fn apply(self, report: &mut SignatureReport) {
        let proven = self.attested.is_some();
        report.proof_of_existence = self.attested.as_ref().map(|t| t.time.clone());
        report.attested = self.attested;
        report.level = Some(self.level);
        report.judged_at = Some(self.judged_at.to_string());
        if let Some(check) = &mut report.cms {
            let dated =
                |p: &Problem| matches!(p.code, ProblemCode::Expired | ProblemCode::NotYetValid);
            if proven {
                check.problems.retain(|p| !dated(p));
            }
            let expired = |problems: &[Problem]| {
                problems
                    .iter()
                    .find(|p| p.code == ProblemCode::Expired)
                    .cloned()
            };
            if let (false, None, Some(expiry)) =
                (proven, expired(&check.problems), expired(&self.validity))
            {
                report.notes.push(Finding::new(
                    FindingCode::ExpiredWithoutProof,
                    format!(
                        "{}, and nothing in the file proves the seal was made before then \
                         (a time-stamp, level B-T, would)",
                        expiry.message
                    ),
                ));
            }
            for problem in self.validity {
                if !check.problems.iter().any(|p| p.code == problem.code) {
                    check.problems.push(problem);
                }
            }
            check.valid = check.problems.is_empty();
        }
        report.findings.extend(self.findings);
        report.notes.extend(self.notes);
        report.revocation.extend(self.revocation);
    }
}

impl StampOutcome {
    /// Writes the notes and evidence about a timestamp into the report of
    /// the signature it belongs to (a document timestamp's own, or the
    /// seal's whose value it stamps).
    pub(crate) fn apply(self, report: &mut SignatureReport) {
        for note in self.notes {
            if !report.notes.contains(&note) {
                report.notes.push(note);
            }
        }
        for check in self.revocation {
            if !report.revocation.contains(&check) {
                report.revocation.push(check);
            }
        }
    }
}
