//! `squares`: the first `n` squares as one list output. A small task with a large output:
//! a few hundred thousand integers are over a cluster's 2 MiB `outputs.pb` limit, so it shows
//! what happens then (a clear USER error before propeller would refuse the file, or, with
//! propeller's literal offloading on, the list written beside `outputs.pb` and referenced).

use flyte_runtime::prelude::*;

/// The most squares one run makes (about 100 MB of literals).
pub const MAX_N: i64 = 10_000_000;

/// The inputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct SquaresInputs {
    /// How many squares: `0², 1², …, (n-1)²`.
    pub n: i64,
}

/// The outputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct SquaresOutputs {
    /// The squares, in order.
    pub squares: Vec<i64>,
}

/// The task type (no configuration).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "squares",
    image = "flyte-examples:{version}",
    executor = SquaresExecutor,
    inputs = SquaresInputs,
    outputs = SquaresOutputs
)]
pub struct SquaresTask {}

/// Runs `squares` tasks.
#[derive(Default)]
pub struct SquaresExecutor;

#[shim_executor]
impl ShimTaskExecutor for SquaresExecutor {
    type Task = SquaresTask;

    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        _task: SquaresTask,
        inputs: SquaresInputs,
    ) -> Result<SquaresOutputs, TaskError> {
        if !(0..=MAX_N).contains(&inputs.n) {
            return Err(TaskError::new(format!(
                "input `n` is {}; it must be between 0 and {MAX_N}",
                inputs.n
            ))
            .with_code("ValueError"));
        }
        Ok(SquaresOutputs {
            squares: (0..inputs.n).map(|i| i * i).collect(),
        })
    }
}

/// `examples.squares`.
pub fn squares_task() -> TaskInstance<SquaresTask> {
    TaskInstance::new("examples.squares", SquaresTask {})
        .docs("The first `n` squares, as one list.")
}

register_task!(squares_task);
