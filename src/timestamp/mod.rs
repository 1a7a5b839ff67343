//! Trusted time: RFC 3161 time-stamp tokens, asked of a time-stamp authority
//! at sealing ([`Tsa::stamp`], every answer checked before it is used) and
//! read back when verifying ([`read_token`]).

mod authority;
mod token;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::cms::UnixTime;
use crate::http::HttpError;

pub use authority::Tsa;
pub use token::{TokenInfo, read_token};

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

/// Why no time-stamp token could be had, or a token cannot be read. A build
/// that asked for trusted time stops on any of these and writes nothing.
#[derive(Debug)]
pub enum TimestampError {
    /// The time-stamp authority could not be reached, or its HTTP answer is
    /// not one (bad URL, down, HTTP error status, wrong content type).
    Http(HttpError),
    /// The answer is not an RFC 3161 TimeStampResp.
    NotAResponse { url: String, why: String },
    /// The authority refused: its PKIStatus, status text and failure reasons.
    Refused { url: String, status: String },
    /// The token cannot be read as a time-stamp token. `url` is where it came
    /// from, when it was just asked for.
    Malformed { url: Option<String>, why: String },
    /// The token stamps other data, or with another digest, than was asked.
    WrongImprint { url: String },
    /// The nonce of the request is not in the token: a replayed or canned answer.
    NonceMissing { url: String },
    /// The token carries another nonce than the request's.
    NonceMismatch { url: String },
    /// The token does not include the authority's certificate, though asked to.
    NoTsaCertificate { url: String },
    /// The authority's certificate may not sign time-stamps (RFC 3161 §2.3).
    NotATimeStampingCertificate { url: String, why: String },
    /// The token's signature does not hold (digest, signature, validity of
    /// the authority's certificate at the time it attests…).
    BadSignature { url: String, why: String },
    /// The operating system gave no random bytes for the nonce.
    NoRandomness,
    /// The request could not be encoded: a bug in gazette.
    Request(String),
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TimestampError as E;
        match self {
            E::Http(error) => error.fmt(f),
            E::NotAResponse { url, why } => write!(
                f,
                "the answer of {url} is not an RFC 3161 time-stamp response ({why}); check that \
                 the URL is a time-stamp authority's"
            ),
            E::Refused { url, status } => write!(
                f,
                "the time-stamp authority at {url} refused the request: {status}"
            ),
            E::Malformed {
                url: Some(url),
                why,
            } => write!(
                f,
                "the time-stamp authority at {url} answered with an unreadable token: {why}"
            ),
            E::Malformed { url: None, why } => {
                write!(f, "the time-stamp token cannot be read: {why}")
            }
            E::WrongImprint { url } => write!(
                f,
                "the time-stamp authority at {url} stamped something else than was asked \
                 (the token's message imprint is not the SHA-256 of the signature); refused"
            ),
            E::NonceMissing { url } => write!(
                f,
                "the time-stamp authority at {url} answered without the request's nonce, so \
                 the answer may be a replay; refused"
            ),
            E::NonceMismatch { url } => write!(
                f,
                "the time-stamp authority at {url} answered with another nonce than the \
                 request's: the answer belongs to another request; refused"
            ),
            E::NoTsaCertificate { url } => write!(
                f,
                "the time-stamp authority at {url} did not include its certificate in the \
                 token, although the request asked for it"
            ),
            E::NotATimeStampingCertificate { url, why } => write!(
                f,
                "the time-stamp authority at {url} signs with a certificate that may not sign \
                 time-stamps: {why}; refused"
            ),
            E::BadSignature { url, why } => write!(
                f,
                "the signature of the token from the time-stamp authority at {url} does not \
                 hold: {why}"
            ),
            E::NoRandomness => f.write_str(
                "the operating system gave no random bytes for the time-stamp request's nonce",
            ),
            E::Request(why) => write!(
                f,
                "the time-stamp request could not be encoded ({why}); {}",
                crate::diagnostic::BUG
            ),
        }
    }
}

impl std::error::Error for TimestampError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TimestampError::Http(inner) => Some(inner),
            _ => None,
        }
    }
}

impl From<HttpError> for TimestampError {
    fn from(error: HttpError) -> Self {
        TimestampError::Http(error)
    }
}
