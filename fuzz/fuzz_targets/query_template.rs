//! The `query_template` target: see `flyte_tests::fuzz_checks` for its input and property.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flyte_tests::fuzz_checks::run_target("query_template", data));
