//! A small EPUB container, and its seal made with the example PKI, for the
//! tests of the seal and of the verifier.

use crate::seal::epub::sign;
use crate::signer::RsaPadding;

use super::keys::{example_chain, example_signer};

/// A small container: mimetype first, a name with a space and one in Chinese.
pub(crate) fn sample_files() -> Vec<(String, Vec<u8>)> {
    [
        ("mimetype", "application/epub+zip"),
        (
            "META-INF/container.xml",
            "<?xml version=\"1.0\"?><container/>",
        ),
        ("OEBPS/content.opf", "<package/>"),
        ("OEBPS/text/第一章.xhtml", "<html>公告</html>"),
        ("OEBPS/style sheet.css", "body { margin: 0 }"),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), text.as_bytes().to_vec()))
    .collect()
}

pub(crate) fn borrowed(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect()
}

pub(crate) const TIME: &str = "2025-08-15T00:00:00+08:00";

/// Seals `files` with the example ECDSA key and chain.
pub(crate) fn seal_ecdsa(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let signer = example_signer("seal.key.pem", RsaPadding::Pkcs1);
    sign(
        &borrowed(files),
        &example_chain("seal-chain.pem"),
        signer.as_ref(),
        TIME,
    )
    .expect("sealed")
}
