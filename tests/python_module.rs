//! The Python module `flyte-examples python-module` writes, used by a flytekit workflow
//! (`tests/python/rust_wf`): reproducible; `custom` byte for byte what Rust writes; wrong
//! configurations refused in Python, naming the field; the workflow run locally with
//! `pyflyte run`, each Rust task through the binary, checked value by value against values
//! computed without it; a Rust failure failing the workflow with its code; and every task
//! template `pyflyte package` writes run by the binary as propeller runs a pod, its outputs
//! read by flytekit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use flyte_runtime::__private::pod::{build_pod, Platform, PodRun, PRIMARY_CONTAINER_KEY};
use flyte_runtime::proto::admin::TaskSpec;
use flyte_runtime::proto::core::{literal_type, LiteralMap, SimpleType, TaskTemplate};
use flyte_runtime::task::ContainerTask;
use flyte_runtime::types::{FlyteFile, FlyteType};
use flyte_tests::pod::{run_pod, scratch, template_of, PodOutcome};
use flyte_tests::python_wf::{
    check_report, examples_bin, pyflyte, run_workflow, text, workflow_package, write_output,
};
use flyte_tests::{run_python, run_python_with_env};
use prost::Message;

fn bin() -> PathBuf {
    examples_bin()
}

#[test]
fn the_module_is_reproducible_and_says_what_wrote_it() {
    let dir = scratch("module");
    let write = |name: &str| {
        let path = dir.join(name);
        write_output(&bin(), &["python-module"], &path);
        std::fs::read_to_string(path).expect("module written")
    };
    let (first, second) = (write("a.py"), write("b.py"));
    assert_eq!(first, second, "the same binary wrote two different modules");
    let header = first.lines().next().unwrap_or_default();
    assert!(
        header.contains("flyte-examples python-module")
            && header.contains(&format!("flyte-examples {}", env!("CARGO_PKG_VERSION"))),
        "{header}"
    );
    for class in [
        "AddTask",
        "AddTaskConfig",
        "SqliteTask",
        "SqliteTaskConfig",
        "ChecksumTask",
    ] {
        assert!(
            first.contains(&format!("\nclass {class}(")),
            "no class {class}"
        );
    }
    assert!(first.contains("\nexamples_add = RegisteredTask("));
    assert!(first.contains("\ndef examples_map_add_label("));
}

#[test]
fn custom_written_in_python_is_the_bytes_rust_writes() {
    let root = workflow_package("custom");
    let dir = root.join("rust_wf").display().to_string();
    let out = run_python("rust_module_checks.py", &[&dir, "custom"], b"");
    let python: BTreeMap<String, String> = serde_json::from_slice(&out).expect("JSON");
    let rust = |custom: prost_types::Struct| {
        base64::engine::general_purpose::STANDARD.encode(custom.encode_to_vec())
    };
    let expected = [
        (
            "adder",
            rust(
                flyte_examples::adder::AddTask { offset: 7 }
                    .get_custom()
                    .expect("custom"),
            ),
        ),
        (
            "sqlite",
            rust(
                flyte_examples::sqlite::SqliteTask {
                    uri: "s3://bucket/db.zip".into(),
                    compressed: true,
                    query_template: "SELECT * FROM t WHERE a = {{ .inputs.a }}".into(),
                }
                .get_custom()
                .expect("custom"),
            ),
        ),
        (
            "checksum",
            rust(
                flyte_examples::checksum::ChecksumTask {
                    secret_group: "g".into(),
                    secret_key: "k".into(),
                }
                .get_custom()
                .expect("custom"),
            ),
        ),
    ];
    for (name, bytes) in expected {
        assert_eq!(python[name], bytes, "{name}: the config class's custom");
        assert_eq!(
            python[&format!("{name}_template")],
            bytes,
            "{name}: custom in flytekit's template of the task"
        );
    }
}

#[test]
fn the_python_types_are_the_flyte_types_of_the_binary() {
    let root = workflow_package("interfaces");
    let dir = root.join("rust_wf").display().to_string();
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).expect("folder");
    // For the map, its task: the map's interface.
    for name in [
        "examples.add",
        "examples.sqlite_by_composer",
        "examples.checksum",
        "examples.map_add_label",
    ] {
        write_output(
            &bin(),
            &["template", name, "--entity", "task"],
            &templates.join(format!("{name}.pb")),
        );
    }
    let templates = templates.display().to_string();
    let out = run_python(
        "rust_module_checks.py",
        &[&dir, "interfaces", &templates],
        b"",
    );
    let cases: BTreeMap<String, String> = serde_json::from_slice(&out).expect("JSON");
    let ready_made = cases
        .keys()
        .filter(|k| k.starts_with("ready-made "))
        .count();
    assert_eq!(ready_made, 7, "every registered container task: {cases:?}");
    assert!(
        cases.contains_key("map examples.map_add_label"),
        "{cases:?}"
    );
    for (case, result) in &cases {
        assert_eq!(result, "equal", "{case}");
    }
}

