//! The EPUB seal's XML signature in the one form gazette writes and reads:
//! `META-INF/signatures.xml` with one XML-DSig 1.1 `<Signature>`. Sealing
//! ([`crate::seal::epub`]) writes it from these pieces; verifying
//! ([`crate::verify`]) parses it, writes what it parsed again with the same
//! pieces and compares bytes.
//!
//! # What is signed
//!
//! One `<Signature Id="gazette-seal">` inside OCF's `<signatures>` root. Its
//! SignedInfo holds one Reference per container file, `mimetype` included:
//! the URI is the file's path in the container, percent-encoded, the digest
//! is SHA-256 of the file's bytes as they are (no transforms). OCF takes
//! paths in META-INF files relative to the container root, not to META-INF/.
//! One more Reference, first, points at the SignatureProperties in the
//! signature's Object, which holds the claimed signing time as `dc:date`, so
//! the time is signed too. KeyInfo carries the certificate chain, the seal's
//! own certificate first: the verifier relies on that order. The signature
//! methods are those of [`crate::cms::algorithm`]'s table, by their RFC 6931
//! URIs; ECDSA values are r‖s, each padded to the curve size.
//!
//! # Canonicalisation
//!
//! XML-DSig signs the canonical form of SignedInfo (here inclusive Canonical
//! XML 1.0 without comments, the CanonicalizationMethod written) and digests a
//! same-document reference as the canonical form of the element it names.
//! gazette has no general canonicaliser: it writes these two elements already
//! in the exact form Canonical XML 1.0 gives them as document subsets of the
//! document they sit in, and signs and digests those very bytes:
//!
//! - The apex of a document subset carries every namespace in scope. SignedInfo
//!   and SignatureProperties inherit the default namespace from Signature, so
//!   each spells `xmlns="http://www.w3.org/2000/09/xmldsig#"` itself: redundant
//!   in the document, required in the canonical form, so the bytes agree.
//!   `dc:date` declares its own prefix, which C14N renders there too.
//! - No ancestor carries another namespace declaration or an `xml:*`
//!   attribute, both of which C14N 1.0 would pull into the subset.
//! - Namespace declarations come first, then attributes in canonical order
//!   (Reference's `Type` before `URI`); values in double quotes; empty elements
//!   as start and end tags; no whitespace between elements; no comments.
//! - Every value comes from a small ASCII alphabet: percent-encoded paths
//!   (unreserved characters and `/`), base64, the digits and signs of an
//!   RFC 3339 time, fixed algorithm URIs. Nothing in them needs escaping in
//!   XML or canonical XML, and there are no carriage returns. quick-xml's
//!   escape functions are deliberately not used: they escape `'` and `>`,
//!   which canonical XML leaves alone, so they could only make the form wrong.
//!
//! Any conforming XML-DSig verifier canonicalises these elements back to the
//! bytes written; the xmlsec1 interop tests of the seal check that.
//!
//! # Limits
//!
//! - Only this form is read back. `gazette verify` parses signatures.xml,
//!   writes what it parsed in this same form and compares bytes: a signature
//!   another tool wrote, or this one reformatted (indented, other prefixes,
//!   `<X/>`), is reported as "not in the canonical form gazette writes"
//!   (`non-canonical`) rather than canonicalised. That keeps a general
//!   canonicaliser, and the signature wrapping attacks that live in its gaps,
//!   out of the verifier.
//! - No transforms: files are digested byte for byte, so any rewrite of a
//!   file (re-encoded XHTML, recompressed images) breaks the seal.
//! - One signature per container, and no other content in signatures.xml.
//! - RSA-PSS is written as RFC 6931's
//!   `http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1` (salt length =
//!   hash length), which `gazette verify` checks but xmlsec1 1.2 cannot:
//!   seal with ECDSA or PKCS#1 v1.5 where xmlsec1 must verify the EPUB.
//! - The signing time is claimed by the sealer, not attested by a time stamp.
//! - Reference URIs are relative to the container root. xmlsec1 1.2 resolves
//!   them against its working directory, so it must run from the root of the
//!   unpacked container: `cd ROOT && xmlsec1 --verify --trusted-pem root.pem
//!   META-INF/signatures.xml`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use der::asn1::UintRef;
use der::{Decode, Sequence};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use ring::signature;
use x509_cert::Certificate;

