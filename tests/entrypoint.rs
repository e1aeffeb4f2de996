//! The `execute` entrypoint run as FlytePropeller runs it: the template's own container
//! args with the placeholders substituted, local storage. Good runs are read back by
//! flytekit; a table of bad inputs checks each error document's code, kind and origin, that
//! its message names the culprit, and that nothing else was written.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use flyte_runtime::proto::core::{
    container_error, execution_error, literal_type, task_template, ContainerError, Literal,
    LiteralMap, SimpleType, TaskTemplate,
};
use flyte_runtime::types::FlyteType;
use flyte_tests::pod::{
    add_inputs, container_args, misbehave_inputs, read_outcome, scratch, template_of, LocalPod,
    PodOutcome,
};
use prost::Message;

const BIN: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

/// flytekit reads outputs.pb against the template's interface; returns {name: repr}.
fn flytekit_reads(template: &TaskTemplate, pod: &LocalPod) -> BTreeMap<String, String> {
    let t = pod.dir.join("template-for-flytekit.pb");
    std::fs::write(&t, template.encode_to_vec()).expect("write");
    let out = flyte_tests::run_python(
        "read_outputs.py",
        &[
            &t.display().to_string(),
            &pod.out().join("outputs.pb").display().to_string(),
        ],
        b"",
    );
    serde_json::from_slice(&out).expect("read_outputs.py prints JSON")
}

#[test]
fn adder_runs_from_its_template_and_flytekit_reads_the_outputs() {
    let template = template_of(BIN, "examples.add");
    let args = container_args(&template);
    assert_eq!(args[0], "flyte-examples");
    // flytekit's own fixture inputs for its AddTask (a=3, b=4, label "sum").
    let inputs = flyte_tests::read_fixture("runs/add_ok/inputs.pb");
    let pod = LocalPod::new("adder-ok", &template.encode_to_vec(), &inputs);
    let r = pod.run(BIN, &args, &[]);
    assert!(r.output.status.success(), "{}", r.stderr());
    assert_eq!(r.files, ["outputs.pb"], "{}", r.stderr());
    let read = flytekit_reads(&template, &pod);
    let theirs =
        LiteralMap::decode(flyte_tests::read_fixture("runs/add_ok/inputs.pb").as_slice()).unwrap();
    let a = i64::from_literal(&theirs.literals["a"]).unwrap();
    let b = i64::from_literal(&theirs.literals["b"]).unwrap();
    let label = String::from_literal(&theirs.literals["label"]).unwrap();
    assert_eq!(read["total"], (a + b).to_string());
    assert_eq!(read["message"], format!("'{label}={}'", a + b));
}

#[test]
fn every_fixture_type_round_trips_through_the_entrypoint_and_flytekit_reads_it() {
    let template = template_of(BIN, "tests.roundtrip");
    let inputs = flyte_tests::read_fixture("literals/all_inputs.pb");
    let pod = LocalPod::new("roundtrip", &template.encode_to_vec(), &inputs);
    let r = pod.run(BIN, &container_args(&template), &[]);
    assert_eq!(r.files, ["outputs.pb"], "{}", r.stderr());
    let outputs = r.outputs.expect("outputs");
    // Back under the fixture's names, for the fixture table's judge.
    let renamed = LiteralMap {
        literals: outputs
            .literals
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches("o_").to_string(), v))
            .collect(),
    };
    let theirs = LiteralMap::decode(inputs.as_slice()).unwrap();
    assert_eq!(renamed.literals.len(), theirs.literals.len());
    let verdicts = flyte_tests::run_python("check_literals.py", &[], &renamed.encode_to_vec());
    let verdicts: BTreeMap<String, String> = serde_json::from_slice(&verdicts).unwrap();
    let bad: Vec<_> = verdicts.iter().filter(|(_, v)| *v != "ok").collect();
    assert!(bad.is_empty() && verdicts.len() == 18, "{verdicts:?}");
    // And flytekit reads the file itself against our template's interface.
    assert_eq!(flytekit_reads(&template, &pod).len(), 18);
}

