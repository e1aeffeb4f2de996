//! Maps over lists as Flyte 1.16 runs them (an ArrayNode): the map template made from the
//! task's own, one `flyte-examples execute` process per element with propeller's index
//! variables and output prefixes (the ArrayNode model in `support/array_node.rs`), the lists
//! gathered in index order and read by flytekit.

use flyte_runtime::__private::pod::{min_successes, ArrayVerdict, TaskResult};
use flyte_runtime::proto::core::{literal, Literal, LiteralMap, TaskTemplate, VariableMap};
use flyte_runtime::task::map_template;
use flyte_runtime::types::FlyteType;
use flyte_tests::array_node::ArrayNode;
use flyte_tests::pod::{container_args, template_of, workspace_bin};
use prost::Message;

fn examples() -> String {
    workspace_bin("flyte-examples").display().to_string()
}

fn adder_map(bound: &[&str]) -> TaskTemplate {
    map_template(&template_of(&examples(), "examples.add"), bound).expect("the adder maps")
}

fn inputs(pairs: &[(&str, Literal)]) -> LiteralMap {
    LiteralMap {
        literals: pairs
            .iter()
            .map(|(n, l)| (n.to_string(), l.clone()))
            .collect(),
    }
}

fn items(lit: &Literal) -> &[Literal] {
    match &lit.value {
        Some(literal::Value::Collection(c)) => &c.literals,
        other => panic!("not a list: {other:?}"),
    }
}

/// flytekit's TypeEngine reading the node's gathered outputs against `outputs`.
fn flytekit_reads(node: &ArrayNode, outputs: VariableMap) -> serde_json::Value {
    let mut t = node.map.clone();
    if let Some(i) = t.interface.as_mut() {
        i.outputs = Some(outputs);
    }
    let template = node.dir.join("gathered_template.pb");
    std::fs::write(&template, flyte_runtime::proto::encode_task_template(&t)).unwrap();
    let read = flyte_tests::run_python(
        "read_outputs.py",
        &[
            &template.display().to_string(),
            &node.dir.join("outputs.pb").display().to_string(),
        ],
        b"",
    );
    serde_json::from_slice(&read).expect("read_outputs.py prints JSON")
}

fn var_map(vars: &[(&str, flyte_runtime::proto::core::LiteralType)]) -> VariableMap {
    VariableMap {
        variables: vars
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    flyte_runtime::proto::core::Variable {
                        r#type: Some(t.clone()),
                        description: String::new(),
                    },
                )
            })
            .collect(),
    }
}

