//! The PDF and EPUB editions, and each document's own PDF, from one layout,
//! each sealed when the edition is.

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::epub::{self, Cover, EpubOptions};
use crate::model::{Document, Edition, PageMap, SealTime};
use crate::package::{self, DocumentFile, manifest::PageRange};
use crate::seal::{self, Seal, SealDesign, Spot};
use crate::typeset::{EditionWorld, Extract, Layout, SEAL_FONT};

use super::{archive, problems};

/// Both editions of an issue and each document's own PDF, finished (sealed
/// when sealing), and the page map they were made with.
pub struct Editions {
    pub pdf: Vec<u8>,
    pub epub: Vec<u8>,
    /// Each document's PDF, in edition order, when they were asked for.
    pub documents: Vec<DocumentFile>,
    pub page_map: PageMap,
}

impl Editions {
    /// The PDF, the EPUB and the documents' PDFs (with `document_pdfs`)
    /// need only the layout, so they are made side by side on rayon's pool,
    /// one after the other when it has one thread.
    pub fn make(
        issue: &Path,
        edition: &Edition,
        world: &EditionWorld,
        layout: &Layout,
        seal: Option<&Seal>,
        document_pdfs: bool,
    ) -> Result<Self, Diagnostics> {
        let page_map = layout.page_map();
        let pages = package::document_pages(edition, &page_map)
            .map_err(|error| vec![archive::failed(edition, &error)])?;
        let (pdf, (epub, documents)) = rayon::join(
            || pdf_edition(issue, edition, world, layout, seal),
            || {
                rayon::join(
                    || epub_edition(edition, &page_map, layout.cover_svg(), seal),
                    || {
                        if document_pdfs {
                            each_document_pdf(issue, edition, world, layout, &pages, seal)
                        } else {
                            Ok(Vec::new())
                        }
                    },
                )
            },
        );
        let pdf = pdf?;
        let epub = epub.map_err(|diag| vec![*diag])?;
        Ok(Editions {
            pdf,
            epub,
            documents: documents?,
            page_map,
        })
    }
}

/// Each document's pages of the layout, `pages` in edition order, as a PDF
/// of its own, sealed like the edition but with an invisible signature: its
/// pages stay exactly the edition's, and the visible seal is the cover's.
fn each_document_pdf(
    issue: &Path,
    edition: &Edition,
    world: &EditionWorld,
    layout: &Layout,
    pages: &[PageRange],
    seal: Option<&Seal>,
) -> Result<Vec<DocumentFile>, Diagnostics> {
    let documents: Vec<&Document> = edition
        .sections
        .iter()
        .flat_map(|section| &section.documents)
        .collect();
    documents
        .par_iter()
        .zip(pages)
        .enumerate()
        .map(|(index, (document, range))| {
            let extract = Extract {
                pages: (range.first, range.last),
                title: &document.title,
                uri: &document.uri,
            };
            let pdf = layout
                .export_extract(world, edition, &extract)
                .map_err(|errors| problems::typesetting(issue, edition, errors))?;
            let bytes = match seal {
                None => pdf,
                Some(seal) => seal_pdf(seal, &pdf, INVISIBLE, &edition.issue.date.seal_time())
                    .map_err(|error| {
                        vec![Diagnostic::new(format!(
                            "cannot seal the PDF of \"{}\": {error}",
                            document.title
                        ))]
                    })?,
            };
            Ok(DocumentFile {
                document: index,
                path: package::document_file(&edition.id, index + 1, "pdf"),
                media_type: "application/pdf",
                bytes,
            })
        })
        .collect()
}

/// A signature field on the first page with an empty rectangle: readers
/// list the seal in their signature panel and draw nothing on the page.
const INVISIBLE: Spot = Spot {
    page: 0,
    rect: [0.0; 4],
};

/// The PDF edition, exported from the layout and sealed on the cover where
/// the template left room.
fn pdf_edition(
    issue: &Path,
    edition: &Edition,
    world: &EditionWorld,
    layout: &Layout,
    seal: Option<&Seal>,
) -> Result<Vec<u8>, Diagnostics> {
    let pdf = layout
        .export(world, edition)
        .map_err(|errors| problems::typesetting(issue, edition, errors))?;
    let Some(seal) = seal else {
        return Ok(pdf);
    };
    let spot = layout
        .seal_spot()
        .ok_or_else(|| vec![problems::no_seal_spot(edition)])?;
    seal_pdf(seal, &pdf, spot, &edition.issue.date.seal_time())
        .map_err(|error| vec![Diagnostic::new(error.to_string())])
}

/// `pdf` with `seal` appended, drawn at `spot` with the bundled seal face.
/// It lives here rather than beside [`Seal::seal_epub`] because that face is
/// one of the bundled fonts, which only the typesetting build carries.
pub fn seal_pdf(
    seal: &Seal,
    pdf: &[u8],
    spot: Spot,
    time: &SealTime,
) -> Result<Vec<u8>, seal::SealError> {
    let design = SealDesign::new(&seal.text);
    seal::seal_pdf(
        pdf,
        &seal.sealer(),
        &design,
        SEAL_FONT,
        spot,
        &time.pdf(),
        seal.long_term(),
    )
}

/// The EPUB edition, from the same model, with the PDF's cover and page
/// numbers, sealed by the same seal.
pub fn epub_edition(
    edition: &Edition,
    page_map: &PageMap,
    cover_svg: String,
    seal: Option<&Seal>,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let cover = Cover {
        bytes: cover_svg.into_bytes(),
        media_type: "image/svg+xml",
    };
    let failed =
        |e: epub::EpubError| Box::new(Diagnostic::new(format!("the EPUB edition failed: {e}")));
    let mut files =
        epub::render(edition, page_map, Some(&cover), &EpubOptions::default()).map_err(failed)?;
    if let Some(seal) = seal {
        files = seal
            .seal_epub(files, &edition.issue.date.seal_time())
            .map_err(|e| Diagnostic::new(format!("cannot seal the EPUB edition: {e}")))?;
    }
    epub::package(&files, edition.issue.date).map_err(failed)
}
