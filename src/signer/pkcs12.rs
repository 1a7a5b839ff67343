//! PKCS#12 (.p12, .pfx) files: a password-protected bundle of the seal's
//! private key and its certificate chain, as most certificate authorities
//! deliver them. Reading is p12-keystore's; we take the first key and the
//! chain it links to that key.

use p12_keystore::error::Error as P12Error;
use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use x509_parser::prelude::{FromDer, X509Certificate};
use zeroize::Zeroizing;

use super::SignerError;
use super::secret::Secret;
use super::software::SoftwareSigner;

/// A PKCS#12 file's seal key and chain.
pub(super) struct Contents {
    /// Plain PKCS#8.
    pub(super) pkcs8: Zeroizing<Vec<u8>>,
    /// DER certificates, the key's own first; empty if the file has none.
    pub(super) chain: Vec<Vec<u8>>,
}

pub(super) fn unpack(pfx: &[u8], password: &Secret, origin: &str) -> Result<Contents, SignerError> {
    // Relaxed keeps a key that has no certificate, so that the error below
    // can say so instead of "no key".
    let store = KeyStore::from_pkcs12(pfx, password.expose(), Pkcs12ImportPolicy::Relaxed)
        .map_err(|error| match error {
            P12Error::MacError(_) => SignerError::new(format!(
                "wrong password for {origin} (its integrity check failed)"
            )),
            other => SignerError::new(format!(
                "{origin} could not be read as PKCS#12 ({other}); check the password and the file"
            )),
        })?;
    let (_, key_chain) = store.private_key_chain().ok_or_else(|| {
        SignerError::new(format!("{origin} holds no private key, only certificates"))
    })?;
    Ok(Contents {
        pkcs8: Zeroizing::new(key_chain.key().as_der().to_vec()),
        chain: key_chain
            .certs()
            .iter()
            .map(|cert| cert.as_der().to_vec())
            .collect(),
    })
}

/// Refuses a file whose first certificate belongs to another key: sealing
/// with it would produce signatures nobody can verify.
pub(super) fn check_key_matches_chain(
    signer: &SoftwareSigner,
    chain: &[Vec<u8>],
    origin: &str,
) -> Result<(), SignerError> {
    let Some(leaf) = chain.first() else {
        return Ok(());
    };
    let (_, certificate) = X509Certificate::from_der(leaf).map_err(|error| {
        SignerError::new(format!("{origin} holds a damaged certificate ({error})"))
    })?;
    if certificate.public_key().subject_public_key.data.as_ref() != signer.public_key() {
        return Err(SignerError::new(format!(
            "in {origin} the certificate '{}' is not the private key's",
            certificate.subject()
        )));
    }
    Ok(())
}
