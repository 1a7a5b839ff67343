//! The fonts typst may use: the bundled faces, embedded in the binary so that
//! output never depends on the machine, plus those under `--font-path`.

use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::diagnostic::Diagnostic;

/// The bundled faces, in `fonts/`; see fonts/README.md for their roles.
const BUNDLED: [(&str, &[u8]); 4] = [
    (
        "NotoSerifCJKsc-Regular.otf",
        include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf"),
    ),
    (
        "NotoSerifCJKsc-Bold.otf",
        include_bytes!("../../fonts/NotoSerifCJKsc-Bold.otf"),
    ),
    (
        "NotoSansCJKsc-Bold.otf",
        include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf"),
    ),
    (
        "LXGWWenKai-Regular.ttf",
        include_bytes!("../../fonts/LXGWWenKai-Regular.ttf"),
    ),
];

/// The listed SHA-256 of the bundled face `name`.
fn bundled_sha256(name: &str) -> Result<&'static str, Box<Diagnostic>> {
    BUNDLED_SHA256SUMS
        .lines()
        .filter_map(|line| line.split_once("  "))
        .find(|(_, file)| *file == name)
        .map(|(sha256, _)| sha256)
        .ok_or_else(|| {
            Diagnostic::new(format!(
                "fonts/SHA256SUMS does not list the bundled face {name}"
            ))
            .bug()
            .into()
        })
}

/// The face the red seal's characters are drawn from: Noto Sans CJK SC Bold,
/// a Hei face, as official seals use.
pub const SEAL_FONT: &[u8] = BUNDLED[2].1;

/// The bundled faces' SHA-256, as `sha256sum` prints them. Read from a file
/// rather than computed: hashing 80 MB of fonts would cost every build about
/// 50 ms. A test checks the list against the faces.
const BUNDLED_SHA256SUMS: &str = include_str!("../../fonts/SHA256SUMS");

struct FontFile {
    name: String,
    data: Bytes,
    /// The listed SHA-256 of a bundled face.
    bundled_sha256: Option<&'static str>,
}

pub struct FontSet {
    pub(super) book: LazyHash<FontBook>,
    pub(super) fonts: Vec<Font>,
    /// Each font file loaded: the bundled ones by file name, others by path.
    files: Vec<FontFile>,
    /// The files' SHA-256, computed once however many issues are built.
    digests: OnceLock<Vec<(String, String)>>,
}

impl FontSet {
    /// The bundled fonts, then every font file found under `extra` folders.
    /// Fonts from `extra` come first so that a family found in both is the
    /// office's licensed copy.
    pub fn load(extra: &[impl AsRef<Path>]) -> Result<Self, Box<Diagnostic>> {
        let help = "give --font-path a folder that holds .ttf, .otf or .ttc files";
        let mut files = Vec::new();
        for folder in extra {
            let folder = folder.as_ref();
            if !folder.is_dir() {
                return Err(Diagnostic::new(format!(
                    "--font-path {}: no such folder",
                    folder.display()
                ))
                .help(help)
                .into());
            }
            let mut paths: Vec<_> = walkdir::WalkDir::new(folder)
                .follow_links(true)
                .into_iter()
                .filter_map(Result::ok)
                .map(|entry| entry.into_path())
                .filter(|path| {
                    let ext = path
                        .extension()
                        .and_then(|e| e.to_str())
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc")
                })
                .collect();
            // Sorted, so the same folder always gives the same fallback order.
            paths.sort();
            for path in paths {
                let data = std::fs::read(&path).map_err(|e| {
                    Diagnostic::new(format!("cannot read font {}: {e}", path.display())).help(help)
                })?;
                files.push(FontFile {
                    name: path.display().to_string(),
                    data: Bytes::new(data),
                    bundled_sha256: None,
                });
            }
        }
        for (name, data) in BUNDLED {
            files.push(FontFile {
                name: name.to_string(),
                data: Bytes::new(data),
                bundled_sha256: Some(bundled_sha256(name)?),
            });
        }
        // Parsing a CJK face's tables is the costliest fixed step of a build:
        // the faces are parsed side by side, in load order.
        let fonts: Vec<Font> = files
            .par_iter()
            .map(|file| Font::iter(file.data.clone()).collect::<Vec<Font>>())
            .collect::<Vec<Vec<Font>>>()
            .into_iter()
            .flatten()
            .collect();
        Ok(Self {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            files,
            digests: OnceLock::new(),
        })
    }

    /// Every font file the typesetter could use, as (name, SHA-256 in
    /// lowercase hex), in load order.
    pub fn digests(&self) -> &[(String, String)] {
        self.digests.get_or_init(|| {
            self.files
                .iter()
                .map(|file| {
                    let sha256 = file
                        .bundled_sha256
                        .map_or_else(|| crate::digest::sha256(&file.data), str::to_owned);
                    (file.name.clone(), sha256)
                })
                .collect()
        })
    }

    /// Whether some font has a glyph for `c`: typst falls back through all of them.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|font| font.info().coverage.contains(c as u32))
    }

    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_digests_are_the_bundled_faces() {
        for (name, data) in BUNDLED {
            let computed = crate::digest::sha256(data);
            assert_eq!(
                bundled_sha256(name),
                Ok(computed.as_str()),
                "fonts/SHA256SUMS is out of date for {name}: run `sha256sum *.otf *.ttf | sort -k2 > SHA256SUMS` in fonts/"
            );
        }
    }

    #[test]
    fn fonts_from_a_font_path_are_hashed() {
        let folder = tempfile::tempdir().unwrap();
        let face = folder.path().join("Bundled-Copy.otf");
        std::fs::write(&face, BUNDLED[0].1).unwrap();
        let fonts = FontSet::load(&[folder.path()]).unwrap();
        let digests = fonts.digests();
        assert_eq!(digests.len(), BUNDLED.len() + 1);
        assert_eq!(digests[0].0, face.display().to_string());
        assert_eq!(digests[0].1, bundled_sha256(BUNDLED[0].0).unwrap());
        assert_eq!(digests[1], (BUNDLED[0].0.to_owned(), digests[0].1.clone()));
    }
}
