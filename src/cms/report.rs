//! What a signature check found, as plain data for `gazette verify` and its JSON.

use serde::Serialize;

use super::UnixTime;
use super::certs::CertificateSummary;

/// Everything learnt about one CMS signature. The signature is good when
/// `problems` is empty, which `valid` repeats for JSON readers.
#[derive(Clone, Debug, Serialize)]
pub struct SignatureCheck {
    pub valid: bool,
    /// The signing certificate, when it was found among the CMS certificates.
    pub signer: Option<CertificateSummary>,
    pub digest_algorithm: String,
    pub signature_algorithm: String,
    /// Whether the message-digest attribute equals the digest of the content.
    pub digest_matches: bool,
    /// Whether the signature over the signed attributes verifies with the signer's key.
    pub signature_valid: bool,
    /// The certificate path, signer first; ends with the trust anchor when one was reached.
    pub chain: Vec<CertificateSummary>,
    /// The SHA-256 (lowercase hex) of each certificate the signature itself
    /// carries: its CMS `certificates`, or the EPUB seal's X509Data. A
    /// package holds these to its seal.chain (SEAL-10), which a path built
    /// with the trust anchors' help cannot show.
    #[serde(skip)]
    pub carried: Vec<String>,
    pub trust: Trust,
    pub problems: Vec<Problem>,
    /// What the signature does differently from gazette's own seals without
    /// being wrong: for a signature not made by gazette, a signing-time
    /// attribute or a missing signing-certificate-v2. Absent from JSON when
    /// empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Problem>,
    /// The time in the signing-time attribute (RFC 3339), when it has one:
    /// claimed by the signer, not attested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_time_attribute: Option<String>,
    /// The time-stamps over the signature value (signature-time-stamp
    /// attributes, RFC 3161 appendix A). Absent from JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<TimestampCheck>,
}

/// What checking one RFC 3161 time-stamp token found.
#[derive(Clone, Debug, Serialize)]
pub struct TimestampCheck {
    /// What the token stamps: a signature's value, or a PDF revision.
    pub covers: String,
    /// The time the authority attests (its genTime), RFC 3339.
    pub time: String,
    /// The same time, to compare.
    #[serde(skip)]
    pub attested: UnixTime,
    /// The time-stamp authority, as its certificate (or else the token) names it.
    pub tsa: String,
    /// Whether the token holds: its imprint matches, its CMS signature and
    /// the authority's certificate path check out, up to a trust anchor.
    pub valid: bool,
    /// Whether the token's message imprint is the digest of what it covers.
    pub imprint_matches: bool,
    /// The token's own signature check.
    pub token: SignatureCheck,
    /// Problems of the token beyond its signature: the imprint.
    pub problems: Vec<Problem>,
}

impl TimestampCheck {
    /// Valid but for a trust anchor: the authority's path reaches none.
    pub fn only_untrusted(&self) -> bool {
        self.problems.is_empty()
            && self.token.digest_matches
            && self.token.signature_valid
            && self
                .token
                .problems
                .iter()
                .all(|p| p.code == ProblemCode::Untrusted)
    }
}

/// Whether the signer's certificate leads to a trust anchor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Trust {
    /// Every certificate on the path verifies up to this anchor.
    Trusted {
        anchor: CertificateSummary,
    },
    Untrusted {
        reason: String,
    },
}

/// One finding that makes the signature fail; as a remark, one that does not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: ProblemCode,
    /// Says what is wrong, naming the certificate or attribute concerned.
    pub message: String,
    /// The rules of the written format the code enforces (docs/spec,
    /// Appendix A), by id.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub rules: &'static [&'static str],
}

impl Problem {
    pub(crate) fn new(code: ProblemCode, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            rules: code.rules(),
        }
    }
}

