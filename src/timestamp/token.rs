//! Reading a time-stamp token: the TSTInfo it signs, the certificates it
//! carries and which of them is the authority's. Parsing only: whether the
//! token's signature holds is for the CMS check.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::Any;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;

use super::{TimestampError, Token};
use crate::asn1::GenTime;
use crate::asn1::tsp::{ID_CT_TST_INFO, MessageImprint, TstInfo};
use crate::cms::algorithm::DigestAlgorithm;
use crate::cms::{CmsError, names_signer, read_signed_data};
use crate::digest::hex;

/// A time-stamp token and what its TSTInfo says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub token: Token,
    /// genTime as the authority wrote it, fractions of a second included.
    pub gen_time: GenTime,
    /// The authority's policy under which the token was issued.
    pub policy: ObjectIdentifier,
    /// The token's serial number, lowercase hex.
    pub serial: String,
    /// What was stamped: a digest and its algorithm.
    pub imprint: MessageImprint,
    /// The request's nonce as the token echoes it (big-endian), if any.
    pub nonce: Option<Vec<u8>>,
    /// The authority's name as the TSTInfo gives it, if it does.
    pub tsa_name: Option<String>,
    /// Whether `token.tsa_certificates[0]` is the certificate the token's
    /// SignerInfo names. When false, the authority's certificate must come
    /// from elsewhere (a PDF's DSS).
    pub signer_included: bool,
}

impl TokenInfo {
    /// The authority's certificate (DER), when the token carries it.
    pub fn signer_certificate(&self) -> Option<&[u8]> {
        self.token
            .tsa_certificates
            .first()
            .filter(|_| self.signer_included)
            .map(Vec::as_slice)
    }

    /// Whether the token stamps `data`: its imprint is the digest of `data`.
    /// `None` when the imprint's digest algorithm is not one gazette computes
    /// (SHA-256, SHA-384, SHA-512).
    pub fn stamps(&self, data: &[u8]) -> Option<bool> {
        let algorithm = DigestAlgorithm::from_identifier(&self.imprint.hash_algorithm)?;
        Some(algorithm.digest(&[data]) == self.imprint.hashed_message.as_bytes())
    }
}

/// Reads a time-stamp token (a ContentInfo holding a SignedData over a
/// TSTInfo, in DER or BER): the attested time and the facts around it. Does
/// not check the signature. A BER token is kept re-encoded as DER, which
/// leaves its signature whole (signed attributes are signed as DER, and the
/// TSTInfo's digest is over its octets, not their encoding) and lets it sit
/// inside a DER signature.
pub fn read_token(encoded: &[u8]) -> Result<TokenInfo, TimestampError> {
    let malformed = |why: String| TimestampError::Malformed { url: None, why };
    let signed = read_signed_data(encoded)
        .map_err(|error| match error {
            CmsError::Malformed(why) => malformed(why),
            other => malformed(other.to_string()),
        })?
        .signed_data;
    let der = if ContentInfo::from_der(encoded).is_ok() {
        encoded.to_vec()
    } else {
        as_der(&signed).map_err(|e| malformed(format!("it cannot be re-encoded as DER: {e}")))?
    };
    let info = tst_info(&signed).map_err(malformed)?;
    let (tsa_certificates, signer_included) = certificates(&signed).map_err(malformed)?;
    Ok(TokenInfo {
        token: Token {
            der,
            time: info.gen_time.unix(),
            tsa_certificates,
        },
        serial: hex(info.serial_number.as_bytes()),
        nonce: info.nonce.as_ref().map(|n| n.as_bytes().to_vec()),
        tsa_name: info.tsa.as_ref().map(general_name_text),
        gen_time: info.gen_time,
        policy: info.policy,
        imprint: info.message_imprint,
        signer_included,
    })
}

fn as_der(signed: &SignedData) -> der::Result<Vec<u8>> {
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(signed)?,
    }
    .to_der()
}

fn tst_info(signed: &SignedData) -> Result<TstInfo, String> {
    let encapsulated = &signed.encap_content_info;
    if encapsulated.econtent_type != ID_CT_TST_INFO {
        return Err(format!(
            "it signs content of type {}, not a TSTInfo",
            encapsulated.econtent_type
        ));
    }
    let content = encapsulated
        .econtent
        .as_ref()
        .ok_or("it does not embed the TSTInfo it signs")?;
    let info = TstInfo::from_der(content.value())
        .map_err(|e| format!("its TSTInfo cannot be read: {e}"))?;
    if info.version != 1 {
        return Err(format!(
            "its TSTInfo has version {}; only version 1 exists",
            info.version
        ));
    }
    Ok(info)
}

/// The token's certificates as DER, the one its SignerInfo names first, and
/// whether that one was found.
fn certificates(signed: &SignedData) -> Result<(Vec<Vec<u8>>, bool), String> {
    let signer = signed
        .signer_infos
        .0
        .as_slice()
        .first()
        .ok_or("it holds no SignerInfo, so nothing is signed")?;
    let mut certificates: Vec<&Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => Some(certificate),
            _ => None,
        })
        .collect();
    let position = certificates
        .iter()
        .position(|c| names_signer(c, &signer.sid));
    if let Some(position) = position {
        let own = certificates.remove(position);
        certificates.insert(0, own);
    }
    let ders = certificates
        .into_iter()
        .map(|c| c.to_der())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("a certificate in it cannot be encoded: {e}"))?;
    Ok((ders, position.is_some()))
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DirectoryName(name) => name.to_string(),
        GeneralName::UniformResourceIdentifier(text)
        | GeneralName::DnsName(text)
        | GeneralName::Rfc822Name(text) => text.to_string(),
        GeneralName::RegisteredId(oid) => oid.to_string(),
        _ => "(a name form gazette does not display)".to_owned(),
    }
}
