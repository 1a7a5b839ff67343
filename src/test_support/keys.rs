//! Keys for tests: the committed example PKI (its keys as signers, its
//! chains), a P-384 key it lacks, checking signatures against a certificate
//! with ring, and making sure no key material leaks into text.

use std::fs;
use std::path::{Path, PathBuf};

use ring::signature::{self, EcdsaKeyPair, UnparsedPublicKey};
use x509_parser::pem::Pem;

use crate::cms::algorithm::profile;
use crate::signer::{
    self, FixedSecrets, KeySource, RsaPadding, SignatureAlgorithm, Signer, SignerError,
};

/// The example PKI committed in the repository.
pub(crate) fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("certs-example")
}

/// A signer for a key of the example PKI.
pub(crate) fn example_signer(key_file: &str, padding: RsaPadding) -> Box<dyn Signer> {
    let source = KeySource::File(example_dir().join(key_file));
    signer::open(&source, padding, &FixedSecrets::default())
        .expect("example key opens")
        .signer
}

/// The certificates of a PEM file of the example PKI, as DER.
pub(crate) fn example_chain(pem_file: &str) -> Vec<Vec<u8>> {
    certificates(&example_dir().join(pem_file))
}

/// A P-384 key with a self-signed seal certificate, which the example PKI lacks.
pub(crate) struct P384Key {
    pkcs8: Vec<u8>,
    pub(crate) certificate: Vec<u8>,
}

impl P384Key {
    pub(crate) fn new() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, &rng)
            .expect("P-384 key")
            .as_ref()
            .to_vec();
        let key_pair = rcgen::KeyPair::try_from(pkcs8.as_slice()).expect("rcgen reads it");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "P-384 Test Seal — TEST ONLY");
        params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        params.not_before = rcgen::date_time_ymd(2025, 1, 1);
        params.not_after = rcgen::date_time_ymd(2035, 1, 1);
        let certificate = params.self_signed(&key_pair).expect("certificate");
        P384Key {
            pkcs8,
            certificate: certificate.der().to_vec(),
        }
    }

    pub(crate) fn certificate_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.certificate)
            .expect("PEM")
    }
}

impl Signer for P384Key {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP384Sha384
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let rng = ring::rand::SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            &self.pkcs8,
            &rng,
        )
        .map_err(|_| SignerError::new("bad test key"))?;
        key.sign(&rng, message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| SignerError::new("test key failed"))
    }
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
    UnparsedPublicKey::new(profile(algorithm).verifier, public_key)
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
