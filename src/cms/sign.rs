//! Making the CMS `SignedData` of a PAdES baseline signature (SubFilter
//! `ETSI.CAdES.detached`): B-B, or B-T when a time-stamp authority stamps the
//! signature value (RFC 3161 appendix A).
//!
//! The `cms` crate's builder cannot be used (it does not build against this
//! dependency set and stamps a signing time B-B forbids), so the structures are
//! filled in directly and only the signing goes through the [`Signer`].

use cms::cert::CertificateChoices;
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::db::rfc5911::{ID_DATA, ID_SIGNED_DATA};
use der::Encode;
use der::asn1::{Any, OctetString, SetOfVec};

use super::CmsError;
use super::algorithm::{digest_of, signature_identifier, verifier_for};
use super::attributes::{pades_attributes, signature_time_stamp};
use super::certs::ParsedCertificate;
use crate::signer::{SignatureAlgorithm, Signer};
use crate::timestamp::Token;

/// A time-stamp authority as signing sees it: a token over SHA-256 of the
/// bytes given, already checked, or why there is none.
pub type TimeStamper<'a> = dyn Fn(&[u8]) -> Result<Token, String> + 'a;

/// Room for everything in the CMS except the certificates, the signer's
/// issuer name (written twice) and the signature value, with a wide margin:
/// those fixed parts come to about 340 bytes with RSASSA-PSS, whose
/// identifier is the longest.
const FIXED_PART_BOUND: usize = 1024;

/// Room for a time-stamp token in the unsigned attributes. A token is a
/// TSTInfo of a few hundred bytes signed by the authority, with its
/// certificate and often its chain: about 1.7 KiB with one RSA-2048
/// certificate. A token that does not fit makes the seal be planned again
/// with the room it really needs (see `seal::pdf`).
pub const TIME_STAMP_ALLOWANCE: usize = 8 * 1024;

/// Signs `content` (the PDF's byte ranges, in order) as a detached PAdES B-B
/// CMS signature. `chain` holds DER certificates, the signer's first; all of
/// them go into the CMS. Returns the DER `ContentInfo`.
///
/// Fails if a certificate cannot be read, the key store fails, or the
/// signature made does not verify with the signer's certificate (a key that
/// does not belong to it).
pub fn sign_detached(
    content: &[&[u8]],
    chain: &[Vec<u8>],
    signer: &dyn Signer,
) -> Result<Vec<u8>, CmsError> {
    sign(content, chain, signer, None)
}

/// [`sign_detached`] at PAdES baseline B-T: `stamp` is asked for a token over
/// the signature value, which goes into the SignerInfo as the
/// signature-time-stamp unsigned attribute. Fails as [`sign_detached`] does,
/// or when `stamp` fails.
pub fn sign_detached_timestamped(
    content: &[&[u8]],
    chain: &[Vec<u8>],
    signer: &dyn Signer,
    stamp: &TimeStamper,
) -> Result<Vec<u8>, CmsError> {
    sign(content, chain, signer, Some(stamp))
}

fn sign(
    content: &[&[u8]],
    chain: &[Vec<u8>],
    signer: &dyn Signer,
    stamp: Option<&TimeStamper>,
) -> Result<Vec<u8>, CmsError> {
    let certificates = read_chain(chain)?;
    let signer_cert = &certificates[0];
    let algorithm = signer.algorithm();
    let digest = digest_of(algorithm);

    let signed_attrs =
        pades_attributes(&digest.digest(content), signer_cert).map_err(CmsError::Encoding)?;
    // RFC 5652 section 5.4: the signature covers the attributes as a DER SET OF.
    let to_sign = signed_attrs.to_der().map_err(CmsError::Encoding)?;
    let signature = signer.sign(&to_sign).map_err(CmsError::Signer)?;
    check_key_matches(signer_cert, algorithm, &to_sign, &signature)?;
    let unsigned_attrs = match stamp {
        Some(stamp) => {
            let token = stamp(&signature).map_err(CmsError::Timestamp)?;
            Some(signature_time_stamp(&token.der).map_err(CmsError::Encoding)?)
        }
        None => None,
    };

    let tbs = signer_cert.cert.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: digest.identifier(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signature_identifier(algorithm).map_err(CmsError::Encoding)?,
        signature: OctetString::new(signature).map_err(CmsError::Encoding)?,
        unsigned_attrs,
    };
    let signed_data = SignedData {
        // Version 1: id-data content, certificates only, issuerAndSerialNumber.
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![digest.identifier()])
            .map_err(CmsError::Encoding)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(certificate_set(certificates)?),
        crls: None,
        signer_infos: SignerInfos(
            SetOfVec::try_from(vec![signer_info]).map_err(CmsError::Encoding)?,
        ),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(CmsError::Encoding)?,
    }
    .to_der()
    .map_err(CmsError::Encoding)
}

