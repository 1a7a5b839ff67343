//! The PDF and EPUB editions from one layout, each sealed when the edition is.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::epub::{self, Cover, EpubOptions};
use crate::model::{Edition, PageMap, SealTime};
use crate::seal::{self, Seal, SealDesign, Spot};
use crate::typeset::{EditionWorld, Layout, SEAL_FONT};

use super::problems;

/// Both editions of an issue, finished (sealed when sealing), and the page
/// map they were made with.
pub struct Editions {
    pub pdf: Vec<u8>,
    pub epub: Vec<u8>,
    pub page_map: PageMap,
}

impl Editions {
    /// The PDF and the EPUB need only the layout, so they are made side by
    /// side on rayon's pool, one after the other when it has one thread.
    pub fn make(
        issue: &Path,
        edition: &Edition,
        world: &EditionWorld,
        layout: &Layout,
        seal: Option<&Seal>,
    ) -> Result<Self, Diagnostics> {
        let (pdf, epub) = rayon::join(
            || pdf_edition(issue, edition, world, layout, seal),
            || {
                let page_map = layout.page_map();
                epub_edition(edition, &page_map, layout.cover_svg(), seal)
                    .map(|bytes| (bytes, page_map))
            },
        );
        let pdf = pdf?;
        let (epub, page_map) = epub.map_err(|diag| vec![*diag])?;
        Ok(Editions {
            pdf,
            epub,
            page_map,
        })
    }
}

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
