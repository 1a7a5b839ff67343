//! The sealing step of `gazette build`: which identity, opened how.

use std::path::PathBuf;

use gazette::cms;
use gazette::diagnostic::Diagnostic;
use gazette::model::Edition;
use gazette::seal::{self, SealDesign, Sealer, Spot};
use gazette::signer::{self, EnvironmentOrTerminal, KeySource, RsaPadding};
use gazette::typeset::{Pdf, SEAL_DIAMETER_MM, SEAL_FONT};

use crate::cli::args::{RsaPaddingArg, SealArgs};

/// The sealed PDF, or `None` when nothing names a seal identity.
pub fn seal(
    args: &SealArgs,
    edition: &Edition,
    pdf: &Pdf,
) -> Result<Option<Vec<u8>>, Box<Diagnostic>> {
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
    let source =
        KeySource::parse(&key).map_err(|e| Diagnostic::new(format!("the seal key: {e}")))?;
    let padding = match args.rsa_padding {
        RsaPaddingArg::Pkcs1 => RsaPadding::Pkcs1,
        RsaPaddingArg::Pss => RsaPadding::Pss,
    };
    let identity = signer::open(&source, padding, &EnvironmentOrTerminal)
        .map_err(|e| Diagnostic::new(format!("cannot open the seal key: {e}")))?;
    for warning in &identity.warnings {
        eprintln!("warning: {warning}");
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
    let spot = pdf.seal_spot.ok_or_else(|| {
        Diagnostic::new("the template left no place for the seal")
            .help("this is a bug in gazette's templates, not in your issue: please report it")
    })?;
    let default_seal = gazette::model::Seal {
        key: String::new(),
        certificates: None,
        organisation: edition.gazette.publisher.clone(),
        purpose: "公报专用章".into(),
    };
    let look = manifest.unwrap_or(&default_seal);
    let design = SealDesign {
        organisation: &look.organisation,
        purpose: &look.purpose,
        diameter: (SEAL_DIAMETER_MM / 25.4 * 72.0) as f32,
    };
    let date = edition.issue.date;
    // The claimed time is the issue date at midnight in China: deterministic,
    // and the day the edition speaks for.
    let time = format!(
        "D:{:04}{:02}{:02}000000+08'00'",
        date.year, date.month, date.day
    );
    let sealer = Sealer {
        signer: identity.signer.as_ref(),
        chain: &chain,
    };
    let spot = Spot {
        page: spot.page,
        rect: spot.rect,
    };
    seal::seal_pdf(&pdf.bytes, &sealer, &design, SEAL_FONT, spot, &time)
        .map(Some)
        .map_err(|e| Diagnostic::new(e.to_string()).into())
}
