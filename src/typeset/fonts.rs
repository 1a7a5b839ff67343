//! The fonts typst may use: the bundled faces, embedded in the binary so that
//! output never depends on the machine, plus those under `--font-path`.

use std::path::Path;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

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

/// The face the red seal's characters are drawn from: Noto Sans CJK SC Bold,
/// a Hei face, as official seals use.
pub const SEAL_FONT: &[u8] = BUNDLED[2].1;

pub struct FontSet {
    pub(super) book: LazyHash<FontBook>,
    pub(super) fonts: Vec<Font>,
    /// Each font file loaded: the bundled ones by file name, others by path.
    files: Vec<(String, Bytes)>,
}

impl FontSet {
    /// The bundled fonts, then every font file found under `extra` folders.
    /// Fonts from `extra` come first so that a family found in both is the
    /// office's licensed copy.
    pub fn load(extra: &[impl AsRef<Path>]) -> Result<Self, String> {
        let mut files = Vec::new();
        for folder in extra {
            let folder = folder.as_ref();
            if !folder.is_dir() {
                return Err(format!("--font-path {}: no such folder", folder.display()));
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
                let data = std::fs::read(&path)
                    .map_err(|e| format!("cannot read font {}: {e}", path.display()))?;
                files.push((path.display().to_string(), Bytes::new(data)));
            }
        }
        for (name, data) in BUNDLED {
            files.push((name.to_string(), Bytes::new(data)));
        }
        let fonts: Vec<Font> = files
            .iter()
            .flat_map(|(_, data)| Font::iter(data.clone()))
            .collect();
        Ok(Self {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            files,
        })
    }

    /// Every font file the typesetter could use, as (name, bytes).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|(name, data)| (name.as_str(), data.as_slice()))
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
