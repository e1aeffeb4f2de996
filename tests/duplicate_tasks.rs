//! Two task instances (or two maps) with one name are an error at start-up that names both
//! places.

use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "dup", image = "example.com/dup:1", executor = DupExecutor)]
pub struct Dup {
    pub n: i64,
}

#[derive(Default)]
pub struct DupExecutor;

#[shim_executor]
impl ShimTaskExecutor for DupExecutor {
    type Task = Dup;
    fn execute_from_model(
        &self,
        _: &ExecutionContext,
        _: Dup,
        i: Literals,
    ) -> Result<Literals, TaskError> {
        Ok(i)
    }
}

fn first() -> TaskInstance<Dup> {
    TaskInstance::new("dup.task", Dup { n: 1 })
}

fn second() -> TaskInstance<Dup> {
    TaskInstance::new("dup.task", Dup { n: 2 })
}

register_task!(first);
register_task!(second);

fn map_of_first() -> MapTask {
    first().map()
}

fn map_of_second() -> MapTask {
    // A map of another task, named as the first: only the names clash.
    second().map().concurrency(2).named("dup.map_task")
}

register_map!(map_of_first);
register_map!(map_of_second);

/// Checks that `msg` starts with `prefix` and then names two places, both in this file, at
/// two different lines.
fn assert_names_both_places(msg: &str, prefix: &str) {
    let places = msg
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("unexpected message: {msg}"));
    let places: Vec<&str> = places.split(" and at ").collect();
    assert_eq!(places.len(), 2, "{msg}");
    assert!(
        places
            .iter()
            .all(|p| p.starts_with("tests/duplicate_tasks.rs:")),
        "{msg}"
    );
    assert_ne!(places[0], places[1], "{msg}");
}

#[test]
fn a_duplicate_map_name_names_both_registrations() {
    let err = flyte_runtime::task::registry::maps()
        .err()
        .expect("duplicate map names are refused");
    assert_names_both_places(
        &err.to_string(),
        "map `dup.map_task` is registered twice: at ",
    );
}

#[test]
fn a_duplicate_task_name_names_both_registrations() {
    let err = flyte_runtime::task::registry::instances()
        .err()
        .expect("duplicate names are refused");
    assert_names_both_places(&err.to_string(), "task `dup.task` is registered twice: at ");
}

#[test]
fn a_lookup_reports_the_duplicate_first() {
    // The lookup reports the duplicate first: it is the graver problem.
    let err = flyte_runtime::task::registry::instance("nope")
        .err()
        .expect("refused");
    assert!(err.to_string().contains("registered twice"), "{err}");
}
