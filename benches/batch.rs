//! Building many issues and large issues with the `gazette` binary, each
//! build a whole process: a year's issues one at a time and in parallel,
//! sealed and not; one issue growing from ~120 to ~960 pages; the peak memory
//! of those builds; and how soon `gazette watch` has the edition again after
//! a one-character edit.
//!
//! Issues are generated from the sample's real work plan, as in the build
//! bench, and name the example seal identity by absolute path; the unsealed
//! runs pass `--no-seal`. Each figure is the median of interleaved runs (the
//! order rotating each round), shown with the range of the runs, since the
//! machine may be shared; the load average before and after says how busy it
//! was. GNU time reports each build's peak memory (maximum resident set size)
//! and CPU time (user + system, all threads); CPU time over wall time shows
//! how many cores a build kept busy. Without /usr/bin/time those columns are
//! skipped with a note.
//!
//! Run: cargo bench --profile dev --bench batch

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

mod common;
mod timing;

use common::{Generator, TypstAlone};
use timing::{median, ms, ratio};

const GAZETTE: &str = env!("CARGO_BIN_EXE_gazette");
const GNU_TIME: &str = "/usr/bin/time";
/// Runs of each whole-process figure.
const RUNS: usize = 5;
/// A year of a twice-monthly gazette.
const ISSUES_A_YEAR: u32 = 24;
/// About 60 pages: the work plan sets a little over 6 pages a document.
const DOCUMENTS_AN_ISSUE: usize = 10;
/// About 120, 480 and 960 pages.
const GROWING_ISSUE: [usize; 3] = [20, 80, 160];
const WATCH_EDITS: usize = 5;
/// Goals: the parallel year's speed-up on two cores, the whole edition over
/// typst's compile + PDF export, and the watch's save-to-edition time.
const SPEED_UP_GOAL: f64 = 1.7;
const RATIO_GOAL: f64 = 1.2;
const WATCH_GOAL: Duration = Duration::from_secs(1);

fn main() {
    common::serve_typst_alone();
    let work = tempfile::tempdir().expect("a temporary folder");
    let generator = Generator::new();
    let probe = Probe::find();
    println!(
        "{} cores; every figure is a whole `gazette` process, the median of {RUNS} interleaved runs [min–max]",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    if !probe.available() {
        println!(
            "note: {GNU_TIME} is missing (apt install time): CPU time and peak memory are not measured"
        );
    }
    println!("load average before: {}", load_average());
    println!();
    year(&generator, &probe, work.path());
    println!();
    let issue_120 = growing_issue(&generator, &probe, work.path());
    println!();
    watch(&issue_120, work.path());
    println!();
    println!("load average after: {}", load_average());
}

/// The 1, 5 and 15-minute load averages: on a shared machine, how much else
/// wanted the cores while the figures were taken.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_string(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

/// The edition id the generated issue `number` gets.
fn edition_id(number: u32) -> String {
    format!("bench-2025-{number:02}")
}

/// One whole-process build: its wall time and, when GNU time is there, its
/// peak resident memory and the CPU time of all its threads.
struct Run {
    time: Duration,
    max_rss_kib: Option<u64>,
    cpu: Option<Duration>,
    /// How many cores the whole machine kept busy meanwhile, this build's
    /// and everyone else's: with the build's own, what others took.
    machine_busy: Option<f64>,
}

/// The machine's CPU time counters from /proc/stat, summed over cores.
#[derive(Clone, Copy)]
struct CpuTicks {
    busy: u64,
    total: u64,
}

impl CpuTicks {
    fn now() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
        let total = fields.iter().sum();
        Some(CpuTicks {
            busy: total - fields.get(3)? - fields.get(4)?,
            total,
        })
    }
}

/// Busy cores on average from `before` to `after`.
fn busy_cores(before: Option<CpuTicks>, after: Option<CpuTicks>) -> Option<f64> {
    let (before, after) = (before?, after?);
    let total = after.total.checked_sub(before.total)?;
    let busy = after.busy.checked_sub(before.busy)?;
    let cores = std::thread::available_parallelism().ok()?.get();
    (total > 0).then(|| busy as f64 / total as f64 * cores as f64)
}

/// Runs gazette under GNU time when it is installed.
struct Probe {
    report: Option<tempfile::NamedTempFile>,
}

