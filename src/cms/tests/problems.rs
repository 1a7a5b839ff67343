//! One faulty signature or certificate per problem code, each checked to give
//! that problem and no other.

use cms::cert::CertificateChoices;
use cms::signed_data::{CertificateSet, SignerIdentifier, SignerInfos};
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNED_DATA,
    ID_SIGNING_TIME,
};
use const_oid::db::rfc5912;
use der::asn1::{Any, Null, ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode};
use rcgen::{CustomExtension, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::super::attributes::{SigningCertificateV2, attribute};
use super::super::certs::ParsedCertificate;
use super::super::{ProblemCode, SignatureCheck, Trust, UnixTime, verify_detached};
use super::{
    Authority, CONTENT, Pki, TestKey, alter_attributes, alter_signer_info, at, ca_params, encode,
    seal_params, signed_data, signing_time,
};
use crate::signer::SignatureAlgorithm;

const P256: SignatureAlgorithm = SignatureAlgorithm::EcdsaP256Sha256;

fn check(pki: &Pki, cms: &[u8]) -> SignatureCheck {
    check_at(pki, cms, signing_time())
}

fn check_at(pki: &Pki, cms: &[u8], at: UnixTime) -> SignatureCheck {
    verify_detached(cms, &CONTENT, at, &pki.anchors()).expect("readable signature")
}

fn codes(check: &SignatureCheck) -> Vec<ProblemCode> {
    check.problems.iter().map(|p| p.code).collect()
}

/// The only problems are `expected`, and the message of the first mentions `words`.
fn assert_problems(check: &SignatureCheck, expected: &[ProblemCode], words: &str) {
    assert_eq!(codes(check), expected, "{:#?}", check.problems);
    assert!(!check.valid);
    let message = &check.problems[0].message;
    assert!(
        message.contains(words),
        "{message:?} does not mention {words:?}"
    );
}

fn seal_pki(change: impl FnOnce(&mut rcgen::CertificateParams)) -> Pki {
    let mut params = seal_params();
    change(&mut params);
    Pki::with_seal(P256, params)
}

#[test]
fn expired() {
    let pki = Pki::new(P256);
    let check = check_at(&pki, &pki.sign(&CONTENT), at(2031, 1, 1));
    assert_problems(
        &check,
        &[ProblemCode::Expired],
        "expired on 2030-01-01T00:00:00Z",
    );
}

#[test]
fn not_yet_valid() {
    let pki = Pki::new(P256);
    let check = check_at(&pki, &pki.sign(&CONTENT), at(2024, 6, 1));
    assert_problems(
        &check,
        &[ProblemCode::NotYetValid],
        "valid only from 2025-01-01T00:00:00Z",
    );
}

#[test]
fn untrusted_without_anchors() {
    let pki = Pki::new(P256);
    let check =
        verify_detached(&pki.sign(&CONTENT), &CONTENT, signing_time(), &[]).expect("readable");
    assert_problems(&check, &[ProblemCode::Untrusted], "--trust");
    assert!(matches!(&check.trust, Trust::Untrusted { reason } if reason.contains("--trust")));
    assert!(check.digest_matches && check.signature_valid);
}

#[test]
fn untrusted_under_another_root() {
    let pki = Pki::new(P256);
    let stranger = Authority::root(ca_params("Another Root", None));
    let check = verify_detached(
        &pki.sign(&CONTENT),
        &CONTENT,
        signing_time(),
        &[stranger.der],
    )
    .expect("readable");
    assert_problems(
        &check,
        &[ProblemCode::Untrusted],
        "not one of the trust anchors",
    );
    assert_eq!(check.chain.len(), 3, "the path is still reported");
}

#[test]
fn untrusted_when_the_issuer_is_nowhere() {
    let pki = Pki::new(P256);
    let cms = super::super::sign_detached(&CONTENT, std::slice::from_ref(&pki.seal), &pki.seal_key)
        .expect("signs");
    assert_problems(&check(&pki, &cms), &[ProblemCode::Untrusted], "issuer of");
}

#[test]
fn bad_chain_signature() {
    // An impostor root with the real root's name signs the intermediate.
    let real_root = Authority::root(ca_params("Test Root CA", Some(1)));
    let impostor = Authority::root(ca_params("Test Root CA", Some(1)));
    let intermediate = impostor.issue_ca(ca_params("Test Seal CA", Some(0)));
    let seal_key = TestKey::new(P256);
    let seal = intermediate.issue(&seal_params(), &seal_key.rcgen());
    let chain = [seal, intermediate.der.clone()];
    let cms = super::super::sign_detached(&CONTENT, &chain, &seal_key).expect("signs");

    let check =
        verify_detached(&cms, &CONTENT, signing_time(), &[real_root.der]).expect("readable");
    assert_problems(
        &check,
        &[ProblemCode::BadChainSignature],
        "Test Seal CA does not verify with the key of Test Root CA",
    );
    assert!(matches!(check.trust, Trust::Untrusted { .. }));
}

#[test]
fn not_a_ca() {
    let root = Authority::root(ca_params("Test Root CA", None));
    let mut intermediate_params = ca_params("Test Seal CA", None);
    intermediate_params.is_ca = IsCa::ExplicitNoCa;
    let intermediate = root.issue_ca(intermediate_params);
    let pki = pki_under(root, intermediate);
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::NotACa],
        "not a CA certificate",
    );
}

