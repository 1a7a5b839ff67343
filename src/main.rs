mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::Cli;
use cli::terminal::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::run(&cli.command).unwrap_or_else(Failure::report)
}
