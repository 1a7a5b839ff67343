//! Signing with a private key held in memory, by ring.
//!
//! Every file format ends here as a plain PKCS#8 document. Before handing it
//! to ring we read which key it is, so that an unsupported curve or a short RSA
//! key gets a message naming the problem instead of ring's terse rejection.

use std::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::{DB, rfc5912};
use der::Decode;
use pkcs8::PrivateKeyInfoRef;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};

use super::{RsaPadding, SignatureAlgorithm, Signer, SignerError};

/// The smallest RSA modulus gazette signs with; shorter keys are breakable.
pub(super) const MIN_RSA_BITS: usize = 2048;

/// The kinds of private key a seal may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KeyKind {
    EcP256,
    EcP384,
    Rsa,
}

impl KeyKind {
    pub(super) fn algorithm(self, padding: RsaPadding) -> SignatureAlgorithm {
        match self {
            KeyKind::EcP256 => SignatureAlgorithm::EcdsaP256Sha256,
            KeyKind::EcP384 => SignatureAlgorithm::EcdsaP384Sha384,
            KeyKind::Rsa => padding.algorithm(),
        }
    }

    /// The kind named by an elliptic-curve key's `namedCurve` OID.
    pub(super) fn from_curve(curve: ObjectIdentifier, origin: &str) -> Result<Self, SignerError> {
        match curve {
            rfc5912::SECP_256_R_1 => Ok(KeyKind::EcP256),
            rfc5912::SECP_384_R_1 => Ok(KeyKind::EcP384),
            other => Err(SignerError::new(format!(
                "{origin} is an elliptic-curve key on {}; gazette signs with P-256, P-384 \
                 or RSA of at least {MIN_RSA_BITS} bits",
                oid_name(other)
            ))),
        }
    }
}

/// Refuses an RSA modulus shorter than [`MIN_RSA_BITS`].
pub(super) fn check_rsa_modulus(modulus: &[u8], origin: &str) -> Result<(), SignerError> {
    let bits = significant_bits(modulus);
    if bits < MIN_RSA_BITS {
        return Err(SignerError::new(format!(
            "{origin} is a {bits}-bit RSA key; gazette needs at least {MIN_RSA_BITS} bits: \
             make a new key"
        )));
    }
    Ok(())
}

fn significant_bits(big_endian: &[u8]) -> usize {
    let start = big_endian.iter().position(|&byte| byte != 0);
    start.map_or(0, |start| {
        (big_endian.len() - start) * 8 - big_endian[start].leading_zeros() as usize
    })
}

fn oid_name(oid: ObjectIdentifier) -> String {
    match DB.by_oid(&oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

/// Reads which key a plain PKCS#8 document holds, without using it.
fn classify(pkcs8: &[u8], origin: &str) -> Result<KeyKind, SignerError> {
    let info = PrivateKeyInfoRef::from_der(pkcs8).map_err(|error| {
        SignerError::new(format!(
            "{origin} is not a valid PKCS#8 private key ({error})"
        ))
    })?;
    match info.algorithm.oid {
        rfc5912::ID_EC_PUBLIC_KEY => {
            let curve = info
                .algorithm
                .parameters
                .and_then(|parameters| parameters.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| {
                    SignerError::new(format!(
                        "{origin} is an elliptic-curve key without a named curve; \
                         gazette signs with P-256 or P-384"
                    ))
                })?;
            KeyKind::from_curve(curve, origin)
        }
        rfc5912::RSA_ENCRYPTION => {
            let key = pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes()).map_err(
                |error| SignerError::new(format!("{origin} holds a malformed RSA key ({error})")),
            )?;
            check_rsa_modulus(key.modulus.as_bytes(), origin)?;
            Ok(KeyKind::Rsa)
        }
        other => Err(SignerError::new(format!(
            "{origin} is a {} key; gazette signs with P-256, P-384 or RSA of at least \
             {MIN_RSA_BITS} bits",
            oid_name(other)
        ))),
    }
}

enum RingKey {
    Ecdsa(EcdsaKeyPair),
    Rsa(RsaKeyPair, &'static dyn signature::RsaEncoding),
}

/// A private key in memory, signing through ring.
pub(super) struct SoftwareSigner {
    key: RingKey,
    algorithm: SignatureAlgorithm,
    rng: SystemRandom,
}

impl SoftwareSigner {
    /// Loads a plain PKCS#8 document; `origin` names it in errors.
    pub(super) fn from_pkcs8(
        pkcs8: &[u8],
        padding: RsaPadding,
        origin: &str,
    ) -> Result<Self, SignerError> {
        let kind = classify(pkcs8, origin)?;
        let algorithm = kind.algorithm(padding);
        let rng = SystemRandom::new();
        let rejected = |error: ring::error::KeyRejected| {
            SignerError::new(format!(
                "{origin} was refused by the signing library ({error}); an elliptic-curve \
                 key must include its public key: re-export it with `openssl pkcs8 -topk8`"
            ))
        };
        let key = match algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => RingKey::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
                    .map_err(rejected)?,
            ),
            SignatureAlgorithm::EcdsaP384Sha384 => RingKey::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, pkcs8, &rng)
                    .map_err(rejected)?,
            ),
            SignatureAlgorithm::RsaPkcs1Sha256 => RingKey::Rsa(
                RsaKeyPair::from_pkcs8(pkcs8).map_err(rejected)?,
                &signature::RSA_PKCS1_SHA256,
            ),
            SignatureAlgorithm::RsaPssSha256 => RingKey::Rsa(
                RsaKeyPair::from_pkcs8(pkcs8).map_err(rejected)?,
                &signature::RSA_PSS_SHA256,
            ),
        };
        Ok(Self {
            key,
            algorithm,
            rng,
        })
    }

    /// The public key as ring encodes it (uncompressed point or PKCS#1), so
    /// callers can check it matches a certificate.
    pub(super) fn public_key(&self) -> &[u8] {
        match &self.key {
            RingKey::Ecdsa(key) => key.public_key().as_ref(),
            RingKey::Rsa(key, _) => key.public_key().as_ref(),
        }
    }
}

impl Signer for SoftwareSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let failed = |_| SignerError::new("signing with the key failed");
        match &self.key {
            RingKey::Ecdsa(key) => key
                .sign(&self.rng, message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(failed),
            RingKey::Rsa(key, encoding) => {
                let mut signature = vec![0; key.public().modulus_len()];
                key.sign(*encoding, &self.rng, message, &mut signature)
                    .map_err(failed)?;
                Ok(signature)
            }
        }
    }
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_modulus_bits() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x01, 0xff]), 9);
        assert_eq!(significant_bits(&[0x00]), 0);
    }
}
