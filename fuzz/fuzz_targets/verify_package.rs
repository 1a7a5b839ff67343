//! Fuzz target `verify_package`: hostile bytes into [`gazette_fuzz::verify_package`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gazette_fuzz::verify_package(data));
