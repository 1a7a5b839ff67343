//! Seals that stay verifiable for decades: the PAdES baseline levels above
//! B-B, and what each asks of the outside world.
//!
//! - **B-T**: a time-stamp authority stamps the signature value; the token
//!   rides in the CMS (see [`crate::cms::sign_detached_timestamped`]).
//! - **B-LT**: OCSP responses and CRLs for every certificate of the seal's
//!   chain and the authority's, in the Document Security Store ([`dss`]).
//! - **B-LTA**: a document timestamp over all of it ([`doc_timestamp`]), then
//!   the validation data of that timestamp's own authority.
//!
//! The authority and the revocation services come in as an [`Authorities`],
//! so that sealing is the same whichever client talks to them.
//!
//! [`dss`]: super::dss
//! [`doc_timestamp`]: super::doc_timestamp

use std::fmt;
use std::str::FromStr;

use der::Decode;
use x509_cert::Certificate;

use super::SealError;
use super::doc_timestamp;
use super::dss::{self, Validation};
use crate::cms::{TIME_STAMP_ALLOWANCE, TimeStamper};
use crate::revocation::{Collected, Evidence, RevocationNote};
use crate::timestamp::Token;

/// The services a long-term seal asks: a time-stamp authority, and the OCSP
/// responders and CRL servers named in the certificates.
pub trait Authorities: Send + Sync {
    /// A checked RFC 3161 token over SHA-256 of `data`, or why there is none.
    fn stamp(&self, data: &[u8]) -> Result<Token, String>;
    /// Evidence for a renewal (see [`crate::revocation::collect_for_renewal`]):
    /// OCSP responses (or CRLs) for every certificate of `required`, or an
    /// error; for those of `best_effort` alone, what can be had, and a note
    /// for each that has no current good answer. Each chain is ordered from
    /// its end entity to its root.
    fn collect_for_renewal(
        &self,
        required: &[&[Vec<u8>]],
        best_effort: &[&[Vec<u8>]],
    ) -> Result<Collected, String>;

    /// OCSP responses (or CRLs) for every certificate of `chains`, as sealing
    /// needs them: all required.
    fn collect(&self, chains: &[&[Vec<u8>]]) -> Result<Evidence, String> {
        self.collect_for_renewal(chains, &[])
            .map(|collected| collected.evidence)
    }
}

/// The PAdES baseline level a seal is carried to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The signature alone; its time is the signer's claim.
    B,
    /// A time-stamp over the signature attests when it existed.
    T,
    /// With the revocation evidence a verifier needs offline.
    Lt,
    /// With a document timestamp over all of it, renewable by `gazette extend`.
    Lta,
}

impl Level {
    pub const NAMES: [&str; 4] = ["B-B", "B-T", "B-LT", "B-LTA"];
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::NAMES[*self as usize])
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "B-B" => Ok(Level::B),
            "B-T" => Ok(Level::T),
            "B-LT" => Ok(Level::Lt),
            "B-LTA" => Ok(Level::Lta),
            _ => Err(format!(
                "`{text}` is not a PAdES baseline level: one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// How far a seal is carried, and who is asked on the way.
#[derive(Clone, Copy)]
pub struct LongTerm<'a> {
    pub authorities: &'a dyn Authorities,
    pub level: Level,
}

impl LongTerm<'_> {
    /// The time-stamper that signing takes.
    pub fn stamper(&self) -> impl Fn(&[u8]) -> Result<Token, String> + '_ {
        |data| self.authorities.stamp(data)
    }
}

/// A signature (or timestamp) in the file whose certificates need evidence.
pub struct Signed<'a> {
    /// Its `/Contents` without padding.
    pub contents: &'a [u8],
    /// Its chains: the signer's, and the authority's of each token in it.
    pub chains: Vec<Vec<Vec<u8>>>,
}

/// B-LT: `pdf` with a DSS update holding evidence for each of `signed`,
/// asked of `authorities`, and the certificates themselves; all of it
/// required, as at sealing.
pub fn add_validation_data(
    pdf: &[u8],
    signed: &[Signed],
    authorities: &dyn Authorities,
) -> Result<Vec<u8>, SealError> {
    let every: Vec<Vec<Vec<u8>>> = signed.iter().flat_map(|s| s.chains.clone()).collect();
    renew_validation_data(pdf, signed, authorities, &every).map(|(pdf, _)| pdf)
}

