//! gazette: from an issue manifest to an authentic digital edition.
//!
//! The pipeline runs one way: [`manifest`] reads and checks the issue into the
//! [`model`]; [`typeset`] lays it out as a PDF through typst; [`seal`] appends
//! the electronic seal, signed through [`cms`] by a [`signer`]; [`epub`] makes
//! the reflowable EPUB edition from the same model; [`package`] writes the
//! signed verification manifest and the BagIt package ([`zipped`] makes their
//! zips reproducible); [`output`] puts the edition in place atomically.
//! [`verify`] reads all of it back and never depends on typst; [`certs`] makes
//! an example PKI for trying it out, and [`scaffold`] a new issue.

pub mod certs;
pub mod cms;
pub mod diagnostic;
mod digest;
pub mod epub;
pub mod manifest;
pub mod model;
pub mod output;
pub mod package;
mod relative_path;
pub mod scaffold;
pub mod seal;
pub mod signer;
#[cfg(feature = "typeset")]
pub mod typeset;
pub mod verify;
mod xmldsig;
pub mod zipped;
