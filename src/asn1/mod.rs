//! The ASN.1 structures of trusted time and revocation that gazette reads and
//! writes: RFC 3161 time-stamp requests, responses and tokens ([`tsp`]), RFC
//! 6960 OCSP requests and responses ([`ocsp`]), and the GeneralizedTime they
//! carry ([`GenTime`]).
//!
//! They are plain `der` derives. No maintained crate has them for der 0.8
//! (x509-tsp and x509-ocsp stop at der 0.7), and the standards' modules are
//! short; encoding and decoding stay in `der`, never in code of ours.
//! Certificate revocation lists are `x509_cert::crl::CertificateList`.

pub mod ocsp;
mod time;
pub mod tsp;

#[cfg(test)]
mod tests;

pub use time::GenTime;