#[test]
fn path_length_exceeded() {
    let root = Authority::root(ca_params("Test Root CA", Some(0)));
    let intermediate = root.issue_ca(ca_params("Test Seal CA", None));
    let pki = pki_under(root, intermediate);
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::PathLength],
        "allows 0 intermediate",
    );
}

#[test]
fn key_usage_without_digital_signature() {
    let pki = seal_pki(|p| p.key_usages = vec![KeyUsagePurpose::KeyEncipherment]);
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::KeyUsage],
        "does not allow digital signatures",
    );
}

#[test]
fn key_usage_absent() {
    let pki = seal_pki(|p| p.key_usages = Vec::new());
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::KeyUsage],
        "does not allow digital signatures: it has no keyUsage extension",
    );
}

#[test]
fn key_usage_of_an_issuer_without_key_cert_sign() {
    let root = Authority::root(ca_params("Test Root CA", None));
    let mut intermediate_params = ca_params("Test Seal CA", None);
    intermediate_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let intermediate = root.issue_ca(intermediate_params);
    let pki = pki_under(root, intermediate);
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::KeyUsage],
        "keyCertSign",
    );
}

#[test]
fn extended_key_usage_for_other_purposes() {
    let pki = seal_pki(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth]);
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::ExtendedKeyUsage],
        "extendedKeyUsage",
    );
}

#[test]
fn extended_key_usage_that_allows_signing() {
    for purpose in [
        ExtendedKeyUsagePurpose::EmailProtection,
        ExtendedKeyUsagePurpose::Any,
    ] {
        let pki = seal_pki(|p| {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, purpose]
        });
        assert_eq!(codes(&check(&pki, &pki.sign(&CONTENT))), []);
    }
    let pki = seal_pki(|p| p.extended_key_usages = Vec::new());
    assert_eq!(
        codes(&check(&pki, &pki.sign(&CONTENT))),
        [],
        "no EKU means any purpose"
    );
}

#[test]
fn unknown_critical_extension() {
    let pki = seal_pki(|p| {
        let mut extension = CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 4, 1, 99999, 1],
            Null.to_der().expect("NULL"),
        );
        extension.set_criticality(true);
        p.custom_extensions = vec![extension];
    });
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::UnknownCriticalExtension],
        "1.3.6.1.4.1.99999.1",
    );
}

#[test]
fn a_non_critical_unknown_extension_is_fine() {
    let pki = seal_pki(|p| {
        let extension = CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 4, 1, 99999, 1],
            Null.to_der().expect("NULL"),
        );
        p.custom_extensions = vec![extension];
    });
    assert_eq!(codes(&check(&pki, &pki.sign(&CONTENT))), []);
}

#[test]
fn malformed_certificate_extension() {
    let pki = seal_pki(|p| {
        p.key_usages = Vec::new();
        let key_usage = [2, 5, 29, 15];
        p.custom_extensions = vec![CustomExtension::from_oid_content(
            &key_usage,
            Null.to_der().expect("NULL"),
        )];
    });
    assert_problems(
        &check(&pki, &pki.sign(&CONTENT)),
        &[ProblemCode::MalformedCertificate],
        "keyUsage",
    );
}

