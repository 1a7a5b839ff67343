//! Second opinions from standard tools, which is how archives will check the
//! package: bagit-python validates the bag folder and the unzipped zip,
//! `sha256sum -c` reads the manifest, `openssl cms -verify` checks
//! manifest.json's signature against the example root. Each also has to
//! refuse a tampered copy.
//!
//! Skipped with a note when a tool is missing, unless GAZETTE_REQUIRE_TOOLS=1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::support::Fixture;
use crate::package::{Package, bag_folder_name, zip_name};
use crate::test_support::keys::example_dir;
use crate::test_support::tool_available;

/// The package written out as `gazette build` does: the bag folder and the zip.
pub(super) struct Written {
    _dir: tempfile::TempDir,
    pub bag: PathBuf,
    pub zip: PathBuf,
}

pub(super) fn write_out(fixture: &Fixture, package: &Package) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join(bag_folder_name(&fixture.edition.id));
    for (path, bytes) in &package.files {
        let target = bag.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    let zip = dir.path().join(zip_name(&fixture.edition.id));
    std::fs::write(&zip, &package.zip).unwrap();
    Written {
        _dir: dir,
        bag,
        zip,
    }
}

pub(super) fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the tool runs");
    eprintln!(
        "{command:?}: {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Whether Python can import bagit; the same skip rule as other tools.
pub(super) fn bagit_available() -> bool {
    let importable = tool_available("python3")
        && Command::new("python3")
            .args(["-c", "import bagit"])
            .output()
            .is_ok_and(|output| output.status.success());
    crate::test_support::available(importable, "Python's bagit (pip install bagit)")
        && tool_available("bagit.py")
}

/// bagit-python's verdict on the bag at `dir`: its BagIt version when valid.
fn bagit_python(dir: &Path) -> Output {
    let script = "import sys, bagit\nb = bagit.Bag(sys.argv[1])\nb.validate()\nprint(b.version)";
    run(Command::new("python3").args(["-c", script]).arg(dir))
}

pub(super) fn assert_valid_bag(dir: &Path) {
    let output = bagit_python(dir);
    assert!(
        output.status.success(),
        "bagit-python refused {}",
        dir.display()
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "1.0");
    let output = run(Command::new("bagit.py").arg("--validate").arg(dir));
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is valid"));
}

#[test]
fn bagit_python_validates_the_folder_and_the_unzipped_zip() {
    if !bagit_available() {
        return;
    }
    let fixture = Fixture::sealed("seal-rsa-chain.pem");
    let package = fixture.build(Some("seal-rsa.key.pem"));
    let written = write_out(&fixture, &package);
    assert_valid_bag(&written.bag);

    // Unzipped by Python's own zipfile, not by the crate that wrote it.
    let unzipped = tempfile::tempdir().unwrap();
    let output = run(Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&written.zip)
        .arg(unzipped.path()));
    assert!(output.status.success());
    let top: Vec<_> = std::fs::read_dir(unzipped.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(top, [bag_folder_name(&fixture.edition.id).as_str()]);
    assert_valid_bag(&unzipped.path().join(bag_folder_name(&fixture.edition.id)));

    let pdf = written
        .bag
        .join(format!("data/edition/{}.pdf", fixture.edition.id));
    let mut altered = std::fs::read(&pdf).unwrap();
    altered[0] ^= 1; // Same size, so the Payload-Oxum still fits and the digests must catch it.
    std::fs::write(&pdf, altered).unwrap();
    let output = bagit_python(&written.bag);
    assert!(
        !output.status.success(),
        "an altered payload file must fail"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains(".pdf"));
}

#[test]
fn python_zipfile_sees_no_extra_fields_and_the_issue_date() {
    if !tool_available("python3") {
        return;
    }
    let fixture = Fixture::sample();
    let package = fixture.build(None);
    let written = write_out(&fixture, &package);
    let script = "import sys, zipfile\n\
                  for i in zipfile.ZipFile(sys.argv[1]).infolist():\n    \
                  print(i.filename, i.compress_type, '%04d-%02d-%02dT%02d:%02d:%02d' % i.date_time, \
                  oct(i.external_attr >> 16), len(i.extra))";
    let output = run(Command::new("python3")
        .args(["-c", script])
        .arg(&written.zip));
    assert!(output.status.success());
    let listing = String::from_utf8(output.stdout).unwrap();
    let stamp = format!("{}T00:00:00", fixture.edition.issue.date.iso());
    assert_eq!(listing.lines().count(), package.files.len());
    for line in listing.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields[2..], [stamp.as_str(), "0o100644", "0"], "{line}");
    }
}

#[test]
fn sha256sum_and_sha512sum_accept_the_manifests() {
    if !tool_available("sha256sum") || !tool_available("sha512sum") {
        return;
    }
    let fixture = Fixture::sample();
    let package = fixture.build(None);
    let written = write_out(&fixture, &package);
    for (tool, manifest) in [
        ("sha256sum", "manifest-sha256.txt"),
        ("sha512sum", "manifest-sha512.txt"),
        ("sha256sum", "tagmanifest-sha256.txt"),
        ("sha512sum", "tagmanifest-sha512.txt"),
    ] {
        let output = run(Command::new(tool)
            .args(["--check", "--strict", manifest])
            .current_dir(&written.bag));
        assert!(output.status.success(), "{tool} --check {manifest}");
    }
}

/// `openssl cms -verify` on the bag's signature, with the certificate chain
/// checked at the issue date 00:00 +08:00.
fn openssl_verify(bag: &Path, attime: i64) -> Output {
    run(Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-content")
        .arg(bag.join("data/manifest.json"))
        .arg("-in")
        .arg(bag.join("data/manifest.json.p7s"))
        .arg("-CAfile")
        .arg(example_dir().join("root.pem"))
        .args(["-attime", &attime.to_string(), "-out", "/dev/null"]))
}

#[test]
fn openssl_verifies_the_signature_over_manifest_json() {
    if !tool_available("openssl") {
        return;
    }
    // 2025-08-15T00:00:00+08:00, the sample's issue date.
    let issue_time = 1_755_187_200;
    for (chain, key) in [
        ("seal-chain.pem", "seal.key.pem"),
        ("seal-rsa-chain.pem", "seal-rsa.key.pem"),
    ] {
        let fixture = Fixture::sealed(chain);
        let package = fixture.build(Some(key));
        let written = write_out(&fixture, &package);
        let output = openssl_verify(&written.bag, issue_time);
        assert!(output.status.success(), "{key}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("Verification successful"));

        let manifest = written.bag.join("data/manifest.json");
        let mut altered = std::fs::read(&manifest).unwrap();
        altered.extend_from_slice(b" ");
        std::fs::write(&manifest, altered).unwrap();
        let output = openssl_verify(&written.bag, issue_time);
        assert!(
            !output.status.success(),
            "an altered manifest.json must fail ({key})"
        );
    }
}
