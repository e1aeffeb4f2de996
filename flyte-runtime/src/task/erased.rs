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
    /// The configuration failed the task type's own check against the template's interface
    /// (its `validate_with`): a template made without it, in Python or edited by hand.
    #[error("the configuration does not pass task type `{task_type}`'s check: {message}")]
    Invalid {
        /// The task type.
        task_type: &'static str,
        /// The check's message.
        message: String,
    },
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
        let task = checked_config::<E::Task>(template)?;
        let inputs = <E::Task as ContainerTask>::Inputs::from_literal_map(inputs)
            .map_err(RunError::Inputs)?;
        let outputs = executor.execute_from_model(ctx, task, inputs).await?;
        Ok(outputs.to_literal_map())
    })
}

/// The configuration of `template` (its `custom`), typed and checked against the template's
/// interface by the task type's own `validate` (`validate_with`), as a template built in Rust
/// was: wherever the template was made, its executor never sees a configuration its task type
/// refuses.
pub(crate) fn checked_config<T: ContainerTask>(template: &TaskTemplate) -> Result<T, RunError> {
    let custom = template.custom.clone().unwrap_or_default();
    let task = T::from_custom(&custom)?;
    let interface = template.interface.clone().unwrap_or_default();
    task.validate(&interface)
        .map_err(|message| RunError::Invalid {
            task_type: T::TASK_TYPE,
            message,
        })?;
    Ok(task)
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

    /// Checks `template`'s configuration as [`run`](Self::run) does before the executor
    /// starts: `custom` read as the task type's configuration and passed through its
    /// `validate_with`.
    fn check_config(&self, template: &TaskTemplate) -> Result<(), RunError>;
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

    fn check_config(&self, template: &TaskTemplate) -> Result<(), RunError> {
        checked_config::<E::Task>(template).map(drop)
    }
}
