//! `gazette new` as an editor meets it: a new issue that builds at once, the
//! issue after the sample, and each way the command must refuse.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{example, gazette, sample, stderr, stdout};

/// `gazette ARGS PATHS`, run to its end.
fn run(args: &[&str], paths: &[&Path]) -> Output {
    gazette().args(args).args(paths).output().unwrap()
}

/// A scratch folder, resolved so that the paths written are those of its own.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().canonicalize().unwrap().join(name)
    }

    /// `gazette new ISSUE --date DATE [--from PREVIOUS]`.
    fn new_issue(&self, issue: &str, date: &str, from: Option<&Path>) -> Output {
        let mut command = gazette();
        command
            .arg("new")
            .arg(self.path(issue))
            .arg("--date")
            .arg(date);
        if let Some(from) = from {
            command.arg("--from").arg(from);
        }
        command.output().unwrap()
    }

    /// Builds `issue` into `dist`, returning the edition's PDF.
    fn build(&self, issue: &str, edition: &str, extra: &[&str]) -> Vec<u8> {
        let output = run(
            &[&["build"][..], extra].concat(),
            &[&self.path(issue), Path::new("--out"), &self.path("dist")],
        );
        assert!(
            output.status.success(),
            "build failed:\n{}",
            stderr(&output)
        );
        std::fs::read(self.path(&format!("dist/{edition}/{edition}.pdf"))).unwrap()
    }

    fn manifest(&self, issue: &str) -> toml::Table {
        let text = std::fs::read_to_string(self.path(issue).join("issue.toml")).unwrap();
        text.parse().unwrap()
    }

    /// Every file under the scratch folder with its contents, hidden ones included.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(self.dir.path())
            .into_iter()
            .map(Result::unwrap)
            .map(|e| {
                let contents = if e.file_type().is_file() {
                    std::fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (e.path().to_path_buf(), contents)
            })
            .collect();
        files.sort();
        files
    }
}

fn refused(output: &Output, message: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "expected a refusal:\n{err}");
    assert!(err.contains(message), "no {message:?} in:\n{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_new_issue_builds_at_once() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("issues/first", "2025-09-01", None);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    assert!(said.contains("my-gazette-2025-01"), "{said}");
    assert!(said.contains("gazette build "), "{said}");
    assert!(said.contains("documents/example.md"), "{said}");

    let manifest = scratch.manifest("issues/first");
    assert_eq!(manifest["issue"]["number"].as_integer(), Some(1));
    assert_eq!(manifest["issue"]["date"].to_string(), "2025-09-01");
    assert!(manifest.get("seal").is_none());

    let pdf = scratch.build("issues/first", "my-gazette-2025-01", &[]);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        String::from_utf8_lossy(&pdf).contains("pdfaid:part"),
        "no PDF/A metadata"
    );
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path("issues"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["first"], "a staging folder was left behind");
}

#[test]
fn an_empty_folder_becomes_the_issue() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path("empty")).unwrap();
    let output = scratch.new_issue("empty", "2025-09-01", None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(scratch.path("empty/issue.toml").is_file());
    assert!(scratch.path("empty/documents/example.md").is_file());
}

#[test]
fn after_the_sample_comes_number_nine_sealed_as_the_sample() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("next", "2025-09-15", Some(&sample()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("shanghai-gazette-2025-09"));

    let new = scratch.manifest("next");
    let old: toml::Table = std::fs::read_to_string(sample().join("issue.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(new["gazette"], old["gazette"]);
    assert_eq!(new["fonts"], old["fonts"]);
    assert_eq!(new["issue"]["year"].as_integer(), Some(2025));
    assert_eq!(new["issue"]["number"].as_integer(), Some(9));
    assert_eq!(new["issue"]["running"].as_integer(), Some(513));
    for key in ["organisation", "purpose"] {
        assert_eq!(new["seal"][key], old["seal"][key], "{key}");
    }
    for key in ["key", "certificates"] {
        let written = new["seal"][key].as_str().unwrap();
        assert!(written.starts_with("../"), "{key} = {written}");
        let was = old["seal"][key].as_str().unwrap();
        assert_eq!(
            scratch.path("next").join(written).canonicalize().unwrap(),
            sample().join(was).canonicalize().unwrap(),
            "{key}"
        );
    }

    let unsealed = scratch.build("next", "shanghai-gazette-2025-09", &["--no-seal"]);
    let sealed = scratch.build("next", "shanghai-gazette-2025-09", &[]);
    assert_ne!(unsealed, sealed);
    let verified = run(
        &["verify"],
        &[
            &scratch.path("dist/shanghai-gazette-2025-09/shanghai-gazette-2025-09.pdf"),
            Path::new("--trust"),
            &example("root.pem"),
        ],
    );
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
}

#[test]
fn from_takes_the_previous_manifest_file_too() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("next", "2025-10-01", Some(&sample().join("issue.toml")));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        scratch.manifest("next")["issue"]["number"].as_integer(),
        Some(9)
    );
}

#[test]
fn a_new_year_starts_again_at_number_one() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("next", "2026-01-10", Some(&sample()));
    assert!(output.status.success(), "{}", stderr(&output));
    let new = scratch.manifest("next");
    assert_eq!(new["issue"]["year"].as_integer(), Some(2026));
    assert_eq!(new["issue"]["number"].as_integer(), Some(1));
    assert_eq!(new["issue"]["running"].as_integer(), Some(513));
    assert!(stdout(&output).contains("shanghai-gazette-2026-01"));
}

