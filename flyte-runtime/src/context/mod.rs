//! What an executor works with while it runs: its [`ExecutionContext`] (storage, secrets,
//! checkpoint, [scratch folder](ScratchDir), raw-output prefix), the [`TaskError`] it returns, and the
//! redaction that keeps secret values out of logs and error documents.
//!
//! Nothing here knows about tasks or templates; the executor trait in [`task`](crate::task)
//! and the entrypoint in [`execute`](crate::execute) build on it.

mod checkpoint;
mod execution_context;
mod redact;
mod scratch;
mod secrets;
mod task_error;
mod unique_name;

pub use checkpoint::{Checkpoint, CheckpointError, CHECKPOINT_FILE};
pub use execution_context::ExecutionContext;
pub(crate) use redact::RedactingWriter;
pub use redact::{redact, MIN_REDACTED_LEN, REDACTED};
pub use scratch::ScratchDir;
pub use secrets::{SecretError, SecretValue, Secrets};
pub use task_error::TaskError;
