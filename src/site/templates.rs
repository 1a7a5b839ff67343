//! The web edition's templates and fixed assets (templates/site/), compiled
//! in. Pages receive the editions only as data, escaped on the way out by
//! the engine the EPUB uses.

use crate::epub::{self, Templates};

const TEMPLATES: [(&str, &str); 9] = [
    (
        "layout.html",
        include_str!("../../templates/site/layout.html"),
    ),
    (
        "downloads.html",
        include_str!("../../templates/site/downloads.html"),
    ),
    ("home.html", include_str!("../../templates/site/home.html")),
    ("year.html", include_str!("../../templates/site/year.html")),
    (
        "issue.html",
        include_str!("../../templates/site/issue.html"),
    ),
    (
        "document.html",
        include_str!("../../templates/site/document.html"),
    ),
    (
        "search.html",
        include_str!("../../templates/site/search.html"),
    ),
    (
        "verify.html",
        include_str!("../../templates/site/verify.html"),
    ),
    ("blocks.xhtml", epub::BLOCKS),
];

/// Files every site carries as they are, by their path in the site. The
/// vendored libraries come from templates/site/vendor/refresh.sh.
pub const ASSETS: [(&str, &[u8]); 5] = [
    (
        "assets/site.css",
        include_bytes!("../../templates/site/assets/site.css"),
    ),
    (
        "assets/search.js",
        include_bytes!("../../templates/site/assets/search.js"),
    ),
    (
        "assets/verify.js",
        include_bytes!("../../templates/site/assets/verify.js"),
    ),
    (
        "assets/vendor/crypto.js",
        include_bytes!("../../templates/site/assets/vendor/crypto.js"),
    ),
    (
        "assets/vendor/LICENSES.txt",
        include_bytes!("../../templates/site/assets/vendor/LICENSES.txt"),
    ),
];

pub fn engine() -> Result<Templates, epub::EpubError> {
    Templates::with(&TEMPLATES)
}
