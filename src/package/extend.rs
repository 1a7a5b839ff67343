//! Renewing a package's evidence for an archive (`gazette extend`): the next
//! archive timestamp over the whole bag, with fresh revocation evidence for
//! manifest.json's seal and for every time-stamp authority so far, as new
//! tag files under `evidence/` (see [`super::evidence`]). Every file already
//! in the bag stays as it is; only the tag manifests are written again, so
//! the bag stays valid for any BagIt tool.
//!
//! As for a PDF ([`crate::seal::extend`]), evidence for the newest token's
//! authority chain must be had; for the seal's chain and older authorities',
//! already covered by that token, it is asked with best effort, and each
//! certificate without a current good answer is a note.
//!
//! A bag folder, a bag's zip, or an edition folder holding both can be
//! renewed. Everything new is written beside the old and renamed into place
//! once complete: an authority that fails leaves the package untouched.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::bag::{self, BagFile};
use super::evidence::{self, FOLDER};
use super::{PackageError, archive, bag_folder_name, cades, zip_name};
use crate::cms::UnixTime;
use crate::output::Staging;
use crate::relative_path;
use crate::revocation::{Collected, RevocationNote};
use crate::seal::Authorities;
use crate::seal::long_term::{self, chain_of};
use crate::timestamp::{TokenInfo, read_token};

/// manifest.json's seal in the bag.
const SEAL: &str = "data/manifest.json.p7s";

/// What one renewal added to a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewed {
    /// N of `evidence/archive-N.tsr`.
    pub number: usize,
    /// The time the new archive timestamp attests.
    pub time: UnixTime,
    /// The files added, paths relative to the bag folder, sorted.
    pub added: Vec<String>,
    /// One for each certificate outside the newest token's authority chain
    /// that has no current good evidence.
    pub notes: Vec<RevocationNote>,
}

/// A package on disk that was renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extended {
    /// The bag folder or zip written.
    pub path: PathBuf,
    pub renewed: Renewed,
}

