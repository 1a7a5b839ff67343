//! The seal's certificate chain as the package carries it: described in
//! manifest.json (base64 DER) and stored as PEM files that `openssl` and
//! archive tools read directly.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use der::pem::LineEnding;
use x509_cert::Certificate;

use super::PackageError;
use super::manifest::SealEntry;
use crate::digest;

/// The payload folder that holds the chain.
const FOLDER: &str = "certificates";

/// The chain, described and as files.
pub(super) struct SealCertificates {
    pub entry: SealEntry,
    /// Each certificate as PEM, in chain order, at the path relative to
    /// `data/` that `entry.chain_files` names.
    pub files: Vec<(String, Vec<u8>)>,
}

impl SealCertificates {
    /// Reads `chain` (DER, the seal's certificate first).
    pub fn new(chain: &[Vec<u8>]) -> Result<Self, PackageError> {
        let seal = chain.first().ok_or_else(|| {
            PackageError::Seal(
                "the certificate chain is empty: it must start with the seal's certificate"
                    .to_owned(),
            )
        })?;
        let subject = certificate(1, seal)?
            .tbs_certificate()
            .subject()
            .to_string();
        let files = chain
            .iter()
            .enumerate()
            .map(|(index, der)| Ok((file_name(index), pem(index + 1, der)?)))
            .collect::<Result<Vec<_>, PackageError>>()?;
        let entry = SealEntry {
            certificate_sha256: digest::sha256(seal),
            subject,
            chain: chain.iter().map(|der| STANDARD.encode(der)).collect(),
            chain_files: files.iter().map(|(path, _)| path.clone()).collect(),
        };
        Ok(Self { entry, files })
    }
}

/// `certificates/seal.pem` for the seal's own, then `issuer-1.pem`, ... up the chain.
fn file_name(index: usize) -> String {
    match index {
        0 => format!("{FOLDER}/seal.pem"),
        n => format!("{FOLDER}/issuer-{n}.pem"),
    }
}

/// The certificate as PEM, once it has been read as a certificate.
fn pem(number: usize, der: &[u8]) -> Result<Vec<u8>, PackageError> {
    certificate(number, der)?;
    der::pem::encode_string("CERTIFICATE", LineEnding::LF, der)
        .map(String::into_bytes)
        .map_err(|e| PackageError::Seal(format!("cannot write certificate {number} as PEM: {e}")))
}

fn certificate(number: usize, der: &[u8]) -> Result<Certificate, PackageError> {
    Certificate::from_der(der).map_err(|e| {
        PackageError::Seal(format!(
            "certificate {number} of the seal's chain is not an X.509 certificate in DER ({e}); \
             check the chain file the issue's [seal] table names"
        ))
    })
}
