//! Sealing: which seal an edition gets ([`identity`]), the visible seal
//! ([`appearance`]), the PAdES signature that carries it ([`pdf`]) and the
//! EPUB's XML signature ([`epub`]); how long the PDF seal lasts
//! ([`long_term`]): its time-stamp, its validation data ([`dss`]) and the
//! document timestamps over them ([`doc_timestamp`]), renewed by
//! [`extend`]; all incremental updates written by [`update`].

pub mod appearance;
pub mod doc_timestamp;
pub mod dss;
pub mod epub;
pub mod extend;
mod identity;
pub mod long_term;
mod network;
pub mod pdf;
#[cfg(test)]
mod tests;
pub(crate) mod update;

use std::cell::RefCell;

use crate::cms;
use crate::signer::Signer;
use crate::timestamp::Token;

pub use appearance::SealDesign;
pub use identity::{Keys, Seal, SealOptions};
pub use long_term::{Authorities, Level, LongTerm};
#[cfg(test)]
pub(crate) use network::AsOf;
pub use network::Network;
pub use pdf::SealError;
pub use update::ParsedPdf;

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

impl Spot {
    /// A rectangle without area: readers list the seal in their signature
    /// panel and draw nothing on the page.
    fn is_invisible(&self) -> bool {
        let [left, bottom, right, top] = self.rect;
        right <= left || top <= bottom
    }
}

/// Who seals: the key, and the certificate chain (the seal's own first).
#[derive(Clone, Copy)]
pub struct Sealer<'a> {
    pub signer: &'a dyn Signer,
    pub chain: &'a [Vec<u8>],
}

/// Seals `pdf` with a certification signature whose widget shows `design`
/// drawn with `font` at `spot`. `time` is the claimed signing time as a PDF
/// date. With `long_term`, the seal is carried to its level: B-T, B-LT or
/// B-LTA; without it, or at B-B, it is PAdES B-B.
pub fn seal_pdf(
    pdf: &ParsedPdf,
    sealer: &Sealer,
    design: &SealDesign,
    font: &[u8],
    spot: Spot,
    time: &str,
    long_term: Option<LongTerm>,
) -> Result<Vec<u8>, SealError> {
    // An invisible seal's face would never be seen: not drawing it spares a
    // font read and shaping for each document's PDF of a build.
    let appearance = if spot.is_invisible() {
        appearance::Appearance {
            content: Vec::new(),
            bbox: [0.0; 4],
        }
    } else {
        appearance::draw(design, font)
            .map_err(|e| SealError::Pdf(format!("the seal cannot be drawn: {e}")))?
    };
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
    seal_as_planned(pdf, sealer, plan, long_term)
}

/// [`seal_pdf`] once the appearance is drawn.
fn seal_as_planned(
    pdf: &ParsedPdf,
    sealer: &Sealer,
    plan: pdf::SealPlan,
    long_term: Option<LongTerm>,
) -> Result<Vec<u8>, SealError> {
    match long_term.filter(|l| l.level > Level::B) {
        None => pdf::seal(pdf, &plan, |ranges| {
            cms::sign_detached(ranges, sealer.chain, sealer.signer).map_err(|e| e.to_string())
        }),
        Some(long_term) => seal_long_term(pdf, sealer, plan, long_term),
    }
}

/// The seal at B-T, then carried on to `long_term`'s level.
fn seal_long_term(
    pdf: &ParsedPdf,
    sealer: &Sealer,
    plan: pdf::SealPlan,
    long_term: LongTerm,
) -> Result<Vec<u8>, SealError> {
    let token: RefCell<Option<Token>> = RefCell::new(None);
    let signature: RefCell<Vec<u8>> = RefCell::new(Vec::new());
    let stamp = long_term.stamper();
    let stamper = |data: &[u8]| {
        let stamped = stamp(data)?;
        token.replace(Some(stamped.clone()));
        Ok(stamped)
    };
    let reserve = cms::reserved_size_timestamped(sealer.chain, cms::TIME_STAMP_ALLOWANCE);
    let sealed = long_term::with_room(reserve, |reserve| {
        let plan = pdf::SealPlan {
            reserve,
            ..plan.clone()
        };
        pdf::seal(pdf, &plan, |ranges| {
            let cms = cms::sign_detached_timestamped(ranges, sealer.chain, sealer.signer, &stamper)
                .map_err(|e| e.to_string())?;
            signature.replace(dss::stored_contents(&cms, reserve));
            Ok(cms)
        })
    })?;
    if long_term.level < Level::Lt {
        return Ok(sealed);
    }
    let token = token
        .take()
        .ok_or_else(|| SealError::Pdf("the seal was not time-stamped".into()))?;
    let known = long_term::known_certificates(sealer.chain, &token);
    let chains = long_term::chains_to_validate(sealer.chain, &token, &known);
    let signature = signature.take();
    let signed = long_term::Signed {
        contents: &signature,
        chains,
    };
    let validated = long_term::add_validation_data(&sealed, &[signed], long_term.authorities)?;
    if long_term.level < Level::Lta {
        return Ok(validated);
    }
    long_term::add_archive_timestamp(&validated, long_term.authorities, &known)
}
