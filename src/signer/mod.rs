//! Who holds the seal's private key, behind one trait.
//!
//! Sealing never sees key material: it hands a [`Signer`] the bytes to sign and
//! gets a signature back, whether the key sits in a file or on a token.
//!
//! [`open`] is the one way in: it takes a [`KeySource`] (a key file or an
//! RFC 7512 `pkcs11:` URI), asks [`Secrets`] for a password or PIN only when one
//! is needed, and returns an [`Identity`]: the signer, the certificate chain when
//! the key store holds one (PKCS#12), and warnings for the caller to show.

mod file;
mod pkcs11;
mod pkcs12;
mod secret;
mod software;
mod source;

use std::fmt;

pub use secret::{EnvironmentOrTerminal, FixedSecrets, KEY_PASSWORD_ENV, PIN_ENV, Secret, Secrets};
pub use source::{KeySource, Pkcs11Uri};

/// The signature algorithms a seal can use; each fixes its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// ECDSA on P-256 with SHA-256; signatures are DER `Ecdsa-Sig-Value`.
    EcdsaP256Sha256,
    /// ECDSA on P-384 with SHA-384; signatures are DER `Ecdsa-Sig-Value`.
    EcdsaP384Sha384,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    RsaPssSha256,
}

impl SignatureAlgorithm {
    pub const ALL: [SignatureAlgorithm; 4] = [
        SignatureAlgorithm::EcdsaP256Sha256,
        SignatureAlgorithm::EcdsaP384Sha384,
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPssSha256,
    ];
}

/// Something that signs with the seal's private key.
pub trait Signer: Send + Sync {
    fn algorithm(&self) -> SignatureAlgorithm;

    /// Signs `message` (not a digest of it: the signer hashes). ECDSA signatures
    /// come back DER-encoded, whatever the key store returns natively.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError>;
}

/// Why a key could not be opened or used. Never carries key material.
#[derive(Debug)]
pub struct SignerError(pub String);

impl SignerError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for SignerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignerError {}

/// How an RSA key signs; the key alone does not say. ECDSA keys ignore it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RsaPadding {
    /// PKCS#1 v1.5, which every PDF reader accepts.
    #[default]
    Pkcs1,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    Pss,
}

impl RsaPadding {
    fn algorithm(self) -> SignatureAlgorithm {
        match self {
            RsaPadding::Pkcs1 => SignatureAlgorithm::RsaPkcs1Sha256,
            RsaPadding::Pss => SignatureAlgorithm::RsaPssSha256,
        }
    }
}

/// An opened seal key, with what its key store said about it.
pub struct Identity {
    pub signer: Box<dyn Signer>,
    /// DER certificates, the seal's own first, when the key store carries them
    /// (a PKCS#12 file); `None` when the caller must supply the certificate.
    pub chain: Option<Vec<Vec<u8>>>,
    /// Things the user should fix but that do not stop signing, such as a key
    /// file others can read. The caller shows them.
    pub warnings: Vec<String>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("algorithm", &self.signer.algorithm())
            .field("chain_len", &self.chain.as_ref().map(Vec::len))
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// Opens the seal key at `source`, asking `secrets` for a password or PIN only
/// if the key store needs one. `rsa_padding` applies to RSA keys only.
pub fn open(
    source: &KeySource,
    rsa_padding: RsaPadding,
    secrets: &dyn Secrets,
) -> Result<Identity, SignerError> {
    match source {
        KeySource::File(path) => file::open(path, rsa_padding, secrets),
        KeySource::Pkcs11(uri) => pkcs11::open(uri, rsa_padding, secrets),
    }
}
