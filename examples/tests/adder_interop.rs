//! The adder run on flytekit's own files: flytekit's `add_task` template (its loader arg
//! pointed at our executor) and the `inputs.pb` flytekit's run used (`fixtures/runs/add_ok`).

use std::path::PathBuf;

// Links the example task types, so their executors are registered.
use flyte_examples as _;

use flyte_runtime::proto::core::{
    literal, primitive, scalar, task_template, LiteralMap, TaskTemplate,
};
use flyte_runtime::types::read_variable;
use prost::Message;

fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn flytekit_add_template() -> TaskTemplate {
    let mut t = TaskTemplate::decode(fixture("templates/add_task.pb").as_slice())
        .expect("template decodes");
    if let Some(task_template::Target::Container(c)) = t.target.as_mut() {
        let last = c.args.last_mut().expect("loader args");
        assert_eq!(last, "fixture_tasks.AddExecutor");
        *last = "flyte_examples::adder::AddExecutor".into();
    }
    t
}

fn is_integer(map: &LiteralMap, name: &str) -> bool {
    matches!(
        map.literals.get(name).and_then(|l| l.value.as_ref()),
        Some(literal::Value::Scalar(s)) if matches!(&s.value, Some(scalar::Value::Primitive(p)) if matches!(p.value, Some(primitive::Value::Integer(_))))
    )
}

#[test]
fn flytekit_template_and_inputs_give_flytekits_outputs_with_the_declared_type() {
    let inputs =
        LiteralMap::decode(fixture("runs/add_ok/inputs.pb").as_slice()).expect("inputs decode");
    let outputs = flyte_runtime::execute::run_template(
        &flytekit_add_template(),
        &inputs,
        std::env::temp_dir(),
        &flyte_runtime::contract::PodEnv::from_env(),
    )
    .expect("the adder runs");
    assert_eq!(read_variable::<i64>(&outputs, "total").expect("total"), 42);
    assert_eq!(
        read_variable::<String>(&outputs, "message").expect("message"),
        "sum=42"
    );
    // flytekit's own run wrote total as FLOAT 42.0 (custom's offset is a double); ours keeps
    // the declared INTEGER.
    let theirs =
        LiteralMap::decode(fixture("runs/add_ok/outputs.pb").as_slice()).expect("outputs decode");
    assert!(
        !is_integer(&theirs, "total"),
        "the fixture shows flytekit's FLOAT total"
    );
    assert!(is_integer(&outputs, "total"));
}

#[test]
fn a_wrongly_typed_input_names_the_variable() {
    let mut inputs =
        LiteralMap::decode(fixture("runs/add_ok/inputs.pb").as_slice()).expect("inputs decode");
    let label = inputs.literals.remove("label").expect("label");
    inputs.literals.insert("a".into(), label);
    let err = flyte_runtime::execute::run_template(
        &flytekit_add_template(),
        &inputs,
        std::env::temp_dir(),
        &flyte_runtime::contract::PodEnv::from_env(),
    )
    .expect_err("a is not an integer");
    assert_eq!(
        err.to_string(),
        "USER:ValidationError: task `fixtures.add`: input `a`: expected INTEGER, found string \"sum\""
    );
}

#[test]
fn an_unknown_task_or_executor_lists_what_is_registered() {
    let err = flyte_runtime::task::registry::instance("examples.nope")
        .err()
        .expect("unknown");
    assert_eq!(
        err.to_string(),
        "no task `examples.nope` is registered in this binary; registered: examples.add, \
         examples.add_in_pod, examples.checksum, examples.echo, examples.resumable_count, \
         examples.sqlite_by_composer, examples.sqlite_demo, examples.squares"
    );
    let err = flyte_runtime::task::registry::executor("fixture_tasks.AddExecutor")
        .err()
        .expect("unknown");
    assert_eq!(
        err.to_string(),
        "no executor `fixture_tasks.AddExecutor` is registered in this binary; registered: \
         flyte_examples::adder::AddExecutor, flyte_examples::checksum::ChecksumExecutor, \
         flyte_examples::resumable::CountExecutor, flyte_examples::sqlite::SqliteExecutor, \
         flyte_examples::squares::SquaresExecutor"
    );
}