#[test]
fn a_pod_template_made_in_python_is_the_binarys_and_runs() {
    let root = workflow_package("pod");
    let dir = root.join("rust_wf").display().to_string();
    let template = root.join("add_in_pod.pb");
    write_output(&bin(), &["template", "examples.add_in_pod"], &template);
    let out = run_python_with_env(
        "rust_module_checks.py",
        &[&dir, "pod", &template.display().to_string()],
        b"",
        &[("FLYTE_RS_BINARY", bin().display().to_string())],
    );
    let got: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(
        got["python"], got["rust"],
        "flytekit's template against the binary's"
    );
    assert_eq!(got["equal"], true, "the bytes differ");
    assert_eq!(
        got["fast_equal"], true,
        "fast registration (pyflyte register) changed the template"
    );
    assert_eq!(
        got["total"], 103,
        "1 + 2 + offset 100, run in the pod's container"
    );
    assert_eq!(got["message"], "pod=103");
}

#[test]
fn every_field_shape_reaches_the_binary_as_python_wrote_it() {
    let bin = flyte_tests::pod::workspace_bin("flyte-test-tasks");
    let module = scratch("configured").join("test_tasks_module.py");
    write_output(&bin, &["python-module"], &module);
    let roundtrip = module.with_file_name("roundtrip.pb");
    write_output(&bin, &["template", "tests.roundtrip"], &roundtrip);
    let out = run_python_with_env(
        "configured_checks.py",
        &[
            &module.display().to_string(),
            &roundtrip.display().to_string(),
        ],
        b"",
        &[("FLYTE_RS_BINARY", bin.display().to_string())],
    );
    let got: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    // Defaults as serde fills them; `limit` left out when none; `mode` under its key `kind`.
    assert_eq!(
        got["defaults"]["custom"],
        serde_json::json!({"name": "n", "rowCount": 3, "ratio": 0.0, "tags": [], "weights": {},
                           "kind": "", "shade": null})
    );
    assert_eq!(
        got["every_field"]["custom"],
        serde_json::json!({"name": "n", "rowCount": 7, "ratio": 0.25, "tags": ["a", "b"],
                           "weights": {"x": 1.5, "y": -2}, "limit": -4, "kind": "fast",
                           "shade": "dark"})
    );
    // A struct's JSON schema reaches the template though no Python type carries it.
    assert_eq!(got["roundtrip_interface_equal"], true);
    for case in ["defaults", "every_field"] {
        assert_eq!(
            got[case]["rust"], got[case]["python"],
            "{case}: the binary read back other values than Python wrote"
        );
    }
    assert_eq!(
        got["errors"],
        serde_json::json!({
            "list_item": "ConfiguredConfig.tags[1]: expected a str, got int 1",
            "map_value": "ConfiguredConfig.weights['x']: expected a float, got str 'heavy'",
            "optional": "ConfiguredConfig.limit: expected none or an int, got str '3'",
            "missing": "Configured: the configuration's field(s) name must be given (as keywords, or in config=ConfiguredConfig(...))",
        })
    );
}

