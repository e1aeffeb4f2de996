//! Running a task as Flyte does: the executor trait, its context and errors.

mod context;
mod executor;
mod local;
mod secrets;
mod task_error;

pub use context::ExecutionContext;
pub use executor::{
    run_executor, BoxFuture, ErasedExecutor, RegisteredExecutor, RunError, ShimTaskExecutor,
};
pub use local::{run_template, LocalRunError};
pub use secrets::{SecretError, SecretValue, Secrets};
pub use task_error::TaskError;
