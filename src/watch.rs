//! Telling when an issue folder has changed, for `gazette watch`.
//!
//! The system's file notifications wake the watch; what changed is then
//! decided by a fingerprint of the folder (names, sizes, times), so that a
//! missed or spurious notification costs nothing. Where notifications are not
//! to be had, the folder is looked at every 150 ms instead.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, SystemTime};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::manifest;

/// Without notifications, how often the issue folder is looked at: quick
/// enough to feel immediate, cheap enough (a folder listing) to cost nothing.
pub const POLL: Duration = Duration::from_millis(150);
/// With notifications, how long a burst of them must fall quiet before the
/// folder is looked at: an editor's save is often several (a temporary file
/// written, then renamed over the old one).
const SETTLE: Duration = Duration::from_millis(25);
/// With notifications, the folder is still looked at this often, in case one
/// was lost (a full queue, a network folder).
const SAFETY: Duration = Duration::from_secs(2);

/// An issue folder being watched.
pub struct IssueWatch {
    root: PathBuf,
    /// The edition folder: an edition written inside the issue folder
    /// (`gazette watch . --out dist`) is not a save, or the watch would
    /// rebuild forever.
    out: PathBuf,
    wake: Wake,
    seen: Option<u64>,
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

impl IssueWatch {
    /// Watches the folder of `issue` (a folder or its issue.toml), leaving
    /// out the edition folder `out`. Without file notifications it polls,
    /// and says why in the error it returns beside the watch.
    pub fn new(issue: &Path, out: &Path) -> (Self, Option<notify::Error>) {
        let root = manifest::root_of(issue);
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let (wake, unavailable) = match notified(&root) {
            Ok(wake) => (wake, None),
            Err(error) => (Wake::Polling, Some(error)),
        };
        let watch = IssueWatch {
            root,
            out,
            wake,
            seen: None,
        };
        (watch, unavailable)
    }

    /// The folder watched.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns once the folder differs from when this last returned; the
    /// first call returns at once. A later call first waits for the wake, so
    /// that a save seen during the last build has settled before it is read.
    pub fn changed(&mut self) {
        if self.seen.is_some() {
            self.wake.wait();
        }
        loop {
            let now = fingerprint(&self.root, &self.out);
            if self.seen != Some(now) {
                self.seen = Some(now);
                return;
            }
            self.wake.wait();
        }
    }
}

fn notified(root: &Path) -> notify::Result<Wake> {
    let (sender, receiver) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading a file (our own build does) is not a change.
        if event.is_ok_and(|event| !matches!(event.kind, EventKind::Access(_))) {
            let _ = sender.send(());
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(Wake::Notified {
        _watcher: watcher,
        events: receiver,
    })
}

impl Wake {
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
