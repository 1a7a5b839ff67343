//! What a build tells the editor when typesetting cannot go on: where the
//! problem is (the issue's text, its own templates, or gazette's) and what to
//! do about it.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::manifest;
use crate::model::Edition;
use crate::seal;
use crate::typeset::{Place, TypesetError, Uncovered};

/// typst's errors, told by where they are: one in the issue's own template
/// is the editor's to fix, shown at its line; one in gazette's is ours.
pub fn typesetting(issue: &Path, edition: &Edition, errors: Vec<TypesetError>) -> Diagnostics {
    let own = edition.templates.as_ref();
    errors
        .into_iter()
        .map(|error| match (&error.place, own) {
            (Place::Issue { path, range }, Some(templates)) => {
                let file = manifest::root_of(issue).join(&templates.folder).join(path);
                let text = templates
                    .file(path)
                    .and_then(|f| f.text.clone())
                    .unwrap_or_default();
                SourceFile::new(file, text)
                    .error(range.clone(), format!("typesetting failed: {}", error.message))
                    .help("the error is in the issue's own template: fix it there (`gazette templates DIR` writes gazette's own templates, to compare)")
            }
            (_, Some(templates)) => Diagnostic::new(format!("typesetting failed: {error}")).help(format!(
                "the issue's own templates in {}/ may give gazette's templates something they do not expect; without [templates] the issue uses gazette's own",
                templates.folder
            )),
            (_, None) => Diagnostic::new(format!("typesetting failed: {error}")).bug(),
        })
        .collect()
}

/// The layout has no `<seal>` box to put the seal in.
pub fn no_seal_spot(edition: &Edition) -> Diagnostic {
    let diagnostic = Diagnostic::new("the template left no place for the seal");
    match &edition.templates {
        Some(templates) => diagnostic.help(format!(
            "the issue's own templates in {}/ must keep, on the cover, a box {} mm square labelled <seal>, as gazette's cover.typ does; or build with --no-seal",
            templates.folder,
            seal::DIAMETER_MM
        )),
        None => diagnostic.bug(),
    }
}

/// Points at the first place the uncovered character is written.
pub fn uncovered(edition: &Edition, root: &Path, uncovered: &Uncovered) -> Diagnostic {
    let c = uncovered.character;
    let (files, whose) = match uncovered.document {
        None => (
            vec![manifest::FILE_NAME.to_string()],
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
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(text) = manifest::text::decode(&path, &bytes)
            && let Some(at) = text.find(c)
        {
            return SourceFile::new(path, text.to_owned())
                .error(at..at + c.len_utf8(), message)
                .help(help);
        }
    }
    Diagnostic::in_file(&root.join(&files[0]), message).help(help)
}
