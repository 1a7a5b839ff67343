//! The command line, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
#[cfg(feature = "typeset")]
use gazette::{
    edition::Press, seal::Keys, seal::Level, seal::SealOptions, signer::RsaPadding,
    typeset::FontSet,
};

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "Builds the authentic digital edition of a government gazette issue"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build editions: DIR/<edition-id>/ with the PDF, the EPUB and the package
    #[cfg(feature = "typeset")]
    Build(BuildArgs),
    /// Rebuild an issue's edition on every save of its manifest, documents or templates
    #[cfg(feature = "typeset")]
    Watch(WatchArgs),
    /// Start a new issue folder: a commented issue.toml and an example document, ready to build
    #[cfg(feature = "typeset")]
    New(NewArgs),
    /// Import documents from Word files (.docx; .doc, .wps, .odt through
    /// LibreOffice) into an issue, as Markdown with front matter
    ///
    /// Prints what it recognised and everything it could not place or left
    /// out. Nothing is written unless every file imports; no file of the issue
    /// is overwritten.
    #[cfg(feature = "typeset")]
    Import(ImportArgs),
    /// Write gazette's own typst templates into a new folder, to start an office's own layout
    #[cfg(feature = "typeset")]
    Templates(TemplatesArgs),
    /// Check a sealed edition or package: who sealed it, when, and whether it changed since
    ///
    /// Exit status: 0 valid, 1 invalid or modified, 2 could not check.
    Verify(VerifyArgs),
    /// Write the web edition: a static site to read, search and verify every
    /// built edition in the browser
    ///
    /// Publishes exactly what was sealed: each package under DIR is verified
    /// under --trust first, and its files are taken from it byte for byte.
    Site(SiteArgs),
    /// Renew a sealed edition's evidence for the archive: fresh revocation data
    /// and a new document timestamp, appended (PAdES B-LTA), or a package's
    /// next archive timestamp
    ///
    /// Run it before the last timestamp's authority certificate expires or its
    /// algorithms weaken. The file is extended in place; its earlier bytes are
    /// kept as they were, as are a package's files.
    Extend(ExtendArgs),
    /// Make certificates for trying gazette out (never for production)
    #[command(subcommand)]
    Certs(CertsCommand),
}

#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The issues: a folder holding issue.toml (or that file), or a folder of
    /// issue folders, e.g. a year's; several may be given
    #[arg(required = true, value_name = "ISSUE")]
    pub issues: Vec<PathBuf>,

    /// Build at most N issues at once (default: one per core; the
    /// RAYON_NUM_THREADS environment variable is honoured)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Print only the summary and the errors
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print each issue's stages as lines with the time each took, instead of
    /// progress bars
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub edition: EditionArgs,
}

/// Where an edition goes and what it is made with: shared by `build` and `watch`.
#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct EditionArgs {
    /// Where editions are written; each lands in a folder named by its id
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,

    /// Also use the fonts under DIR (e.g. the office's licensed official faces);
    /// may be given several times. System fonts are never used otherwise.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    /// Make no PDF of each document's own (documents/<id>-NN.pdf, sealed
    /// like the edition and cut from its pages), only the edition's
    #[arg(long = "no-document-pdfs")]
    pub no_document_pdfs: bool,

    #[command(flatten)]
    pub seal: SealArgs,
}

#[cfg(feature = "typeset")]
impl EditionArgs {
    /// The press that builds editions into `--out`, with `fonts` and the
    /// seal resolved from these options.
    pub fn press<'a>(
        &'a self,
        fonts: &'a FontSet,
        seal: &'a SealOptions,
        keys: &'a Keys,
    ) -> Press<'a> {
        Press {
            fonts,
            seal,
            keys,
            out: &self.out,
            document_pdfs: !self.no_document_pdfs,
        }
    }
}

#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The issue: a folder holding issue.toml, or that file
    pub issue: PathBuf,

    #[command(flatten)]
    pub edition: EditionArgs,
}

#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// The folder to write; it must not exist yet, or be empty
    pub folder: PathBuf,
}

#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new issue's folder; it must not exist yet, or be empty
    pub issue: PathBuf,

    /// Follow this previous issue (its folder or issue.toml): the same gazette,
    /// fonts and seal, and the next number
    #[arg(long, value_name = "PREVIOUS")]
    pub from: Option<PathBuf>,

    /// The publication date [default: today, in UTC]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = gazette::scaffold::parse_date)]
    pub date: Option<gazette::model::Date>,
}

#[cfg(feature = "typeset")]
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The Word files, in the order their documents are to be printed
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The issue: its folder, or its issue.toml
    #[arg(long, value_name = "ISSUE")]
    pub into: PathBuf,

    /// List the documents in the section with this title (a new section at
    /// the end if there is none) [default: the last section]
    #[arg(long, value_name = "TITLE")]
    pub section: Option<String>,
}