/// Issue 27: a workflow may leave out a Rust task's Optional inputs (the task gets none, run
/// locally as compiled), and a struct output is the module's dataclass, read by attribute.
#[test]
fn optional_inputs_may_be_left_out_and_structs_are_dataclasses() {
    let bin = flyte_tests::pod::workspace_bin("flyte-test-tasks");
    let dir = scratch("structs");
    let module = dir.join("test_tasks_module.py");
    write_output(&bin, &["python-module"], &module);
    let python = std::fs::read_to_string(&module).expect("module");
    let (point_at, shape_at) = (
        python.find("\nclass Point:\n"),
        python.find("\nclass Shape:\n"),
    );
    assert!(
        point_at.is_some() && point_at < shape_at,
        "one dataclass per struct, each after those it uses"
    );
    assert!(python.contains("\n    \"Point\",\n") && python.contains("\n    \"Shape\",\n"));
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(folder.join("a.txt"), "a\n").expect("file");
    let file = dir.join("file.txt");
    std::fs::write(&file, "file\n").expect("file");
    let out = run_python_with_env(
        "struct_checks.py",
        &[
            &module.display().to_string(),
            &file.display().to_string(),
            &folder.display().to_string(),
        ],
        b"",
        &[("FLYTE_RS_BINARY", bin.display().to_string())],
    );
    let got: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    // Both runs left the Optional inputs out and got none; the Python task got the struct
    // as a `Shape` (its points `Point`s), equal to the one sent, and the field the workflow
    // read off the promise.
    assert_eq!(
        got["workflow"],
        serde_json::json!({
            "type": "Shape", "name": "square", "x": 1.5, "color": "green", "tags": {"k": 3},
            "note": null, "field_by_promise": "square", "first": ["Point", 1.0],
            "optional_int_set": null, "optional_int_none": null, "equal": true,
        })
    );
    // Compiled (as on a cluster), each left-out input is bound to none.
    let none = serde_json::json!({"scalar": {"union": {
        "value": {"scalar": {"noneType": {}}},
        "type": {"simple": "NONE", "structure": {"tag": "none"}},
    }}});
    let bindings = got["bindings"].as_object().expect("bindings");
    assert_eq!(bindings.len(), 4, "two inputs of two nodes: {bindings:?}");
    for (var, binding) in bindings {
        assert_eq!(binding, &none, "{var}");
    }
    // The dataclass flytekit writes is the struct Rust writes, byte for byte.
    use flyte_tests::fixture_types::{point, Color, Shape};
    let rust = Shape {
        name: "square".into(),
        points: vec![point(1.5, -2.0)],
        tags: [("k".to_string(), 3)].into_iter().collect(),
        color: Color::Green,
        note: None,
    }
    .to_literal();
    let Some(flyte_runtime::proto::core::literal::Value::Scalar(scalar)) = rust.value else {
        panic!("not a scalar: {rust:?}")
    };
    let Some(flyte_runtime::proto::core::scalar::Value::Binary(binary)) = scalar.value else {
        panic!("not a binary: {scalar:?}")
    };
    assert_eq!(got["shape_tag"], binary.tag);
    assert_eq!(
        got["shape_msgpack"],
        base64::engine::general_purpose::STANDARD.encode(&binary.value),
        "flytekit's msgpack of the Shape dataclass"
    );
    // flytekit's types of the dataclasses (and of every other Python type) are the binary's.
    assert_eq!(got["types_differ"], serde_json::json!([]));
}

#[test]
fn wrong_configurations_fail_in_python_naming_the_field() {
    let root = workflow_package("wrong");
    let dir = root.join("rust_wf").display().to_string();
    let out = run_python_with_env(
        "rust_module_checks.py",
        &[&dir, "wrong"],
        b"",
        &[("FLYTE_RS_BINARY", bin().display().to_string())],
    );
    let errors: BTreeMap<String, Option<String>> = serde_json::from_slice(&out).expect("JSON");
    let expect = [
        ("string_offset", "TypeError: AddTaskConfig.offset: expected an int, got str '3'"),
        ("bool_offset", "TypeError: AddTaskConfig.offset: expected an int, got bool True"),
        ("int_uri", "TypeError: SqliteTaskConfig.uri: expected a str, got int 3"),
        (
            "unknown_field",
            "TypeError: AddTask: unknown argument(s) ofset; the configuration's fields are offset",
        ),
        (
            "fixed_inputs",
            "ValueError: AddTask: task type 'adder' fixes its inputs; they cannot be declared per task",
        ),
        (
            "config_of_another_type",
            "TypeError: AddTask: config must be a AddTaskConfig, got ChecksumTaskConfig",
        ),
        (
            "empty_uri",
            "RustConfigError: task `w.sql`: the configuration does not pass task type `sqlite`'s \
             check: uri is empty: name the database",
        ),
        (
            "undeclared_query_input",
            "RustConfigError: task `w.sql`: the configuration does not pass task type `sqlite`'s \
             check: query_template uses `{{ .inputs.n }}`, but the task declares no input `n` \
             (inputs: m)",
        ),
    ];
    for (case, message) in expect {
        assert_eq!(errors[case].as_deref(), Some(message), "{case}");
    }
}

