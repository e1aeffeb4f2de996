//! The `query_template` target: see `flyte_tests::fuzz_checks` for its input and property.
#![no_main]

use flyte_tests::fuzz_checks::run_target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run_target("query_template", data));
