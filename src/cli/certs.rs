//! `gazette certs example`: a throwaway PKI for trying sealing out.

use std::process::ExitCode;

use gazette::certs;

use crate::cli::args::CertsCommand;
use crate::cli::terminal::Failure;

pub fn run(command: &CertsCommand) -> Result<ExitCode, Failure> {
    match command {
        CertsCommand::Example { out } => {
            let files =
                certs::write_example(out).map_err(|error| Failure::message(error.to_string()))?;
            for file in &files {
                println!("wrote {}", file.display());
            }
            println!(
                "TEST ONLY: these certificates and keys are public; never seal a real edition with them. Encrypted keys use the password \"{}\".",
                certs::EXAMPLE_PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
