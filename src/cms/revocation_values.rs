//! Revocation values in a SignedData's `crls` field (RFC 5652 section
//! 10.2.1): CRLs, and OCSP responses as other revocation info
//! (id-ri-ocsp-response, RFC 5940), as CAdES-LT carries them.
//!
//! The `cms` crate types OtherRevocationInfoFormat's format as an
//! AlgorithmIdentifier where RFC 5652 has an OBJECT IDENTIFIER, and so
//! refuses every correctly written OCSP value; these types follow the RFC.

use std::cmp::Ordering;

use der::asn1::{Any, ObjectIdentifier};
use der::{Choice, DerOrd, Encode, Sequence, ValueOrd};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

/// id-ri-ocsp-response (RFC 5940): an OCSPResponse among the revocation values.
pub const ID_RI_OCSP_RESPONSE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2");

/// RevocationInfoChoice.
#[derive(Clone, Debug, PartialEq, Eq, Choice)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum RevocationValue {
    Crl(CertificateList<Rfc5280>),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Other(OtherRevocationInfo),
}

/// OtherRevocationInfoFormat.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct OtherRevocationInfo {
    pub(crate) format: ObjectIdentifier,
    pub(crate) info: Any,
}

/// A SET OF orders its members by their DER encodings.
impl ValueOrd for RevocationValue {
    fn value_cmp(&self, other: &Self) -> der::Result<Ordering> {
        self.to_der()?.der_cmp(&other.to_der()?)
    }
}
