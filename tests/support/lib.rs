//! Helpers shared by the workspace integration tests: where the fixtures are, and how to
//! run the flytekit venv that judges our bytes. Not a public API.

pub mod array_node;
pub mod chaos_proxy;
pub mod dns;
pub mod docker;
pub mod faulty_store;
pub mod fixture_types;
pub mod fuzz_checks;
pub mod moto;
pub mod pod;
pub mod python_wf;
pub mod s3s_fs;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`, …) in KiB.
///
/// Panics, naming the file and field, where it cannot be read: a memory check that cannot
/// measure must fail, not compare zeros.
pub fn proc_status_kib(field: &str) -> u64 {
    let prefix = format!("{field}:");
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|e| panic!("cannot measure memory: /proc/self/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| {
            panic!("cannot measure memory: /proc/self/status has no `{field}: <n> kB` line")
        })
}

/// Runs `f` to its end on a runtime of its own (one thread), for a test's async calls.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

/// Waits until a server started as `what` answers on `127.0.0.1:port` (at most 30 s).
pub fn wait_for_port(port: u16, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{what} did not start on port {port}");
}

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

/// `tests/fixtures/<rel>`: files made by real flytekit 1.16.31, copied into the repo.
pub fn fixture(rel: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(rel)
}

/// Reads a fixture file, failing the test with the path if it is missing.
pub fn read_fixture(rel: &str) -> Vec<u8> {
    let path = fixture(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// The Python interpreter of the flytekit venv: `$FLYTE_RS_PYTHON`, else `<root>/.venv/bin/python`.
///
/// Panics with the set-up command when neither exists: a test that needs flytekit must not
/// pass without it.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("FLYTE_RS_PYTHON") {
        return PathBuf::from(p);
    }
    let p = workspace_root().join(".venv/bin/python");
    assert!(
        p.exists(),
        "the flytekit venv is missing at {}: run `bash tests/setup.sh` (the README's test command does)",
        p.display()
    );
    p
}

/// Runs `tests/python/<script>` in the venv with `args`, feeding `stdin`; returns stdout.
/// Fails the test, with stderr, if the script fails.
pub fn run_python(script: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    run_python_with_env(script, args, stdin, &[])
}

/// [`run_python`] with extra environment (an S3 endpoint for flytekit, say).
pub fn run_python_with_env(
    script: &str,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, String)],
) -> Vec<u8> {
    let path = workspace_root().join("tests/python").join(script);
    let mut child = Command::new(python())
        .arg(&path)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin).expect("write to python");
    drop(input);
    let out = child.wait_with_output().expect("python ran");
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
