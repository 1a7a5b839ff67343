//! A package's archive timestamps and the evidence they cover, as BagIt tag
//! files under `evidence/`: outside the payload, so that manifest.json, its
//! seal and Payload-Oxum never change, and listed in the tag manifests.
//!
//! Renewal N (1 at a B-LTA build, then one per `gazette extend`) writes:
//!
//! - `evidence/revocation-N/`: the certificates (`cert-<h>.der`), OCSP
//!   responses (`ocsp-<h>.der`, whole OCSPResponse) and CRLs (`crl-<h>.crl`)
//!   for the seal's chain and the authority chain of every token so far (the
//!   seal's signature time-stamp, archive-1 … archive-(N-1)); `<h>` is the
//!   first 16 hex digits of the file's SHA-256;
//! - `evidence/archive-N.txt`: `<sha256>  <path>` for every payload file and
//!   every evidence file written before the token, revocation-N included,
//!   sorted by path, as a BagIt manifest writes its lines;
//! - `evidence/archive-N.tsr`: an RFC 3161 token (ContentInfo, DER) over the
//!   SHA-256 of archive-N.txt;
//! - `evidence/archive-N-tsa/`: the same kind of evidence for archive-N's own
//!   authority chain, fetched right after it, covered by archive-(N+1).
//!
//! Each token proves that everything listed before it existed, unchanged, at
//! its time; the next one, taken while the last authority's certificate and
//! algorithms are still sound, carries that proof on.

use super::PackageError;
use super::bag::{self, BagFile, PAYLOAD};
use crate::digest;
use crate::revocation::Evidence;
use crate::seal::Authorities;
use crate::seal::long_term;
use crate::timestamp::Token;

/// The tag folder of the evidence, as paths in the bag begin.
pub(super) const FOLDER: &str = "evidence/";

/// `evidence/revocation-N`.
pub(super) fn revocation_folder(number: usize) -> String {
    format!("{FOLDER}revocation-{number}")
}

/// `evidence/archive-N.txt`.
pub(super) fn archive_list(number: usize) -> String {
    format!("{FOLDER}archive-{number}.txt")
}

/// `evidence/archive-N.tsr`.
pub(super) fn archive_token(number: usize) -> String {
    format!("{FOLDER}archive-{number}.tsr")
}

/// `evidence/archive-N-tsa`.
pub(super) fn archive_tsa_folder(number: usize) -> String {
    format!("{FOLDER}archive-{number}-tsa")
}

/// Evidence for every certificate of `chains` (each from its end entity up),
/// asked of `authorities`; its certificates are the chains' and any the
/// answers needed (delegated OCSP responders), each once.
pub(super) fn gather(
    authorities: &dyn Authorities,
    chains: &[Vec<Vec<u8>>],
) -> Result<Evidence, PackageError> {
    let asked: Vec<&[Vec<u8>]> = chains.iter().map(Vec::as_slice).collect();
    let collected = authorities
        .collect(&asked)
        .map_err(PackageError::Revocation)?;
    let mut certificates: Vec<Vec<u8>> = Vec::new();
    for certificate in chains.iter().flatten().chain(&collected.certificates) {
        if !certificates.contains(certificate) {
            certificates.push(certificate.clone());
        }
    }
    Ok(Evidence {
        certificates,
        ..collected
    })
}

/// `evidence` as files of `folder`, each named by its kind and digest, so an
/// item given twice is written once.
pub(super) fn files(folder: &str, evidence: &Evidence) -> Vec<BagFile> {
    let kinds = [
        ("cert", "der", &evidence.certificates),
        ("ocsp", "der", &evidence.ocsp_responses),
        ("crl", "crl", &evidence.crls),
    ];
    let mut files: Vec<BagFile> = kinds
        .into_iter()
        .flat_map(|(kind, extension, items)| {
            items.iter().map(move |der| {
                let name = format!("{folder}/{kind}-{}.{extension}", &digest::sha256(der)[..16]);
                (name, der.clone())
            })
        })
        .collect();
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// What one renewal added to the bag, and its token.
pub(super) struct Renewal {
    pub files: Vec<BagFile>,
    pub token: Token,
}

/// Renewal `number` of the bag `files`: revocation-N holding `revocation`,
/// archive-N.txt over the payload and the evidence, its token from
/// `authorities`, and the evidence for that token's authority, whose chain
/// is completed from `known`. Fails, adding nothing, when an authority fails.
pub(super) fn renew(
    files: &[BagFile],
    number: usize,
    revocation: &Evidence,
    authorities: &dyn Authorities,
    known: &[Vec<u8>],
) -> Result<Renewal, PackageError> {
    if let Some((path, _)) = files.iter().find(|(path, _)| is_of_renewal(path, number)) {
        return Err(PackageError::Extend(format!(
            "the bag already holds {path}, which renewal {number} would write"
        )));
    }
    let mut added = self::files(&revocation_folder(number), revocation);
    let listed: Vec<&BagFile> = files
        .iter()
        .chain(&added)
        .filter(|(path, _)| path.starts_with(PAYLOAD) || path.starts_with(FOLDER))
        .collect();
    let list = bag::sha256_lines(&listed);
    let token = authorities.stamp(&list).map_err(PackageError::Timestamp)?;
    let chain = long_term::authority_chain(&token, known).ok_or_else(|| {
        PackageError::Timestamp(
            "the archive time-stamp token does not carry its authority's certificate".into(),
        )
    })?;
    let authority = gather(authorities, &[chain])?;
    added.push((archive_list(number), list));
    added.push((archive_token(number), token.der.clone()));
    added.extend(self::files(&archive_tsa_folder(number), &authority));
    Ok(Renewal {
        files: added,
        token,
    })
}

/// Whether `path` is one renewal `number` writes.
fn is_of_renewal(path: &str, number: usize) -> bool {
    let in_folder = |folder: String| {
        path.strip_prefix(&folder)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    path == archive_list(number)
        || path == archive_token(number)
        || in_folder(revocation_folder(number))
        || in_folder(archive_tsa_folder(number))
}
