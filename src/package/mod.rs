//! The archival package: the signed verification manifest and a BagIt bag
//! holding the editions, their sources and every certificate needed to check
//! them, for archives to ingest and re-verify without gazette.

pub mod manifest;
