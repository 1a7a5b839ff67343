//! The typst `World` of one edition: gazette's templates (or the issue's own,
//! read with its manifest), the edition as JSON and the fonts, and nothing
//! else. No other file of the machine, no package, no clock.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::FontSet;
use crate::model::{Date, Templates};

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

/// gazette's typst templates that an edition uses, by file name, for the
/// build record of the verification manifest: all of them but those the
/// issue's own `templates` replace.
pub fn template_sources(templates: Option<&Templates>) -> Vec<(String, &'static [u8])> {
    TEMPLATES
        .iter()
        .map(|(path, text)| (path.trim_start_matches('/'), text.as_bytes()))
        .filter(|(name, _)| templates.is_none_or(|own| own.file(name).is_none()))
        .map(|(name, text)| (name.to_string(), text))
        .collect()
}

/// Where the edition's data appears to the templates.
pub const EDITION_JSON: &str = "/edition.json";

/// Where the edition's published data (`crate::data`) appears to the
/// templates, for the PDF to carry.
pub const EDITION_DATA: &str = "/data/edition.json";
/// Where each page's verification code, URL and QR code (made by
/// `crate::edition` from the published data) appear to the templates.
pub const VERIFICATION: &str = "/data/verification.json";
/// Where the edition's Akoma Ntoso appears to the templates, for the PDF to
/// carry.
pub const EDITION_AKN: &str = "/data/edition.akn.xml";

pub struct EditionWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a FontSet,
    sources: Vec<Source>,
    /// The issue's own template files that are not typst source: images.
    files: Vec<(FileId, Bytes)>,
    /// Which sources are the issue's own, not gazette's.
    own: Vec<FileId>,
    edition: Bytes,
    /// The published data; empty until [`EditionWorld::with_data`].
    data: Bytes,
    /// The Akoma Ntoso; empty until [`EditionWorld::with_akn`].
    akn: Bytes,
    /// The pages' verification codes; empty, and no page shows one, until
    /// [`EditionWorld::with_verification`].
    verification: Bytes,
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
            files: Vec::new(),
            own: Vec::new(),
            edition: Bytes::new(edition_json),
            data: Bytes::new(Vec::new()),
            akn: Bytes::new(Vec::new()),
            verification: Bytes::new(Vec::new()),
            today: Datetime::from_ymd(i32::from(date.year), date.month, date.day)
                .unwrap_or_else(|| unreachable!("dates are validated by the manifest")),
        }
    }

    /// The world with the edition's published data `json` for the PDF to
    /// carry.
    pub fn with_data(mut self, json: Vec<u8>) -> Self {
        self.data = Bytes::new(json);
        self
    }

    /// The world with the issue's own templates in place of gazette's files
    /// of the same name, and their other files readable. Paths were checked
    /// when the manifest was read; one typst cannot name is left out.
    pub fn with_templates(mut self, templates: &Templates) -> Self {
        for file in &templates.files {
            let Ok(vpath) = VirtualPath::new(format!("/{}", file.path)) else {
                continue;
            };
            let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
            self.own.push(id);
            match &file.text {
                Some(text) => {
                    let source = Source::new(id, text.clone());
                    match self.sources.iter_mut().find(|s| s.id() == id) {
                        Some(gazettes) => *gazettes = source,
                        None => self.sources.push(source),
                    }
                }
                None => self.files.push((id, Bytes::new(file.bytes.clone()))),
            }
        }
        self
    }

    /// The world with the edition's Akoma Ntoso `xml` for the PDF to carry.
    pub fn with_akn(mut self, xml: Vec<u8>) -> Self {
        self.akn = Bytes::new(xml);
        self
    }

    /// The world with the pages' verification codes `json` for the
    /// templates to print.
    pub fn with_verification(mut self, json: Vec<u8>) -> Self {
        self.verification = Bytes::new(json);
        self
    }

    /// The path of `id` from the templates' root, and whether the file is
    /// the issue's own rather than gazette's.
    pub(super) fn origin(&self, id: FileId) -> (String, bool) {
        let path = id.get().vpath().get_without_slash().to_string();
        (path, self.own.contains(&id))
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
        if id == file_id(EDITION_DATA) {
            return Ok(self.data.clone());
        }
        if id == file_id(EDITION_AKN) {
            return Ok(self.akn.clone());
        }
        if id == file_id(VERIFICATION) {
            return Ok(self.verification.clone());
        }
        if let Some((_, bytes)) = self.files.iter().find(|(file, _)| *file == id) {
            return Ok(bytes.clone());
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
