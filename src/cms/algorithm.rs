//! The digest and signature algorithms a seal may use, named by their OIDs
//! and XML-DSig URIs.
//!
//! One table serves both directions and both signature formats: [`profile`]
//! gives, for the [`SignatureAlgorithm`] a key store reports, its name, its
//! digest, its XML-DSig URI and the ring verifiers that check it; signing a
//! CMS picks the identifiers for it. Verifying maps identifiers found in a CMS
//! or a certificate back to a ring verifier and refuses what it does not know
//! rather than guess.

use const_oid::db::{DB, rfc5912};
use der::asn1::{Any, ObjectIdentifier, Uint};
use der::{Decode, Sequence};
use ring::{digest, signature};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::signer::SignatureAlgorithm;

/// The salt RSASSA-PSS uses with SHA-256: as long as the digest (RFC 4055).
const PSS_SALT_LENGTH: u32 = 32;
/// trailerFieldBC, the only trailer RSASSA-PSS defines.
const PSS_TRAILER_FIELD: u32 = 1;

/// A digest algorithm for message digests and certificate hashes. SHA-1 is
/// read only to say truthfully that a signature made with it holds but is
/// weak; gazette never makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DigestAlgorithm {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// Recognises a digest identifier; parameters must be absent or NULL (RFC 5754).
    pub(crate) fn from_identifier(id: &AlgorithmIdentifierOwned) -> Option<Self> {
        if id.parameters.as_ref().is_some_and(|p| !p.is_null()) {
            return None;
        }
        [Self::Sha1, Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|d| d.oid() == id.oid)
    }

    /// SHA-1 collisions are practical (SHAttered, 2017): what it binds can be
    /// swapped for other content with the same digest.
    pub(crate) fn is_weak(self) -> bool {
        self == Self::Sha1
    }

    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => rfc5912::ID_SHA_1,
            Self::Sha256 => rfc5912::ID_SHA_256,
            Self::Sha384 => rfc5912::ID_SHA_384,
            Self::Sha512 => rfc5912::ID_SHA_512,
        }
    }

    /// The identifier as CMS wants it: parameters absent (RFC 5754 section 2).
    pub(crate) fn identifier(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// The digest of `parts` taken as one message (a PDF's byte ranges).
    pub(crate) fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        let mut context = digest::Context::new(match self {
            Self::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        });
        for part in parts {
            context.update(part);
        }
        context.finish().as_ref().to_vec()
    }
}

/// A signature algorithm gazette seals with, as reports name it, XML-DSig
/// identifies it and ring checks it.
pub(crate) struct Profile {
    pub(crate) name: &'static str,
    /// The digest it hashes with, used for the content too.
    pub(crate) digest: DigestAlgorithm,
    /// Its SignatureMethod URI (RFC 6931).
    pub(crate) xmldsig_uri: &'static str,
    /// For ECDSA, the size of r and of s in the fixed-width form XML-DSig
    /// writes (r‖s).
    pub(crate) ecdsa_scalar_len: Option<usize>,
    /// ring's verifier for signatures as a key store returns them and CMS
    /// carries them (ECDSA as a DER Ecdsa-Sig-Value).
    pub(crate) verifier: &'static dyn signature::VerificationAlgorithm,
    /// ring's verifier for signatures as XML-DSig carries them (ECDSA as r‖s).
    pub(crate) xmldsig_verifier: &'static dyn signature::VerificationAlgorithm,
}

static ECDSA_P256_SHA256: Profile = Profile {
    name: "ECDSA P-256 with SHA-256",
    digest: DigestAlgorithm::Sha256,
    xmldsig_uri: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    ecdsa_scalar_len: Some(32),
    verifier: &signature::ECDSA_P256_SHA256_ASN1,
    xmldsig_verifier: &signature::ECDSA_P256_SHA256_FIXED,
};

static ECDSA_P384_SHA384: Profile = Profile {
    name: "ECDSA P-384 with SHA-384",
    digest: DigestAlgorithm::Sha384,
    xmldsig_uri: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    ecdsa_scalar_len: Some(48),
    verifier: &signature::ECDSA_P384_SHA384_ASN1,
    xmldsig_verifier: &signature::ECDSA_P384_SHA384_FIXED,
};

