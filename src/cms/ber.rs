//! Reading a CMS `SignedData` written in BER or DER, as signers really write
//! it: `openssl cms -sign -stream` and several signing products use
//! indefinite lengths and chunked (constructed) OCTET STRINGs.
//!
//! `der` reads BER itself (`EncodingRules::Ber`). The structure is read into a
//! typed mirror of ContentInfo/SignedData whose eContent is an `OctetString`,
//! which `der` reassembles from its chunks, and is then encoded again as DER
//! and read with the `cms` types, so everything after this module sees strict
//! DER. The mirror must not hold the content as `Any`: `Any` keeps the raw BER
//! inside, and a chunked eContent would come out as the chunks' TLVs.

use cms::content_info::{CmsVersion, ContentInfo};
use cms::revocation::RevocationInfoChoices;
use cms::signed_data::{CertificateSet, SignedData, SignerInfos};
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, EncodingRules, Reader, Sequence, SliceReader};
use spki::AlgorithmIdentifierOwned;

use super::CmsError;

/// EncapsulatedContentInfo, with the content typed so BER chunks are joined.
#[derive(Sequence)]
struct EncapsulatedContent {
    econtent_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    econtent: Option<OctetString>,
}

/// SignedData (RFC 5652 section 5.1), field for field.
#[derive(Sequence)]
struct SignedDataMirror {
    version: CmsVersion,
    digest_algorithms: SetOfVec<AlgorithmIdentifierOwned>,
    encap_content_info: EncapsulatedContent,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    certificates: Option<CertificateSet>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    crls: Option<RevocationInfoChoices>,
    signer_infos: SignerInfos,
}

/// ContentInfo whose content is a SignedData.
#[derive(Sequence)]
struct ContentInfoMirror {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    content: SignedDataMirror,
}

/// A SignedData read from DER or BER: the structure as DER types, and the
/// encapsulated content's octets when it carries them.
pub(crate) struct ReadSignedData {
    pub(crate) signed_data: SignedData,
    pub(crate) econtent: Option<Vec<u8>>,
}

/// Reads the ContentInfo at the start of `cms`, in DER or BER. Zero bytes
/// after it are allowed: a PDF pads `/Contents` with them up to the reserved
/// size.
pub(crate) fn read_signed_data(cms: &[u8]) -> Result<ReadSignedData, CmsError> {
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
    let econtent = mirror
        .content
        .encap_content_info
        .econtent
        .as_ref()
        .map(|octets| octets.as_bytes().to_vec());
    let der = der::Encode::to_der(&mirror.content)
        .map_err(|e| malformed(format!("the SignedData cannot be encoded as DER: {e}")))?;
    let signed_data = SignedData::from_der(&der)
        .map_err(|e| malformed(format!("the SignedData cannot be read: {e}")))?;
    Ok(ReadSignedData {
        signed_data,
        econtent,
    })
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
