//! Fuzz target `cms`: hostile bytes into [`gazette_fuzz::cms`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gazette_fuzz::cms(data));
