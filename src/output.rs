//! Putting an edition, a new issue or a templates folder in place: everything
//! is written into a staging folder next to the destination and renamed into
//! place at the end, so a failure leaves nothing half-written and keeps the
//! previous edition.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::relative_path;

/// Whether `folder` may be written as a new folder: it does not exist, or is
/// an empty folder (not a link to one). `Err` says why not.
pub fn vacant(folder: &Path) -> Result<(), Occupied> {
    match std::fs::symlink_metadata(folder) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(Occupied::Unchecked(error)),
        Ok(meta) if meta.is_dir() => match std::fs::read_dir(folder).map(|mut e| e.next()) {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err(Occupied::NotEmpty),
            Err(error) => Err(Occupied::Unreadable(error)),
        },
        Ok(_) => Err(Occupied::NotAFolder),
    }
}

/// Why a folder cannot be written as a new one.
#[derive(Debug)]
pub enum Occupied {
    NotEmpty,
    NotAFolder,
    /// Whether something is there could not be told.
    Unchecked(io::Error),
    /// It is a folder, but its content could not be listed.
    Unreadable(io::Error),
}

impl fmt::Display for Occupied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Occupied::NotEmpty => f.write_str("the folder already exists and is not empty"),
            Occupied::NotAFolder => f.write_str("already exists and is not a folder"),
            Occupied::Unchecked(error) => write!(f, "cannot check the folder: {error}"),
            Occupied::Unreadable(error) => write!(f, "cannot read the folder: {error}"),
        }
    }
}

impl std::error::Error for Occupied {}

/// An edition being written.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    /// Stages the edition that will land at `out/id`.
    pub fn new(out: &Path, id: &str) -> io::Result<Self> {
        std::fs::create_dir_all(out)?;
        let dir = tempfile::Builder::new()
            .prefix(".gazette-staging-")
            .tempdir_in(out)?;
        Ok(Self {
            dir,
            target: out.join(id),
        })
    }

    /// Writes `name`, a `/`-separated path inside the edition folder such as
    /// `e.bag/data/manifest.json`, creating its folders. A path that could
    /// land outside the staging folder, or elsewhere on another system, is
    /// refused.
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        write_inside(self.dir.path(), name, bytes)
    }

    /// Writes `name` as a second name of the staged file `twin`, which the
    /// caller knows holds the same `bytes`: creating a file is most of the
    /// cost of writing one, and a package repeats every edition file. Where
    /// the file system has no hard links the bytes are written instead.
    pub fn write_twin(&self, name: &str, twin: &str, bytes: &[u8]) -> io::Result<()> {
        let path = inside(self.dir.path(), name)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let twin = inside(self.dir.path(), twin)?;
        match std::fs::hard_link(&twin, &path) {
            Ok(()) => Ok(()),
            Err(_) => std::fs::write(path, bytes),
        }
    }

    /// Moves the staged edition into place, replacing an earlier one only once
    /// the new one is complete.
    pub fn publish(self) -> io::Result<PathBuf> {
        let staged = self.dir.keep();
        if self.target.exists() {
            let old = tempfile::Builder::new()
                .prefix(".gazette-old-")
                .tempdir_in(staged.parent().unwrap_or(Path::new(".")))?
                .keep();
            std::fs::rename(&self.target, old.join("edition"))?;
            if let Err(error) = std::fs::rename(&staged, &self.target) {
                std::fs::rename(old.join("edition"), &self.target)?;
                let _ = std::fs::remove_dir_all(&staged);
                return Err(error);
            }
            std::fs::remove_dir_all(old)?;
        } else if let Err(error) = std::fs::rename(&staged, &self.target) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(error);
        }
        Ok(self.target)
    }
}

