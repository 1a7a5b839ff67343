//! The authorities a long-term seal asks, over the network: the office's
//! time-stamp authority by its URL ([`crate::timestamp::Tsa`]), and the OCSP
//! responders and CRL servers named in the certificates
//! ([`crate::revocation::collect`]). Every answer is checked there before
//! sealing sees it.

use super::Authorities;
use crate::revocation::{self, Collected};
use crate::timestamp::{Token, Tsa};

/// The time-stamp authority at a URL, and the certificates' own revocation
/// services.
pub struct Network {
    tsa: Tsa,
}

impl Network {
    /// Asks the time-stamp authority at `url`; fails when the URL cannot be
    /// asked at all (not http:// or https://, or https:// without the `https`
    /// feature).
    pub fn new(url: &str) -> Result<Network, String> {
        Ok(Network {
            tsa: Tsa::new(url).map_err(|e| e.to_string())?,
        })
    }
}

impl Authorities for Network {
    fn stamp(&self, data: &[u8]) -> Result<Token, String> {
        self.tsa.stamp(data).map_err(|e| e.to_string())
    }

    fn collect_for_renewal(
        &self,
        required: &[&[Vec<u8>]],
        best_effort: &[&[Vec<u8>]],
    ) -> Result<Collected, String> {
        revocation::collect_for_renewal(required, best_effort).map_err(|e| e.to_string())
    }
}

/// The same authorities asked as a machine whose clock says `now` would:
/// seals made in the past, against responders answering as of then.
#[cfg(test)]
pub(crate) struct AsOf<'a> {
    pub network: &'a Network,
    pub now: crate::cms::UnixTime,
}

#[cfg(test)]
impl Authorities for AsOf<'_> {
    fn stamp(&self, data: &[u8]) -> Result<Token, String> {
        self.network.stamp(data)
    }

    fn collect_for_renewal(
        &self,
        required: &[&[Vec<u8>]],
        best_effort: &[&[Vec<u8>]],
    ) -> Result<Collected, String> {
        revocation::gather_at(required, best_effort, self.now).map_err(|e| e.to_string())
    }
}
