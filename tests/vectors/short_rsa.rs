//! A seal key the format forbids (SEAL-4): RSA of 1024 bits. gazette's file
//! signer refuses such a key and ring will not sign with it, so it signs here
//! with the `rsa` crate behind gazette's own `Signer` trait: the seal around
//! the signature is made by gazette's sealing code, and the key's length is
//! all that breaks the rule.

use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::OctetString;
use der::{Any, Encode};
use gazette::signer::{SignatureAlgorithm, Signer, SignerError};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, PrivateKey};
use spki::AlgorithmIdentifierOwned;

/// The key length SEAL-4 forbids.
const BITS: usize = 1024;

pub struct ShortRsa {
    key: PrivateKey,
    /// The public key as PKCS#1 RSAPublicKey DER, what a certificate's
    /// subjectPublicKey holds.
    public: Vec<u8>,
}

impl ShortRsa {
    pub fn generate() -> Self {
        let key = PrivateKey::new(&mut getrandom::SysRng, BITS).unwrap();
        let public = key.to_public_key().to_pkcs1_der().unwrap().into_vec();
        ShortRsa { key, public }
    }
}

impl Signer for ShortRsa {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RsaPkcs1Sha256
    }

    /// PKCS#1 v1.5 over the DigestInfo of SHA-256(`message`), the DigestInfo
    /// encoded by `der` rather than taken from a table of prefixes.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let algorithm = AlgorithmIdentifierOwned {
            oid: ID_SHA_256,
            parameters: Some(Any::null()),
        };
        let hash = ring::digest::digest(&ring::digest::SHA256, message);
        let digest_info = vec![
            Any::encode_from(&algorithm).unwrap(),
            Any::encode_from(&OctetString::new(hash.as_ref()).unwrap()).unwrap(),
        ]
        .to_der()
        .unwrap();
        self.key
            .sign(Pkcs1v15Sign::new_unprefixed(), &digest_info)
            .map_err(|e| SignerError(e.to_string()))
    }
}

impl rcgen::PublicKeyData for ShortRsa {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}
