//! The file as it was at the end of each signed revision, each read once.
//!
//! A seal's check reads the revision it signs twice (its signature
//! dictionary, then what changed after it), and a document timestamp's
//! revision is read again for the evidence it covers. Each is a parse of
//! nearly the whole file, so they are parsed once, side by side with the
//! current file, before any check needs them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use lopdf::Document;
use rayon::prelude::*;

use super::{load, raw_byte_ranges};

/// The current file and its earlier revisions that signatures end at.
pub(super) struct Revisions<'a> {
    bytes: &'a [u8],
    earlier: BTreeMap<usize, Result<Document, String>>,
}

impl<'a> Revisions<'a> {
    /// Parses `bytes` and, in parallel, each earlier revision that a byte
    /// range written in the file ends at (one of `ends`).
    pub(super) fn read(
        bytes: &'a [u8],
        ends: &[usize],
    ) -> (Result<Document, String>, Revisions<'a>) {
        let mut signed: Vec<usize> = raw_byte_ranges(bytes)
            .into_iter()
            .filter_map(|[_, _, start, length]| usize::try_from(start.checked_add(length)?).ok())
            .filter(|end| *end < bytes.len() && ends.contains(end))
            .collect();
        signed.sort_unstable();
        signed.dedup();
        let (current, earlier) = rayon::join(
            || load(bytes),
            || {
                signed
                    .into_par_iter()
                    .map(|end| (end, load(&bytes[..end])))
                    .collect()
            },
        );
        (current, Revisions { bytes, earlier })
    }

    /// Frees these revisions and `document` on rayon's pool, off the path
    /// to the report: freeing a parsed PDF's many small allocations takes a
    /// sixth of a long-term seal's verification, and nothing waits for it.
    pub(super) fn release(self, document: Document) {
        let earlier = self.earlier;
        rayon::spawn(move || drop((document, earlier)));
    }

    /// The length of the current file.
    pub(super) fn file_length(&self) -> usize {
        self.bytes.len()
    }

    /// The revision that ends at `end`: read already, or now when no byte
    /// range in the file's text pointed at it (one inside an object stream).
    pub(super) fn at(&self, end: usize) -> Result<Cow<'_, Document>, String> {
        match self.earlier.get(&end) {
            Some(Ok(document)) => Ok(Cow::Borrowed(document)),
            Some(Err(why)) => Err(why.clone()),
            None => load(&self.bytes[..end]).map(Cow::Owned),
        }
    }
}