#[test]
fn digest_mismatch() {
    let pki = Pki::new(P256);
    let cms = pki.sign(&CONTENT);
    let check = verify_detached(
        &cms,
        &[CONTENT[0], b" second range %%EOF!"],
        signing_time(),
        &pki.anchors(),
    )
    .expect("readable");
    assert_problems(
        &check,
        &[ProblemCode::DigestMismatch],
        "changed after it was signed",
    );
    assert!(!check.digest_matches && check.signature_valid);
}

#[test]
fn bad_signature() {
    let pki = Pki::new(P256);
    let other_key = TestKey::new(P256);
    let cms = alter_signer_info(&pki.sign(&CONTENT), Some(&other_key), |_| {});
    let check = check(&pki, &cms);
    assert_problems(
        &check,
        &[ProblemCode::BadSignature],
        "does not verify with the public key of",
    );
    assert!(check.digest_matches && !check.signature_valid);
}

#[test]
fn bad_signature_after_an_attribute_changed() {
    let pki = Pki::new(SignatureAlgorithm::RsaPssSha256);
    let other_digest = ring::digest::digest(&ring::digest::SHA256, b"other")
        .as_ref()
        .to_vec();
    let cms = alter_signer_info(&pki.sign(&CONTENT), None, |info| {
        let mut attributes = info.signed_attrs.take().expect("attributes").into_vec();
        attributes.retain(|a| a.oid != ID_MESSAGE_DIGEST);
        let value =
            Any::encode_from(&OctetString::new(other_digest).expect("octets")).expect("any");
        attributes.push(attribute(ID_MESSAGE_DIGEST, value).expect("attribute"));
        info.signed_attrs = Some(SetOfVec::try_from(attributes).expect("set"));
    });
    let check = check(&pki, &cms);
    assert_eq!(
        codes(&check),
        [ProblemCode::DigestMismatch, ProblemCode::BadSignature]
    );
}

#[test]
fn missing_signing_certificate_v2() {
    let pki = Pki::new(P256);
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        attributes.retain(|a| a.oid != ID_AA_SIGNING_CERTIFICATE_V_2);
    });
    assert_problems(
        &check(&pki, &cms),
        &[ProblemCode::MissingAttribute],
        "signing-certificate-v2 is missing",
    );
}

#[test]
fn missing_message_digest() {
    let pki = Pki::new(P256);
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        attributes.retain(|a| a.oid != ID_MESSAGE_DIGEST);
    });
    let check = check(&pki, &cms);
    assert_problems(
        &check,
        &[ProblemCode::MissingAttribute],
        "message-digest is missing",
    );
    assert!(!check.digest_matches);
}

#[test]
fn missing_signed_attributes() {
    let pki = Pki::new(P256);
    let cms = alter_signer_info(&pki.sign(&CONTENT), None, |info| info.signed_attrs = None);
    let check = check(&pki, &cms);
    assert_problems(
        &check,
        &[ProblemCode::MissingAttribute],
        "no signed attributes",
    );
    assert!(!check.digest_matches && !check.signature_valid);
}

#[test]
fn malformed_attribute_with_two_values() {
    let pki = Pki::new(P256);
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        for a in attributes.iter_mut().filter(|a| a.oid == ID_CONTENT_TYPE) {
            a.values
                .insert(Any::encode_from(&ID_SIGNED_DATA).expect("oid"))
                .expect("second value");
        }
    });
    assert_problems(
        &check(&pki, &cms),
        &[ProblemCode::MalformedAttribute],
        "has 2 values",
    );
}

#[test]
fn content_type_attribute_other_than_data() {
    let pki = Pki::new(P256);
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        attributes.retain(|a| a.oid != ID_CONTENT_TYPE);
        let value = Any::encode_from(&ID_SIGNED_DATA).expect("oid");
        attributes.push(attribute(ID_CONTENT_TYPE, value).expect("attribute"));
    });
    assert_problems(
        &check(&pki, &cms),
        &[ProblemCode::ContentType],
        "not id-data",
    );
}

#[test]
fn signing_time_present() {
    let pki = Pki::new(P256);
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        let time = UtcTime::from_unix_duration(std::time::Duration::from_secs(1_780_000_000))
            .expect("time");
        let value = Any::encode_from(&time).expect("any");
        attributes.push(attribute(ID_SIGNING_TIME, value).expect("attribute"));
    });
    assert_problems(
        &check(&pki, &cms),
        &[ProblemCode::SigningTimePresent],
        "signing-time",
    );
}