static RSA_PKCS1_SHA256: Profile = Profile {
    name: "RSA PKCS#1 v1.5 with SHA-256",
    digest: DigestAlgorithm::Sha256,
    xmldsig_uri: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    ecdsa_scalar_len: None,
    verifier: &signature::RSA_PKCS1_2048_8192_SHA256,
    xmldsig_verifier: &signature::RSA_PKCS1_2048_8192_SHA256,
};

/// The URI fixes MGF1 with SHA-256 and a salt as long as the hash, the
/// parameters gazette uses.
static RSA_PSS_SHA256: Profile = Profile {
    name: "RSA-PSS with SHA-256",
    digest: DigestAlgorithm::Sha256,
    xmldsig_uri: "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    ecdsa_scalar_len: None,
    verifier: &signature::RSA_PSS_2048_8192_SHA256,
    xmldsig_verifier: &signature::RSA_PSS_2048_8192_SHA256,
};

/// The one table of the algorithms gazette seals with.
pub(crate) fn profile(algorithm: SignatureAlgorithm) -> &'static Profile {
    match algorithm {
        SignatureAlgorithm::EcdsaP256Sha256 => &ECDSA_P256_SHA256,
        SignatureAlgorithm::EcdsaP384Sha384 => &ECDSA_P384_SHA384,
        SignatureAlgorithm::RsaPkcs1Sha256 => &RSA_PKCS1_SHA256,
        SignatureAlgorithm::RsaPssSha256 => &RSA_PSS_SHA256,
    }
}

/// The algorithm an XML-DSig SignatureMethod URI names, if gazette seals with it.
pub(crate) fn from_xmldsig_uri(uri: &str) -> Option<SignatureAlgorithm> {
    SignatureAlgorithm::ALL
        .into_iter()
        .find(|&algorithm| profile(algorithm).xmldsig_uri == uri)
}

/// The digest a signature algorithm hashes with, used for the content too.
pub(crate) fn digest_of(algorithm: SignatureAlgorithm) -> DigestAlgorithm {
    profile(algorithm).digest
}

/// The signatureAlgorithm identifier for a SignerInfo.
pub(crate) fn signature_identifier(
    algorithm: SignatureAlgorithm,
) -> Result<AlgorithmIdentifierOwned, der::Error> {
    let (oid, parameters) = match algorithm {
        // RFC 5758: ECDSA identifiers have no parameters.
        SignatureAlgorithm::EcdsaP256Sha256 => (rfc5912::ECDSA_WITH_SHA_256, None),
        SignatureAlgorithm::EcdsaP384Sha384 => (rfc5912::ECDSA_WITH_SHA_384, None),
        // RFC 4055 section 5: PKCS#1 v1.5 identifiers carry NULL.
        SignatureAlgorithm::RsaPkcs1Sha256 => {
            (rfc5912::SHA_256_WITH_RSA_ENCRYPTION, Some(Any::null()))
        }
        SignatureAlgorithm::RsaPssSha256 => (
            rfc5912::ID_RSASSA_PSS,
            Some(Any::encode_from(&RsaPssParams::sha256())?),
        ),
    };
    Ok(AlgorithmIdentifierOwned { oid, parameters })
}

/// RSASSA-PSS-params (RFC 4055 section 3.1). Every field has a DEFAULT naming
/// SHA-1, so absent fields are kept absent here and refused when verifying.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct RsaPssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

impl RsaPssParams {
    /// SHA-256, MGF1 with SHA-256, a 32-byte salt. The trailer field is 1, its
    /// DEFAULT, which DER requires to be left out.
    fn sha256() -> Self {
        let sha256 = AlgorithmIdentifierOwned {
            oid: rfc5912::ID_SHA_256,
            // RFC 4055 section 2.1: PSS hash identifiers are written with NULL.
            parameters: Some(Any::null()),
        };
        let mgf1_parameters = Any::encode_from(&sha256).ok();
        RsaPssParams {
            hash_algorithm: Some(sha256),
            mask_gen_algorithm: Some(AlgorithmIdentifierOwned {
                oid: rfc5912::ID_MGF_1,
                parameters: mgf1_parameters,
            }),
            salt_length: Some(PSS_SALT_LENGTH),
            trailer_field: None,
        }
    }

