//! Signing then verifying with every supported algorithm, and the exact shape
//! of what is signed.

use cms::cert::CertificateChoices;
use cms::content_info::CmsVersion;
use cms::signed_data::SignerIdentifier;
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST,
};
use const_oid::db::rfc5912;
use der::Decode;
use der::asn1::{ObjectIdentifier, OctetString};
use ring::digest;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;

use super::super::attributes::SigningCertificateV2;
use super::super::{
    CmsError, SignatureCheck, Trust, UnixTime, load_pem_certificates, reserved_size, sign_detached,
    verify_detached,
};
use super::{CONTENT, Pki, SEAL_NAME, SEAL_ORGANISATION, TestKey, signed_data, signing_time};
use crate::signer::SignatureAlgorithm;

const ALGORITHMS: [SignatureAlgorithm; 4] = [
    SignatureAlgorithm::EcdsaP256Sha256,
    SignatureAlgorithm::EcdsaP384Sha384,
    SignatureAlgorithm::RsaPkcs1Sha256,
    SignatureAlgorithm::RsaPssSha256,
];

use crate::digest::{hex, sha256 as sha256_hex};

fn verify_good(pki: &Pki, cms: &[u8]) -> SignatureCheck {
    verify_detached(cms, &CONTENT, signing_time(), &pki.anchors()).expect("readable signature")
}

fn assert_round_trip(algorithm: SignatureAlgorithm, expected_name: &str) {
    let pki = Pki::new(algorithm);
    let check = verify_good(&pki, &pki.sign(&CONTENT));

    assert_eq!(check.problems, vec![], "{algorithm:?}");
    assert!(check.valid && check.digest_matches && check.signature_valid);
    assert_eq!(check.signature_algorithm, expected_name);
    let Trust::Trusted { anchor } = &check.trust else {
        panic!("not trusted: {:?}", check.trust);
    };
    assert_eq!(anchor.sha256_fingerprint, sha256_hex(&pki.root.der));
    let fingerprints: Vec<_> = check
        .chain
        .iter()
        .map(|c| c.sha256_fingerprint.clone())
        .collect();
    assert_eq!(
        fingerprints,
        [&pki.seal, &pki.intermediate.der, &pki.root.der].map(|der| sha256_hex(der))
    );
}

#[test]
fn ecdsa_p256_round_trip() {
    assert_round_trip(
        SignatureAlgorithm::EcdsaP256Sha256,
        "ECDSA P-256 with SHA-256",
    );
}

#[test]
fn ecdsa_p384_round_trip() {
    assert_round_trip(
        SignatureAlgorithm::EcdsaP384Sha384,
        "ECDSA P-384 with SHA-384",
    );
}

#[test]
fn rsa_pkcs1_round_trip() {
    assert_round_trip(
        SignatureAlgorithm::RsaPkcs1Sha256,
        "RSA PKCS#1 v1.5 with SHA-256",
    );
}

#[test]
fn rsa_pss_round_trip() {
    assert_round_trip(
        SignatureAlgorithm::RsaPssSha256,
        "RSASSA-PSS with SHA-256 (MGF1 SHA-256, 32-byte salt)",
    );
}

#[test]
fn the_digest_covers_the_ranges_joined() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let cms = pki.sign(&CONTENT);
    let joined = CONTENT.concat();
    let check =
        verify_detached(&cms, &[&joined], signing_time(), &pki.anchors()).expect("readable");
    assert!(check.valid, "{:?}", check.problems);
}

#[test]
fn signer_summary_describes_the_seal_certificate() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let check = verify_good(&pki, &pki.sign(&CONTENT));
    let signer = check.signer.expect("signer found");
    let seal = Certificate::from_der(&pki.seal).expect("seal certificate");

    assert_eq!(signer.common_name.as_deref(), Some(SEAL_NAME));
    assert_eq!(signer.organization.as_deref(), Some(SEAL_ORGANISATION));
    assert!(
        signer.subject.contains(SEAL_ORGANISATION),
        "{}",
        signer.subject
    );
    assert_eq!(signer.issuer, "CN=Test Seal CA");
    assert_eq!(
        signer.serial,
        hex(seal.tbs_certificate().serial_number().as_bytes())
    );
    assert_eq!(signer.not_before, "2025-01-01T00:00:00Z");
    assert_eq!(signer.not_after, "2030-01-01T00:00:00Z");
    assert_eq!(signer.sha256_fingerprint, sha256_hex(&pki.seal));
    assert_eq!(check.digest_algorithm, "SHA-256");
}

