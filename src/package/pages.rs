//! Where each document sits in the PDF edition, read off the page map the
//! typesetter reports: a document begins on the page whose text starts with
//! its body's first block, and ends on the last page before the next one begins.

use super::PackageError;
use super::manifest::PageRange;
use crate::model::{BlockRef, Edition, PageMap, Part};

/// The printed pages of every document, in edition order.
pub fn document_pages(edition: &Edition, map: &PageMap) -> Result<Vec<PageRange>, PackageError> {
    let firsts = first_page_indexes(edition, map)?;
    let ends = firsts.iter().skip(1).copied().chain([map.starts.len()]);
    Ok(firsts
        .iter()
        .zip(ends)
        .map(|(&first, end)| PageRange {
            first: map.starts[first].page,
            last: map.starts[end - 1].page,
        })
        .collect())
}

/// For each document, the index in `map.starts` of the page it begins on.
/// These must rise strictly, as documents are printed in edition order.
fn first_page_indexes(edition: &Edition, map: &PageMap) -> Result<Vec<usize>, PackageError> {
    let mut indexes: Vec<usize> = Vec::new();
    for (section, s) in edition.sections.iter().enumerate() {
        for (document, d) in s.documents.iter().enumerate() {
            let begins = BlockRef {
                section,
                document,
                part: Part::Body,
                block: 0,
            };
            let index = map
                .starts
                .iter()
                .position(|start| start.block == begins && !start.inside)
                .ok_or_else(|| {
                    page_map_fault(format!("no page begins with document \"{}\"", d.title))
                })?;
            if indexes.last().is_some_and(|&previous| previous >= index) {
                return Err(page_map_fault(format!(
                    "document \"{}\" begins before the document printed ahead of it",
                    d.title
                )));
            }
            indexes.push(index);
        }
    }
    Ok(indexes)
}

fn page_map_fault(what: String) -> PackageError {
    PackageError::PageMap(format!(
        "the PDF's page map does not fit the edition: {what}"
    ))
}
