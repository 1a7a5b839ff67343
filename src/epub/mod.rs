//! The EPUB 3 edition: the same issue as the PDF, reflowable, for phones and
//! e-readers, with the PDF's page numbers kept as a page list so that a
//! citation by page works in both editions.
//!
//! [`render`] turns the edition model into the container's files (package
//! document, navigation, cover, one XHTML per document part, stylesheet);
//! [`package`] zips any such file list reproducibly. Between the two a caller
//! may add files of its own, such as `META-INF/signatures.xml`.
//!
//! Every piece of user text reaches the XHTML through minijinja with XML
//! escaping on; nothing the editor writes is ever template source.

mod container;
mod layout;
mod pages;
mod templates;

pub use templates::sources as template_sources;
pub use templates::{BLOCKS, Templates};
mod text;
mod view;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::diagnostic::BUG;
use crate::model::{Edition, PageMap};

pub use container::{CONTAINER_PATH, MIMETYPE, MIMETYPE_PATH, package};
pub use layout::document_path;
pub use view::{blocks_view, issue_line};

/// The cover picture, as the cover page shows it.
#[derive(Debug, Clone)]
pub struct Cover {
    pub bytes: Vec<u8>,
    /// `"image/svg+xml"` or `"image/png"`.
    pub media_type: &'static str,
}

/// Choices for the EPUB edition.
#[derive(Debug, Clone, Copy, Default)]
pub struct EpubOptions {
    /// Embed subsets of the issue's fonts. Not available yet: asking for it
    /// is an error rather than an EPUB that silently lacks them.
    pub embed_fonts: bool,
}

/// One file of the EPUB container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpubFile {
    /// The path inside the container, `/`-separated, such as `EPUB/nav.xhtml`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why the EPUB edition could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpubError {
    /// The options ask for something this version cannot do.
    Unsupported(String),
    /// The page map does not fit the edition.
    PageMap(String),
    /// User text that XML cannot carry.
    Text(String),
    /// A cover in a format EPUB readers are not required to show.
    Cover(String),
    /// A file list or date that cannot make an EPUB container.
    Package(String),
    /// A fault in gazette's own EPUB templates, not in the issue.
    Template(String),
}

impl fmt::Display for EpubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpubError::Unsupported(message)
            | EpubError::PageMap(message)
            | EpubError::Text(message)
            | EpubError::Cover(message)
            | EpubError::Package(message) => f.write_str(message),
            EpubError::Template(message) => {
                write!(f, "the EPUB templates failed ({message}); {BUG}")
            }
        }
    }
}

impl std::error::Error for EpubError {}

/// The EPUB's files in container order: `mimetype`, `META-INF/container.xml`,
/// the package document, navigation, cover, stylesheet, then the content
/// documents in reading order.
pub fn render(
    edition: &Edition,
    pages: &PageMap,
    cover: Option<&Cover>,
    options: &EpubOptions,
) -> Result<Vec<EpubFile>, EpubError> {
    if options.embed_fonts {
        return Err(EpubError::Unsupported(
            "font embedding is not available in this version of the EPUB edition; \
             build it without embedded fonts (readers then use their own CJK fonts)"
                .into(),
        ));
    }
    if let Some(cover) = cover {
        layout::cover_image(cover)?;
    }
    text::check(edition)?;
    let placement = pages::place(edition, pages)?;
    view::files(edition, &placement, cover)
}
