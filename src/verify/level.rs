//! The PAdES/CAdES baseline level a signature reaches (ETSI EN 319 142-1,
//! EN 319 122-1), as the report names it.

use std::fmt;

use serde::Serialize;

/// How far a signature's evidence reaches, from least to most. Each level
/// includes the ones before it; the file's level is its weakest seal's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// Basic: the signature alone; its time is what the signer claims.
    #[serde(rename = "B-B")]
    BasicB,
    /// With a trusted time: a time-stamp over the signature, or a document
    /// timestamp over the revision it signs.
    #[serde(rename = "B-T")]
    BasicT,
}

/// The level as in JSON, from the one spelling serde knows.
impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.serialize(f)
    }
}
