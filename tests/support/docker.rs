//! Whether the machine's Docker engine is there, for the tests that need it.

use std::process::Command;

/// Whether `docker info` answers. Without an engine the test `test` prints one SKIP line and
/// should return; under CI (`CI` set), which has an engine, its absence fails the test.
pub fn engine_ready(test: &str) -> bool {
    let ok = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI has a Docker engine, but `docker info` failed"
        );
        eprintln!("SKIP {test}: no Docker engine here (`docker info` failed)");
    }
    ok
}
