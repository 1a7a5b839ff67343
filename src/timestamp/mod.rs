//! Trusted time: RFC 3161 time-stamp tokens, asked of a time-stamp authority
//! at sealing and read back when verifying.

use crate::cms::UnixTime;

/// A time-stamp token: a CMS SignedData over a TSTInfo, as the time-stamp
/// authority signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token's ContentInfo, DER, exactly as received: embedded as is.
    pub der: Vec<u8>,
    /// The time the authority attests (its genTime, to the second).
    pub time: UnixTime,
    /// The authority's certificates that came with the token, its own first.
    pub tsa_certificates: Vec<Vec<u8>>,
}