/// The bag `files` (paths relative to the bag folder) with its next renewal
/// added, in the zip's order, tag manifests written again. `anchors` (DER)
/// complete chains the bag lacks a root of; given, every chain must lead to
/// one of them. Fails when the bag is not intact (its manifests disagree
/// with its files), not sealed, or an authority fails.
pub fn renew(
    files: Vec<BagFile>,
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<(Vec<BagFile>, Renewed), PackageError> {
    bag::check_fixity(&files).map_err(|why| {
        PackageError::Extend(format!(
            "the bag is not intact ({why}): renewing it would time-stamp damaged files, which an \
             archive must not do (LTP-11); check it with `gazette verify` or `bagit.py --validate`"
        ))
    })?;
    let number = next_number(&files)?;
    let chains = chains(&files, number, anchors)?;
    if let Some(why) = long_term::unanchored(&chains.chains, anchors) {
        return Err(PackageError::Extend(why));
    }
    let Collected {
        evidence: revocation,
        notes,
    } = chains.gather(authorities)?;
    let renewal = evidence::renew(&files, number, &revocation, authorities, &chains.pool).map_err(
        |error| match error {
            PackageError::Revocation(why) => unobtainable(why),
            PackageError::Timestamp(why) => PackageError::Extend(format!(
                "cannot time-stamp the package: {why}; nothing was written, the package is left \
                 as it was (LTP-13)"
            )),
            other => other,
        },
    )?;
    let mut added: Vec<String> = renewal.files.iter().map(|(path, _)| path.clone()).collect();
    added.sort();
    let mut files = files;
    files.extend(renewal.files);
    Ok((
        bag::tagged(files),
        Renewed {
            number,
            time: renewal.token.time,
            added,
            notes,
        },
    ))
}

/// The certificate chains a renewal gathers evidence for.
struct Chains {
    /// Each from its end entity up: the seal's first.
    chains: Vec<Vec<Vec<u8>>>,
    /// Those whose evidence must be had: the newest token's authority's,
    /// or all when the bag holds no token.
    required: Vec<Vec<Vec<u8>>>,
    /// Every certificate that completed them.
    pool: Vec<Vec<u8>>,
}

impl Chains {
    /// The evidence for the required chains, and for the others what can
    /// be had.
    fn gather(&self, authorities: &dyn Authorities) -> Result<Collected, PackageError> {
        long_term::collect_renewal(authorities, &self.chains, &self.required).map_err(unobtainable)
    }
}

/// Evidence a renewal must have and cannot get: the renewal fails before it
/// writes anything (LTP-4).
fn unobtainable(why: String) -> PackageError {
    PackageError::Extend(format!(
        "cannot gather the revocation evidence the renewal needs ({why}), so the package is \
         left as it was (LTP-4); try again when the authorities answer"
    ))
}

/// The chains renewal `number` of the bag `files` gathers evidence for:
/// the seal's, and the authority's of every token so far (the seal's
/// signature time-stamp, archive-1 … archive-(N-1)), completed from
/// `anchors` and the certificates the bag holds.
fn chains(files: &[BagFile], number: usize, anchors: &[Vec<u8>]) -> Result<Chains, PackageError> {
    let seal = bag_file(files, SEAL).ok_or_else(|| {
        PackageError::Extend(format!(
            "the package is not sealed (it has no {SEAL}): it has no evidence to renew, and an \
             archive renews only sealed packages (LTP-12)"
        ))
    })?;
    let seal = cades::read_seal(seal)
        .map_err(|why| PackageError::Extend(format!("{SEAL} cannot be read: {why}")))?;
    let mut tokens: Vec<(String, &[u8])> = seal
        .tokens
        .iter()
        .map(|token| (format!("the time-stamp in {SEAL}"), token.as_slice()))
        .collect();
    for earlier in 1..number {
        let path = evidence::archive_token(earlier);
        let token = bag_file(files, &path).unwrap_or_default();
        tokens.push((path, token));
    }
    let tokens = tokens
        .iter()
        .map(|(name, der)| {
            read_token(der).map_err(|e| PackageError::Extend(format!("{name}: {e}")))
        })
        .collect::<Result<Vec<TokenInfo>, _>>()?;

    let mut pool: Vec<Vec<u8>> = anchors.to_vec();
    pool.extend(seal.certificates.iter().cloned());
    pool.extend(tokens.iter().flat_map(|t| t.token.tsa_certificates.clone()));
    pool.extend(evidence_certificates(files));
    let mut chains = vec![chain_of(&seal.signer, &pool)];
    let mut newest = None;
    for token in &tokens {
        let authority = token.signer_certificate().ok_or_else(|| {
            PackageError::Extend(
                "a time-stamp token in the package does not carry its authority's certificate"
                    .into(),
            )
        })?;
        let chain = chain_of(authority, &pool);
        if newest
            .as_ref()
            .is_none_or(|(time, _)| token.token.time >= *time)
        {
            newest = Some((token.token.time, chain.clone()));
        }
        if !chains.contains(&chain) {
            chains.push(chain);
        }
    }
    let required = match newest {
        Some((_, chain)) => vec![chain],
        None => chains.clone(),
    };
    Ok(Chains {
        chains,
        required,
        pool,
    })
}

/// The N of the next renewal: one after the last archive timestamp, which
/// must be numbered 1, 2, … without a gap.
fn next_number(files: &[BagFile]) -> Result<usize, PackageError> {
    let mut numbers: Vec<usize> = files
        .iter()
        .filter_map(|(path, _)| {
            path.strip_prefix(FOLDER)?
                .strip_prefix("archive-")?
                .strip_suffix(".tsr")?
                .parse()
                .ok()
        })
        .collect();
    numbers.sort_unstable();
    if numbers.iter().enumerate().any(|(i, &n)| n != i + 1) {
        return Err(PackageError::Extend(format!(
            "the bag's archive timestamps are numbered {numbers:?}, not 1, 2, … without a gap: \
             its evidence is incomplete"
        )));
    }
    Ok(numbers.len() + 1)
}

fn bag_file<'a>(files: &'a [BagFile], path: &str) -> Option<&'a [u8]> {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, bytes)| bytes.as_slice())
}