#[cfg(feature = "typeset")]
/// The seal identity, overriding the manifest's [seal] table.
#[derive(Debug, Args)]
pub struct SealArgs {
    /// The seal certificate chain (PEM, the seal's certificate first)
    #[arg(long = "seal-cert", value_name = "FILE")]
    pub certificates: Option<PathBuf>,

    /// The seal's private key: a PKCS#8 file (PEM or DER, may be encrypted), a
    /// PKCS#12 file, or a PKCS#11 URI (pkcs11:token=…;object=…?module-path=…).
    /// Passwords and PINs come from GAZETTE_KEY_PASSWORD / GAZETTE_PIN or a prompt.
    #[arg(long = "seal-key", value_name = "FILE|URI")]
    pub key: Option<String>,

    /// RSA keys only: the signature padding
    #[arg(long = "seal-rsa-padding", value_enum, default_value = "pkcs1")]
    pub rsa_padding: RsaPaddingArg,

    /// Time-stamp the seal at this RFC 3161 time-stamp authority (http:// or
    /// https://), instead of [seal] timestamp in the manifest; the PDF seal is
    /// then PAdES B-LTA unless --seal-level says otherwise
    #[arg(long = "tsa", value_name = "URL")]
    pub tsa: Option<String>,

    /// How far a time-stamped PDF seal is carried: B-T (time-stamped), B-LT
    /// (and revocation evidence), B-LTA (and a document timestamp) [default:
    /// [seal] level, else B-LTA]
    #[arg(long = "seal-level", value_name = "LEVEL", value_parser = clap::value_parser!(Level))]
    pub level: Option<Level>,

    /// Build without sealing, even when the manifest names a seal
    #[arg(long = "no-seal", conflicts_with_all = ["certificates", "key", "tsa", "level"])]
    pub no_seal: bool,
}

#[cfg(feature = "typeset")]
impl SealArgs {
    /// The seal the command line asks for, over the manifest's [seal].
    pub fn options(&self) -> SealOptions {
        SealOptions {
            key: self.key.clone(),
            certificates: self.certificates.clone(),
            rsa_padding: match self.rsa_padding {
                RsaPaddingArg::Pkcs1 => RsaPadding::Pkcs1,
                RsaPaddingArg::Pss => RsaPadding::Pss,
            },
            no_seal: self.no_seal,
            tsa: self.tsa.clone(),
            level: self.level,
        }
    }
}

#[cfg(feature = "typeset")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RsaPaddingArg {
    Pkcs1,
    Pss,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A sealed PDF, EPUB, or archival package (a .bag folder or .bag.zip),
    /// told apart by their first bytes
    pub file: PathBuf,

    /// Trust the certificates in FILE (PEM or DER) as anchors; may be given
    /// several times. Without it no seal is trusted.
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,

    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,

    /// Also report the file's conformance to the written format (docs/spec),
    /// rule by rule: kept, broken (with the codes that say so) or not
    /// checked by this verifier; for any producer's files
    #[arg(long)]
    pub conformance: bool,

    /// Judge the seals as of TIME instead of now (RFC 3339, e.g.
    /// 2031-06-01T00:00:00Z, or a date, 2031-06-01): a seal whose time a
    /// timestamp attests stays valid after its certificate expires
    #[arg(long, value_name = "TIME", value_parser = gazette::verify::parse_time)]
    pub at: Option<gazette::cms::UnixTime>,

    /// Fetch revocation data the file lacks from the OCSP responders and CRL
    /// servers its certificates name; without it, verifying never uses the
    /// network
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    /// The sealed PDF edition, or a package: a bag folder, its .bag.zip, or
    /// the edition folder holding both; extended in place
    pub file: PathBuf,

    /// The RFC 3161 time-stamp authority (http:// or https://) that stamps it
    #[arg(long, value_name = "URL")]
    pub tsa: String,

    /// Require every signature's and timestamp's certificates to lead to the
    /// roots in FILE (PEM or DER), which also complete chains the file lacks;
    /// may be given several times
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// Write an example root CA, intermediate and seal certificate, TEST ONLY
    Example {
        /// Where to write them
        #[arg(long, value_name = "DIR", default_value = "certs-example")]
        out: PathBuf,
        /// Name URL as where the CA certificates and CRLs are served (AIA caIssuers and
        /// CRL distribution points), and write them to DIR/published/
        #[arg(long, value_name = "URL")]
        publish: Option<String>,
        /// Name URL as the seal certificates' OCSP responder, and write the index
        /// `openssl ocsp` answers from
        #[arg(long, value_name = "URL")]
        ocsp: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The built editions: a folder searched for packages (*.bag.zip), such
    /// as a year's dist/
    #[arg(value_name = "DIR")]
    pub editions: PathBuf,

    /// Write the site here, replacing an earlier one only once it is complete
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub out: PathBuf,

    /// The root certificate the seals chain to (PEM or DER), which the verify
    /// page pins; may be given several times
    #[arg(long, value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
}
