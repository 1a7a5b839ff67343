//! Helpers shared by the key store tests: the committed example PKI, checking
//! signatures against a certificate with ring, and the skip rule for external
//! tools.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::pem::Pem;

use super::SignatureAlgorithm;

/// The example PKI committed in the repository.
pub(crate) fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("certs-example")
}

/// Copies `name` from `from` into `to` with mode 0600, as a careful user keeps keys.
pub(crate) fn copy_private(from: &Path, name: &str, to: &Path) -> PathBuf {
    let target = to.join(name);
    fs::copy(from.join(name), &target).unwrap();
    set_mode(&target, 0o600);
    target
}

pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Every certificate in a PEM file, as DER, in file order.
pub(crate) fn certificates(pem_file: &Path) -> Vec<Vec<u8>> {
    let text = fs::read(pem_file).unwrap();
    Pem::iter_from_buffer(&text)
        .map(|pem| pem.unwrap().contents)
        .collect()
}

/// The subjectPublicKey bits of a DER certificate.
pub(crate) fn public_key(certificate: &[u8]) -> Vec<u8> {
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate).unwrap();
    parsed.public_key().subject_public_key.data.to_vec()
}

/// Whether `signature` over `message` verifies with ring against the first
/// certificate in `cert_pem`.
pub(crate) fn verifies(
    cert_pem: &Path,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let key = public_key(&certificates(cert_pem)[0]);
    verifies_with_key(&key, algorithm, message, signature)
}

pub(crate) fn verifies_with_key(
    public_key: &[u8],
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let ring_algorithm: &'static dyn VerificationAlgorithm = match algorithm {
        SignatureAlgorithm::EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
        SignatureAlgorithm::EcdsaP384Sha384 => &signature::ECDSA_P384_SHA384_ASN1,
        SignatureAlgorithm::RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::RsaPssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
    };
    UnparsedPublicKey::new(ring_algorithm, public_key)
        .verify(message, signature)
        .is_ok()
}

/// Fails if `text` shows any run of 8 bytes of `secret` as hex or as Rust's
/// `{:?}` of a byte slice.
pub(crate) fn assert_no_key_material(text: &str, secret: &[u8]) {
    for window in secret.windows(8) {
        let hex = crate::digest::hex(window);
        let listed = format!("{window:?}");
        let listed = &listed[1..listed.len() - 1];
        assert!(
            !text.to_lowercase().contains(&hex) && !text.contains(listed),
            "key bytes leaked into: {text}"
        );
    }
}

/// Whether an external tool is on PATH. Missing tools skip a test, unless
/// GAZETTE_REQUIRE_TOOLS=1 makes them a failure.
pub(crate) fn tool_available(tool: &str) -> bool {
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    crate::test_support::available(on_path, tool)
}

/// Whether a file the test needs (such as a PKCS#11 module) exists, with the
/// same skip rule as [`tool_available`].
pub(crate) fn file_available(path: &Path) -> bool {
    crate::test_support::available(path.is_file(), &path.display().to_string())
}
