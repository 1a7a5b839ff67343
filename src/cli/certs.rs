//! `gazette certs example`: a throwaway PKI for trying sealing out.

use std::process::ExitCode;

use gazette::certs;

use crate::cli::args::CertsCommand;

pub fn run(command: &CertsCommand) -> ExitCode {
    match command {
        CertsCommand::Example { out } => match certs::write_example(out) {
            Ok(files) => {
                for file in &files {
                    println!("wrote {}", file.display());
                }
                println!(
                    "TEST ONLY: these certificates and keys are public; never seal a real edition with them. Encrypted keys use the password \"{}\".",
                    certs::EXAMPLE_PASSWORD
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}