#[test]
fn the_adder_maps_over_a_hundred_pairs_with_a_bound_label_and_two_outputs() {
    let map = adder_map(&["label"]);
    let vars = &map
        .interface
        .as_ref()
        .unwrap()
        .inputs
        .as_ref()
        .unwrap()
        .variables;
    assert_eq!(vars["a"].r#type, Some(Vec::<i64>::literal_type()));
    assert_eq!(vars["label"].r#type, Some(String::literal_type()));
    assert!(container_args(&map).contains(&"flyte_rs.map_task_resolver".to_string()));

    let a: Vec<i64> = (0..100).collect();
    let b: Vec<i64> = (0..100).map(|i| 1000 * i).collect();
    let node = ArrayNode::new(
        "map-adder",
        map,
        &["label"],
        inputs(&[
            ("a", a.to_literal()),
            ("b", b.to_literal()),
            ("label", "sum".to_string().to_literal()),
        ]),
    );
    let run = node.run(&examples(), 4, |n| min_successes(n, None, None));
    let Ok(ArrayVerdict::Succeeded(out)) = &run.verdict else {
        panic!(
            "the node failed: {:?}\n{}",
            run.verdict,
            run.stderr.join("\n")
        );
    };
    let totals = items(&out.literals["total"]);
    let messages = items(&out.literals["message"]);
    assert_eq!(totals.len(), 100);
    for i in 0..100 {
        assert_eq!(totals[i], (1001 * i as i64).to_literal(), "element {i}");
        assert_eq!(messages[i], format!("sum={}", 1001 * i).to_literal());
    }
    let read = flytekit_reads(
        &node,
        var_map(&[
            ("total", Vec::<i64>::literal_type()),
            ("message", Vec::<String>::literal_type()),
        ]),
    );
    assert!(
        read["total"]
            .as_str()
            .unwrap()
            .starts_with("[0, 1001, 2002, "),
        "{read}"
    );
    assert!(
        read["message"].as_str().unwrap().ends_with("'sum=99099']"),
        "{read}"
    );
}

#[test]
fn failed_elements_are_none_and_the_ratio_decides_the_node() {
    // Elements 1 and 3 overflow (USER:OverflowError); 3 of 5 succeed.
    let a = vec![1, i64::MAX, 3, i64::MAX, 5];
    let b = vec![1i64; 5];
    let labels: Vec<String> = (0..5).map(|i| format!("e{i}")).collect();
    let node = ArrayNode::new(
        "map-ratio",
        adder_map(&[]),
        &[],
        inputs(&[
            ("a", a.to_literal()),
            ("b", b.to_literal()),
            ("label", labels.to_literal()),
        ]),
    );
    let run = node.run(&examples(), 5, |n| min_successes(n, None, Some(0.5)));
    assert!(
        matches!(run.verdict, Ok(ArrayVerdict::Succeeded(_))),
        "3 of 5 meet a ratio of 0.5: {:?}",
        run.verdict
    );
    for (i, r) in run.elements.iter().enumerate() {
        match r {
            TaskResult::Failed(f) => {
                assert!([1, 3].contains(&i), "element {i} failed: {f:?}");
                assert_eq!(f.code, "USER:OverflowError");
            }
            TaskResult::Succeeded(_) => assert!(![1, 3].contains(&i)),
        }
    }
    let read = flytekit_reads(
        &node,
        var_map(&[
            ("total", Vec::<Option<i64>>::literal_type()),
            ("message", Vec::<Option<String>>::literal_type()),
        ]),
    );
    assert_eq!(read["total"], "[2, None, 4, None, 6]", "{read}");
    assert_eq!(
        read["message"], "['e0=2', None, 'e2=4', None, 'e4=6']",
        "{read}"
    );

    let all = node.run(&examples(), 5, |n| min_successes(n, None, None));
    assert!(
        matches!(
            all.verdict,
            Ok(ArrayVerdict::Failed {
                succeeded: 3,
                needed: 5
            })
        ),
        "{:?}",
        all.verdict
    );
}

#[test]
fn lists_of_different_lengths_fail_the_node_and_each_element() {
    let node = ArrayNode::new(
        "map-lengths",
        adder_map(&["label"]),
        &["label"],
        inputs(&[
            ("a", vec![1i64, 2, 3].to_literal()),
            ("b", vec![1i64, 2].to_literal()),
            ("label", "x".to_string().to_literal()),
        ]),
    );
    let run = node.run(&examples(), 1, |n| n);
    assert_eq!(
        run.verdict,
        Err("input arrays have different lengths: expecting '3' found '2'".to_string())
    );
    // An element started anyway (say, by hand) refuses too, naming both lists.
    let out = element(
        &node,
        0,
        &[
            ("BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX"),
            ("FLYTE_K8S_ARRAY_INDEX", "0"),
        ],
    );
    assert_eq!(out.0, "USER:MapLengthMismatch");
    assert!(out.1.contains("`a` has 3 items, `b` has 2"), "{}", out.1);
}

#[test]
fn an_element_without_its_index_or_past_the_end_says_so() {
    let node = ArrayNode::new(
        "map-index",
        adder_map(&["label"]),
        &["label"],
        inputs(&[
            ("a", vec![1i64, 2].to_literal()),
            ("b", vec![1i64, 2].to_literal()),
            ("label", "x".to_string().to_literal()),
        ]),
    );
    let (code, message) = element(&node, 0, &[]);
    assert_eq!(code, "USER:MapIndexMissing");
    assert!(
        message.contains("BATCH_JOB_ARRAY_INDEX_VAR_NAME is not set"),
        "{message}"
    );
    let (code, message) = element(
        &node,
        0,
        &[
            ("BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX"),
            ("FLYTE_K8S_ARRAY_INDEX", "1"),
            ("BATCH_JOB_ARRAY_INDEX_OFFSET", "1"),
        ],
    );
    assert_eq!(code, "USER:MapIndexOutOfRange");
    assert!(message.contains("index 2 is out of range"), "{message}");
    assert!(message.contains("(a, b) have 2 items"), "{message}");
}

/// Starts element `slot`'s process of `node` by hand with exactly `env` for its index, and
/// returns its error document's code and message.
fn element(node: &ArrayNode, slot: usize, env: &[(&str, &str)]) -> (String, String) {
    let p = node.placeholders(slot);
    let argv = p.render(&container_args(&node.map)).unwrap();
    let out = std::process::Command::new(examples())
        .args(&argv[1..])
        .env_remove("BATCH_JOB_ARRAY_INDEX_VAR_NAME")
        .env_remove("FLYTE_K8S_ARRAY_INDEX")
        .env_remove("BATCH_JOB_ARRAY_INDEX_OFFSET")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the error is reported in a document, exit 0"
    );
    let doc = std::fs::read(std::path::Path::new(&p.output_prefix).join("error.pb"))
        .unwrap_or_else(|e| {
            panic!(
                "no error document ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let err = flyte_runtime::proto::core::ErrorDocument::decode(doc.as_slice())
        .unwrap()
        .error
        .unwrap();
    (err.code, err.message)
}

#[test]
fn sqlite_maps_over_a_list_of_limits() {
    let map = map_template(&template_of(&examples(), "examples.sqlite_demo"), &[])
        .expect("the sqlite task maps");
    let node = ArrayNode::new(
        "map-sqlite",
        map,
        &[],
        inputs(&[("limit", vec![1i64, 3, 2].to_literal())]),
    );
    let run = node.run(&examples(), 2, |n| n);
    let Ok(ArrayVerdict::Succeeded(out)) = &run.verdict else {
        panic!("{:?}\n{}", run.verdict, run.stderr.join("\n"));
    };
    assert_eq!(items(&out.literals["results"]).len(), 3);
}

/// `run --map`: the same ArrayNode run by the command line, each element a process of the
/// binary, the gathered lists read by flytekit; a failing element is none under a ratio;
/// lists of different lengths never start.
#[test]
fn run_map_fans_out_gathers_and_refuses_uneven_lists() {
    let dir = flyte_tests::pod::scratch("run-map");
    let out = std::process::Command::new(examples())
        .args([
            "run",
            "examples.add",
            "--map",
            "--bound",
            "label",
            "--concurrency",
            "3",
        ])
        .args([
            "-i",
            "a=[1,2,9223372036854775807,4]",
            "-i",
            "b=[10,20,30,40]",
        ])
        .args(["-i", "label=sum", "--min-success-ratio", "0.75", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("over 4 element(s), 3 at a time"),
        "{stdout}"
    );
    assert!(stdout.contains("3 succeeded, 3 needed"), "{stdout}");
    assert!(
        stdout.contains("element 2 failed: USER:OverflowError"),
        "{stdout}"
    );
    assert!(stdout.contains("total = [11,22,null,44]"), "{stdout}");
    let gathered =
        LiteralMap::decode(std::fs::read(dir.join("outputs.pb")).unwrap().as_slice()).unwrap();
    assert_eq!(items(&gathered.literals["total"]).len(), 4);

    let uneven = std::process::Command::new(examples())
        .args([
            "run",
            "examples.add",
            "--map",
            "-i",
            "a=[1,2]",
            "-i",
            "b=[1]",
        ])
        .args(["-i", "label=[\"x\",\"y\"]"])
        .output()
        .unwrap();
    assert!(!uneven.status.success());
    let stderr = String::from_utf8_lossy(&uneven.stderr);
    assert!(
        stderr.contains("the map cannot start: input arrays have different lengths"),
        "{stderr}"
    );
}

/// The stdout of a run that must have succeeded (its output shown if not).
fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `run examples.map_add_label` over four pairs (the second overflows) in `dir`, with `extra`.
fn run_map_add_label(extra: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(examples())
        .args(["run", "examples.map_add_label"])
        .args(extra)
        .args(["-i", "a=[1,9223372036854775807,3,4]", "-i", "b=[1,1,1,1]"])
        .args(["-i", "label=s", "--dir"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn a_registered_map_runs_by_name_and_flytekit_reads_its_lists_of_optionals() {
    let dir = flyte_tests::pod::scratch("run-registered-map");
    let out = run_map_add_label(&[], &dir);
    let stdout = succeeded(&out);
    // The map's own settings: `label` bound, 4 at a time, three quarters needed.
    assert!(
        stdout.contains(
            "map examples.map_add_label of task examples.add over 4 element(s), 4 at a time"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("3 succeeded, 3 needed"), "{stdout}");
    // The failed element's line is followed by what it was given: the mapped inputs, not
    // the bound `label`.
    assert!(
        stdout.contains(
            "element 1 failed: USER:OverflowError: task `examples.map_add_label-arraynode`: \
             9223372036854775807 + 1 + 0 overflows a 64-bit integer\n    its inputs: \
             a=9223372036854775807, b=1\n"
        ),
        "{stdout}"
    );

    // flytekit reads the gathered lists against the map template's own interface, which
    // types them List[Optional[…]] with flytekit's union tags.
    let map = flyte_examples::adder::map_add()
        .template(&Default::default())
        .expect("the map's template");
    let outputs = map.interface.as_ref().and_then(|i| i.outputs.clone());
    assert_eq!(
        outputs
            .as_ref()
            .map(|o| o.variables["total"].r#type.clone()),
        Some(Some(Vec::<Option<i64>>::literal_type()))
    );
    let template = dir.join("map_template.pb");
    std::fs::write(&template, flyte_runtime::proto::encode_task_template(&map)).unwrap();
    let read: serde_json::Value = serde_json::from_slice(&flyte_tests::run_python(
        "read_outputs.py",
        &[
            &template.display().to_string(),
            &dir.join("outputs.pb").display().to_string(),
        ],
        b"",
    ))
    .expect("read_outputs.py prints JSON");
    assert_eq!(read["total"], "[2, None, 4, 5]", "{read}");
    assert_eq!(read["message"], "['s=2', None, 's=4', 's=5']", "{read}");

    // In this process: the same elements, the same gathered lists, the same verdict.
    let in_process = flyte_tests::pod::scratch("run-registered-map-in-process");
    let out = run_map_add_label(&["--in-process"], &in_process);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("ran in this process"), "{stdout}");
    assert!(
        stdout.contains("element 1 failed: USER:OverflowError")
            && stdout.contains("    its inputs: a=9223372036854775807, b=1\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(in_process.join("outputs.pb")).unwrap(),
        std::fs::read(dir.join("outputs.pb")).unwrap(),
        "in process and as processes, the gathered outputs are the same bytes"
    );
    // … and a ratio the elements miss fails the node there too.
    let missed = std::process::Command::new(examples())
        .args([
            "run",
            "examples.add",
            "--map",
            "--bound",
            "label",
            "--in-process",
        ])
        .args([
            "-i",
            "a=[1,9223372036854775807]",
            "-i",
            "b=[1,1]",
            "-i",
            "label=s",
        ])
        .output()
        .unwrap();
    assert!(!missed.status.success());
    let stdout = String::from_utf8_lossy(&missed.stdout);
    assert!(
        stdout.contains("failed: 1 of 2 element(s) succeeded, 2 needed"),
        "{stdout}"
    );

    // Its settings are its own: the flags of an ad-hoc map are refused.
    let flagged = std::process::Command::new(examples())
        .args([
            "run",
            "examples.map_add_label",
            "--map",
            "--concurrency",
            "2",
        ])
        .args(["-i", "a=[1]", "-i", "b=[1]", "-i", "label=s"])
        .output()
        .unwrap();
    assert!(!flagged.status.success());
    let stderr = String::from_utf8_lossy(&flagged.stderr);
    assert!(stderr.contains("is a registered map"), "{stderr}");
}

#[test]
fn a_map_with_a_bad_ratio_or_of_an_echo_task_is_refused_naming_it() {
    use flyte_runtime::task::{EchoTask, MapTask, MapTemplateError};
    let bad = flyte_examples::adder::add_task()
        .map()
        .min_success_ratio(1.5);
    let err = bad.template(&Default::default()).unwrap_err();
    assert!(matches!(err, MapTemplateError::Ratio { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "map `examples.map_add`: min_success_ratio is 1.5; it must be a share from 0 to 1"
    );
    let echo = MapTask::new(EchoTask::new("demo.echo").input::<i64>("n"));
    let err = echo.workflow_spec(&Default::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("task `demo.echo` has no container"),
        "{err}"
    );
    let unknown = flyte_examples::adder::add_task().map().bound("nope");
    let err = unknown.template(&Default::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("no input `nope` to bind (inputs: a, b, label)"),
        "{err}"
    );
}

/// The union tag a map's optional outputs get from their `LiteralType` is the one a derived
/// struct or enum declares (flytekit's transformer names), as for the built-in types.
#[test]
fn derived_types_tag_their_optionals_as_their_literal_types_say() {
    use flyte_runtime::types::literal_type::type_tag;
    use flyte_tests::fixture_types::{Color, Point};
    assert_eq!(type_tag(&Point::literal_type()), Point::type_tag());
    assert_eq!(type_tag(&Color::literal_type()), Color::type_tag());
}

/// In process, each element is still the supervised run of a pod: a blocking and a sleeping
/// executor each time out at the template's 1 s, a panic is that element's failure, and the
/// map ends without waiting for the element that blocks its thread.
#[test]
fn an_in_process_map_times_out_and_catches_each_element_alone() {
    let started = std::time::Instant::now();
    let out = std::process::Command::new(workspace_bin("flyte-test-tasks"))
        .args(["run", "tests.misbehave", "--map", "--bound", "seconds"])
        .args([
            "--in-process",
            "--concurrency",
            "4",
            "--min-success-ratio",
            "0.25",
        ])
        .args([
            "-i",
            r#"mode=["ok","block","panic","sleep"]"#,
            "-i",
            "seconds=30",
        ])
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the map waited for the blocked element: {:?}",
        started.elapsed()
    );
    assert!(stdout.contains("1 succeeded, 1 needed"), "{stdout}");
    assert!(
        stdout.contains("element 1 failed: USER:Timeout")
            && stdout.contains("it did not yield to be stopped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("element 2 failed: USER:Panic") && stdout.contains("asked to panic"),
        "{stdout}"
    );
    assert!(
        stdout.contains("element 3 failed: USER:Timeout"),
        "{stdout}"
    );
    assert!(stdout.contains("value = [7,null,null,null]"), "{stdout}");
}
