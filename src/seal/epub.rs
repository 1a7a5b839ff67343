//! The EPUB edition's seal: an XML signature in the OCF container's
//! `META-INF/signatures.xml`, over every other file of the container.
//!
//! # What is signed
//!
//! [`sign`] writes one `<Signature Id="gazette-seal">` (XML-DSig 1.1) inside
//! OCF's `<signatures>` root. Its SignedInfo holds one Reference per container
//! file, `mimetype` included: the URI is the file's path in the container,
//! percent-encoded, the digest is SHA-256 of the file's bytes as they are (no
//! transforms). OCF takes paths in META-INF files relative to the container
//! root, not to META-INF/. One more Reference points at the SignatureProperties
//! in the signature's Object, which holds the claimed signing time as
//! `dc:date`, so the time is signed too. KeyInfo carries the certificate chain,
//! the seal's own certificate first: the verifier relies on that order.
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
//! bytes written; the xmlsec1 interop test below checks that.
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
//!   META-INF/signatures.xml` (the interop tests below do exactly that).

use std::collections::HashSet;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use der::asn1::UintRef;
use der::{Decode, Sequence};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use ring::{digest, signature};
use x509_cert::Certificate;

use crate::cms::{self, ProblemCode, UnixTime};
use crate::signer::{SignatureAlgorithm, Signer, SignerError};

/// Where the seal lives in the container.
pub const SIGNATURES_PATH: &str = "META-INF/signatures.xml";
/// The container's first file, and what it must hold.
pub const MIMETYPE_PATH: &str = "mimetype";
pub const EPUB_MIMETYPE: &[u8] = b"application/epub+zip";

/// The Id of gazette's Signature element and of its signed properties.
pub(crate) const SIGNATURE_ID: &str = "gazette-seal";
pub(crate) const PROPERTIES_ID: &str = "gazette-seal-properties";

const CONTAINER_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:container";
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const PROPERTIES_TYPE: &str = "http://www.w3.org/2000/09/xmldsig#SignatureProperties";

/// What a path keeps unencoded in a reference URI: RFC 3986 unreserved
/// characters and the path separator.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Why an EPUB could not be sealed.
#[derive(Debug)]
pub enum EpubSealError {
    /// The file list is not a container gazette can seal.
    Container(String),
    /// The certificate chain cannot seal at the claimed time.
    Certificate(String),
    /// The claimed time is not an RFC 3339 date and time.
    Time(String),
    /// The key store failed.
    Signer(SignerError),
    /// The key store's signature does not verify with the seal's certificate.
    KeyMismatch(String),
}

impl fmt::Display for EpubSealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpubSealError::Container(why)
            | EpubSealError::Certificate(why)
            | EpubSealError::Time(why) => write!(f, "cannot seal the EPUB: {why}"),
            EpubSealError::Signer(why) => write!(f, "the key store could not sign: {why}"),
            EpubSealError::KeyMismatch(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for EpubSealError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EpubSealError::Signer(inner) => Some(inner),
            _ => None,
        }
    }
}

/// Seals an EPUB container given as its files in container order (`mimetype`
/// first, `META-INF/signatures.xml` absent). `chain` holds DER certificates,
/// the seal's own first; `time` is the claimed signing time in RFC 3339
/// (`2025-08-15T00:00:00+08:00`). Returns the bytes of
/// `META-INF/signatures.xml`, to be added to the container.
pub fn sign(
    files: &[(&str, &[u8])],
    chain: &[Vec<u8>],
    signer: &dyn Signer,
    time: &str,
) -> Result<Vec<u8>, EpubSealError> {
    check_container(files)?;
    let time = ClaimedTime::parse(time).map_err(EpubSealError::Time)?;
    let method = SignatureMethod::for_signer(signer.algorithm());
    let public_key = check_chain(chain, time.at)?;

    let properties = signed_properties(&time);
    let digests: Vec<FileDigest> = files
        .iter()
        .map(|(path, bytes)| FileDigest {
            path: (*path).to_owned(),
            sha256: sha256(bytes),
        })
        .collect();
    let signed_info = signed_info(method, &sha256(properties.as_bytes()), &digests);
    let signature = signer
        .sign(signed_info.as_bytes())
        .map_err(EpubSealError::Signer)?;
    let value = method.value_from_signer(&signature)?;
    if !method.verifies(&public_key, signed_info.as_bytes(), &value) {
        return Err(EpubSealError::KeyMismatch(
            "the signature made by the key store does not verify with the seal's certificate \
             (the first of the chain): the key does not belong to that certificate"
                .to_owned(),
        ));
    }
    Ok(signatures_xml(&signed_info, &value, chain, &properties).into_bytes())
}

