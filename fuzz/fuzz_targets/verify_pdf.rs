//! Fuzz target `verify_pdf`: hostile bytes into [`gazette_fuzz::verify_pdf`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gazette_fuzz::verify_pdf(data));
