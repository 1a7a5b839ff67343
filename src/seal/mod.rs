//! Sealing: which seal an edition gets ([`identity`]), the visible seal
//! ([`appearance`]), the PAdES signature that carries it ([`pdf`]) and the
//! EPUB's XML signature ([`epub`]).

pub mod appearance;
pub mod epub;
mod identity;
pub mod pdf;

use crate::cms;
use crate::signer::Signer;

pub use appearance::SealDesign;
pub use identity::{Keys, Seal, SealOptions};
pub use pdf::SealError;

/// The seal's diameter, and so the side of the box labelled `<seal>` that
/// templates/cover.typ leaves for it.
pub const DIAMETER_MM: f64 = 42.0;

/// Where the seal goes: 0-based page index and its square in PDF points,
/// from the page's lower left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spot {
    pub page: usize,
    pub rect: [f32; 4],
}

/// Who seals: the key, and the certificate chain (the seal's own first).
#[derive(Clone, Copy)]
pub struct Sealer<'a> {
    pub signer: &'a dyn Signer,
    pub chain: &'a [Vec<u8>],
}

/// Seals `pdf` with a certification signature whose widget shows `design`
/// drawn with `font` at `spot`. `time` is the claimed signing time as a PDF date.
pub fn seal_pdf(
    pdf: &[u8],
    sealer: &Sealer,
    design: &SealDesign,
    font: &[u8],
    spot: Spot,
    time: &str,
) -> Result<Vec<u8>, SealError> {
    let appearance = appearance::draw(design, font)
        .map_err(|e| SealError::Pdf(format!("the seal cannot be drawn: {e}")))?;
    let plan = pdf::SealPlan {
        appearance: &appearance.content,
        bbox: appearance.bbox,
        page: spot.page,
        rect: spot.rect,
        time: time.to_string(),
        name: design.organisation.to_string(),
        reason: design.purpose.to_string(),
        reserve: cms::reserved_size(sealer.chain),
    };
    pdf::seal(pdf, &plan, |ranges| {
        cms::sign_detached(ranges, sealer.chain, sealer.signer).map_err(|e| e.to_string())
    })
}
