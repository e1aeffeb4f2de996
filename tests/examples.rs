//! The examples as a newcomer and a cluster meet them: the real `flyte-examples` binary's
//! `package` read file by file by flytekit, the sqlite task's parquet read by flytekit into
//! the DataFrame SQLite itself returns, inputs that try to inject SQL, compressed databases
//! (zip, tar.gz) and their refusals, a database in S3 (moto), the keyed checksum with its
//! secret and files, the echo task, and a reference task that refuses to run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_examples::sqlite::SqliteTask;
use flyte_runtime::execute::{run_template, LocalRunError};
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::{LiteralMap, TaskTemplate};
use flyte_runtime::storage::Storage;
use flyte_runtime::task::SerializationSettings;
use flyte_tests::moto::Moto;
use flyte_tests::pod::{container_args, scratch, template_of, LocalPod};
use prost::Message;
use serde_json::Value as Json;

const TEST_TASKS: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

fn examples_bin() -> PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

fn demo_db() -> PathBuf {
    flyte_tests::workspace_root()
        .join("examples")
        .join(flyte_examples::sqlite::DEMO_DB)
}

fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `bin template TASK --output path`, read back.
fn template_file(bin: &Path, task: &str, path: &Path) -> TaskTemplate {
    flyte_tests::python_wf::write_output(bin, &["template", task], path);
    TaskTemplate::decode(std::fs::read(path).unwrap().as_slice()).unwrap()
}

