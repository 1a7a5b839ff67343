//! Where everything lives in the container: one XHTML per document part,
//! named after its position in the edition, so names never depend on user text.

use super::{Cover, EpubError};
use crate::model::{Document, Edition, Part};

/// The folder holding the package document and everything it lists.
pub(super) const ROOT: &str = "EPUB/";
/// The package document, relative to the container.
pub(super) const PACKAGE: &str = "EPUB/package.opf";
/// The stylesheet, relative to [`ROOT`].
pub(super) const STYLESHEET: &str = "css/gazette.css";
pub(super) const NAV: &str = "nav.xhtml";
pub(super) const COVER_PAGE: &str = "cover.xhtml";

/// One content document: a document's body, one of its attachments, or its
/// policy interpretation, each on pages of its own as in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PartFile {
    pub section: usize,
    pub document: usize,
    pub part: Part,
}

impl PartFile {
    /// The manifest id and file stem: `s1-d2`, `s1-d2-a1`, `s1-d2-i` (1-based).
    pub fn id(&self) -> String {
        let base = format!("s{}-d{}", self.section + 1, self.document + 1);
        match self.part {
            Part::Body => base,
            Part::Attachment(index) => format!("{base}-a{}", index + 1),
            Part::Interpretation => format!("{base}-i"),
        }
    }

    /// The file name, as the other parts link to it.
    pub fn name(&self) -> String {
        format!("{}.xhtml", self.id())
    }

    /// The path relative to [`ROOT`], as the package and navigation link to it.
    pub fn href(&self) -> String {
        format!("text/{}", self.name())
    }
}

/// The path inside the container of a document's body: the file an archive's
/// record of the document points to, such as `EPUB/text/s1-d2.xhtml`.
/// `section` and `document` are 0-based indexes into the edition.
pub fn document_path(section: usize, document: usize) -> String {
    let body = PartFile {
        section,
        document,
        part: Part::Body,
    };
    format!("{ROOT}{}", body.href())
}

/// The content documents in reading order: section by section, each
/// document's body, then its attachments, then its interpretation.
pub(super) fn part_files(edition: &Edition) -> Vec<PartFile> {
    let mut files = Vec::new();
    for (section, s) in edition.sections.iter().enumerate() {
        for (document, d) in s.documents.iter().enumerate() {
            files.extend(parts_of(d).map(|part| PartFile {
                section,
                document,
                part,
            }));
        }
    }
    files
}

/// The parts a document has, in reading order.
pub(super) fn parts_of(document: &Document) -> impl Iterator<Item = Part> {
    let attachments = (0..document.attachments.len()).map(Part::Attachment);
    let interpretation = document
        .interpretation
        .as_ref()
        .map(|_| Part::Interpretation);
    std::iter::once(Part::Body)
        .chain(attachments)
        .chain(interpretation)
}

/// The cover picture's path relative to [`ROOT`], for a supported format.
pub(super) fn cover_image(cover: &Cover) -> Result<&'static str, EpubError> {
    match cover.media_type {
        "image/svg+xml" => Ok("images/cover.svg"),
        "image/png" => Ok("images/cover.png"),
        other => Err(EpubError::Cover(format!(
            "the cover is {other}; the EPUB edition takes an SVG (image/svg+xml) or PNG \
             (image/png) cover"
        ))),
    }
}
