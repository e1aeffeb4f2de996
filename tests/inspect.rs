//! `inspect` from the binary alone: the package `package` writes and the one the real
//! `pyflyte package` wrote, every entity listed and checked against what wrote it; single
//! `.pb` files as the protobuf JSON flytekit made of the same bytes; and what it refuses.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_tests::pod::scratch;
use serde_json::Value as Json;

fn examples_bin() -> PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

fn examples(args: &[&str]) -> Output {
    Command::new(examples_bin())
        .args(args)
        .output()
        .expect("start flyte-examples")
}

fn stdout_of(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn inspect_text(file: &Path) -> String {
    stdout_of(
        examples(&["inspect", &file.display().to_string()]),
        "inspect",
    )
}

fn inspect_json(file: &Path, extra: &[&str]) -> Json {
    let mut args = vec!["inspect".to_string(), file.display().to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = stdout_of(examples(&args), "inspect");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn entity<'a>(listing: &'a Json, file: &str) -> &'a Json {
    listing["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["file"] == file)
        .unwrap_or_else(|| panic!("{file} is not listed: {listing:#}"))
}

/// The keys of a JSON object, sorted.
fn keys(v: &Json) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

/// `(file, "task TYPE" | "workflow" | "launch plan")` of each line `package` printed.
fn package_listing(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let line = line.strip_prefix("  ")?;
            let (file, rest) = line.split_once(' ')?;
            let what = rest.trim().rsplit_once(' ')?.0.rsplit_once(' ')?.0.trim();
            file.ends_with(".pb")
                .then(|| (file.to_string(), what.to_string()))
        })
        .collect()
}

