//! The commands, one file each, with their arguments in `args.rs`. Without the
//! `typeset` feature the binary is the public's verifier alone.

pub mod args;
#[cfg(feature = "typeset")]
pub mod build;
pub mod certs;
#[cfg(feature = "typeset")]
pub mod new;
#[cfg(feature = "typeset")]
pub mod progress;
#[cfg(feature = "typeset")]
pub mod seal;
#[cfg(feature = "typeset")]
pub mod templates;
pub mod verify;
#[cfg(feature = "typeset")]
pub mod watch;
