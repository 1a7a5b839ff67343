//! Tests of the archival package on the sample issue: manifest.json's
//! content and digests, the bag's tag files and zip, and what bagit-python,
//! openssl and sha256sum say about the result; the long-term seal and the
//! archive timestamps against the test PKI's real authorities.

mod bag;
mod data;
mod long_term;
mod manifest;
mod support;
mod tools;
