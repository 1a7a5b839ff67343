//! The seal over manifest.json at the level the edition's seal asks:
//! CAdES-B (a detached CMS signature), CAdES-T (with a time-stamp token over
//! the signature value) or CAdES-LT, as ETSI EN 319 122-1 puts it: the
//! revocation values for the seal's chain and the token's authority chain in
//! the SignedData's `crls` field (CRLs as CertificateList, OCSP responses as
//! RFC 5940 other revocation info, id-ri-ocsp-response), and the certificates
//! the chains and OCSP responders need added to `certificates`. Both fields
//! are unsigned: adding them leaves the signature as it was.
//!
//! The `cms` crate's `OtherRevocationInfoFormat` types the format as an
//! AlgorithmIdentifier where RFC 5652 has an OBJECT IDENTIFIER, so the
//! SignedData is written, and read back, through the mirror of
//! `cms::ber`, whose revocation values follow the RFC.

use std::cell::RefCell;

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, SignerIdentifier};
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::asn1::{Any, SetOfVec};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use super::PackageError;
use super::evidence;
use crate::asn1::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN;
use crate::cms::ber::{SignedDataMirror, read_mirror};
use crate::cms::revocation_values::{ID_RI_OCSP_RESPONSE, OtherRevocationInfo, RevocationValue};
use crate::cms::{sign_detached, sign_detached_timestamped};
use crate::revocation::Evidence;
use crate::seal::{Level, LongTerm, Sealer, long_term};
use crate::timestamp::Token;

/// manifest.json's seal, and what its archive timestamps start from.
pub(super) struct SealedManifest {
    /// `manifest.json.p7s`, DER.
    pub signature: Vec<u8>,
    /// At B-LT and above: the signature's time-stamp token and the evidence
    /// gathered for the seal's chain and the token's authority chain.
    pub lasting: Option<(Token, Evidence)>,
}

/// Seals `json` with `sealer`, carried as far as `long_term` asks (B-B
/// without it).
pub(super) fn seal_manifest(
    json: &[u8],
    sealer: &Sealer,
    long_term: Option<LongTerm>,
) -> Result<SealedManifest, PackageError> {
    let Some(long_term) = long_term.filter(|l| l.level > Level::B) else {
        let signature =
            sign_detached(&[json], sealer.chain, sealer.signer).map_err(PackageError::Signature)?;
        return Ok(SealedManifest {
            signature,
            lasting: None,
        });
    };
    let token: RefCell<Option<Token>> = RefCell::new(None);
    let stamper = |data: &[u8]| {
        let stamped = long_term.authorities.stamp(data)?;
        token.replace(Some(stamped.clone()));
        Ok(stamped)
    };
    let signature = sign_detached_timestamped(&[json], sealer.chain, sealer.signer, &stamper)
        .map_err(PackageError::Signature)?;
    let token = token
        .take()
        .ok_or_else(|| PackageError::Bug("manifest.json's seal was not time-stamped".into()))?;
    if long_term.level < Level::Lt {
        return Ok(SealedManifest {
            signature,
            lasting: None,
        });
    }
    let known = long_term::known_certificates(sealer.chain, &token);
    let chains = long_term::chains_to_validate(sealer.chain, &token, &known);
    let gathered = evidence::gather(long_term.authorities, &chains)?;
    let signature = with_revocation_values(&signature, &gathered)?;
    Ok(SealedManifest {
        signature,
        lasting: Some((token, gathered)),
    })
}

/// `p7s` (a DER ContentInfo holding a SignedData) with the OCSP responses and
/// CRLs of `evidence` in its `crls` and the certificates of `evidence` it
/// lacks in its `certificates`. The version becomes 5, as RFC 5652 asks of a
/// SignedData with other revocation info.
pub(super) fn with_revocation_values(
    p7s: &[u8],
    evidence: &Evidence,
) -> Result<Vec<u8>, PackageError> {
    let bug = |what: &str, e: der::Error| PackageError::Bug(format!("{what}: {e}"));
    let mut signed = read(p7s).map_err(PackageError::Bug)?;
    let certificates = with_certificates(signed.certificates.take(), evidence)?;
    let values = with_values(signed.crls.take(), evidence)?;
    if values
        .iter()
        .any(|value| matches!(value, RevocationValue::Other(_)))
    {
        signed.version = CmsVersion::V5;
    }
    signed.certificates = Some(CertificateSet(
        SetOfVec::try_from(certificates).map_err(|e| bug("the certificates", e))?,
    ));
    signed.crls = Some(SetOfVec::try_from(values).map_err(|e| bug("the revocation values", e))?);
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(|e| bug("the SignedData", e))?,
    }
    .to_der()
    .map_err(|e| bug("the ContentInfo", e))
}