#[test]
fn a_date_before_the_previous_issue_is_refused() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("next", "2025-08-14", Some(&sample()));
    refused(&output, "before the previous issue's date 2025-08-15");
    assert!(!scratch.path("next").exists());
    assert!(scratch.snapshot().len() == 1, "{:?}", scratch.snapshot());
}

#[test]
fn an_impossible_date_is_refused_by_the_command_line() {
    let scratch = Scratch::new();
    let output = scratch.new_issue("next", "2025-02-30", None);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is not a date"),
        "{}",
        stderr(&output)
    );
    assert!(!scratch.path("next").exists());
}

#[test]
fn an_existing_folder_is_left_as_it_was() {
    let scratch = Scratch::new();
    assert!(
        scratch
            .new_issue("issue", "2025-09-01", None)
            .status
            .success()
    );
    std::fs::write(scratch.path("issue/issue.toml"), "edited by hand").unwrap();
    let before = scratch.snapshot();
    let output = scratch.new_issue("issue", "2025-09-02", None);
    refused(&output, "already exists and is not empty");
    assert_eq!(scratch.snapshot(), before);

    std::fs::write(scratch.path("file"), "a file").unwrap();
    let before = scratch.snapshot();
    refused(
        &scratch.new_issue("file", "2025-09-02", None),
        "is not a folder",
    );
    assert_eq!(scratch.snapshot(), before);
}

#[test]
fn a_previous_issue_with_errors_is_reported() {
    let scratch = Scratch::new();
    assert!(
        scratch
            .new_issue("prev", "2025-09-01", None)
            .status
            .success()
    );
    let manifest = scratch.path("prev/issue.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("language  =", "langauge  =")).unwrap();
    let output = scratch.new_issue("next", "2025-09-02", Some(&scratch.path("prev")));
    refused(&output, "unknown key `langauge` in [gazette]");
    assert!(stderr(&output).contains("did you mean `language`?"));
    assert!(!scratch.path("next").exists());
}

#[test]
fn quotes_and_backslashes_in_the_gazette_survive() {
    let scratch = Scratch::new();
    assert!(
        scratch
            .new_issue("prev", "2025-09-01", None)
            .status
            .success()
    );
    let manifest = scratch.path("prev/issue.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title     = "))
        .unwrap();
    // Written by hand as TOML escapes: 示例"市"人民政府\公报 and a publisher with ''' in it.
    let text = text
        .replace(title_line, r#"title     = "示例\"市\"人民政府\\公报""#)
        .replace(
            "publisher = \"示例市人民政府办公厅\"",
            r#"publisher = "示例市人民政府办公厅 ''' \\\" ""#,
        );
    std::fs::write(&manifest, text).unwrap();

    let output = scratch.new_issue("next", "2025-09-02", Some(&scratch.path("prev")));
    assert!(output.status.success(), "{}", stderr(&output));
    let new = scratch.manifest("next");
    assert_eq!(
        new["gazette"]["title"].as_str(),
        Some(r#"示例"市"人民政府\公报"#)
    );
    assert_eq!(
        new["gazette"]["publisher"].as_str(),
        Some(r#"示例市人民政府办公厅 ''' \""#)
    );
    assert_eq!(new["issue"]["number"].as_integer(), Some(2));
    let example = std::fs::read_to_string(scratch.path("next/documents/example.md")).unwrap();
    assert!(example.contains("issuer"), "{example}");
    let pdf = scratch.build("next", "my-gazette-2025-02", &[]);
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn the_previous_issue_s_own_templates_come_along() {
    let scratch = Scratch::new();
    assert!(
        scratch
            .new_issue("issues/first", "2025-09-01", None)
            .status
            .success()
    );
    let first = scratch.path("issues/first");
    let written = run(&["templates"], &[&first.join("layout")]);
    assert!(written.status.success(), "{}", stderr(&written));
    let cover = first.join("layout/cover.typ");
    let own = std::fs::read_to_string(&cover)
        .unwrap()
        .replacen("size: 46pt", "size: 40pt", 1);
    std::fs::write(&cover, &own).unwrap();
    std::fs::write(first.join("layout/logo.svg"), "<svg/>").unwrap();
    let manifest = std::fs::read_to_string(first.join("issue.toml")).unwrap();
    std::fs::write(
        first.join("issue.toml"),
        manifest.replace(
            "# [templates]\n# folder = \"templates\"",
            "[templates]\nfolder = \"layout\"",
        ),
    )
    .unwrap();
    let first_pdf = scratch.build("issues/first", "my-gazette-2025-01", &[]);

    let output = scratch.new_issue("issues/second", "2025-09-15", Some(&first));
    assert!(output.status.success(), "{}", stderr(&output));
    let second = scratch.path("issues/second");
    assert_eq!(
        scratch.manifest("issues/second")["templates"]["folder"].as_str(),
        Some("layout")
    );
    assert_eq!(
        std::fs::read_to_string(second.join("layout/cover.typ")).unwrap(),
        own
    );
    assert_eq!(
        std::fs::read(second.join("layout/logo.svg")).unwrap(),
        b"<svg/>"
    );
    let second_pdf = scratch.build("issues/second", "my-gazette-2025-02", &[]);
    assert_ne!(first_pdf, second_pdf);
}
