//! `gazette certs example`: a throwaway PKI for trying sealing out.

use std::process::ExitCode;

use gazette::example_pki;

use crate::cli::args::CertsCommand;
use crate::cli::terminal::Failure;

pub fn run(command: &CertsCommand) -> Result<ExitCode, Failure> {
    match command {
        CertsCommand::Example { out, publish, ocsp } => {
            let publication = example_pki::Publication {
                files: publish.clone(),
                ocsp: ocsp.clone(),
            };
            let files = example_pki::write_example(out, &publication)
                .map_err(|error| Failure::message(error.to_string()))?;
            for file in &files {
                println!("wrote {}", file.display());
            }
            println!(
                "TEST ONLY: these certificates and keys are public; never seal a real edition with them. Encrypted keys use the password \"{}\".",
                example_pki::EXAMPLE_PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
