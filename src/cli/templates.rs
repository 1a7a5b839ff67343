//! `gazette templates DIR`: writes gazette's own typst templates into a new
//! folder, for an office to start its own layout from. An issue uses them
//! once its manifest names the folder in [templates].

use std::process::ExitCode;

use gazette::diagnostic::Diagnostic;
use gazette::output;
use gazette::typeset;

use crate::cli::args::TemplatesArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &TemplatesArgs) -> Result<ExitCode, Failure> {
    // An office's own templates are never overwritten.
    output::vacant(&args.folder).map_err(|reason| {
        Failure::new(vec![
            Diagnostic::in_file(&args.folder, reason.to_string())
                .help("name a new folder; gazette templates never writes into a folder with files"),
        ])
    })?;
    let templates = typeset::template_sources(None);
    let files = templates.iter().map(|(name, text)| (name.as_str(), *text));
    output::write_new_folder(&args.folder, files).map_err(|error| {
        Failure::new(vec![
            Diagnostic::in_file(&args.folder, format!("cannot write the templates: {error}"))
                .help("check that the folder can be written; nothing was left behind"),
        ])
    })?;
    println!("wrote gazette's templates to {}:", args.folder.display());
    for (name, _) in &templates {
        println!("  {name}");
    }
    println!(
        "next: put the folder inside an issue folder and add to its issue.toml:\n\n[templates]\nfolder = \"{}\"\n\n\
         Files there replace gazette's of the same name; keep the <seal> box on the cover and the \
         <gz-block> marks of document.typ (see docs/manifest.md).",
        args.folder
            .file_name()
            .map_or_else(|| "templates".into(), |name| name.to_string_lossy())
    );
    Ok(ExitCode::SUCCESS)
}
