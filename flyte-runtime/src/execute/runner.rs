//! The one way an executor is run, whoever runs it (the `execute` entrypoint, `run`,
//! [`run_template`](super::run_template)): the async runtime every path uses ([`Runner`]),
//! and the supervised run of the executor on its own task, where the template's timeout is
//! enforced, once, even against an executor that blocks its thread ([`run_supervised`]).

use std::future::Future;
use std::time::Duration;

use super::failure::Failure;
use super::run::{run_task, template_timeout};
use crate::context::ExecutionContext;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::task::task_name;
use crate::task::ErasedExecutor;

/// How long an executor that outran its timeout gets to stop after being cancelled before
/// the timeout is reported without it (an executor that blocks its thread cannot be stopped).
pub const TIMEOUT_GRACE: Duration = Duration::from_secs(2);

/// How long, at the end, the runtime waits for tasks that ignore cancellation.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(200);

/// The async runtime of a run: two worker threads, so that a worker is left to drive the
/// timeout's timer when the executor blocks the other.
pub(crate) struct Runner {
    runtime: tokio::runtime::Runtime,
}

impl Runner {
    /// Starts the runtime.
    pub(crate) fn new() -> std::io::Result<Self> {
        Ok(Self {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?,
        })
    }

    /// Runs `f` to its end.
    pub(crate) fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Stops the runtime; an executor that ignores cancellation (blocking code) does not keep
    /// the process alive.
    pub(crate) fn finish(self) {
        self.runtime.shutdown_timeout(SHUTDOWN_WAIT);
    }
}

/// Runs the executor on its own task: inputs checked, panics caught, outputs checked
/// ([`run_task`]), and the template's timeout enforced. On timeout the task is cancelled; if
/// it does not stop within [`TIMEOUT_GRACE`] (it blocks its thread) the timeout is reported
/// without it.
pub(crate) async fn run_supervised(
    executor: Box<dyn ErasedExecutor>,
    ctx: ExecutionContext,
    template: TaskTemplate,
    inputs: LiteralMap,
) -> Result<LiteralMap, Failure> {
    let task = task_name(&template).to_string();
    let limit = template_timeout(&template);
    let mut handle =
        tokio::spawn(async move { run_task(executor.as_ref(), &ctx, &template, &inputs).await });
    let joined = match limit {
        None => (&mut handle).await,
        Some(limit) => match tokio::time::timeout(limit, &mut handle).await {
            Ok(joined) => joined,
            Err(_) => {
                handle.abort();
                let stopped = tokio::time::timeout(TIMEOUT_GRACE, &mut handle)
                    .await
                    .is_ok();
                let how = if stopped {
                    String::new()
                } else {
                    format!(
                        " (it did not yield to be stopped; reported {TIMEOUT_GRACE:?} after the deadline without it)"
                    )
                };
                return Err(Failure::user(
                    "Timeout",
                    format!("task `{task}` did not finish within its timeout of {limit:?}{how}"),
                )
                .with_recoverable(true));
            }
        },
    };
    joined.map_err(|e| {
        Failure::system(
            "",
            format!("task `{task}`: the executor's task was lost: {e}"),
        )
    })?
}
