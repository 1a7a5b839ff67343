//! Tests of signing and verifying, and the fixtures they share: throwaway keys
//! behind a test-only [`Signer`], a three-level PKI made with rcgen, and tools
//! to take a signature apart and put it back together altered.

mod foreign;
mod hostile;
mod openssl;
mod problems;
mod round_trip;

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo, SignerInfos};
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyUsagePurpose, date_time_ymd,
};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_signature, EcdsaKeyPair, RsaKeyPair};

use super::UnixTime;
use crate::signer::{SignatureAlgorithm, Signer, SignerError};

/// The tests' RSA key (see its TEST ONLY note). ring cannot make RSA keys and
/// openssl may be missing, so one fixed key keeps the RSA tests running everywhere.
const RSA_TEST_KEY_PEM: &[u8] = include_bytes!("../testdata/rsa-2048-test-key.pem");

/// A throwaway key pair behind the [`Signer`] trait, as a key store would be.
pub(super) struct TestKey {
    pkcs8: Vec<u8>,
    algorithm: SignatureAlgorithm,
}

impl TestKey {
    pub(super) fn new(algorithm: SignatureAlgorithm) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = match algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                EcdsaKeyPair::generate_pkcs8(&ring_signature::ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
                    .expect("P-256 key generation")
                    .as_ref()
                    .to_vec()
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                EcdsaKeyPair::generate_pkcs8(&ring_signature::ECDSA_P384_SHA384_ASN1_SIGNING, &rng)
                    .expect("P-384 key generation")
                    .as_ref()
                    .to_vec()
            }
            SignatureAlgorithm::RsaPkcs1Sha256 | SignatureAlgorithm::RsaPssSha256 => {
                der::pem::decode_vec(RSA_TEST_KEY_PEM)
                    .expect("test RSA key PEM")
                    .1
            }
        };
        TestKey { pkcs8, algorithm }
    }

    /// The same key for rcgen, to put its public key in a certificate.
    pub(super) fn rcgen(&self) -> rcgen::KeyPair {
        rcgen::KeyPair::try_from(self.pkcs8.as_slice()).expect("rcgen reads the test key")
    }
}

impl Signer for TestKey {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let rng = SystemRandom::new();
        let failed = |_| SignerError("test key failed to sign".to_owned());
        let ecdsa = |alg| {
            let key = EcdsaKeyPair::from_pkcs8(alg, &self.pkcs8, &rng)
                .map_err(|_| SignerError("bad test key".to_owned()))?;
            key.sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(failed)
        };
        let rsa = |padding| {
            let key = RsaKeyPair::from_pkcs8(&self.pkcs8)
                .map_err(|_| SignerError("bad test key".to_owned()))?;
            let mut signature = vec![0; key.public().modulus_len()];
            key.sign(padding, &rng, message, &mut signature)
                .map_err(failed)?;
            Ok(signature)
        };
        match self.algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                ecdsa(&ring_signature::ECDSA_P256_SHA256_ASN1_SIGNING)
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                ecdsa(&ring_signature::ECDSA_P384_SHA384_ASN1_SIGNING)
            }
            SignatureAlgorithm::RsaPkcs1Sha256 => rsa(&ring_signature::RSA_PKCS1_SHA256),
            SignatureAlgorithm::RsaPssSha256 => rsa(&ring_signature::RSA_PSS_SHA256),
        }
    }
}

/// A certificate authority of the test PKI: its parameters, key and certificate.
pub(super) struct Authority {
    params: CertificateParams,
    key: rcgen::KeyPair,
    pub(super) der: Vec<u8>,
}

impl Authority {
    pub(super) fn root(params: CertificateParams) -> Self {
        let key = rcgen::KeyPair::generate().expect("root key");
        let der = params
            .self_signed(&key)
            .expect("root certificate")
            .der()
            .to_vec();
        Authority { params, key, der }
    }

    pub(super) fn issue_ca(&self, params: CertificateParams) -> Authority {
        let key = rcgen::KeyPair::generate().expect("CA key");
        let der = self.issue(&params, &key);
        Authority { params, key, der }
    }

    /// Signs a certificate for `subject_key` with this authority's key.
    pub(super) fn issue(
        &self,
        params: &CertificateParams,
        subject_key: &rcgen::KeyPair,
    ) -> Vec<u8> {
        let issuer = Issuer::from_params(&self.params, &self.key);
        params
            .signed_by(subject_key, &issuer)
            .expect("issued certificate")
            .der()
            .to_vec()
    }
}

