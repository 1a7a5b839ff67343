//! A seal made anew over a sealed file after a change the new seal then
//! covers: how a vector breaks a rule of a seal's profile (its signed
//! attributes, its certificates, the signature dictionary, the form and the
//! widget the seal's revision writes) with a seal whose signature still
//! holds, so that the rule, and not the signature, is what fails.
//!
//! The CMS is gazette's own (`cms::sign_detached` with the example seal key)
//! with its signed attributes then changed as asked and signed again: the
//! key of certs-example/ is published, so anyone can remake these files.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfos};
use der::asn1::{OctetString, SetOfVec, UintRef};
use der::{Any, Decode, Encode, Tag};
use gazette::cms as gazette_cms;
use gazette::seal::epub::{self, SIGNATURES_PATH};
use gazette::signer::{self, FixedSecrets, KeySource, RsaPadding, Signer};
use serde::Deserialize;
use x509_cert::attr::Attribute;

use super::{unzip, zip_entries};
use crate::support::{byte_range, example, find, rfind};

/// The time gazette claims for the sample's seals: its issue date, 00:00 in
/// Shanghai.
const CLAIMED_TIME: &str = "2025-08-15T00:00:00+08:00";

/// smimeCapabilities (RFC 8551, 2.5.2), which openssl signs by default.
const SMIME_CAPABILITIES: &str = "1.2.840.113549.1.9.15";
/// message-digest (RFC 5652, 11.2).
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// SHA-512 (RFC 5754).
const SHA_512: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
/// sha512WithRSAEncryption (RFC 4055), outside SEAL-3.
const SHA_512_WITH_RSA_ENCRYPTION: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// signing-time (RFC 5652, 11.3), which the format forbids (SPDF-6, SMAN-3).
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
/// signing-certificate-v2 (RFC 5035), which the format requires (SPDF-5, SMAN-2).
const SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";

/// What changes before the seal is made again; every field may be left out.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resign {
    /// Each `find` replaced by its `with`, of the same length, in the bytes
    /// the seal covers (a PDF's signed revision), before they are signed.
    #[serde(default)]
    pub replace: Vec<Replacement>,
    /// A signing-time attribute (at the issue date, 00:00 UTC) added to the
    /// signed attributes.
    #[serde(default)]
    pub signing_time: bool,
    /// The signing-certificate-v2 attribute left out of the signed attributes.
    #[serde(default)]
    pub without_signing_certificate: bool,
    /// Only the seal certificate in the CMS `certificates`, none of its issuers.
    #[serde(default)]
    pub seal_certificate_only: bool,
    /// An EPUB's seal claiming this time (RFC 3339) in its properties'
    /// `dc:date`, not the issue date at 00:00 in Shanghai.
    #[serde(default)]
    pub claimed_time: Option<String>,
    /// An EPUB's References in another order than the container's files:
    /// the second and third swapped.
    #[serde(default)]
    pub references_reordered: bool,
    /// An S/MIME capabilities attribute (RFC 8551, naming AES-256-CBC) added
    /// to the signed attributes, as openssl adds one.
    #[serde(default)]
    pub smime_capabilities: bool,
    /// A CMS seal by the example RSA seal (certs-example/seal-rsa.*) signed
    /// with RSA PKCS#1 v1.5 and SHA-512 (sha512WithRSAEncryption), a sound
    /// algorithm but not one SEAL-3 lets a seal use.
    #[serde(default)]
    pub rsa_pkcs1_sha512: bool,
    /// An EPUB's ECDSA SignatureValue written as a DER Ecdsa-Sig-Value,
    /// not as the r‖s of XML-DSig 1.1: the same signature, in a form the
    /// format forbids (SEPUB-11).
    #[serde(default)]
    pub signature_value_der: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// For an EPUB, the file of the container the replacement is made in;
    /// in a PDF, none: the replacement is made in its bytes, at the same
    /// length.
    #[serde(default)]
    pub entry: Option<String>,
    pub find: String,
    pub with: String,
    /// The last occurrence of `find` rather than the first: in a PDF, the
    /// one in the seal's revision, which writes the catalog again.
    #[serde(default)]
    pub last: bool,
}

