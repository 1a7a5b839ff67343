//! What `gazette verify` is given, read: the file or folder to check, told
//! apart by its first bytes rather than its name, and the trust anchors.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::cms::{self, CmsError};
use crate::epub::{CONTAINER_PATH, MIMETYPE_PATH};

use super::{Options, Policy, Report, verify_epub, verify_package_under, verify_pdf_under};

/// Files larger than this are not read into memory: no edition is this big.
const MAX_FILE: u64 = 1 << 30;

/// Why nothing could be checked.
#[derive(Debug)]
pub enum CannotCheck {
    /// The file to check could not be read.
    Read { path: PathBuf, error: io::Error },
    /// The file is larger than any edition.
    TooLarge { path: PathBuf, size: u64 },
    /// A trust anchors file could not be read.
    ReadAnchors { path: PathBuf, error: io::Error },
    /// A trust anchors file holds no certificate.
    NoAnchor { path: PathBuf, error: CmsError },
}

impl fmt::Display for CannotCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CannotCheck::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            CannotCheck::TooLarge { path, size } => write!(
                f,
                "{} is {size} bytes, more than any edition: not checked",
                path.display()
            ),
            CannotCheck::ReadAnchors { path, error } => write!(
                f,
                "cannot read the trust anchors in {}: {error}",
                path.display()
            ),
            CannotCheck::NoAnchor { path, error } => {
                write!(f, "{} holds no usable certificate: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for CannotCheck {}

impl Options {
    /// Trusting the certificates in `files` (PEM or DER) as anchors.
    pub fn trusting(files: &[PathBuf]) -> Result<Options, CannotCheck> {
        let mut anchors = Vec::new();
        for path in files {
            let bytes = std::fs::read(path).map_err(|error| CannotCheck::ReadAnchors {
                path: path.clone(),
                error,
            })?;
            let certificates =
                cms::load_pem_certificates(&bytes).map_err(|error| CannotCheck::NoAnchor {
                    path: path.clone(),
                    error,
                })?;
            anchors.extend(certificates);
        }
        Ok(Options { anchors })
    }
}

/// Checks whatever `path` holds: a folder or any other ZIP is a package, a
/// ZIP that starts with `mimetype` (or holds it, or an OCF container, at its
/// top) an EPUB, anything else a PDF; seals are judged over time as of now,
/// offline.
pub fn verify_path(path: &Path, options: &Options) -> Result<Report, CannotCheck> {
    verify_path_under(path, options, Policy::default())
}

/// [`verify_path`], judging seals over time by `policy`.
pub fn verify_path_under(
    path: &Path,
    options: &Options,
    policy: Policy,
) -> Result<Report, CannotCheck> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Ok(verify_package_under(path, options, policy));
    }
    let unreadable = |error| CannotCheck::Read {
        path: path.to_path_buf(),
        error,
    };
    let mut head = [0u8; 38];
    let read = File::open(path)
        .and_then(|mut file| file.read(&mut head))
        .map_err(unreadable)?;
    let head = &head[..read];
    let is_zip = head.starts_with(b"PK\x03\x04");
    if is_zip && head.get(30..38) != Some(MIMETYPE_PATH.as_bytes()) && !holds_an_epub(path) {
        return Ok(verify_package_under(path, options, policy));
    }
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE {
        return Err(CannotCheck::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Ok(if is_zip {
        verify_epub(&name, &bytes, options)
    } else {
        verify_pdf_under(&name, &bytes, options, policy)
    })
}

/// Whether the ZIP at `path` is an EPUB whose `mimetype` is not its first
/// entry, as OCF asks: it holds `mimetype` or `META-INF/container.xml`, which
/// a package (everything under one `<id>.bag/` folder) never does at its top.
/// Judged by the central directory alone; a ZIP that cannot be read is left
/// to the package check, which says why.
fn holds_an_epub(path: &Path) -> bool {
    let Ok(archive) = File::open(path).map(zip::ZipArchive::new) else {
        return false;
    };
    archive.is_ok_and(|archive| {
        archive
            .file_names()
            .flatten()
            .any(|name| name == MIMETYPE_PATH || name == CONTAINER_PATH)
    })
}
