//! `gazette new`: starts an issue folder. The files come from
//! [`gazette::scaffold`]; here they are written into a staging folder next to
//! ISSUE and renamed into place, so that a failure leaves nothing behind.
//! This is the one place that reads the clock, for the default date.

use std::io;
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use gazette::diagnostic::Diagnostic;
use gazette::model::Date;
use gazette::scaffold;

use crate::cli::args::NewArgs;

pub fn run(args: &NewArgs) -> ExitCode {
    let date = args.date.unwrap_or_else(today);
    let made = match scaffold::scaffold(&args.issue, date, args.from.as_deref()) {
        Ok(made) => made,
        Err(diags) => return fail(&diags),
    };
    let files = made
        .files
        .iter()
        .map(|file| (file.path.as_str(), file.bytes.as_slice()));
    if let Err(error) = write_folder(&args.issue, files) {
        return fail(&[Diagnostic::in_file(
            &args.issue,
            format!("cannot write the new issue: {error}"),
        )
        .help("check that the folder can be written; nothing was left behind")]);
    }
    println!(
        "made {}, issue {} dated {}",
        args.issue.display(),
        made.edition_id,
        date.iso()
    );
    for file in &made.files {
        println!("  {}", file.path);
    }
    for note in &made.notes {
        eprintln!("note: {note}");
    }
    println!(
        "next: edit {}, then run: gazette build {}",
        scaffold::MANIFEST,
        shell_word(&args.issue.to_string_lossy())
    );
    ExitCode::SUCCESS
}

/// Today in UTC, from the system clock.
fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    scaffold::date_from_unix_days(seconds / 86_400)
}

/// Writes `files` (`/`-separated paths) into a staging folder beside
/// `folder`, then renames it into place; an empty folder already at `folder`
/// is replaced.
pub fn write_folder<'a>(
    issue: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> io::Result<()> {
    let parent = match issue.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)?;
    let staging = staging_folder(parent)?;
    for (name, bytes) in files {
        let path = name
            .split('/')
            .fold(staging.path().to_path_buf(), |path, part| path.join(part));
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(path, bytes)?;
    }
    let staged = staging.keep();
    let replaced_empty = issue.is_dir();
    let placed = if replaced_empty {
        // Fails, keeping the folder, if something was put in it meanwhile.
        std::fs::remove_dir(issue).and_then(|()| {
            std::fs::rename(&staged, issue).inspect_err(|_| {
                let _ = std::fs::create_dir(issue);
            })
        })
    } else {
        std::fs::rename(&staged, issue)
    };
    if placed.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    placed
}

/// A hidden temporary folder in `parent`, with the permissions an ordinary
/// new folder gets (tempfile's default is private to the owner).
fn staging_folder(parent: &Path) -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gazette-new-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    builder.tempdir_in(parent)
}

/// `word` as a shell reads it back: quoted when it holds anything but
/// letters, digits and `/._-`.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn fail(diags: &[Diagnostic]) -> ExitCode {
    for diag in diags {
        eprintln!("{diag}");
    }
    eprintln!("error: no issue was made; nothing was written");
    ExitCode::FAILURE
}
