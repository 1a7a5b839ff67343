//! `gazette new`: starts an issue folder. The files come from
//! [`gazette::scaffold`] and are put in place by [`gazette::output`], so that
//! a failure leaves nothing behind.
//! This is the one place that reads the clock, for the default date.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use gazette::diagnostic::Diagnostic;
use gazette::model::Date;
use gazette::{output, scaffold};

use crate::cli::args::NewArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &NewArgs) -> Result<ExitCode, Failure> {
    let not_made =
        |problems| Failure::new(problems).closing("no issue was made; nothing was written");
    let date = args.date.unwrap_or_else(today);
    let made = scaffold::scaffold(&args.issue, date, args.from.as_deref()).map_err(not_made)?;
    let files = made
        .files
        .iter()
        .map(|file| (file.path.as_str(), file.bytes.as_slice()));
    output::write_new_folder(&args.issue, files).map_err(|error| {
        not_made(vec![
            Diagnostic::in_file(&args.issue, format!("cannot write the new issue: {error}"))
                .help("check that the folder can be written; nothing was left behind"),
        ])
    })?;
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
    Ok(ExitCode::SUCCESS)
}

/// Today in UTC, from the system clock.
fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    scaffold::date_from_unix_days(seconds / 86_400)
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
