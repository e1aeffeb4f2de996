//! [`run_task`]: the one path from a template and input literals to output literals, shared
//! by the `execute` entrypoint and local runs: check the inputs against the template's
//! interface, run the executor (panics caught), check the outputs. The timeout is the
//! runner's ([`run_supervised`](super::runner)).

use std::time::Duration;

use super::failure::Failure;
use super::panic_capture::catch_panic;
use crate::context::redact;
use crate::context::ExecutionContext;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::task::task_name;
use crate::task::{ErasedExecutor, RunError};
use crate::types::check::check_literal_map;

/// The timeout the template declares (`metadata.timeout`), if any.
pub fn template_timeout(template: &TaskTemplate) -> Option<Duration> {
    let d = template.metadata.as_ref()?.timeout.as_ref()?;
    let secs = u64::try_from(d.seconds).ok()?;
    let nanos = u32::try_from(d.nanos).unwrap_or(0);
    let t = Duration::new(secs, nanos);
    (!t.is_zero()).then_some(t)
}

/// Runs `executor` on `template` and `inputs`, returning outputs that match the template's
/// interface, or the classified [`Failure`].
pub(crate) async fn run_task(
    executor: &dyn ErasedExecutor,
    ctx: &ExecutionContext,
    template: &TaskTemplate,
    inputs: &LiteralMap,
) -> Result<LiteralMap, Failure> {
    let task = task_name(template);
    let interface = template.interface.clone().unwrap_or_default();
    check_literal_map(inputs, &interface.inputs.unwrap_or_default(), "input")
        .map_err(|e| Failure::user("ValidationError", format!("task `{task}`: {e}")))?;

    let result = catch_panic(executor.run(ctx, template, inputs)).await;
    let outputs = match result {
        Err(report) => {
            return Err(Failure::user(
                "Panic",
                format!("task `{task}`: the executor {}", redact(&report)),
            ))
        }
        Ok(Err(e)) => return Err(classify(task, e)),
        Ok(Ok(outputs)) => outputs,
    };
    check_literal_map(&outputs, &interface.outputs.unwrap_or_default(), "output").map_err(
        |e| {
            Failure::user(
                "TypeError",
                format!("task `{task}`: the executor returned outputs that do not match the template's interface: {e}"),
            )
        },
    )?;
    Ok(outputs)
}

fn classify(task: &str, e: RunError) -> Failure {
    match e {
        e @ (RunError::Config(_) | RunError::Invalid { .. }) => {
            Failure::user("ValidationError", format!("task `{task}`: {e}"))
        }
        RunError::Inputs(e) => {
            Failure::user("ValidationError", format!("task `{task}`: input {e}"))
        }
        RunError::Task(e) => {
            Failure::user(e.code(), format!("task `{task}`: {}", redact(e.message())))
                .with_recoverable(e.is_recoverable())
        }
    }
}
