//! Who holds the seal's private key, behind one trait.
//!
//! Sealing never sees key material: it hands a [`Signer`] the bytes to sign and
//! gets a signature back, whether the key sits in a file or on a token.

use std::fmt;

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

impl fmt::Display for SignerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignerError {}
