//! The sealing step of `gazette build`: which identity, opened once, and the
//! seal it puts on each edition.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use gazette::cms;
use gazette::diagnostic::Diagnostic;
use gazette::epub::EpubFile;
use gazette::model::Edition;
use gazette::seal::{self, SealDesign, Sealer, Spot};
use gazette::signer::{self, EnvironmentOrTerminal, KeySource, RsaPadding, Secrets, Signer};
use gazette::typeset::{SEAL_DIAMETER_MM, SEAL_FONT, SealSpot};

use crate::cli::args::{RsaPaddingArg, SealArgs};
use crate::cli::progress;

/// An opened seal identity and what the visible seal says.
pub struct SealIdentity {
    key: Arc<Key>,
    organisation: String,
    purpose: String,
}

/// An opened key and its certificate chain, shared by every issue it seals.
struct Key {
    signer: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
}

/// The seal keys of a run, each opened once: a year of issues sealed with one
/// encrypted key asks for its password once, and two issues in flight never
/// both ask. A key that failed to open is not tried again.
pub struct Keys {
    secrets: Box<dyn Secrets + Send + Sync>,
    opened: Mutex<HashMap<KeyName, Opened>>,
}

/// A key by its file or URI and its certificates file.
type KeyName = (String, Option<PathBuf>);
type Opened = Result<Arc<Key>, Box<Diagnostic>>;

impl Keys {
    /// Passwords and PINs from the environment or the terminal.
    pub fn new() -> Self {
        Self::with_secrets(Box::new(EnvironmentOrTerminal))
    }

    fn with_secrets(secrets: Box<dyn Secrets + Send + Sync>) -> Self {
        Keys {
            secrets,
            opened: Mutex::new(HashMap::new()),
        }
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

/// Opens the identity the command line or the manifest names, or `None`
/// when neither names one (or `--no-seal`).
pub fn open(
    args: &SealArgs,
    edition: &Edition,
    keys: &Keys,
) -> Result<Option<SealIdentity>, Box<Diagnostic>> {
    if args.no_seal {
        return Ok(None);
    }
    let manifest = edition.seal.as_ref();
    let Some(key) = args.key.clone().or_else(|| manifest.map(|s| s.key.clone())) else {
        if args.certificates.is_some() {
            return Err(Diagnostic::new("--seal-cert was given without a key")
                .help("add --seal-key FILE|URI, or a [seal] table with `key` in issue.toml")
                .into());
        }
        return Ok(None);
    };
    let certificates: Option<PathBuf> = args
        .certificates
        .clone()
        .or_else(|| manifest.and_then(|s| s.certificates.clone()));
    for path in certificates
        .iter()
        .map(PathBuf::as_path)
        .chain((!key.starts_with("pkcs11:")).then_some(std::path::Path::new(&key)))
    {
        if !path.is_file() {
            return Err(Diagnostic::in_file(path, "no such file, named as the seal's key or certificates")
                .help("paths in issue.toml's [seal] are relative to the issue folder; --no-seal builds an unsealed draft")
                .into());
        }
    }
    let padding = match args.rsa_padding {
        RsaPaddingArg::Pkcs1 => RsaPadding::Pkcs1,
        RsaPaddingArg::Pss => RsaPadding::Pss,
    };
    Ok(Some(SealIdentity {
        key: keys.open(&key, certificates, padding)?,
        organisation: manifest.map_or_else(
            || edition.gazette.publisher.clone(),
            |s| s.organisation.clone(),
        ),
        purpose: manifest.map_or_else(|| "公报专用章".to_string(), |s| s.purpose.clone()),
    }))
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
    for warning in &identity.warnings {
        progress::warn(warning);
    }
    let chain = match (certificates, identity.chain) {
        (Some(path), _) => {
            let bytes = std::fs::read(&path).map_err(|e| {
                Diagnostic::in_file(&path, format!("cannot read the seal certificates: {e}"))
            })?;
            cms::load_pem_certificates(&bytes).map_err(|e| {
                Diagnostic::in_file(&path, format!("no usable certificate: {e}"))
                    .help("give the chain as PEM, the seal's certificate first")
            })?
        }
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
    })
}

impl SealIdentity {
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.key.chain
    }

    pub fn signer(&self) -> &dyn Signer {
        self.key.signer.as_ref()
    }

    fn sealer(&self) -> Sealer<'_> {
        Sealer {
            signer: self.key.signer.as_ref(),
            chain: &self.key.chain,
        }
    }

    /// The PDF with its seal appended.
    pub fn seal_pdf(
        &self,
        edition: &Edition,
        pdf: &[u8],
        spot: Option<SealSpot>,
    ) -> Result<Vec<u8>, Box<Diagnostic>> {
        let spot = spot.ok_or_else(|| {
            let diagnostic = Diagnostic::new("the template left no place for the seal");
            match &edition.templates {
                Some(templates) => diagnostic.help(format!(
                    "the issue's own templates in {}/ must keep, on the cover, a box {SEAL_DIAMETER_MM} mm square labelled <seal>, as gazette's cover.typ does; or build with --no-seal",
                    templates.folder
                )),
                None => diagnostic.help(
                    "this is a bug in gazette's templates, not in your issue: please report it",
                ),
            }
        })?;
        let design = SealDesign {
            organisation: &self.organisation,
            purpose: &self.purpose,
            diameter: (SEAL_DIAMETER_MM / 25.4 * 72.0) as f32,
        };
        let spot = Spot {
            page: spot.page,
            rect: spot.rect,
        };
        seal::seal_pdf(
            pdf,
            &self.sealer(),
            &design,
            SEAL_FONT,
            spot,
            &pdf_time(edition),
        )
        .map_err(|e| Diagnostic::new(e.to_string()).into())
    }
}

impl SealIdentity {
    /// The EPUB's files with `META-INF/signatures.xml` added after the
    /// container document, signing every other file.
    pub fn seal_epub(
        &self,
        edition: &Edition,
        mut files: Vec<EpubFile>,
    ) -> Result<Vec<EpubFile>, Box<Diagnostic>> {
        let listed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .collect();
        let date = edition.issue.date;
        let time = format!("{}T00:00:00+08:00", date.iso());
        let signatures =
            seal::epub::sign(&listed, &self.key.chain, self.key.signer.as_ref(), &time)
                .map_err(|e| Diagnostic::new(format!("cannot seal the EPUB edition: {e}")))?;
        let at = files
            .iter()
            .position(|f| f.path.starts_with("META-INF/"))
            .map_or(1, |i| i + 1);
        files.insert(
            at,
            EpubFile {
                path: seal::epub::SIGNATURES_PATH.to_string(),
                bytes: signatures,
            },
        );
        Ok(files)
    }
}

/// The claimed time is the issue date at midnight in China: deterministic,
/// and the day the edition speaks for.
fn pdf_time(edition: &Edition) -> String {
    let date = edition.issue.date;
    format!(
        "D:{:04}{:02}{:02}000000+08'00'",
        date.year, date.month, date.day
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use gazette::signer::{Secret, SignerError};

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
        let (keys, asked) = keys(gazette::certs::EXAMPLE_PASSWORD);
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