#[test]
fn signing_certificate_mismatch() {
    let pki = Pki::new(P256);
    let intermediate = ParsedCertificate::from_der(&pki.intermediate.der).expect("intermediate");
    let cms = alter_attributes(&pki.sign(&CONTENT), &pki.seal_key, |attributes| {
        attributes.retain(|a| a.oid != ID_AA_SIGNING_CERTIFICATE_V_2);
        let v2 = SigningCertificateV2::for_signer(&intermediate).expect("v2");
        let value = Any::encode_from(&v2).expect("any");
        attributes.push(attribute(ID_AA_SIGNING_CERTIFICATE_V_2, value).expect("attribute"));
    });
    let check = check(&pki, &cms);
    assert_eq!(
        codes(&check),
        [
            ProblemCode::SigningCertificateMismatch,
            ProblemCode::SigningCertificateMismatch
        ],
        "{:#?}",
        check.problems
    );
    assert!(
        check.problems[0]
            .message
            .contains("hash of another certificate")
    );
    assert!(
        check.problems[1]
            .message
            .contains("issuer and serial number")
    );
}

#[test]
fn unsupported_digest_algorithm() {
    let pki = Pki::new(P256);
    let cms = alter_signer_info(&pki.sign(&CONTENT), None, |info| {
        info.digest_alg = AlgorithmIdentifierOwned {
            oid: rfc5912::ID_SHA_1,
            parameters: None,
        };
    });
    let check = check(&pki, &cms);
    assert_problems(
        &check,
        &[ProblemCode::UnsupportedAlgorithm],
        "digest algorithm",
    );
    assert!(check.problems[0].message.contains("1.3.14.3.2.26"));
}

#[test]
fn unsupported_signature_algorithm() {
    let pki = Pki::new(P256);
    let ed25519 = ObjectIdentifier::new_unwrap("1.3.101.112");
    let cms = alter_signer_info(&pki.sign(&CONTENT), None, |info| {
        info.signature_algorithm = AlgorithmIdentifierOwned {
            oid: ed25519,
            parameters: None,
        };
    });
    let check = check(&pki, &cms);
    assert_problems(&check, &[ProblemCode::UnsupportedAlgorithm], "1.3.101.112");
    assert!(!check.signature_valid);
}

#[test]
fn not_detached() {
    let pki = Pki::new(P256);
    let mut data = signed_data(&pki.sign(&CONTENT));
    let embedded = OctetString::new(CONTENT.concat()).expect("octets");
    data.encap_content_info.econtent = Some(Any::encode_from(&embedded).expect("any"));
    assert_problems(
        &check(&pki, &encode(&data)),
        &[ProblemCode::NotDetached],
        "detached",
    );
}

#[test]
fn encapsulated_content_type_other_than_data() {
    let pki = Pki::new(P256);
    let mut data = signed_data(&pki.sign(&CONTENT));
    data.encap_content_info.econtent_type = ID_SIGNED_DATA;
    assert_problems(
        &check(&pki, &encode(&data)),
        &[ProblemCode::ContentType],
        "encapsulated content type",
    );
}

#[test]
fn signer_certificate_missing() {
    let pki = Pki::new(P256);
    let mut data = signed_data(&pki.sign(&CONTENT));
    let without_seal: Vec<CertificateChoices> = [&pki.intermediate.der, &pki.root.der]
        .into_iter()
        .map(|der| CertificateChoices::Certificate(Certificate::from_der(der).expect("cert")))
        .collect();
    data.certificates = Some(CertificateSet(
        SetOfVec::try_from(without_seal).expect("set"),
    ));
    let check = check(&pki, &encode(&data));
    assert_problems(
        &check,
        &[ProblemCode::SignerCertificateMissing],
        "signer's certificate",
    );
    assert!(check.signer.is_none() && check.chain.is_empty());
}

#[test]
fn two_signer_infos() {
    let pki = Pki::new(P256);
    let cms = pki.sign(&CONTENT);
    let mut data = signed_data(&cms);
    let other = signed_data(&pki.sign(&CONTENT));
    let mut infos = data.signer_infos.0.into_vec();
    infos.extend(other.signer_infos.0.into_vec());
    data.signer_infos = SignerInfos(SetOfVec::try_from(infos).expect("two infos"));
    let check = check(&pki, &encode(&data));
    assert_problems(&check, &[ProblemCode::SignerCount], "2 SignerInfos");
}