#[test]
fn the_other_resolvers_find_the_same_task() {
    let template = template_of(BIN, "examples.add");
    let args = container_args(&template);
    let dash = args.iter().position(|a| a == "--").unwrap();
    let serialized = scratch("serialized").join("task.json");
    let out = Command::new(BIN)
        .args(["template", "examples.add", "--serialized", "--output"])
        .arg(&serialized)
        .output()
        .unwrap();
    assert!(out.status.success());
    let index = "0"; // examples.add sorts first among this binary's tasks (see `list`)
    for (resolver, loader) in [
        (
            "flyte_rs.default_task_resolver",
            vec!["task-name".to_string(), "examples.add".to_string()],
        ),
        ("flyte_rs.class_storage_resolver", vec![index.to_string()]),
        (
            "flyte_rs.serialized_task_resolver",
            vec![serialized.display().to_string()],
        ),
    ] {
        let mut a = args[..dash + 1].to_vec();
        let r = a.iter().position(|x| x == "--resolver").unwrap();
        a[r + 1] = resolver.to_string();
        a.extend(loader);
        let pod = LocalPod::new("resolver", &[], &add_inputs(1, 2, "x").encode_to_vec());
        let r = pod.run(BIN, &a, &[]);
        let outputs = r
            .outputs
            .clone()
            .unwrap_or_else(|| panic!("{resolver}: {}", r.stderr()));
        assert_eq!(
            i64::from_literal(&outputs.literals["total"]).unwrap(),
            3,
            "{resolver}"
        );
    }
}

#[test]
fn a_checkpoint_written_by_one_attempt_is_read_by_the_next() {
    let template = template_of(BIN, "tests.misbehave");
    let inputs = misbehave_inputs("checkpoint", 0.0).encode_to_vec();
    let first = LocalPod::new("ckpt", &template.encode_to_vec(), &inputs);
    let r = first.run(BIN, &container_args(&template), &[]);
    assert_eq!(
        i64::from_literal(&r.outputs.expect("outputs").literals["value"]).unwrap(),
        1
    );
    let mut second = LocalPod::new("ckpt2", &template.encode_to_vec(), &inputs);
    second.placeholders.prev_checkpoint_prefix =
        first.placeholders.checkpoint_output_prefix.clone();
    let r = second.run(BIN, &container_args(&template), &[]);
    assert_eq!(
        i64::from_literal(&r.outputs.expect("outputs").literals["value"]).unwrap(),
        2
    );
}

#[test]
fn sigterm_during_a_run_writes_an_error_document() {
    let mut template = template_of(BIN, "tests.misbehave");
    template.metadata.as_mut().unwrap().timeout = None;
    let pod = LocalPod::new(
        "sigterm",
        &template.encode_to_vec(),
        &misbehave_inputs("sleep", 30.0).encode_to_vec(),
    );
    let args = pod
        .placeholders
        .render(&container_args(&template))
        .expect("propeller renders the args");
    let child = Command::new(BIN)
        .args(&args[1..])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let r = read_outcome(child.wait_with_output().unwrap(), &pod.out());
    let e = r
        .error
        .clone()
        .unwrap_or_else(|| panic!("no error document: {}", r.stderr()));
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("SYSTEM:Terminated", 1, 2)
    );
    assert!(e.message.contains("SIGTERM"), "{}", e.message);
    assert_eq!(r.files, ["error.pb"]);
}

