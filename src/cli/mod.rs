//! The command line: one file a command (`build`, `watch`, `import`, `new`,
//! `templates`, `verify`, `site`, `extend`, `certs`), their arguments in `args.rs`, and what
//! they print besides their results in two files that are not commands:
//! `progress.rs` (a build's progress, warnings and notes) and `terminal.rs`
//! (a failure's problems). Each command parses, calls the library and
//! prints; a command that fails returns a [`terminal::Failure`], which
//! `main` prints once. Without the `typeset` feature the binary is the
//! public's verifier alone.

pub mod args;
#[cfg(feature = "typeset")]
mod build;
mod certs;
mod extend;
#[cfg(feature = "typeset")]
mod import;
#[cfg(feature = "typeset")]
mod new;
#[cfg(feature = "typeset")]
mod progress;
mod site;
#[cfg(feature = "typeset")]
mod templates;
pub mod terminal;
mod verify;
#[cfg(feature = "typeset")]
mod watch;

use std::process::ExitCode;

use args::Command;
use terminal::Failure;

/// Runs `command`: its exit status, or what stopped it.
pub fn run(command: &Command) -> Result<ExitCode, Failure> {
    match command {
        #[cfg(feature = "typeset")]
        Command::Build(args) => build::run(args),
        #[cfg(feature = "typeset")]
        Command::Watch(args) => watch::run(args),
        #[cfg(feature = "typeset")]
        Command::Import(args) => import::run(args),
        #[cfg(feature = "typeset")]
        Command::New(args) => new::run(args),
        #[cfg(feature = "typeset")]
        Command::Templates(args) => templates::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Site(args) => site::run(args),
        Command::Extend(args) => extend::run(args),
        Command::Certs(command) => certs::run(command),
    }
}
