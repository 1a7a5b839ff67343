//! `gazette extend FILE --tsa URL`: renews a sealed PDF's evidence in place,
//! through [`gazette::seal::extend`]. A package's evidence is not renewed yet:
//! such a path is refused with that reason.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gazette::seal::{Network, extend};
use gazette::verify::Options;

use crate::cli::args::ExtendArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &ExtendArgs) -> Result<ExitCode, Failure> {
    let file = &args.file;
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::message(format!("cannot read {}: {e}", file.display())))?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(Failure::message(format!(
            "{} is not a PDF: only a sealed PDF edition can be extended yet; renewing a package's evidence is not supported yet",
            file.display()
        )));
    }
    let anchors = Options::trusting(&args.trust)
        .map_err(|e| Failure::message(e.to_string()))?
        .anchors;
    let network = Network::new(&args.tsa)
        .map_err(|e| Failure::message(format!("the time-stamp authority: {e}")))?;
    let extended = extend::extend_pdf(&bytes, &network, &anchors).map_err(|e| {
        Failure::message(format!(
            "{} was not extended: {e}; it is unchanged",
            file.display()
        ))
    })?;
    replace(file, &extended).map_err(|e| {
        Failure::message(format!(
            "cannot write {}: {e}; it is unchanged",
            file.display()
        ))
    })?;
    println!(
        "extended {}: fresh revocation evidence and a document timestamp from {} appended ({} bytes before, {} now)",
        file.display(),
        args.tsa,
        bytes.len(),
        extended.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` beside `file`, then renames it over `file`: a failure
/// halfway leaves the old file whole.
fn replace(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut staged = tempfile::NamedTempFile::new_in(folder)?;
    staged.write_all(bytes)?;
    staged.as_file().sync_all()?;
    staged.persist(file).map_err(|e| e.error)?;
    Ok(())
}