#[test]
fn logs_are_json_on_request_and_name_the_task_and_sizes() {
    let template = template_of(BIN, "examples.add");
    let pod = LocalPod::new(
        "json-logs",
        &template.encode_to_vec(),
        &add_inputs(1, 2, "x").encode_to_vec(),
    );
    let r = pod.run(
        BIN,
        &container_args(&template),
        &[("FLYTE_RS_LOG_FORMAT", "json")],
    );
    let lines: Vec<serde_json::Value> = r
        .stderr()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let find = |msg: &str| {
        lines
            .iter()
            .find(|l| l["message"] == msg)
            .unwrap_or_else(|| panic!("no `{msg}` line in {lines:?}"))
    };
    assert_eq!(find("task resolved")["task"], "examples.add");
    assert_eq!(
        find("task resolved")["executor"],
        "flyte_examples::adder::AddExecutor"
    );
    assert!(find("inputs read")["bytes"].as_u64().unwrap() > 0);
    assert!(find("outputs written")["bytes"].as_u64().unwrap() > 0);
    assert!(find("executor finished")["ms"].is_number());
}

// ---------------------------------------------------------------------------------------
// The bad-input table.

#[derive(Clone)]
struct Setup {
    template: Vec<u8>,
    inputs: Vec<u8>,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
}

enum Expect {
    /// An error document with this code, recoverability and origin (USER = true), whose
    /// message holds every string given.
    Doc(&'static str, bool, bool, &'static [&'static str]),
    /// No document can be written: this exit code, and stderr holds the strings.
    Unreported(i32, &'static [&'static str]),
}

fn set_arg(args: &mut [String], flag: &str, value: &str) {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("no {flag}"));
    args[i + 1] = value.to_string();
}

fn set_loader_args(args: &mut Vec<String>, loader: &[&str]) {
    let dash = args.iter().position(|a| a == "--").unwrap();
    args.truncate(dash + 1);
    args.extend(loader.iter().map(|s| s.to_string()));
}

fn set_output_type(template: &mut TaskTemplate, name: &str, t: SimpleType) {
    let var = template
        .interface
        .as_mut()
        .unwrap()
        .outputs
        .as_mut()
        .unwrap()
        .variables
        .get_mut(name)
        .unwrap();
    var.r#type.as_mut().unwrap().r#type = Some(literal_type::Type::Simple(t as i32));
}

fn with_input(s: &mut Setup, name: &str, lit: Option<Literal>) {
    let mut m = LiteralMap::decode(s.inputs.as_slice()).unwrap();
    match lit {
        Some(l) => m.literals.insert(name.to_string(), l),
        None => m.literals.remove(name),
    };
    s.inputs = m.encode_to_vec();
}

fn edit_template(s: &mut Setup, f: impl FnOnce(&mut TaskTemplate)) {
    let mut t = TaskTemplate::decode(s.template.as_slice()).unwrap();
    f(&mut t);
    s.template = t.encode_to_vec();
}

