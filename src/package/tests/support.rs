//! What the package tests share: the sample issue with a synthetic page map
//! and fake editions, the example seal keys, and digests computed apart from
//! the code under test.

use std::path::{Path, PathBuf};

use crate::akn::Akn;
use crate::model::{BlockRef, Edition, PageMap, PageStart, Part};
use crate::package::manifest::PageRange;
use crate::package::{Package, PackageInputs, build};
use crate::seal::Sealer;
use crate::signer::{RsaPadding, Signer};
use crate::test_support::keys as test_support;

pub const TOOL_VERSION: &str = "0.1.0-test";

/// The sample issue and everything a package of it needs, owned.
pub struct Fixture {
    pub edition: Edition,
    pub root: PathBuf,
    pub page_map: PageMap,
    /// Each document's pages, as the page map was made to say.
    pub expected_pages: Vec<PageRange>,
    pub pdf: Vec<u8>,
    pub epub: Vec<u8>,
    /// The edition's Akoma Ntoso, made once from `edition` as it loads.
    pub akn: Akn,
    pub templates: Vec<(&'static str, &'static [u8])>,
    pub fonts: Vec<(String, String)>,
    pub chain: Option<Vec<Vec<u8>>>,
    /// Seals with `chain`, when there is one, unless `build` is given another key.
    pub signer: Box<dyn Signer>,
}

impl Fixture {
    /// The sample, not sealed.
    pub fn sample() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
        let edition = crate::manifest::load(&root).expect("the sample issue loads");
        let (page_map, expected_pages) = page_map(&edition);
        let akn = Akn::of(&edition);
        Self {
            edition,
            root,
            page_map,
            expected_pages,
            pdf: b"%PDF-1.7\n% a stand-in for the sealed PDF edition\n%%EOF\n".to_vec(),
            epub: b"PK\x03\x04 a stand-in for the EPUB edition".to_vec(),
            akn,
            // Out of name order on purpose: the manifest sorts them.
            templates: vec![
                ("edition.typ", b"#let edition = none\n"),
                ("cover.typ", b"#let cover = none\n"),
            ],
            fonts: vec![
                (
                    "NotoSerifCJKsc-Regular.otf".to_owned(),
                    sha256_hex(b"font one"),
                ),
                (
                    "/usr/share/fonts/LXGWWenKai-Regular.ttf".to_owned(),
                    sha256_hex(b"font two"),
                ),
            ],
            chain: None,
            signer: example_signer("seal.key.pem"),
        }
    }

    /// The sample sealed with the example PKI's chain in `chain_file`.
    pub fn sealed(chain_file: &str) -> Self {
        Self {
            chain: Some(test_support::example_chain(chain_file)),
            ..Self::sample()
        }
    }

    pub fn inputs(&self) -> PackageInputs<'_> {
        PackageInputs {
            edition: &self.edition,
            issue_root: &self.root,
            manifest_name: "issue.toml",
            page_map: &self.page_map,
            pdf: &self.pdf,
            epub: &self.epub,
            data: None,
            akn: &self.akn,
            document_files: &[],
            templates: &self.templates,
            fonts: &self.fonts,
            sealer: self.sealed_by(self.signer.as_ref()),
            long_term: None,
            tool_version: TOOL_VERSION,
            deflated: &[],
        }
    }

    /// The fixture's chain with `signer`, when the fixture has a chain.
    pub fn sealed_by<'a>(&'a self, signer: &'a dyn Signer) -> Option<Sealer<'a>> {
        let chain = self.chain.as_deref()?;
        Some(Sealer { signer, chain })
    }

    /// The package, sealed by `key_file` when the fixture has a chain.
    pub fn build(&self, key_file: Option<&str>) -> Package {
        let signer = key_file.map(example_signer);
        let inputs = PackageInputs {
            sealer: signer.as_deref().and_then(|signer| self.sealed_by(signer)),
            ..self.inputs()
        };
        build(&inputs).expect("the package builds")
    }
}

/// A key of the example PKI; RSA keys sign with PKCS#1 v1.5, deterministically.
pub fn example_signer(key_file: &str) -> Box<dyn Signer> {
    test_support::example_signer(key_file, RsaPadding::Pkcs1)
}

/// A page map like the PDF's: two cover pages without text, then every part
/// of every document on pages of its own, a body running over two pages (the
/// second beginning inside block 0). Returns each document's first and last page.
fn page_map(edition: &Edition) -> (PageMap, Vec<PageRange>) {
    let mut starts = Vec::new();
    let mut ranges = Vec::new();
    let mut page = 3;
    for (section, s) in edition.sections.iter().enumerate() {
        for (document, d) in s.documents.iter().enumerate() {
            let first = page;
            let start = |part, inside, page| PageStart {
                page,
                block: BlockRef {
                    section,
                    document,
                    part,
                    block: 0,
                },
                inside,
            };
            starts.push(start(Part::Body, false, page));
            starts.push(start(Part::Body, true, page + 1));
            page += 2;
            let attachments = (0..d.attachments.len()).map(Part::Attachment);
            let interpretation = d.interpretation.iter().map(|_| Part::Interpretation);
            for part in attachments.chain(interpretation) {
                starts.push(start(part, false, page));
                page += 1;
            }
            ranges.push(PageRange {
                first,
                last: page - 1,
            });
        }
    }
    (PageMap { starts }, ranges)
}

pub(crate) use crate::digest::{sha256 as sha256_hex, sha512 as sha512_hex};

/// The bag file at `path` (relative to the bag folder).
pub fn file<'a>(package: &'a Package, path: &str) -> &'a [u8] {
    package
        .files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, bytes)| bytes.as_slice())
        .unwrap_or_else(|| panic!("the bag has no {path}"))
}

pub fn text<'a>(package: &'a Package, path: &str) -> &'a str {
    std::str::from_utf8(file(package, path)).expect("a tag file is UTF-8")
}