#[test]
fn the_signature_has_exactly_the_pades_b_b_shape() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let data = signed_data(&pki.sign(&CONTENT));

    assert_eq!(data.version, CmsVersion::V1);
    assert_eq!(data.encap_content_info.econtent_type, ID_DATA);
    assert!(
        data.encap_content_info.econtent.is_none(),
        "must be detached"
    );
    let digests: Vec<_> = data
        .digest_algorithms
        .iter()
        .map(|d| (d.oid, d.parameters.is_some()))
        .collect();
    assert_eq!(digests, [(rfc5912::ID_SHA_256, false)]);
    let certificates = data.certificates.as_ref().expect("certificates").0.len();
    assert_eq!(certificates, 3);
    assert!(data.crls.is_none());

    let [info] = data.signer_infos.0.as_slice() else {
        panic!("expected one SignerInfo");
    };
    assert_eq!(info.version, CmsVersion::V1);
    assert_eq!(info.signature_algorithm.oid, rfc5912::ECDSA_WITH_SHA_256);
    assert!(info.signature_algorithm.parameters.is_none());
    let seal = Certificate::from_der(&pki.seal).expect("seal");
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &info.sid else {
        panic!("expected issuerAndSerialNumber");
    };
    assert_eq!(&sid.issuer, seal.tbs_certificate().issuer());
    assert_eq!(&sid.serial_number, seal.tbs_certificate().serial_number());

    let attributes = info.signed_attrs.as_ref().expect("signed attributes");
    let oids: Vec<ObjectIdentifier> = attributes.iter().map(|a| a.oid).collect();
    // DER order of the encoded attributes: content-type, message-digest, then signing-certificate-v2.
    assert_eq!(
        oids,
        [
            ID_CONTENT_TYPE,
            ID_MESSAGE_DIGEST,
            ID_AA_SIGNING_CERTIFICATE_V_2
        ]
    );
    let value = |i: usize| attributes.as_slice()[i].values.as_slice()[0].clone();
    assert_eq!(
        value(0).decode_as::<ObjectIdentifier>().expect("oid"),
        ID_DATA
    );
    assert_eq!(
        value(1)
            .decode_as::<OctetString>()
            .expect("digest")
            .as_bytes(),
        digest::digest(&digest::SHA256, &CONTENT.concat()).as_ref()
    );
    let v2 = value(2)
        .decode_as::<SigningCertificateV2>()
        .expect("signing-certificate-v2");
    let [id] = v2.certs.as_slice() else {
        panic!("expected one ESSCertIDv2");
    };
    assert!(
        id.hash_algorithm.is_none(),
        "SHA-256 is the DEFAULT and must be omitted"
    );
    assert_eq!(hex(id.cert_hash.as_bytes()), sha256_hex(&pki.seal));
    let issuer_serial = id.issuer_serial.as_ref().expect("issuerSerial");
    assert_eq!(
        issuer_serial.issuer,
        vec![GeneralName::DirectoryName(
            seal.tbs_certificate().issuer().clone()
        )]
    );
    assert_eq!(
        &issuer_serial.serial_number,
        seal.tbs_certificate().serial_number()
    );
    assert!(v2.policies.is_none());
}

#[test]
fn p384_signs_with_sha384_throughout() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP384Sha384);
    let data = signed_data(&pki.sign(&CONTENT));
    let info = &data.signer_infos.0.as_slice()[0];
    assert_eq!(info.digest_alg.oid, rfc5912::ID_SHA_384);
    assert_eq!(info.signature_algorithm.oid, rfc5912::ECDSA_WITH_SHA_384);
    let oids: Vec<_> = data.digest_algorithms.iter().map(|d| d.oid).collect();
    assert_eq!(oids, [rfc5912::ID_SHA_384]);
}

#[test]
fn rsa_identifiers_carry_the_parameters_rfc_4055_asks_for() {
    let pkcs1 = Pki::new(SignatureAlgorithm::RsaPkcs1Sha256);
    let data = signed_data(&pkcs1.sign(&CONTENT));
    let info = &data.signer_infos.0.as_slice()[0];
    assert_eq!(
        info.signature_algorithm.oid,
        rfc5912::SHA_256_WITH_RSA_ENCRYPTION
    );
    assert!(
        info.signature_algorithm
            .parameters
            .as_ref()
            .is_some_and(|p| p.is_null())
    );

    let pss = Pki::new(SignatureAlgorithm::RsaPssSha256);
    let data = signed_data(&pss.sign(&CONTENT));
    let info = &data.signer_infos.0.as_slice()[0];
    assert_eq!(info.signature_algorithm.oid, rfc5912::ID_RSASSA_PSS);
    assert!(
        info.signature_algorithm
            .parameters
            .as_ref()
            .is_some_and(|p| !p.is_null())
    );
}

