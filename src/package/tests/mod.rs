//! Tests of the archival package on the sample issue: manifest.json's
//! content and digests, the bag's tag files and zip, and what bagit-python,
//! openssl and sha256sum say about the result.

mod bag;
mod manifest;
mod support;
mod tools;