impl ProblemCode {
    /// The numbered rules of the written format this code enforces, as the
    /// spec's Appendix A groups the signature checks' codes.
    pub fn rules(self) -> &'static [&'static str] {
        use ProblemCode::*;
        match self {
            SignerCount
            | NotDetached
            | ContentType
            | MissingAttribute
            | MalformedAttribute
            | DigestMismatch
            | BadSignature
            | SigningCertificateMismatch
            | SignerCertificateMissing => &[
                "VER-21", "SPDF-4", "SPDF-5", "SMAN-1", "SMAN-2", "VER-43", "VER-59",
            ],
            SigningTimePresent => &["SPDF-6", "SMAN-3", "VER-22"],
            UnsupportedAlgorithm => &["SEAL-3", "VER-22", "VER-59"],
            MalformedCertificate
            | Expired
            | NotYetValid
            | BadChainSignature
            | NotACa
            | PathLength
            | KeyUsage
            | ExtendedKeyUsage
            | UnknownCriticalExtension => {
                &["VER-23", "SEAL-5", "SEAL-6", "SEAL-8", "SEAL-12", "VER-70"]
            }
            Untrusted => &["VER-1", "VER-24"],
            WeakAlgorithm => &["VER-25", "SEAL-4"],
            ImprintMismatch => &["VER-69", "SPDF-11", "SMAN-5"],
            TimestampInvalid => &["VER-69", "SPDF-11", "SMAN-5", "SEAL-13"],
            SignedDataVersion => &["SMAN-7", "VER-59"],
            SignatureValueForm => &["SEPUB-11", "VER-43"],
        }
    }
}

/// Stable machine codes for problems; they appear in JSON as kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    /// The CMS holds more than one SignerInfo.
    SignerCount,
    /// The CMS carries the content itself; PAdES wants it detached.
    NotDetached,
    /// The encapsulated content type or the content-type attribute is not id-data.
    ContentType,
    /// A required signed attribute is absent.
    MissingAttribute,
    /// A signed attribute is repeated, has several values, or cannot be read.
    MalformedAttribute,
    /// The message-digest attribute differs from the digest of the content.
    DigestMismatch,
    /// The signature over the signed attributes does not verify.
    BadSignature,
    /// A signing-time attribute is present, which PAdES B-B forbids.
    SigningTimePresent,
    /// The SignedData's `crls` hold other revocation information, and its
    /// version is not 5 (RFC 5652 section 5.1).
    SignedDataVersion,
    /// An XML-DSig ECDSA SignatureValue that is not r‖s, each integer of the
    /// curve's length (XML-DSig 1.1): a DER Ecdsa-Sig-Value, say.
    SignatureValueForm,
    /// signing-certificate-v2 does not identify the signer's certificate.
    SigningCertificateMismatch,
    /// A digest or signature algorithm (or its parameters) is not supported.
    UnsupportedAlgorithm,
    /// The signer's certificate is not among the CMS certificates.
    SignerCertificateMissing,
    /// A certificate cannot be read.
    MalformedCertificate,
    /// A certificate on the path had expired at the time checked.
    Expired,
    /// A certificate on the path was not yet valid at the time checked.
    NotYetValid,
    /// The path does not reach a trust anchor.
    Untrusted,
    /// A certificate's signature does not verify with its issuer's key.
    BadChainSignature,
    /// An issuing certificate is not a CA certificate.
    NotACa,
    /// An issuing certificate's pathLenConstraint is exceeded.
    PathLength,
    /// A certificate's keyUsage does not allow what it is used for.
    KeyUsage,
    /// The signer's extendedKeyUsage allows neither document signing nor email protection.
    ExtendedKeyUsage,
    /// A certificate has a critical extension this checker does not process.
    UnknownCriticalExtension,
    /// The signature holds, but with an algorithm that no longer protects it:
    /// SHA-1, or an RSA key under 2048 bits.
    WeakAlgorithm,
    /// A time-stamp token's message imprint is not the digest of what it
    /// should stamp.
    ImprintMismatch,
    /// A time-stamp token over the signature cannot be read or does not hold.
    TimestampInvalid,
}