/// `pdf`'s seal made anew as `how` says, in the same gap: the /ByteRange and
/// the /Contents keep their places, only the signed bytes and the CMS change.
pub fn resign_pdf(pdf: &[u8], how: &Resign) -> Vec<u8> {
    assert!(
        how.claimed_time.is_none() && !how.references_reordered,
        "a PDF seal claims its time in /M (a replacement) and has no References"
    );
    let [a, b, c, d] = byte_range(pdf);
    let mut out = pdf.to_vec();
    for Replacement {
        entry,
        find: from,
        with,
        last,
    } in &how.replace
    {
        assert!(entry.is_none(), "a PDF has no entries");
        assert_eq!(from.len(), with.len(), "a replacement keeps the length");
        let found = if *last { rfind } else { find };
        let at = found(&out, from.as_bytes()).unwrap_or_else(|| panic!("{from} not found"));
        assert!(
            at + from.len() <= a + b || at >= c,
            "{from} lies in the seal's gap, which the seal does not cover"
        );
        out[at..at + with.len()].copy_from_slice(with.as_bytes());
    }
    let cms = resign(&[&out[a..a + b], &out[c..c + d]], how);
    let hex: String = cms.iter().map(|byte| format!("{byte:02x}")).collect();
    let room = c - (a + b) - 2;
    assert!(hex.len() <= room, "the new CMS does not fit the seal's gap");
    let gap = &mut out[a + b + 1..c - 1];
    gap.fill(b'0');
    gap[..hex.len()].copy_from_slice(hex.as_bytes());
    out
}

/// `epub` sealed anew as `how` says: its files changed as `replace` asks,
/// then META-INF/signatures.xml made again over them, in its place.
pub fn resign_epub(epub: &[u8], how: &Resign) -> Vec<u8> {
    assert!(
        !how.signing_time && !how.without_signing_certificate,
        "an EPUB's seal is XML-DSig, without CMS attributes"
    );
    let mut entries = unzip(epub);
    for Replacement {
        entry,
        find,
        with,
        last,
    } in &how.replace
    {
        assert!(!last, "an EPUB's file is changed at the first occurrence");
        let name = entry
            .as_deref()
            .expect("the EPUB file a replacement is made in");
        let entry = entries.iter_mut().find(|e| e.name == name).unwrap();
        let text = String::from_utf8(entry.content.clone()).unwrap();
        assert!(text.contains(find.as_str()), "{find} not in {name}");
        entry.content = text.replacen(find.as_str(), with, 1).into_bytes();
    }
    let at = entries
        .iter()
        .position(|e| e.name == SIGNATURES_PATH)
        .unwrap();
    let mut files: Vec<(&str, &[u8])> = entries
        .iter()
        .filter(|e| e.name != SIGNATURES_PATH)
        .map(|e| (e.name.as_str(), e.content.as_slice()))
        .collect();
    if how.references_reordered {
        files.swap(1, 2);
    }
    let time = how.claimed_time.as_deref().unwrap_or(CLAIMED_TIME);
    let (signer, chain) = example_seal(how);
    let signatures = epub::sign(&files, &chain, signer.as_ref(), time).unwrap();
    entries[at].content = if how.signature_value_der {
        with_der_signature_value(&signatures)
    } else {
        signatures
    };
    zip_entries(&entries)
}

/// signatures.xml with its ECDSA SignatureValue (r‖s, base64) written as the
/// DER Ecdsa-Sig-Value of the same r and s. The value is outside SignedInfo,
/// so nothing signed changes.
fn with_der_signature_value(signatures: &[u8]) -> Vec<u8> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let text = String::from_utf8(signatures.to_vec()).unwrap();
    let (open, close) = ("<SignatureValue>", "</SignatureValue>");
    let start = text.find(open).unwrap() + open.len();
    let end = start + text[start..].find(close).unwrap();
    let raw = STANDARD.decode(&text[start..end]).unwrap();
    let (r, s) = raw.split_at(raw.len() / 2);
    let der = vec![
        Any::encode_from(&UintRef::new(r).unwrap()).unwrap(),
        Any::encode_from(&UintRef::new(s).unwrap()).unwrap(),
    ]
    .to_der()
    .unwrap();
    format!("{}{}{}", &text[..start], STANDARD.encode(der), &text[end..]).into_bytes()
}

/// The example seal's key and chain (the seal certificate alone when
/// `how` asks for it).
fn example_seal(how: &Resign) -> (Box<dyn Signer>, Vec<Vec<u8>>) {
    let (key, chain) = match how.rsa_pkcs1_sha512 {
        true => ("seal-rsa.key.pem", "seal-rsa-chain.pem"),
        false => ("seal.key.pem", "seal-chain.pem"),
    };
    let identity = signer::open(
        &KeySource::File(example(key)),
        RsaPadding::Pkcs1,
        &FixedSecrets::default(),
    )
    .unwrap();
    let mut chain =
        gazette_cms::load_pem_certificates(&std::fs::read(example(chain)).unwrap()).unwrap();
    if how.seal_certificate_only {
        chain.truncate(1);
    }
    (identity.signer, chain)
}

