//! The typst `World` of one edition: the templates, the edition as JSON and
//! the fonts, and nothing else. No file of the machine, no package, no clock.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::FontSet;
use crate::model::Date;

/// The templates, compiled in so that every build uses the same ones.
const TEMPLATES: [(&str, &str); 4] = [
    ("/gazette.typ", include_str!("../../templates/gazette.typ")),
    ("/cover.typ", include_str!("../../templates/cover.typ")),
    (
        "/document.typ",
        include_str!("../../templates/document.typ"),
    ),
    ("/blocks.typ", include_str!("../../templates/blocks.typ")),
];

/// The typst templates by file name, for the build record of the
/// verification manifest.
pub fn template_sources() -> Vec<(String, &'static [u8])> {
    TEMPLATES
        .iter()
        .map(|(path, text)| (path.trim_start_matches('/').to_string(), text.as_bytes()))
        .collect()
}

/// Where the edition's data appears to the templates.
pub const EDITION_JSON: &str = "/edition.json";

pub struct EditionWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a FontSet,
    sources: Vec<Source>,
    edition: Bytes,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    // The paths are our own constants, always valid.
    let vpath =
        VirtualPath::new(path).unwrap_or_else(|_| unreachable!("invalid template path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl<'a> EditionWorld<'a> {
    pub fn new(fonts: &'a FontSet, edition_json: Vec<u8>, date: Date) -> Self {
        let sources = TEMPLATES
            .iter()
            .map(|(path, text)| Source::new(file_id(path), text.to_string()))
            .collect();
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            sources,
            edition: Bytes::new(edition_json),
            today: Datetime::from_ymd(i32::from(date.year), date.month, date.day)
                .unwrap_or_else(|| unreachable!("dates are validated by the manifest")),
        }
    }
}

impl World for EditionWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.sources[0].id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| refuse(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id(EDITION_JSON) {
            return Ok(self.edition.clone());
        }
        self.source(id).map(Bytes::from_string)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn refuse(id: FileId) -> FileError {
    let path = id.get();
    match path.root() {
        VirtualRoot::Package(_) => FileError::Other(Some(
            "packages are not available to gazette templates".into(),
        )),
        VirtualRoot::Project => FileError::NotFound(path.vpath().get_without_slash().into()),
    }
}