    /// Whether these are exactly the SHA-256 parameters ring verifies, whatever
    /// NULL-or-absent spelling the hash identifiers use.
    fn is_sha256(&self) -> bool {
        let is_sha256 = |id: &AlgorithmIdentifierOwned| {
            DigestAlgorithm::from_identifier(id) == Some(DigestAlgorithm::Sha256)
        };
        let mgf1_sha256 = self.mask_gen_algorithm.as_ref().is_some_and(|mgf| {
            mgf.oid == rfc5912::ID_MGF_1
                && mgf
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<AlgorithmIdentifierOwned>().ok())
                    .is_some_and(|hash| is_sha256(&hash))
        });
        self.hash_algorithm.as_ref().is_some_and(is_sha256)
            && mgf1_sha256
            && self.salt_length == Some(PSS_SALT_LENGTH)
            && self.trailer_field.unwrap_or(PSS_TRAILER_FIELD) == PSS_TRAILER_FIELD
    }
}

/// A signature algorithm resolved for one public key, ready to verify.
pub(crate) struct Verifier {
    algorithm: &'static dyn signature::VerificationAlgorithm,
    pub(crate) name: &'static str,
    /// Why a signature made this way no longer protects what it signs, when
    /// it does not: SHA-1, or an RSA key under 2048 bits.
    pub(crate) weakness: Option<String>,
    /// Whether it is one of the four a seal may use (SEAL-3): other standard
    /// signatures may use more.
    pub(crate) for_seals: bool,
}

impl Verifier {
    /// Whether `signature` over `message` verifies with `key`.
    pub(crate) fn verify(
        &self,
        key: &SubjectPublicKeyInfoOwned,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let Some(key_bytes) = key.subject_public_key.as_bytes() else {
            return false;
        };
        signature::UnparsedPublicKey::new(self.algorithm, key_bytes)
            .verify(message, signature)
            .is_ok()
    }
}

/// The kinds of public key ring can verify with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
}

fn key_kind(key: &SubjectPublicKeyInfoOwned) -> Option<KeyKind> {
    let curve = || {
        key.algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
    };
    match key.algorithm.oid {
        rfc5912::RSA_ENCRYPTION => Some(KeyKind::Rsa),
        rfc5912::ID_EC_PUBLIC_KEY => match curve()? {
            rfc5912::SECP_256_R_1 => Some(KeyKind::EcP256),
            rfc5912::SECP_384_R_1 => Some(KeyKind::EcP384),
            _ => None,
        },
        _ => None,
    }
}

