//! [`TaskError`]: how an executor reports that its task failed, and whether Flyte may retry.

use std::fmt;

use super::checkpoint::CheckpointError;
use super::secrets::SecretError;
use crate::storage::StorageError;
use crate::types::TypeError;

/// A failure of the task's own logic, returned by `execute_from_model`.
///
/// It becomes an error document with origin USER and code `USER:<code>`; it is
/// NON_RECOVERABLE unless marked [`recoverable`](TaskError::recoverable) (then Flyte retries
/// it against the task's user retry budget).
///
/// ```
/// use flyte_runtime::context::TaskError;
///
/// let e = TaskError::new("x must be even, got 1").with_code("ValueError");
/// assert_eq!(e.code(), "ValueError");
/// assert!(!e.is_recoverable());
/// assert!(TaskError::new("database busy").recoverable().is_recoverable());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    code: String,
    message: String,
    recoverable: bool,
}

impl TaskError {
    /// A non-recoverable failure with code `TaskError`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            code: "TaskError".to_string(),
            message: message.into(),
            recoverable: false,
        }
    }

    /// A failure from any error, keeping its chain of causes in the message.
    pub fn from_error(err: &(dyn std::error::Error + 'static)) -> Self {
        let mut message = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Self::new(message)
    }

    /// Sets the short code after `USER:` (`ValueError`, `Timeout`, `ValidationError`, …).
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = code.into();
        self
    }

    /// Marks the failure as transient: Flyte may retry the task.
    #[must_use]
    pub fn recoverable(mut self) -> Self {
        self.recoverable = true;
        self
    }

    /// Marks the failure as transient when `transient` is (a storage fault's own verdict,
    /// say), and leaves it as it is otherwise.
    ///
    /// ```
    /// use flyte_runtime::context::TaskError;
    /// assert!(TaskError::new("timed out").recoverable_if(true).is_recoverable());
    /// assert!(!TaskError::new("no such key").recoverable_if(false).is_recoverable());
    /// ```
    #[must_use]
    pub fn recoverable_if(mut self, transient: bool) -> Self {
        self.recoverable |= transient;
        self
    }

    /// The short code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether Flyte may retry.
    pub fn is_recoverable(&self) -> bool {
        self.recoverable
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for TaskError {}

/// `?` on storage: code `StorageError`, recoverable when the fault is transient (a timeout, a
/// 5xx, a dropped connection), so that Flyte retries it.
///
/// ```
/// use flyte_runtime::context::TaskError;
/// use flyte_runtime::storage::Storage;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// async fn read(storage: &Storage) -> Result<bytes::Bytes, TaskError> {
///     Ok(storage.read("memory://nowhere/x").await?)
/// }
/// let e = read(&Storage::default()).await.unwrap_err();
/// assert_eq!(e.code(), "StorageError");
/// assert!(!e.is_recoverable());
/// # });
/// ```
impl From<StorageError> for TaskError {
    fn from(e: StorageError) -> Self {
        Self::from_error(&e)
            .with_code("StorageError")
            .recoverable_if(e.is_transient())
    }
}

/// `?` on a value that is not of its Flyte type: code `TypeError`.
impl From<TypeError> for TaskError {
    fn from(e: TypeError) -> Self {
        Self::from_error(&e).with_code("TypeError")
    }
}

/// `?` on a secret: code `SecretError` (a missing secret is not retried).
impl From<SecretError> for TaskError {
    fn from(e: SecretError) -> Self {
        Self::from_error(&e).with_code("SecretError")
    }
}

/// `?` on a checkpoint: code `CheckpointError`, recoverable when its storage fault is.
impl From<CheckpointError> for TaskError {
    fn from(e: CheckpointError) -> Self {
        let transient = matches!(&e, CheckpointError::Storage(s) if s.is_transient());
        Self::from_error(&e)
            .with_code("CheckpointError")
            .recoverable_if(transient)
    }
}

/// `?` on local file work (the scratch folder): code `IOError`, as flytekit reports an
/// `OSError`.
impl From<std::io::Error> for TaskError {
    fn from(e: std::io::Error) -> Self {
        Self::from_error(&e).with_code("IOError")
    }
}
