//! Compile-fail tests: each `ui/*.rs` is one misuse, with the compiler output we promise in
//! the `.stderr` beside it. Regenerate after a deliberate change with `TRYBUILD=overwrite`,
//! and review the diff as carefully as code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