#[test]
fn bad_inputs_get_truthful_error_documents_and_nothing_else() {
    let add = template_of(BIN, "examples.add");
    let mis = template_of(BIN, "tests.misbehave");
    let base_add = Setup {
        template: add.encode_to_vec(),
        inputs: add_inputs(1, 2, "x").encode_to_vec(),
        args: container_args(&add),
        env: vec![],
    };
    let base_mis = |mode: &str, secs: f64| Setup {
        template: mis.encode_to_vec(),
        inputs: misbehave_inputs(mode, secs).encode_to_vec(),
        args: container_args(&mis),
        env: vec![],
    };
    let serialized = scratch("serialized-bad").join("task.json");
    assert!(Command::new(BIN)
        .args(["template", "examples.add", "--serialized", "--output"])
        .arg(&serialized)
        .status()
        .unwrap()
        .success());
    let other_version = scratch("serialized-other").join("task.json");
    let text = std::fs::read_to_string(&serialized).unwrap().replace(
        &format!(
            "\"runtime_version\": \"{}\"",
            flyte_runtime::task::RUNTIME_VERSION
        ),
        "\"runtime_version\": \"0.0.1-other\"",
    );
    assert!(text.contains("0.0.1-other"));
    std::fs::write(&other_version, text).unwrap();
    let other_version = other_version.display().to_string();

    type Tweak = Box<dyn Fn(&mut Setup, &LocalPod)>;
    let cases: Vec<(&str, Setup, Tweak, Expect)> = vec![
        (
            "template is garbage",
            base_add.clone(),
            Box::new(|s, _| s.template = b"\xff\xfe not a protobuf".to_vec()),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["template.pb", "TaskTemplate"],
            ),
        ),
        (
            "template is truncated",
            base_add.clone(),
            Box::new(|s, _| {
                let n = s.template.len() / 2;
                s.template.truncate(n)
            }),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["template.pb", "TaskTemplate"],
            ),
        ),
        (
            "template is missing",
            base_add.clone(),
            Box::new(|s, p| {
                let t = p.dir.join("nope.pb").display().to_string();
                let e = s.args.pop().unwrap();
                s.args.pop();
                s.args.push(t);
                s.args.push(e)
            }),
            Expect::Doc(
                "SYSTEM:StorageError",
                true,
                false,
                &["nope.pb", "does not exist"],
            ),
        ),
        (
            "inputs are garbage",
            base_add.clone(),
            Box::new(|s, _| s.inputs = b"\x0a\xff\xff\xff".to_vec()),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["inputs.pb", "LiteralMap"],
            ),
        ),
        (
            "inputs are truncated",
            base_add.clone(),
            Box::new(|s, _| {
                let n = s.inputs.len() - 3;
                s.inputs.truncate(n)
            }),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["inputs.pb", "LiteralMap"],
            ),
        ),
        (
            "inputs file is missing",
            base_add.clone(),
            Box::new(|s, p| {
                set_arg(
                    &mut s.args,
                    "--inputs",
                    &p.dir.join("gone.pb").display().to_string(),
                )
            }),
            Expect::Doc(
                "SYSTEM:StorageError",
                true,
                false,
                &["gone.pb", "does not exist"],
            ),
        ),
        (
            "inputs path runs through a file",
            base_add.clone(),
            Box::new(|s, p| {
                set_arg(
                    &mut s.args,
                    "--inputs",
                    &p.dir.join("template.pb/inputs.pb").display().to_string(),
                )
            }),
            Expect::Doc(
                "SYSTEM:StorageError",
                true,
                false,
                &["template.pb/inputs.pb"],
            ),
        ),
        (
            "an input is missing",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "b", None)),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `b` is missing", "INTEGER"],
            ),
        ),
        (
            "an extra input",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "c", Some(5i64.to_literal()))),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `c` is not declared", "a, b, label"],
            ),
        ),
        (
            "a string for an integer",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "a", Some("one".to_string().to_literal()))),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `a`", "expected INTEGER", "string \"one\""],
            ),
        ),
        (
            "a float for an integer",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "a", Some(1.5f64.to_literal()))),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `a`", "float 1.5"],
            ),
        ),
        (
            "a list for a string",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "label", Some(vec![1i64].to_literal()))),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `label`", "expected STRING", "collection"],
            ),
        ),
        (
            "an empty literal",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "b", Some(Literal::default()))),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["input `b`", "empty literal"],
            ),
        ),
        (
            "unknown executor",
            base_add.clone(),
            Box::new(|s, _| {
                s.args.pop();
                s.args.push("nope::Executor".into())
            }),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["nope::Executor", "flyte_examples::adder::AddExecutor"],
            ),
        ),
        (
            "unknown resolver",
            base_add.clone(),
            Box::new(|s, _| set_arg(&mut s.args, "--resolver", "nope.resolver")),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["nope.resolver", "flyte_rs.task_template_resolver"],
            ),
        ),
        (
            "loader args lack the executor",
            base_add.clone(),
            Box::new(|s, _| {
                s.args.pop();
            }),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["<template URI> <executor path>"],
            ),
        ),
        (
            "default resolver, unknown task",
            base_add.clone(),
            Box::new(|s, _| {
                set_arg(&mut s.args, "--resolver", "flyte_rs.default_task_resolver");
                set_loader_args(&mut s.args, &["task-name", "nope"])
            }),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["`nope`", "examples.add"],
            ),
        ),
        (
            "class-storage index out of range",
            base_add.clone(),
            Box::new(|s, _| {
                set_arg(&mut s.args, "--resolver", "flyte_rs.class_storage_resolver");
                set_loader_args(&mut s.args, &["99"])
            }),
            Expect::Doc("USER:RuntimeError", false, true, &["99", "examples.add"]),
        ),
        (
            "serialized by another runtime version",
            base_add.clone(),
            Box::new(move |s, _| {
                set_arg(
                    &mut s.args,
                    "--resolver",
                    "flyte_rs.serialized_task_resolver",
                );
                set_loader_args(&mut s.args, &[&other_version])
            }),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["0.0.1-other", flyte_runtime::task::RUNTIME_VERSION],
            ),
        ),
        (
            "serialized file is garbage",
            base_add.clone(),
            Box::new(|s, p| {
                set_arg(
                    &mut s.args,
                    "--resolver",
                    "flyte_rs.serialized_task_resolver",
                );
                set_loader_args(
                    &mut s.args,
                    &[&p.dir.join("inputs.pb").display().to_string()],
                )
            }),
            Expect::Doc(
                "USER:RuntimeError",
                false,
                true,
                &["not a serialized flyte-rs task"],
            ),
        ),
        (
            "executor of another task type",
            base_add.clone(),
            Box::new(|s, _| {
                s.args.pop();
                s.args.push("flyte_test_tasks::MisbehaveExecutor".into())
            }),
            Expect::Doc(
                "USER:ValidationError",
                false,
                true,
                &["runs task type `misbehave`", "of type `adder`"],
            ),
        ),
        (
            "custom does not fit the task type",
            base_add.clone(),
            Box::new(|s, _| {
                edit_template(s, |t| {
                    t.custom.as_mut().unwrap().fields.insert(
                        "offset".into(),
                        prost_types::Value {
                            kind: Some(prost_types::value::Kind::StringValue("x".into())),
                        },
                    );
                })
            }),
            Expect::Doc("USER:ValidationError", false, true, &["offset"]),
        ),
        (
            "the executor fails (overflow)",
            base_add.clone(),
            Box::new(|s, _| with_input(s, "a", Some(i64::MAX.to_literal()))),
            Expect::Doc("USER:OverflowError", false, true, &["examples.add"]),
        ),
        (
            "the executor fails recoverably",
            base_mis("fail_recoverable", 0.0),
            Box::new(|_, _| {}),
            Expect::Doc("USER:TaskError", true, true, &["database busy"]),
        ),
        (
            "the executor panics",
            base_mis("panic", 0.0),
            Box::new(|_, _| {}),
            Expect::Doc(
                "USER:Panic",
                false,
                true,
                &["asked to panic", "test_tasks.rs:"],
            ),
        ),
        (
            "the executor returns the wrong output type",
            base_mis("ok", 0.0),
            Box::new(|s, _| edit_template(s, |t| set_output_type(t, "value", SimpleType::String))),
            Expect::Doc(
                "USER:TypeError",
                false,
                true,
                &["output `value`", "expected STRING", "integer 7"],
            ),
        ),
        (
            "the executor times out",
            base_mis("sleep", 30.0),
            Box::new(|_, _| {}),
            Expect::Doc(
                "USER:Timeout",
                true,
                true,
                &["tests.misbehave", "timeout of 1s"],
            ),
        ),
        (
            "a blocking executor times out",
            base_mis("block", 30.0),
            Box::new(|_, _| {}),
            Expect::Doc("USER:Timeout", true, true, &["did not yield"]),
        ),
        (
            "error with FLYTE_FAIL_ON_ERROR=true",
            base_mis("fail", 0.0),
            Box::new(|s, _| s.env.push(("FLYTE_FAIL_ON_ERROR", "true".into()))),
            Expect::Doc("USER:ValueError", false, true, &["asked to fail"]),
        ),
        (
            "output prefix cannot be written",
            base_add.clone(),
            Box::new(|s, p| {
                set_arg(
                    &mut s.args,
                    "--output-prefix",
                    &p.dir.join("template.pb/out").display().to_string(),
                )
            }),
            Expect::Unreported(
                3,
                &[
                    "cannot write the error document",
                    "template.pb/out/error.pb",
                ],
            ),
        ),
    ];

    let mut table = Vec::new();
    let mut failures = Vec::new();
    for (name, mut setup, tweak, expect) in cases {
        let pod = LocalPod::new("bad", &[], &[]);
        tweak(&mut setup, &pod);
        std::fs::write(pod.dir.join("template.pb"), &setup.template).unwrap();
        std::fs::write(pod.dir.join("inputs.pb"), &setup.inputs).unwrap();
        let env: Vec<(&str, &str)> = setup.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r: PodOutcome = pod.run(BIN, &setup.args, &env);
        let code = r.output.status.code();
        let mut fail = |why: String| {
            failures.push(format!(
                "{name}: {why}\n  stderr: {}",
                r.stderr().lines().last().unwrap_or("")
            ))
        };
        match expect {
            Expect::Doc(want_code, recoverable, user, mentions) => {
                let Some(e) = &r.error else {
                    fail(format!("no error document; files {:?}", r.files));
                    continue;
                };
                let ContainerError {
                    code: got,
                    message,
                    kind,
                    origin,
                    worker: _,
                    timestamp,
                } = e;
                if got != want_code {
                    fail(format!("code {got}, expected {want_code} ({message})"));
                }
                let want_kind = if recoverable {
                    container_error::Kind::Recoverable
                } else {
                    container_error::Kind::NonRecoverable
                };
                if *kind != want_kind as i32 {
                    fail(format!("kind {kind}, expected {want_kind:?}"));
                }
                let want_origin = if user {
                    execution_error::ErrorKind::User
                } else {
                    execution_error::ErrorKind::System
                };
                if *origin != want_origin as i32 {
                    fail(format!("origin {origin}, expected {want_origin:?}"));
                }
                if timestamp.is_none() {
                    fail("no timestamp".into());
                }
                for m in mentions {
                    if !message.contains(m) {
                        fail(format!("message does not mention {m:?}: {message}"));
                    }
                }
                if r.files != ["error.pb"] {
                    fail(format!("wrote {:?}, expected only error.pb", r.files));
                }
                let want_exit = if env.iter().any(|(k, _)| *k == "FLYTE_FAIL_ON_ERROR") {
                    1
                } else {
                    0
                };
                if code != Some(want_exit) {
                    fail(format!("exit code {code:?}, expected {want_exit}"));
                }
                table.push(format!(
                    "| {name} | `{got}` | {} | {} | {} |",
                    if recoverable {
                        "RECOVERABLE"
                    } else {
                        "NON_RECOVERABLE"
                    },
                    if user { "USER" } else { "SYSTEM" },
                    message.replace('|', "\\|")
                ));
            }
            Expect::Unreported(want_exit, mentions) => {
                if code != Some(want_exit) {
                    fail(format!("exit code {code:?}, expected {want_exit}"));
                }
                if !r.files.is_empty() {
                    fail(format!("wrote {:?}", r.files));
                }
                for m in mentions {
                    if !r.stderr().contains(m) {
                        fail(format!("stderr does not mention {m:?}"));
                    }
                }
                table.push(format!(
                    "| {name} | (none: exit {want_exit}) | | | {} |",
                    r.stderr()
                        .lines()
                        .rev()
                        .find(|l| l.contains("cannot write"))
                        .unwrap_or("")
                        .trim()
                ));
            }
        }
    }
    println!(
        "| case | code | kind | origin | message |\n|---|---|---|---|---|\n{}",
        table.join("\n")
    );
    assert!(table.len() >= 20);
    assert!(
        failures.is_empty(),
        "{} of the bad-input cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_distributed_error_strategy_names_the_worker() {
    let mis = template_of(BIN, "tests.misbehave");
    let pod = LocalPod::new(
        "dist",
        &mis.encode_to_vec(),
        &misbehave_inputs("fail", 0.0).encode_to_vec(),
    );
    let r = pod.run(
        BIN,
        &container_args(&mis),
        &[("_F_DES", "1"), ("_F_WN", "worker-3")],
    );
    assert_eq!(r.files, ["error-worker-3.pb"], "{}", r.stderr());
    assert_eq!(r.error.unwrap().worker, "worker-3");
}