/// The certificates earlier renewals stored as evidence.
fn evidence_certificates(files: &[BagFile]) -> Vec<Vec<u8>> {
    files
        .iter()
        .filter(|(path, _)| {
            path.starts_with(FOLDER)
                && path
                    .rsplit('/')
                    .next()
                    .is_some_and(|name| name.starts_with("cert-") && name.ends_with(".der"))
        })
        .map(|(_, bytes)| bytes.clone())
        .collect()
}

/// Renews the package at `path`: a bag folder (holding `bagit.txt`), or an
/// edition folder holding `<id>.bag` and `<id>.bag.zip`, where `<id>` is
/// the folder's name. When the edition's folder and zip hold the same bag,
/// one renewal is written to both, so they stay the same; otherwise each is
/// renewed on its own.
pub fn extend_folder(
    path: &Path,
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<Vec<Extended>, PackageError> {
    if path.join("bagit.txt").is_file() {
        let files = read_folder(path)?;
        let (renewed_files, renewed) = renew(files, authorities, anchors)?;
        write_folder(path, &renewed_files)?;
        return Ok(vec![Extended {
            path: path.to_owned(),
            renewed,
        }]);
    }
    let id = path
        .canonicalize()
        .map_err(|e| io_error(path, "read", e))?
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path.join(bag_folder_name(&id));
    let zip = path.join(zip_name(&id));
    let (has_folder, has_zip) = (folder.is_dir(), zip.is_file());
    if !has_folder && !has_zip {
        return Err(PackageError::Extend(format!(
            "{} is neither a bag (it has no bagit.txt) nor an edition folder (it has no {} or {})",
            path.display(),
            bag_folder_name(&id),
            zip_name(&id)
        )));
    }
    let folder_files = has_folder.then(|| read_folder(&folder)).transpose()?;
    let zipped = has_zip.then(|| read_zip(&zip)).transpose()?;
    edition_renewals(folder_files, zipped, authorities, anchors)?.write(&folder, &zip)
}

/// The renewals of an edition's bag folder and zip, made before either is
/// written.
struct EditionRenewals {
    folder: Option<(Vec<BagFile>, Renewed)>,
    zip: Option<(ReadZip, Vec<BagFile>, Renewed)>,
}

/// A bag's zip as read: its bytes, which a renewal keeps (LTP-10), and
/// what it holds, in its order.
struct ReadZip {
    bytes: Vec<u8>,
    unzipped: archive::Unzipped,
}

fn edition_renewals(
    folder: Option<Vec<BagFile>>,
    zipped: Option<ReadZip>,
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<EditionRenewals, PackageError> {
    let same = match (&folder, &zipped) {
        (Some(files), Some(read)) => same_files(files, &read.unzipped.files),
        _ => false,
    };
    let folder = folder
        .map(|files| renew(files, authorities, anchors))
        .transpose()?;
    let zip = match (zipped, &folder) {
        (Some(read), Some((files, renewed))) if same => {
            Some((read, files.clone(), renewed.clone()))
        }
        (Some(read), _) => {
            let (files, renewed) = renew(read.unzipped.files.clone(), authorities, anchors)?;
            Some((read, files, renewed))
        }
        (None, _) => None,
    };
    Ok(EditionRenewals { folder, zip })
}

impl EditionRenewals {
    /// Writes the zip first (one rename), then the folder.
    fn write(self, folder: &Path, zip: &Path) -> Result<Vec<Extended>, PackageError> {
        let mut extended = Vec::new();
        if let Some((read, files, renewed)) = self.zip {
            write_zip(zip, &read, &files)?;
            extended.push(Extended {
                path: zip.to_owned(),
                renewed,
            });
        }
        if let Some((files, renewed)) = self.folder {
            write_folder(folder, &files)?;
            extended.push(Extended {
                path: folder.to_owned(),
                renewed,
            });
        }
        Ok(extended)
    }
}

fn same_files(a: &[BagFile], b: &[BagFile]) -> bool {
    sorted(a) == sorted(b)
}

fn sorted(files: &[BagFile]) -> Vec<&BagFile> {
    let mut sorted: Vec<&BagFile> = files.iter().collect();
    sorted.sort();
    sorted
}

/// Renews the bag's zip at `path`: its entries kept where they are, the
/// new ones added after them (see [`archive::renewed`]), and the whole
/// renamed over the old one.
pub fn extend_zip(
    path: &Path,
    authorities: &dyn Authorities,
    anchors: &[Vec<u8>],
) -> Result<Extended, PackageError> {
    let read = read_zip(path)?;
    let (files, renewed) = renew(read.unzipped.files.clone(), authorities, anchors)?;
    write_zip(path, &read, &files)?;
    Ok(Extended {
        path: path.to_owned(),
        renewed,
    })
}

fn io_error(path: &Path, what: &str, error: impl std::fmt::Display) -> PackageError {
    PackageError::Extend(format!("cannot {what} {}: {error}", path.display()))
}

fn read_zip(path: &Path) -> Result<ReadZip, PackageError> {
    let bytes = fs::read(path).map_err(|e| io_error(path, "read", e))?;
    let unzipped = archive::unzip(&bytes).map_err(|why| {
        PackageError::Extend(format!("{} is not a bag's zip: {why}", path.display()))
    })?;
    Ok(ReadZip { bytes, unzipped })
}

/// Every file under `folder`, paths relative to it with `/`. A link is
/// refused: the bag would hold what it points at, and the renewal would
/// write a copy in its place.
fn read_folder(folder: &Path) -> Result<Vec<BagFile>, PackageError> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.map_err(|e| io_error(folder, "read", e))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(folder)
            .map_err(|e| io_error(entry.path(), "read", e))?;
        let path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !entry.file_type().is_file() {
            return Err(PackageError::Extend(format!(
                "{} is a link or a special file, which a bag does not hold",
                entry.path().display()
            )));
        }
        relative_path::check(&path)
            .map_err(|why| PackageError::Extend(format!("the bag's file {path} {why}")))?;
        let bytes = fs::read(entry.path()).map_err(|e| io_error(entry.path(), "read", e))?;
        files.push((path, bytes));
    }
    Ok(files)
}