/// Writes `files` (`/`-separated paths) as the new folder `folder`: into a
/// staging folder beside it first, then renamed into place, so a failure
/// leaves nothing behind. An empty folder already at `folder` is replaced.
pub fn write_new_folder<'a>(
    folder: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> io::Result<()> {
    let parent = match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)?;
    let staging = staging_folder(parent)?;
    for (name, bytes) in files {
        write_inside(staging.path(), name, bytes)?;
    }
    let staged = staging.keep();
    let placed = if folder.is_dir() {
        // Fails, keeping the folder, if something was put in it meanwhile.
        std::fs::remove_dir(folder).and_then(|()| {
            std::fs::rename(&staged, folder).inspect_err(|_| {
                let _ = std::fs::create_dir(folder);
            })
        })
    } else {
        std::fs::rename(&staged, folder)
    };
    if placed.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    placed
}

/// Writes `name`, a `/`-separated path inside `folder`, creating its
/// folders. A path that could land outside `folder`, or elsewhere on another
/// system, is refused.
fn write_inside(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let path = inside(folder, name)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

/// The path of `name`, a `/`-separated path inside `folder`; refused if it
/// could land outside `folder`, or elsewhere on another system.
fn inside(folder: &Path, name: &str) -> io::Result<PathBuf> {
    if let Err(why) = relative_path::check(name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("\"{name}\" is not a relative path inside the folder: it {why}"),
        ));
    }
    Ok(name
        .split('/')
        .fold(folder.to_path_buf(), |path, segment| path.join(segment)))
}

/// A hidden temporary folder in `parent`, with the permissions an ordinary
/// new folder gets (tempfile's default is private to the owner).
fn staging_folder(parent: &Path) -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gazette-new-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    builder.tempdir_in(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_an_earlier_edition_and_leaves_no_staging_behind() {
        let out = tempfile::tempdir().unwrap();
        for content in ["first", "second"] {
            let staging = Staging::new(out.path(), "e").unwrap();
            staging.write("e.pdf", content.as_bytes()).unwrap();
            staging.publish().unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(out.path().join("e/e.pdf")).unwrap(),
            "second"
        );
        let names: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["e"]);
    }

    #[test]
    fn a_twin_holds_the_bytes_of_its_file_and_is_refused_outside_the_edition() {
        let out = tempfile::tempdir().unwrap();
        let staging = Staging::new(out.path(), "e").unwrap();
        staging.write("e.pdf", b"%PDF").unwrap();
        staging
            .write_twin("e.bag/data/edition/e.pdf", "e.pdf", b"%PDF")
            .unwrap();
        // No file to be a twin of: the bytes are written all the same.
        staging
            .write_twin("e.bag/data/edition/e.epub", "e.epub", b"PK")
            .unwrap();
        for bad in ["../x", "/etc/x"] {
            let error = staging.write_twin(bad, "e.pdf", b"x").unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}");
            let error = staging.write_twin("e.bag/x", bad, b"x").unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
        let edition = staging.publish().unwrap();
        let read = |name: &str| std::fs::read(edition.join(name)).unwrap();
        assert_eq!(read("e.bag/data/edition/e.pdf"), b"%PDF");
        assert_eq!(read("e.bag/data/edition/e.epub"), b"PK");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let inode = |name: &str| std::fs::metadata(edition.join(name)).unwrap().ino();
            assert_eq!(inode("e.pdf"), inode("e.bag/data/edition/e.pdf"));
        }
    }

    #[test]
    fn writes_into_subfolders_and_refuses_paths_that_leave_the_edition() {
        let out = tempfile::tempdir().unwrap();
        let staging = Staging::new(out.path(), "e").unwrap();
        staging.write("e.bag/data/source/a.md", b"text").unwrap();
        for bad in ["../x", "/etc/x", "a//b", "a/./b", "a\\..\\b", ""] {
            let error = staging.write(bad, b"x").unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
        staging.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.path().join("e/e.bag/data/source/a.md")).unwrap(),
            "text"
        );
        assert!(!out.path().join("x").exists());
    }

    #[test]
    fn an_abandoned_staging_leaves_nothing() {
        let out = tempfile::tempdir().unwrap();
        let staging = Staging::new(out.path(), "e").unwrap();
        staging.write("e.pdf", b"partial").unwrap();
        drop(staging);
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }
}
