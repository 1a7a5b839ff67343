//! The PAdES seal's CMS signature: making it, checking it, and the certificate
//! path behind it.
//!
//! [`sign_detached`] writes the CMS `SignedData` that goes into a PDF's
//! `/Contents` (PAdES baseline B-B, SubFilter `ETSI.CAdES.detached`).
//! [`verify_detached`] reads one back and reports every finding as data, so
//! `gazette verify` can print it or emit it as JSON; [`verify_detached_under`]
//! does the same for signatures gazette did not make ([`Rules`]), and
//! [`verify_attached`] for a CMS that carries what it signs, such as an RFC
//! 3161 time-stamp token. All read DER and BER. Certificates go in and out
//! as DER; [`load_pem_certificates`] reads the PEM files people actually have.

pub(crate) mod algorithm;
pub(crate) mod attributes;
pub(crate) mod ber;
pub(crate) mod certs;
pub(crate) mod chain;
mod report;
pub(crate) mod revocation_values;
mod sign;
mod timestamp;
mod verify;

#[cfg(test)]
mod tests;

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::signer::SignerError;

pub(crate) use ber::read_signed_data;
pub(crate) use certs::names_signer;
pub use certs::{CertificateSummary, load_pem_certificates};
pub(crate) use chain::check_der_path;
pub use report::{Problem, ProblemCode, SignatureCheck, TimestampCheck, Trust};
pub use sign::{
    TIME_STAMP_ALLOWANCE, TimeStamper, reserved_size, reserved_size_timestamped, sign_detached,
    sign_detached_timestamped,
};
pub use timestamp::verify_timestamp;
pub use verify::{Rules, verify_attached, verify_detached, verify_detached_under};

/// A moment as seconds since 1970-01-01T00:00:00Z, the precision certificates
/// have. Displays as RFC 3339 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// The current time of this machine's clock.
    pub fn now() -> Self {
        let seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        UnixTime(seconds)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date_time = u64::try_from(self.0)
            .ok()
            .and_then(|s| der::DateTime::from_unix_duration(Duration::from_secs(s)).ok());
        match date_time {
            Some(date_time) => write!(f, "{date_time}"),
            None => write!(f, "{} seconds from 1970", self.0),
        }
    }
}

/// Why a CMS signature could not be made or read at all.
///
/// Findings about a signature that *could* be read are not errors: they are
/// [`Problem`]s in a [`SignatureCheck`].
#[derive(Debug)]
pub enum CmsError {
    /// The bytes are not a CMS `SignedData` this module can read.
    Malformed(String),
    /// A certificate given to sign with or to trust cannot be used.
    Certificate(String),
    /// The key store could not sign.
    Signer(SignerError),
    /// The signature made does not verify with the signer's certificate.
    KeyMismatch(String),
    /// The CMS structure could not be encoded.
    Encoding(der::Error),
    /// The time-stamp authority gave no token for the signature.
    Timestamp(String),
}

impl fmt::Display for CmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmsError::Malformed(why) => {
                write!(f, "the signature is not a readable CMS SignedData: {why}")
            }
            CmsError::Certificate(why) => f.write_str(why),
            CmsError::Signer(why) => write!(f, "the key store could not sign: {why}"),
            CmsError::KeyMismatch(why) => f.write_str(why),
            CmsError::Encoding(why) => write!(f, "could not encode the CMS signature: {why}"),
            CmsError::Timestamp(why) => write!(f, "the signature could not be time-stamped: {why}"),
        }
    }
}

impl std::error::Error for CmsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CmsError::Signer(inner) => Some(inner),
            _ => None,
        }
    }
}
