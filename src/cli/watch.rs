//! `gazette watch ISSUE`: rebuild the edition whenever a file of the issue
//! changes. The fonts are loaded once and typst's memoisation lives as long
//! as the process, so a rebuild lays out again only what the edit touched.
//! Errors are shown and the watch goes on.
//!
//! The system's file notifications wake the watch; what changed is then
//! decided by a fingerprint of the folder (names, sizes, times), so that a
//! missed or spurious notification costs nothing. Where notifications are not
//! to be had, the folder is looked at every 150 ms instead.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use gazette::diagnostic::Diagnostic;
use gazette::manifest;
use gazette::typeset::{self, FontSet};

use crate::cli::args::WatchArgs;
use crate::cli::build::{Sealing, build_issue};
use crate::cli::seal;

/// Without notifications, how often the issue folder is looked at: quick
/// enough to feel immediate, cheap enough (a folder listing) to cost nothing.
const POLL: Duration = Duration::from_millis(150);
/// With notifications, how long a burst of them must fall quiet before the
/// folder is looked at: an editor's save is often several (a temporary file
/// written, then renamed over the old one).
const SETTLE: Duration = Duration::from_millis(25);
/// With notifications, the folder is still looked at this often, in case one
/// was lost (a full queue, a network folder).
const SAFETY: Duration = Duration::from_secs(2);

pub fn run(args: &WatchArgs) -> ExitCode {
    let fonts = match FontSet::load(&args.edition.font_paths) {
        Ok(fonts) => fonts,
        Err(message) => {
            eprintln!("{}", Diagnostic::new(message));
            return ExitCode::FAILURE;
        }
    };
    // The seal key is opened once for the whole watch, so its password is
    // asked once; a wrong one stops the watch before the first build.
    let keys = seal::Keys::new();
    if let Ok(edition) = manifest::load(&args.issue)
        && let Err(diag) = seal::open(&args.edition.seal, &edition, &keys)
    {
        eprintln!("{diag}");
        return ExitCode::FAILURE;
    }
    let root = manifest::root_of(&args.issue);
    // An edition written inside the issue folder (`gazette watch . --out
    // dist`) is not a save: seeing it would rebuild forever.
    let out = std::path::absolute(&args.edition.out).unwrap_or_else(|_| args.edition.out.clone());
    println!("watching {} (Ctrl-C to stop)", root.display());
    let wake = Wake::new(&root);
    let mut seen = None;
    loop {
        let now = fingerprint(&root, &out);
        if seen != Some(now) {
            seen = Some(now);
            let start = Instant::now();
            let built = build_issue(
                &args.issue,
                &args.edition.out,
                &fonts,
                Sealing {
                    args: &args.edition.seal,
                    keys: &keys,
                },
                &|_| {},
            );
            // As typst's own watch does: results unused for ten rebuilds go.
            typeset::forget_stale_layouts(10);
            match built {
                Ok(built) => println!(
                    "rebuilt {} in {} ms",
                    built.folder.display(),
                    start.elapsed().as_millis()
                ),
                Err(diags) => {
                    for diag in &diags {
                        eprintln!("{diag}");
                    }
                    eprintln!(
                        "error: not rebuilt ({} error{}); the last edition is unchanged, waiting for the next save",
                        diags.len(),
                        if diags.len() == 1 { "" } else { "s" }
                    );
                }
            }
        }
        wake.wait();
    }
}

/// What the watch waits on between looks at the folder.
enum Wake {
    /// The system's notifications, for as long as the watcher lives.
    Notified {
        _watcher: RecommendedWatcher,
        events: Receiver<()>,
    },
    Polling,
}

impl Wake {
    fn new(root: &Path) -> Self {
        let (sender, receiver) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reading a file (our own build does) is not a change.
            if event.is_ok_and(|event| !matches!(event.kind, EventKind::Access(_))) {
                let _ = sender.send(());
            }
        })
        .and_then(|mut watcher| {
            watcher.watch(root, RecursiveMode::Recursive)?;
            Ok(watcher)
        });
        match watcher {
            Ok(watcher) => Wake::Notified {
                _watcher: watcher,
                events: receiver,
            },
            Err(error) => {
                eprintln!(
                    "note: no file notifications here ({error}); looking at the folder every {} ms",
                    POLL.as_millis()
                );
                Wake::Polling
            }
        }
    }

    fn wait(&self) {
        match self {
            Wake::Notified { events, .. } => {
                if events.recv_timeout(SAFETY).is_ok() {
                    while events.recv_timeout(SETTLE).is_ok() {}
                }
            }
            Wake::Polling => std::thread::sleep(POLL),
        }
    }
}

/// Names, sizes and modification times of every file under the issue
/// folder but the edition folder `out` and editors' scratch files: any
/// save, new or removed file changes it.
fn fingerprint(root: &Path, out: &Path) -> u64 {
    let mut hasher = DefaultHasher::new();
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut entries: Vec<(String, u64, Option<SystemTime>)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.path().starts_with(out) || manifest::is_scratch(entry.file_name()))
        })
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let metadata = entry.metadata().ok();
            (
                entry.path().display().to_string(),
                metadata.as_ref().map_or(0, |m| m.len()),
                metadata.and_then(|m| m.modified().ok()),
            )
        })
        .collect();
    entries.sort();
    entries.hash(&mut hasher);
    hasher.finish()
}