/// The file list must be a container the verifier accepts: `mimetype` first
/// with the EPUB media type, safe and distinct paths, no signatures.xml yet.
fn check_container(files: &[(&str, &[u8])]) -> Result<(), EpubSealError> {
    let bad = |why: String| Err(EpubSealError::Container(why));
    match files.first() {
        Some((MIMETYPE_PATH, content)) if *content == EPUB_MIMETYPE => {}
        _ => {
            return bad(format!(
                "the first file must be `{MIMETYPE_PATH}` holding `application/epub+zip`"
            ));
        }
    }
    let mut seen = HashSet::new();
    for (path, _) in files {
        if let Err(why) = check_path(path) {
            return bad(format!("the file name {path:?} {why}"));
        }
        if *path == SIGNATURES_PATH {
            return bad(format!(
                "the files already hold {SIGNATURES_PATH}, which the seal writes"
            ));
        }
        if !seen.insert(path.to_lowercase()) {
            return bad(format!(
                "{path:?} appears twice (names differing only in case count as the same: \
                 they collide on case-insensitive file systems)"
            ));
        }
    }
    Ok(())
}

/// Checks a container path (a file, without a trailing `/`): relative, made
/// of non-empty segments other than `.` and `..`, and free of the characters
/// OCF forbids in file names (controls, `"*:<>?\|`). Refusing `:` also
/// refuses drive letters. The error completes "the file name X ...".
pub(crate) fn check_path(path: &str) -> Result<(), String> {
    const FORBIDDEN: &[char] = &['"', '*', ':', '<', '>', '?', '\\', '|'];
    if path.is_empty() {
        return Err("is empty".to_owned());
    }
    if path.starts_with('/') {
        return Err("is absolute (starts with `/`)".to_owned());
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || FORBIDDEN.contains(c))
    {
        return Err(format!("holds the character {c:?}, which OCF forbids"));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err("has an empty, `.` or `..` segment".to_owned());
    }
    Ok(())
}

/// The reference URI of a (checked) container path.
pub(crate) fn uri_for(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

/// The container path a reference URI names, if it is one gazette writes: a
/// safe path, encoded exactly as [`uri_for`] encodes it.
pub(crate) fn path_for(uri: &str) -> Option<String> {
    let path = percent_decode_str(uri).decode_utf8().ok()?.into_owned();
    (check_path(&path).is_ok() && uri_for(&path) == uri).then_some(path)
}

/// The claimed signing time: RFC 3339 text (`YYYY-MM-DDTHH:MM:SS` then `Z`
/// or `±HH:MM`, no fractions) and the instant it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClaimedTime {
    pub(crate) text: String,
    pub(crate) at: UnixTime,
}

