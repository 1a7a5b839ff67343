//! Which seal an edition gets, and its key opened once a run.
//!
//! The command line may name a key and certificates; otherwise the issue's
//! [seal] table does. [`Keys`] opens each key once for a whole run: a year of
//! issues sealed with one encrypted key asks for its password once, and two
//! issues in flight never both ask. What the visible seal says comes from the
//! edition ([`Edition::seal_text`]), resolved there once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::cms;
use crate::diagnostic::Diagnostic;
use crate::epub::EpubFile;
use crate::model::{Edition, SealText, SealTime};
use crate::signer::{self, EnvironmentOrTerminal, KeySource, RsaPadding, Secrets, Signer};

use super::epub::{self as xml_seal, EpubSealError};
use super::network::Network;
use super::{Authorities, Level, LongTerm, Sealer};

/// The seal asked for on the command line, over the manifest's [seal].
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// A key file or a PKCS#11 URI, instead of the manifest's `key`.
    pub key: Option<String>,
    /// The certificate chain (PEM), instead of the manifest's `certificates`.
    pub certificates: Option<PathBuf>,
    pub rsa_padding: RsaPadding,
    /// Build unsealed drafts, whatever the manifest says.
    pub no_seal: bool,
    /// The time-stamp authority's URL, instead of the manifest's `timestamp`.
    pub tsa: Option<String>,
    /// How far a time-stamped seal goes, instead of the manifest's `level`.
    pub level: Option<Level>,
}

/// An opened seal: who signs, with which certificates, what the visible
/// seal says, and who makes it last.
pub struct Seal {
    key: Arc<Key>,
    pub text: SealText,
    long_term: Option<Lasting>,
}

/// Who makes a seal last, and to which level.
type Lasting = (Arc<dyn Authorities>, Level);

/// An opened key and its certificate chain, shared by every issue it seals.
struct Key {
    signer: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
    /// What the key store said about the key (a key file others can read).
    warnings: Vec<String>,
}

/// The seal keys of a run, each opened once. A key that failed to open is
/// not tried again.
pub struct Keys {
    secrets: Box<dyn Secrets + Send + Sync>,
    opened: Mutex<HashMap<KeyName, Opened>>,
}

/// A key by its file or URI and its certificates file.
type KeyName = (String, Option<PathBuf>);
type Opened = Result<Arc<Key>, Box<Diagnostic>>;

impl Default for Keys {
    /// Passwords and PINs from the environment or the terminal.
    fn default() -> Self {
        Self::with_secrets(Box::new(EnvironmentOrTerminal))
    }
}

