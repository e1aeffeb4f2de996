//! [`Failure`]: why a run produced no outputs, classified as `../CONTRACT.md` §3 says, and
//! the `ErrorDocument` it becomes.
//!
//! | what failed | code | kind | origin |
//! |---|---|---|---|
//! | the executor returned a [`TaskError`](super::TaskError) | `USER:<its code>` | NON_RECOVERABLE (RECOVERABLE if marked) | USER |
//! | the executor panicked | `USER:Panic` | NON_RECOVERABLE | USER |
//! | the task ran past its timeout | `USER:Timeout` | RECOVERABLE | USER |
//! | inputs, template or `custom` do not fit the interface / task type | `USER:ValidationError` | NON_RECOVERABLE | USER |
//! | the executor's outputs do not fit the interface | `USER:TypeError` | NON_RECOVERABLE | USER |
//! | the inputs are over the size limit (`FLYTE_RS_MAX_INPUTS_BYTES`) | `USER:InputTooLarge` | NON_RECOVERABLE | USER |
//! | unknown resolver, executor or task; bad loader args | `USER:RuntimeError` | NON_RECOVERABLE | USER |
//! | storage unreachable, object missing, write refused | `SYSTEM:StorageError` | RECOVERABLE | SYSTEM |
//! | the pod was asked to stop (SIGTERM) | `SYSTEM:Terminated` | RECOVERABLE | SYSTEM |
//! | anything else outside the task | `SYSTEM` | RECOVERABLE | SYSTEM |

use std::fmt;
use std::time::SystemTime;

use crate::proto::core::{container_error, execution_error, ContainerError, ErrorDocument};

/// Who is at fault: the task (its author or its inputs) or the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The task's code, configuration or inputs.
    User,
    /// Storage, the node, the platform.
    System,
}

/// A classified failure of one run.
///
/// ```
/// use flyte_runtime::execute::Failure;
///
/// let f = Failure::user("ValidationError", "input `a` is missing (expected INTEGER)");
/// assert_eq!(f.code(), "USER:ValidationError");
/// assert!(!f.recoverable);
/// let doc = f.to_error_document("worker-0", std::time::SystemTime::UNIX_EPOCH);
/// assert_eq!(doc.error.unwrap().worker, "worker-0");
/// assert_eq!(Failure::system("", "node lost").code(), "SYSTEM");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Who is at fault.
    pub origin: Origin,
    /// The short name after `USER:`/`SYSTEM:` (empty for a plain `SYSTEM`).
    pub name: String,
    /// What happened, naming the task, the input or step, and the cause.
    pub message: String,
    /// Whether Flyte may retry.
    pub recoverable: bool,
}

impl Failure {
    /// A USER failure, NON_RECOVERABLE.
    pub fn user(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            origin: Origin::User,
            name: name.into(),
            message: message.into(),
            recoverable: false,
        }
    }

    /// A SYSTEM failure, RECOVERABLE.
    pub fn system(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            origin: Origin::System,
            name: name.into(),
            message: message.into(),
            recoverable: true,
        }
    }

    /// Sets whether Flyte may retry.
    #[must_use]
    pub fn with_recoverable(mut self, recoverable: bool) -> Self {
        self.recoverable = recoverable;
        self
    }

    /// Prefixes the message with `context: `.
    #[must_use]
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The code in flytekit's `<ORIGIN>:<Name>` form.
    pub fn code(&self) -> String {
        let origin = match self.origin {
            Origin::User => "USER",
            Origin::System => "SYSTEM",
        };
        if self.name.is_empty() {
            origin.to_string()
        } else {
            format!("{origin}:{}", self.name)
        }
    }

    /// The `ErrorDocument` Flyte reads from `error.pb`; any secret value read in this
    /// process is [redacted](crate::context::redact) from its message.
    pub fn to_error_document(&self, worker: &str, at: SystemTime) -> ErrorDocument {
        let since = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        ErrorDocument {
            error: Some(ContainerError {
                code: self.code(),
                message: crate::context::redact(&self.message).into_owned(),
                kind: if self.recoverable {
                    container_error::Kind::Recoverable
                } else {
                    container_error::Kind::NonRecoverable
                } as i32,
                origin: match self.origin {
                    Origin::User => execution_error::ErrorKind::User,
                    Origin::System => execution_error::ErrorKind::System,
                } as i32,
                timestamp: Some(prost_types::Timestamp {
                    seconds: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                    nanos: i32::try_from(since.subsec_nanos()).unwrap_or(0),
                }),
                worker: worker.to_string(),
            }),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message)
    }
}

impl std::error::Error for Failure {}

/// A storage fault at `step`: SYSTEM, so Flyte may retry it.
pub(super) fn storage_failure(step: &str, e: &crate::storage::StorageError) -> Failure {
    Failure::system("StorageError", format!("{step}: {e}"))
}
