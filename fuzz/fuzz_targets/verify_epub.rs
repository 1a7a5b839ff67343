//! Fuzz target `verify_epub`: hostile bytes into [`gazette_fuzz::verify_epub`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gazette_fuzz::verify_epub(data));
