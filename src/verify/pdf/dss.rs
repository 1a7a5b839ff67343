//! A PDF's seals judged over time: the revocation evidence it carries — the
//! Document Security Store (`/DSS`: `/Certs`, `/OCSPs`, `/CRLs`, and what
//! `/VRI` entries list, though VRI is not required) of the current file and
//! of each revision a document timestamp covers, and what the CMS signatures
//! carry — placed by the revision that holds it, then the long-term rule
//! ([`crate::verify::long_term`]) over the signatures already checked.

use lopdf::{Dictionary, Document, Object};

use super::revisions::Revisions;
use super::{signature_fields, trim_padding};
use crate::revocation::Evidence;
use crate::seal::dss::vri_key;
use crate::verify::long_term::{self, Path, Policy, Pool, Sealed, Stamp, in_cms, parse_time};
use crate::verify::{Finding, FindingCode, Level, Options, SignatureKind, SignatureReport};

/// Judges each seal and document timestamp of `signatures` (checked, in the
/// order they were made) by the long-term rule, with the evidence in
/// `bytes`, read as `document`; `held_to_format` says of each signature
/// whether it is a seal the format's profile binds.
pub(super) fn judge_over_time(
    revisions: &Revisions,
    document: &Document,
    signatures: &mut [SignatureReport],
    held_to_format: &[bool],
    options: &Options,
    policy: Policy,
) {
    let pool = evidence(revisions, document, signatures, options);
    let mut stamps = Vec::new();
    let mut stamp_of = Vec::new();
    let mut seals = Vec::new();
    let mut seal_of = Vec::new();
    for (index, signature) in signatures.iter().enumerate() {
        let (Some(check), Some(place)) = (&signature.cms, place_of(signature)) else {
            continue;
        };
        if signature.kind == SignatureKind::DocumentTimestamp {
            let Some(shown) = signature.timestamps.first() else {
                continue;
            };
            let Ok(time) = parse_time(&shown.time) else {
                continue;
            };
            stamp_of.push(index);
            stamps.push(Stamp {
                shown: shown.clone(),
                time,
                holds: shown.valid && !signature.is_broken(),
                path: Path::of(check),
                place,
                covers: Some(place),
            });
            continue;
        }
        let mut own = Vec::new();
        for (token, shown) in check.timestamps.iter().zip(&signature.timestamps) {
            own.push(stamps.len());
            stamp_of.push(index);
            stamps.push(Stamp {
                shown: shown.clone(),
                time: token.attested,
                holds: token.valid,
                path: Path::of(&token.token),
                place,
                covers: None,
            });
        }
        seal_of.push(index);
        seals.push(Sealed {
            place,
            path: Path::of(check),
            stamps: own,
            held_to_format: held_to_format[index],
        });
    }
    let (stamp_outcomes, seal_outcomes) = long_term::judge(&pool, policy, &stamps, &seals);
    for (index, outcome) in seal_of.into_iter().zip(seal_outcomes) {
        outcome.apply(&mut signatures[index]);
    }
    for (index, outcome) in stamp_of.into_iter().zip(stamp_outcomes) {
        outcome.apply(&mut signatures[index]);
    }
    note_missing_vri(document, signatures, held_to_format);
}

/// A seal held to the format that the `/DSS` serves (it reaches B-LT) has a
/// `/VRI` entry of its own (SPDF-13). ISO 32000-2 makes `/VRI` optional and
/// no evidence is read from it alone, so its absence is a note (VER-82),
/// never a failure.
fn note_missing_vri(
    document: &Document,
    signatures: &mut [SignatureReport],
    held_to_format: &[bool],
) {
    let keys: Vec<Vec<u8>> = security_store(document)
        .and_then(|dss| dss.get_deref(b"VRI", document).ok())
        .and_then(|vri| vri.as_dict().ok())
        .map(|vri| vri.iter().map(|(key, _)| key.clone()).collect())
        .unwrap_or_default();
    for (index, contents) in contents_of(document, signatures) {
        let served = signatures[index]
            .level
            .is_some_and(|level| level >= Level::BasicLt);
        if !(held_to_format[index] && served) {
            continue;
        }
        let key = vri_key(&contents);
        if !keys.iter().any(|k| *k == key.as_bytes()) {
            signatures[index].notes.push(Finding::new(
                FindingCode::VriMissing,
                format!(
                    "the /DSS that carries the seal's validation data has no /VRI entry {key} for it, \
                     which the format asks (SPDF-13); nothing is read from one, so the seal's \
                     verdict and level stand"
                ),
            ));
        }
    }
}

