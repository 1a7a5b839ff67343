//! SHA-256 and SHA-512 as gazette computes them everywhere: lowercase hex, as
//! BagIt manifests, `sha256sum` and `sha512sum` print them, or the raw bytes
//! that XML-DSig and CMS embed.

use std::fmt::Write;

use ring::digest::{SHA256, SHA512, digest};

/// SHA-256 in lowercase hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex(&sha256_bytes(bytes))
}

/// SHA-256 as bytes.
pub(crate) fn sha256_bytes(bytes: &[u8]) -> Vec<u8> {
    digest(&SHA256, bytes).as_ref().to_vec()
}

pub(crate) fn sha512(bytes: &[u8]) -> String {
    hex(digest(&SHA512, bytes).as_ref())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
            // Writing to a String cannot fail.
            let _ = write!(text, "{byte:02x}");
            text
        })
}
