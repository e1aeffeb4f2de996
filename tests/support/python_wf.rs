//! The Python workflow over the examples' task types (`tests/python/rust_wf`), set up as a
//! user would: the package copied to a scratch folder with the module `flyte-examples
//! python-module` writes, and `pyflyte` run in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::pod::{scratch, workspace_bin};
use crate::{python, workspace_root};

/// The `flyte-examples` binary the tests built.
pub fn examples_bin() -> PathBuf {
    workspace_bin("flyte-examples")
}

/// A scratch folder holding the package `rust_wf` (the workflow) with the generated module
/// `rust_wf/flyte_examples_tasks.py` in it.
pub fn workflow_package(name: &str) -> PathBuf {
    let root = scratch(name);
    let package = root.join("rust_wf");
    std::fs::create_dir_all(&package).expect("package folder");
    let source = workspace_root().join("tests/python/rust_wf");
    for file in ["__init__.py", "workflow.py"] {
        std::fs::copy(source.join(file), package.join(file)).expect("copy the workflow");
    }
    write_output(
        &examples_bin(),
        &["python-module"],
        &package.join("flyte_examples_tasks.py"),
    );
    root
}

/// Runs `bin ARGS --output PATH`, failing the test (with stderr) if it fails.
pub fn write_output(bin: &Path, args: &[&str], path: &Path) {
    let out = Command::new(bin)
        .args(args)
        .arg("--output")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The demo database of the sqlite examples.
pub fn demo_db() -> String {
    workspace_root()
        .join("examples/data/demo.sqlite")
        .display()
        .to_string()
}

/// `pyflyte ARGS` in `dir`, with the binary on PATH, the demo database and the checksum's
/// secret (as flytekit names a local secret), plus `env`.
pub fn pyflyte(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let pyflyte = python().with_file_name("pyflyte");
    let bin_dir = examples_bin().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    Command::new(pyflyte)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("DEMO_DB", demo_db())
        .env("_FSEC_CHECKSUM_KEY", "s3cret")
        .env_remove("FLYTE_RS_BINARY")
        .env_remove("FLYTE_RS_DOCKER")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run pyflyte")
}

/// stdout and stderr, as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs the workflow `wf` locally (a = 40, b = 2, composer Ferris, a file of `content`)
/// and returns its report, with what the report must hold computed without the binary
/// (the query with Python's sqlite3, the HMAC with Python's hmac).
pub fn run_workflow(name: &str, env: &[(&str, String)]) -> (serde_json::Value, serde_json::Value) {
    let root = workflow_package(name);
    let file = root.join("hello.txt");
    std::fs::write(&file, "hello from python\n").expect("input file");
    let out = pyflyte(
        &root,
        &[
            "run",
            "rust_wf/workflow.py",
            "wf",
            "--a",
            "40",
            "--b",
            "2",
            "--composer",
            "Ferris",
            "--file",
            &file.display().to_string(),
        ],
        env,
    );
    let all = text(&out);
    assert!(out.status.success(), "pyflyte run failed:\n{all}");
    let line = all
        .lines()
        .find(|l| l.starts_with("{\"total\""))
        .unwrap_or_else(|| panic!("no report in:\n{all}"));
    let got: serde_json::Value = serde_json::from_str(line).expect("report is JSON");
    let dir = root.display().to_string();
    let expected: serde_json::Value = serde_json::from_slice(&crate::run_python(
        "rust_module_checks.py",
        &[
            &dir,
            "expected",
            &demo_db(),
            &file.display().to_string(),
            "s3cret",
        ],
        b"",
    ))
    .expect("JSON");
    (got, expected)
}

/// Checks a report of [`run_workflow`] value by value.
pub fn check_report(got: &serde_json::Value, expected: &serde_json::Value) {
    assert_eq!(got["total"], 52, "40 + 2 + offset 10");
    assert_eq!(got["message"], "ten=52");
    assert_eq!(got["plain"], 53, "examples.add: 52 + 1 + offset 0");
    assert_eq!(got["rows"], expected["rows"], "the query's rows");
    assert!(
        got["rows"].as_array().is_some_and(|r| !r.is_empty()),
        "the query found nothing: {got}"
    );
    assert_eq!(
        got["digest"], expected["digest"],
        "HMAC-SHA256 under the secret"
    );
}