pub(super) fn ca_params(common_name: &str, path_length: Option<u8>) -> CertificateParams {
    let mut params = named(common_name);
    params.is_ca = IsCa::Ca(match path_length {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    params
}

/// A seal certificate as a government CA would issue it.
pub(super) fn seal_params() -> CertificateParams {
    let mut params = named(SEAL_NAME);
    params
        .distinguished_name
        .push(DnType::OrganizationName, SEAL_ORGANISATION);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(vec![
        1, 3, 6, 1, 5, 5, 7, 3, 36,
    ])];
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2030, 1, 1);
    params.use_authority_key_identifier_extension = true;
    params
}

pub(super) const SEAL_NAME: &str = "国务院公报电子印章";
pub(super) const SEAL_ORGANISATION: &str = "中华人民共和国国务院办公厅";

fn named(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
}

/// A seal with its key, certificate, and the CAs above it.
pub(super) struct Pki {
    pub(super) root: Authority,
    pub(super) intermediate: Authority,
    pub(super) seal_key: TestKey,
    pub(super) seal: Vec<u8>,
}

impl Pki {
    pub(super) fn new(algorithm: SignatureAlgorithm) -> Self {
        Self::with_seal(algorithm, seal_params())
    }

    pub(super) fn with_seal(algorithm: SignatureAlgorithm, seal: CertificateParams) -> Self {
        let root = Authority::root(ca_params("Test Root CA", Some(1)));
        let intermediate = root.issue_ca(ca_params("Test Seal CA", Some(0)));
        let seal_key = TestKey::new(algorithm);
        let seal = intermediate.issue(&seal, &seal_key.rcgen());
        Pki {
            root,
            intermediate,
            seal_key,
            seal,
        }
    }

    /// What the sealer hands to [`super::sign_detached`]: seal first.
    pub(super) fn chain(&self) -> Vec<Vec<u8>> {
        vec![
            self.seal.clone(),
            self.intermediate.der.clone(),
            self.root.der.clone(),
        ]
    }

    pub(super) fn anchors(&self) -> Vec<Vec<u8>> {
        vec![self.root.der.clone()]
    }

    pub(super) fn sign(&self, content: &[&[u8]]) -> Vec<u8> {
        super::sign_detached(content, &self.chain(), &self.seal_key).expect("signing succeeds")
    }
}

/// Some PDF byte ranges: the bytes before and after the /Contents hole.
pub(super) const CONTENT: [&[u8]; 2] = [b"%PDF-1.7 first range ", b" second range %%EOF"];

/// 2026-06-01T00:00:00Z, inside every test certificate's validity.
pub(super) fn signing_time() -> UnixTime {
    at(2026, 6, 1)
}

pub(super) fn at(year: u16, month: u8, day: u8) -> UnixTime {
    let time = der::DateTime::new(year, month, day, 0, 0, 0).expect("valid date");
    UnixTime(i64::try_from(time.unix_duration().as_secs()).expect("fits"))
}

pub(super) fn signed_data(cms: &[u8]) -> SignedData {
    ContentInfo::from_der(cms)
        .expect("ContentInfo")
        .content
        .decode_as::<SignedData>()
        .expect("SignedData")
}

pub(super) fn encode(signed_data: &SignedData) -> Vec<u8> {
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(signed_data).expect("encode SignedData"),
    }
    .to_der()
    .expect("encode ContentInfo")
}

/// Applies `change` to the first SignerInfo of `cms`. With `resign_with`, the
/// signed attributes are then signed again, so only the change is at fault.
pub(super) fn alter_signer_info(
    cms: &[u8],
    resign_with: Option<&TestKey>,
    change: impl FnOnce(&mut SignerInfo),
) -> Vec<u8> {
    let mut data = signed_data(cms);
    let mut infos = data.signer_infos.0.into_vec();
    change(&mut infos[0]);
    if let Some(key) = resign_with {
        let attributes = infos[0].signed_attrs.as_ref().expect("signed attributes");
        let signature = key
            .sign(&attributes.to_der().expect("encode attributes"))
            .expect("sign");
        infos[0].signature = OctetString::new(signature).expect("signature");
    }
    data.signer_infos = SignerInfos(SetOfVec::try_from(infos).expect("signer infos"));
    encode(&data)
}

/// Replaces the signed attributes of `cms` by what `change` makes of them, and
/// signs again with `key`.
pub(super) fn alter_attributes(
    cms: &[u8],
    key: &TestKey,
    change: impl FnOnce(&mut Vec<x509_cert::attr::Attribute>),
) -> Vec<u8> {
    alter_signer_info(cms, Some(key), |info| {
        let mut attributes = info
            .signed_attrs
            .take()
            .expect("signed attributes")
            .into_vec();
        change(&mut attributes);
        info.signed_attrs = Some(SetOfVec::try_from(attributes).expect("attributes"));
    })
}