/// Where a signature sits: the end of the revision it signs.
fn place_of(signature: &SignatureReport) -> Option<u64> {
    let [_, _, start, length] = signature.byte_range?;
    u64::try_from(start.checked_add(length)?).ok()
}

/// Every item of evidence in the file: each signature's CMS at its
/// revision, the DSS of each revision a document timestamp covers at that
/// revision, and the current DSS at the file's end; the anchors as
/// certificates.
fn evidence(
    revisions: &Revisions,
    document: &Document,
    signatures: &[SignatureReport],
    options: &Options,
) -> Pool {
    let mut pool = Pool::default();
    pool.add_certificates(&options.anchors);
    for (index, contents) in contents_of(document, signatures) {
        if let Some(place) = place_of(&signatures[index]) {
            pool.add(place, in_cms(trim_padding(&contents)));
        }
    }
    for signature in signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
    {
        let Some(end) = place_of(signature).filter(|&end| end < revisions.file_length() as u64)
        else {
            continue;
        };
        if let Ok(revision) = revisions.at(end as usize) {
            pool.add(end, store(&revision));
        }
    }
    pool.add(revisions.file_length() as u64, store(document));
    pool
}

/// Each signature field's place among `signatures` and its `/Contents`
/// value as stored, zero padding included.
fn contents_of(document: &Document, signatures: &[SignatureReport]) -> Vec<(usize, Vec<u8>)> {
    signature_fields(document)
        .into_iter()
        .filter_map(|field| {
            let range = super::byte_range(&field.value).ok();
            let index = signatures
                .iter()
                .position(|s| s.field == field.name && s.byte_range == range)?;
            let contents = field.value.get(b"Contents").and_then(Object::as_str).ok()?;
            Some((index, contents.to_vec()))
        })
        .collect()
}

/// `document`'s Document Security Store, if it has one.
fn security_store(document: &Document) -> Option<&Dictionary> {
    document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"DSS", document).ok())
        .and_then(|dss| dss.as_dict().ok())
}

/// The items of `document`'s Document Security Store.
fn store(document: &Document) -> Evidence {
    let mut evidence = Evidence::default();
    let Some(dss) = security_store(document) else {
        return evidence;
    };
    add_items(document, dss, &mut evidence);
    let entries = dss
        .get_deref(b"VRI", document)
        .and_then(Object::as_dict)
        .map(|vri| {
            vri.iter()
                .map(|(_, entry)| entry.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for entry in entries {
        if let Ok((_, Object::Dictionary(entry))) = document.dereference(&entry) {
            add_items(document, entry, &mut evidence);
        }
    }
    evidence
}

/// The streams that `dictionary` (the DSS or a VRI entry) lists under
/// Certs/Cert, OCSPs/OCSP and CRLs/CRL.
fn add_items(document: &Document, dictionary: &Dictionary, evidence: &mut Evidence) {
    let kinds = [
        ([b"Certs".as_slice(), b"Cert"], &mut evidence.certificates),
        ([b"OCSPs".as_slice(), b"OCSP"], &mut evidence.ocsp_responses),
        ([b"CRLs".as_slice(), b"CRL"], &mut evidence.crls),
    ];
    for (keys, into) in kinds {
        let items = keys
            .iter()
            .filter_map(|key| {
                dictionary
                    .get_deref(key, document)
                    .and_then(Object::as_array)
                    .ok()
            })
            .flatten();
        for item in items {
            let content = document
                .dereference(item)
                .ok()
                .and_then(|(_, object)| object.as_stream().ok())
                .and_then(|stream| stream.get_plain_content().ok());
            if let Some(content) = content
                && !into.contains(&content)
            {
                into.push(content);
            }
        }
    }
}