impl Probe {
    fn find() -> Self {
        let works = Command::new(GNU_TIME)
            .args(["-f", "%M", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        Probe {
            report: works.then(|| tempfile::NamedTempFile::new().expect("a temporary file")),
        }
    }

    fn available(&self) -> bool {
        self.report.is_some()
    }

    /// `gazette build ARGS`, which must succeed; typst's layout on one
    /// thread when `one_core`.
    fn build(&self, args: &[OsString], one_core: bool) -> Run {
        let mut command = match &self.report {
            Some(report) => {
                let mut c = Command::new(GNU_TIME);
                c.args(["-f", "%M %U %S", "-o"])
                    .arg(report.path())
                    .arg(GAZETTE);
                c
            }
            None => Command::new(GAZETTE),
        };
        command.arg("build").args(args).stdin(Stdio::null());
        if one_core {
            command.env("RAYON_NUM_THREADS", "1");
        } else {
            command.env_remove("RAYON_NUM_THREADS");
        }
        let before = CpuTicks::now();
        let start = Instant::now();
        let out = command.output().expect("gazette runs");
        let time = start.elapsed();
        let machine_busy = busy_cores(before, CpuTicks::now());
        assert!(
            out.status.success(),
            "gazette build {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let Some(report) = &self.report else {
            return Run {
                time,
                max_rss_kib: None,
                cpu: None,
                machine_busy,
            };
        };
        let text = std::fs::read_to_string(report.path()).expect("GNU time's report");
        let fields: Vec<f64> = text
            .split_whitespace()
            .map(|field| {
                field.parse().unwrap_or_else(|_| {
                    panic!("GNU time reported {text:?}, not \"KiB user system\"")
                })
            })
            .collect();
        let [kib, user, system] = fields[..] else {
            panic!("GNU time reported {text:?}, not \"KiB user system\"");
        };
        Run {
            time,
            max_rss_kib: Some(kib as u64),
            cpu: Some(Duration::from_secs_f64(user + system)),
            machine_busy,
        }
    }
}

/// A way to build a year, timed over several runs.
struct Variant {
    name: &'static str,
    args: Vec<OsString>,
    /// RAYON_NUM_THREADS=1: typst's own parallel layout on one thread too.
    one_core: bool,
    sealed: bool,
    runs: Vec<Run>,
}

/// How many issues at once: one on one core, one at a time with typst's
/// layout free to use every core, or all cores.
#[derive(Clone, Copy)]
enum Jobs {
    OneCore,
    OneAtATime,
    AllCores,
}

/// A year's issues built one at a time and all cores at once, sealed and not.
fn year(generator: &Generator, probe: &Probe, work: &Path) {
    let year = work.join("year");
    for number in 1..=ISSUES_A_YEAR {
        // Twice a month, on the 5th and the 20th.
        let date = (number.div_ceil(2), if number % 2 == 1 { 5 } else { 20 });
        generator.issue(
            &year.join(format!("issue-{number:02}")),
            number,
            date,
            DOCUMENTS_AN_ISSUE,
        );
    }
    let out = work.join("year-out");
    let variant = |name, jobs: Jobs, sealed: bool| {
        let mut args: Vec<OsString> = vec![year.clone().into(), "--out".into(), out.clone().into()];
        if !matches!(jobs, Jobs::AllCores) {
            args.extend(["--jobs".into(), "1".into()]);
        }
        if !sealed {
            args.push("--no-seal".into());
        }
        Variant {
            name,
            args,
            one_core: matches!(jobs, Jobs::OneCore),
            sealed,
            runs: Vec::new(),
        }
    };
    let mut variants = [
        variant("one core, --no-seal", Jobs::OneCore, false),
        variant("--jobs 1, --no-seal", Jobs::OneAtATime, false),
        variant("all cores, --no-seal", Jobs::AllCores, false),
        variant("one core, sealed", Jobs::OneCore, true),
        variant("--jobs 1, sealed", Jobs::OneAtATime, true),
        variant("all cores, sealed", Jobs::AllCores, true),
    ];
    let count = variants.len();
    for round in 0..RUNS {
        for i in (0..count).map(|i| (i + round) % count) {
            if out.exists() {
                std::fs::remove_dir_all(&out).expect("clear the last run's editions");
            }
            let run = probe.build(&variants[i].args, variants[i].one_core);
            check_year(&out, variants[i].sealed);
            variants[i].runs.push(run);
        }
    }

    let id = edition_id(1);
    let pages = page_count(&out.join(&id).join(format!("{id}.pdf")));
    println!(
        "a year: {ISSUES_A_YEAR} issues of {DOCUMENTS_AN_ISSUE} documents (issue 1: {pages} pages), all editions checked after each run"
    );
    println!(
        "  one core = --jobs 1 with RAYON_NUM_THREADS=1; --jobs 1 alone still lets typst lay out on every core"
    );
    println!(
        "{:<22} {:>8} {:>15} {:>8} {:>13} {:>16}",
        "build", "s", "[min–max]", "CPU s", "peak RSS MiB", "cores: ours/all"
    );
    for v in &variants {
        println!("{} {:>16}", row(v.name, &v.runs), cores_busy(&v.runs));
    }
    for (first, what) in [(0, "--no-seal"), (3, "sealed")] {
        let [one_core, one_at_a_time, all] =
            [first, first + 1, first + 2].map(|i| median_time(&variants[i].runs));
        let speed_up = ratio(one_core, all);
        println!(
            "speed-up of all cores, {what}: over one core {speed_up:.2}× (goal ≥ {SPEED_UP_GOAL}: {}), over --jobs 1 {:.2}×",
            verdict(speed_up >= SPEED_UP_GOAL),
            ratio(one_at_a_time, all)
        );
    }
}

/// Every issue of the year has its whole edition, sealed or not as asked.
fn check_year(out: &Path, sealed: bool) {
    for number in 1..=ISSUES_A_YEAR {
        let id = edition_id(number);
        let folder = out.join(&id);
        for file in [
            format!("{id}.pdf"),
            format!("{id}.epub"),
            format!("{id}.bag.zip"),
            "manifest.json".into(),
        ] {
            let size = std::fs::metadata(folder.join(&file)).map_or(0, |m| m.len());
            assert!(size > 0, "{id}: {file} is missing or empty");
        }
        assert_eq!(
            folder.join("manifest.json.p7s").is_file(),
            sealed,
            "{id}: the manifest's signature should {}exist",
            if sealed { "" } else { "not " }
        );
        let pdf = std::fs::read(folder.join(format!("{id}.pdf"))).expect("the PDF edition");
        assert_eq!(
            memchr::memmem::find(&pdf, b"/ByteRange").is_some(),
            sealed,
            "{id}: the PDF should {}be sealed",
            if sealed { "" } else { "not " }
        );
    }
}

/// One issue at ~120, ~480 and ~960 pages, sealed, and typst alone on each.
/// Returns the ~120-page issue's folder, for the watch.
fn growing_issue(generator: &Generator, probe: &Probe, work: &Path) -> PathBuf {
    let issues: Vec<PathBuf> = GROWING_ISSUE
        .iter()
        .map(|&documents| {
            let dir = work.join(format!("issue-{documents}"));
            generator.issue(&dir, 12, (12, 15), documents);
            dir
        })
        .collect();
    let outs: Vec<PathBuf> = GROWING_ISSUE
        .iter()
        .map(|documents| work.join(format!("out-{documents}")))
        .collect();
    let mut whole: Vec<Vec<Run>> = GROWING_ISSUE.iter().map(|_| Vec::new()).collect();
    let mut alone: Vec<TypstAlone> = issues
        .iter()
        .zip(GROWING_ISSUE)
        .map(|(issue, documents)| TypstAlone::new(issue, &work.join(format!("typst-{documents}"))))
        .collect();
    // Whole builds on sides 0..n, typst as a process on n..2n, typst in
    // this process on 2n..3n.
    let sizes = GROWING_ISSUE.len();
    for round in 0..RUNS {
        for side in (0..3 * sizes).map(|i| (i + round) % (3 * sizes)) {
            if side >= 2 * sizes {
                alone[side - 2 * sizes].run_in_process();
                continue;
            }
            if side >= sizes {
                alone[side - sizes].run_as_process();
                continue;
            }
            let args: Vec<OsString> = vec![
                issues[side].clone().into(),
                "--out".into(),
                outs[side].clone().into(),
            ];
            whole[side].push(probe.build(&args, false));
        }
    }

    let id = edition_id(12);
    let pages: Vec<usize> = outs
        .iter()
        .map(|out| page_count(&out.join(&id).join(format!("{id}.pdf"))))
        .collect();
    for (pages, typst) in pages.iter().zip(&alone) {
        assert_eq!(
            *pages, typst.pages,
            "gazette and typst alone laid out different page counts"
        );
    }
    println!(
        "one issue growing: the whole edition sealed (PDF + seal + EPUB + package); typst alone as a process (fonts, layout, PDF export, write) and in this process (layout + PDF export)"
    );
    println!(
        "{:<22} {:>8} {:>15} {:>8} {:>13} {:>16} {:>10} {:>9} {:>15} {:>10} {:>7} {:>10} {:>7}",
        "pages (documents)",
        "s",
        "[min–max]",
        "CPU s",
        "peak RSS MiB",
        "cores: ours/all",
        "ms a page",
        "typst s",
        "[min–max]",
        "ms a page",
        "ratio",
        "in-proc s",
        "ratio"
    );
    for (i, documents) in GROWING_ISSUE.iter().enumerate() {
        let typst = median(alone[i].as_process.clone());
        let in_process = median(alone[i].in_process.clone());
        let (low, high) = range(&alone[i].as_process);
        println!(
            "{} {:>16} {:>10.1} {:>9.2} {:>15} {:>10.1} {:>7.2} {:>10.2} {:>7.2}",
            row(&format!("{} ({documents})", pages[i]), &whole[i]),
            cores_busy(&whole[i]),
            ms(median_time(&whole[i])) / pages[i] as f64,
            typst.as_secs_f64(),
            format!("[{:.2}–{:.2}]", low.as_secs_f64(), high.as_secs_f64()),
            ms(typst) / pages[i] as f64,
            ratio(median_time(&whole[i]), typst),
            in_process.as_secs_f64(),
            ratio(median_time(&whole[i]), in_process)
        );
    }
    let marginal = |times: [Duration; 2]| {
        (ms(times[1]) - ms(times[0])) / (pages[sizes - 1] - pages[sizes - 2]) as f64
    };
    println!(
        "marginal cost from {} to {} pages: whole build {:.1} ms a page, typst alone {:.1} ms a page",
        pages[sizes - 2],
        pages[sizes - 1],
        marginal([
            median_time(&whole[sizes - 2]),
            median_time(&whole[sizes - 1])
        ]),
        marginal([
            median(alone[sizes - 2].as_process.clone()),
            median(alone[sizes - 1].as_process.clone())
        ]),
    );
    let first = ratio(median_time(&whole[0]), median(alone[0].as_process.clone()));
    let floor = ratio(median_time(&whole[0]), median(alone[0].in_process.clone()));
    println!(
        "whole edition ÷ typst's own run (as a process), {} pages: {first:.2} (goal ≤ {RATIO_GOAL}: {}); ÷ layout + export alone: {floor:.2}",
        pages[0],
        verdict(first <= RATIO_GOAL)
    );
    issues[0].clone()
}

/// `gazette watch` on an issue: after its first build, the time from saving a
/// one-character edit to the "rebuilt" line, edits alternating between two
/// documents. Each save waits a different while first, as a person's would,
/// so that it lands anywhere in the watch's 150 ms polling interval where
/// the system gives no file notifications.
fn watch(issue: &Path, work: &Path) {
    let out = work.join("watch-out");
    let child = Command::new(GAZETTE)
        .arg("watch")
        .arg(issue)
        .arg("--out")
        .arg(&out)
        .arg("--no-seal")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gazette watch starts");
    let mut watching = Watching(child);
    let lines = lines_of(&mut watching.0);
    let (folder, first) = next_rebuilt(&lines, Duration::from_secs(120));
    let id = folder
        .file_name()
        .expect("the edition folder's name")
        .to_string_lossy()
        .into_owned();
    let pdf = folder.join(format!("{id}.pdf"));
    let mut before = std::fs::read(&pdf).expect("the watched PDF");

    let (mut saved_to_rebuilt, mut rebuild_ms) = (Vec::new(), Vec::new());
    for edit in 0..WATCH_EDITS {
        std::thread::sleep(Duration::from_millis(400 + 37 * edit as u64));
        let document = issue.join(format!("d{}.md", edit % 2));
        let start = Instant::now();
        toggle_one_character(&document, work);
        let (_, reported) = next_rebuilt(&lines, Duration::from_secs(60));
        saved_to_rebuilt.push(start.elapsed());
        rebuild_ms.push(reported);
        let after = std::fs::read(&pdf).expect("the watched PDF");
        assert_ne!(before, after, "the edit did not reach the PDF");
        before = after;
    }
    drop(watching);

    rebuild_ms.sort();
    let median_save = median(saved_to_rebuilt.clone());
    let (low, high) = range(&saved_to_rebuilt);
    println!(
        "gazette watch, ~120-page issue, --no-seal: first build {first} ms; {WATCH_EDITS} one-character edits"
    );
    println!(
        "save → \"rebuilt\" line: median {:.0} ms [{:.0}–{:.0}] (goal < {} ms: {}); the rebuild itself, as the watch reports it: median {} ms [{}–{}]",
        ms(median_save),
        ms(low),
        ms(high),
        WATCH_GOAL.as_millis(),
        verdict(median_save < WATCH_GOAL),
        rebuild_ms[rebuild_ms.len() / 2],
        rebuild_ms[0],
        rebuild_ms[rebuild_ms.len() - 1]
    );
}

/// A running `gazette watch`, stopped when dropped, so that a failed check
/// does not leave it running.
struct Watching(Child);

impl Drop for Watching {
    fn drop(&mut self) {
        // It may have stopped on its own already; either way it is reaped.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The watch's stdout and stderr lines, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let send = send.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
    }
    receive
}

/// Waits for "rebuilt DIR in N ms": DIR and N. Any error line fails the bench.
fn next_rebuilt(lines: &Receiver<String>, timeout: Duration) -> (PathBuf, u64) {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no \"rebuilt\" line from gazette watch: {e}"));
        assert!(!line.contains("error"), "gazette watch: {line}");
        if let Some(rest) = line.strip_prefix("rebuilt ") {
            let (folder, time) = rest.rsplit_once(" in ").expect("rebuilt DIR in N ms");
            let ms = time
                .strip_suffix(" ms")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected line from gazette watch: {line}"));
            return (PathBuf::from(folder), ms);
        }
    }
}

