//! Seal keys kept in files: PKCS#8 (PEM or DER, plain or password-encrypted)
//! and PKCS#12.
//!
//! The format is recognised from the content, not the file name, so a key
//! renamed by a colleague still opens. Encrypted keys are decrypted with the
//! `pkcs8` crate (ring reads only plain PKCS#8) and the plain key is wiped from
//! memory once ring holds it.

use std::fs;
use std::path::Path;

use der::Decode;
use der::asn1::AnyRef;
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use super::secret::{KEY_PASSWORD_ENV, Secret, Secrets};
use super::software::SoftwareSigner;
use super::{Identity, RsaPadding, SignerError, pkcs12};

/// What a key file turned out to hold.
enum KeyFile {
    Pkcs8(Zeroizing<Vec<u8>>),
    EncryptedPkcs8(Vec<u8>),
    Pkcs12(Zeroizing<Vec<u8>>),
}

/// Just enough of RFC 7292's PFX to recognise one before asking for its password.
#[derive(der::Sequence)]
struct PfxOutline<'a> {
    version: u8,
    auth_safe: AnyRef<'a>,
    mac_data: Option<AnyRef<'a>>,
}

const PFX_VERSION: u8 = 3;

pub(super) fn open(
    path: &Path,
    padding: RsaPadding,
    secrets: &dyn Secrets,
) -> Result<Identity, SignerError> {
    let origin = format!("key file {}", path.display());
    let warnings = permission_warning(path).into_iter().collect();
    let bytes = Zeroizing::new(
        fs::read(path)
            .map_err(|error| SignerError::new(format!("cannot read {origin}: {error}")))?,
    );
    let (signer, chain) = match recognise(&bytes, &origin)? {
        KeyFile::Pkcs8(pkcs8) => (SoftwareSigner::from_pkcs8(&pkcs8, padding, &origin)?, None),
        KeyFile::EncryptedPkcs8(encrypted) => {
            let password = password(path, secrets, &origin)?;
            let pkcs8 = decrypt_pkcs8(&encrypted, &password, &origin)?;
            (
                SoftwareSigner::from_pkcs8(pkcs8.as_bytes(), padding, &origin)?,
                None,
            )
        }
        KeyFile::Pkcs12(pfx) => {
            let password = password(path, secrets, &origin)?;
            let contents = pkcs12::unpack(&pfx, &password, &origin)?;
            let signer = SoftwareSigner::from_pkcs8(&contents.pkcs8, padding, &origin)?;
            pkcs12::check_key_matches_chain(&signer, &contents.chain, &origin)?;
            (
                signer,
                Some(contents.chain).filter(|chain| !chain.is_empty()),
            )
        }
    };
    Ok(Identity {
        signer: Box::new(signer),
        chain,
        warnings,
    })
}

/// Tells PEM from DER, and within each which container the key is in.
fn recognise(bytes: &[u8], origin: &str) -> Result<KeyFile, SignerError> {
    if bytes.windows(11).any(|window| window == b"-----BEGIN ") {
        return recognise_pem(bytes, origin);
    }
    if PrivateKeyInfoRef::from_der(bytes).is_ok() {
        return Ok(KeyFile::Pkcs8(Zeroizing::new(bytes.to_vec())));
    }
    if EncryptedPrivateKeyInfoRef::from_der(bytes).is_ok() {
        return Ok(KeyFile::EncryptedPkcs8(bytes.to_vec()));
    }
    if PfxOutline::from_der(bytes).is_ok_and(|pfx| pfx.version == PFX_VERSION) {
        return Ok(KeyFile::Pkcs12(Zeroizing::new(bytes.to_vec())));
    }
    Err(SignerError::new(format!(
        "{origin} is neither a PKCS#8 private key (PEM or DER) nor a PKCS#12 file, \
         or it is damaged"
    )))
}

fn recognise_pem(bytes: &[u8], origin: &str) -> Result<KeyFile, SignerError> {
    let (label, der) = der::pem::decode_vec(bytes)
        .map_err(|error| SignerError::new(format!("{origin} is not valid PEM ({error})")))?;
    let der = Zeroizing::new(der);
    match label {
        "PRIVATE KEY" => Ok(KeyFile::Pkcs8(der)),
        "ENCRYPTED PRIVATE KEY" => Ok(KeyFile::EncryptedPkcs8(der.to_vec())),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => Err(SignerError::new(format!(
            "{origin} is a legacy '{label}' file; convert it to PKCS#8 with \
             `openssl pkcs8 -topk8 -in OLD -out NEW` (add -nocrypt for no password)"
        ))),
        "CERTIFICATE" => Err(SignerError::new(format!(
            "{origin} is a certificate, not a private key"
        ))),
        other => Err(SignerError::new(format!(
            "{origin} holds a PEM '{other}', not a PKCS#8 private key"
        ))),
    }
}

