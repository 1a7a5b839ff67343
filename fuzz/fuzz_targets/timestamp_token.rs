//! Fuzz target `timestamp_token`: hostile bytes into [`gazette_fuzz::timestamp_token`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gazette_fuzz::timestamp_token(data));
