mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        #[cfg(feature = "typeset")]
        Command::Build(args) => cli::build::run(&args),
        #[cfg(feature = "typeset")]
        Command::Watch(args) => cli::watch::run(&args),
        #[cfg(feature = "typeset")]
        Command::New(args) => cli::new::run(&args),
        #[cfg(feature = "typeset")]
        Command::Templates(args) => cli::templates::run(&args),
        Command::Verify(args) => cli::verify::run(&args),
        Command::Certs(command) => cli::certs::run(&command),
    }
}
