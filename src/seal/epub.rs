//! The EPUB edition's seal: an XML signature in the OCF container's
//! `META-INF/signatures.xml`, over every other file of the container.
//!
//! [`sign`] checks that the file list is a container the verifier accepts
//! and that the certificate chain allows sealing at the claimed time, then
//! writes the one signature gazette writes, whose form, canonicalisation and
//! limits [`crate::xmldsig`] describes. It checks the key store's signature
//! against the seal's certificate before returning it.
//!
//! xmlsec1 verifies these seals when run from the root of the unpacked
//! container (`cd ROOT && xmlsec1 --verify --trusted-pem root.pem
//! META-INF/signatures.xml`); the interop tests below do exactly that.

use std::fmt;

use crate::cms::{self, ProblemCode, UnixTime};
use crate::digest::sha256_bytes;
use crate::epub::{MIMETYPE, MIMETYPE_PATH};
use crate::relative_path::{self, DistinctPaths};
use crate::signer::{Signer, SignerError};
use crate::xmldsig::{self, ClaimedTime, FileDigest};

/// Where the seal lives in the container.
pub const SIGNATURES_PATH: &str = "META-INF/signatures.xml";

/// Why an EPUB could not be sealed.
#[derive(Debug)]
pub enum EpubSealError {
    /// The file list is not a container gazette can seal.
    Container(String),
    /// The certificate chain cannot seal at the claimed time.
    Certificate(String),
    /// The claimed time is not an RFC 3339 date and time.
    Time(String),
    /// The key store failed.
    Signer(SignerError),
    /// The key store's signature does not verify with the seal's certificate.
    KeyMismatch(String),
}

impl fmt::Display for EpubSealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpubSealError::Container(why)
            | EpubSealError::Certificate(why)
            | EpubSealError::Time(why) => write!(f, "cannot seal the EPUB: {why}"),
            EpubSealError::Signer(why) => write!(f, "the key store could not sign: {why}"),
            EpubSealError::KeyMismatch(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for EpubSealError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EpubSealError::Signer(inner) => Some(inner),
            _ => None,
        }
    }
}

/// Seals an EPUB container given as its files in container order (`mimetype`
/// first, `META-INF/signatures.xml` absent). `chain` holds DER certificates,
/// the seal's own first; `time` is the claimed signing time in RFC 3339
/// (`2025-08-15T00:00:00+08:00`). Returns the bytes of
/// `META-INF/signatures.xml`, to be added to the container.
pub fn sign(
    files: &[(&str, &[u8])],
    chain: &[Vec<u8>],
    signer: &dyn Signer,
    time: &str,
) -> Result<Vec<u8>, EpubSealError> {
    check_container(files)?;
    let time = ClaimedTime::parse(time).map_err(|why| EpubSealError::Time(why.to_string()))?;
    let algorithm = signer.algorithm();
    let public_key = check_chain(chain, time.at)?;

    let properties = xmldsig::signed_properties(&time);
    let digests: Vec<FileDigest> = files
        .iter()
        .map(|(path, bytes)| FileDigest {
            path: (*path).to_owned(),
            sha256: sha256_bytes(bytes),
        })
        .collect();
    let signed_info =
        xmldsig::signed_info(algorithm, &sha256_bytes(properties.as_bytes()), &digests);
    let signature = signer
        .sign(signed_info.as_bytes())
        .map_err(EpubSealError::Signer)?;
    let value = xmldsig::signature_value(algorithm, &signature)
        .map_err(|why| EpubSealError::Signer(SignerError::new(why.to_string())))?;
    if !xmldsig::verifies(algorithm, &public_key, signed_info.as_bytes(), &value) {
        return Err(EpubSealError::KeyMismatch(
            "the signature made by the key store does not verify with the seal's certificate \
             (the first of the chain): the key does not belong to that certificate"
                .to_owned(),
        ));
    }
    Ok(xmldsig::signatures_xml(&signed_info, &value, chain, &properties).into_bytes())
}

