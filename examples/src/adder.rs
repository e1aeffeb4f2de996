//! `adder`: the Rust twin of fixture_tasks.py's `AddTask` (inputs `a`, `b`, `label`; outputs
//! `total = a + b + offset` and `message = "{label}={total}"`; custom `{offset}`). The
//! like-for-like task for interop tests and benchmarks against flytekit.

use flyte_runtime::prelude::*;

/// The adder's inputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct AddInputs {
    /// First addend.
    pub a: i64,
    /// Second addend.
    pub b: i64,
    /// Label of the message.
    pub label: String,
}

/// The adder's outputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct AddOutputs {
    /// `a + b + offset`.
    pub total: i64,
    /// `"{label}={total}"`.
    pub message: String,
}

/// The task type: adds a fixed offset (its configuration, in `custom`).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "adder",
    image = "flyte-examples:{version}",
    executor = AddExecutor,
    inputs = AddInputs,
    outputs = AddOutputs
)]
pub struct AddTask {
    /// Added to every sum.
    pub offset: i64,
}

/// Runs `adder` tasks.
#[derive(Default)]
pub struct AddExecutor;

#[shim_executor]
impl ShimTaskExecutor for AddExecutor {
    type Task = AddTask;

    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: AddTask,
        inputs: AddInputs,
    ) -> Result<AddOutputs, TaskError> {
        let total = inputs
            .a
            .checked_add(inputs.b)
            .and_then(|s| s.checked_add(task.offset))
            .ok_or_else(|| {
                TaskError::new(format!(
                    "{} + {} + {} overflows a 64-bit integer",
                    inputs.a, inputs.b, task.offset
                ))
                .with_code("OverflowError")
            })?;
        Ok(AddOutputs {
            total,
            message: format!("{}={total}", inputs.label),
        })
    }
}

/// `examples.add`: the adder with offset 0, as `fixtures.add`.
pub fn add_task() -> TaskInstance<AddTask> {
    TaskInstance::new("examples.add", AddTask { offset: 0 })
        .docs("Adds two integers and labels the sum.")
}

register_task!(add_task);

/// `examples.map_add_label`: the adder mapped over lists of `a` and `b`, one `label` for
/// all, at most 4 elements at a time; it succeeds when three quarters of the elements do,
/// so its outputs are lists of optionals (none for an element that failed).
pub fn map_add() -> MapTask {
    add_task()
        .map()
        .bound("label")
        .concurrency(4)
        .min_success_ratio(0.75)
        .docs("Adds pairs of integers, each pair in its own pod.")
}

register_map!(map_add);

/// `examples.add_in_pod`: the adder in a pod template, as a task that needs more of its pod
/// than a container (here a label, an `emptyDir` scratch volume and an env variable of the
/// template's own); the task's container is merged into the template's `adder` container.
pub fn add_in_pod() -> TaskInstance<AddTask> {
    TaskInstance::new("examples.add_in_pod", AddTask { offset: 100 })
        .pod_template(PodTemplate {
            primary_container_name: "adder".to_string(),
            pod_spec: serde_json::json!({
                "containers": [{
                    "name": "adder",
                    "env": [{"name": "SCRATCH", "value": "/scratch"}],
                    "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
                }],
                "volumes": [{"name": "scratch", "emptyDir": {}}],
            }),
            labels: [("app".to_string(), "adder".to_string())].into(),
            annotations: Default::default(),
        })
        .docs("Adds two integers and 100, in a pod template.")
}

register_task!(add_in_pod);
