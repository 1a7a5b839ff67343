//! Renewing a sealed PDF's evidence for an archive (`gazette extend`): fresh
//! revocation data for every certificate in the file, then a new document
//! timestamp over everything, both as incremental updates after the file's
//! last byte. Run before the newest timestamp's authority certificate
//! expires or its algorithms weaken, it carries the proof that the file
//! existed, unchanged, at each earlier time into the next decades.
//!
//! The certificates are those of every signature (the seal and any other),
//! of every time-stamp token (in a signature or a document timestamp), and
//! of the existing DSS, which is kept whole.

use cms::cert::CertificateChoices;
use cms::signed_data::SignedData;
use der::Encode;
use lopdf::{Document, Object};
use x509_cert::Certificate;

use super::SealError;
use super::long_term::{self, Authorities, Signed, chain_of};
use crate::asn1::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN;
use crate::cms::{names_signer, read_signed_data};

/// `pdf` with a DSS update holding fresh evidence for each of its
/// signatures and timestamps, and a new document timestamp after it. With
/// `anchors`, every chain must lead to one of them, and they complete
/// chains whose root the file lacks.
pub fn extend_pdf(
    pdf: &[u8],
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<Vec<u8>, SealError> {
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
    let validated = long_term::add_validation_data(pdf, &signed, authorities)?;
    long_term::add_archive_timestamp(&validated, authorities, &pool)
}

/// One signature or document timestamp as found in the file.
struct Found {
    /// Its `/Contents` value as stored, zero padding included.
    contents: Vec<u8>,
    /// The signer's certificate, then the authority's of each token in it.
    signers: Vec<Vec<u8>>,
    /// Every certificate the CMS and its tokens carry.
    certificates: Vec<Vec<u8>>,
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
/// stored value, its signer, and the tokens in its unsigned attributes.
fn read_signature(padded: &[u8]) -> Result<Found, String> {
    let signed_data = read_cms(padded)?;
    let mut found = Found {
        contents: padded.to_vec(),
        signers: Vec::new(),
        certificates: Vec::new(),
    };
    add_signed_data(&signed_data, &mut found)?;
    for signer_info in signed_data.signer_infos.0.iter() {
        let tokens = signer_info
            .unsigned_attrs
            .iter()
            .flat_map(|attributes| attributes.iter())
            .filter(|attribute| attribute.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
            .flat_map(|attribute| attribute.values.iter());
        for token in tokens {
            let der = token.to_der().map_err(|e| e.to_string())?;
            let token = read_cms(&der)?;
            add_signed_data(&token, &mut found)?;
        }
    }
    Ok(found)
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