#[test]
fn reserved_size_bounds_every_signature() {
    for algorithm in ALGORITHMS {
        let pki = Pki::new(algorithm);
        let length = pki.sign(&CONTENT).len();
        let reserved = reserved_size(&pki.chain());
        assert!(length <= reserved, "{algorithm:?}: {length} > {reserved}");
        // A bound, not a waste: the certificates dominate what is reserved.
        assert!(
            reserved < length + 3 * pki.seal.len() + 1024,
            "{algorithm:?}"
        );
    }
}

#[test]
fn the_whole_chain_is_carried_once_even_if_given_twice() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let mut chain = pki.chain();
    chain.push(pki.root.der.clone());
    let cms = sign_detached(&CONTENT, &chain, &pki.seal_key).expect("signs");
    let carried: Vec<Vec<u8>> = signed_data(&cms)
        .certificates
        .expect("certificates")
        .0
        .iter()
        .map(|c| match c {
            CertificateChoices::Certificate(c) => der::Encode::to_der(c).expect("encode"),
            CertificateChoices::Other(_) => panic!("unexpected certificate format"),
        })
        .collect();
    assert_eq!(carried.len(), 3);
    for der in pki.chain() {
        assert!(carried.contains(&der));
    }
}

#[test]
fn a_key_that_does_not_belong_to_the_certificate_is_refused() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let stranger = TestKey::new(SignatureAlgorithm::EcdsaP256Sha256);
    let error = sign_detached(&CONTENT, &pki.chain(), &stranger).expect_err("wrong key");
    assert!(matches!(error, CmsError::KeyMismatch(_)), "{error}");
    assert!(error.to_string().contains("does not belong"), "{error}");

    let rsa = TestKey::new(SignatureAlgorithm::RsaPkcs1Sha256);
    let error = sign_detached(&CONTENT, &pki.chain(), &rsa).expect_err("wrong key type");
    assert!(matches!(error, CmsError::KeyMismatch(_)), "{error}");
}

#[test]
fn signing_refuses_an_unusable_chain() {
    let key = TestKey::new(SignatureAlgorithm::EcdsaP256Sha256);
    let empty = sign_detached(&CONTENT, &[], &key).expect_err("empty chain");
    assert!(empty.to_string().contains("seal's certificate"), "{empty}");
    let garbage =
        sign_detached(&CONTENT, &[b"not a certificate".to_vec()], &key).expect_err("garbage");
    assert!(garbage.to_string().contains("certificate 1"), "{garbage}");
}

#[test]
fn the_report_serialises_with_kebab_case_codes() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let cms = pki.sign(&CONTENT);
    let good = serde_json::to_value(verify_good(&pki, &cms)).expect("json");
    assert_eq!(good["trust"]["status"], "trusted");
    assert_eq!(good["valid"], true);
    assert_eq!(good["signer"]["organization"], SEAL_ORGANISATION);

    let bad = verify_detached(&cms, &[b"other bytes"], signing_time(), &[]).expect("readable");
    let json = serde_json::to_value(&bad).expect("json");
    assert_eq!(json["trust"]["status"], "untrusted");
    let codes: Vec<_> = json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["code"].clone())
        .collect();
    assert_eq!(codes, ["digest-mismatch", "untrusted"]);
}

#[test]
fn pem_files_with_explanatory_text_load() {
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let pem = |der: &[u8]| {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).expect("pem")
    };
    let file = format!(
        "# TEST ONLY: the roots of the test PKI\n\nSubject: CN=Test Root CA\n{}\nand the seal CA:\r\n{}\ntrailing words\n",
        pem(&pki.root.der),
        pem(&pki.intermediate.der)
    );
    let loaded = load_pem_certificates(file.as_bytes()).expect("loads");
    assert_eq!(
        loaded,
        vec![pki.root.der.clone(), pki.intermediate.der.clone()]
    );
    assert_eq!(
        load_pem_certificates(&pki.root.der).expect("DER"),
        vec![pki.root.der.clone()]
    );
}

#[test]
fn pem_files_without_certificates_are_refused() {
    let key = der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, &[0x30, 0x00])
        .expect("pem");
    let error = load_pem_certificates(key.as_bytes()).expect_err("a key is no certificate");
    assert!(error.to_string().contains("is a PRIVATE KEY"), "{error}");
    for input in [&b""[..], b"hello", b"\x30\x03\x02\x01\x01"] {
        assert!(load_pem_certificates(input).is_err());
    }
    let broken = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    let error = load_pem_certificates(broken.as_bytes()).expect_err("broken base64");
    assert!(error.to_string().contains("PEM block 1"), "{error}");
}

#[test]
fn unix_time_reads_the_clock_and_shows_rfc_3339() {
    assert!(UnixTime::now() > super::at(2025, 1, 1));
    assert_eq!(signing_time().to_string(), "2026-06-01T00:00:00Z");
    assert_eq!(UnixTime(-1).to_string(), "-1 seconds from 1970");
}