/// A safe upper bound of [`sign_detached`]'s output length for `chain`, for
/// the placeholder a PDF reserves before the signature exists.
///
/// The certificates are counted as they are. The signer's issuer name appears
/// twice more (issuerAndSerialNumber and signing-certificate-v2), and the
/// signature is no longer than the signer's public key info (an RSA signature
/// is as long as the modulus, an ECDSA one shorter than its curve point); each
/// of these is shorter than the signer's certificate.
pub fn reserved_size(chain: &[Vec<u8>]) -> usize {
    let certificates: usize = chain.iter().map(Vec::len).sum();
    let signer = chain.first().map_or(0, Vec::len);
    certificates + 3 * signer + FIXED_PART_BOUND
}

/// [`reserved_size`] with room for a time-stamp token of `token` bytes (the
/// attribute around it is counted in [`FIXED_PART_BOUND`]'s margin).
pub fn reserved_size_timestamped(chain: &[Vec<u8>], token: usize) -> usize {
    reserved_size(chain) + token
}

fn read_chain(chain: &[Vec<u8>]) -> Result<Vec<ParsedCertificate>, CmsError> {
    if chain.is_empty() {
        return Err(CmsError::Certificate(
            "no certificate to sign with: the chain must start with the seal's certificate"
                .to_owned(),
        ));
    }
    ParsedCertificate::all_from_der(chain, |n| format!("certificate {n} of the signing chain"))
}

/// Refuses to emit a signature that its own certificate does not verify: a key
/// store holding the wrong key would otherwise produce seals that all fail.
fn check_key_matches(
    signer_cert: &ParsedCertificate,
    algorithm: SignatureAlgorithm,
    signed: &[u8],
    signature: &[u8],
) -> Result<(), CmsError> {
    let key = signer_cert.cert.tbs_certificate().subject_public_key_info();
    let identifier = signature_identifier(algorithm).map_err(CmsError::Encoding)?;
    let verifier = verifier_for(&identifier, key, Some(digest_of(algorithm))).map_err(|why| {
        CmsError::KeyMismatch(format!(
            "the key store signs with {algorithm:?} but the certificate of {} cannot verify it: {why}",
            signer_cert.subject_text()
        ))
    })?;
    if verifier.verify(key, signed, signature) {
        Ok(())
    } else {
        Err(CmsError::KeyMismatch(format!(
            "the signature made by the key store does not verify with the certificate of {}: \
             the key does not belong to that certificate",
            signer_cert.subject_text()
        )))
    }
}

/// The CMS certificate set; a certificate given twice is written once, since
/// a DER SET OF cannot hold duplicates.
fn certificate_set(certificates: Vec<ParsedCertificate>) -> Result<CertificateSet, CmsError> {
    let mut choices: Vec<CertificateChoices> = Vec::with_capacity(certificates.len());
    let mut seen: Vec<Vec<u8>> = Vec::with_capacity(certificates.len());
    for certificate in certificates {
        if !seen.contains(&certificate.der) {
            seen.push(certificate.der);
            choices.push(CertificateChoices::Certificate(certificate.cert));
        }
    }
    Ok(CertificateSet(
        SetOfVec::try_from(choices).map_err(CmsError::Encoding)?,
    ))
}
