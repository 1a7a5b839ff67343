//! The command line, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "Builds the authentic digital edition of a government gazette issue"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build an issue's edition: DIR/<edition-id>/<edition-id>.pdf
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The issue: a folder holding issue.toml, or that file
    pub issue: PathBuf,

    /// Where editions are written; each lands in a folder named by its id
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,

    /// Also use the fonts under DIR (e.g. the office's licensed official faces);
    /// may be given several times. System fonts are never used otherwise.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}
