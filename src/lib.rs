//! gazette: from an issue manifest to an authentic digital edition.
//!
//! The pipeline runs one way, and [`edition`] runs it: [`manifest`] reads and
//! checks the issue into the [`model`]; [`typeset`] lays it out through typst
//! and exports the PDF; [`seal`] appends the electronic seal, signed through
//! [`cms`] by a [`signer`]; [`epub`] makes the reflowable EPUB edition from
//! the same model and layout; [`package`] writes the signed verification
//! manifest and the BagIt package ([`zipped`] makes their zips
//! reproducible); [`output`] puts the edition in place atomically. [`watch`]
//! tells `gazette watch` when an issue folder changed. [`verify`] reads all of
//! it back and never depends on typst. [`site`] writes the web edition of
//! built editions, to read, search and verify in the browser. [`example_pki`] makes certificates for
//! trying it out, [`scaffold`] a new issue, [`diagnostic`] the compiler-style
//! errors every stage reports.

pub mod akn;
pub mod asn1;
pub mod cms;
pub mod data;
pub mod diagnostic;
mod digest;
#[cfg(feature = "typeset")]
pub mod edition;
pub mod epub;
pub mod example_pki;
pub mod http;
pub mod identifier;
#[cfg(feature = "typeset")]
pub mod import;
pub mod manifest;
pub mod model;
pub mod output;
pub mod package;
mod relative_path;
pub mod revocation;
pub mod scaffold;
pub mod seal;
pub mod signer;
pub mod site;
#[cfg(test)]
mod test_support;
pub mod timestamp;
#[cfg(feature = "typeset")]
pub mod typeset;
pub mod verification_code;
pub mod verify;
#[cfg(feature = "typeset")]
pub mod watch;
mod xmldsig;
pub mod zipped;