/// Writes `files` as the bag folder `folder`, staged beside it and renamed
/// into place, with the old folder's permissions.
fn write_folder(folder: &Path, files: &[BagFile]) -> Result<(), PackageError> {
    let cannot = |e: io::Error| io_error(folder, "write", e);
    let parent = folder
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| PackageError::Extend(format!("{} names no folder", folder.display())))?;
    let permissions = fs::metadata(folder).map_err(cannot)?.permissions();
    let staging = Staging::new(parent, &name).map_err(cannot)?;
    for (path, bytes) in files {
        staging.write(path, bytes).map_err(cannot)?;
    }
    let placed = staging.publish().map_err(cannot)?;
    fs::set_permissions(placed, permissions).map_err(cannot)
}

/// Writes the zip `read` renewed to hold `files` beside `path`, then
/// renames it over `path`, keeping the old file's permissions.
fn write_zip(path: &Path, read: &ReadZip, files: &[BagFile]) -> Result<(), PackageError> {
    let cannot = |e: io::Error| io_error(path, "write", e);
    let bytes = archive::renewed(&read.bytes, &read.unzipped, files).map_err(|why| {
        PackageError::Extend(format!(
            "{} cannot be renewed in place: {why}, and a renewal must keep every earlier entry \
             as it is (LTP-10); unzip it and renew the bag folder instead",
            path.display()
        ))
    })?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = fs::metadata(path).map_err(cannot)?.permissions();
    let mut staged = tempfile::NamedTempFile::new_in(folder).map_err(cannot)?;
    staged.write_all(&bytes).map_err(cannot)?;
    staged.as_file().sync_all().map_err(cannot)?;
    staged
        .as_file()
        .set_permissions(permissions)
        .map_err(cannot)?;
    staged.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}
