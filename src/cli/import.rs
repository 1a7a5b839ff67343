//! `gazette import`: Word files into an issue. Prints, for each document,
//! what was recognised, what the editor must set and what was left out.

use std::process::ExitCode;

use gazette::import::{self, Request};

use crate::cli::args::ImportArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &ImportArgs) -> Result<ExitCode, Failure> {
    let request = Request {
        files: &args.files,
        into: &args.into,
        section: args.section.as_deref(),
    };
    let (imported, section) = import::import(&request).map_err(|problems| {
        Failure::new(problems).closing("nothing was imported; no file was written")
    })?;
    for document in &imported {
        println!(
            "imported {} as {}",
            document.source.display(),
            document.document
        );
        for found in &document.found {
            println!("  found {found}");
        }
        for attachment in &document.attachments {
            println!("  wrote {attachment}");
        }
        for notice in &document.notices {
            let at = match notice.paragraph {
                0 => String::new(),
                n => format!(" (paragraph {n})"),
            };
            eprintln!(
                "note: {}{at}: {}",
                document.source.display(),
                notice.message
            );
        }
        if !document.to_set.is_empty() {
            eprintln!(
                "note: set {} in {} yourself: the Word file does not say {}",
                document.to_set.join(", "),
                document.document,
                if document.to_set == ["disclosure"] {
                    "whether the document may be published (公开属性)"
                } else {
                    "them"
                }
            );
        }
    }
    println!(
        "listed {} document(s) in section \"{section}\" of issue.toml",
        imported.len()
    );
    Ok(ExitCode::SUCCESS)
}