use crate::cms::UnixTime;
use crate::cms::algorithm::profile;
use crate::relative_path;
use crate::signer::SignatureAlgorithm;

/// The Id of gazette's Signature element and of its signed properties.
pub(crate) const SIGNATURE_ID: &str = "gazette-seal";
pub(crate) const PROPERTIES_ID: &str = "gazette-seal-properties";

const CONTAINER_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:container";
pub(crate) const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// The DigestMethod of every reference.
pub(crate) const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub(crate) const PROPERTIES_TYPE: &str = "http://www.w3.org/2000/09/xmldsig#SignatureProperties";

/// What a path keeps unencoded in a reference URI: RFC 3986 unreserved
/// characters and the path separator.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The reference URI of a (checked) container path.
pub(crate) fn uri_for(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

/// The container path a reference URI names, if it is one gazette writes: a
/// safe path, encoded exactly as [`uri_for`] encodes it.
pub(crate) fn path_for(uri: &str) -> Option<String> {
    let path = percent_decode_str(uri).decode_utf8().ok()?.into_owned();
    (relative_path::check(&path).is_ok() && uri_for(&path) == uri).then_some(path)
}

/// The claimed signing time: RFC 3339 text (`YYYY-MM-DDTHH:MM:SS` then `Z`
/// or `±HH:MM`, no fractions) and the instant it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClaimedTime {
    pub(crate) text: String,
    pub(crate) at: UnixTime,
}

/// A signing time that is not RFC 3339 as [`ClaimedTime`] takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NotRfc3339(String);

impl fmt::Display for NotRfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the signing time {:?} is not an RFC 3339 date and time such as \
             2025-08-15T00:00:00+08:00 (seconds, no fractions, Z or an offset)",
            self.0
        )
    }
}

impl std::error::Error for NotRfc3339 {}

impl ClaimedTime {
    pub(crate) fn parse(text: &str) -> Result<Self, NotRfc3339> {
        let wrong = || NotRfc3339(text.to_owned());
        let bytes = text.as_bytes();
        let shape_ok = matches!(bytes.len(), 20 | 25)
            && bytes.iter().enumerate().all(|(i, &b)| match i {
                4 | 7 => b == b'-',
                10 => b == b'T',
                13 | 16 | 22 => b == b':',
                19 => matches!(b, b'Z' | b'+' | b'-') && (b == b'Z') == (bytes.len() == 20),
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(wrong());
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().ok();
        let field = |range| number(range).and_then(|n| u8::try_from(n).ok());
        let date_time = match (
            number(0..4),
            field(5..7),
            field(8..10),
            field(11..13),
            field(14..16),
            field(17..19),
        ) {
            (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) => {
                der::DateTime::new(y, mo, d, h, mi, s).map_err(|_| wrong())?
            }
            _ => return Err(wrong()),
        };
        let offset = if bytes.len() == 25 {
            let (hours, minutes) = (
                number(20..22).ok_or_else(wrong)?,
                number(23..25).ok_or_else(wrong)?,
            );
            if hours > 23 || minutes > 59 {
                return Err(wrong());
            }
            let seconds = i64::from(hours) * 3600 + i64::from(minutes) * 60;
            if bytes[19] == b'-' { -seconds } else { seconds }
        } else {
            0
        };
        let local = i64::try_from(date_time.unix_duration().as_secs()).map_err(|_| wrong())?;
        Ok(ClaimedTime {
            text: text.to_owned(),
            at: UnixTime(local - offset),
        })
    }
}

/// The subjectPublicKey of a DER certificate, as ring takes it.
pub(crate) fn public_key(certificate: &[u8]) -> Option<Vec<u8>> {
    let certificate = Certificate::from_der(certificate).ok()?;
    certificate
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .as_bytes()
        .map(<[u8]>::to_vec)
}

/// ECDSA-Sig-Value (RFC 3279), what a signer returns for ECDSA keys.
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// A key store's ECDSA signature that is not a DER Ecdsa-Sig-Value for the
/// curve of its algorithm.
#[derive(Debug)]
pub(crate) struct NotEcdsaSigValue {
    algorithm: SignatureAlgorithm,
    why: EcdsaProblem,
}

#[derive(Debug)]
enum EcdsaProblem {
    Der(der::Error),
    /// An integer longer than the curve's scalars, in bytes.
    TooLong(usize),
}

impl fmt::Display for NotEcdsaSigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the key store returned an ECDSA signature that is not a DER Ecdsa-Sig-Value \
             for {}: ",
            profile(self.algorithm).name
        )?;
        match &self.why {
            EcdsaProblem::Der(error) => write!(f, "{error}"),
            EcdsaProblem::TooLong(len) => write!(f, "an integer of {len} bytes"),
        }
    }
}