/// [`add_validation_data`] for a renewal: evidence for the chains of
/// `required` must be had; for the other chains of `signed` it is asked
/// with best effort, and what could not be had is in the notes, each once.
pub fn renew_validation_data(
    pdf: &[u8],
    signed: &[Signed],
    authorities: &dyn Authorities,
    required: &[Vec<Vec<u8>>],
) -> Result<(Vec<u8>, Vec<RevocationNote>), SealError> {
    let mut gathered = Vec::with_capacity(signed.len());
    let mut notes: Vec<RevocationNote> = Vec::new();
    for item in signed {
        let Collected {
            evidence: collected,
            notes: said,
        } = collect_renewal(authorities, &item.chains, required).map_err(SealError::Revocation)?;
        for note in said {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        let mut certificates: Vec<Vec<u8>> = Vec::new();
        for certificate in item.chains.iter().flatten().chain(&collected.certificates) {
            if !certificates.contains(certificate) {
                certificates.push(certificate.clone());
            }
        }
        gathered.push(Evidence {
            certificates,
            ..collected
        });
    }
    let validations: Vec<Validation> = signed
        .iter()
        .zip(&gathered)
        .map(|(item, evidence)| Validation {
            contents: item.contents,
            evidence,
        })
        .collect();
    Ok((dss::append(pdf, &validations)?, notes))
}

/// Evidence for `chains` from `authorities`: required for those among
/// `required`, asked with best effort for the others.
pub fn collect_renewal(
    authorities: &dyn Authorities,
    chains: &[Vec<Vec<u8>>],
    required: &[Vec<Vec<u8>>],
) -> Result<Collected, String> {
    let mut needed: Vec<&[Vec<u8>]> = Vec::new();
    let mut wanted: Vec<&[Vec<u8>]> = Vec::new();
    for chain in chains {
        match required.contains(chain) {
            true => needed.push(chain),
            false => wanted.push(chain),
        }
    }
    authorities.collect_for_renewal(&needed, &wanted)
}

/// B-LTA: `pdf` with a document timestamp over all of it, then a DSS update
/// with the evidence for the timestamp's own authority, whose chain is
/// completed from `known` (certificates the file already holds).
pub fn add_archive_timestamp(
    pdf: &[u8],
    authorities: &dyn Authorities,
    known: &[Vec<u8>],
) -> Result<Vec<u8>, SealError> {
    let stamp: &TimeStamper = &|data| authorities.stamp(data);
    let (stamped, token, reserve) = with_room(TIME_STAMP_ALLOWANCE, |reserve| {
        doc_timestamp::append(pdf, stamp, reserve).map(|(pdf, token)| (pdf, token, reserve))
    })?;
    let chain = authority_chain(&token, known).unwrap_or_default();
    let contents = dss::stored_contents(&token.der, reserve);
    let timestamp = Signed {
        contents: &contents,
        chains: vec![chain],
    };
    add_validation_data(&stamped, &[timestamp], authorities)
}

/// The certificates a time-stamped seal brings along: its chain, then those
/// of its token's authority.
pub fn known_certificates(chain: &[Vec<u8>], token: &Token) -> Vec<Vec<u8>> {
    chain
        .iter()
        .chain(&token.tsa_certificates)
        .cloned()
        .collect()
}

/// The chains whose revocation evidence a time-stamped seal needs: the
/// seal's own and its token authority's, each completed from `known`.
pub fn chains_to_validate(
    chain: &[Vec<u8>],
    token: &Token,
    known: &[Vec<u8>],
) -> Vec<Vec<Vec<u8>>> {
    chain
        .first()
        .into_iter()
        .chain(token.tsa_certificates.first())
        .map(|leaf| chain_of(leaf, known))
        .collect()
}

/// The chain of `token`'s authority, completed from its own certificates
/// and `known`; `None` when the token does not carry the authority's
/// certificate.
pub fn authority_chain(token: &Token, known: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    let pool: Vec<Vec<u8>> = token
        .tsa_certificates
        .iter()
        .chain(known)
        .cloned()
        .collect();
    let tsa = token.tsa_certificates.first()?;
    Some(chain_of(tsa, &pool))
}

/// With trust anchors given, says which chain does not lead to one of
/// them: renewing its evidence would prove nothing.
pub fn unanchored(chains: &[Vec<Vec<u8>>], anchors: &[Vec<u8>]) -> Option<String> {
    if anchors.is_empty() {
        return None;
    }
    let stray = chains.iter().find(|chain| {
        let top = chain.last().map(Vec::as_slice).unwrap_or_default();
        !anchors.iter().any(|anchor| anchor == top)
    })?;
    let subject = stray
        .first()
        .and_then(|leaf| Certificate::from_der(leaf).ok())
        .map(|leaf| leaf.tbs_certificate().subject().to_string())
        .unwrap_or_default();
    Some(format!(
        "the certificate of {subject} does not lead to a trusted root (--trust)"
    ))
}

/// Runs `attempt` with `reserve` bytes for a signature value; when what the
/// authority returned did not fit, once more with the room it really needs.
pub(crate) fn with_room<T>(
    reserve: usize,
    attempt: impl Fn(usize) -> Result<T, SealError>,
) -> Result<T, SealError> {
    match attempt(reserve) {
        Err(SealError::TooLarge { needed, .. }) => attempt(needed + RETRY_MARGIN),
        other => other,
    }
}

/// What a second token may be longer than the first: its serial number,
/// nonce and time differ.
const RETRY_MARGIN: usize = 256;

/// The chain of `leaf` up to a self-issued certificate, its issuers taken
/// from `pool` by name. It stops where no issuer is found: evidence is then
/// asked for as much of the chain as is known.
pub fn chain_of(leaf: &[u8], pool: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let parsed: Vec<(&Vec<u8>, Certificate)> = pool
        .iter()
        .filter_map(|der| Some((der, Certificate::from_der(der).ok()?)))
        .collect();
    let mut chain = vec![leaf.to_vec()];
    let Ok(mut current) = Certificate::from_der(leaf) else {
        return chain;
    };
    while chain.len() < MAX_CHAIN {
        let tbs = current.tbs_certificate();
        if tbs.issuer() == tbs.subject() {
            break;
        }
        let Some((der, issuer)) = parsed
            .iter()
            .find(|(_, candidate)| candidate.tbs_certificate().subject() == tbs.issuer())
        else {
            break;
        };
        if chain.contains(der) {
            break;
        }
        chain.push((*der).clone());
        current = issuer.clone();
    }
    chain
}

/// Longer chains are not followed; real hierarchies have three or four.
const MAX_CHAIN: usize = 8;