impl Keys {
    pub fn with_secrets(secrets: Box<dyn Secrets + Send + Sync>) -> Self {
        Keys {
            secrets,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The seal `edition` gets under `options`, its key opened (or taken from
    /// this run's earlier opening); `None` when nothing names a key, or with
    /// `no_seal`.
    pub fn seal_for(
        &self,
        options: &SealOptions,
        edition: &Edition,
    ) -> Result<Option<Seal>, Box<Diagnostic>> {
        if options.no_seal {
            return Ok(None);
        }
        let manifest = edition.seal.as_ref();
        let Some(key) = options
            .key
            .clone()
            .or_else(|| manifest.map(|s| s.key.clone()))
        else {
            if options.certificates.is_some() {
                return Err(Diagnostic::new("--seal-cert was given without a key")
                    .help("add --seal-key FILE|URI, or a [seal] table with `key` in issue.toml")
                    .into());
            }
            return Ok(None);
        };
        let certificates = options
            .certificates
            .clone()
            .or_else(|| manifest.and_then(|s| s.certificates.clone()));
        check_files(&key, certificates.as_deref())?;
        let long_term = long_term(options, manifest)?;
        Ok(Some(Seal {
            key: self.open(&key, certificates, options.rsa_padding)?,
            text: edition.seal_text(),
            long_term,
        }))
    }

    fn open(
        &self,
        key: &str,
        certificates: Option<PathBuf>,
        padding: RsaPadding,
    ) -> Result<Arc<Key>, Box<Diagnostic>> {
        // Held while the key opens, so that a second issue waits for the
        // first one's password instead of asking for it too.
        let mut opened = self
            .opened
            .lock()
            .map_err(|_| Diagnostic::new("a build opening the seal key failed"))?;
        let result = opened
            .entry((key.to_owned(), certificates.clone()))
            .or_insert_with(|| {
                open_key(key, certificates, padding, self.secrets.as_ref()).map(Arc::new)
            });
        result.clone()
    }
}

/// The time-stamp authority and level asked for, the command line's over the
/// manifest's; B-LTA when a URL is given without a level.
fn long_term(
    options: &SealOptions,
    manifest: Option<&crate::model::Seal>,
) -> Result<Option<Lasting>, Box<Diagnostic>> {
    let url = options
        .tsa
        .clone()
        .or_else(|| manifest.and_then(|s| s.timestamp.clone()));
    let level = options.level.or_else(|| manifest.and_then(|s| s.level));
    let Some(url) = url else {
        return match level {
            Some(level) if level > Level::B => Err(Diagnostic::new(format!(
                "a {level} seal needs a time-stamp authority"
            ))
            .help("add --tsa URL, or timestamp = \"URL\" in [seal]")
            .into()),
            _ => Ok(None),
        };
    };
    let network = Network::new(&url).map_err(|e| {
        Diagnostic::new(format!("the time-stamp authority: {e}"))
            .help("give the http:// URL your time-stamp authority publishes for RFC 3161 requests")
    })?;
    Ok(Some((Arc::new(network), level.unwrap_or(Level::Lta))))
}

/// The key file (unless a token holds the key) and the certificates file
/// must be there before any password is asked for.
fn check_files(key: &str, certificates: Option<&Path>) -> Result<(), Box<Diagnostic>> {
    let key_file = (!key.starts_with("pkcs11:")).then_some(Path::new(key));
    for path in certificates.into_iter().chain(key_file) {
        if !path.is_file() {
            return Err(Diagnostic::in_file(path, "no such file, named as the seal's key or certificates")
                .help("paths in issue.toml's [seal] are relative to the issue folder; --no-seal builds an unsealed draft")
                .into());
        }
    }
    Ok(())
}

fn open_key(
    key: &str,
    certificates: Option<PathBuf>,
    padding: RsaPadding,
    secrets: &dyn Secrets,
) -> Result<Key, Box<Diagnostic>> {
    let source =
        KeySource::parse(key).map_err(|e| Diagnostic::new(format!("the seal key: {e}")))?;
    let identity = signer::open(&source, padding, secrets)
        .map_err(|e| Diagnostic::new(format!("cannot open the seal key: {e}")))?;
    let chain = match (certificates, identity.chain) {
        (Some(path), _) => read_chain(&path)?,
        (None, Some(chain)) => chain,
        (None, None) => {
            return Err(Diagnostic::new(format!("{source} holds no certificate"))
                .help(
                    "name the certificate chain with --seal-cert FILE or `certificates` in [seal]",
                )
                .into());
        }
    };
    Ok(Key {
        signer: identity.signer,
        chain,
        warnings: identity.warnings,
    })
}

fn read_chain(path: &Path) -> Result<Vec<Vec<u8>>, Box<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::in_file(path, format!("cannot read the seal certificates: {e}"))
    })?;
    cms::load_pem_certificates(&bytes).map_err(|e| {
        Diagnostic::in_file(path, format!("no usable certificate: {e}"))
            .help("give the chain as PEM, the seal's certificate first")
            .into()
    })
}

impl Seal {
    /// A seal from a key opened elsewhere, e.g. a test's own identity.
    pub fn new(signer: Box<dyn Signer>, chain: Vec<Vec<u8>>, text: SealText) -> Self {
        Seal {
            key: Arc::new(Key {
                signer,
                chain,
                warnings: Vec::new(),
            }),
            text,
            long_term: None,
        }
    }

