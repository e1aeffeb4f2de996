//! [`Checkpoint`]: intra-task checkpoints, as flytekit's `SyncCheckpoint`: one blob named
//! `_chkpt` under `--checkpoint-path` (written) and `--prev-checkpoint` (read, from the
//! previous attempt).

use crate::contract::CHECKPOINT_PATH_FLAG;
use bytes::Bytes;

use crate::storage::{join, Storage, StorageError};

/// The file name flytekit's `SyncCheckpoint` uses inside a checkpoint prefix.
pub const CHECKPOINT_FILE: &str = "_chkpt";

/// Reads the previous attempt's checkpoint and writes this attempt's.
///
/// ```
/// use flyte_runtime::context::Checkpoint;
/// use flyte_runtime::storage::Storage;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let storage = Storage::default();
/// let first = Checkpoint::new(storage.clone(), Some("memory://b/attempt-0".into()), None);
/// assert_eq!(first.read().await.unwrap(), None);
/// first.write(b"epoch=3".to_vec()).await.unwrap();
/// let retry = Checkpoint::new(storage, Some("memory://b/attempt-1".into()), Some("memory://b/attempt-0".into()));
/// assert_eq!(retry.read().await.unwrap().as_deref(), Some(&b"epoch=3"[..]));
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct Checkpoint {
    storage: Storage,
    write_prefix: Option<String>,
    read_prefix: Option<String>,
}

/// A checkpoint that could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The run was started without `--checkpoint-path`.
    #[error("this run has no checkpoint path ({CHECKPOINT_PATH_FLAG} was not given)")]
    NotConfigured,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Checkpoint {
    /// Checkpoints under `write_prefix`, reading the previous one from `read_prefix`.
    /// What propeller passes when there is none counts as absent, as flytekit's
    /// `normalize_inputs` takes it: an empty string, the two characters `""` (propeller's
    /// `{{.prevCheckpointPrefix}}` on a first attempt), or the placeholder left unrendered.
    ///
    /// ```
    /// # use flyte_runtime::{context::Checkpoint, storage::Storage};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let first = Checkpoint::new(Storage::default(), None, Some("\"\"".into()));
    /// assert_eq!(first.read().await.unwrap(), None);
    /// # });
    /// ```
    pub fn new(
        storage: Storage,
        write_prefix: Option<String>,
        read_prefix: Option<String>,
    ) -> Self {
        Self {
            storage,
            write_prefix: crate::contract::given_prefix(write_prefix),
            read_prefix: crate::contract::given_prefix(read_prefix),
        }
    }

    /// The previous attempt's checkpoint, if there is one.
    pub async fn read(&self) -> Result<Option<Bytes>, StorageError> {
        let Some(prefix) = &self.read_prefix else {
            return Ok(None);
        };
        match self.storage.read(&join(prefix, CHECKPOINT_FILE)).await {
            Ok(b) => Ok(Some(b)),
            Err(StorageError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Saves this attempt's checkpoint (atomically replacing an earlier one).
    pub async fn write(&self, bytes: impl Into<Bytes>) -> Result<(), CheckpointError> {
        let prefix = self
            .write_prefix
            .as_ref()
            .ok_or(CheckpointError::NotConfigured)?;
        Ok(self
            .storage
            .write(&join(prefix, CHECKPOINT_FILE), bytes)
            .await?)
    }
}
