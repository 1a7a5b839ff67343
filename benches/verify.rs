//! `gazette verify` against poppler's pdfsig and pyHanko on the same sealed
//! edition, and what sealing adds to a build.
//!
//! Each verifier runs as a whole process on the sample sealed with the example
//! identity, trusting the example root: `gazette verify --trust root.pem`,
//! `pdfsig -nssdir` with a database holding that root, and `pyhanko sign
//! validate --trust root.pem`. Each must say the seal is valid once before it
//! is timed, so that no one is timed on a failure path. Then the same three
//! on the sample sealed at PAdES B-LTA by the test PKI (tests/pki: certomancer
//! serving a time-stamp authority, OCSP and CRLs on localhost), trusting its
//! root. The responders keep running while the peers are timed, since pdfsig
//! and pyHanko ask the OCSP responder named in the certificates; gazette
//! reads only the evidence embedded in the file and never the network. Two more rows show
//! where gazette's time goes: the process start alone (`gazette --version`)
//! and `verify_pdf` called in this process. The sealing share compares the
//! same build with and without `--no-seal`; since machine noise between whole
//! builds can exceed the few milliseconds sealing takes, the sealing step is
//! also timed alone in this process (open the key, read the chain, draw the
//! seal, sign, write the update), as `gazette build` does it after layout.
//! Every figure is the median of several runs, interleaved so machine noise
//! hits all sides alike. A peer whose tool is missing is skipped with a note.
//!
//! Run: cargo bench --profile dev --bench verify

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod peers;
mod timing;

use gazette::edition;
use gazette::seal::{Keys, SealOptions};
use gazette::typeset::{self, EditionWorld, FontSet};
use peers::{EDITION, build_sample, on_path};
use timing::{median, ms, ratio};

const RUNS: usize = 11;
const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");

/// A verifier timed as a whole process.
struct Verifier {
    name: &'static str,
    program: OsString,
    args: Vec<OsString>,
    /// Whether its output says the seal is valid and trusted.
    accepts: fn(&Output) -> bool,
    /// For a peer, the goal: its time over gazette's should exceed this.
    goal: Option<f64>,
}

impl Verifier {
    fn run(&self) -> Output {
        Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{} cannot run: {e}", self.name))
    }
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = repo.join("certs-example/root.pem");
    let work = tempfile::tempdir().expect("a temporary folder");
    let sealed = build(&work.path().join("sealed"), &[]);

    let basic = verifiers(&sealed, &root, work.path());
    let medians = time_verifiers(&basic);
    let in_process = time_in_process(&sealed, &root);
    let start_only = time_process_start();
    report_verifiers("B-B", &basic, &medians, in_process, start_only);

    println!();
    match LongTermSample::build(work.path()) {
        Ok(sample) => {
            let verifiers = verifiers(&sample.pdf, &sample.root, &work.path().join("lta"));
            let medians = time_verifiers(&verifiers);
            let in_process = time_in_process(&sample.pdf, &sample.root);
            report_verifiers("B-LTA", &verifiers, &medians, in_process, start_only);
        }
        Err(why) => println!("skipped the B-LTA sample: {why}"),
    }

    println!();
    sealing_share(repo, work.path());
}

/// Builds the sample into `out` with `extra` arguments; the PDF edition's path.
fn build(out: &Path, extra: &[&str]) -> PathBuf {
    build_sample(out, extra).join(format!("{EDITION}.pdf"))
}

