//! How a build tells its progress: bars on a terminal, plain lines
//! otherwise (or with --verbose, which adds each issue's stages, or --quiet,
//! which keeps only the summary and the errors); warnings and notes, each
//! said once a run, above the bars.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gazette::edition;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// What was already said, so that a year of issues sharing one readable key
/// or one missing font warns once, not 24 times.
static SAID: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
/// --quiet: notes are not said at all.
static QUIET: AtomicBool = AtomicBool::new(false);
/// The bars on the terminal while a batch runs: a line is said above them,
/// not through them.
static BARS: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// Says `warning: {text}` once in this run.
fn warn(text: &str) {
    say_once(format!("warning: {text}"));
}

/// Says `note: {text}` once in this run, unless --quiet.
fn note(text: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        say_once(format!("note: {text}"));
    }
}

fn say_once(line: String) {
    let first = SAID
        .lock()
        .map_or(true, |mut said| said.insert(line.clone()));
    if !first {
        return;
    }
    match BARS.lock().ok().as_deref() {
        Some(Some(bars)) if bars.println(&line).is_ok() => {}
        _ => eprintln!("{line}"),
    }
}

/// How a run shows its builds' progress.
pub enum Progress {
    Bars {
        all: MultiProgress,
        total: ProgressBar,
    },
    Lines {
        verbose: bool,
    },
    Quiet,
}

/// One issue's line: a spinner under the bars, or nothing.
pub struct IssueLine<'a> {
    progress: &'a Progress,
    name: String,
    spinner: Option<ProgressBar>,
    /// The stage now running and when it began, for --verbose's timings.
    current: RefCell<Option<(String, Instant)>>,
}

impl Progress {
    pub fn new(issues: usize, quiet: bool, verbose: bool) -> Progress {
        QUIET.store(quiet, Ordering::Relaxed);
        if quiet {
            return Progress::Quiet;
        }
        if verbose || !std::io::stderr().is_terminal() {
            return Progress::Lines { verbose };
        }
        let all = MultiProgress::new();
        let total = all.add(ProgressBar::new(issues as u64));
        total.set_style(
            ProgressStyle::with_template(
                "{bar:30.red/white} {pos}/{len} issues  {elapsed_precise} elapsed, about {eta} to go",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        if let Ok(mut bars) = BARS.lock() {
            *bars = Some(all.clone());
        }
        Progress::Bars { all, total }
    }

    /// One issue: no bars (its build is short), and with --verbose, the
    /// stages with their times.
    pub fn single(quiet: bool, verbose: bool) -> Progress {
        QUIET.store(quiet, Ordering::Relaxed);
        if verbose {
            Progress::Lines { verbose }
        } else {
            Progress::Quiet
        }
    }

    pub fn start(&self, name: String) -> IssueLine<'_> {
        let spinner = match self {
            Progress::Bars { all, total } => {
                let spinner = all.insert_before(total, ProgressBar::new_spinner());
                spinner.set_style(
                    ProgressStyle::with_template("{spinner} {prefix}: {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                spinner.set_prefix(name.clone());
                spinner.enable_steady_tick(Duration::from_millis(120));
                Some(spinner)
            }
            _ => None,
        };
        IssueLine {
            progress: self,
            name,
            spinner,
            current: RefCell::new(None),
        }
    }

    /// A line that must stay: printed above the bars, or plainly.
    fn line(&self, text: &str) {
        match self {
            Progress::Bars { all, .. } => {
                let _ = all.println(text);
            }
            Progress::Lines { .. } => println!("{text}"),
            Progress::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Progress::Bars { total, .. } = self {
            total.finish_and_clear();
            if let Ok(mut bars) = BARS.lock() {
                *bars = None;
            }
        }
    }
}

impl edition::Progress for IssueLine<'_> {
    fn stage(&self, stage: &str) {
        match (&self.spinner, self.progress) {
            (Some(spinner), _) => spinner.set_message(stage.to_string()),
            (None, Progress::Lines { verbose: true }) => {
                self.end_stage();
                *self.current.borrow_mut() = Some((stage.to_string(), Instant::now()));
            }
            _ => {}
        }
    }

    fn warn(&self, text: &str) {
        warn(text);
    }

    fn note(&self, text: &str) {
        note(text);
    }
}

impl IssueLine<'_> {
    /// With --verbose, each stage is printed once it ends, with its time, so
    /// an editor can see where a slow build spends it.
    fn end_stage(&self) {
        if let Some((stage, start)) = self.current.borrow_mut().take() {
            println!(
                "{}: {stage} {:.0} ms",
                self.name,
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
    }

    /// The issue is done and its outcome is told elsewhere.
    pub fn finish(self) {
        self.end_stage();
    }

    /// The issue is done; `outcome` says how, in one line.
    pub fn done(self, outcome: &str) {
        self.end_stage();
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
        if let Progress::Bars { total, .. } = self.progress {
            total.inc(1);
        }
        self.progress.line(outcome);
    }
}

/// A build that shows no stages, only its warnings and notes: the watch's.
pub struct Unstaged;

impl edition::Progress for Unstaged {
    fn stage(&self, _stage: &str) {}

    fn warn(&self, text: &str) {
        warn(text);
    }

    fn note(&self, text: &str) {
        note(text);
    }
}
