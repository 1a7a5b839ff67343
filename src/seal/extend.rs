//! Renewing a sealed PDF's evidence for an archive (`gazette extend`): fresh
//! revocation data for the certificates in the file, then a new document
//! timestamp over everything, both as incremental updates after the file's
//! last byte. Run before the newest timestamp's authority certificate
//! expires or its algorithms weaken, it carries the proof that the file
//! existed, unchanged, at each earlier time into the next decades.
//!
//! The certificates are those of every signature (the seal and any other),
//! of every time-stamp token (in a signature or a document timestamp), and
//! of the existing DSS, which is kept whole. Evidence for the newest
//! timestamp's authority chain must be had: the new timestamp carries that
//! proof on (PAdES B-LTA, ETSI EN 319 142-1). For the others, whose evidence
//! an earlier timestamp already covers, it is asked with best effort: years
//! later the seal's certificate may be expired, revoked since, or its CA
//! gone, and each such certificate is a note. A file with no timestamp has
//! nothing covering its evidence yet: all of it is required, as at sealing.

use cms::cert::CertificateChoices;
use cms::signed_data::SignedData;
use der::Encode;
use lopdf::{Document, Object};
use x509_cert::Certificate;

use super::SealError;
use super::long_term::{self, Authorities, Signed, chain_of};
use crate::asn1::tsp::{ID_AA_SIGNATURE_TIME_STAMP_TOKEN, ID_CT_TST_INFO};
use crate::cms::{UnixTime, names_signer, read_signed_data};
use crate::revocation::RevocationNote;
use crate::timestamp::read_token;

/// A renewed PDF, and what its renewal could not make current.
#[derive(Debug)]
pub struct Extended {
    pub pdf: Vec<u8>,
    /// One for each certificate outside the newest timestamp's authority
    /// chain that has no current good evidence (see the module's doc).
    pub notes: Vec<RevocationNote>,
}

