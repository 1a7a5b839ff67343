//! Putting an edition in place: everything is written into a staging folder
//! next to the destination and renamed into place at the end, so a failed build
//! leaves no half-written edition and keeps the previous one.

use std::io;
use std::path::{Path, PathBuf};

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

    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.dir.path().join(name), bytes)
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
    fn an_abandoned_staging_leaves_nothing() {
        let out = tempfile::tempdir().unwrap();
        let staging = Staging::new(out.path(), "e").unwrap();
        staging.write("e.pdf", b"partial").unwrap();
        drop(staging);
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }
}
