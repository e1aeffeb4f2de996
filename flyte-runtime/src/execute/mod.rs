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
/// The entrypoint's work with the storage and stop signal given: for tests that inject
/// storage faults. Not a stable API.
#[doc(hidden)]
pub use entrypoint::execute_with;
pub(crate) use entrypoint::shutdown_signal;
pub use entrypoint::{
    error_file_name, execute, fail_on_error_from_env, max_inputs_bytes, EntrypointArgs, Outcome,
    DECODED_INPUTS_FACTOR, DEFAULT_MAX_INPUTS_BYTES, EXIT_UNREPORTED,
};
/// An executor behind `dyn`, as the registry holds it (used by the macros' generated code).
#[doc(hidden)]
pub use executor::ErasedExecutor;
pub use executor::{RegisteredExecutor, RunError, ShimTaskExecutor};
pub use failure::{Failure, Origin};
pub use local::{run_template, LocalRunError};
pub use output_limits::{offloaded_file_name, OutputLimits, DEFAULT_MAX_OUTPUTS_BYTES};
pub(crate) use redact::RedactingWriter;
pub use redact::{redact, MIN_REDACTED_LEN, REDACTED};
pub use resolvers::{resolve, ResolveError, ResolvedTask};
pub use run::template_timeout;
pub(crate) use runner::Runner;
pub use runner::TIMEOUT_GRACE;
pub use secrets::{SecretError, SecretValue, Secrets};
pub use serialized::{serialize_task, SerializedError, SERIALIZED_FORMAT};
pub use task_error::TaskError;
