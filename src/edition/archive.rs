//! The signed verification manifest and the BagIt package around both
//! editions and each document's PDF, with the issue's sources as they were
//! typeset.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::epub;
use crate::manifest;
use crate::model::Edition;
use crate::package::{self, Package, PackageError, PackageInputs};
use crate::seal::Seal;
use crate::typeset::{self, FontSet};
use crate::zipped::Deflated;

use super::DataForms;
use super::render::Editions;

/// The package of the `editions` made of `edition`, with the data `forms`
/// the PDF carries (some of them `deflated` already for the zip).
pub fn package(
    issue: &Path,
    edition: &Edition,
    editions: &Editions,
    forms: &DataForms,
    deflated: &[Deflated],
    fonts: &FontSet,
    seal: Option<&Seal>,
) -> Result<Package, Box<Diagnostic>> {
    let root = manifest::root_of(issue);
    let manifest_file = manifest::file_of(issue);
    let manifest_name = manifest_file
        .file_name()
        .map_or_else(|| manifest::FILE_NAME.into(), |n| n.to_string_lossy());
    let templates: Vec<(String, &[u8])> = typeset::template_sources(edition.templates.as_ref())
        .into_iter()
        .chain(epub::template_sources())
        .collect();
    let templates: Vec<(&str, &[u8])> = templates.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let inputs = PackageInputs {
        edition,
        issue_root: &root,
        manifest_name: &manifest_name,
        page_map: &editions.page_map,
        pdf: &editions.pdf,
        epub: &editions.epub,
        data: Some(&forms.published),
        akn: &forms.akn,
        document_files: &editions.documents,
        templates: &templates,
        fonts: fonts.digests(),
        sealer: seal.map(Seal::sealer),
        long_term: seal.and_then(Seal::long_term),
        tool_version: env!("CARGO_PKG_VERSION"),
        deflated,
    };
    package::build(&inputs).map_err(|error| Box::new(failed(edition, &error)))
}

/// The diagnostic for a package that failed, with help when the issue's
/// own templates are to blame.
pub(super) fn failed(edition: &Edition, error: &PackageError) -> Diagnostic {
    let diagnostic = Diagnostic::new(format!("the archival package failed: {error}"));
    match (error, &edition.templates) {
        (PackageError::PageMap(_), Some(templates)) => diagnostic.help(format!(
            "the issue's own templates in {}/ must mark every block with <gz-block> metadata, as gazette's document.typ does: the page numbers of the EPUB and of manifest.json come from those marks",
            templates.folder
        )),
        (PackageError::PageMap(_), None) => diagnostic.bug(),
        _ => diagnostic,
    }
}