/// The file list must be a container the verifier accepts: `mimetype` first
/// with the EPUB media type, safe and distinct paths, no signatures.xml yet.
fn check_container(files: &[(&str, &[u8])]) -> Result<(), EpubSealError> {
    let bad = |why: String| Err(EpubSealError::Container(why));
    match files.first() {
        Some((MIMETYPE_PATH, content)) if *content == MIMETYPE => {}
        _ => {
            return bad(format!(
                "the first file must be `{MIMETYPE_PATH}` holding `application/epub+zip`"
            ));
        }
    }
    let mut distinct = DistinctPaths::new();
    for (path, _) in files {
        if let Err(why) = relative_path::check(path) {
            return bad(format!("the file name {path:?} {why}"));
        }
        if *path == SIGNATURES_PATH {
            return bad(format!(
                "the files already hold {SIGNATURES_PATH}, which the seal writes"
            ));
        }
        if let Err(why) = distinct.insert(path) {
            return bad(format!("the files hold {path:?} {why}"));
        }
    }
    Ok(())
}

/// The seal's certificate path must hold at the claimed time, trust aside
/// (the sealer need not hold the root): a seal made with an expired
/// certificate or one not meant for signing fails everywhere. Returns the
/// seal certificate's public key.
fn check_chain(chain: &[Vec<u8>], at: UnixTime) -> Result<Vec<u8>, EpubSealError> {
    let bad = EpubSealError::Certificate;
    let Some(seal) = chain.first() else {
        return Err(bad(
            "no certificate to seal with: the chain must start with the seal's certificate"
                .to_owned(),
        ));
    };
    let mut problems = Vec::new();
    cms::check_der_path(seal, &chain[1..], &[], at, &mut problems).map_err(bad)?;
    let blocking: Vec<String> = problems
        .into_iter()
        .filter(|p| p.code != ProblemCode::Untrusted)
        .map(|p| p.message)
        .collect();
    if !blocking.is_empty() {
        return Err(bad(format!(
            "the certificate chain does not allow sealing at {}: {}",
            at,
            blocking.join("; ")
        )));
    }
    xmldsig::public_key(seal)
        .ok_or_else(|| bad("the seal's certificate has no readable public key".to_owned()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use ring::signature;

    use super::*;
    use crate::signer::RsaPadding;
    use crate::test_support::epub::{TIME, borrowed, sample_files, seal_ecdsa};
    use crate::test_support::keys::{P384Key, example_chain, example_dir, example_signer};
    use crate::test_support::tool_available;
    use crate::xmldsig::{DSIG_NS, PROPERTIES_ID, PROPERTIES_TYPE, SHA256, public_key, uri_for};

    /// Writes the container unpacked, as xmlsec1 needs it, with its seal.
    fn unpack(files: &[(String, Vec<u8>)], signatures: &[u8]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temporary folder");
        let all = files.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
        for (path, bytes) in all.chain([(SIGNATURES_PATH, signatures)]) {
            let target = root.path().join(path);
            std::fs::create_dir_all(target.parent().expect("in a folder")).expect("folder");
            std::fs::write(target, bytes).expect("file written");
        }
        root
    }

    /// xmlsec1 1.2 resolves relative reference URIs against its working
    /// directory, not against the signature file: run from the container root,
    /// it reads them as OCF means them.
    pub(crate) fn xmlsec1_command(
        container_root: &Path,
        trusted_pem: &Path,
    ) -> std::process::Command {
        let mut command = std::process::Command::new("xmlsec1");
        command
            .current_dir(container_root)
            .arg("--verify")
            .arg("--trusted-pem")
            .arg(trusted_pem)
            .arg(SIGNATURES_PATH);
        eprintln!(
            "xmlsec1 check: cd {} && xmlsec1 --verify --trusted-pem {} {SIGNATURES_PATH}",
            container_root.display(),
            trusted_pem.display()
        );
        command
    }

    /// Whether xmlsec1 says the seal of the unpacked container verifies; its
    /// report goes to the test output.
    fn xmlsec1_verifies(container_root: &Path, trusted_pem: &Path) -> bool {
        let output = xmlsec1_command(container_root, trusted_pem)
            .output()
            .expect("xmlsec1 runs");
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        eprintln!("{text}");
        let verified = output.status.success() && text.lines().any(|l| l.trim() == "OK");
        assert_eq!(
            verified,
            output.status.success(),
            "exit status and report disagree"
        );
        verified
    }

    fn check_with_xmlsec1(files: &[(String, Vec<u8>)], signatures: &[u8], trusted_pem: &Path) {
        let root = unpack(files, signatures);
        assert!(
            xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 rejects the seal"
        );

        let changed = root.path().join("OEBPS/text/第一章.xhtml");
        std::fs::write(&changed, "<html>公告 changed</html>").expect("file changed");
        assert!(
            !xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 accepts a changed file"
        );

        let root = unpack(files, signatures);
        let text = String::from_utf8(signatures.to_vec()).expect("UTF-8");
        let later = text.replace(TIME, "2025-08-16T00:00:00+08:00");
        std::fs::write(root.path().join(SIGNATURES_PATH), later).expect("time changed");
        assert!(
            !xmlsec1_verifies(root.path(), trusted_pem),
            "xmlsec1 accepts a changed signing time"
        );
    }

    #[test]
    fn an_ecdsa_seal_verifies_with_xmlsec1_until_a_file_changes() {
        if !tool_available("xmlsec1") {
            return;
        }
        let files = sample_files();
        let signatures = seal_ecdsa(&files);
        check_with_xmlsec1(&files, &signatures, &example_dir().join("root.pem"));
    }

    #[test]
    fn an_rsa_seal_verifies_with_xmlsec1_until_a_file_changes() {
        if !tool_available("xmlsec1") {
            return;
        }
        let files = sample_files();
        let signer = example_signer("seal-rsa.key.pem", RsaPadding::Pkcs1);
        let chain = example_chain("seal-rsa-chain.pem");
        let signatures = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect("sealed");
        check_with_xmlsec1(&files, &signatures, &example_dir().join("root.pem"));
    }

    #[test]
    fn a_p384_seal_verifies_with_xmlsec1() {
        if !tool_available("xmlsec1") {
            return;
        }
        let key = P384Key::new();
        let files = sample_files();
        let signatures = sign(
            &borrowed(&files),
            std::slice::from_ref(&key.certificate),
            &key,
            TIME,
        )
        .expect("sealed");
        let root = unpack(&files, &signatures);
        let trusted = root.path().join("p384.pem");
        std::fs::write(&trusted, key.certificate_pem()).expect("certificate written");
        assert!(xmlsec1_verifies(root.path(), &trusted));
    }

    /// The part of `xml` from `<name` to its end tag.
    fn element<'a>(xml: &'a str, name: &str) -> &'a str {
        let start = xml.find(&format!("<{name}")).expect("element present");
        let end_tag = format!("</{name}>");
        let end = start + xml[start..].find(&end_tag).expect("end tag") + end_tag.len();
        &xml[start..end]
    }

    #[test]
    fn the_seal_signs_signed_info_and_digests_every_file_and_the_time() {
        let files = sample_files();
        let xml = String::from_utf8(seal_ecdsa(&files)).expect("UTF-8");
        let signed_info = element(&xml, "SignedInfo");
        assert!(signed_info.starts_with(&format!("<SignedInfo xmlns=\"{DSIG_NS}\">")));
        assert!(!signed_info.contains("/>") && !signed_info.contains('\n'));

        let properties = element(&xml, "SignatureProperties");
        let properties_reference = format!(
            "<Reference Type=\"{PROPERTIES_TYPE}\" URI=\"#{PROPERTIES_ID}\">\
             <DigestMethod Algorithm=\"{SHA256}\"></DigestMethod><DigestValue>{}</DigestValue>",
            BASE64.encode(sha256_bytes(properties.as_bytes()))
        );
        assert!(signed_info.contains(&properties_reference));
        assert!(properties.contains(&format!(">{TIME}</dc:date>")));
        for (path, bytes) in &files {
            let reference = format!(
                "<Reference URI=\"{}\"><DigestMethod Algorithm=\"{SHA256}\"></DigestMethod>\
                 <DigestValue>{}</DigestValue></Reference>",
                uri_for(path),
                BASE64.encode(sha256_bytes(bytes))
            );
            assert!(signed_info.contains(&reference), "{path} not referenced");
        }
        assert!(signed_info.contains("URI=\"OEBPS/text/%E7%AC%AC%E4%B8%80%E7%AB%A0.xhtml\""));
        assert!(signed_info.contains("URI=\"OEBPS/style%20sheet.css\""));

        let value = element(&xml, "SignatureValue");
        let value = &value["<SignatureValue>".len()..value.len() - "</SignatureValue>".len()];
        let value = BASE64.decode(value).expect("base64");
        assert_eq!(value.len(), 64, "ECDSA P-256 as r‖s");
        let key = public_key(&example_chain("seal-chain.pem")[0]).expect("key");
        assert!(
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, key)
                .verify(signed_info.as_bytes(), &value)
                .is_ok()
        );
        let chain = example_chain("seal-chain.pem");
        for certificate in &chain {
            let written = format!(
                "<X509Certificate>{}</X509Certificate>",
                BASE64.encode(certificate)
            );
            assert!(xml.contains(&written));
        }
        assert!(xml.find(&BASE64.encode(&chain[0])) < xml.find(&BASE64.encode(&chain[1])));
    }

    fn refusal(files: &[(&str, &[u8])]) -> String {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let chain = example_chain("seal-chain.pem");
        match sign(files, &chain, signer.as_ref(), TIME) {
            Err(EpubSealError::Container(why)) => why,
            other => panic!("not refused as a container: {other:?}"),
        }
    }

    #[test]
    fn unsafe_or_ambiguous_file_lists_are_refused() {
        let mimetype: (&str, &[u8]) = (MIMETYPE_PATH, MIMETYPE);
        let cases: [(&str, &str); 8] = [
            ("../evil.xhtml", "`..`"),
            ("OEBPS/./a.xhtml", "`.`"),
            ("/etc/passwd", "absolute"),
            ("OEBPS\\a.xhtml", "'\\\\'"),
            ("C:/a.xhtml", "':'"),
            ("OEBPS//a.xhtml", "empty"),
            ("OEBPS/a\0.xhtml", "'\\0'"),
            (SIGNATURES_PATH, "already hold"),
        ];
        for (path, expected) in cases {
            let why = refusal(&[mimetype, (path, b"x")]);
            assert!(why.contains(expected), "{path:?}: {why}");
        }
        let why = refusal(&[mimetype, ("OEBPS/a.xhtml", b"x"), ("OEBPS/A.xhtml", b"y")]);
        assert!(why.contains("twice"), "{why}");
        let why = refusal(&[("OEBPS/a.xhtml", b"x"), mimetype]);
        assert!(why.contains("first file"), "{why}");
        let why = refusal(&[(MIMETYPE_PATH, b"application/zip")]);
        assert!(why.contains("first file"), "{why}");
    }

    #[test]
    fn rsa_pss_is_written_as_rfc_6931_sha256_rsa_mgf1() {
        let signer = example_signer("seal-rsa.key.pem", RsaPadding::Pss);
        let files = sample_files();
        let chain = example_chain("seal-rsa-chain.pem");
        let xml = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect("sealed");
        let xml = String::from_utf8(xml).unwrap();
        assert!(
            xml.contains("Algorithm=\"http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1\""),
            "{xml}"
        );
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let files = sample_files();
        let chain = example_chain("seal-rsa-chain.pem");
        let error = sign(&borrowed(&files), &chain, signer.as_ref(), TIME).expect_err("refused");
        assert!(matches!(error, EpubSealError::KeyMismatch(_)), "{error}");
    }

    #[test]
    fn a_certificate_expired_at_the_claimed_time_is_refused() {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let files = sample_files();
        let chain = example_chain("seal-chain.pem");
        let error = sign(
            &borrowed(&files),
            &chain,
            signer.as_ref(),
            "2036-01-01T00:00:00Z",
        )
        .expect_err("refused");
        assert!(matches!(error, EpubSealError::Certificate(_)), "{error}");
        assert!(error.to_string().contains("expired"), "{error}");
        let none = sign(&borrowed(&files), &[], signer.as_ref(), TIME).expect_err("refused");
        assert!(matches!(none, EpubSealError::Certificate(_)), "{none}");
    }

    #[test]
    fn a_signing_time_that_is_not_rfc_3339_is_refused() {
        let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
        let error = sign(
            &borrowed(&sample_files()),
            &example_chain("seal-chain.pem"),
            signer.as_ref(),
            "yesterday",
        )
        .expect_err("refused");
        assert!(matches!(error, EpubSealError::Time(_)));
    }
}
