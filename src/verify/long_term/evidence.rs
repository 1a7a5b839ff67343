//! The revocation evidence and certificates a sealed file carries, each item
//! with its place in the file, so that the rule can tell which evidence a
//! later timestamp covers.
//!
//! A place is a number that grows with the file's history: for a PDF, the
//! end of the revision that holds the item; for a package, the order in
//! which its evidence was written. An item held at several places counts at
//! the earliest.
//!
//! Inside a CMS signature, revocation data sits in `SignedData.crls` (CRLs,
//! and OCSP responses as id-ri-ocsp-response, RFC 5940) and in the
//! adbe-revocationInfoArchival signed attribute that Acrobat-style signers
//! write; certificates in `SignedData.certificates` and in the time-stamp
//! tokens among its unsigned attributes.

use cms::cert::CertificateChoices;
use cms::signed_data::SignedData;
use der::asn1::{Any, ObjectIdentifier};
use der::{Encode, Sequence};

use crate::asn1::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN;
use crate::cms::read_signed_data;
use crate::digest::sha256;
use crate::revocation::Evidence;

/// adbe-revocationInfoArchival (ISO 32000-1 §12.8.3.3.2): a signed attribute.
const ID_ADBE_REVOCATION_INFO_ARCHIVAL: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.8");

/// RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRLs
/// OPTIONAL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo
/// [2] EXPLICIT SEQUENCE OF OtherRevInfo OPTIONAL }.
#[derive(Sequence)]
struct RevocationInfoArchival {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    crl: Option<Vec<Any>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    ocsp: Option<Vec<Any>>,
    /// Read so that the value decodes; gazette knows no other format.
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    _other: Option<Vec<Any>>,
}

/// Evidence at a place in the file.
struct Placed {
    place: u64,
    evidence: Evidence,
}

/// Every item of evidence a file carries, with its place, and every
/// certificate seen in it.
#[derive(Default)]
pub(crate) struct Pool {
    placed: Vec<Placed>,
    /// Certificates from the signatures, tokens and stores, and the anchors:
    /// where chains reported by fingerprint are found again as DER.
    certificates: Vec<Vec<u8>>,
}

impl Pool {
    /// Adds `evidence` found at `place`; its certificates join the pool too.
    pub(crate) fn add(&mut self, place: u64, evidence: Evidence) {
        self.add_certificates(&evidence.certificates);
        self.placed.push(Placed { place, evidence });
    }

    /// Certificates to find chains in, that are no revocation evidence
    /// themselves (trust anchors, a package's certificate files).
    pub(crate) fn add_certificates(&mut self, certificates: &[Vec<u8>]) {
        for certificate in certificates {
            if !self.certificates.contains(certificate) {
                self.certificates.push(certificate.clone());
            }
        }
    }

    /// The certificate whose SHA-256 fingerprint is `fingerprint` (hex).
    pub(crate) fn certificate(&self, fingerprint: &str) -> Option<&[u8]> {
        self.certificates
            .iter()
            .find(|der| sha256(der).eq_ignore_ascii_case(fingerprint))
            .map(Vec::as_slice)
    }

    /// All the evidence at `place`, in one.
    pub(crate) fn at(&self, place: u64) -> Evidence {
        let mut all = Evidence::default();
        for placed in self.placed.iter().filter(|p| p.place == place) {
            merge(&mut all, &placed.evidence);
        }
        all
    }

    /// All the evidence at places up to `limit` (all of it for `None`), in one.
    pub(crate) fn up_to(&self, limit: Option<u64>) -> Evidence {
        let mut all = Evidence::default();
        for placed in self
            .placed
            .iter()
            .filter(|p| limit.is_none_or(|limit| p.place <= limit))
        {
            merge(&mut all, &placed.evidence);
        }
        all
    }
}

/// Adds to `into` what `from` holds that it does not.
pub(crate) fn merge(into: &mut Evidence, from: &Evidence) {
    for (mine, theirs) in [
        (&mut into.certificates, &from.certificates),
        (&mut into.ocsp_responses, &from.ocsp_responses),
        (&mut into.crls, &from.crls),
    ] {
        for item in theirs {
            if !mine.contains(item) {
                mine.push(item.clone());
            }
        }
    }
}

/// What a CMS signature (DER or BER, zero padding allowed) carries: its
/// certificates and its time-stamp tokens', its CRLs and OCSP responses.
/// A signature that cannot be read carries nothing usable: the signature
/// check reports why.
pub(crate) fn in_cms(cms: &[u8]) -> Evidence {
    let mut evidence = Evidence::default();
    let Ok(read) = read_signed_data(cms) else {
        return evidence;
    };
    let signed = &read.signed_data;
    add_signed_data(signed, &mut evidence);
    merge(&mut evidence, &read.revocation);
    for signer in signed.signer_infos.0.iter() {
        let signed_attributes = signer.signed_attrs.iter().flat_map(|a| a.iter());
        for value in signed_attributes
            .filter(|a| a.oid == ID_ADBE_REVOCATION_INFO_ARCHIVAL)
            .flat_map(|a| a.values.iter())
        {
            add_archival(value, &mut evidence);
        }
        let unsigned = signer.unsigned_attrs.iter().flat_map(|a| a.iter());
        for token in unsigned
            .filter(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
            .flat_map(|a| a.values.iter())
        {
            if let Ok(der) = token.to_der() {
                merge(&mut evidence, &in_cms(&der));
            }
        }
    }
    evidence
}

/// The certificates of `SignedData` itself (its revocation values come
/// from [`read_signed_data`], which reads them as RFC 5652 has them).
fn add_signed_data(signed: &SignedData, evidence: &mut Evidence) {
    let certificates = signed.certificates.iter().flat_map(|set| set.0.iter());
    for choice in certificates {
        if let CertificateChoices::Certificate(certificate) = choice
            && let Ok(der) = certificate.to_der()
        {
            push_new(&mut evidence.certificates, der);
        }
    }
}

/// The CRLs and OCSP responses of an adbe-revocationInfoArchival value.
fn add_archival(value: &Any, evidence: &mut Evidence) {
    let Ok(archival) = value.decode_as::<RevocationInfoArchival>() else {
        return;
    };
    for (items, into) in [
        (archival.crl, &mut evidence.crls),
        (archival.ocsp, &mut evidence.ocsp_responses),
    ] {
        for item in items.into_iter().flatten() {
            if let Ok(der) = item.to_der() {
                push_new(into, der);
            }
        }
    }
}

fn push_new(items: &mut Vec<Vec<u8>>, item: Vec<u8>) {
    if !items.contains(&item) {
        items.push(item);
    }
}
