//! Revocation evidence: OCSP responses and CRLs for the certificates behind a
//! seal and a time-stamp, gathered at sealing so that a verifier decades later
//! needs no network.

/// What a verifier needs besides the signature to judge a certificate path at
/// a past time: the certificates, and the OCSP responses and CRLs about them.
/// Each item is DER as the authority signed it: embedded as is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    pub certificates: Vec<Vec<u8>>,
    /// OCSPResponse structures (RFC 6960), not just the BasicOCSPResponse.
    pub ocsp_responses: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}