#[test]
fn package_of_flyte_examples_is_read_whole_by_flytekit() {
    let dir = scratch("package");
    let pkg = dir.join("flyte-package.tgz");
    let image = "ghcr.io/example/flyte-examples:test";
    let out = run(
        &examples_bin(),
        &[
            "package",
            "--image",
            image,
            "--output",
            &pkg.display().to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let read: Vec<Json> = serde_json::from_slice(&flyte_tests::run_python(
        "check_package.py",
        &[&pkg.display().to_string()],
        b"",
    ))
    .expect("JSON from check_package.py");
    let files: Vec<&str> = read
        .iter()
        .map(|f| f["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        files,
        [
            "00_examples.add_1.pb",
            "01_examples.add_in_pod_1.pb",
            "02_examples.checksum_1.pb",
            "03_examples.echo_1.pb",
            "04_examples.resumable_count_1.pb",
            "05_examples.sqlite_by_composer_1.pb",
            "06_examples.sqlite_demo_1.pb",
            "07_examples.squares_1.pb",
            // The map: its task template, then the workflow holding its ArrayNode, then the
            // workflow's default launch plan (flytectl registers them in this order).
            "08_examples.map_add_label-arraynode_1.pb",
            "09_examples.map_add_label_2.pb",
            "10_examples.map_add_label_3.pb",
        ]
    );
    // pyflyte's own package names its files the same way.
    let listing = std::fs::read_to_string(flyte_tests::fixture("package/LISTING.txt")).unwrap();
    for (i, line) in listing.lines().enumerate() {
        assert!(
            line.starts_with(&format!("{i}_")) && line.ends_with("_1.pb"),
            "{line}"
        );
    }
    for f in &read {
        let name = f["file"].as_str().unwrap_or("");
        assert_eq!(f["regular"], true, "{name}");
        assert_eq!(f["mode"], 0o644, "{name}");
        assert_eq!(
            f["reserialized_equal"], true,
            "{name}: flytekit dropped or changed something"
        );
        assert_eq!(
            f["bytes_equal"], true,
            "{name}: our bytes are not flyteidl's canonical ones"
        );
        match f["kind"].as_str() {
            Some("task") => {
                assert_eq!(f["set_aside"], serde_json::json!([]), "{name}");
                if f["type"] == "echo" {
                    assert_eq!(f["image"], Json::Null, "an echo task has no container");
                    assert_eq!(f["inputs"], f["outputs"]);
                } else {
                    assert_eq!(f["image"], image, "{name}");
                    let args = f["args"].as_array().expect("args");
                    assert_eq!(args[0], "flyte-examples", "{name}");
                }
            }
            Some("workflow") | Some("launch plan") => {}
            other => panic!("{name}: flytekit read it as {other:?}"),
        }
        if f["kind"] != "launch plan" {
            assert!(
                f["short_description"].is_string(),
                "{name}: docs are registered"
            );
        }
    }
    let by_name = |n: &str| read.iter().find(|f| f["name"] == n).expect(n);
    let sqlite = by_name("examples.sqlite_demo");
    assert_eq!(sqlite["type"], "sqlite");
    assert_eq!(sqlite["custom"]["compressed"], false);
    assert!(sqlite["custom"]["query_template"]
        .as_str()
        .unwrap_or("")
        .contains("{{ .inputs.limit }}"));
    assert_eq!(sqlite["outputs"], serde_json::json!(["results"]));
    assert_eq!(
        by_name("examples.checksum")["secrets"],
        serde_json::json!(["checksum"])
    );
    // Each variable is described as flytekit reads it: by its field's doc comment, else (an
    // input declared per instance, sqlite's `limit`) by its name.
    let add_descriptions = serde_json::json!({
        "inputs": {"a": "First addend.", "b": "Second addend.", "label": "Label of the message."},
        "outputs": {"total": "`a + b + offset`.", "message": "`\"{label}={total}\"`."},
    });
    assert_eq!(by_name("examples.add")["descriptions"], add_descriptions);
    assert_eq!(
        sqlite["descriptions"],
        serde_json::json!({
            "inputs": {"limit": "limit"},
            "outputs": {"results": "The rows the query returned."},
        })
    );

    // The map, as flytekit reads it: a task of the adder's type over lists, the workflow of
    // one ArrayNode referencing it, and a launch plan of that workflow asking for every input.
    let of_kind = |kind: &str, n: &str| {
        read.iter()
            .find(|f| f["kind"] == kind && f["name"] == n)
            .unwrap_or_else(|| panic!("no {kind} {n}"))
    };
    let map = of_kind("task", "examples.map_add_label-arraynode");
    assert_eq!(map["type"], "adder");
    assert_eq!(map["image"], image);
    let args: Vec<&str> = map["args"]
        .as_array()
        .expect("args")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let at = args
        .iter()
        .position(|a| *a == "--resolver")
        .expect("--resolver");
    assert_eq!(args[at + 1], "flyte_rs.map_task_resolver");
    assert_eq!(args[at + 3..at + 6], ["vars", "label", "resolver"]);
    // The map's task and workflow keep the adder's descriptions.
    assert_eq!(map["descriptions"], add_descriptions);
    let wf = of_kind("workflow", "examples.map_add_label");
    assert_eq!(wf["descriptions"], add_descriptions);
    assert_eq!(wf["inputs"], serde_json::json!(["a", "b", "label"]));
    assert_eq!(wf["outputs"], serde_json::json!(["message", "total"]));
    assert_eq!(
        wf["array_nodes"],
        serde_json::json!([{
            "node": "n0",
            "task": "examples.map_add_label-arraynode",
            "parallelism": 4,
            "min_success_ratio": 0.75,
            "min_successes": null,
        }])
    );
    // What flytekit's models do not read of an ArrayNode is compared with flytekit's own
    // output in template_equality.rs instead.
    assert!(wf["set_aside"]
        .as_array()
        .is_some_and(|a| a.contains(&Json::from("ArrayNode.bound_inputs"))));
    let lp = of_kind("launch plan", "examples.map_add_label");
    assert_eq!(lp["workflow"], "examples.map_add_label");
    assert_eq!(
        lp["required_inputs"],
        serde_json::json!(["a", "b", "label"])
    );
    assert_eq!(lp["input_descriptions"], add_descriptions["inputs"]);
}

#[test]
fn a_flytekit_workflow_calls_the_packaged_map_by_its_launch_plan() {
    let dir = scratch("package-map-call");
    let pkg = dir.join("flyte-package.tgz").display().to_string();
    let out = run(
        &examples_bin(),
        &["package", "--image", "img:1", "--output", &pkg],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let seen: Json = serde_json::from_slice(&flyte_tests::run_python(
        "call_map_launch_plan.py",
        &[&pkg, "examples.map_add_label"],
        b"",
    ))
    .expect("JSON from call_map_launch_plan.py");
    assert_eq!(seen["fetched_node_launch_plan"], "examples.map_add_label");
    assert_eq!(
        seen["fetched_node_inputs"],
        serde_json::json!(["a", "b", "label"])
    );
    assert_eq!(
        seen["declared_output_equal"], true,
        "flytekit types List[Optional[int]] otherwise than our map's output"
    );
    assert_eq!(
        seen["reference_inputs_equal"],
        serde_json::json!({"a": true, "b": true, "label": true})
    );
    assert_eq!(
        seen["reference_outputs_equal"],
        serde_json::json!({"message": true, "total": true})
    );
    assert_eq!(seen["reference_names_equal"], true);
}

#[test]
fn package_refuses_bad_env_and_writes_nothing() {
    let dir = scratch("package-bad");
    let pkg = dir.join("p.tgz");
    let out = run(
        &examples_bin(),
        &[
            "package",
            "--image",
            "x",
            "--env",
            "NOEQUALS",
            "--output",
            &pkg.display().to_string(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--env `NOEQUALS` is not KEY=VALUE"),
        "{}",
        text(&out.stderr)
    );
    assert!(!pkg.exists());
}

const DEMO_SQL: &str =
    "SELECT TrackId, Name, Composer, Milliseconds, UnitPrice FROM tracks ORDER BY TrackId LIMIT ?1";
const COMPOSER_SQL: &str = "SELECT t.TrackId, t.Name, a.Title AS Album, t.UnitPrice FROM tracks t JOIN albums a ON a.AlbumId = t.AlbumId WHERE t.Composer = ?1 ORDER BY t.TrackId";

/// Runs a task with `flyte-examples run … --dir`, then reads its table with flytekit and
/// the same query with pandas straight from the database.
fn run_and_read_table(task: &str, input: &str, sql: &str, params: Json) -> (Output, Json) {
    let dir = scratch("sqlite-run");
    let out = run(
        &examples_bin(),
        &[
            "run",
            task,
            "--input",
            input,
            "--dir",
            &dir.display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let read = flyte_tests::run_python(
        "read_table.py",
        &[
            &dir.join("outputs.pb").display().to_string(),
            &demo_db().display().to_string(),
            sql,
            &params.to_string(),
        ],
        b"",
    );
    (
        out,
        serde_json::from_slice(&read).expect("JSON from read_table.py"),
    )
}

#[test]
fn sqlite_results_are_the_rows_sqlite_returns_read_by_flytekit() {
    let (out, read) = run_and_read_table(
        "examples.sqlite_demo",
        "limit=100",
        DEMO_SQL,
        serde_json::json!([100]),
    );
    assert_eq!(read["equal"], true, "{read:#}");
    assert_eq!(read["flytekit"]["shape"], serde_json::json!([16, 5]));
    assert_eq!(
        read["flytekit"]["columns"],
        serde_json::json!(["TrackId", "Name", "Composer", "Milliseconds", "UnitPrice"])
    );
    assert_eq!(
        read["flytekit"]["dtypes"],
        serde_json::json!(["int64", "object", "object", "int64", "float64"])
    );
    // `run` prints the table.
    let stdout = text(&out.stdout);
    assert!(stdout.contains("| TrackId | Name"), "{stdout}");
    assert!(stdout.contains("| 16      | O'Reilly's Reel"), "{stdout}");
}

#[test]
fn string_inputs_are_values_never_sql() {
    for hostile in [
        "x' OR '1'='1",
        "Ferris'; DROP TABLE tracks; --",
        "\" OR 1=1 --",
    ] {
        let before = std::fs::read(demo_db()).unwrap();
        let (_, read) = run_and_read_table(
            "examples.sqlite_by_composer",
            &format!("composer={hostile}"),
            COMPOSER_SQL,
            serde_json::json!([hostile]),
        );
        assert_eq!(read["equal"], true, "{hostile}: {read:#}");
        assert_eq!(
            read["flytekit"]["shape"],
            serde_json::json!([0, 4]),
            "{hostile}"
        );
        assert_eq!(
            std::fs::read(demo_db()).unwrap(),
            before,
            "the database changed"
        );
    }
    // And a real composer's rows, with a quote in a value.
    let (_, read) = run_and_read_table(
        "examples.sqlite_by_composer",
        "composer=Tokio Ensemble",
        COMPOSER_SQL,
        serde_json::json!(["Tokio Ensemble"]),
    );
    assert_eq!(read["equal"], true, "{read:#}");
    assert_eq!(read["flytekit"]["shape"], serde_json::json!([3, 4]));
}

fn sqlite_template(uri: &str, compressed: bool) -> TaskTemplate {
    TaskInstance::new(
        "tests.sqlite",
        SqliteTask {
            uri: uri.to_string(),
            compressed,
            query_template: "SELECT count(*) AS n FROM tracks WHERE TrackId <= {{.inputs.upto}}"
                .to_string(),
        },
    )
    .input::<i64>("upto")
    .template(&SerializationSettings::default())
    .expect("valid task")
}

fn upto(n: i64) -> LiteralMap {
    Literals::new().with("upto", &n).literal_map().clone()
}

fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

fn tar_gz_of(path: &Path, files: &[(&str, &[u8])]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, *data).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

/// Runs the counting query on `uri` in-process (the container's path) and returns the
/// table's row count, or the failure's code and message.
fn count_rows(uri: &str, compressed: bool) -> Result<i64, (String, String)> {
    let scratch_dir = scratch("sqlite-local");
    match run_template(
        &sqlite_template(uri, compressed),
        &upto(5),
        scratch_dir.clone(),
        &flyte_runtime::contract::PodEnv::from_env(),
    ) {
        Ok(outputs) => {
            let sd = flyte_runtime::types::read_variable::<StructuredDataset>(&outputs, "results")
                .unwrap();
            let batches = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(flyte_runtime::dataframe::read_parquet(
                    &Storage::default(),
                    &sd,
                ))
                .unwrap();
            let n = batches[0]
                .column(0)
                .as_any()
                .downcast_ref::<arrow_array::Int64Array>()
                .expect("count is an integer column")
                .value(0);
            Ok(n)
        }
        Err(LocalRunError::Run(f)) => Err((f.code(), f.message)),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn compressed_databases_are_unpacked_and_bad_ones_refused_clearly() {
    let db = std::fs::read(demo_db()).unwrap();
    let dir = scratch("archives");
    let p = |n: &str| dir.join(n).display().to_string();
    zip_of(&dir.join("one.zip"), &[("chinook.sqlite", &db)]);
    tar_gz_of(&dir.join("one.tar.gz"), &[("data/chinook.sqlite", &db)]);
    zip_of(
        &dir.join("two.zip"),
        &[("a.sqlite", &db), ("b.sqlite", &db)],
    );
    tar_gz_of(&dir.join("none.tar.gz"), &[]);
    std::fs::write(dir.join("garbage.sqlite"), b"not a database at all").unwrap();

    assert_eq!(count_rows(&p("one.zip"), true), Ok(5));
    assert_eq!(
        count_rows(&format!("file://{}", p("one.tar.gz")), true),
        Ok(5)
    );
    assert_eq!(count_rows(&demo_db().display().to_string(), false), Ok(5));

    let refusals = [
        (p("two.zip"), true, "USER:ValidationError", "must hold exactly one file (the database); it holds 2: a.sqlite, b.sqlite"),
        (p("none.tar.gz"), true, "USER:ValidationError", "must hold exactly one file (the database); it holds 0: none"),
        (p("one.zip"), false, "USER:ValidationError", "is not an SQLite database (it does not start with \"SQLite format 3\"); it looks like an archive: set `compressed = true`"),
        (demo_db().display().to_string(), true, "USER:ValidationError", "is not a zip or tar.gz archive (compressed = true)"),
        (p("garbage.sqlite"), false, "USER:ValidationError", "is not an SQLite database"),
        (p("missing.sqlite"), false, "USER:StorageError", "cannot read the database"),
    ];
    for (uri, compressed, code, message) in refusals {
        let (got_code, got_message) = count_rows(&uri, compressed).expect_err(&uri);
        assert_eq!(got_code, code, "{uri}: {got_message}");
        assert!(got_message.contains(message), "{uri}: {got_message}");
        assert!(
            got_message.contains("tests.sqlite"),
            "names the task: {got_message}"
        );
    }
}

#[test]
fn a_zipped_database_in_s3_runs_through_the_pod_path() {
    let moto = Moto::start();
    moto.create_bucket("flyte");
    let storage = moto.storage();
    let dir = scratch("s3-sqlite");
    zip_of(
        &dir.join("db.zip"),
        &[("chinook.sqlite", &std::fs::read(demo_db()).unwrap())],
    );
    let template = sqlite_template("s3://flyte/data/chinook.zip", true);
    let placeholders = flyte_tests::pod::placeholders_under("s3://flyte/run");
    let p = |n: &str| format!("s3://flyte/run/{n}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        storage
            .write(
                "s3://flyte/data/chinook.zip",
                std::fs::read(dir.join("db.zip")).unwrap(),
            )
            .await
            .unwrap();
        storage
            .write(&placeholders.task_template_path, template.encode_to_vec())
            .await
            .unwrap();
        storage
            .write(&placeholders.input, upto(7).encode_to_vec())
            .await
            .unwrap();
    });
    let args = placeholders
        .render(&container_args(&template))
        .expect("propeller renders the args");
    let out = Command::new(TEST_TASKS)
        .args(&args[1..])
        .envs(moto.env())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outputs = rt
        .block_on(storage.read(&p("out/outputs.pb")))
        .unwrap_or_else(|e| panic!("{e}\n{}", text(&out.stderr)));
    let outputs = LiteralMap::decode(outputs).unwrap();
    let sd = flyte_runtime::types::read_variable::<StructuredDataset>(&outputs, "results").unwrap();
    assert!(sd.uri().starts_with("s3://flyte/run/raw/"), "{}", sd.uri());
    let batches = rt
        .block_on(flyte_runtime::dataframe::read_parquet(&storage, &sd))
        .unwrap();
    let n = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<arrow_array::Int64Array>()
        .unwrap()
        .value(0);
    assert_eq!(n, 7);
}

#[test]
fn checksum_signs_a_file_with_a_secret_it_never_logs() {
    // RFC 4231, test case 2: HMAC-SHA256 of this text under the key "Jefe".
    const KEY: &str = "Jefe";
    const DIGEST: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    let template = template_of(TEST_TASKS, "examples.checksum");
    let dir = scratch("checksum-input");
    let file = dir.join("note.txt");
    std::fs::write(&file, "what do ya want for nothing?").unwrap();
    let inputs = Literals::new().with("file", &FlyteFile::new(file.display().to_string()));
    let pod = LocalPod::new(
        "checksum",
        &template.encode_to_vec(),
        &inputs.literal_map().encode_to_vec(),
    );
    let o = pod.run(
        TEST_TASKS,
        &container_args(&template),
        &[
            ("_FSEC_CHECKSUM_KEY", KEY),
            ("FLYTE_RS_LOG_FORMAT", "json"),
            ("RUST_LOG", "trace"),
        ],
    );
    let outputs = o
        .outputs
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}\n{}", o.error, o.stderr()));
    let digest: String = flyte_runtime::types::read_variable(outputs, "digest").unwrap();
    assert_eq!(digest, DIGEST);
    let sig: FlyteFile = flyte_runtime::types::read_variable(outputs, "signature").unwrap();
    assert!(
        sig.uri()
            .starts_with(&pod.placeholders.raw_output_data_prefix),
        "{}",
        sig.uri()
    );
    assert_eq!(
        std::fs::read_to_string(sig.uri()).unwrap(),
        format!("{DIGEST}  note.txt\n")
    );
    let logs = format!("{}{}", o.stderr(), text(&o.output.stdout));
    assert!(logs.contains("file signed"), "{logs}");
    assert!(
        !logs.contains(KEY),
        "the secret appears in the logs:\n{logs}"
    );

    // Without the secret: a user error that says where it looked.
    let pod = LocalPod::new(
        "checksum-nokey",
        &template.encode_to_vec(),
        &inputs.literal_map().encode_to_vec(),
    );
    let o = pod.run(TEST_TASKS, &container_args(&template), &[]);
    let e = o.error.expect("error document");
    assert_eq!(e.code, "USER:SecretError");
    assert!(
        e.message.contains("_FSEC_CHECKSUM_KEY") && e.message.contains("/etc/secrets/checksum/key"),
        "{}",
        e.message
    );
}

#[test]
fn echo_outputs_are_its_inputs_and_its_template_has_no_container() {
    let dir = scratch("echo");
    let out = run(
        &examples_bin(),
        &[
            "run",
            "examples.echo",
            "-i",
            "count=3",
            "-i",
            "label=hi",
            "--dir",
            &dir.display().to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(dir.join("outputs.pb")).unwrap(),
        std::fs::read(dir.join("inputs.pb")).unwrap()
    );
    let t =
        TaskTemplate::decode(std::fs::read(dir.join("template.pb")).unwrap().as_slice()).unwrap();
    assert_eq!(t.r#type, "echo");
    assert!(t.target.is_none());
}

#[test]
fn a_reference_task_is_listed_but_never_run_or_packaged() {
    let out = run(
        Path::new(TEST_TASKS),
        &["run", "tests.reference_add", "-i", "a=1"],
    );
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stderr).trim(),
        "error: task `tests.reference_add` cannot run locally: task `tests.reference_add` is a \
         reference to flytesnacks/development/tests.reference_add@v3, registered already; it has \
         no template here"
    );
    let list = text(&run(Path::new(TEST_TASKS), &["list"]).stdout);
    assert!(
        list.contains("tests.reference_add") && list.contains("reference to a registered task"),
        "{list}"
    );
    let dir = scratch("package-ref");
    let pkg = dir.join("p.tgz").display().to_string();
    let out = run(
        Path::new(TEST_TASKS),
        &["package", "--image", "img:1", "--output", &pkg],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(
        listing.contains("tests.roundtrip") && !listing.contains("reference_add"),
        "{listing}"
    );
}

#[test]
fn template_json_and_yaml_are_what_flytekit_shows_of_the_same_bytes() {
    let dir = scratch("template-formats");
    for task in [
        "examples.add",
        "examples.sqlite_demo",
        "examples.checksum",
        "examples.add_in_pod",
    ] {
        let pb = dir.join(format!("{task}.pb"));
        let out = run(
            &examples_bin(),
            &["template", task, "--output", &pb.display().to_string()],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let bytes = std::fs::read(&pb).unwrap();
        let theirs: Json =
            serde_json::from_slice(&flyte_tests::run_python("template_json.py", &[], &bytes))
                .unwrap();

        let out = run(&examples_bin(), &["template", task, "--format", "json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let ours: Json = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            ours, theirs,
            "{task}: our JSON against flytekit's MessageToJson"
        );
        assert!(
            ours["container"]["args"].is_array() || ours["k8sPod"].is_object(),
            "{ours}"
        );

        let out = run(&examples_bin(), &["template", task, "--format", "yaml"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let yaml: Json = serde_yaml_ng::from_slice(&out.stdout).unwrap();
        assert_eq!(yaml, theirs, "{task}: YAML holds the same document");
    }
    let out = run(&examples_bin(), &["template", "examples.add"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("protobuf bytes need a file: give --output FILE"),
        "{}",
        text(&out.stderr)
    );

    // A map's three entities, each as flytekit shows the same bytes.
    for (entity, message) in [
        ("task", "flyteidl.core.TaskTemplate"),
        ("workflow", "flyteidl.admin.WorkflowSpec"),
        ("launch-plan", "flyteidl.admin.LaunchPlan"),
    ] {
        let pb = dir.join(format!("map-{entity}.pb"));
        let name = "examples.map_add_label";
        let out = run(
            &examples_bin(),
            &[
                "template",
                name,
                "--entity",
                entity,
                "--output",
                &pb.display().to_string(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let bytes = std::fs::read(&pb).unwrap();
        let theirs: Json = serde_json::from_slice(&flyte_tests::run_python(
            "template_json.py",
            &[message],
            &bytes,
        ))
        .unwrap();
        let out = run(
            &examples_bin(),
            &["template", name, "--entity", entity, "--format", "json"],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let ours: Json = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(ours, theirs, "{entity} of the map");
    }
    let out = run(
        &examples_bin(),
        &[
            "template",
            "examples.add",
            "--entity",
            "workflow",
            "--format",
            "json",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("--entity workflow is for maps; `examples.add` is not a registered map"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn run_template_runs_the_file_it_is_given_in_the_pod_it_describes() {
    let dir = scratch("run-template");
    // The adder's template as the binary writes it, its offset changed in the file: what
    // runs is the file's task, not the registered one of the same name.
    let written = dir.join("written.pb");
    let mut template = template_file(&examples_bin(), "examples.add", &written);
    let custom = template.custom.as_mut().expect("custom");
    custom.fields.insert(
        "offset".into(),
        prost_types::Value {
            kind: Some(prost_types::value::Kind::NumberValue(100.0)),
        },
    );
    let file = dir.join("add.pb");
    std::fs::write(&file, template.encode_to_vec()).unwrap();
    let inputs = flyte_tests::workspace_root().join("tests/fixtures/runs/add_ok/inputs.pb");
    let run_template = |template: &Path, run_dir: &Path| {
        let [template, inputs, run_dir] =
            [template, &inputs, run_dir].map(|p| p.display().to_string());
        run(
            &examples_bin(),
            &[
                "run",
                "--template",
                &template,
                "--inputs-pb",
                &inputs,
                "--dir",
                &run_dir,
            ],
        )
    };
    let run_dir = dir.join("run");
    let out = run_template(&file, &run_dir);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("task examples.add (adder) ran in"),
        "{stdout}"
    );
    let outputs = LiteralMap::decode(
        std::fs::read(run_dir.join("outputs.pb"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let total: i64 = flyte_runtime::types::read_variable(&outputs, "total").unwrap();
    assert_eq!(total, 142, "20 + 22 + the file's offset 100");
    // The inputs file's bytes are handed over as they are.
    assert_eq!(
        std::fs::read(run_dir.join("inputs.pb")).unwrap(),
        std::fs::read(&inputs).unwrap()
    );

    // flytekit's own template starts pyflyte-execute: not this binary's to run in-process.
    let foreign = flyte_tests::workspace_root().join("tests/fixtures/templates/add_task.pb");
    let foreign_dir = dir.join("foreign");
    let out = run_template(&foreign, &foreign_dir);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("task `fixtures.add`'s container does not run a flyte-rs `execute`")
            && stderr.contains("\"pyflyte-execute\"")
            && stderr.contains("--container IMAGE"),
        "{stderr}"
    );
    assert!(!foreign_dir.join("outputs.pb").exists());
    assert!(!foreign_dir.join("error.pb").exists());

    // A file that is not a template, and inputs given twice, are refused before anything runs.
    let out = run(
        &examples_bin(),
        &["run", "--template", &inputs.display().to_string()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not a TaskTemplate (protobuf)"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        &examples_bin(),
        &[
            "run",
            "examples.add",
            "--inputs-pb",
            &inputs.display().to_string(),
            "-i",
            "a=1",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn run_template_gives_the_executor_the_pods_env() {
    let dir = scratch("run-template-env");
    let written = dir.join("misbehave.pb");
    let mut template = template_file(Path::new(TEST_TASKS), "tests.misbehave", &written);
    let Some(flyte_runtime::proto::core::task_template::Target::Container(container)) =
        template.target.as_mut()
    else {
        panic!("the misbehave task has a container");
    };
    container
        .env
        .push(flyte_runtime::proto::core::KeyValuePair {
            key: "MISBEHAVE_VALUE".into(),
            value: "41".into(),
        });
    std::fs::write(&written, template.encode_to_vec()).unwrap();
    // The template's env wins over the caller's, as in the pod.
    let run_dir = dir.join("run");
    let out = Command::new(TEST_TASKS)
        .args(["run", "--template", &written.display().to_string()])
        .args([
            "-i",
            "mode=env",
            "-i",
            "seconds=0",
            "--dir",
            &run_dir.display().to_string(),
        ])
        .env("MISBEHAVE_VALUE", "7")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let outputs = LiteralMap::decode(
        std::fs::read(run_dir.join("outputs.pb"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let value: i64 = flyte_runtime::types::read_variable(&outputs, "value").unwrap();
    assert_eq!(value, 41);
}

#[test]
fn run_template_runs_a_pod_templates_primary_container_not_its_sidecar() {
    let dir = scratch("run-template-sidecar");
    let written = dir.join("add_in_pod.pb");
    let mut template = template_file(&examples_bin(), "examples.add_in_pod", &written);
    let Some(flyte_runtime::proto::core::task_template::Target::K8sPod(pod)) =
        template.target.as_mut()
    else {
        panic!("add_in_pod has a pod template");
    };
    // A sidecar ahead of the primary container `adder`: a pod of two containers carries no
    // primary-container annotation, so only the template's config names the one to run.
    let mut spec =
        flyte_runtime::types::struct_value::struct_to_json_object(pod.pod_spec.as_ref().unwrap());
    let containers = spec["containers"].as_array_mut().unwrap();
    containers.insert(
        0,
        serde_json::json!({"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]}),
    );
    pod.pod_spec = Some(flyte_runtime::types::struct_value::json_object_to_struct(
        &spec,
    ));
    std::fs::write(&written, template.encode_to_vec()).unwrap();
    let run_dir = dir.join("run");
    let out = run(
        &examples_bin(),
        &[
            "run",
            "--template",
            &written.display().to_string(),
            "-i",
            "a=1",
            "-i",
            "b=2",
            "-i",
            "label=pod",
            "--dir",
            &run_dir.display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let outputs = LiteralMap::decode(
        std::fs::read(run_dir.join("outputs.pb"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let total: i64 = flyte_runtime::types::read_variable(&outputs, "total").unwrap();
    assert_eq!(
        total, 103,
        "1 + 2 + the pod task's offset 100, run by `adder`"
    );
}

#[test]
fn a_relative_path_with_dot_dot_is_read_from_a_subfolder() {
    // As a user types it in a subfolder of their data: `file=../note.txt`.
    let dir = scratch("dot-dot");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(dir.join("note.txt"), "what do ya want for nothing?").unwrap();
    let out = Command::new(examples_bin())
        .current_dir(&sub)
        .env("_FSEC_CHECKSUM_KEY", "Jefe")
        .args([
            "run",
            "examples.checksum",
            "--input",
            "file=../note.txt",
            "--dir",
        ])
        .arg(dir.join("run"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    // RFC 4231, test case 2 (the same file and key as the pod test above).
    assert!(
        stdout.contains("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        "{stdout}"
    );
    let inputs =
        LiteralMap::decode(std::fs::read(dir.join("run/inputs.pb")).unwrap().as_slice()).unwrap();
    let file: FlyteFile = flyte_runtime::types::read_variable(&inputs, "file").unwrap();
    let expected = std::fs::canonicalize(dir.join("note.txt")).unwrap();
    assert_eq!(file.uri(), format!("file://{}", expected.display()));
}

#[test]
fn a_successful_runs_folder_is_removed_unless_kept_or_holding_its_outputs() {
    let run_add = |extra: &[&str]| {
        let out = Command::new(examples_bin())
            .args([
                "run",
                "examples.add",
                "-i",
                "a=1",
                "-i",
                "b=2",
                "-i",
                "label=x",
            ])
            .args(extra)
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
        stdout
    };
    // The folder each message names, read from the first line (`… ran in FOLDER`).
    let folder_of = |stdout: &str| -> PathBuf {
        let first = stdout.lines().next().unwrap_or_default();
        PathBuf::from(first.rsplit_once(" ran in ").expect(first).1)
    };
    let removed = run_add(&[]);
    let folder = folder_of(&removed);
    assert!(
        removed.contains(&format!(
            "removed the run folder {} (keep it with --keep)",
            folder.display()
        )),
        "{removed}"
    );
    assert!(!folder.exists(), "{} is still there", folder.display());

    let kept = run_add(&["--keep"]);
    let folder = folder_of(&kept);
    assert!(folder.join("outputs.pb").is_file(), "{kept}");
    assert!(kept.contains("(kept: --keep)"), "{kept}");
    std::fs::remove_dir_all(&folder).unwrap();

    // A failed run keeps its folder for a look, and says where it is.
    let out = Command::new(examples_bin())
        .args([
            "run",
            "examples.add",
            "-i",
            "a=9223372036854775807",
            "-i",
            "b=1",
        ])
        .args(["-i", "label=x"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    let folder = folder_of(&stdout);
    assert!(
        stdout.contains(&format!(
            "the run's files are in {} (kept: the run failed)",
            folder.display()
        )),
        "{stdout}"
    );
    assert!(folder.join("error.pb").is_file(), "{stdout}");
    std::fs::remove_dir_all(&folder).unwrap();

    // Outputs that are files in the folder keep it: the sqlite table is under raw/.
    let out = run(
        &examples_bin(),
        &["run", "examples.sqlite_demo", "--input", "limit=1"],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let folder = folder_of(&stdout);
    assert!(
        stdout.contains("(kept: its outputs are files in it)"),
        "{stdout}"
    );
    assert!(folder.join("raw").is_dir(), "{stdout}");
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn execute_checks_the_configuration_of_an_edited_template_before_the_executor() {
    // The sqlite task type's `validate_with` refuses an empty `uri`; a template edited by
    // hand (or made in Python) gets the same check in `execute`, as a validation error.
    let dir = scratch("validate-in-execute");
    let mut template = template_file(&examples_bin(), "examples.sqlite_demo", &dir.join("t.pb"));
    template.custom.as_mut().expect("custom").fields.insert(
        "uri".into(),
        prost_types::Value {
            kind: Some(prost_types::value::Kind::StringValue(String::new())),
        },
    );
    let file = dir.join("edited.pb");
    std::fs::write(&file, template.encode_to_vec()).unwrap();
    let run_dir = dir.join("run");
    let out = run(
        &examples_bin(),
        &[
            "run",
            "--template",
            &file.display().to_string(),
            "-i",
            "limit=1",
            "--dir",
            &run_dir.display().to_string(),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "failed: USER:ValidationError: task `examples.sqlite_demo`: the configuration does \
             not pass task type `sqlite`'s check: uri is empty: name the database (User, not \
             recoverable)"
        ),
        "{stdout}"
    );
    let doc = flyte_runtime::proto::core::ErrorDocument::decode(
        std::fs::read(run_dir.join("error.pb")).unwrap().as_slice(),
    )
    .unwrap();
    assert_eq!(doc.error.unwrap().code, "USER:ValidationError");
    assert!(!run_dir.join("outputs.pb").exists());
}
