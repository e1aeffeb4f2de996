//! The one way an executor is run, whoever runs it (the `execute` entrypoint, `run`,
//! [`run_template`](super::run_template)): the async runtime every path uses ([`Runner`]),
//! and the supervised run of the executor on its own task, where the template's timeout is
//! enforced, once, even against an executor that blocks its thread ([`run_supervised`]).

use std::future::Future;
use std::sync::Arc;
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

/// The async runtime of a run: one thread, the caller's. The executor runs on a thread of its
/// own ([`run_supervised`]), so that one that blocks cannot stop the timeout's timer or the
/// stop signal, which this thread drives.
pub(crate) struct Runner {
    runtime: tokio::runtime::Runtime,
}

impl Runner {
    /// Starts the runtime.
    pub(crate) fn new() -> std::io::Result<Self> {
        Ok(Self {
            runtime: tokio::runtime::Builder::new_current_thread()
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

type Ran = Result<LiteralMap, Failure>;

/// The executor, running: a task of a multi-thread runtime (whose other workers keep driving
/// timers and signals), or, on a current-thread runtime (the [`Runner`]'s), a thread of its
/// own that enters the runtime, whose timers and I/O the caller's thread keeps driving.
enum Running {
    Task(tokio::task::JoinHandle<Ran>),
    Thread {
        result: tokio::sync::oneshot::Receiver<Ran>,
        cancel: Option<tokio::sync::oneshot::Sender<()>>,
        /// Joined once the result is in, so that a run returns only when its thread is gone
        /// (its thread-locals freed); left running only by an executor that outran its
        /// timeout and blocks.
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

impl Running {
    fn start(run: impl Future<Output = Ran> + Send + 'static) -> Result<Self, std::io::Error> {
        let handle = tokio::runtime::Handle::current();
        if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread {
            return Ok(Running::Task(handle.spawn(run)));
        }
        let (done, result) = tokio::sync::oneshot::channel();
        let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("flyte-executor".into())
            .spawn(move || {
                let ran = handle.block_on(async move {
                    tokio::select! {
                        ran = run => Some(ran),
                        _ = cancelled => None,
                    }
                });
                if let Some(ran) = ran {
                    let _ = done.send(ran);
                }
            })?;
        Ok(Running::Thread {
            result,
            cancel: Some(cancel),
            thread: Some(thread),
        })
    }

    /// Waits for the executor; an error says why its result was lost.
    async fn join(&mut self) -> Result<Ran, String> {
        match self {
            Running::Task(handle) => handle.await.map_err(|e| e.to_string()),
            Running::Thread { result, thread, .. } => {
                let ran = result
                    .await
                    .map_err(|_| "its thread ended without a result".to_string());
                // The thread has sent its result (or ended): it is about to return, if it has
                // not. (A panic cannot reach here: run_task catches the executor's.)
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
                ran
            }
        }
    }

    /// Asks the executor to stop at its next `.await`.
    fn abort(&mut self) {
        match self {
            Running::Task(handle) => handle.abort(),
            Running::Thread { cancel, .. } => {
                if let Some(cancel) = cancel.take() {
                    let _ = cancel.send(());
                }
            }
        }
    }
}

/// Runs the executor on its own task or thread: inputs checked, panics caught, outputs
/// checked ([`run_task`]), and the template's timeout enforced. On timeout the executor is
/// cancelled; if it does not stop within [`TIMEOUT_GRACE`] (it blocks its thread) the timeout
/// is reported without it.
pub(crate) async fn run_supervised(
    executor: Box<dyn ErasedExecutor>,
    ctx: ExecutionContext,
    template: impl Into<Arc<TaskTemplate>>,
    inputs: LiteralMap,
) -> Result<LiteralMap, Failure> {
    let template: Arc<TaskTemplate> = template.into();
    let task = task_name(&template).to_string();
    let limit = template_timeout(&template);
    let mut running =
        Running::start(async move { run_task(executor.as_ref(), &ctx, &template, &inputs).await })
            .map_err(|e| {
                Failure::system(
                    "",
                    format!("task `{task}`: cannot start the executor's thread: {e}"),
                )
            })?;
    let joined = match limit {
        None => running.join().await,
        Some(limit) => match tokio::time::timeout(limit, running.join()).await {
            Ok(joined) => joined,
            Err(_) => {
                running.abort();
                let stopped = tokio::time::timeout(TIMEOUT_GRACE, running.join())
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
