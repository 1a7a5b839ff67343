//! `gazette extend PATH --tsa URL`: renews an archived edition's evidence in
//! place: a sealed PDF through [`gazette::seal::extend`], a package (a bag
//! folder, its zip, or the edition folder holding both) through
//! [`gazette::package::extend`]. What a renewal could not make current
//! (a certificate revoked since, a CA whose responders are gone) is said as
//! `note:` lines: the earlier evidence stands for those certificates.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gazette::package::extend::{self as package, Extended};
use gazette::revocation::RevocationNote;
use gazette::seal::{Network, extend};
use gazette::verify::Options;

use crate::cli::args::ExtendArgs;
use crate::cli::terminal::Failure;

pub fn run(args: &ExtendArgs) -> Result<ExitCode, Failure> {
    let path = &args.file;
    let anchors = Options::trusting(&args.trust)
        .map_err(|e| Failure::message(e.to_string()))?
        .anchors;
    let network = Network::new(&args.tsa)
        .map_err(|e| Failure::message(format!("the time-stamp authority: {e}")))?;
    let unchanged = |e: &dyn std::fmt::Display| {
        Failure::message(format!(
            "{} was not extended: {e}; it is unchanged",
            path.display()
        ))
    };
    if path.is_dir() {
        let extended =
            package::extend_folder(path, &network, &anchors).map_err(|e| unchanged(&e))?;
        print_package(&extended, &args.tsa);
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::message(format!("cannot read {}: {e}", path.display())))?;
    if bytes.starts_with(b"PK\x03\x04") {
        let extended = package::extend_zip(path, &network, &anchors).map_err(|e| unchanged(&e))?;
        print_package(&[extended], &args.tsa);
        return Ok(ExitCode::SUCCESS);
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(Failure::message(format!(
            "{} is neither a sealed PDF edition nor a package (a .bag folder, a .bag.zip, or an \
             edition folder holding them)",
            path.display()
        )));
    }
    let extend::Extended {
        pdf: extended,
        notes,
    } = extend::extend_pdf(&bytes, &network, &anchors).map_err(|e| unchanged(&e))?;
    replace(path, &extended).map_err(|e| {
        Failure::message(format!(
            "cannot write {}: {e}; it is unchanged",
            path.display()
        ))
    })?;
    println!(
        "extended {}: fresh revocation evidence and a document timestamp from {} appended ({} bytes before, {} now)",
        path.display(),
        args.tsa,
        bytes.len(),
        extended.len()
    );
    print_notes(&notes);
    Ok(ExitCode::SUCCESS)
}

/// Each note as `note: …` on standard error.
fn print_notes(notes: &[RevocationNote]) {
    for note in notes {
        eprintln!("note: {note}");
    }
}

fn print_package(extended: &[Extended], tsa: &str) {
    for Extended { path, renewed } in extended {
        println!(
            "extended {}: archive timestamp {} from {tsa} at {}, with fresh revocation evidence ({} files added under evidence/)",
            path.display(),
            renewed.number,
            renewed.time,
            renewed.added.len()
        );
    }
    // An edition's folder and zip renewed as one share their notes.
    let mut notes: Vec<RevocationNote> = Vec::new();
    for note in extended.iter().flat_map(|e| &e.renewed.notes) {
        if !notes.contains(note) {
            notes.push(note.clone());
        }
    }
    print_notes(&notes);
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
