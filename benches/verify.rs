//! `gazette verify` against poppler's pdfsig and pyHanko on the same sealed
//! edition, and what sealing adds to a build.
//!
//! Each verifier runs as a whole process on the sample sealed with the example
//! identity, trusting the example root: `gazette verify --trust root.pem`,
//! `pdfsig -nssdir` with a database holding that root, and `pyhanko sign
//! validate --trust root.pem`. Each must say the seal is valid once before it
//! is timed, so that no one is timed on a failure path. Two more rows show
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

use gazette::edition;
use gazette::seal::{Keys, SealOptions};
use gazette::typeset::{self, EditionWorld, FontSet};

const RUNS: usize = 11;
const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");
const EDITION: &str = "shanghai-gazette-2025-08";

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
    let sealed = build(repo, &work.path().join("sealed"), &[]);

    let verifiers = verifiers(&sealed, &root, work.path());
    let medians = time_verifiers(&verifiers);
    let in_process = time_in_process(&sealed, &root);
    let start_only = time_process_start();
    report_verifiers(&verifiers, &medians, in_process, start_only);

    println!();
    sealing_share(repo, work.path());
}

/// Builds the sample into `out` with `extra` arguments; the edition's path.
fn build(repo: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let status = Command::new(GAZETTE)
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
    out.join(EDITION).join(format!("{EDITION}.pdf"))
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
            accepts: |out| {
                out.status.success()
                    && String::from_utf8_lossy(&out.stdout).contains("INTACT:TRUSTED,UNTOUCHED")
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
    verifiers: &[Verifier],
    medians: &[Duration],
    in_process: Duration,
    start_only: Duration,
) {
    println!(
        "verifying the sealed sample, median of {RUNS} runs each\n{:<40} {:>10} {:>14}",
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
            build(repo, &work.join("share"), extra);
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
            assert!(sealed.len() > pdf.len());
            elapsed
        })
        .collect();
    median(times)
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn ratio(time: Duration, base: Duration) -> f64 {
    time.as_secs_f64() / base.as_secs_f64()
}

/// The spread of the middle half of the runs: how much noise a difference
/// between two medians must exceed to mean anything.
fn quartile_gap(times: &[Duration]) -> Duration {
    let mut times = times.to_vec();
    times.sort();
    times[times.len() * 3 / 4] - times[times.len() / 4]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
