//! The prebuilt image (`examples/image/build.sh`, run by the test command before the tests)
//! through the machine's Docker engine, run as FlytePropeller runs a pod
//! (`flyte-examples run … --container IMAGE`): the adder's outputs read by flytekit, the
//! sqlite table read by flytekit, the checksum with its secret and a file, a failing task's
//! error document; and the image itself: no entrypoint, a non-root user, and nothing in it
//! but the binary and the CA certificates.
//!
//! Without a Docker engine these tests print one SKIP line and pass, except under CI
//! (`CI=true`), which has an engine and must run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_runtime::proto::core::{ErrorDocument, LiteralMap};
use flyte_runtime::types::read_variable;
use flyte_tests::pod::scratch;
use prost::Message;
use serde_json::Value as Json;

/// The tag build.sh gives the examples' image (the templates' `flyte-examples:{version}`).
fn image() -> String {
    format!("flyte-examples:{}", env!("CARGO_PKG_VERSION"))
}

/// Whether the engine is there; under CI its absence is a failure.
fn docker_ready(test: &str) -> bool {
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
        return false;
    }
    let built = Command::new("docker")
        .args(["image", "inspect", &image()])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        built,
        "image {} is missing: build it with `bash examples/image/build.sh` (the test command does)",
        image()
    );
    true
}

fn examples_bin() -> PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `flyte-examples run TASK --container IMAGE --dir DIR ARGS…`.
fn run_in_container(task: &str, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(examples_bin())
        .args(["run", task, "--container", &image(), "--dir"])
        .arg(dir)
        .args(extra)
        .envs(env.iter().copied())
        .output()
        .expect("run flyte-examples");
    eprintln!("{}{}", text(&out.stdout), text(&out.stderr));
    out
}

fn outputs(dir: &Path) -> LiteralMap {
    let bytes = std::fs::read(dir.join("outputs.pb"))
        .unwrap_or_else(|e| panic!("no outputs.pb in {}: {e}", dir.display()));
    LiteralMap::decode(bytes.as_slice()).expect("outputs.pb decodes")
}

#[test]
fn the_adder_runs_in_its_image_and_flytekit_reads_the_outputs() {
    if !docker_ready("adder in the container") {
        return;
    }
    let dir = scratch("container-add");
    let out = run_in_container(
        "examples.add",
        &dir,
        &["-i", "a=40", "-i", "b=2", "-i", "label=sum"],
        &[],
    );
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("ran in container"),
        "{}",
        text(&out.stdout)
    );
    let read = flyte_tests::run_python(
        "read_outputs.py",
        &[
            &dir.join("template.pb").display().to_string(),
            &dir.join("outputs.pb").display().to_string(),
        ],
        b"",
    );
    let read: std::collections::BTreeMap<String, String> = serde_json::from_slice(&read).unwrap();
    assert_eq!(read["total"], "42");
    assert_eq!(read["message"], "'sum=42'"); // repr() of the str flytekit read
    assert!(!dir.join("error.pb").exists());
}

#[test]
fn a_failing_task_leaves_its_error_document() {
    if !docker_ready("failing task in the container") {
        return;
    }
    let dir = scratch("container-fail");
    let max = i64::MAX.to_string();
    let out = run_in_container(
        "examples.add",
        &dir,
        &["-i", &format!("a={max}"), "-i", "b=1", "-i", "label=x"],
        &[],
    );
    assert!(!out.status.success());
    let doc = ErrorDocument::decode(std::fs::read(dir.join("error.pb")).unwrap().as_slice())
        .unwrap()
        .error
        .expect("error");
    assert_eq!(doc.code, "USER:OverflowError");
    assert!(
        doc.message.contains("overflows a 64-bit integer"),
        "{}",
        doc.message
    );
    assert!(!dir.join("outputs.pb").exists());
}

#[test]
fn sqlite_runs_in_the_image_on_a_mounted_database() {
    if !docker_ready("sqlite in the container") {
        return;
    }
    let dir = scratch("container-sqlite");
    let data = flyte_tests::workspace_root().join("examples/data");
    let out = run_in_container(
        "examples.sqlite_demo",
        &dir,
        &["-i", "limit=7", "--volume", &data.display().to_string()],
        &[],
    );
    assert!(out.status.success());
    let read = flyte_tests::run_python(
        "read_table.py",
        &[
            &dir.join("outputs.pb").display().to_string(),
            &data.join("demo.sqlite").display().to_string(),
            "SELECT TrackId, Name, Composer, Milliseconds, UnitPrice FROM tracks ORDER BY TrackId LIMIT ?1",
            "[7]",
        ],
        b"",
    );
    let read: Json = serde_json::from_slice(&read).unwrap();
    assert_eq!(read["equal"], true, "{read:#}");
    assert_eq!(read["flytekit"]["shape"], serde_json::json!([7, 5]));
}

#[test]
fn checksum_gets_its_secret_and_file_in_the_container() {
    if !docker_ready("checksum in the container") {
        return;
    }
    let dir = scratch("container-checksum");
    let input = scratch("container-checksum-input").join("note.txt");
    std::fs::write(&input, "what do ya want for nothing?").unwrap();
    let out = run_in_container(
        "examples.checksum",
        &dir,
        &["-i", &format!("file={}", input.display())],
        &[("_FSEC_CHECKSUM_KEY", "Jefe")],
    );
    assert!(out.status.success());
    let o = outputs(&dir);
    let digest: String = read_variable(&o, "digest").unwrap();
    // RFC 4231, test case 2.
    assert_eq!(
        digest,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let logs = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!logs.contains("Jefe"), "the secret leaked: {logs}");
}

#[test]
fn the_image_is_the_binary_and_certificates_run_as_non_root_without_entrypoint() {
    if !docker_ready("image contents") {
        return;
    }
    let inspect = Command::new("docker")
        .args(["image", "inspect", &image()])
        .output()
        .unwrap();
    let config: Json = serde_json::from_slice(&inspect.stdout).unwrap();
    let config = &config[0]["Config"];
    assert_eq!(config["User"], "65532:65532");
    assert_eq!(config["Entrypoint"], Json::Null);
    assert_eq!(config["Cmd"], Json::Null);

    // Every file of every layer, from `docker save`.
    let dir = scratch("image-save");
    let tar_path = dir.join("image.tar");
    let saved = Command::new("docker")
        .args(["save", "--output"])
        .arg(&tar_path)
        .arg(image())
        .status()
        .unwrap();
    assert!(saved.success());
    let mut outer = tar::Archive::new(std::fs::File::open(&tar_path).unwrap());
    let mut blobs = std::collections::BTreeMap::new();
    for entry in outer.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        blobs.insert(name, bytes);
    }
    let manifest: Json = serde_json::from_slice(&blobs["manifest.json"]).unwrap();
    let mut files = Vec::new();
    for layer in manifest[0]["Layers"].as_array().expect("layers") {
        let bytes = &blobs[layer.as_str().unwrap()];
        let mut layer = tar::Archive::new(bytes.as_slice());
        for e in layer.entries().unwrap() {
            let e = e.unwrap();
            if e.header().entry_type().is_file() {
                files.push(e.path().unwrap().display().to_string());
            }
        }
    }
    files.sort();
    assert_eq!(
        files,
        [
            "etc/ssl/certs/ca-certificates.crt",
            "usr/local/bin/flyte-examples"
        ]
    );
}
