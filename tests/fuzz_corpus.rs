//! The fuzz corpus (fuzz/corpus/<target>/) replayed through the fuzz
//! targets' own entry points, so that every input the fuzzer kept, and every
//! one that once crashed the verifier, is a regression test on stable Rust
//! without cargo-fuzz. See fuzz/README.md.

use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../fuzz/src/lib.rs"]
mod entries;

use crate::support::repo;

/// libFuzzer's `-timeout` in the fuzz runs: an input slower than this is a
/// hang there, and so it is here.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs every file of the target's corpus through `entry`; a panic fails
/// the test, as does an input slower than [`TIMEOUT`].
fn replay(target: &str, entry: fn(&[u8])) {
    let folder = repo().join("fuzz/corpus").join(target);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no input", folder.display());
    for input in &inputs {
        let bytes = std::fs::read(input).expect("corpus file");
        let start = Instant::now();
        entry(&bytes);
        let took = start.elapsed();
        assert!(
            took < TIMEOUT,
            "{} took {took:?}, a hang for the fuzzer",
            input.display()
        );
    }
}

#[test]
fn verify_pdf() {
    replay("verify_pdf", entries::verify_pdf);
}

#[test]
fn cms() {
    replay("cms", entries::cms);
}

#[test]
fn timestamp_token() {
    replay("timestamp_token", entries::timestamp_token);
}

#[test]
fn verify_epub() {
    replay("verify_epub", entries::verify_epub);
}

#[test]
fn verify_package() {
    replay("verify_package", entries::verify_package);
}
