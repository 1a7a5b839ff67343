//! Seal keys on PKCS#11 tokens (smart cards, HSMs, SoftHSM) through cryptoki.
//!
//! The key never leaves the token: we find it by token label and key label,
//! log in with the user PIN and ask the token to sign. For ECDSA we hash
//! ourselves and use CKM_ECDSA, which tokens support far more widely than the
//! hashing ECDSA mechanisms; the token answers with raw r‖s, which we encode as
//! the DER `Ecdsa-Sig-Value` that CMS expects. RSA uses the token's own
//! SHA-256 mechanisms.
//!
//! A cryptoki session may be used by one thread at a time, so the signer keeps
//! its session behind a mutex.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::MechanismType;
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use der::asn1::{ObjectIdentifier, UintRef};
use der::{Decode, Encode};
use ring::digest;

use super::secret::{PIN_ENV, Secrets};
use super::software::{KeyKind, check_rsa_modulus};
use super::source::Pkcs11Uri;
use super::{Identity, RsaPadding, SignatureAlgorithm, Signer, SignerError};

/// RSA-PSS salt length: the SHA-256 digest length, as RFC 8017 recommends.
const PSS_SALT_LEN: u64 = 32;

/// ECDSA's signature value, RFC 5480 section 2.2 / RFC 3279.
#[derive(der::Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

pub(super) fn open(
    uri: &Pkcs11Uri,
    padding: RsaPadding,
    secrets: &dyn Secrets,
) -> Result<Identity, SignerError> {
    let token = format!("token '{}'", uri.token);
    let context = load_module(&uri.module_path)?;
    let slot = find_token(&context, uri)?;
    let session = context
        .open_ro_session(slot)
        .map_err(|error| SignerError::new(format!("cannot open a session on {token}: {error}")))?;
    log_in(&context, slot, &session, &uri.token, secrets)?;
    let key = find_private_key(&session, &uri.object, &token)?;
    let origin = format!("key '{}' on {token}", uri.object);
    let kind = key_kind(&session, key, &origin)?;
    let signer = TokenSigner {
        session: Mutex::new(session),
        key,
        kind,
        algorithm: kind.algorithm(padding),
        origin,
    };
    Ok(Identity {
        signer: Box::new(signer),
        chain: None,
        warnings: Vec::new(),
    })
}

fn load_module(path: &Path) -> Result<Pkcs11, SignerError> {
    let context = Pkcs11::new(path).map_err(|error| {
        SignerError::new(format!(
            "cannot load the PKCS#11 module {}: {error}",
            path.display()
        ))
    })?;
    // The module is shared by the whole process: a second key opened from the
    // same module finds it initialised already, which is fine.
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(context),
        Err(error) => Err(SignerError::new(format!(
            "the PKCS#11 module {} failed to start: {error}",
            path.display()
        ))),
    }
}

fn find_token(context: &Pkcs11, uri: &Pkcs11Uri) -> Result<Slot, SignerError> {
    let listing_failed = |error: CryptokiError| {
        SignerError::new(format!(
            "cannot list the tokens of {}: {error}",
            uri.module_path.display()
        ))
    };
    let mut labels = Vec::new();
    for slot in context.get_slots_with_token().map_err(listing_failed)? {
        let info = context.get_token_info(slot).map_err(listing_failed)?;
        if info.label() == uri.token {
            return Ok(slot);
        }
        labels.push(format!("'{}'", info.label()));
    }
    let present = if labels.is_empty() {
        "none".to_owned()
    } else {
        labels.join(", ")
    };
    Err(SignerError::new(format!(
        "no token labelled '{}' in {} (tokens present: {present})",
        uri.token,
        uri.module_path.display()
    )))
}