/// Issue 31: `enable_deck` on a task class, flytekit's own flag, defaulting to the task
/// type's: the serialized templates carry `generates_deck` (present, false or true) as
/// flytekit writes it, and a local run logs where the binary wrote the deck, as flytekit's
/// `_output_deck` logs it (INFO), for the tasks whose templates ask for one only.
#[test]
fn enable_deck_sets_generates_deck_and_a_local_run_logs_the_deck() {
    let root = workflow_package("deck");
    let dir = root.join("rust_wf").display().to_string();
    let out = run_python_with_env(
        "rust_module_checks.py",
        &[&dir, "deck"],
        b"",
        &[("FLYTE_RS_BINARY", bin().display().to_string())],
    );
    // flytekit's own handler prints its INFO lines on stdout too; the report is the last line.
    let out = String::from_utf8_lossy(&out);
    let last = out
        .lines()
        .rfind(|l| l.starts_with('{'))
        .unwrap_or_default();
    let got: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: no JSON report in:\n{out}"));
    let deck =
        |on: bool| serde_json::json!({"present": true, "value": on, "flytekit_enable_deck": on});
    assert_eq!(
        got["templates"],
        serde_json::json!({
            "deck.off": deck(false),
            "deck.on": deck(true),
            "deck.type_off": deck(false),
            "deck.type_off_on": deck(true),
            "examples.add": deck(true),
        }),
        "generates_deck as the workflow serializes each task"
    );
    assert_eq!(got["total"], 6, "1 + 1 + 1, + 1 + 2, + 0, + 0, + 0");
    assert_eq!(got["failed"], "USER:OverflowError");
    let logs = got["logs"].as_array().expect("logs");
    let (mut named, mut decks) = (Vec::new(), Vec::new());
    for line in logs {
        let (level, message) = (line[0].as_str().unwrap(), line[1].as_str().unwrap());
        assert_eq!(level, "INFO", "{message}");
        let (task, path) = message
            .split_once(" task creates flyte deck html to file://")
            .unwrap_or_else(|| panic!("not flytekit's line: {message}"));
        let html = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            html.contains("flyte-frame-tabs") && html.contains("Timeline"),
            "{task}: {path} is not a deck"
        );
        assert!(path.ends_with("/deck.html"), "{path}");
        named.push(task.to_string());
        decks.push(html);
    }
    assert_eq!(
        named,
        ["on", "type_off_on", "add", "on"],
        "a line for each task whose deck is on, in the order they ran, the failed run's too: \
         {logs:?}"
    );
    assert!(
        decks[3].contains("OverflowError"),
        "the failed run's deck shows its error"
    );
}

#[test]
fn the_workflow_runs_locally_through_the_binary() {
    let (got, expected) = run_workflow("local", &[]);
    check_report(&got, &expected);
}

#[test]
fn a_task_failing_in_rust_fails_the_workflow_with_its_code() {
    let root = workflow_package("failing");
    let out = pyflyte(
        &root,
        &[
            "run",
            "rust_wf/workflow.py",
            "overflow",
            "--a",
            &(i64::MAX - 5).to_string(),
        ],
        &[],
    );
    let all = text(&out);
    assert!(!out.status.success(), "the workflow succeeded:\n{all}");
    // The error document's code, then its message (rich may wrap the line between words).
    let words = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("RustTaskError: task wf.add_ten failed: USER:OverflowError: task `wf.add_ten`: 9223372036854775802 + 0 + 10 overflows a 64-bit integer (NON_RECOVERABLE)"),
        "no error code and message from the binary in:\n{all}"
    );
}

/// Runs `template` as propeller runs its pod: the pod `flyte_runtime::__private::pod` builds of it (the
/// placeholders rendered, a pod template's primary container merged, propeller's env), its
/// primary container's args started as a process with that env, from files under `dir`.
fn run_as_pod(template: &TaskTemplate, inputs: &LiteralMap, dir: &Path) -> PodOutcome {
    let run = PodRun::under(&dir.display().to_string(), 0);
    let placeholders = run.placeholders();
    std::fs::write(&placeholders.task_template_path, template.encode_to_vec())
        .expect("write the template");
    std::fs::write(&placeholders.input, inputs.encode_to_vec()).expect("write the inputs");
    let pod = build_pod(template, &run, &Platform::default()).expect("propeller builds the pod");
    let primary = pod.metadata.annotations.get(PRIMARY_CONTAINER_KEY);
    let container = pod
        .spec
        .containers
        .iter()
        .find(|c| primary.is_none_or(|p| *p == c.name))
        .expect("the primary container");
    // A secret comes from the cluster (`valueFrom`); here it is the variable flytekit reads.
    let mut env: Vec<(&str, &str)> = container
        .env
        .iter()
        .filter_map(|e| e.value.as_deref().map(|v| (e.name.as_str(), v)))
        .collect();
    env.push(("_FSEC_CHECKSUM_KEY", "s3cret"));
    run_pod(
        &bin().display().to_string(),
        &container.args,
        &env,
        Path::new(&placeholders.output_prefix),
    )
}