impl std::error::Error for NotEcdsaSigValue {}

/// The SignatureValue for a signer's signature: RFC 6931 wants ECDSA as
/// r‖s, each left-padded to the curve size, where signers give DER.
pub(crate) fn signature_value(
    algorithm: SignatureAlgorithm,
    signature: &[u8],
) -> Result<Vec<u8>, NotEcdsaSigValue> {
    let Some(size) = profile(algorithm).ecdsa_scalar_len else {
        return Ok(signature.to_vec());
    };
    let bad = |why| NotEcdsaSigValue { algorithm, why };
    let value = EcdsaSigValue::from_der(signature).map_err(|e| bad(EcdsaProblem::Der(e)))?;
    let mut raw = Vec::with_capacity(2 * size);
    for part in [value.r.as_bytes(), value.s.as_bytes()] {
        if part.len() > size {
            return Err(bad(EcdsaProblem::TooLong(part.len())));
        }
        raw.resize(raw.len() + size - part.len(), 0);
        raw.extend_from_slice(part);
    }
    Ok(raw)
}

/// Whether `value`, an ECDSA SignatureValue for `algorithm`, is not r‖s
/// but a DER Ecdsa-Sig-Value, the form signers return and XML-DSig 1.1
/// forbids.
pub(crate) fn is_der_ecdsa(algorithm: SignatureAlgorithm, value: &[u8]) -> bool {
    profile(algorithm)
        .ecdsa_scalar_len
        .is_some_and(|size| value.len() != 2 * size && EcdsaSigValue::from_der(value).is_ok())
}

/// Whether `value` (a SignatureValue) signs `message` for `public_key`.
pub(crate) fn verifies(
    algorithm: SignatureAlgorithm,
    public_key: &[u8],
    message: &[u8],
    value: &[u8],
) -> bool {
    signature::UnparsedPublicKey::new(profile(algorithm).xmldsig_verifier, public_key)
        .verify(message, value)
        .is_ok()
}

/// A container file as a reference names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileDigest {
    pub(crate) path: String,
    pub(crate) sha256: Vec<u8>,
}

/// The signed SignatureProperties, in canonical form (see the module doc).
pub(crate) fn signed_properties(time: &ClaimedTime) -> String {
    format!(
        "<SignatureProperties xmlns=\"{DSIG_NS}\" Id=\"{PROPERTIES_ID}\">\
         <SignatureProperty Target=\"#{SIGNATURE_ID}\">\
         <dc:date xmlns:dc=\"{DC_NS}\">{}</dc:date>\
         </SignatureProperty></SignatureProperties>",
        time.text
    )
}

/// SignedInfo in canonical form: the properties reference, then the files.
pub(crate) fn signed_info(
    algorithm: SignatureAlgorithm,
    properties_sha256: &[u8],
    files: &[FileDigest],
) -> String {
    let mut xml = format!(
        "<SignedInfo xmlns=\"{DSIG_NS}\">\
         <CanonicalizationMethod Algorithm=\"{C14N}\"></CanonicalizationMethod>\
         <SignatureMethod Algorithm=\"{}\"></SignatureMethod>",
        profile(algorithm).xmldsig_uri
    );
    let properties_uri = format!("#{PROPERTIES_ID}");
    push_reference(
        &mut xml,
        Some(PROPERTIES_TYPE),
        &properties_uri,
        properties_sha256,
    );
    for file in files {
        push_reference(&mut xml, None, &uri_for(&file.path), &file.sha256);
    }
    xml.push_str("</SignedInfo>");
    xml
}