/// `message` signed with the example RSA seal key, PKCS#1 v1.5 hashing with
/// SHA-512 instead of SHA-256: ring signs so, gazette's signers never do.
fn with_sha512(message: &[u8]) -> Vec<u8> {
    use ring::signature::{RSA_PKCS1_SHA512, RsaKeyPair};
    let pem = std::fs::read_to_string(example("seal-rsa.key.pem")).unwrap();
    let pkcs8 = rcgen::KeyPair::from_pem(&pem).unwrap().serialize_der();
    let key = RsaKeyPair::from_pkcs8(&pkcs8).unwrap();
    let mut signature = vec![0; key.public().modulus_len()];
    let random = ring::rand::SystemRandom::new();
    key.sign(&RSA_PKCS1_SHA512, &random, message, &mut signature)
        .unwrap();
    signature
}

impl Resign {
    /// Whether the SignerInfo that gazette signs must be changed and signed
    /// again.
    fn changes_the_signer_info(&self) -> bool {
        self.signing_time
            || self.without_signing_certificate
            || self.rsa_pkcs1_sha512
            || self.smime_capabilities
    }
}

/// A detached CMS over `content` (its parts in order) made with the example
/// seal key and chain, as `how` says.
pub fn resign(content: &[&[u8]], how: &Resign) -> Vec<u8> {
    assert!(
        how.claimed_time.is_none() && !how.references_reordered,
        "a CMS seal claims no time of its own and has no References"
    );
    let (signer, chain) = example_seal(how);
    let signer = signer.as_ref();
    let made = gazette_cms::sign_detached(content, &chain, signer).unwrap();
    if !how.changes_the_signer_info() {
        return made;
    }

    let info = ContentInfo::from_der(&made).unwrap();
    let mut signed_data: SignedData = info.content.decode_as().unwrap();
    let mut signer_info = signed_data.signer_infos.0.into_vec().remove(0);
    let mut attributes = signer_info.signed_attrs.take().unwrap().into_vec();
    if how.without_signing_certificate {
        attributes.retain(|attribute| attribute.oid.to_string() != SIGNING_CERTIFICATE_V2);
    }
    if how.rsa_pkcs1_sha512 {
        // SHA-512 throughout, as RFC 5754 asks of a SignerInfo: its digest
        // algorithm, the message digest, and the signature's hash.
        let sha512 = ring::digest::digest(&ring::digest::SHA512, &content.concat());
        let value = Any::encode_from(&OctetString::new(sha512.as_ref()).unwrap()).unwrap();
        let message_digest = attributes
            .iter_mut()
            .find(|attribute| attribute.oid.to_string() == MESSAGE_DIGEST)
            .unwrap();
        message_digest.values = SetOfVec::try_from(vec![value]).unwrap();
        signer_info.digest_alg.oid = SHA_512;
        signed_data.digest_algorithms =
            SetOfVec::try_from(vec![signer_info.digest_alg.clone()]).unwrap();
    }
    if how.smime_capabilities {
        let aes256_cbc = der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42");
        let capability = vec![Any::encode_from(&aes256_cbc).unwrap()];
        let capabilities = vec![Any::encode_from(&capability).unwrap()];
        attributes.push(Attribute {
            oid: SMIME_CAPABILITIES.parse().unwrap(),
            values: SetOfVec::try_from(vec![Any::encode_from(&capabilities).unwrap()]).unwrap(),
        });
    }
    if how.signing_time {
        let time = Any::new(Tag::UtcTime, b"250815000000Z".as_slice()).unwrap();
        attributes.push(Attribute {
            oid: SIGNING_TIME.parse().unwrap(),
            values: SetOfVec::try_from(vec![time]).unwrap(),
        });
    }
    let attributes = SetOfVec::try_from(attributes).unwrap();
    let signed = attributes.to_der().unwrap();
    let signature = if how.rsa_pkcs1_sha512 {
        signer_info.signature_algorithm.oid = SHA_512_WITH_RSA_ENCRYPTION;
        with_sha512(&signed)
    } else {
        signer.sign(&signed).unwrap()
    };
    signer_info.signed_attrs = Some(attributes);
    signer_info.signature = OctetString::new(signature).unwrap();
    signed_data.signer_infos = SignerInfos(SetOfVec::try_from(vec![signer_info]).unwrap());
    ContentInfo {
        content_type: info.content_type,
        content: Any::encode_from(&signed_data).unwrap(),
    }
    .to_der()
    .unwrap()
}