    /// This seal carried to `level` with `authorities`' time-stamps and
    /// revocation evidence.
    pub fn with_long_term(mut self, authorities: Arc<dyn Authorities>, level: Level) -> Self {
        self.long_term = Some((authorities, level));
        self
    }

    /// The services and level the seal is carried to; `None` at B-B.
    pub fn long_term(&self) -> Option<LongTerm<'_>> {
        self.long_term
            .as_ref()
            .map(|(authorities, level)| LongTerm {
                authorities: authorities.as_ref(),
                level: *level,
            })
    }

    /// The key and its certificates, as the signatures take them.
    pub fn sealer(&self) -> Sealer<'_> {
        Sealer {
            signer: self.key.signer.as_ref(),
            chain: &self.key.chain,
        }
    }

    /// What the key store said about the key, for the user to fix.
    pub fn warnings(&self) -> &[String] {
        &self.key.warnings
    }

    /// The EPUB's files with `META-INF/signatures.xml` added after the
    /// container document, signing every other file.
    pub fn seal_epub(
        &self,
        mut files: Vec<EpubFile>,
        time: &SealTime,
    ) -> Result<Vec<EpubFile>, EpubSealError> {
        let listed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .collect();
        let signatures = xml_seal::sign(
            &listed,
            &self.key.chain,
            self.key.signer.as_ref(),
            &time.rfc3339(),
        )?;
        let at = files
            .iter()
            .position(|f| f.path.starts_with("META-INF/"))
            .map_or(1, |i| i + 1);
        files.insert(
            at,
            EpubFile {
                path: xml_seal::SIGNATURES_PATH.to_string(),
                bytes: signatures,
            },
        );
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::signer::{Secret, SignerError};

    use super::*;

    /// Gives `password` and counts how often it was asked for.
    struct Counting {
        password: &'static str,
        asked: Arc<AtomicUsize>,
    }

    impl Secrets for Counting {
        fn key_password(&self, _key_file: &Path) -> Result<Option<Secret>, SignerError> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Secret::new(self.password)))
        }

        fn token_pin(&self, _token: &str) -> Result<Option<Secret>, SignerError> {
            Ok(None)
        }
    }

    fn keys(password: &'static str) -> (Keys, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let secrets = Counting {
            password,
            asked: asked.clone(),
        };
        (Keys::with_secrets(Box::new(secrets)), asked)
    }

    fn example(file: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("certs-example")
            .join(file)
    }

    /// Twelve issues on four threads, all sealed with one encrypted key.
    fn open_from_many_issues(keys: &Keys) -> Vec<Result<Arc<Key>, Box<Diagnostic>>> {
        let key = example("seal.key.enc.pem").display().to_string();
        let chain = Some(example("seal-chain.pem"));
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        (0..3)
                            .map(|_| keys.open(&key, chain.clone(), RsaPadding::Pkcs1))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            threads
                .into_iter()
                .flat_map(|thread| thread.join().unwrap())
                .collect()
        })
    }

    #[test]
    fn a_run_asks_for_a_key_s_password_once() {
        let (keys, asked) = keys(crate::example_pki::EXAMPLE_PASSWORD);
        let opened = open_from_many_issues(&keys);
        assert!(opened.iter().all(Result::is_ok));
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        let first = opened[0].as_ref().unwrap();
        assert!(
            opened
                .iter()
                .all(|key| Arc::ptr_eq(key.as_ref().unwrap(), first))
        );
    }

    #[test]
    fn a_wrong_password_is_asked_once_and_fails_every_issue() {
        let (keys, asked) = keys("not the password");
        let opened = open_from_many_issues(&keys);
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        for result in &opened {
            let error = result.as_ref().err().expect("a wrong password fails");
            assert!(error.message.contains("wrong password"), "{error}");
        }
    }
}
