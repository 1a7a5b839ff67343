//! The PDF and EPUB editions, and each document's own PDF, from one layout,
//! each sealed when the edition is.

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::epub::{self, Cover, EpubOptions};
use crate::model::{Document, Edition, PageMap, SealTime};
use crate::package::{self, DocumentFile, manifest::PageRange};
use crate::seal::{self, ParsedPdf, Seal, SealDesign, Spot};
use crate::typeset::{EditionWorld, Layout, SEAL_FONT};

use super::{archive, problems};

mod content;
mod cut;
mod glyphs;

use cut::{EditionPdf, Piece};

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
    /// The PDF and the EPUB need only the layout, so they are made side by
    /// side on rayon's pool (one after the other when it has one thread).
    /// Each document's PDF is cut from the exported edition PDF, while the
    /// edition is sealed.
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
        let (pdfs, epub) = rayon::join(
            || -> Result<_, Diagnostics> {
                let pdf = layout
                    .export(world, edition)
                    .map_err(|errors| problems::typesetting(issue, edition, errors))?;
                let (sealed, documents) = rayon::join(
                    || seal_edition(edition, layout, &pdf, seal),
                    || {
                        if document_pdfs {
                            each_document_pdf(edition, layout, &pdf, &pages, seal)
                        } else {
                            Ok(Vec::new())
                        }
                    },
                );
                Ok((sealed?, documents?))
            },
            || epub_edition(edition, &page_map, layout.cover_svg(), seal),
        );
        let (pdf, documents) = pdfs?;
        let epub = epub.map_err(|diag| vec![*diag])?;
        Ok(Editions {
            pdf,
            epub,
            documents,
            page_map,
        })
    }
}

/// Each document's pages of the edition's exported `pdf`, `pages` in
/// edition order, as a PDF of its own, sealed like the edition but with an
/// invisible signature: its pages stay exactly the edition's, and the
/// visible seal is the cover's.
fn each_document_pdf(
    edition: &Edition,
    layout: &Layout,
    pdf: &ParsedPdf,
    pages: &[PageRange],
    seal: Option<&Seal>,
) -> Result<Vec<DocumentFile>, Diagnostics> {
    let cannot = |document: &Document, why: String| {
        vec![
            Diagnostic::new(format!(
                "cannot make the PDF of \"{}\": {why}",
                document.title
            ))
            .bug(),
        ]
    };
    let documents: Vec<&Document> = edition
        .sections
        .iter()
        .flat_map(|section| &section.documents)
        .collect();
    let whole = EditionPdf::new(pdf);
    documents
        .par_iter()
        .zip(pages)
        .enumerate()
        .map(|(index, (document, range))| {
            let located = layout
                .locate(edition, (range.first, range.last))
                .map_err(|error| cannot(document, error.to_string()))?;
            let piece = Piece {
                pages: located.pages,
                first_printed: range.first,
                title: &document.title,
                description: &located.description,
                uri: &document.uri,
                part_of: &edition.uri,
                date: edition.issue.date,
            };
            let pdf = whole
                .cut(&piece)
                .map_err(|error| cannot(document, error.to_string()))?;
            let bytes = match seal {
                None => pdf.into_bytes(),
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

/// The PDF edition, exported as `pdf`, sealed on the cover where the
/// template left room.
fn seal_edition(
    edition: &Edition,
    layout: &Layout,
    pdf: &ParsedPdf,
    seal: Option<&Seal>,
) -> Result<Vec<u8>, Diagnostics> {
    let Some(seal) = seal else {
        return Ok(pdf.bytes().to_vec());
    };
    let spot = layout
        .seal_spot()
        .ok_or_else(|| vec![problems::no_seal_spot(edition)])?;
    seal_pdf(seal, pdf, spot, &edition.issue.date.seal_time())
        .map_err(|error| vec![Diagnostic::new(error.to_string())])
}

/// `pdf` with `seal` appended, drawn at `spot` with the bundled seal face.
/// It lives here rather than beside [`Seal::seal_epub`] because that face is
/// one of the bundled fonts, which only the typesetting build carries.
pub fn seal_pdf(
    seal: &Seal,
    pdf: &ParsedPdf,
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