/// Inputs for a task of the package: a value of each input's type (a file for a blob).
fn inputs_for(name: &str, t: &TaskTemplate, file: &Path) -> LiteralMap {
    let vars = t
        .interface
        .as_ref()
        .and_then(|i| i.inputs.as_ref())
        .map(|m| m.variables.clone())
        .unwrap_or_default();
    let literals = vars
        .into_iter()
        .map(|(var, v)| {
            let ty = v.r#type.and_then(|t| t.r#type);
            let lit = match (name, var.as_str(), ty) {
                (_, "interrupt_at", _) => (-1_i64).to_literal(),
                (_, _, Some(literal_type::Type::Simple(s))) if s == SimpleType::Integer as i32 => {
                    3_i64.to_literal()
                }
                (_, _, Some(literal_type::Type::Simple(s))) if s == SimpleType::String as i32 => {
                    "Ferris".to_string().to_literal()
                }
                (_, _, Some(literal_type::Type::Blob(_))) => {
                    FlyteFile::new(file.display().to_string()).to_literal()
                }
                (_, _, other) => panic!("{name}: no test value for input {var}: {other:?}"),
            };
            (var, lit)
        })
        .collect();
    LiteralMap { literals }
}

#[test]
fn every_packaged_template_runs_as_propeller_runs_it() {
    let root = workflow_package("package");
    let out = pyflyte(
        &root,
        &[
            "--pkgs",
            "rust_wf",
            "package",
            "--image",
            "flyte-examples:test",
            "--output",
            "flyte-package.tgz",
            "--force",
            // As `pyflyte register` does by default: fast registration, which rewrites the
            // command of Python tasks and must leave ours alone.
            "--copy",
            "auto",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "pyflyte package failed:\n{}",
        text(&out)
    );
    let file = root.join("signed.txt");
    std::fs::write(&file, "sign me\n").expect("input file");

    let tgz = std::fs::File::open(root.join("flyte-package.tgz")).expect("package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut ran = Vec::new();
    for entry in archive.entries().expect("tar") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        if !name.ends_with("_1.pb") {
            continue; // workflows (_2) and launch plans (_3)
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        let spec = TaskSpec::decode(bytes.as_slice()).expect("a TaskSpec");
        let spec_description = spec.description;
        let mut template = spec.template.expect("template");
        let task = template
            .id
            .as_ref()
            .map(|i| i.name.clone())
            .unwrap_or_default();
        if template.r#type == "python-task" {
            assert_eq!(task, "rust_wf.workflow.report", "only the report is Python");
            continue;
        }
        if task.starts_with("examples.") {
            // A ready-made task is the binary's own template, but for the id.
            let mut theirs = template.clone();
            let mut ours = template_of(&bin().display().to_string(), &task);
            theirs.id = None;
            ours.id = None;
            assert_eq!(
                theirs, ours,
                "{task}: the packaged template is not the binary's"
            );
            let registered = flyte_runtime::task::registry::instance(&task).expect("registered");
            let rust_spec = registered
                .instance
                .task_spec(&Default::default())
                .expect("spec");
            assert_eq!(
                spec_description, rust_spec.description,
                "{task}: the packaged docs are not the binary's"
            );
        }
        let inputs = inputs_for(&task, &template, &file);
        template.id.get_or_insert_with(Default::default);
        let dir = scratch(&format!("pkg-{task}"));
        let outcome = run_as_pod(&template, &inputs, &dir);
        assert!(
            outcome.error.is_none() && outcome.outputs.is_some(),
            "{task}: {:?}\n{}",
            outcome.error,
            outcome.stderr()
        );
        // flytekit reads the outputs as a downstream task would.
        let read = run_python(
            "read_outputs.py",
            &[
                &dir.join("task.pb").display().to_string(),
                &dir.join("0/outputs.pb").display().to_string(),
            ],
            b"",
        );
        let values: BTreeMap<String, String> = serde_json::from_slice(&read).expect("JSON");
        if template.r#type == "adder" {
            let offset = match task.as_str() {
                "wf.add_ten" => 10,
                "examples.add_in_pod" => 100,
                _ => 0,
            };
            assert_eq!(values["total"], (3 + 3 + offset).to_string(), "{task}");
        }
        ran.push(task);
    }
    ran.sort();
    assert_eq!(
        ran,
        [
            "examples.add",
            "examples.add_in_pod",
            "examples.checksum",
            "examples.resumable_count",
            "examples.sqlite_by_composer",
            "examples.sqlite_demo",
            "examples.squares",
            "wf.add_ten",
            "wf.by_composer",
            "wf.checksum",
        ]
    );
}
