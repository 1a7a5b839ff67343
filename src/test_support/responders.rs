//! The test PKI's responders, started for real: certomancer serving a
//! time-stamp authority, an OCSP responder and CRLs on localhost through
//! tests/pki/responders.sh, stopped when the value is dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::available;
use crate::revocation::{RevocationError, RevocationNote};

/// A running test PKI. Its folder holds the certificates (`certs/NAME.cert.pem`)
/// and keys (`keys/NAME.key.pem`) of root, interm, interm-ocsp, seal,
/// seal-revoked, tsa and tsa-noeku.
pub(crate) struct Responders {
    dir: TempDir,
    env: HashMap<String, String>,
}

impl Responders {
    /// Starts the responders, answering as of now or as of `fake_time` (ISO
    /// 8601). `None` when certomancer is not installed: the test skips, or
    /// fails under GAZETTE_REQUIRE_TOOLS=1.
    pub(crate) fn start(fake_time: Option<&str>) -> Option<Responders> {
        let dir = TempDir::new().expect("a temporary folder");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/responders.sh");
        let mut command = Command::new("bash");
        command.arg(&script).arg("start").arg(dir.path());
        command.args(fake_time);
        let output = command.output().expect("bash runs");
        if output.status.code() == Some(3) {
            available(false, "certomancer (pip install 'certomancer[web-api]')");
            return None;
        }
        assert!(
            output.status.success(),
            "the responders did not start: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text =
            std::fs::read_to_string(dir.path().join("env")).expect("responders.sh wrote env");
        let env = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        Some(Responders { dir, env })
    }

    /// A URL from tests/pki/responders.sh's env: TSA_URL, TSA_NOEKU_URL,
    /// TSA_REVOKED_URL, OCSP_URL or PKI_URL.
    pub(crate) fn url(&self, name: &str) -> &str {
        &self.env[name]
    }

    /// From now on, the responders answer as of `fake_time` (ISO 8601), or
    /// of the present for `None`: a seal made then, renewed later, with the
    /// same URLs in its certificates.
    pub(crate) fn answer_as_of(&self, fake_time: Option<&str>) {
        std::fs::write(self.dir.path().join("clock"), fake_time.unwrap_or_default())
            .expect("the clock file is written");
    }

    /// A file of the running PKI: `certs/NAME.cert.pem` or `keys/NAME.key.pem`
    /// for NAME root, interm, interm-ocsp, seal, seal-revoked, tsa, tsa-noeku.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }
}

impl Drop for Responders {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/responders.sh");
        let _ = Command::new("bash")
            .arg(script)
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

/// The certificates that a renewal's `notes` found no evidence for, sorted
/// and each once; every note must be of unavailable evidence, each attempt
/// naming `gone`, the URL of responders that were stopped.
pub(crate) fn unavailable_in(notes: &[RevocationNote], gone: &str) -> Vec<String> {
    let mut named: Vec<String> = notes
        .iter()
        .map(|note| match &note.0 {
            RevocationError::Unavailable {
                certificate,
                attempts,
            } => {
                assert!(attempts.iter().all(|a| a.contains(gone)), "{note}");
                certificate.clone()
            }
            other => panic!("not a note of unavailable evidence: {other}"),
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    named
}