/// gazette, then each peer whose tools are installed.
fn verifiers(pdf: &Path, root: &Path, work: &Path) -> Vec<Verifier> {
    let mut verifiers = vec![Verifier {
        name: "gazette verify",
        program: GAZETTE.into(),
        args: vec!["verify".into(), pdf.into(), "--trust".into(), root.into()],
        accepts: |out| out.status.success(),
        goal: None,
    }];
    match pdfsig(pdf, root, work) {
        Ok(verifier) => verifiers.push(verifier),
        Err(why) => println!("skipped pdfsig: {why}"),
    }
    if on_path("pyhanko") {
        verifiers.push(Verifier {
            name: "pyhanko sign validate",
            program: "pyhanko".into(),
            args: vec![
                "sign".into(),
                "validate".into(),
                "--trust".into(),
                root.into(),
                "--trust-replace".into(),
                pdf.into(),
            ],
            // A B-B seal is untouched; a B-LTA one has LTA updates after it.
            accepts: |out| {
                let text = String::from_utf8_lossy(&out.stdout);
                out.status.success()
                    && (text.contains("INTACT:TRUSTED,UNTOUCHED")
                        || text.contains("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>"))
            },
            goal: Some(20.0),
        });
    } else {
        println!("skipped pyHanko: pyhanko is not installed (pip install pyhanko pyhanko-cli)");
    }
    for verifier in &verifiers {
        let out = verifier.run();
        assert!(
            (verifier.accepts)(&out),
            "{} does not accept the sealed sample:\n{}{}",
            verifier.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    verifiers
}

/// pdfsig trusts only what is in its NSS database: make one with the root.
fn pdfsig(pdf: &Path, root: &Path, work: &Path) -> Result<Verifier, String> {
    for tool in ["pdfsig", "certutil"] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is not installed (apt install poppler-utils libnss3-tools)"
            ));
        }
    }
    let nss = work.join("nss");
    std::fs::create_dir_all(&nss).map_err(|e| format!("cannot make the NSS folder: {e}"))?;
    let mut db = OsString::from("sql:");
    db.push(&nss);
    let init: Vec<OsString> = vec![
        "-N".into(),
        "-d".into(),
        db.clone(),
        "--empty-password".into(),
    ];
    let add: Vec<OsString> = vec![
        "-A".into(),
        "-d".into(),
        db.clone(),
        "-n".into(),
        "example-root".into(),
        "-t".into(),
        "C,C,C".into(),
        "-i".into(),
        root.into(),
    ];
    for certutil in [init, add] {
        let status = Command::new("certutil")
            .args(&certutil)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("certutil cannot run: {e}"))?;
        if !status.success() {
            return Err(format!("certutil {certutil:?} failed"));
        }
    }
    Ok(Verifier {
        name: "pdfsig",
        program: "pdfsig".into(),
        args: vec!["-nssdir".into(), db, pdf.into()],
        // pdfsig exits 0 whatever it finds: read its verdict.
        accepts: |out| {
            let text = String::from_utf8_lossy(&out.stdout);
            text.contains("Signature is Valid") && text.contains("Certificate is Trusted")
        },
        goal: Some(1.0),
    })
}

/// Median wall time of each verifier, runs interleaved, the order rotating.
fn time_verifiers(verifiers: &[Verifier]) -> Vec<Duration> {
    let mut times = vec![Vec::new(); verifiers.len()];
    for run in 0..RUNS {
        for i in (0..verifiers.len()).map(|i| (i + run) % verifiers.len()) {
            let start = Instant::now();
            let out = verifiers[i].run();
            times[i].push(start.elapsed());
            assert!(
                (verifiers[i].accepts)(&out),
                "{} changed its mind",
                verifiers[i].name
            );
        }
    }
    times.into_iter().map(median).collect()
}

/// `verify_pdf` in this process: reading the file and the anchors excluded.
fn time_in_process(pdf: &Path, root: &Path) -> Duration {
    let bytes = std::fs::read(pdf).expect("the sealed sample");
    let pem = std::fs::read(root).expect("the example root");
    let options = gazette::verify::Options {
        anchors: gazette::cms::load_pem_certificates(&pem).expect("the example root parses"),
    };
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let report = gazette::verify::verify_pdf(EDITION, &bytes, &options);
            let elapsed = start.elapsed();
            assert_eq!(report.verdict, gazette::verify::Verdict::Valid);
            elapsed
        })
        .collect();
    median(times)
}

/// What starting the gazette binary costs, with no work to do.
fn time_process_start() -> Duration {
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(GAZETTE)
                .arg("--version")
                .stdout(Stdio::null())
                .status()
                .expect("gazette runs");
            assert!(status.success());
            start.elapsed()
        })
        .collect();
    median(times)
}