fn password(path: &Path, secrets: &dyn Secrets, origin: &str) -> Result<Secret, SignerError> {
    secrets.key_password(path)?.ok_or_else(|| {
        SignerError::new(format!(
            "{origin} is password-protected: set {KEY_PASSWORD_ENV} or run on a terminal \
             to be asked"
        ))
    })
}

fn decrypt_pkcs8(
    encrypted: &[u8],
    password: &Secret,
    origin: &str,
) -> Result<der::SecretDocument, SignerError> {
    let info = EncryptedPrivateKeyInfoRef::from_der(encrypted).map_err(|error| {
        SignerError::new(format!("{origin} is a damaged encrypted key ({error})"))
    })?;
    info.decrypt(password.expose())
        .map_err(|error| match error {
            pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed)
            | pkcs8::Error::Asn1(_) => SignerError::new(format!(
                "wrong password for {origin} (or the file is damaged)"
            )),
            other => SignerError::new(format!(
                "{origin} is encrypted in a way gazette cannot read ({other}); \
             re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
            )),
        })
}

/// A private key others can read is as good as published.
#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "key file {} can be read by other users (mode {:o}); restrict it with \
             `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use der::pem::LineEnding;
    use pkcs8::EncodePrivateKey;
    use rcgen::{KeyPair, PKCS_ECDSA_P384_SHA384, PKCS_ED25519};
    use tempfile::TempDir;

    use super::*;
    use crate::example_pki::EXAMPLE_PASSWORD;
    use crate::signer::{FixedSecrets, KEY_PASSWORD_ENV, KeySource, Secret, SignatureAlgorithm};
    use crate::test_support::keys::{
        assert_no_key_material, certificates, copy_private, example_dir, set_mode, verifies,
        verifies_with_key,
    };
    use crate::test_support::tool_available;

    const MESSAGE: &[u8] = "上海市人民政府公报 2025 年第 8 期".as_bytes();

    fn password(password: &str) -> FixedSecrets {
        FixedSecrets {
            key_password: Some(Secret::new(password)),
            pin: None,
        }
    }

    fn open_path(
        path: &Path,
        padding: RsaPadding,
        secrets: &FixedSecrets,
    ) -> Result<Identity, SignerError> {
        crate::signer::open(&KeySource::File(path.to_owned()), padding, secrets)
    }

    fn open_example(name: &str, secrets: &FixedSecrets) -> Result<Identity, SignerError> {
        let dir = TempDir::new().unwrap();
        let path = copy_private(&example_dir(), name, dir.path());
        open_path(&path, RsaPadding::default(), secrets)
    }

    /// Signs, and checks the signature verifies against `certificate` for this
    /// message only.
    fn assert_signs_for(identity: &Identity, certificate: &str, algorithm: SignatureAlgorithm) {
        let certificate = example_dir().join(certificate);
        assert_eq!(identity.signer.algorithm(), algorithm);
        let signature = identity.signer.sign(MESSAGE).unwrap();
        assert!(verifies(&certificate, algorithm, MESSAGE, &signature));
        assert!(!verifies(
            &certificate,
            algorithm,
            b"another issue",
            &signature
        ));
    }

    fn error_of(result: Result<Identity, SignerError>) -> String {
        result.map(|_| ()).unwrap_err().to_string()
    }

    fn der_of_pem(path: &Path) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::pem::decode_vec(&fs::read(path).unwrap()).unwrap().1)
    }

    #[test]
    fn plain_pkcs8_pem_signs() {
        let identity = open_example("seal.key.pem", &FixedSecrets::default()).unwrap();
        assert_signs_for(&identity, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
        assert!(identity.chain.is_none());
        assert!(identity.warnings.is_empty(), "{:?}", identity.warnings);
    }

    #[test]
    fn plain_pkcs8_der_signs() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("seal.key");
        fs::write(&path, der_of_pem(&example_dir().join("seal.key.pem"))).unwrap();
        set_mode(&path, 0o600);
        let identity = open_path(&path, RsaPadding::default(), &FixedSecrets::default()).unwrap();
        assert_signs_for(&identity, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
    }

    #[test]
    fn encrypted_pkcs8_pem_and_der_sign() {
        let identity = open_example("seal.key.enc.pem", &password(EXAMPLE_PASSWORD)).unwrap();
        assert_signs_for(&identity, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);

        let dir = TempDir::new().unwrap();
        let path = dir.path().join("seal.key.enc.der");
        fs::write(&path, der_of_pem(&example_dir().join("seal.key.enc.pem"))).unwrap();
        set_mode(&path, 0o600);
        let identity =
            open_path(&path, RsaPadding::default(), &password(EXAMPLE_PASSWORD)).unwrap();
        assert_signs_for(&identity, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
    }

    #[test]
    fn pkcs12_signs_and_carries_the_chain() {
        let identity = open_example("seal.p12", &password(EXAMPLE_PASSWORD)).unwrap();
        assert_signs_for(&identity, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
        assert_eq!(
            identity.chain,
            Some(certificates(&example_dir().join("seal-chain.pem")))
        );
    }

    #[test]
    fn pkcs12_is_recognised_whatever_its_name() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("seal-bundle");
        fs::copy(example_dir().join("seal.p12"), &path).unwrap();
        set_mode(&path, 0o600);
        let identity =
            open_path(&path, RsaPadding::default(), &password(EXAMPLE_PASSWORD)).unwrap();
        assert_eq!(identity.chain.map(|chain| chain.len()), Some(3));
    }

    #[test]
    fn rsa_signs_with_either_padding() {
        let dir = TempDir::new().unwrap();
        let path = copy_private(&example_dir(), "seal-rsa.key.pem", dir.path());
        for (padding, algorithm) in [
            (RsaPadding::Pkcs1, SignatureAlgorithm::RsaPkcs1Sha256),
            (RsaPadding::Pss, SignatureAlgorithm::RsaPssSha256),
        ] {
            let identity = open_path(&path, padding, &FixedSecrets::default()).unwrap();
            assert_signs_for(&identity, "seal-rsa.pem", algorithm);
        }
    }

    #[test]
    fn p384_signs() {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("p384.pem");
        fs::write(&path, key.serialize_pem()).unwrap();
        set_mode(&path, 0o600);
        let identity = open_path(&path, RsaPadding::Pss, &FixedSecrets::default()).unwrap();
        let algorithm = identity.signer.algorithm();
        assert_eq!(algorithm, SignatureAlgorithm::EcdsaP384Sha384);
        let signature = identity.signer.sign(MESSAGE).unwrap();
        assert!(verifies_with_key(
            key.public_key_raw(),
            algorithm,
            MESSAGE,
            &signature
        ));
    }

    #[test]
    fn wrong_password_is_named() {
        for name in ["seal.key.enc.pem", "seal.p12"] {
            let error = error_of(open_example(name, &password("not-the-password")));
            assert!(error.contains("wrong password"), "{error}");
            assert!(error.contains(name), "{error}");
            assert!(!error.contains("not-the-password"), "{error}");
        }
    }

    #[test]
    fn missing_password_names_the_variable() {
        for name in ["seal.key.enc.pem", "seal.p12"] {
            let error = error_of(open_example(name, &FixedSecrets::default()));
            assert!(error.contains(KEY_PASSWORD_ENV), "{error}");
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn warns_about_a_key_others_can_read() {
        let dir = TempDir::new().unwrap();
        let path = copy_private(&example_dir(), "seal.key.pem", dir.path());
        let private = open_path(&path, RsaPadding::default(), &FixedSecrets::default()).unwrap();
        assert!(private.warnings.is_empty(), "{:?}", private.warnings);

        set_mode(&path, 0o640);
        let shared = open_path(&path, RsaPadding::default(), &FixedSecrets::default()).unwrap();
        assert_eq!(shared.warnings.len(), 1);
        assert!(
            shared.warnings[0].contains("chmod 600"),
            "{:?}",
            shared.warnings
        );
        assert!(shared.warnings[0].contains("640"), "{:?}", shared.warnings);
    }

    #[test]
    fn refuses_rsa_shorter_than_2048_bits() {
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("short.pem");
        fs::write(&path, key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap();
        set_mode(&path, 0o600);
        let error = error_of(open_path(
            &path,
            RsaPadding::default(),
            &FixedSecrets::default(),
        ));
        assert!(error.contains("1024-bit RSA"), "{error}");
        assert!(error.contains("2048"), "{error}");
    }

    #[test]
    fn refuses_what_is_not_a_usable_key() {
        let dir = TempDir::new().unwrap();
        let ed25519 = KeyPair::generate_for(&PKCS_ED25519)
            .unwrap()
            .serialize_pem();
        let truncated = &der_of_pem(&example_dir().join("seal.key.pem"))[..40];
        let cases: [(&str, &[u8], &str); 5] = [
            ("ed25519.pem", ed25519.as_bytes(), "1.3.101.112"),
            ("noise.bin", b"\x00\x01 not a key at all", "neither"),
            ("truncated.der", truncated, "neither"),
            (
                "seal.pem",
                &fs::read(example_dir().join("seal.pem")).unwrap(),
                "certificate",
            ),
            (
                "empty.pem",
                b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
                "not valid PEM",
            ),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(name);
            fs::write(&path, bytes).unwrap();
            set_mode(&path, 0o600);
            let error = error_of(open_path(
                &path,
                RsaPadding::default(),
                &FixedSecrets::default(),
            ));
            assert!(error.contains(expected), "{name}: {error}");
            assert!(error.contains(name), "{name}: {error}");
        }
        let missing = dir.path().join("absent.pem");
        let error = error_of(open_path(
            &missing,
            RsaPadding::default(),
            &FixedSecrets::default(),
        ));
        assert!(
            error.contains("cannot read") && error.contains("absent.pem"),
            "{error}"
        );
    }

    #[test]
    fn debug_and_errors_show_no_key_material() {
        let pkcs8 = der_of_pem(&example_dir().join("seal.key.pem"));
        let signer = SoftwareSigner::from_pkcs8(&pkcs8, RsaPadding::Pkcs1, "test key").unwrap();
        assert_no_key_material(&format!("{signer:?}"), &pkcs8);
        let identity = open_example("seal.p12", &password(EXAMPLE_PASSWORD)).unwrap();
        assert_no_key_material(&format!("{identity:?}"), &pkcs8);

        let error = open_example("seal.key.enc.pem", &password("wrong")).unwrap_err();
        assert_no_key_material(&format!("{error} {error:?}"), &pkcs8);
        let mut damaged = pkcs8.to_vec();
        damaged[pkcs8.len() - 70] ^= 0xff;
        let error =
            SoftwareSigner::from_pkcs8(&damaged, RsaPadding::Pkcs1, "damaged key").unwrap_err();
        assert_no_key_material(&format!("{error} {error:?}"), &pkcs8);
    }

    /// Keys written by openssl, not by us: encrypted PKCS#8 DER with its own
    /// PBES2 defaults, and a PKCS#12 made by `openssl pkcs12 -export`.
    #[test]
    fn opens_keys_openssl_wrote() {
        if !tool_available("openssl") {
            return;
        }
        let dir = TempDir::new().unwrap();
        let example = example_dir();
        let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        let example_path = |name: &str| example.join(name).to_string_lossy().into_owned();
        let pass = format!("pass:{EXAMPLE_PASSWORD}");
        let commands: [&[&str]; 3] = [
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-outform",
                "DER",
                "-in",
                &example_path("seal.key.pem"),
                "-out",
                &path("openssl.key.der"),
                "-passout",
                &pass,
            ],
            &[
                "pkcs12",
                "-export",
                "-inkey",
                &example_path("seal.key.pem"),
                "-in",
                &example_path("seal.pem"),
                "-certfile",
                &example_path("intermediate.pem"),
                "-out",
                &path("openssl.p12"),
                "-passout",
                &pass,
            ],
            &[
                "ecparam",
                "-genkey",
                "-name",
                "secp384r1",
                "-noout",
                "-out",
                &path("legacy.pem"),
            ],
        ];
        for arguments in commands {
            let status = Command::new("openssl").args(arguments).status().unwrap();
            assert!(status.success(), "openssl {arguments:?}");
        }
        for name in ["openssl.key.der", "openssl.p12", "legacy.pem"] {
            set_mode(Path::new(&path(name)), 0o600);
        }

        let secrets = password(EXAMPLE_PASSWORD);
        let der = open_path(
            Path::new(&path("openssl.key.der")),
            RsaPadding::Pkcs1,
            &secrets,
        )
        .unwrap();
        assert_signs_for(&der, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
        let p12 = open_path(Path::new(&path("openssl.p12")), RsaPadding::Pkcs1, &secrets).unwrap();
        assert_signs_for(&p12, "seal.pem", SignatureAlgorithm::EcdsaP256Sha256);
        let chain = p12.chain.unwrap();
        assert_eq!(chain.len(), 2);
        assert_eq!(chain, certificates(&example.join("seal-chain.pem"))[..2]);
        let error = error_of(open_path(
            Path::new(&path("legacy.pem")),
            RsaPadding::Pkcs1,
            &secrets,
        ));
        assert!(error.contains("openssl pkcs8 -topk8"), "{error}");
    }
}
