//! `gazette watch ISSUE`: rebuild the edition whenever a file of the issue
//! changes ([`gazette::watch`]). The fonts are loaded once and typst's
//! memoisation lives as long as the process, so a rebuild lays out again only
//! what the edit touched. Errors are shown and the watch goes on.

use std::process::ExitCode;
use std::time::Instant;

use gazette::manifest;
use gazette::seal::Keys;
use gazette::typeset::{self, FontSet};
use gazette::watch::{IssueWatch, POLL};

use crate::cli::args::WatchArgs;
use crate::cli::progress;
use crate::cli::terminal::{self, Failure};

pub fn run(args: &WatchArgs) -> Result<ExitCode, Failure> {
    let fonts =
        FontSet::load(&args.edition.font_paths).map_err(|font| Failure::new(vec![*font]))?;
    let seal = args.edition.seal.options();
    // The seal key is opened once for the whole watch, so its password is
    // asked once; a wrong one stops the watch before the first build.
    let keys = Keys::default();
    if let Ok(edition) = manifest::load(&args.issue) {
        keys.seal_for(&seal, &edition)
            .map_err(|problem| Failure::new(vec![*problem]))?;
    }
    let press = args.edition.press(&fonts, &seal, &keys);
    let (mut watch, unavailable) = IssueWatch::new(&args.issue, &args.edition.out);
    println!("watching {} (Ctrl-C to stop)", watch.root().display());
    if let Some(error) = unavailable {
        eprintln!(
            "note: no file notifications here ({error}); looking at the folder every {} ms",
            POLL.as_millis()
        );
    }
    loop {
        watch.changed();
        let start = Instant::now();
        let built = press.build(&args.issue, &progress::Unstaged);
        // As typst's own watch does: results unused for ten rebuilds go.
        typeset::forget_stale_layouts(10);
        match built {
            Ok(built) => println!(
                "rebuilt {} in {} ms",
                built.files.folder.display(),
                start.elapsed().as_millis()
            ),
            Err(problems) => {
                let closing = format!(
                    "not rebuilt ({}); the last edition is unchanged, waiting for the next save",
                    terminal::errors(problems.len())
                );
                terminal::print_problems(&problems, Some(&closing));
            }
        }
    }
}
