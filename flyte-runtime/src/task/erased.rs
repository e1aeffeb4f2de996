//! A registered executor behind `dyn` ([`ErasedExecutor`], what the registry holds), and
//! [`run_executor`], the one generic path from literals to literals: template `custom` →
//! typed configuration, inputs → typed inputs, execute, typed outputs → literals.

use std::future::Future;
use std::pin::Pin;

use super::container_task::{ContainerTask, ShimTaskExecutor};
use super::custom::CustomError;
use super::io::TaskIo;
use crate::context::{ExecutionContext, TaskError};
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::types::TypeError;

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
