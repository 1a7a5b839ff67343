//! What the benches that time gazette against other tools share: the sample
//! issue built into its edition by the `gazette` binary, and whether a
//! peer's tool is installed. Shared through `mod peers;`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The sample issue's edition id, which names its folder and files.
pub const EDITION: &str = "shanghai-gazette-2025-08";

/// Builds the sample into `out` with `extra` arguments, which must succeed;
/// the edition's folder.
pub fn build_sample(out: &Path, extra: &[&str]) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .arg(repo.join("samples").join(EDITION))
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("gazette runs");
    assert!(status.success(), "gazette build {extra:?} failed");
    out.join(EDITION)
}

/// Whether `tool` is a file in a folder on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}