fn log_in(
    context: &Pkcs11,
    slot: Slot,
    session: &Session,
    token: &str,
    secrets: &dyn Secrets,
) -> Result<(), SignerError> {
    let pin_pad = context
        .get_token_info(slot)
        .is_ok_and(|info| info.protected_authentication_path());
    let pin = if pin_pad {
        None
    } else {
        let pin = secrets.token_pin(token)?.ok_or_else(|| {
            SignerError::new(format!(
                "token '{token}' needs its user PIN: set {PIN_ENV} or run on a terminal \
                 to be asked"
            ))
        })?;
        Some(AuthPin::from(pin.expose()))
    };
    match session.login(UserType::User, pin.as_ref()) {
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(CryptokiError::Pkcs11(RvError::PinIncorrect, _)) => Err(SignerError::new(format!(
            "wrong PIN for token '{token}' (tokens lock after a few wrong tries)"
        ))),
        Err(CryptokiError::Pkcs11(RvError::PinLocked, _)) => Err(SignerError::new(format!(
            "the user PIN of token '{token}' is locked; its security officer must unlock it"
        ))),
        Err(error) => Err(SignerError::new(format!(
            "cannot log in to token '{token}': {error}"
        ))),
    }
}

fn find_private_key(
    session: &Session,
    label: &str,
    token: &str,
) -> Result<ObjectHandle, SignerError> {
    let template = [
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let found = session
        .find_objects(&template)
        .map_err(|error| SignerError::new(format!("cannot search {token} for keys: {error}")))?;
    match found.as_slice() {
        [key] => Ok(*key),
        [] => Err(SignerError::new(format!(
            "{token} has no private key labelled '{label}'"
        ))),
        several => Err(SignerError::new(format!(
            "{token} has {} private keys labelled '{label}'; give the seal key a unique label",
            several.len()
        ))),
    }
}

fn key_kind(session: &Session, key: ObjectHandle, origin: &str) -> Result<KeyKind, SignerError> {
    let unreadable = |error: CryptokiError| {
        SignerError::new(format!("cannot read the attributes of {origin}: {error}"))
    };
    let key_type = match session.get_attributes(key, &[AttributeType::KeyType]) {
        Ok(attributes) => match attributes.as_slice() {
            [Attribute::KeyType(key_type)] => *key_type,
            _ => {
                return Err(SignerError::new(format!(
                    "{origin} does not say its key type"
                )));
            }
        },
        Err(error) => return Err(unreadable(error)),
    };
    if key_type == KeyType::EC {
        let attributes = session
            .get_attributes(key, &[AttributeType::EcParams])
            .map_err(unreadable)?;
        let Some(Attribute::EcParams(parameters)) = attributes.first() else {
            return Err(SignerError::new(format!(
                "{origin} does not name its curve"
            )));
        };
        let curve = ObjectIdentifier::from_der(parameters).map_err(|_| {
            SignerError::new(format!(
                "{origin} uses explicit curve parameters; gazette signs with the named \
                 curves P-256 and P-384"
            ))
        })?;
        KeyKind::from_curve(curve, origin)
    } else if key_type == KeyType::RSA {
        let attributes = session
            .get_attributes(key, &[AttributeType::Modulus])
            .map_err(unreadable)?;
        let Some(Attribute::Modulus(modulus)) = attributes.first() else {
            return Err(SignerError::new(format!(
                "{origin} does not give its modulus"
            )));
        };
        check_rsa_modulus(modulus, origin)?;
        Ok(KeyKind::Rsa)
    } else {
        Err(SignerError::new(format!(
            "{origin} is a {key_type} key; gazette signs with EC (P-256, P-384) or RSA keys"
        )))
    }
}

/// A private key on a token, used through a logged-in session.
struct TokenSigner {
    session: Mutex<Session>,
    key: ObjectHandle,
    kind: KeyKind,
    algorithm: SignatureAlgorithm,
    origin: String,
}

impl TokenSigner {
    fn sign_ecdsa(
        &self,
        session: &Session,
        digest_algorithm: &'static digest::Algorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, SignerError> {
        let digest = digest::digest(digest_algorithm, message);
        let raw = session
            .sign(&Mechanism::Ecdsa, self.key, digest.as_ref())
            .map_err(|error| self.failed(error))?;
        ecdsa_raw_to_der(&raw, digest_algorithm.output_len())
            .map_err(|problem| SignerError::new(format!("{} returned {problem}", self.origin)))
    }

    fn failed(&self, error: CryptokiError) -> SignerError {
        SignerError::new(format!("signing with {} failed: {error}", self.origin))
    }
}

impl Signer for TokenSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let session = self.session.lock().map_err(|_| {
            SignerError::new(format!(
                "the session with {} was left broken by an earlier failure",
                self.origin
            ))
        })?;
        let rsa = |mechanism: Mechanism| {
            session
                .sign(&mechanism, self.key, message)
                .map_err(|error| self.failed(error))
        };
        match self.algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                self.sign_ecdsa(&session, &digest::SHA256, message)
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                self.sign_ecdsa(&session, &digest::SHA384, message)
            }
            SignatureAlgorithm::RsaPkcs1Sha256 => rsa(Mechanism::Sha256RsaPkcs),
            SignatureAlgorithm::RsaPssSha256 => rsa(Mechanism::Sha256RsaPkcsPss(PkcsPssParams {
                hash_alg: MechanismType::SHA256,
                mgf: PkcsMgfType::MGF1_SHA256,
                s_len: PSS_SALT_LEN.into(),
            })),
        }
    }
}