#[test]
fn a_directly_trusted_seal_certificate_is_trusted() {
    let pki = Pki::new(P256);
    let check = verify_detached(
        &pki.sign(&CONTENT),
        &CONTENT,
        signing_time(),
        std::slice::from_ref(&pki.seal),
    )
    .expect("readable");
    assert_eq!(codes(&check), []);
    assert_eq!(check.chain.len(), 1);
}

/// A PKI whose seal is issued by `intermediate` under `root`.
fn pki_under(root: Authority, intermediate: Authority) -> Pki {
    let seal_key = TestKey::new(P256);
    let seal = intermediate.issue(&seal_params(), &seal_key.rcgen());
    Pki {
        root,
        intermediate,
        seal_key,
        seal,
    }
}

#[test]
fn signer_identified_by_subject_key_identifier() {
    let key_id = OctetString::new(vec![0x5e; 20]).expect("key id");
    let pki = seal_pki(|p| {
        let subject_key_identifier = [2, 5, 29, 14];
        p.custom_extensions = vec![CustomExtension::from_oid_content(
            &subject_key_identifier,
            key_id.to_der().expect("octets"),
        )];
    });
    let cms = alter_signer_info(&pki.sign(&CONTENT), None, |info| {
        info.sid = SignerIdentifier::SubjectKeyIdentifier(SubjectKeyIdentifier(key_id.clone()));
    });
    let check = check(&pki, &cms);
    assert_eq!(codes(&check), []);
    assert_eq!(check.chain.len(), 3);
}

#[test]
fn a_reissued_root_with_the_same_key_is_the_same_anchor() {
    let pki = Pki::new(P256);
    let mut later = pki.root.params.clone();
    later.not_after = rcgen::date_time_ymd(2045, 1, 1);
    let reissued = later
        .self_signed(&pki.root.key)
        .expect("re-issued root")
        .der()
        .to_vec();
    assert_ne!(reissued, pki.root.der);

    let check = verify_detached(
        &pki.sign(&CONTENT),
        &CONTENT,
        signing_time(),
        std::slice::from_ref(&reissued),
    )
    .expect("readable");
    assert_eq!(codes(&check), []);
    let Trust::Trusted { anchor } = &check.trust else {
        panic!("not trusted: {:?}", check.trust);
    };
    assert_eq!(
        anchor.not_after, "2045-01-01T00:00:00Z",
        "the reader's copy ends the path"
    );
}

#[test]
fn problem_codes_are_stable_kebab_case() {
    let expected = [
        (ProblemCode::SignerCount, "signer-count"),
        (ProblemCode::NotDetached, "not-detached"),
        (ProblemCode::ContentType, "content-type"),
        (ProblemCode::MissingAttribute, "missing-attribute"),
        (ProblemCode::MalformedAttribute, "malformed-attribute"),
        (ProblemCode::DigestMismatch, "digest-mismatch"),
        (ProblemCode::BadSignature, "bad-signature"),
        (ProblemCode::SigningTimePresent, "signing-time-present"),
        (
            ProblemCode::SigningCertificateMismatch,
            "signing-certificate-mismatch",
        ),
        (ProblemCode::UnsupportedAlgorithm, "unsupported-algorithm"),
        (
            ProblemCode::SignerCertificateMissing,
            "signer-certificate-missing",
        ),
        (ProblemCode::MalformedCertificate, "malformed-certificate"),
        (ProblemCode::Expired, "expired"),
        (ProblemCode::NotYetValid, "not-yet-valid"),
        (ProblemCode::Untrusted, "untrusted"),
        (ProblemCode::BadChainSignature, "bad-chain-signature"),
        (ProblemCode::NotACa, "not-a-ca"),
        (ProblemCode::PathLength, "path-length"),
        (ProblemCode::KeyUsage, "key-usage"),
        (ProblemCode::ExtendedKeyUsage, "extended-key-usage"),
        (
            ProblemCode::UnknownCriticalExtension,
            "unknown-critical-extension",
        ),
        (ProblemCode::WeakAlgorithm, "weak-algorithm"),
        (ProblemCode::SignedDataVersion, "signed-data-version"),
        (ProblemCode::SignatureValueForm, "signature-value-form"),
    ];
    for (code, name) in expected {
        assert_eq!(serde_json::to_value(code).expect("json"), name);
    }
}
