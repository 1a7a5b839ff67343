//! The commands, one file each, with their arguments in `args.rs`.

pub mod args;
pub mod build;
pub mod certs;
pub mod seal;
pub mod verify;
