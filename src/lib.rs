//! gazette: from an issue manifest to an authentic digital edition.
//!
//! The pipeline runs one way: [`manifest`] reads and checks the issue into the
//! [`model`]; [`typeset`] lays it out as a PDF through typst; [`output`] puts the
//! edition in place atomically. Sealing and verification will read the files
//! these write and never depend on typst.

pub mod cms;
pub mod diagnostic;
pub mod manifest;
pub mod model;
pub mod output;
pub mod signer;
#[cfg(feature = "typeset")]
pub mod typeset;