/// The certificates of `set`, then those of `evidence` not among them.
fn with_certificates(
    set: Option<CertificateSet>,
    evidence: &Evidence,
) -> Result<Vec<CertificateChoices>, PackageError> {
    let mut certificates: Vec<CertificateChoices> =
        set.map(|set| set.0.into_vec()).unwrap_or_default();
    for der in &evidence.certificates {
        let certificate = Certificate::from_der(der).map_err(|e| {
            PackageError::Revocation(format!("a certificate is not X.509 DER: {e}"))
        })?;
        let choice = CertificateChoices::Certificate(certificate);
        if !certificates.contains(&choice) {
            certificates.push(choice);
        }
    }
    Ok(certificates)
}

/// The revocation values of `set`, then the CRLs and OCSP responses of
/// `evidence` not among them.
fn with_values(
    set: Option<SetOfVec<RevocationValue>>,
    evidence: &Evidence,
) -> Result<Vec<RevocationValue>, PackageError> {
    let mut values: Vec<RevocationValue> = set.map(SetOfVec::into_vec).unwrap_or_default();
    let crls = evidence.crls.iter().map(|crl| {
        CertificateList::from_der(crl)
            .map(RevocationValue::Crl)
            .map_err(|e| PackageError::Revocation(format!("a CRL is not DER: {e}")))
    });
    let responses = evidence.ocsp_responses.iter().map(|response| {
        let info = Any::from_der(response)
            .map_err(|e| PackageError::Revocation(format!("an OCSP response is not DER: {e}")))?;
        Ok(RevocationValue::Other(OtherRevocationInfo {
            format: ID_RI_OCSP_RESPONSE,
            info,
        }))
    });
    for value in crls.chain(responses) {
        let value = value?;
        if !values.contains(&value) {
            values.push(value);
        }
    }
    Ok(values)
}

/// What renewing a package needs from manifest.json.p7s.
pub(super) struct ReadSeal {
    /// The seal's certificate, DER.
    pub signer: Vec<u8>,
    /// Every certificate the SignedData carries, DER.
    pub certificates: Vec<Vec<u8>>,
    /// Its signature-time-stamp tokens, DER ContentInfos.
    pub tokens: Vec<Vec<u8>>,
}

/// Reads manifest.json.p7s (DER) for its seal's certificate, the
/// certificates it carries and its signature time-stamps.
pub(super) fn read_seal(p7s: &[u8]) -> Result<ReadSeal, String> {
    let signed = read(p7s)?;
    let certificates: Vec<&Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => Some(certificate),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let signer_info = match signed.signer_infos.0.as_slice() {
        [one] => one,
        _ => return Err("it does not hold exactly one signer".into()),
    };
    let SignerIdentifier::IssuerAndSerialNumber(id) = &signer_info.sid else {
        return Err("it names its signer by key identifier, which gazette never writes".into());
    };
    let signer = certificates
        .iter()
        .find(|c| {
            let tbs = c.tbs_certificate();
            tbs.issuer() == &id.issuer && tbs.serial_number() == &id.serial_number
        })
        .ok_or("it does not carry its signer's certificate")?;
    let tokens = signer_info
        .unsigned_attrs
        .iter()
        .flat_map(|attributes| attributes.iter())
        .filter(|attribute| attribute.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .flat_map(|attribute| attribute.values.iter())
        .map(der)
        .collect::<Result<_, _>>()?;
    Ok(ReadSeal {
        signer: der(*signer)?,
        certificates: certificates
            .iter()
            .map(|c| der(*c))
            .collect::<Result<_, _>>()?,
        tokens,
    })
}

fn der(value: &impl Encode) -> Result<Vec<u8>, String> {
    value.to_der().map_err(|e| e.to_string())
}

fn read(p7s: &[u8]) -> Result<SignedDataMirror, String> {
    read_mirror(p7s).map_err(|e| e.to_string())
}
