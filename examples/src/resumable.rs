//! `resumable-count`: sums `0 + 1 + … + (n-1)` in steps, saving its progress in the task's
//! checkpoint, so that a retry resumes where the failed attempt stopped instead of starting
//! again. The `interrupt_at` input stands in for a node going away mid-run: the first attempt
//! that reaches that step saves its checkpoint and fails with a recoverable error; Flyte
//! retries it, and the retry reads the checkpoint (`--prev-checkpoint`).

use flyte_runtime::prelude::*;

/// Progress is saved every this many steps.
pub const STEPS_PER_CHECKPOINT: i64 = 1_000;

/// The inputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct CountInputs {
    /// Sum the numbers below this one.
    pub n: i64,
    /// Fail (recoverably) on reaching this step, unless resuming from a checkpoint; a
    /// negative value never fails.
    pub interrupt_at: i64,
}

/// The outputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct CountOutputs {
    /// `n (n - 1) / 2`.
    pub total: i64,
    /// The step this attempt started from (0 without a previous checkpoint).
    pub resumed_from: i64,
}

/// The task type (no configuration).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "resumable-count",
    image = "flyte-examples:{version}",
    executor = CountExecutor,
    inputs = CountInputs,
    outputs = CountOutputs
)]
pub struct CountTask {}

/// Runs `resumable-count` tasks.
#[derive(Default)]
pub struct CountExecutor;

/// A checkpoint's text: `<next step> <sum so far>`.
fn parse_checkpoint(bytes: &[u8]) -> Option<(i64, i64)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (step, sum) = text.split_once(' ')?;
    Some((step.parse().ok()?, sum.parse().ok()?))
}

#[shim_executor]
impl ShimTaskExecutor for CountExecutor {
    type Task = CountTask;

    async fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        _task: CountTask,
        inputs: CountInputs,
    ) -> Result<CountOutputs, TaskError> {
        let previous = ctx.checkpoint.read().await?;
        let (start, mut sum) = match previous.as_deref() {
            Some(bytes) => parse_checkpoint(bytes).ok_or_else(|| {
                TaskError::new("the previous attempt's checkpoint is not `<step> <sum>`")
                    .with_code("ValueError")
            })?,
            None => (0, 0),
        };
        let save = |step: i64, sum: i64| async move {
            ctx.checkpoint
                .write(format!("{step} {sum}").into_bytes())
                .await
                .map_err(TaskError::from)
        };
        for step in start..inputs.n.max(0) {
            if step == inputs.interrupt_at && previous.is_none() {
                save(step, sum).await?;
                return Err(TaskError::new(format!(
                    "interrupted at step {step} of {}; a retry resumes from the checkpoint",
                    inputs.n
                ))
                .with_code("Interrupted")
                .recoverable());
            }
            sum = sum.checked_add(step).ok_or_else(|| {
                TaskError::new("the sum overflows a 64-bit integer").with_code("OverflowError")
            })?;
            if (step + 1) % STEPS_PER_CHECKPOINT == 0 {
                save(step + 1, sum).await?;
            }
        }
        Ok(CountOutputs {
            total: sum,
            resumed_from: start,
        })
    }
}

/// `examples.resumable_count`.
pub fn resumable_count() -> TaskInstance<CountTask> {
    TaskInstance::new("examples.resumable_count", CountTask {})
        .retries(1)
        .docs("Sums the numbers below `n`, resuming from its checkpoint when retried.")
}

register_task!(resumable_count);