impl fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSigner")
            .field("key", &self.origin)
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// PKCS#11 gives ECDSA signatures as r‖s, each as long as the curve's field
/// (which for P-256 and P-384 equals the digest length); CMS wants DER.
fn ecdsa_raw_to_der(raw: &[u8], half: usize) -> Result<Vec<u8>, String> {
    if raw.len() != 2 * half {
        return Err(format!(
            "an ECDSA signature of {} bytes where {} were expected",
            raw.len(),
            2 * half
        ));
    }
    let (r, s) = raw.split_at(half);
    let value = EcdsaSigValue {
        r: UintRef::new(r).map_err(|error| error.to_string())?,
        s: UintRef::new(s).map_err(|error| error.to_string())?,
    };
    value.to_der().map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use std::env;
    use std::process::Command;

    use tempfile::TempDir;

    use super::*;
    use crate::signer::{FixedSecrets, KeySource, Secret, open as open_key};
    use crate::test_support::keys::{example_dir, verifies};
    use crate::test_support::{file_available, tool_available};

    const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
    const PIN: &str = "gazette-test-pin-7";
    /// Set by `signs_on_softhsm` for the child process it starts.
    const CHILD_MARKER: &str = "GAZETTE_SOFTHSM_CHILD";
    const CHILD_DONE: &str = "softhsm child: all token checks ran";
    const MESSAGE: &[u8] = b"gazette issue 2025-08, sealed on a token";

    /// SoftHSM reads SOFTHSM2_CONF once per process, and a test must not change
    /// the environment of the tests running beside it, so the token checks run
    /// in a child process of this test binary with its own SOFTHSM2_CONF.
    #[test]
    fn signs_on_softhsm() {
        if !tool_available("softhsm2-util") || !file_available(Path::new(MODULE)) {
            return;
        }
        let dir = TempDir::new().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/softhsm-setup.sh");
        let mut conf = String::new();
        for (key, token) in [
            ("seal.key.pem", "gazette-ec"),
            ("seal-rsa.key.pem", "gazette-rsa"),
        ] {
            let setup = Command::new("bash")
                .arg(&script)
                .arg(dir.path())
                .arg(example_dir().join(key))
                .arg(token)
                .arg("seal")
                .env("GAZETTE_PIN", PIN)
                .output()
                .unwrap();
            assert!(
                setup.status.success(),
                "{}",
                String::from_utf8_lossy(&setup.stderr)
            );
            conf = String::from_utf8(setup.stdout).unwrap().trim().to_owned();
        }
        let child = Command::new(env::current_exe().unwrap())
            .args([
                "--exact",
                "signer::pkcs11::tests::token_checks",
                "--ignored",
                "--nocapture",
            ])
            .env("SOFTHSM2_CONF", &conf)
            .env(CHILD_MARKER, "1")
            .output()
            .unwrap();
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&child.stdout),
            String::from_utf8_lossy(&child.stderr)
        );
        assert!(child.status.success(), "{output}");
        assert!(output.contains(CHILD_DONE), "{output}");
    }

    fn token_key(token: &str, object: &str) -> KeySource {
        KeySource::parse(&format!(
            "pkcs11:token={token};object={object}?module-path={MODULE}"
        ))
        .unwrap()
    }

    fn with_pin(pin: Option<&str>) -> FixedSecrets {
        FixedSecrets {
            key_password: None,
            pin: pin.map(Secret::new),
        }
    }

    fn open_error(key: &KeySource, secrets: &FixedSecrets) -> String {
        open_key(key, RsaPadding::Pkcs1, secrets)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn names_a_module_that_cannot_be_loaded() {
        let key =
            KeySource::parse("pkcs11:token=t;object=o?module-path=/nonexistent/p11.so").unwrap();
        let error = open_error(&key, &with_pin(Some(PIN)));
        assert!(
            error.contains("cannot load the PKCS#11 module /nonexistent/p11.so"),
            "{error}"
        );
    }

    #[test]
    #[ignore = "run by signs_on_softhsm, in a process with its own SOFTHSM2_CONF"]
    fn token_checks() {
        if env::var(CHILD_MARKER).is_err() {
            eprintln!("skipped: run signs_on_softhsm, which sets up the token");
            return;
        }
        let ec = token_key("gazette-ec", "seal");
        // Failures first: once a session is logged in, the token does not
        // check the PIN of the next login.
        let error = open_error(&ec, &with_pin(Some("0000-wrong")));
        assert!(
            error.contains("wrong PIN") && error.contains("gazette-ec"),
            "{error}"
        );
        assert!(!error.contains("0000-wrong"), "{error}");
        let error = open_error(&ec, &with_pin(None));
        assert!(error.contains(PIN_ENV), "{error}");
        let error = open_error(&token_key("no-such-token", "seal"), &with_pin(Some(PIN)));
        assert!(
            error.contains("'no-such-token'") && error.contains("'gazette-rsa'"),
            "{error}"
        );
        let error = open_error(&token_key("gazette-ec", "stamp"), &with_pin(Some(PIN)));
        assert!(error.contains("no private key labelled 'stamp'"), "{error}");

        let identity = open_key(&ec, RsaPadding::Pss, &with_pin(Some(PIN))).unwrap();
        assert_eq!(
            identity.signer.algorithm(),
            SignatureAlgorithm::EcdsaP256Sha256
        );
        assert!(identity.chain.is_none());
        // The signer is shared between threads, as the trait promises.
        let signature = std::thread::scope(|scope| {
            scope
                .spawn(|| identity.signer.sign(MESSAGE))
                .join()
                .unwrap()
        })
        .unwrap();
        let seal = example_dir().join("seal.pem");
        assert!(verifies(
            &seal,
            SignatureAlgorithm::EcdsaP256Sha256,
            MESSAGE,
            &signature
        ));
        assert!(!verifies(
            &seal,
            SignatureAlgorithm::EcdsaP256Sha256,
            b"other",
            &signature
        ));
        assert!(!format!("{identity:?}").contains(PIN));

        let rsa = token_key("gazette-rsa", "seal");
        let rsa_seal = example_dir().join("seal-rsa.pem");
        for (padding, algorithm) in [
            (RsaPadding::Pkcs1, SignatureAlgorithm::RsaPkcs1Sha256),
            (RsaPadding::Pss, SignatureAlgorithm::RsaPssSha256),
        ] {
            let identity = open_key(&rsa, padding, &with_pin(Some(PIN))).unwrap();
            assert_eq!(identity.signer.algorithm(), algorithm);
            let signature = identity.signer.sign(MESSAGE).unwrap();
            assert!(
                verifies(&rsa_seal, algorithm, MESSAGE, &signature),
                "{algorithm:?}"
            );
        }
        println!("{CHILD_DONE}");
    }

    #[test]
    fn ecdsa_raw_signature_becomes_der_integers() {
        // r has its top bit set (needs a 0x00 pad), s has leading zero bytes.
        let mut raw = vec![0x80; 32];
        raw.extend([0x00, 0x00, 0x01]);
        raw.extend([0x7f; 29]);
        let der = ecdsa_raw_to_der(&raw, 32).unwrap();
        let parsed = EcdsaSigValue::from_der(&der).unwrap();
        assert_eq!(parsed.r.as_bytes(), &raw[..32]);
        assert_eq!(parsed.s.as_bytes(), &raw[34..]);
        // A 0x00 pad before r's high bit, none before s.
        assert_eq!(&der[2..5], &[0x02, 33, 0x00]);
    }

    #[test]
    fn refuses_a_raw_signature_of_the_wrong_size() {
        assert!(ecdsa_raw_to_der(&[1; 63], 32).is_err());
    }
}
