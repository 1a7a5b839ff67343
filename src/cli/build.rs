//! `gazette build`: manifest → model → PDF → the edition folder.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use gazette::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use gazette::epub::{self, Cover, EpubOptions};
use gazette::manifest;
use gazette::model::Edition;
use gazette::output::Staging;
use gazette::package::{self, PackageInputs};
use gazette::typeset::{self, EditionWorld, FontSet, Uncovered};

use crate::cli::args::BuildArgs;
use crate::cli::seal::{self, SealIdentity};

pub fn run(args: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    let edition = match manifest::load(&args.issue) {
        Ok(edition) => edition,
        Err(diags) => return fail(&diags),
    };
    // Opened before typesetting, so that a wrong password fails at once.
    let identity = match seal::open(&args.seal, &edition) {
        Ok(identity) => identity,
        Err(diag) => return fail(&[*diag]),
    };
    let fonts = match FontSet::load(&args.font_paths) {
        Ok(fonts) => fonts,
        Err(message) => {
            return fail(&[Diagnostic::new(message)
                .help("give --font-path a folder that holds .ttf, .otf or .ttc files")]);
        }
    };
    let uncovered = typeset::uncovered(&edition, &fonts);
    if !uncovered.is_empty() {
        let root = manifest::root_of(&args.issue);
        let diags: Diagnostics = uncovered
            .iter()
            .map(|u| uncovered_diagnostic(&edition, &root, u))
            .collect();
        return fail(&diags);
    }
    let (json, missing) = typeset::edition_json(&edition, &fonts);
    if !missing.is_empty() {
        let listed: Vec<String> = missing
            .iter()
            .map(|(role, family)| format!("{family} ({role})"))
            .collect();
        eprintln!(
            "note: fonts not available, the next in each role's list is used: {}; add them with --font-path DIR",
            listed.join(", ")
        );
    }
    let world = EditionWorld::new(&fonts, json, edition.issue.date);
    let pdf = match typeset::compile(&world, &edition) {
        Ok(pdf) => pdf,
        Err(messages) => {
            let diags: Diagnostics = messages
                .into_iter()
                .map(|m| {
                    Diagnostic::new(format!("typesetting failed: {m}")).help(
                        "this is a bug in gazette's templates, not in your issue: please report it",
                    )
                })
                .collect();
            return fail(&diags);
        }
    };
    let pdf_bytes = match &identity {
        Some(identity) => match identity.seal_pdf(&edition, &pdf) {
            Ok(sealed) => sealed,
            Err(diag) => return fail(&[*diag]),
        },
        None => pdf.bytes.clone(),
    };
    let epub_bytes = match epub_edition(&edition, &pdf, identity.as_ref()) {
        Ok(bytes) => bytes,
        Err(diag) => return fail(&[*diag]),
    };
    let package = match archival_package(
        args,
        &edition,
        &pdf,
        &fonts,
        &pdf_bytes,
        &epub_bytes,
        identity.as_ref(),
    ) {
        Ok(package) => package,
        Err(diag) => return fail(&[*diag]),
    };
    let pdf_name = format!("{}.pdf", edition.id);
    let epub_name = format!("{}.epub", edition.id);
    let bag = package::bag_folder_name(&edition.id);
    let written = Staging::new(&args.out, &edition.id).and_then(|staging| {
        staging.write(&pdf_name, &pdf_bytes)?;
        staging.write(&epub_name, &epub_bytes)?;
        staging.write("manifest.json", &package.manifest_json)?;
        if let Some(signature) = &package.signature {
            staging.write("manifest.json.p7s", signature)?;
        }
        for (path, bytes) in &package.files {
            staging.write(&format!("{bag}/{path}"), bytes)?;
        }
        staging.write(&package::zip_name(&edition.id), &package.zip)?;
        staging.publish()
    });
    match written {
        Ok(folder) => {
            let sealed = if identity.is_some() {
                "sealed"
            } else {
                "not sealed"
            };
            println!(
                "built {} in {:.2} s, {sealed}",
                folder.display(),
                start.elapsed().as_secs_f64(),
            );
            println!(
                "  {pdf_name}  {} pages, {} KiB",
                pdf.pages,
                pdf_bytes.len() / 1024
            );
            println!("  {epub_name}  {} KiB", epub_bytes.len() / 1024);
            println!(
                "  manifest.json{}, {bag}/ and {} ({} files, {} KiB)",
                if package.signature.is_some() {
                    " + .p7s"
                } else {
                    ""
                },
                package::zip_name(&edition.id),
                package.files.len(),
                package.zip.len() / 1024
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&[Diagnostic::in_file(
            &args.out,
            format!("cannot write the edition: {error}"),
        )
        .help("check that the output folder is writable; any earlier edition there is unchanged")]),
    }
}

/// The EPUB edition, from the same model, with the PDF's cover and pages,
/// sealed by the same identity.
fn epub_edition(
    edition: &Edition,
    pdf: &typeset::Pdf,
    identity: Option<&SealIdentity>,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let cover = Cover {
        bytes: pdf.cover_svg.clone().into_bytes(),
        media_type: "image/svg+xml",
    };
    let bug =
        |e: epub::EpubError| Box::new(Diagnostic::new(format!("the EPUB edition failed: {e}")));
    let mut files = epub::render(
        edition,
        &pdf.page_map,
        Some(&cover),
        &EpubOptions::default(),
    )
    .map_err(bug)?;
    if let Some(identity) = identity {
        files = identity.seal_epub(edition, files)?;
    }
    epub::package(&files, edition.issue.date).map_err(bug)
}

/// The signed verification manifest and the BagIt package around both editions.
fn archival_package(
    args: &BuildArgs,
    edition: &Edition,
    pdf: &typeset::Pdf,
    fonts: &FontSet,
    pdf_bytes: &[u8],
    epub_bytes: &[u8],
    identity: Option<&SealIdentity>,
) -> Result<package::Package, Box<Diagnostic>> {
    let root = manifest::root_of(&args.issue);
    let manifest_name = if args.issue.is_dir() {
        "issue.toml".to_string()
    } else {
        args.issue
            .file_name()
            .map_or_else(|| "issue.toml".into(), |n| n.to_string_lossy().into_owned())
    };
    let templates: Vec<(String, &[u8])> = typeset::template_sources()
        .into_iter()
        .chain(epub::template_sources())
        .collect();
    let templates: Vec<(&str, &[u8])> = templates.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let fonts: Vec<(String, &[u8])> = fonts.files().map(|(n, b)| (n.to_string(), b)).collect();
    let inputs = PackageInputs {
        edition,
        issue_root: &root,
        manifest_name: &manifest_name,
        page_map: &pdf.page_map,
        pdf: pdf_bytes,
        epub: epub_bytes,
        templates: &templates,
        fonts: &fonts,
        chain: identity.map(SealIdentity::chain),
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    package::build(&inputs, identity.map(SealIdentity::signer))
        .map_err(|e| Box::new(Diagnostic::new(format!("the archival package failed: {e}"))))
}

fn fail(diags: &[Diagnostic]) -> ExitCode {
    for diag in diags {
        eprintln!("{diag}");
    }
    let count = diags.len();
    eprintln!(
        "error: the edition was not built ({count} error{}); nothing was written",
        if count == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// Points at the first place the uncovered character is written.
fn uncovered_diagnostic(edition: &Edition, root: &Path, uncovered: &Uncovered) -> Diagnostic {
    let c = uncovered.character;
    let (files, whose) = match uncovered.document {
        None => (
            vec!["issue.toml".to_string()],
            "the issue manifest".to_string(),
        ),
        Some((s, d)) => {
            let document = &edition.sections[s].documents[d];
            let mut files = vec![document.source.clone()];
            files.extend(document.attachments.iter().map(|a| a.source.clone()));
            files.extend(document.interpretation.iter().map(|i| i.source.clone()));
            (files, format!("document \"{}\"", document.title))
        }
    };
    let message = format!(
        "no font has the character '{c}' (U+{:04X}) in {whose}",
        c as u32
    );
    let help = "it would print as an empty box: replace it, or add a font that has it with --font-path DIR";
    for file in &files {
        let path = root.join(file);
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(at) = text.find(c)
        {
            return SourceFile::new(path, text)
                .error(at..at + c.len_utf8(), message)
                .help(help);
        }
    }
    Diagnostic::in_file(&root.join(&files[0]), message).help(help)
}
