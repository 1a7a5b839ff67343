//! The signed attributes of a PAdES baseline B-B signature, and the ESS
//! signing-certificate attributes, v2 (RFC 5035) and the SHA-1 v1 that
//! time-stamp authorities still write (RFC 2634), which bind the signer's
//! certificate into what is signed.
//!
//! B-B signs exactly content-type, message-digest and signing-certificate-v2;
//! the signing time belongs in the PDF's `/M`, not in a signing-time attribute.

use cms::signed_data::{SignedAttributes, UnsignedAttributes};
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
use x509_cert::serial_number::SerialNumber;

use super::algorithm::DigestAlgorithm;
use super::certs::ParsedCertificate;

/// SigningCertificateV2 (RFC 5035 section 3).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub(crate) certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub(crate) policies: Option<Vec<PolicyInformation>>,
}

/// ESSCertIDv2 (RFC 5035 section 4). hashAlgorithm is `DEFAULT id-sha256`,
/// which DER leaves out; `None` stands for that default (der's derive cannot
/// express a DEFAULT of this type).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub(crate) hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub(crate) cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub(crate) issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificate (RFC 2634 section 5.4): v1, which names certificates
/// by their SHA-1 hash.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct SigningCertificateV1 {
    pub(crate) certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    pub(crate) policies: Option<Vec<PolicyInformation>>,
}

/// ESSCertID (RFC 2634 section 5.4.1): the SHA-1 hash of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct EssCertId {
    pub(crate) cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub(crate) issuer_serial: Option<IssuerSerial>,
}

/// IssuerSerial (RFC 5035 section 4).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct IssuerSerial {
    pub(crate) issuer: GeneralNames,
    pub(crate) serial_number: SerialNumber,
}

impl EssCertIdV2 {
    pub(crate) fn hash_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.hash_algorithm
            .clone()
            .unwrap_or_else(|| DigestAlgorithm::Sha256.identifier())
    }
}

impl SigningCertificateV2 {
    /// Identifies `signer` by its SHA-256 hash, issuer and serial number.
    pub(crate) fn for_signer(signer: &ParsedCertificate) -> Result<Self, der::Error> {
        let tbs = signer.cert.tbs_certificate();
        Ok(SigningCertificateV2 {
            certs: vec![EssCertIdV2 {
                hash_algorithm: None,
                cert_hash: OctetString::new(signer.sha256())?,
                issuer_serial: Some(IssuerSerial {
                    issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                    serial_number: tbs.serial_number().clone(),
                }),
            }],
            policies: None,
        })
    }
}

/// The three signed attributes of a B-B signature over content whose digest
/// is `message_digest`, sorted as DER sorts a SET OF.
pub(crate) fn pades_attributes(
    message_digest: &[u8],
    signer: &ParsedCertificate,
) -> Result<SignedAttributes, der::Error> {
    SetOfVec::try_from(vec![
        attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(message_digest)?)?,
        )?,
        attribute(
            ID_AA_SIGNING_CERTIFICATE_V_2,
            Any::encode_from(&SigningCertificateV2::for_signer(signer)?)?,
        )?,
    ])
}

/// The unsigned attributes of a B-T signature: the signature-time-stamp
/// (RFC 3161 appendix A) holding `token`, a DER time-stamp token over the
/// signature value.
pub(crate) fn signature_time_stamp(token: &[u8]) -> Result<UnsignedAttributes, der::Error> {
    SetOfVec::try_from(vec![attribute(
        crate::asn1::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
        Any::from_der(token)?,
    )?])
}

pub(crate) fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, der::Error> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// The single value of the attribute `oid`: `Ok(None)` when absent, an error
/// when it is repeated or has other than one value (RFC 5652 section 11).
pub(crate) fn single_value(
    attributes: &SignedAttributes,
    oid: ObjectIdentifier,
) -> Result<Option<&Any>, String> {
    let mut found = attributes.iter().filter(|a| a.oid == oid);
    let Some(first) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err("appears more than once".to_owned());
    }
    match first.values.as_slice() {
        [value] => Ok(Some(value)),
        values => Err(format!("has {} values instead of one", values.len())),
    }
}
