//! `gazette watch` as an editor uses it: the edition is built at once, and
//! rebuilt when a document is saved; a broken save is reported and the watch
//! goes on.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crate::support::{copy_dir, gazette, sample};

/// Kills the watcher when the test ends, however it ends.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The next line from the watcher that starts with one of `prefixes`.
fn next_line(lines: &Receiver<String>, prefixes: &[&str]) -> String {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the watcher said nothing for a minute");
        if prefixes.iter().any(|p| line.starts_with(p)) {
            return line;
        }
    }
}

/// `gazette watch --no-seal` on `issue`, and every line it prints.
fn watch(issue: &Path, out: &Path) -> (Watcher, Receiver<String>) {
    let mut child = gazette()
        .args(["watch", "--no-seal", "--out"])
        .arg(out)
        .arg(issue)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, lines) = channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
    }
    (Watcher(child), lines)
}

/// A copy of the sample issue in `work`.
fn sample_issue(work: &Path) -> std::path::PathBuf {
    let issue = work.join("issue");
    copy_dir(&sample(), &issue);
    issue
}

#[test]
fn a_saved_edit_is_rebuilt_and_a_broken_save_does_not_stop_the_watch() {
    let work = tempfile::tempdir().unwrap();
    let issue = sample_issue(work.path());
    let out = work.path().join("dist");
    let (_watcher, lines) = watch(&issue, &out);
    let pdf = out.join("shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf");

    next_line(&lines, &["rebuilt"]);
    let first = std::fs::read(&pdf).unwrap();

    let document = issue.join("documents/hufu-2025-41.md");
    let text = std::fs::read_to_string(&document).unwrap();
    std::fs::write(&document, text.replacen("防汛", "防汛防台", 1)).unwrap();
    next_line(&lines, &["rebuilt"]);
    let second = std::fs::read(&pdf).unwrap();
    assert_ne!(first, second, "the edit did not reach the PDF");

    std::fs::write(&document, "no front matter").unwrap();
    let line = next_line(&lines, &["error: not rebuilt"]);
    assert!(line.contains("waiting for the next save"), "{line}");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        second,
        "a failed rebuild touched the edition"
    );

    std::fs::write(&document, text).unwrap();
    next_line(&lines, &["rebuilt"]);
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        first,
        "undoing the edit gives the first PDF back"
    );
}

#[test]
fn a_saved_template_is_rebuilt_and_a_broken_one_is_shown_at_its_line() {
    let work = tempfile::tempdir().unwrap();
    let issue = sample_issue(work.path());
    let written = gazette()
        .arg("templates")
        .arg(issue.join("layout"))
        .output()
        .unwrap();
    assert!(written.status.success(), "{written:?}");
    let manifest = issue.join("issue.toml");
    let toml = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, toml + "\n[templates]\nfolder = \"layout\"\n").unwrap();
    let out = work.path().join("dist");
    let (_watcher, lines) = watch(&issue, &out);
    let pdf = out.join("shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf");

    next_line(&lines, &["rebuilt"]);
    let first = std::fs::read(&pdf).unwrap();

    let cover = issue.join("layout/cover.typ");
    let template = std::fs::read_to_string(&cover).unwrap();
    assert!(template.contains("size: 46pt"));
    std::fs::write(&cover, template.replacen("size: 46pt", "size: 40pt", 1)).unwrap();
    next_line(&lines, &["rebuilt"]);
    assert_ne!(
        first,
        std::fs::read(&pdf).unwrap(),
        "the template's edit did not reach the PDF"
    );

    std::fs::write(
        &cover,
        template.replacen("size: 46pt", "size: 46pt + nothing", 1),
    )
    .unwrap();
    let error = next_line(&lines, &["error: typesetting failed"]);
    assert!(error.contains("unknown variable: nothing"), "{error}");
    let place = next_line(&lines, &["  -->", "   -->"]);
    assert!(place.contains("layout/cover.typ:"), "{place}");
    next_line(&lines, &["error: not rebuilt"]);

    std::fs::write(&cover, &template).unwrap();
    next_line(&lines, &["rebuilt"]);
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        first,
        "undoing the edit gives the first PDF back"
    );
}

#[test]
fn an_edition_written_inside_the_issue_folder_is_not_taken_for_a_save() {
    let work = tempfile::tempdir().unwrap();
    let issue = sample_issue(work.path());
    let (_watcher, lines) = watch(&issue, &issue.join("dist"));
    next_line(&lines, &["rebuilt"]);
    // Several looks at the folder (every 150 ms) after the edition was written.
    let quiet = Duration::from_millis(1500);
    let deadline = std::time::Instant::now() + quiet;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        if let Ok(line) = lines.recv_timeout(left) {
            assert!(
                !line.starts_with("rebuilt"),
                "rebuilt with nothing saved: its own edition was taken for a save"
            );
        }
    }
    std::fs::write(issue.join(".issue.toml.swp"), "an editor's swap file").unwrap();
    let document = issue.join("documents/hufu-2025-41.md");
    let text = std::fs::read_to_string(&document).unwrap();
    std::fs::write(&document, text.replacen("防汛", "防汛防台", 1)).unwrap();
    next_line(&lines, &["rebuilt"]);
}
