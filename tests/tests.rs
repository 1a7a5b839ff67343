//! gazette's integration tests, one binary so that typst is linked once for
//! all of them. Each module meets gazette as someone outside it does: an
//! editor building, starting or watching an issue, the public verifying an
//! edition, an attacker altering one. What they share is in `support`.

mod support;

mod build;
mod data;
mod documents;
mod encodings;
mod fuzz_corpus;
mod new;
mod site;
mod spec;
mod tables;
mod vectors;
mod verification;
mod verify_epub;
mod verify_pdf;
mod watch;