#[test]
fn container_args_keep_flytekit_shape() {
    let add = template_of(BIN, "examples.add");
    let Some(task_template::Target::Container(c)) = &add.target else {
        panic!()
    };
    assert!(c.command.is_empty());
    assert_eq!(
        c.args[1..],
        [
            "execute",
            "--inputs",
            "{{.input}}",
            "--output-prefix",
            "{{.outputPrefix}}",
            "--raw-output-data-prefix",
            "{{.rawOutputDataPrefix}}",
            "--checkpoint-path",
            "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint",
            "{{.prevCheckpointPrefix}}",
            "--resolver",
            "flyte_rs.task_template_resolver",
            "--",
            "{{.taskTemplatePath}}",
            "flyte_examples::adder::AddExecutor",
        ]
    );
}

#[test]
fn an_offloaded_input_is_fetched_from_its_uri() {
    use flyte_runtime::proto::core::{literal, LiteralOffloadedMetadata};
    let template = template_of(BIN, "examples.add");
    let pod = LocalPod::new("offloaded", &template.encode_to_vec(), &[]);
    let stored = pod.dir.join("a_offloaded.pb");
    std::fs::write(&stored, 40i64.to_literal().encode_to_vec()).unwrap();
    let mut inputs = add_inputs(0, 2, "sum");
    inputs.literals.insert(
        "a".into(),
        Literal {
            value: Some(literal::Value::OffloadedMetadata(Box::new(
                LiteralOffloadedMetadata {
                    uri: stored.display().to_string(),
                    size_bytes: 2,
                    inferred_type: Some(i64::literal_type()),
                },
            ))),
            ..Default::default()
        },
    );
    std::fs::write(pod.dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let r = pod.run(BIN, &container_args(&template), &[]);
    let outputs = r
        .outputs
        .clone()
        .unwrap_or_else(|| panic!("{}", r.stderr()));
    assert_eq!(i64::from_literal(&outputs.literals["total"]).unwrap(), 42);
}

// ---------------------------------------------------------------------------------------
// Decks.

/// The tab names of a deck, in order.
fn deck_tabs(deck: &str) -> Vec<&str> {
    deck.split("<li>")
        .skip(1)
        .filter_map(|s| s.split("</li>").next())
        .collect()
}

/// What a deck must never hold: anything loaded from the network.
fn assert_self_contained(deck: &str) {
    for remote in ["<link", "src=", "@import", "url("] {
        assert!(!deck.contains(remote), "`{remote}` in the deck");
    }
}

#[test]
fn a_run_leaves_a_deck_with_its_sections_and_every_value_escaped() {
    let template = template_of(BIN, "examples.add");
    assert_eq!(
        template.metadata.as_ref().and_then(|m| m.generates_deck),
        Some(true)
    );
    let label = "<script>alert(1)</script>";
    let pod = LocalPod::new(
        "deck-ok",
        &template.encode_to_vec(),
        &add_inputs(40, 2, label).encode_to_vec(),
    );
    let r = pod.run(BIN, &container_args(&template), &[]);
    assert!(r.output.status.success(), "{}", r.stderr());
    assert_eq!(r.files, ["outputs.pb"], "{}", r.stderr());
    let deck = r.deck.as_deref().expect("deck.html");
    assert_eq!(
        deck_tabs(deck),
        ["Timeline", "Configuration", "Input", "Output"]
    );
    for step in [
        "Resolve the task",
        "Read the inputs from",
        "Run the executor",
        "Write the outputs to",
    ] {
        assert!(deck.contains(step), "no `{step}` on the Timeline");
    }
    // The label, as an input and inside the output message, is text.
    assert!(
        !deck.contains(label),
        "the <script> input is raw in the deck"
    );
    assert!(deck.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert!(deck.contains("&lt;script&gt;alert(1)&lt;/script&gt;=42"));
    assert_eq!(
        deck.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert_self_contained(deck);

    // A template that turns the deck off gets none.
    let mut off = template.clone();
    off.metadata.as_mut().unwrap().generates_deck = Some(false);
    let pod = LocalPod::new(
        "deck-off",
        &off.encode_to_vec(),
        &add_inputs(1, 2, "x").encode_to_vec(),
    );
    let r = pod.run(BIN, &container_args(&off), &[]);
    assert!(r.output.status.success(), "{}", r.stderr());
    assert_eq!(
        (r.files.as_slice(), r.deck.is_some()),
        (&["outputs.pb".to_string()][..], false)
    );
}

#[test]
fn a_failed_run_leaves_a_deck_of_what_was_read_and_where_it_failed() {
    let template = template_of(BIN, "tests.misbehave");
    let pod = LocalPod::new(
        "deck-fail",
        &template.encode_to_vec(),
        &misbehave_inputs("fail", 0.0).encode_to_vec(),
    );
    let r = pod.run(BIN, &container_args(&template), &[]);
    assert_eq!(r.files, ["error.pb"], "{}", r.stderr());
    let deck = r.deck.as_deref().expect("deck.html beside error.pb");
    assert_eq!(
        deck_tabs(deck),
        ["Timeline", "Configuration", "Input", "Error"]
    );
    assert!(deck.contains("<td>Run the executor</td>"), "{deck}");
    assert!(deck.contains("<td>failed</td>"), "{deck}");
    assert!(deck.contains("USER:ValueError") && deck.contains("asked to fail"));
    assert!(deck.contains("<td>fail</td>"), "the mode input: {deck}");
    assert!(deck.contains("test double"), "the configuration: {deck}");
}

#[test]
fn an_executors_deck_over_the_size_limit_is_cut_with_a_note() {
    let template = template_of(BIN, "tests.misbehave");
    let pod = LocalPod::new(
        "deck-big",
        &template.encode_to_vec(),
        &misbehave_inputs("deck", 0.0).encode_to_vec(),
    );
    let limit = 20_000;
    let r = pod.run(
        BIN,
        &container_args(&template),
        &[("FLYTE_RS_MAX_DECK_BYTES", &limit.to_string())],
    );
    assert!(r.output.status.success(), "{}", r.stderr());
    assert_eq!(r.files, ["outputs.pb"], "{}", r.stderr());
    let deck = r.deck.as_deref().expect("deck.html");
    assert!(deck.len() <= limit, "{} bytes", deck.len());
    assert_eq!(
        deck_tabs(deck),
        [
            "Timeline",
            "Big &lt;one&gt;",
            "Configuration",
            "Input",
            "Output"
        ]
    );
    assert!(deck.contains(" of 2000 rows"), "{deck}");
    assert!(deck.contains("FLYTE_RS_MAX_DECK_BYTES"), "{deck}");
    assert!(
        deck.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{deck}"
    );
    assert!(deck.contains("<td>&lt;i&gt;row 0&lt;/i&gt;"), "{deck}");
    assert_eq!(deck.matches("<script>").count(), 1);
    assert_self_contained(deck);
    // Published mid-run, then written again at the end.
    assert!(r.stderr().contains("deck published"), "{}", r.stderr());
}