fn report_verifiers(
    level: &str,
    verifiers: &[Verifier],
    medians: &[Duration],
    in_process: Duration,
    start_only: Duration,
) {
    println!(
        "verifying the sample sealed at {level}, median of {RUNS} runs each\n{:<40} {:>10} {:>14}",
        "verifier", "ms", "÷ gazette"
    );
    let gazette = medians[0];
    for (verifier, &time) in verifiers.iter().zip(medians) {
        println!(
            "{:<40} {:>10.1} {:>14.2}",
            verifier.name,
            ms(time),
            ratio(time, gazette)
        );
    }
    println!(
        "{:<40} {:>10.1}",
        "  gazette: process start only",
        ms(start_only)
    );
    println!(
        "{:<40} {:>10.1}",
        "  gazette: verify_pdf in-process",
        ms(in_process)
    );
    for (verifier, &time) in verifiers.iter().zip(medians) {
        if let Some(goal) = verifier.goal {
            let times = ratio(time, gazette);
            println!(
                "goal: {} ÷ gazette > {goal}: {} ({times:.2})",
                verifier.name,
                if times > goal { "met" } else { "NOT met" }
            );
        }
    }
}

/// (sealed − unsealed) / sealed, over whole builds of the sample.
fn sealing_share(repo: &Path, work: &Path) {
    let (mut sealed, mut unsealed) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let mut timed = |no_seal: bool| {
            let extra: &[&str] = if no_seal { &["--no-seal"] } else { &[] };
            let start = Instant::now();
            build(&work.join("share"), extra);
            let elapsed = start.elapsed();
            if no_seal {
                unsealed.push(elapsed);
            } else {
                sealed.push(elapsed);
            }
        };
        timed(run % 2 == 0);
        timed(run % 2 != 0);
    }
    let step = time_seal_step(repo);
    println!("building the sample, median of {RUNS} runs each");
    println!("{:<40} {:>10} {:>14}", "", "ms", "quartile gap");
    for (name, times) in [("build, sealed", &sealed), ("build --no-seal", &unsealed)] {
        println!(
            "{:<40} {:>10.1} {:>14.1}",
            name,
            ms(median(times.clone())),
            ms(quartile_gap(times))
        );
    }
    println!(
        "{:<40} {:>10.1}",
        "  sealing step alone, in-process",
        ms(step)
    );
    let (sealed, unsealed) = (median(sealed), median(unsealed));
    let whole = (ms(sealed) - ms(unsealed)) / ms(sealed) * 100.0;
    let alone = ms(step) / ms(sealed) * 100.0;
    let verdict = |share: f64| if share < 5.0 { "met" } else { "NOT met" };
    println!("sealing share of the build, goal < 5 %:");
    println!(
        "  (sealed − unsealed) / sealed, whole builds: {whole:.1} % ({})",
        verdict(whole)
    );
    println!(
        "  sealing step alone / sealed build:          {alone:.1} % ({})",
        verdict(alone)
    );
}

/// The sealing step of `gazette build` on the laid-out sample, with the
/// manifest's identity: median over runs, layout excluded. Each run opens the
/// key afresh, as a build's first issue does.
fn time_seal_step(repo: &Path) -> Duration {
    let edition = gazette::manifest::load(&repo.join("samples").join(EDITION))
        .unwrap_or_else(|d| panic!("{d:?}"));
    let fonts = FontSet::load(&[] as &[&str]).expect("the bundled fonts");
    let (json, _) = typeset::edition_json(&edition, &fonts);
    let world = EditionWorld::new(&fonts, json, edition.issue.date);
    let layout = typeset::lay_out(&world).unwrap_or_else(|e| panic!("{e:?}"));
    let pdf = layout
        .export(&world, &edition)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let spot = layout
        .seal_spot()
        .expect("the cover leaves room for the seal");
    let time = edition.issue.date.seal_time();
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let seal = Keys::default()
                .seal_for(&SealOptions::default(), &edition)
                .unwrap_or_else(|d| panic!("{d}"))
                .expect("the sample names a seal");
            let sealed = edition::seal_pdf(&seal, &pdf, spot, &time).expect("the sample seals");
            let elapsed = start.elapsed();
            assert!(sealed.len() > pdf.bytes().len());
            elapsed
        })
        .collect();
    median(times)
}

