//! The PDF's page breaks, placed in the reflowable text.
//!
//! Each [`PageStart`] becomes a page-break marker in the part it points into.
//! A page that starts a part (block 0, not inside it) gets its marker before
//! the part's title, and before the section title when the part opens a
//! section. Every other page gets its marker at the start of its block, even
//! when the page really begins inside that block (`inside`): the model does not
//! say where in the block, so the marker errs by at most one page's worth of
//! text, towards the earlier position. A block index one past the part's last
//! block marks a page that starts with the closing matter (the attachment
//! list, the signature).

use std::collections::{BTreeMap, HashSet};

use super::EpubError;
use super::layout::PartFile;
use crate::model::{BlockRef, Document, Edition, PageMap, PageStart, Part};

/// Where the page markers of one part go.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct PartPages {
    /// Before the part's title (and the section title it may open with).
    pub title: Vec<u32>,
    /// Before the block at each index.
    pub blocks: BTreeMap<usize, Vec<u32>>,
    /// After the last block, before the closing matter.
    pub end: Vec<u32>,
}

/// Every page marker of the edition.
#[derive(Debug, Default)]
pub(super) struct Placement {
    parts: BTreeMap<(usize, usize, Part), PartPages>,
    /// The pages in page order, with the part each one is in.
    pub list: Vec<(u32, PartFile)>,
}

impl Placement {
    pub fn part(&self, file: &PartFile) -> PartPages {
        self.parts
            .get(&(file.section, file.document, file.part))
            .cloned()
            .unwrap_or_default()
    }
}

/// Checks the page map against the edition and places every page.
pub(super) fn place(edition: &Edition, map: &PageMap) -> Result<Placement, EpubError> {
    let mut starts: Vec<PageStart> = map.starts.clone();
    starts.sort_by_key(|start| start.page);
    let mut seen = HashSet::new();
    let mut placement = Placement::default();
    for start in starts {
        if !seen.insert(start.page) {
            return Err(EpubError::PageMap(format!(
                "the page map lists page {} twice; each printed page starts once",
                start.page
            )));
        }
        let at = start.block;
        let blocks = block_count(edition, at)?;
        if at.block > blocks {
            return Err(EpubError::PageMap(format!(
                "the page map starts page {} at block {} of a part that has {blocks} blocks \
                 ({})",
                start.page,
                at.block,
                describe(at)
            )));
        }
        let part = placement
            .parts
            .entry((at.section, at.document, at.part))
            .or_default();
        if at.block == 0 && !start.inside {
            part.title.push(start.page);
        } else if at.block == blocks {
            part.end.push(start.page);
        } else {
            part.blocks.entry(at.block).or_default().push(start.page);
        }
        placement.list.push((
            start.page,
            PartFile {
                section: at.section,
                document: at.document,
                part: at.part,
            },
        ));
    }
    Ok(placement)
}

/// How many blocks the part `at` points into has, if the edition has that part.
fn block_count(edition: &Edition, at: BlockRef) -> Result<usize, EpubError> {
    let missing = || {
        EpubError::PageMap(format!(
            "the page map points to a part the edition does not have ({})",
            describe(at)
        ))
    };
    let document: &Document = edition
        .sections
        .get(at.section)
        .and_then(|section| section.documents.get(at.document))
        .ok_or_else(missing)?;
    match at.part {
        Part::Body => Ok(document.body.len()),
        Part::Attachment(index) => document
            .attachments
            .get(index)
            .map(|attachment| attachment.body.len())
            .ok_or_else(missing),
        Part::Interpretation => document
            .interpretation
            .as_ref()
            .map(|interpretation| interpretation.body.len())
            .ok_or_else(missing),
    }
}

fn describe(at: BlockRef) -> String {
    let part = match at.part {
        Part::Body => "body".to_string(),
        Part::Attachment(index) => format!("attachment index {index}"),
        Part::Interpretation => "interpretation".to_string(),
    };
    format!(
        "section index {}, document index {}, {part}",
        at.section, at.document
    )
}
