//! `gazette site` over a year: 24 generated issues of 10 documents, built
//! and sealed once (untimed), then the site written from their packages,
//! each run a whole `gazette site` process. Beside it, in the same run, the
//! peer: copying the same built editions with `cp -r`, the floor of any
//! tool that publishes those bytes. The search index's share is the time
//! `site::write` reports for it, in this process.
//!
//! Each figure is the median of interleaved runs, shown with their range.
//!
//! Run: cargo bench --profile dev --features search --bench site

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/issues.rs"]
mod issues;
mod timing;

use gazette::site::{self, SiteOptions};
use gazette::verify::Options;
use issues::Generator;
use timing::{median, ms, ratio};

const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");
const RUNS: usize = 5;
const ISSUES: u32 = 24;
const DOCUMENTS: usize = 10;

fn main() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let generator = Generator::new();
    let issues = work.path().join("issues");
    for number in 1..=ISSUES {
        let month = number.div_ceil(2);
        let day = if number % 2 == 1 { 5 } else { 20 };
        generator.issue(
            &issues.join(format!("{number:02}")),
            number,
            (month, day),
            DOCUMENTS,
        );
    }
    let dist = work.path().join("dist");
    let built = Command::new(GAZETTE)
        .arg("build")
        .arg(&issues)
        .arg("--out")
        .arg(&dist)
        .output()
        .expect("gazette build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs-example/root.pem");
    let (mut sites, mut copies, mut indexes) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        let out = work.path().join(format!("site-{run}"));
        let copy = work.path().join(format!("copy-{run}"));
        let mut measure = [
            (&mut sites, {
                let mut command = Command::new(GAZETTE);
                command
                    .arg("site")
                    .arg(&dist)
                    .arg("--out")
                    .arg(&out)
                    .arg("--trust")
                    .arg(&root);
                command
            }),
            (&mut copies, {
                let mut command = Command::new("cp");
                command.arg("-r").arg(&dist).arg(&copy);
                command
            }),
        ];
        measure.rotate_left(run % 2);
        for (times, command) in &mut measure {
            let started = Instant::now();
            let status = command.output().expect("a run");
            times.push(started.elapsed());
            assert!(
                status.status.success(),
                "{}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
        let trust = Options::trusting(std::slice::from_ref(&root)).expect("the example root");
        let written = site::write(&SiteOptions {
            input: &dist,
            out: &work.path().join(format!("in-process-{run}")),
            trust: &trust,
        })
        .expect("a site");
        indexes.push(written.search.expect("built with the search feature"));
        for folder in [out, copy, work.path().join(format!("in-process-{run}"))] {
            std::fs::remove_dir_all(folder).expect("clean up");
        }
    }
    let range = |times: &[Duration]| {
        let min = times.iter().min().copied().unwrap_or_default();
        let max = times.iter().max().copied().unwrap_or_default();
        format!("[{:.0}–{:.0}]", ms(min), ms(max))
    };
    let (site, copy, index) = (
        median(sites.clone()),
        median(copies.clone()),
        median(indexes.clone()),
    );
    println!(
        "{ISSUES} issues of {DOCUMENTS} documents, sealed; median of {RUNS} runs [min–max], ms"
    );
    println!(
        "  gazette site (process)      {:8.0} {}",
        ms(site),
        range(&sites)
    );
    println!(
        "  cp -r of the editions       {:8.0} {}",
        ms(copy),
        range(&copies)
    );
    println!("  site ÷ copy                 {:8.2}", ratio(site, copy));
    println!(
        "  search index (in process)   {:8.0} {}, {:.0} % of the site",
        ms(index),
        range(&indexes),
        100.0 * ratio(index, site)
    );
}
