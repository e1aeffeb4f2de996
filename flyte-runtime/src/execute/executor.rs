//! [`ShimTaskExecutor`]: the logic of a task type, run in the container with the template's
//! typed configuration and the typed inputs. `#[shim_executor]` registers an implementation
//! under a stable path; `run_executor` is the one generic path from literals to literals.

use std::future::Future;
use std::pin::Pin;

use super::context::ExecutionContext;
use super::task_error::TaskError;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::task::custom::CustomError;
use crate::task::{ContainerTask, TaskIo};
use crate::types::TypeError;

/// The executor of a task type (flytekit's `ShimTaskExecutor`).
///
/// `execute_from_model` may be written `async fn` or plain `fn`; `#[shim_executor]` makes
/// a plain one async. The executor type must implement `Default`: like flytekit, the runtime
/// makes one when the container starts.
pub trait ShimTaskExecutor: Default + Send + Sync + 'static {
    /// The task type this executor runs.
    type Task: ContainerTask;

    /// Runs the task: `task` is the configuration from the template's `custom`, typed.
    fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        task: Self::Task,
        inputs: <Self::Task as ContainerTask>::Inputs,
    ) -> impl Future<Output = Result<<Self::Task as ContainerTask>::Outputs, TaskError>> + Send;
}

/// An executor registered with `#[shim_executor]`, known by its path.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a registered executor",
    label = "not registered",
    note = "put #[shim_executor] on `impl ShimTaskExecutor for {Self}`"
)]
pub trait RegisteredExecutor: ShimTaskExecutor {
    /// The stable path in the template's loader args (`crate::module::Type`).
    const PATH: &'static str;
}

/// Why a run failed before, inside or after the executor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// `custom` did not hold the task type's configuration.
    #[error(transparent)]
    Config(#[from] CustomError),
    /// An input did not convert to the declared Rust type.
    #[error("input {0}")]
    Inputs(TypeError),
    /// The executor returned an error.
    #[error(transparent)]
    Task(#[from] TaskError),
}

/// A boxed future, for executors behind `dyn`.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs executor `E` from the wire: template `custom` → typed config, inputs → typed inputs,
/// execute, typed outputs → literals.
pub(crate) fn run_executor<'a, E: ShimTaskExecutor>(
    executor: &'a E,
    ctx: &'a ExecutionContext,
    template: &'a TaskTemplate,
    inputs: &'a LiteralMap,
) -> BoxFuture<'a, Result<LiteralMap, RunError>> {
    Box::pin(async move {
        let custom = template.custom.clone().unwrap_or_default();
        let task = E::Task::from_custom(&custom)?;
        let inputs = <E::Task as ContainerTask>::Inputs::from_literal_map(inputs)
            .map_err(RunError::Inputs)?;
        let outputs = executor.execute_from_model(ctx, task, inputs).await?;
        Ok(outputs.to_literal_map())
    })
}

/// A registered executor, type-erased: what the registry hands the entrypoint.
pub trait ErasedExecutor: Send + Sync {
    /// Runs the executor on literals: the configuration from `custom`, the inputs typed, the
    /// outputs back to literals.
    fn run<'a>(
        &'a self,
        ctx: &'a ExecutionContext,
        template: &'a TaskTemplate,
        inputs: &'a LiteralMap,
    ) -> BoxFuture<'a, Result<LiteralMap, RunError>>;

    /// The task type it runs.
    fn task_type(&self) -> &'static str;
}

impl<E: ShimTaskExecutor> ErasedExecutor for E {
    fn run<'a>(
        &'a self,
        ctx: &'a ExecutionContext,
        template: &'a TaskTemplate,
        inputs: &'a LiteralMap,
    ) -> BoxFuture<'a, Result<LiteralMap, RunError>> {
        run_executor(self, ctx, template, inputs)
    }

    fn task_type(&self) -> &'static str {
        E::Task::TASK_TYPE
    }
}