fn push_reference(xml: &mut String, kind: Option<&str>, uri: &str, sha256: &[u8]) {
    xml.push_str("<Reference");
    if let Some(kind) = kind {
        xml.push_str(&format!(" Type=\"{kind}\""));
    }
    xml.push_str(&format!(
        " URI=\"{uri}\"><DigestMethod Algorithm=\"{SHA256}\"></DigestMethod>\
         <DigestValue>{}</DigestValue></Reference>",
        BASE64.encode(sha256)
    ));
}

/// The whole of signatures.xml around the canonical parts.
pub(crate) fn signatures_xml(
    signed_info: &str,
    value: &[u8],
    certificates: &[Vec<u8>],
    properties: &str,
) -> String {
    let certificates: String = certificates
        .iter()
        .map(|der| {
            format!(
                "<X509Certificate>{}</X509Certificate>\n",
                BASE64.encode(der)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <signatures xmlns=\"{CONTAINER_NS}\">\n\
         <Signature xmlns=\"{DSIG_NS}\" Id=\"{SIGNATURE_ID}\">\n\
         {signed_info}\n\
         <SignatureValue>{}</SignatureValue>\n\
         <KeyInfo>\n<X509Data>\n{certificates}</X509Data>\n</KeyInfo>\n\
         <Object>{properties}</Object>\n\
         </Signature>\n\
         </signatures>\n",
        BASE64.encode(value)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_integers_are_padded_to_the_curve_size() {
        let short_r = [0x01];
        let long_s = [0xFF; 32];
        let der = der::Encode::to_der(&EcdsaSigValue {
            r: UintRef::new(&short_r).expect("r"),
            s: UintRef::new(&long_s).expect("s"),
        })
        .expect("DER");
        let raw = signature_value(SignatureAlgorithm::EcdsaP256Sha256, &der).expect("converted");
        let mut expected = vec![0; 31];
        expected.push(0x01);
        expected.extend_from_slice(&long_s);
        assert_eq!(raw, expected);

        let too_long = der::Encode::to_der(&EcdsaSigValue {
            r: UintRef::new(&[0x7F; 33]).expect("r"),
            s: UintRef::new(&long_s).expect("s"),
        })
        .expect("DER");
        assert!(signature_value(SignatureAlgorithm::EcdsaP256Sha256, &too_long).is_err());
        assert!(signature_value(SignatureAlgorithm::EcdsaP256Sha256, b"not DER").is_err());
    }

    #[test]
    fn claimed_times_are_rfc_3339_with_seconds_and_a_zone() {
        const TIME: &str = "2025-08-15T00:00:00+08:00";
        let parsed = ClaimedTime::parse(TIME).expect("parses");
        assert_eq!(parsed.at, UnixTime(1_755_187_200));
        assert_eq!(parsed.text, TIME);
        assert_eq!(
            ClaimedTime::parse("2025-08-14T16:00:00Z")
                .expect("parses")
                .at,
            parsed.at
        );
        assert_eq!(
            ClaimedTime::parse("2025-08-14T14:30:00-01:30")
                .expect("parses")
                .at,
            parsed.at
        );
        for wrong in [
            "2025-08-15",
            "2025-08-15T00:00:00",
            "2025-08-15T00:00:00.5Z",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-08-15T24:00:00Z",
            "2025-08-15T00:00:00+24:00",
            "2025-08-15 00:00:00+08:00",
            "2025-08-15T00:00:00+0800",
            "２０２５-08-15T00:00:00Z",
        ] {
            assert!(ClaimedTime::parse(wrong).is_err(), "{wrong} accepted");
        }
    }

    #[test]
    fn reference_uris_round_trip_only_in_the_form_gazette_writes() {
        for path in [
            "mimetype",
            "OEBPS/text/第一章.xhtml",
            "OEBPS/a b+c&d.css",
            "a~b_c-d.e",
        ] {
            assert_eq!(path_for(&uri_for(path)).as_deref(), Some(path));
        }
        assert_eq!(uri_for("OEBPS/a b+c&d.css"), "OEBPS/a%20b%2Bc%26d.css");
        for uri in [
            "OEBPS/a%2fb.css",
            "%6Dimetype",
            "../x",
            "OEBPS/%2E%2E/x",
            "/abs",
            "a%00b",
            "a%ZZ",
        ] {
            assert_eq!(path_for(uri), None, "{uri} accepted");
        }
    }
}
