//! The sealing step of `gazette build`: which identity, opened once, and the
//! seal it puts on each edition.

use std::path::PathBuf;

use gazette::cms;
use gazette::diagnostic::Diagnostic;
use gazette::epub::EpubFile;
use gazette::model::Edition;
use gazette::seal::{self, SealDesign, Sealer, Spot};
use gazette::signer::{self, EnvironmentOrTerminal, KeySource, RsaPadding, Signer};
use gazette::typeset::{SEAL_DIAMETER_MM, SEAL_FONT, SealSpot};

use crate::cli::args::{RsaPaddingArg, SealArgs};
use crate::cli::progress;

/// An opened seal identity and what the visible seal says.
pub struct SealIdentity {
    signer: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
    organisation: String,
    purpose: String,
}

/// Opens the identity the command line or the manifest names, or `None`
/// when neither names one (or `--no-seal`).
pub fn open(args: &SealArgs, edition: &Edition) -> Result<Option<SealIdentity>, Box<Diagnostic>> {
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
    let source =
        KeySource::parse(&key).map_err(|e| Diagnostic::new(format!("the seal key: {e}")))?;
    let padding = match args.rsa_padding {
        RsaPaddingArg::Pkcs1 => RsaPadding::Pkcs1,
        RsaPaddingArg::Pss => RsaPadding::Pss,
    };
    let identity = signer::open(&source, padding, &EnvironmentOrTerminal)
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
    Ok(Some(SealIdentity {
        signer: identity.signer,
        chain,
        organisation: manifest.map_or_else(
            || edition.gazette.publisher.clone(),
            |s| s.organisation.clone(),
        ),
        purpose: manifest.map_or_else(|| "公报专用章".to_string(), |s| s.purpose.clone()),
    }))
}

impl SealIdentity {
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    pub fn signer(&self) -> &dyn Signer {
        self.signer.as_ref()
    }

    fn sealer(&self) -> Sealer<'_> {
        Sealer {
            signer: self.signer.as_ref(),
            chain: &self.chain,
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
        let signatures = seal::epub::sign(&listed, &self.chain, self.signer.as_ref(), &time)
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