/// Changes the body's first character between its traditional and
/// simplified forms; the new text replaces the file at once, so the watch
/// never sees half of it.
fn toggle_one_character(document: &Path, work: &Path) {
    let text = std::fs::read_to_string(document).expect("a generated document");
    let edited = if text.contains("為貫徹") {
        text.replacen("為貫徹", "为貫徹", 1)
    } else {
        text.replacen("为貫徹", "為貫徹", 1)
    };
    assert_ne!(edited, text, "the work plan no longer starts with 為貫徹");
    let staged = work.join("edited.md");
    std::fs::write(&staged, edited).expect("write the edited document");
    std::fs::rename(&staged, document).expect("replace the document");
}

fn page_count(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).expect("a built PDF");
    lopdf::Document::load_mem(&bytes)
        .expect("the built PDF parses")
        .get_pages()
        .len()
}

/// Name, median seconds, range, median CPU seconds and peak memory of some runs.
fn row(name: &str, runs: &[Run]) -> String {
    let times: Vec<Duration> = runs.iter().map(|r| r.time).collect();
    let (low, high) = range(&times);
    let cpu: Vec<Duration> = runs.iter().filter_map(|r| r.cpu).collect();
    let cpu = if cpu.is_empty() {
        "-".to_string()
    } else {
        format!("{:.2}", median(cpu).as_secs_f64())
    };
    let peak = runs.iter().filter_map(|r| r.max_rss_kib).max().map_or_else(
        || "-".to_string(),
        |kib| format!("{:.0}", kib as f64 / 1024.0),
    );
    format!(
        "{name:<22} {:>8.2} {:>15} {cpu:>8} {peak:>13}",
        median(times).as_secs_f64(),
        format!("[{:.2}–{:.2}]", low.as_secs_f64(), high.as_secs_f64()),
    )
}

/// Cores this build kept busy (median CPU time over median wall time) and
/// the whole machine meanwhile (median), e.g. "1.02/1.97": the rest was
/// other people's work.
fn cores_busy(runs: &[Run]) -> String {
    let cpu: Vec<Duration> = runs.iter().filter_map(|r| r.cpu).collect();
    let mut machine: Vec<f64> = runs.iter().filter_map(|r| r.machine_busy).collect();
    machine.sort_by(f64::total_cmp);
    let ours = if cpu.is_empty() {
        "-".to_string()
    } else {
        format!("{:.2}", ratio(median(cpu), median_time(runs)))
    };
    let all = machine
        .get(machine.len() / 2)
        .map_or_else(|| "-".to_string(), |busy| format!("{busy:.2}"));
    format!("{ours}/{all}")
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

fn range(times: &[Duration]) -> (Duration, Duration) {
    let low = times.iter().min().copied().unwrap_or_default();
    let high = times.iter().max().copied().unwrap_or_default();
    (low, high)
}

fn median_time(runs: &[Run]) -> Duration {
    median(runs.iter().map(|r| r.time).collect())
}