impl ClaimedTime {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let wrong = || {
            format!(
                "the signing time {text:?} is not an RFC 3339 date and time such as \
                 2025-08-15T00:00:00+08:00 (seconds, no fractions, Z or an offset)"
            )
        };
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

/// The seal's certificate path must hold at the claimed time, trust aside
/// (the sealer need not hold the root): a seal made with an expired
/// certificate or one not meant for signing fails everywhere. Returns the
/// seal certificate's public key.
fn check_chain(chain: &[Vec<u8>], at: UnixTime) -> Result<Vec<u8>, EpubSealError> {
    let bad = EpubSealError::Certificate;
    let Some(seal) = chain.first() else {
        return Err(bad(
            "no certificate to seal with: the chain must start with the seal's certificate"
                .to_owned(),
        ));
    };
    let mut problems = Vec::new();
    cms::check_der_path(seal, &chain[1..], &[], at, &mut problems).map_err(bad)?;
    let blocking: Vec<String> = problems
        .into_iter()
        .filter(|p| p.code != ProblemCode::Untrusted)
        .map(|p| p.message)
        .collect();
    if !blocking.is_empty() {
        return Err(bad(format!(
            "the certificate chain does not allow sealing at {}: {}",
            at,
            blocking.join("; ")
        )));
    }
    public_key(seal)
        .ok_or_else(|| bad("the seal's certificate has no readable public key".to_owned()))
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

pub(crate) fn sha256(bytes: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, bytes).as_ref().to_vec()
}

/// The XML-DSig signature methods gazette writes and reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureMethod {
    EcdsaP256Sha256,
    EcdsaP384Sha384,
    RsaPkcs1Sha256,
    RsaPssSha256,
}

/// ECDSA-Sig-Value (RFC 3279), what a [`Signer`] returns for ECDSA keys.
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

impl SignatureMethod {
    const ALL: [SignatureMethod; 4] = [
        SignatureMethod::EcdsaP256Sha256,
        SignatureMethod::EcdsaP384Sha384,
        SignatureMethod::RsaPkcs1Sha256,
        SignatureMethod::RsaPssSha256,
    ];