/// `pdf` with a DSS update holding fresh evidence for its signatures and
/// timestamps, and a new document timestamp after it. With `anchors`,
/// every chain must lead to one of them, and they complete chains whose
/// root the file lacks.
pub fn extend_pdf(
    pdf: &[u8],
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<Extended, SealError> {
    let document = Document::load_mem(pdf).map_err(|e| SealError::Pdf(e.to_string()))?;
    let signatures = signatures(&document)?;
    if signatures.is_empty() {
        return Err(SealError::Pdf(
            "the file has no signature or document timestamp to extend".into(),
        ));
    }
    let mut pool: Vec<Vec<u8>> = anchors.to_vec();
    pool.extend(dss_certificates(&document));
    for signature in &signatures {
        pool.extend(signature.certificates.iter().cloned());
    }
    let signed = signatures
        .iter()
        .map(|signature| {
            let chains = signature
                .signers
                .iter()
                .map(|signer| chain_of(signer, &pool))
                .collect::<Vec<_>>();
            if let Some(why) = long_term::unanchored(&chains, anchors) {
                return Err(SealError::Pdf(why));
            }
            Ok(Signed {
                contents: &signature.contents,
                chains,
            })
        })
        .collect::<Result<Vec<_>, SealError>>()?;
    let required = match newest_authority(&signatures) {
        Some(authority) => vec![chain_of(authority, &pool)],
        None => signed.iter().flat_map(|s| s.chains.clone()).collect(),
    };
    let (validated, notes) = long_term::renew_validation_data(pdf, &signed, authorities, &required)
        .map_err(unobtainable)?;
    let pdf =
        long_term::add_archive_timestamp(&validated, authorities, &pool).map_err(unobtainable)?;
    Ok(Extended { pdf, notes })
}

/// Evidence a renewal must have and could not get: the renewal fails and
/// the file is left as it was (LTP-4).
fn unobtainable(error: SealError) -> SealError {
    match error {
        SealError::Revocation(why) => SealError::Revocation(format!(
            "{why}; a renewal cannot go on without it, so the file is left as it was (LTP-4)"
        )),
        other => other,
    }
}

/// The certificate of the authority whose timestamp in the file is the
/// newest, by the time it attests.
fn newest_authority(signatures: &[Found]) -> Option<&[u8]> {
    signatures
        .iter()
        .flat_map(|signature| &signature.stamps)
        .max_by_key(|(time, _)| *time)
        .map(|(_, authority)| authority.as_slice())
}

/// One signature or document timestamp as found in the file.
struct Found {
    /// Its `/Contents` value as stored, zero padding included.
    contents: Vec<u8>,
    /// The signer's certificate, then the authority's of each token in it.
    signers: Vec<Vec<u8>>,
    /// Every certificate the CMS and its tokens carry.
    certificates: Vec<Vec<u8>>,
    /// Each time-stamp it is or holds: the time attested, the authority's
    /// certificate.
    stamps: Vec<(UnixTime, Vec<u8>)>,
}

/// Every signature field's value in the form, read as CMS.
fn signatures(document: &Document) -> Result<Vec<Found>, SealError> {
    let fields = document
        .catalog()
        .and_then(|catalog| catalog.get_deref(b"AcroForm", document))
        .and_then(Object::as_dict)
        .and_then(|form| form.get_deref(b"Fields", document))
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    let mut found = Vec::new();
    for field in &fields {
        let Ok((_, field)) = document.dereference(field) else {
            continue;
        };
        let value = field
            .as_dict()
            .and_then(|field| field.get_deref(b"V", document))
            .and_then(Object::as_dict);
        let Ok(contents) = value
            .and_then(|v| v.get(b"Contents"))
            .and_then(Object::as_str)
        else {
            continue;
        };
        let name = field
            .as_dict()
            .and_then(|f| f.get(b"T"))
            .and_then(Object::as_str)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        found.push(read_signature(contents).map_err(|why| {
            SealError::Pdf(format!("the signature \"{name}\" cannot be read: {why}"))
        })?);
    }
    Ok(found)
}

/// A signature's CMS (DER or BER, zero padding after it allowed): its
/// stored value, its signer, and the tokens in its unsigned attributes; a
/// document timestamp is a token itself.
fn read_signature(padded: &[u8]) -> Result<Found, String> {
    let signed_data = read_cms(padded)?;
    let mut found = Found {
        contents: padded.to_vec(),
        signers: Vec::new(),
        certificates: Vec::new(),
        stamps: Vec::new(),
    };
    add_signed_data(&signed_data, &mut found)?;
    if signed_data.encap_content_info.econtent_type == ID_CT_TST_INFO {
        add_stamp(padded, &mut found)?;
    }
    for signer_info in signed_data.signer_infos.0.iter() {
        let tokens = signer_info
            .unsigned_attrs
            .iter()
            .flat_map(|attributes| attributes.iter())
            .filter(|attribute| attribute.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
            .flat_map(|attribute| attribute.values.iter());
        for token in tokens {
            let der = token.to_der().map_err(|e| e.to_string())?;
            add_signed_data(&read_cms(&der)?, &mut found)?;
            add_stamp(&der, &mut found)?;
        }
    }
    Ok(found)
}

/// Adds the time the token `der` attests, with its authority: the signer
/// [`add_signed_data`] found last.
fn add_stamp(der: &[u8], found: &mut Found) -> Result<(), String> {
    let time = read_token(der).map_err(|e| e.to_string())?.token.time;
    if let Some(authority) = found.signers.last() {
        found.stamps.push((time, authority.clone()));
    }
    Ok(())
}

/// The SignedData at the start of `bytes`, in DER or BER.
fn read_cms(bytes: &[u8]) -> Result<SignedData, String> {
    read_signed_data(bytes)
        .map(|read| read.signed_data)
        .map_err(|e| e.to_string())
}

/// Adds the signer's certificate and all certificates of `signed_data`.
fn add_signed_data(signed_data: &SignedData, found: &mut Found) -> Result<(), String> {
    let certificates: Vec<Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => Some(certificate.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    for signer_info in signed_data.signer_infos.0.iter() {
        let signer = certificates
            .iter()
            .find(|certificate| names_signer(certificate, &signer_info.sid));
        let signer = signer
            .or(certificates.first())
            .ok_or("it carries no certificate")?;
        found
            .signers
            .push(signer.to_der().map_err(|e| e.to_string())?);
    }
    for certificate in &certificates {
        found
            .certificates
            .push(certificate.to_der().map_err(|e| e.to_string())?);
    }
    Ok(())
}

/// The certificates already in the DSS.
fn dss_certificates(document: &Document) -> Vec<Vec<u8>> {
    document
        .catalog()
        .and_then(|catalog| catalog.get_deref(b"DSS", document))
        .and_then(Object::as_dict)
        .and_then(|dss| dss.get_deref(b"Certs", document))
        .and_then(Object::as_array)
        .map(|certs| {
            certs
                .iter()
                .filter_map(|reference| {
                    let (_, stream) = document.dereference(reference).ok()?;
                    stream.as_stream().ok()?.get_plain_content().ok()
                })
                .collect()
        })
        .unwrap_or_default()
}
