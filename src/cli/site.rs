//! `gazette site DIR --trust ROOT.pem`: the web edition of built editions.

use std::process::ExitCode;
use std::time::Instant;

use gazette::site::{self, SiteOptions};
use gazette::verify::Options;

use crate::cli::args::SiteArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &SiteArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    let trust = Options::trusting(&args.trust).map_err(|e| Failure::message(e.to_string()))?;
    let site = site::write(&SiteOptions {
        input: &args.editions,
        out: &args.out,
        trust: &trust,
    })
    .map_err(Failure::new)?;
    println!(
        "wrote {} in {:.2} s: {} editions, {} documents, {} files",
        site.folder.display(),
        started.elapsed().as_secs_f64(),
        site.editions,
        site.documents,
        site.files,
    );
    match site.search {
        Some(took) => println!(
            "  search index of the documents in {:.2} s",
            took.as_secs_f64()
        ),
        None => println!(
            "  no search index: this gazette was built without the `search` feature \
             (cargo install --features search); the search page says so"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