/// `(name, task type)` of each task `list` shows, reference tasks left out (never packaged).
fn listed_tasks(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("tasks "))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.contains("reference to a registered task"))
        .filter_map(|l| {
            let mut words = l.split_whitespace().skip(1);
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect()
}

#[test]
fn inspect_lists_every_entity_of_the_package_package_wrote() {
    let dir = scratch("inspect-package");
    let pkg = dir.join("flyte-package.tgz");
    let image = "ghcr.io/example/flyte-examples:inspect";
    let written = stdout_of(
        examples(&[
            "package",
            "--image",
            image,
            "--version",
            "v7",
            "--output",
            &pkg.display().to_string(),
        ]),
        "package",
    );
    let files = package_listing(&written);
    assert!(files.len() > 3, "package listed: {written}");

    let listing = inspect_json(&pkg, &["--format", "json"]);
    let entities = listing["entities"].as_array().expect("entities");
    let listed: Vec<&str> = entities.iter().filter_map(|e| e["file"].as_str()).collect();
    let written_files: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(listed, written_files, "the archive's files, in its order");
    assert_eq!(listing["other_files"], serde_json::json!([]));
    for (file, what) in &files {
        let e = entity(&listing, file);
        assert_eq!(e["not_decoded"], Json::Null, "{file}");
        assert_eq!(e["version"], "v7", "{file}");
        match what.strip_prefix("task ") {
            Some(task_type) => {
                assert_eq!(e["kind"], "task", "{file}");
                assert_eq!(e["task_type"], task_type, "{file}");
                let expected_image = if task_type == "echo" {
                    Json::Null
                } else {
                    Json::from(image)
                };
                assert_eq!(e["image"], expected_image, "{file}");
            }
            None => assert_eq!(e["kind"], what.as_str(), "{file}"),
        }
        assert!(e["inputs"].is_object(), "{file}: {e}");
    }
    // Every task `list` shows is packaged, under its name and type.
    let tasks = listed_tasks(&stdout_of(examples(&["list"]), "list"));
    assert!(tasks.len() > 3, "list shows tasks");
    for (name, task_type) in &tasks {
        let found = entities
            .iter()
            .find(|e| e["kind"] == "task" && e["name"] == name.as_str())
            .unwrap_or_else(|| panic!("task {name} is not listed: {listing:#}"));
        assert_eq!(found["task_type"], task_type.as_str(), "{name}");
    }
    let by_name = |kind: &str, name: &str| {
        entities
            .iter()
            .find(|e| e["kind"] == kind && e["name"] == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"))
    };
    let add = by_name("task", "examples.add");
    assert_eq!(
        add["inputs"],
        serde_json::json!({"a": "INTEGER", "b": "INTEGER", "label": "STRING"})
    );
    assert_eq!(
        add["outputs"],
        serde_json::json!({"message": "STRING", "total": "INTEGER"})
    );
    let wf = by_name("workflow", "examples.map_add_label");
    assert_eq!(
        wf["nodes"],
        serde_json::json!(["n0: array node over task examples.map_add_label-arraynode"])
    );
    let lp = by_name("launch plan", "examples.map_add_label");
    assert_eq!(lp["workflow"], "examples.map_add_label");
    assert_eq!(lp["inputs"]["a"], "collection of INTEGER, required");

    // The text listing names each entity on a line of its own.
    let text = inspect_text(&pkg);
    assert!(
        text.starts_with(&format!(
            "{}: a registration package of {} entities",
            pkg.display(),
            files.len()
        )),
        "{text}"
    );
    for e in entities {
        let head = format!(
            "{}  {} {} (version v7)",
            e["file"].as_str().unwrap_or_default(),
            e["kind"].as_str().unwrap_or_default(),
            e["name"].as_str().unwrap_or_default()
        );
        assert!(text.lines().any(|l| l == head), "no `{head}` in:\n{text}");
    }
    assert!(text.contains("  image     ghcr.io/example/flyte-examples:inspect\n"));
}

#[test]
fn inspect_lists_every_entity_of_the_package_pyflyte_wrote() {
    let pkg = flyte_tests::fixture("package/flyte-package.tgz");
    let listing_txt =
        std::fs::read_to_string(flyte_tests::fixture("package/LISTING.txt")).expect("LISTING.txt");
    let files: Vec<&str> = listing_txt.lines().filter(|l| !l.is_empty()).collect();
    assert!(!files.is_empty());
    let listing = inspect_json(&pkg, &["--format", "json"]);
    assert_eq!(
        listing["entities"].as_array().map(Vec::len),
        Some(files.len()),
        "{listing:#}"
    );
    let text = inspect_text(&pkg);
    for file in files {
        // What flytekit itself shows of the file (its JSON twin, MessageToJson).
        let twin: Json = serde_json::from_slice(&flyte_tests::read_fixture(&format!(
            "package/{}",
            file.replace(".pb", ".json")
        )))
        .expect("the file's JSON twin");
        let template = &twin["template"];
        let e = entity(&listing, file);
        assert_eq!(e["kind"], "task", "{file}");
        assert_eq!(e["name"], template["id"]["name"], "{file}");
        assert_eq!(e["task_type"], template["type"], "{file}");
        assert_eq!(e["image"], template["container"]["image"], "{file}");
        assert_eq!(
            keys(&e["inputs"]),
            keys(&template["interface"]["inputs"]["variables"]),
            "{file}"
        );
        assert_eq!(
            keys(&e["outputs"]),
            keys(&template["interface"]["outputs"]["variables"]),
            "{file}"
        );
        let head = format!(
            "{file}  task {}",
            template["id"]["name"].as_str().unwrap_or("?")
        );
        assert!(text.lines().any(|l| l == head), "no `{head}` in:\n{text}");
    }
    assert!(
        text.contains("  inputs    a: INTEGER\n            b: INTEGER\n"),
        "{text}"
    );
}

#[test]
fn inspect_of_one_pb_is_the_protobuf_json_flytekit_makes_of_it() {
    let json_of = |rel: &str| -> Json {
        serde_json::from_slice(&flyte_tests::read_fixture(rel)).expect("fixture JSON")
    };
    let fixture = flyte_tests::fixture;
    // Known by name: outputs.pb and error.pb of real pyflyte-execute runs.
    assert_eq!(
        inspect_json(&fixture("runs/add_ok/outputs.pb"), &[]),
        json_of("runs/add_ok/outputs.json")
    );
    assert_eq!(
        inspect_json(&fixture("runs/fail_user_error/error.pb"), &[]),
        json_of("runs/fail_user_error/error.json")
    );
    // A template: by its name in a run folder, or any name with --as.
    let dir = scratch("inspect-pb");
    let template = dir.join("template.pb");
    std::fs::copy(fixture("templates/add_task.pb"), &template).expect("copy");
    let shown = inspect_json(&template, &[]);
    assert_eq!(shown, json_of("templates/add_task.json"));
    assert_eq!(
        shown["interface"]["inputs"]["variables"]["a"]["type"]["simple"],
        "INTEGER"
    );
    assert_eq!(
        inspect_json(&fixture("templates/add_task.pb"), &["--as", "template"]),
        shown
    );
    // A package's file, by its N_NAME_K.pb name.
    let spec = dir.join("0_fixtures.add_1.pb");
    std::fs::copy(fixture("taskspecs/add_task.pb"), &spec).expect("copy");
    assert_eq!(
        inspect_json(&spec, &[])["template"],
        json_of("templates/add_task.json")
    );
    assert_eq!(
        inspect_json(
            &fixture("workflows/map_add_wf.pb"),
            &["--as", "workflow-template"]
        ),
        json_of("workflows/map_add_wf.json")
    );
    assert_eq!(
        inspect_json(
            &fixture("launch_plans/map_add_wf.pb"),
            &["--as", "launch-plan"]
        )["id"]["name"],
        "map_fixture_tasks.map_add_wf"
    );
}

fn refused(args: &[&str]) -> String {
    let mut all = vec!["inspect"];
    all.extend(args);
    let out = examples(&all);
    assert!(!out.status.success(), "inspect {args:?} succeeded");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn inspect_refuses_what_it_cannot_read_naming_the_file_and_what_it_expected() {
    let add = flyte_tests::fixture("templates/add_task.pb")
        .display()
        .to_string();
    let e = refused(&[&add]);
    assert!(
        e.contains(&add) && e.contains("--as template|taskspec"),
        "{e}"
    );
    let outputs = flyte_tests::fixture("runs/add_ok/outputs.pb")
        .display()
        .to_string();
    let e = refused(&[&outputs, "--as", "template"]);
    assert!(
        e.contains(&outputs) && e.contains("not a `flyteidl.core.TaskTemplate`"),
        "{e}"
    );
    let dir = scratch("inspect-refused");
    let fake = dir.join("flyte-package.tgz");
    std::fs::write(&fake, b"not gzip").expect("write");
    let fake = fake.display().to_string();
    let e = refused(&[&fake]);
    assert!(
        e.contains(&fake) && e.contains("is not a registration package"),
        "{e}"
    );
    let pkg = flyte_tests::fixture("package/flyte-package.tgz")
        .display()
        .to_string();
    let e = refused(&[&pkg, "--as", "template"]);
    assert!(e.contains("--as is for a single .pb"), "{e}");
    let missing = dir.join("missing.pb").display().to_string();
    let e = refused(&[&missing]);
    assert!(e.contains(&format!("cannot read {missing}")), "{e}");
}

#[test]
fn an_entity_that_does_not_decode_is_listed_as_such_and_the_rest_still_are() {
    let dir = scratch("inspect-broken");
    let pkg = dir.join("broken.tgz");
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&pkg).expect("create"),
        flate2::Compression::default(),
    ));
    let files: [(&str, Vec<u8>); 3] = [
        (
            "0_fixtures.add_1.pb",
            flyte_tests::read_fixture("taskspecs/add_task.pb"),
        ),
        ("1_broken.wf_2.pb", vec![0xff, 0xff, 0xff]),
        ("fast-source.tar.gz", b"source".to_vec()),
    ];
    for (name, bytes) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        archive
            .append_data(&mut header, name, bytes.as_slice())
            .expect("append");
    }
    archive
        .into_inner()
        .expect("tar")
        .finish()
        .expect("gzip")
        .flush()
        .expect("flush");
    let listing = inspect_json(&pkg, &["--format", "json"]);
    assert_eq!(
        entity(&listing, "0_fixtures.add_1.pb")["task_type"],
        "adder"
    );
    let broken = entity(&listing, "1_broken.wf_2.pb");
    assert_eq!(broken["kind"], "workflow");
    assert_eq!(broken["name"], "broken.wf");
    assert!(
        broken["not_decoded"]
            .as_str()
            .is_some_and(|w| w.starts_with("not a flyteidl.admin.WorkflowSpec")),
        "{broken}"
    );
    assert_eq!(
        listing["other_files"],
        serde_json::json!(["fast-source.tar.gz"])
    );
    let text = inspect_text(&pkg);
    assert!(
        text.contains("1_broken.wf_2.pb  workflow broken.wf\n  not decoded: not a flyteidl.admin.WorkflowSpec"),
        "{text}"
    );
    assert!(
        text.contains("other files (not entities): fast-source.tar.gz"),
        "{text}"
    );
}