/// Resolves `signature_algorithm` for `key`. `digest` is the SignerInfo's
/// digest algorithm, which CMS lets a bare `rsaEncryption` identifier rely on;
/// certificates pass `None`. The error says what is unsupported. Weak but
/// still checkable algorithms (SHA-1, RSA keys under 2048 bits) resolve, with
/// their weakness named.
pub(crate) fn verifier_for(
    signature_algorithm: &AlgorithmIdentifierOwned,
    key: &SubjectPublicKeyInfoOwned,
    digest: Option<DigestAlgorithm>,
) -> Result<Verifier, String> {
    use signature as s;
    let kind = key_kind(key).ok_or_else(|| {
        format!(
            "public keys of type {} are not supported",
            describe_key(key)
        )
    })?;
    let found = |algorithm, name, for_seals| {
        Ok(Verifier {
            algorithm,
            name,
            weakness: None,
            for_seals,
        })
    };
    let sealed_with = |algorithm| {
        let profile = profile(algorithm);
        found(profile.verifier, profile.name, true)
    };
    let pkcs1 = |digest| rsa_pkcs1(digest, rsa_modulus_bits(key));
    match (signature_algorithm.oid, kind) {
        (rfc5912::ECDSA_WITH_SHA_256, KeyKind::EcP256) => {
            sealed_with(SignatureAlgorithm::EcdsaP256Sha256)
        }
        (rfc5912::ECDSA_WITH_SHA_384, KeyKind::EcP256) => found(
            &s::ECDSA_P256_SHA384_ASN1,
            "ECDSA P-256 with SHA-384",
            false,
        ),
        (rfc5912::ECDSA_WITH_SHA_256, KeyKind::EcP384) => found(
            &s::ECDSA_P384_SHA256_ASN1,
            "ECDSA P-384 with SHA-256",
            false,
        ),
        (rfc5912::ECDSA_WITH_SHA_384, KeyKind::EcP384) => {
            sealed_with(SignatureAlgorithm::EcdsaP384Sha384)
        }
        (rfc5912::SHA_1_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => pkcs1(DigestAlgorithm::Sha1),
        (rfc5912::SHA_256_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => pkcs1(DigestAlgorithm::Sha256),
        (rfc5912::SHA_384_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => pkcs1(DigestAlgorithm::Sha384),
        (rfc5912::SHA_512_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => pkcs1(DigestAlgorithm::Sha512),
        (rfc5912::RSA_ENCRYPTION, KeyKind::Rsa) => match digest {
            Some(digest) => pkcs1(digest),
            None => Err("rsaEncryption names no digest outside a CMS SignerInfo".to_owned()),
        },
        (rfc5912::ID_RSASSA_PSS, KeyKind::Rsa) => {
            let params = signature_algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<RsaPssParams>().ok());
            match params {
                // A CMS spells the parameters out, so the report names them.
                Some(params) if params.is_sha256() && rsa_modulus_bits(key) >= MIN_RSA_BITS => {
                    found(
                        profile(SignatureAlgorithm::RsaPssSha256).verifier,
                        "RSASSA-PSS with SHA-256 (MGF1 SHA-256, 32-byte salt)",
                        true,
                    )
                }
                _ => Err(
                    "RSASSA-PSS is supported only with SHA-256, MGF1 with SHA-256 \
                     and a 32-byte salt, and keys of 2048 bits or more"
                        .to_owned(),
                ),
            }
        }
        (oid, _) => Err(format!(
            "signature algorithm {} is not supported with the {} key",
            describe_oid(&oid),
            describe_key(key)
        )),
    }
}

/// RSA keys shorter than this are weak (NIST SP 800-131A, ETSI TS 119 312).
const MIN_RSA_BITS: usize = 2048;
/// Shorter keys are not even checked.
const MIN_CHECKED_RSA_BITS: usize = 1024;

/// RSA PKCS#1 v1.5 with `digest` for a key of `bits` bits. Short keys and
/// SHA-1 are checked with ring's legacy verifiers and reported as weak.
fn rsa_pkcs1(digest: DigestAlgorithm, bits: usize) -> Result<Verifier, String> {
    use DigestAlgorithm::{Sha1, Sha256, Sha384, Sha512};
    use signature as s;
    let short = bits < MIN_RSA_BITS;
    let algorithm: &'static dyn signature::VerificationAlgorithm = match (digest, short) {
        _ if bits < MIN_CHECKED_RSA_BITS => {
            return Err(format!("RSA keys of {bits} bits are not supported"));
        }
        (Sha1, false) => &s::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (Sha1, true) => &s::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (Sha256, false) => profile(SignatureAlgorithm::RsaPkcs1Sha256).verifier,
        (Sha256, true) => &s::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        (Sha384, false) => &s::RSA_PKCS1_2048_8192_SHA384,
        (Sha512, false) => &s::RSA_PKCS1_2048_8192_SHA512,
        (Sha512, true) => &s::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (Sha384, true) => {
            return Err(format!(
                "RSA PKCS#1 v1.5 with SHA-384 is not supported with a key of {bits} bits"
            ));
        }
    };
    let name = match digest {
        Sha1 => "RSA PKCS#1 v1.5 with SHA-1",
        Sha256 => profile(SignatureAlgorithm::RsaPkcs1Sha256).name,
        Sha384 => "RSA PKCS#1 v1.5 with SHA-384",
        Sha512 => "RSA PKCS#1 v1.5 with SHA-512",
    };
    let mut weaknesses = Vec::new();
    if digest.is_weak() {
        weaknesses.push("it hashes with SHA-1".to_owned());
    }
    if short {
        weaknesses.push(format!(
            "its RSA key has {bits} bits, fewer than {MIN_RSA_BITS}"
        ));
    }
    Ok(Verifier {
        algorithm,
        name,
        weakness: (!weaknesses.is_empty()).then(|| weaknesses.join(" and ")),
        for_seals: digest == Sha256 && !short,
    })
}

/// RSAPublicKey (RFC 8017 appendix A.1.1).
#[derive(Sequence)]
struct RsaPublicKey {
    modulus: Uint,
    public_exponent: Uint,
}

/// The size of an RSA key's modulus in bits; 0 when the key cannot be read,
/// which leaves ring to refuse it.
fn rsa_modulus_bits(key: &SubjectPublicKeyInfoOwned) -> usize {
    let modulus = key
        .subject_public_key
        .as_bytes()
        .and_then(|bytes| RsaPublicKey::from_der(bytes).ok())
        .map(|key| key.modulus);
    match modulus.as_ref().map(Uint::as_bytes) {
        Some([first, rest @ ..]) => rest.len() * 8 + (8 - first.leading_zeros() as usize),
        _ => 0,
    }
}

/// A readable name for an algorithm identifier, for reports.
pub(crate) fn describe(id: &AlgorithmIdentifierOwned) -> String {
    if let Some(digest) = DigestAlgorithm::from_identifier(id) {
        return digest.name().to_owned();
    }
    describe_oid(&id.oid)
}

fn describe_key(key: &SubjectPublicKeyInfoOwned) -> String {
    match key_kind(key) {
        Some(KeyKind::Rsa) => "RSA".to_owned(),
        Some(KeyKind::EcP256) => "ECDSA P-256".to_owned(),
        Some(KeyKind::EcP384) => "ECDSA P-384".to_owned(),
        None => describe_oid(&key.algorithm.oid),
    }
}

pub(crate) fn describe_oid(oid: &ObjectIdentifier) -> String {
    match DB.by_oid(oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use der::Decode;
    use rcgen::PublicKeyData;

    use super::*;
    use crate::cms::tests::TestKey;

    fn rsa_key() -> SubjectPublicKeyInfoOwned {
        let key = TestKey::new(SignatureAlgorithm::RsaPssSha256).rcgen();
        SubjectPublicKeyInfoOwned::from_der(&key.subject_public_key_info()).expect("SPKI")
    }

    fn pss(params: Option<RsaPssParams>) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: rfc5912::ID_RSASSA_PSS,
            parameters: params.map(|p| Any::encode_from(&p).expect("params")),
        }
    }

    #[test]
    fn pss_with_sha256_mgf1_sha256_and_salt_32_is_accepted_however_spelt() {
        let key = rsa_key();
        let ours = signature_identifier(SignatureAlgorithm::RsaPssSha256).expect("identifier");
        assert!(verifier_for(&ours, &key, None).is_ok());

        let mut explicit = RsaPssParams::sha256();
        explicit.trailer_field = Some(1);
        explicit.hash_algorithm = Some(DigestAlgorithm::Sha256.identifier());
        assert!(verifier_for(&pss(Some(explicit)), &key, None).is_ok());
    }

    #[test]
    fn other_pss_parameters_are_refused() {
        let key = rsa_key();
        let variants: [fn(&mut RsaPssParams); 5] = [
            |p| p.salt_length = Some(20),
            |p| p.salt_length = None,
            |p| p.trailer_field = Some(2),
            |p| p.hash_algorithm = Some(DigestAlgorithm::Sha384.identifier()),
            |p| p.mask_gen_algorithm = None,
        ];
        for change in variants {
            let mut params = RsaPssParams::sha256();
            change(&mut params);
            let refused = verifier_for(&pss(Some(params.clone())), &key, None);
            assert!(refused.is_err(), "{params:?} accepted");
        }
        let why = verifier_for(&pss(None), &key, None)
            .err()
            .expect("SHA-1 defaults refused");
        assert!(why.contains("32-byte salt"), "{why}");
    }

    #[test]
    fn a_signature_algorithm_for_another_key_type_is_refused() {
        let ecdsa = signature_identifier(SignatureAlgorithm::EcdsaP256Sha256).expect("identifier");
        let why = verifier_for(&ecdsa, &rsa_key(), None)
            .err()
            .expect("refused");
        assert!(why.contains("with the RSA key"), "{why}");
    }

    #[test]
    fn every_algorithm_is_found_again_by_its_xmldsig_uri() {
        for algorithm in SignatureAlgorithm::ALL {
            assert_eq!(
                from_xmldsig_uri(profile(algorithm).xmldsig_uri),
                Some(algorithm)
            );
        }
        assert_eq!(
            from_xmldsig_uri("http://www.w3.org/2001/04/xmldsig-more#rsa-md5"),
            None
        );
    }

    #[test]
    fn bare_rsa_encryption_needs_the_signer_info_digest() {
        let bare = AlgorithmIdentifierOwned {
            oid: rfc5912::RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        };
        let key = rsa_key();
        assert!(verifier_for(&bare, &key, None).is_err());
        let verifier = verifier_for(&bare, &key, Some(DigestAlgorithm::Sha512)).expect("accepted");
        assert_eq!(verifier.name, "RSA PKCS#1 v1.5 with SHA-512");
    }
}
