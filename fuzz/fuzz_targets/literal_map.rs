//! The `literal_map` target: see `flyte_tests::fuzz_checks` for its input and property.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flyte_tests::fuzz_checks::run_target("literal_map", data));
