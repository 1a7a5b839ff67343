//! A second opinion from OpenSSL: `openssl cms -verify` must accept what
//! sign_detached makes, for every algorithm, and refuse altered content.
//!
//! Skipped with a note when openssl is missing, unless GAZETTE_REQUIRE_TOOLS=1.

use std::path::Path;
use std::process::{Command, Output};

use super::{CONTENT, Pki, signing_time};
use crate::signer::SignatureAlgorithm;

/// Whether openssl can run here, under the crate's skip rule for tools.
fn openssl_available() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    crate::test_support::available(found, "openssl")
}

fn write_pem(path: &Path, der: &[u8]) {
    let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).expect("pem");
    std::fs::write(path, pem).expect("write pem");
}

/// Runs `openssl cms -verify` on a signature of `signed` over the file `content`.
fn openssl_verify(pki: &Pki, signed: &[u8], content: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let (signature, data, root) = (
        dir.path().join("sig.der"),
        dir.path().join("data"),
        dir.path().join("root.pem"),
    );
    std::fs::write(&signature, signed).expect("write signature");
    std::fs::write(&data, content).expect("write content");
    write_pem(&root, &pki.root.der);
    Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-out",
        ])
        .arg(dir.path().join("out"))
        .arg("-in")
        .arg(&signature)
        .arg("-content")
        .arg(&data)
        .arg("-CAfile")
        .arg(&root)
        .args(["-attime", &signing_time().0.to_string()])
        .output()
        .expect("run openssl")
}

fn print(label: &str, output: &Output) {
    eprintln!(
        "openssl cms -verify ({label}): {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn openssl_accepts_every_algorithm() {
    if !openssl_available() {
        return;
    }
    for algorithm in [
        SignatureAlgorithm::EcdsaP256Sha256,
        SignatureAlgorithm::EcdsaP384Sha384,
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPssSha256,
    ] {
        let pki = Pki::new(algorithm);
        let output = openssl_verify(&pki, &pki.sign(&CONTENT), &CONTENT.concat());
        print(&format!("{algorithm:?}"), &output);
        assert!(
            output.status.success(),
            "openssl refused the {algorithm:?} signature"
        );
        assert!(String::from_utf8_lossy(&output.stderr).contains("Verification successful"));
    }
}

#[test]
fn openssl_refuses_altered_content() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new(SignatureAlgorithm::EcdsaP256Sha256);
    let mut altered = CONTENT.concat();
    altered[0] ^= 0x20;
    let output = openssl_verify(&pki, &pki.sign(&CONTENT), &altered);
    print("altered content", &output);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Verification failure"));
}

#[test]
fn openssl_parses_the_der_structure() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new(SignatureAlgorithm::RsaPssSha256);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sig.der");
    std::fs::write(&path, pki.sign(&CONTENT)).expect("write");
    let output = Command::new("openssl")
        .args(["asn1parse", "-inform", "DER", "-in"])
        .arg(&path)
        .output()
        .expect("run openssl");
    let text = String::from_utf8_lossy(&output.stdout);
    eprintln!("{text}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "pkcs7-signedData",
        "id-smime-aa-signingCertificateV2",
        "rsassaPss",
        "mgf1",
        "messageDigest",
    ] {
        assert!(text.contains(expected), "asn1parse shows no {expected}");
    }
    assert!(!text.contains("signingTime"));
}
