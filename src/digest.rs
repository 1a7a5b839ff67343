//! Digests as gazette writes them everywhere: lowercase hex, as BagIt
//! manifests, `sha256sum` and `sha512sum` print them.

use std::fmt::Write;

use ring::digest::{SHA256, SHA512, digest};

pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex(digest(&SHA256, bytes).as_ref())
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
