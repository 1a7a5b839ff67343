//! Reading a CMS `SignedData` written in BER or DER, as signers really write
//! it: `openssl cms -sign -stream` and several signing products use
//! indefinite lengths and chunked (constructed) OCTET STRINGs.
//!
//! `der` reads BER itself (`EncodingRules::Ber`). The structure is read into a
//! typed mirror of ContentInfo/SignedData whose eContent is an `OctetString`,
//! which `der` reassembles from its chunks, and is then encoded again as DER
//! and read with the `cms` types, so everything after this module sees strict
//! DER. The mirror must not hold the content as `Any`: `Any` keeps the raw BER
//! inside, and a chunked eContent would come out as the chunks' TLVs. Its
//! revocation values are typed as RFC 5652 has them ([`super::revocation_values`]),
//! which the `cms` types are not: they are taken out of the mirror, as
//! evidence, before it is read with those types. Sealing writes a SignedData
//! through the same mirror when it adds revocation values.

use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, SignedData, SignerInfos};
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, EncodingRules, Reader, Sequence, SliceReader};
use spki::AlgorithmIdentifierOwned;

use super::CmsError;
use super::revocation_values::{ID_RI_OCSP_RESPONSE, RevocationValue};
use crate::revocation::Evidence;

/// EncapsulatedContentInfo, with the content typed so BER chunks are joined.
#[derive(Sequence)]
struct EncapsulatedContent {
    econtent_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    econtent: Option<OctetString>,
}

/// SignedData (RFC 5652 section 5.1), field for field.
#[derive(Sequence)]
pub(crate) struct SignedDataMirror {
    pub(crate) version: CmsVersion,
    pub(crate) digest_algorithms: SetOfVec<AlgorithmIdentifierOwned>,
    encap_content_info: EncapsulatedContent,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub(crate) certificates: Option<CertificateSet>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub(crate) crls: Option<SetOfVec<RevocationValue>>,
    pub(crate) signer_infos: SignerInfos,
}

/// ContentInfo whose content is a SignedData.
#[derive(Sequence)]
struct ContentInfoMirror {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    content: SignedDataMirror,
}

/// A SignedData read from DER or BER: the structure as DER types, the
/// encapsulated content's octets when it carries them, and the CRLs and
/// OCSP responses among its revocation values.
pub(crate) struct ReadSignedData {
    pub(crate) signed_data: SignedData,
    pub(crate) econtent: Option<Vec<u8>>,
    pub(crate) revocation: Evidence,
    /// Whether `crls` held other revocation information (RFC 5652's
    /// OtherRevocationInfoFormat), which asks for SignedData version 5.
    pub(crate) other_revocation: bool,
}

/// Reads the ContentInfo at the start of `cms`, in DER or BER. Zero bytes
/// after it are allowed: a PDF pads `/Contents` with them up to the reserved
/// size.
pub(crate) fn read_signed_data(cms: &[u8]) -> Result<ReadSignedData, CmsError> {
    let malformed = |why: String| CmsError::Malformed(why);
    let mut mirror = read_mirror(cms)?;
    let econtent = mirror
        .encap_content_info
        .econtent
        .as_ref()
        .map(|octets| octets.as_bytes().to_vec());
    let other_revocation = mirror
        .crls
        .iter()
        .flat_map(|values| values.iter())
        .any(|value| matches!(value, RevocationValue::Other(_)));
    let revocation = revocation_evidence(mirror.crls.take())
        .map_err(|e| malformed(format!("a revocation value cannot be encoded: {e}")))?;
    let der = der::Encode::to_der(&mirror)
        .map_err(|e| malformed(format!("the SignedData cannot be encoded as DER: {e}")))?;
    let signed_data = SignedData::from_der(&der)
        .map_err(|e| malformed(format!("the SignedData cannot be read: {e}")))?;
    Ok(ReadSignedData {
        signed_data,
        econtent,
        revocation,
        other_revocation,
    })
}

/// The SignedData of the ContentInfo at the start of `cms`, in DER or BER,
/// field for field; zero padding after it allowed.
pub(crate) fn read_mirror(cms: &[u8]) -> Result<SignedDataMirror, CmsError> {
    let malformed = |why: String| CmsError::Malformed(why);
    let (mirror, end) = match decode_first::<ContentInfoMirror>(cms) {
        Ok(read) => read,
        Err(error) => return Err(malformed(why_not_signed_data(cms, error))),
    };
    if mirror.content_type != ID_SIGNED_DATA {
        return Err(malformed(format!(
            "its content type is {}, not signed-data",
            mirror.content_type
        )));
    }
    if cms[end..].iter().any(|&byte| byte != 0) {
        return Err(malformed(format!(
            "{} bytes other than zero padding follow the ContentInfo",
            cms.len() - end
        )));
    }
    Ok(mirror.content)
}

/// The CRLs and OCSP responses among `values`, as DER; other formats of
/// other revocation info are none gazette knows.
fn revocation_evidence(values: Option<SetOfVec<RevocationValue>>) -> der::Result<Evidence> {
    let mut evidence = Evidence::default();
    for value in values.into_iter().flat_map(SetOfVec::into_vec) {
        match value {
            RevocationValue::Crl(list) => evidence.crls.push(der::Encode::to_der(&list)?),
            RevocationValue::Other(other) if other.format == ID_RI_OCSP_RESPONSE => {
                evidence
                    .ocsp_responses
                    .push(der::Encode::to_der(&other.info)?);
            }
            RevocationValue::Other(_) => {}
        }
    }
    Ok(evidence)
}

/// Decodes one `T` from the start of `bytes` with BER rules (DER is BER), and
/// says where it ends.
fn decode_first<'a, T: Decode<'a, Error = der::Error>>(bytes: &'a [u8]) -> der::Result<(T, usize)> {
    let mut reader = SliceReader::new_with_encoding_rules(bytes, EncodingRules::Ber)?;
    let value = T::decode(&mut reader)?;
    let end = usize::try_from(reader.position())?;
    Ok((value, end))
}

/// Why `cms` is not a readable SignedData, when the mirror failed on it: not
/// a ContentInfo at all, another content type, or a broken SignedData.
fn why_not_signed_data(cms: &[u8], error: der::Error) -> String {
    match decode_first::<ContentInfo>(cms) {
        Err(_) => format!("not a DER ContentInfo, nor a BER one: {error}"),
        Ok((info, _)) if info.content_type != ID_SIGNED_DATA => {
            format!("its content type is {}, not signed-data", info.content_type)
        }
        Ok(_) => format!("the SignedData cannot be read: {error}"),
    }
}