/// The spread of the middle half of the runs: how much noise a difference
/// between two medians must exceed to mean anything.
fn quartile_gap(times: &[Duration]) -> Duration {
    let mut times = times.to_vec();
    times.sort();
    times[times.len() * 3 / 4] - times[times.len() / 4]
}

/// The sample sealed at B-LTA by the test PKI, whose responders run until
/// this is dropped.
struct LongTermSample {
    pki: tempfile::TempDir,
    pdf: PathBuf,
    root: PathBuf,
}

impl LongTermSample {
    /// Starts tests/pki's responders and builds the sample with its seal and
    /// time-stamp authority, dated 2026 when the test seal certificate is
    /// valid.
    fn build(work: &Path) -> Result<LongTermSample, String> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let pki = tempfile::tempdir().map_err(|e| e.to_string())?;
        let started = Command::new("bash")
            .arg(repo.join("tests/pki/responders.sh"))
            .arg("start")
            .arg(pki.path())
            .output()
            .map_err(|e| format!("bash cannot run: {e}"))?;
        if !started.status.success() {
            return Err(format!(
                "the test PKI's responders did not start (pip install 'certomancer[web-api]'): {}",
                String::from_utf8_lossy(&started.stderr).trim()
            ));
        }
        let mut sample = LongTermSample {
            root: pki.path().join("certs/root.cert.pem"),
            pdf: PathBuf::new(),
            pki,
        };
        let env =
            std::fs::read_to_string(sample.pki.path().join("env")).map_err(|e| e.to_string())?;
        let tsa = env
            .lines()
            .find_map(|line| line.strip_prefix("TSA_URL="))
            .ok_or("responders.sh wrote no TSA_URL")?;
        let certs = sample.pki.path().join("certs");
        let chain: Vec<u8> = ["seal", "interm", "root"]
            .iter()
            .flat_map(|name| {
                std::fs::read(certs.join(format!("{name}.cert.pem"))).unwrap_or_default()
            })
            .collect();
        let chain_path = work.join("lta-chain.pem");
        std::fs::write(&chain_path, chain).map_err(|e| e.to_string())?;
        let issue = dated_2026(repo, work)?;
        let out = work.join("lta-out");
        let status = Command::new(GAZETTE)
            .arg("build")
            .arg(&issue)
            .arg("--out")
            .arg(&out)
            .arg("--seal-cert")
            .arg(&chain_path)
            .arg("--seal-key")
            .arg(sample.pki.path().join("keys/seal.key.pem"))
            .args(["--tsa", tsa])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("gazette cannot run: {e}"))?;
        if !status.success() {
            return Err("gazette build --tsa failed".into());
        }
        let edition = EDITION.replace("2025", "2026");
        sample.pdf = out.join(&edition).join(format!("{edition}.pdf"));
        Ok(sample)
    }
}

impl Drop for LongTermSample {
    fn drop(&mut self) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let _ = Command::new("bash")
            .arg(repo.join("tests/pki/responders.sh"))
            .arg("stop")
            .arg(self.pki.path())
            .status();
    }
}

/// A copy of the sample issue dated 2026-08-15.
fn dated_2026(repo: &Path, work: &Path) -> Result<PathBuf, String> {
    let from = repo.join("samples").join(EDITION);
    let to = work.join("issue-2026");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(
            entry
                .path()
                .strip_prefix(&from)
                .map_err(|e| e.to_string())?,
        );
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    let manifest = to.join("issue.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let dated = text
        .replacen("year    = 2025 ", "year    = 2026 ", 1)
        .replacen("date    = 2025-08-15 ", "date    = 2026-08-15 ", 1);
    if dated == text {
        return Err("the sample's year and date lines changed: update dated_2026".into());
    }
    std::fs::write(&manifest, dated).map_err(|e| e.to_string())?;
    Ok(to)
}
