//! Running a task as Flyte does: the executor trait, its context and errors, the resolvers,
//! and the `execute` entrypoint.

mod checkpoint;
mod context;
mod entrypoint;
mod executor;
mod failure;
mod local;
mod output_limits;
mod panic_capture;
mod redact;
pub mod resolvers;
mod run;
mod runner;
mod secrets;
mod serialized;
mod task_error;

pub use checkpoint::{Checkpoint, CheckpointError, CHECKPOINT_FILE};
pub use context::ExecutionContext;
pub use entrypoint::{
    error_file_name, execute, execute_with, fail_on_error_from_env, max_inputs_bytes,
    shutdown_signal, EntrypointArgs, Outcome, DECODED_INPUTS_FACTOR, DEFAULT_MAX_INPUTS_BYTES,
    EXIT_UNREPORTED,
};
pub use executor::{
    run_executor, BoxFuture, ErasedExecutor, RegisteredExecutor, RunError, ShimTaskExecutor,
};
pub use failure::{Failure, Origin};
pub use local::{run_template, LocalRunError};
pub use output_limits::{offloaded_file_name, OutputLimits, DEFAULT_MAX_OUTPUTS_BYTES};
pub use redact::{redact, RedactingWriter, MIN_REDACTED_LEN, REDACTED};
pub use resolvers::{resolve, ResolveError, ResolvedTask};
pub use run::{run_task, template_timeout};
pub(crate) use runner::Runner;
pub use runner::TIMEOUT_GRACE;
pub use secrets::{SecretError, SecretValue, Secrets};
pub use serialized::{serialize_task, SerializedError, SERIALIZED_FORMAT};
pub use task_error::TaskError;
