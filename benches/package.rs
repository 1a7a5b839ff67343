//! `gazette verify` on the sample's archival package against the same checks
//! done by the usual tools one after another: Python's bagit validating the
//! bag, `openssl cms -verify` on the manifest's signature, and poppler's
//! pdfsig on the PDF edition. gazette does more (the EPUB seal, every digest
//! of the signed manifest, consistency), so the ratio flatters the peer.
//! Every figure is the median of interleaved runs; each side must accept the
//! package once before it is timed.
//!
//! Run: cargo bench --profile dev --bench package

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

mod peers;
mod timing;

use peers::{EDITION, build_sample, on_path};
use timing::{median, ms, ratio};

const RUNS: usize = 9;
const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = repo.join("certs-example/root.pem");
    let work = tempfile::tempdir().expect("a temporary folder");
    let edition = build_sample(work.path(), &[]);
    let bag = edition.join(format!("{EDITION}.bag"));
    let zip = edition.join(format!("{EDITION}.bag.zip"));

    let missing: Vec<&str> = ["pdfsig", "certutil", "openssl", "python3"]
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    if !missing.is_empty() || !python_has_bagit() {
        println!(
            "skipped: the peer needs pdfsig, certutil, openssl and python3 with bagit; missing: {missing:?}"
        );
        return;
    }
    let nss = work.path().join("nss");
    std::fs::create_dir(&nss).expect("a folder for the NSS database");
    let db = format!("sql:{}", nss.display());
    run(Command::new("certutil").args(["-N", "-d", &db, "--empty-password"]));
    run(Command::new("certutil")
        .args(["-A", "-d", &db, "-n", "root", "-t", "C,C,C", "-i"])
        .arg(&root));

    let gazette_on = |target: &Path| {
        let mut command = Command::new(GAZETTE);
        command.arg("verify").arg(target).arg("--trust").arg(&root);
        command
    };
    let data = bag.join("data");
    let peer = || {
        [
            {
                let mut c = Command::new("python3");
                c.args(["-c", "import bagit, sys; bagit.Bag(sys.argv[1]).validate()"])
                    .arg(&bag);
                c
            },
            {
                let mut c = Command::new("openssl");
                c.args([
                    "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
                ])
                .arg("-content")
                .arg(data.join("manifest.json"))
                .arg("-in")
                .arg(data.join("manifest.json.p7s"))
                .arg("-CAfile")
                .arg(&root)
                .args(["-out", "/dev/null"]);
                c
            },
            {
                let mut c = Command::new("pdfsig");
                c.args(["-nssdir", &db])
                    .arg(data.join("edition").join(format!("{EDITION}.pdf")));
                c
            },
        ]
    };

    let (mut folder, mut zipped, mut tools) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..=RUNS {
        let start = Instant::now();
        run(&mut gazette_on(&bag));
        let folder_time = start.elapsed();
        let start = Instant::now();
        run(&mut gazette_on(&zip));
        let zip_time = start.elapsed();
        let start = Instant::now();
        for mut command in peer() {
            run(&mut command);
        }
        let tools_time = start.elapsed();
        // The first round warms caches and proves every side accepts it.
        if round > 0 {
            folder.push(folder_time);
            zipped.push(zip_time);
            tools.push(tools_time);
        }
    }
    let (folder, zipped, tools) = (median(folder), median(zipped), median(tools));
    println!("verifying the sample's package, median of {RUNS} runs each");
    println!("{:<44} {:>8} {:>11}", "verifier", "ms", "÷ gazette");
    for (name, time) in [
        ("gazette verify PACKAGE.bag/", folder),
        ("gazette verify PACKAGE.bag.zip", zipped),
        ("bagit validate + openssl cms + pdfsig", tools),
    ] {
        println!("{name:<44} {:>8.1} {:>11.2}", ms(time), ratio(time, folder));
    }
}

/// Runs a command that must succeed (and, for pdfsig, say the seal is valid).
fn run(command: &mut Command) {
    let out = command
        .stdin(Stdio::null())
        .output()
        .expect("the tool runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let pdfsig_fails = command.get_program() == "pdfsig" && !text.contains("Signature is Valid");
    assert!(
        out.status.success() && !pdfsig_fails,
        "{command:?} does not accept the package:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn python_has_bagit() -> bool {
    Command::new("python3")
        .args(["-c", "import bagit"])
        .status()
        .is_ok_and(|s| s.success())
}