    fn for_signer(algorithm: SignatureAlgorithm) -> Self {
        match algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => SignatureMethod::EcdsaP256Sha256,
            SignatureAlgorithm::EcdsaP384Sha384 => SignatureMethod::EcdsaP384Sha384,
            SignatureAlgorithm::RsaPkcs1Sha256 => SignatureMethod::RsaPkcs1Sha256,
            SignatureAlgorithm::RsaPssSha256 => SignatureMethod::RsaPssSha256,
        }
    }

    pub(crate) fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.uri() == uri)
    }

    pub(crate) fn uri(self) -> &'static str {
        match self {
            SignatureMethod::EcdsaP256Sha256 => {
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
            }
            SignatureMethod::EcdsaP384Sha384 => {
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
            }
            SignatureMethod::RsaPkcs1Sha256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            SignatureMethod::RsaPssSha256 => {
                "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
            }
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            SignatureMethod::EcdsaP256Sha256 => "ECDSA P-256 with SHA-256",
            SignatureMethod::EcdsaP384Sha384 => "ECDSA P-384 with SHA-384",
            SignatureMethod::RsaPkcs1Sha256 => "RSA PKCS#1 v1.5 with SHA-256",
            SignatureMethod::RsaPssSha256 => "RSA-PSS with SHA-256",
        }
    }

    /// The size of r and of s, for ECDSA.
    fn ecdsa_scalar_len(self) -> Option<usize> {
        match self {
            SignatureMethod::EcdsaP256Sha256 => Some(32),
            SignatureMethod::EcdsaP384Sha384 => Some(48),
            SignatureMethod::RsaPkcs1Sha256 | SignatureMethod::RsaPssSha256 => None,
        }
    }

    /// The SignatureValue for a signer's signature: RFC 6931 wants ECDSA as
    /// r‖s, each left-padded to the curve size, where signers give DER.
    fn value_from_signer(self, signature: &[u8]) -> Result<Vec<u8>, EpubSealError> {
        let Some(size) = self.ecdsa_scalar_len() else {
            return Ok(signature.to_vec());
        };
        let bad = |why: String| {
            EpubSealError::Signer(SignerError::new(format!(
                "the key store returned an ECDSA signature that is not a DER Ecdsa-Sig-Value \
                 for {}: {why}",
                self.name()
            )))
        };
        let value = EcdsaSigValue::from_der(signature).map_err(|e| bad(e.to_string()))?;
        let mut raw = Vec::with_capacity(2 * size);
        for part in [value.r.as_bytes(), value.s.as_bytes()] {
            if part.len() > size {
                return Err(bad(format!("an integer of {} bytes", part.len())));
            }
            raw.resize(raw.len() + size - part.len(), 0);
            raw.extend_from_slice(part);
        }
        Ok(raw)
    }

    /// Whether `value` (a SignatureValue) signs `message` for `public_key`.
    pub(crate) fn verifies(self, public_key: &[u8], message: &[u8], value: &[u8]) -> bool {
        let algorithm: &'static dyn signature::VerificationAlgorithm = match self {
            SignatureMethod::EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_FIXED,
            SignatureMethod::EcdsaP384Sha384 => &signature::ECDSA_P384_SHA384_FIXED,
            SignatureMethod::RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            SignatureMethod::RsaPssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        };
        signature::UnparsedPublicKey::new(algorithm, public_key)
            .verify(message, value)
            .is_ok()
    }
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
    method: SignatureMethod,
    properties_sha256: &[u8],
    files: &[FileDigest],
) -> String {
    let mut xml = format!(
        "<SignedInfo xmlns=\"{DSIG_NS}\">\
         <CanonicalizationMethod Algorithm=\"{C14N}\"></CanonicalizationMethod>\
         <SignatureMethod Algorithm=\"{}\"></SignatureMethod>",
        method.uri()
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
pub(crate) mod tests {
    use super::*;
    use std::path::Path;

    use crate::signer::test_support::{certificates, example_dir, tool_available};
    use crate::signer::{FixedSecrets, KeySource, RsaPadding};

    /// A signer for a key of the example PKI.
    pub(crate) fn example_signer(key_file: &str, padding: RsaPadding) -> Box<dyn Signer> {
        let source = KeySource::File(example_dir().join(key_file));
        crate::signer::open(&source, padding, &FixedSecrets::default())
            .expect("example key opens")
            .signer
    }

    pub(crate) fn example_chain(pem_file: &str) -> Vec<Vec<u8>> {
        certificates(&example_dir().join(pem_file))
    }

    /// A small container: mimetype first, a name with a space and one in Chinese.
    pub(crate) fn sample_files() -> Vec<(String, Vec<u8>)> {
        [
            ("mimetype", "application/epub+zip"),
            (
                "META-INF/container.xml",
                "<?xml version=\"1.0\"?><container/>",
            ),
            ("OEBPS/content.opf", "<package/>"),
            ("OEBPS/text/第一章.xhtml", "<html>公告</html>"),
            ("OEBPS/style sheet.css", "body { margin: 0 }"),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_owned(), text.as_bytes().to_vec()))
        .collect()
    }

    pub(crate) fn borrowed(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
        files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect()
    }

    pub(crate) const TIME: &str = "2025-08-15T00:00:00+08:00";

    /// Seals `files` with the example ECDSA key and chain.
    pub(crate) fn seal_ecdsa(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        sign(
            &borrowed(files),
            &example_chain("seal-chain.pem"),
            signer.as_ref(),
            TIME,
        )
        .expect("sealed")
    }

    /// Writes the container unpacked, as xmlsec1 needs it, with its seal.
    fn unpack(files: &[(String, Vec<u8>)], signatures: &[u8]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temporary folder");
        let all = files.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
        for (path, bytes) in all.chain([(SIGNATURES_PATH, signatures)]) {
            let target = root.path().join(path);
            std::fs::create_dir_all(target.parent().expect("in a folder")).expect("folder");
            std::fs::write(target, bytes).expect("file written");
        }
        root
    }

    /// xmlsec1 1.2 resolves relative reference URIs against its working
    /// directory, not against the signature file: run from the container root,
    /// it reads them as OCF means them.
    pub(crate) fn xmlsec1_command(
        container_root: &Path,
        trusted_pem: &Path,
    ) -> std::process::Command {
        let mut command = std::process::Command::new("xmlsec1");
        command
            .current_dir(container_root)
            .arg("--verify")
            .arg("--trusted-pem")
            .arg(trusted_pem)
            .arg(SIGNATURES_PATH);
        eprintln!(
            "xmlsec1 check: cd {} && xmlsec1 --verify --trusted-pem {} {SIGNATURES_PATH}",
            container_root.display(),
            trusted_pem.display()
        );
        command
    }

    /// Whether xmlsec1 says the seal of the unpacked container verifies; its
    /// report goes to the test output.
    fn xmlsec1_verifies(container_root: &Path, trusted_pem: &Path) -> bool {
        let output = xmlsec1_command(container_root, trusted_pem)
            .output()
            .expect("xmlsec1 runs");
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        eprintln!("{text}");
        let verified = output.status.success() && text.lines().any(|l| l.trim() == "OK");
        assert_eq!(
            verified,
            output.status.success(),
            "exit status and report disagree"
        );
        verified
    }

    fn check_with_xmlsec1(files: &[(String, Vec<u8>)], signatures: &[u8], trusted_pem: &Path) {
        let root = unpack(files, signatures);
        assert!(
            xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 rejects the seal"
        );

        let changed = root.path().join("OEBPS/text/第一章.xhtml");
        std::fs::write(&changed, "<html>公告 changed</html>").expect("file changed");
        assert!(
            !xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 accepts a changed file"
        );

        let root = unpack(files, signatures);
        let text = String::from_utf8(signatures.to_vec()).expect("UTF-8");
        let later = text.replace(TIME, "2025-08-16T00:00:00+08:00");
        std::fs::write(root.path().join(SIGNATURES_PATH), later).expect("time changed");
        assert!(
            !xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 accepts a changed signing time"
        );
    }

    #[test]
    fn an_ecdsa_seal_verifies_with_xmlsec1_until_a_file_changes() {
        if !tool_available("xmlsec1") {
            return;
        }
        let files = sample_files();
        let signatures = seal_ecdsa(&files);
        check_with_xmlsec1(&files, &signatures, &example_dir().join("root.pem"));
    }

    #[test]
    fn an_rsa_seal_verifies_with_xmlsec1_until_a_file_changes() {
        if !tool_available("xmlsec1") {
            return;
        }
        let files = sample_files();
        let signer = example_signer("seal-rsa.key.pem", RsaPadding::Pkcs1);
        let chain = example_chain("seal-rsa-chain.pem");
        let signatures = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect("sealed");
        check_with_xmlsec1(&files, &signatures, &example_dir().join("root.pem"));
    }

    #[test]
    fn a_p384_seal_verifies_with_xmlsec1() {
        if !tool_available("xmlsec1") {
            return;
        }
        let key = P384Key::new();
        let files = sample_files();
        let signatures = sign(
            &borrowed(&files),
            std::slice::from_ref(&key.certificate),
            &key,
            TIME,
        )
        .expect("sealed");
        let root = unpack(&files, &signatures);
        let trusted = root.path().join("p384.pem");
        std::fs::write(&trusted, key.certificate_pem()).expect("certificate written");
        assert!(xmlsec1_verifies(root.path(), &trusted));
    }

    /// A P-384 key with a self-signed seal certificate, which the example PKI lacks.
    pub(crate) struct P384Key {
        pkcs8: Vec<u8>,
        pub(crate) certificate: Vec<u8>,
    }

    impl P384Key {
        pub(crate) fn new() -> Self {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = signature::EcdsaKeyPair::generate_pkcs8(
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                &rng,
            )
            .expect("P-384 key")
            .as_ref()
            .to_vec();
            let key_pair = rcgen::KeyPair::try_from(pkcs8.as_slice()).expect("rcgen reads it");
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, "P-384 Test Seal — TEST ONLY");
            params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
            params.not_before = rcgen::date_time_ymd(2025, 1, 1);
            params.not_after = rcgen::date_time_ymd(2035, 1, 1);
            let certificate = params.self_signed(&key_pair).expect("certificate");
            P384Key {
                pkcs8,
                certificate: certificate.der().to_vec(),
            }
        }

        fn certificate_pem(&self) -> String {
            der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.certificate)
                .expect("PEM")
        }
    }

    impl Signer for P384Key {
        fn algorithm(&self) -> SignatureAlgorithm {
            SignatureAlgorithm::EcdsaP384Sha384
        }

        fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
            let rng = ring::rand::SystemRandom::new();
            let key = signature::EcdsaKeyPair::from_pkcs8(
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                &self.pkcs8,
                &rng,
            )
            .map_err(|_| SignerError::new("bad test key"))?;
            key.sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SignerError::new("test key failed"))
        }
    }

    /// The part of `xml` from `<name` to its end tag.
    fn element<'a>(xml: &'a str, name: &str) -> &'a str {
        let start = xml.find(&format!("<{name}")).expect("element present");
        let end_tag = format!("</{name}>");
        let end = start + xml[start..].find(&end_tag).expect("end tag") + end_tag.len();
        &xml[start..end]
    }

    #[test]
    fn the_seal_signs_signed_info_and_digests_every_file_and_the_time() {
        let files = sample_files();
        let xml = String::from_utf8(seal_ecdsa(&files)).expect("UTF-8");
        let signed_info = element(&xml, "SignedInfo");
        assert!(signed_info.starts_with(&format!("<SignedInfo xmlns=\"{DSIG_NS}\">")));
        assert!(!signed_info.contains("/>") && !signed_info.contains('\n'));

        let properties = element(&xml, "SignatureProperties");
        let properties_reference = format!(
            "<Reference Type=\"{PROPERTIES_TYPE}\" URI=\"#{PROPERTIES_ID}\">\
             <DigestMethod Algorithm=\"{SHA256}\"></DigestMethod><DigestValue>{}</DigestValue>",
            BASE64.encode(sha256(properties.as_bytes()))
        );
        assert!(signed_info.contains(&properties_reference));
        assert!(properties.contains(&format!(">{TIME}</dc:date>")));
        for (path, bytes) in &files {
            let reference = format!(
                "<Reference URI=\"{}\"><DigestMethod Algorithm=\"{SHA256}\"></DigestMethod>\
                 <DigestValue>{}</DigestValue></Reference>",
                uri_for(path),
                BASE64.encode(sha256(bytes))
            );
            assert!(signed_info.contains(&reference), "{path} not referenced");
        }
        assert!(signed_info.contains("URI=\"OEBPS/text/%E7%AC%AC%E4%B8%80%E7%AB%A0.xhtml\""));
        assert!(signed_info.contains("URI=\"OEBPS/style%20sheet.css\""));

        let value = element(&xml, "SignatureValue");
        let value = &value["<SignatureValue>".len()..value.len() - "</SignatureValue>".len()];
        let value = BASE64.decode(value).expect("base64");
        assert_eq!(value.len(), 64, "ECDSA P-256 as r‖s");
        let key = public_key(&example_chain("seal-chain.pem")[0]).expect("key");
        assert!(
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, key)
                .verify(signed_info.as_bytes(), &value)
                .is_ok()
        );
        let chain = example_chain("seal-chain.pem");
        for certificate in &chain {
            let written = format!(
                "<X509Certificate>{}</X509Certificate>",
                BASE64.encode(certificate)
            );
            assert!(xml.contains(&written));
        }
        assert!(xml.find(&BASE64.encode(&chain[0])) < xml.find(&BASE64.encode(&chain[1])));
    }

    #[test]
    fn ecdsa_integers_are_padded_to_the_curve_size() {
        let short_r = [0x01];
        let long_s = [0xFF; 32];
        let der = der::Encode::to_der(&EcdsaSigValue {
            r: UintRef::new(&short_r).expect("r"),
            s: UintRef::new(&long_s).expect("s"),
        })
        .expect("DER");
        let raw = SignatureMethod::EcdsaP256Sha256
            .value_from_signer(&der)
            .expect("converted");
        let mut expected = vec![0; 31];
        expected.push(0x01);
        expected.extend_from_slice(&long_s);
        assert_eq!(raw, expected);

        let too_long = der::Encode::to_der(&EcdsaSigValue {
            r: UintRef::new(&[0x7F; 33]).expect("r"),
            s: UintRef::new(&long_s).expect("s"),
        })
        .expect("DER");
        assert!(
            SignatureMethod::EcdsaP256Sha256
                .value_from_signer(&too_long)
                .is_err()
        );
        assert!(
            SignatureMethod::EcdsaP256Sha256
                .value_from_signer(b"not DER")
                .is_err()
        );
    }

    fn refusal(files: &[(&str, &[u8])]) -> String {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let chain = example_chain("seal-chain.pem");
        match sign(files, &chain, signer.as_ref(), TIME) {
            Err(EpubSealError::Container(why)) => why,
            other => panic!("not refused as a container: {other:?}"),
        }
    }

    #[test]
    fn unsafe_or_ambiguous_file_lists_are_refused() {
        let mimetype: (&str, &[u8]) = (MIMETYPE_PATH, EPUB_MIMETYPE);
        let cases: [(&str, &str); 8] = [
            ("../evil.xhtml", "`..`"),
            ("OEBPS/./a.xhtml", "`.`"),
            ("/etc/passwd", "absolute"),
            ("OEBPS\\a.xhtml", "'\\\\'"),
            ("C:/a.xhtml", "':'"),
            ("OEBPS//a.xhtml", "empty"),
            ("OEBPS/a\0.xhtml", "'\\0'"),
            (SIGNATURES_PATH, "already hold"),
        ];
        for (path, expected) in cases {
            let why = refusal(&[mimetype, (path, b"x")]);
            assert!(why.contains(expected), "{path:?}: {why}");
        }
        let why = refusal(&[mimetype, ("OEBPS/a.xhtml", b"x"), ("OEBPS/A.xhtml", b"y")]);
        assert!(why.contains("twice"), "{why}");
        let why = refusal(&[("OEBPS/a.xhtml", b"x"), mimetype]);
        assert!(why.contains("first file"), "{why}");
        let why = refusal(&[(MIMETYPE_PATH, b"application/zip")]);
        assert!(why.contains("first file"), "{why}");
    }

    #[test]
    fn rsa_pss_is_written_as_rfc_6931_sha256_rsa_mgf1() {
        let signer = example_signer("seal-rsa.key.pem", RsaPadding::Pss);
        let files = sample_files();
        let chain = example_chain("seal-rsa-chain.pem");
        let xml = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect("sealed");
        let xml = String::from_utf8(xml).unwrap();
        assert!(
            xml.contains("Algorithm=\"http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1\""),
            "{xml}"
        );
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let files = sample_files();
        let chain = example_chain("seal-rsa-chain.pem");
        let error = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect_err("refused");
        assert!(matches!(error, EpubSealError::KeyMismatch(_)), "{error}");
    }

    #[test]
    fn a_certificate_expired_at_the_claimed_time_is_refused() {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let files = sample_files();
        let chain = example_chain("seal-chain.pem");
        let error = sign(
            &borrowed(&files),
            &chain,
            signer.as_ref(),
            "2036-01-01T00:00:00Z",
        )
        .expect_err("refused");
        assert!(matches!(error, EpubSealError::Certificate(_)), "{error}");
        assert!(error.to_string().contains("expired"), "{error}");
        let none = sign(&borrowed(&files), &[], signer.as_ref(), TIME).expect_err("refused");
        assert!(matches!(none, EpubSealError::Certificate(_)), "{none}");
    }

    #[test]
    fn claimed_times_are_rfc_3339_with_seconds_and_a_zone() {
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
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let error = sign(
            &borrowed(&sample_files()),
            &example_chain("seal-chain.pem"),
            signer.as_ref(),
            "yesterday",
        )
        .expect_err("refused");
        assert!(matches!(error, EpubSealError::Time(_)));
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
