//! Reading and writing Flyte's blobs (templates, inputs, outputs, error documents, raw data)
//! through [`object_store`]: local paths and `file://`, `s3://`, `gs://`, and `memory://`
//! for tests.
//!
//! Every write is atomic: a reader sees the whole object or none of it (S3 and GCS commit an
//! object only when its upload completes; the local store writes a staging file and renames
//! it into place). Transient faults are retried with bounded exponential backoff
//! ([`RetryPolicy`]) and then reported as a [`StorageError`] that says whether it was
//! transient. A request to a remote store that stops making progress (a connection gone
//! silent) is abandoned after [`StorageConfig::stall_timeout`] and retried; one that
//! progresses is never cut for taking long ([`StorageConfig`] has the arithmetic).
//!
//! ```
//! use flyte_runtime::storage::Storage;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let storage = Storage::default();
//! storage.write("memory://bucket/run/outputs.pb", b"bytes".to_vec()).await.unwrap();
//! assert_eq!(&storage.read("memory://bucket/run/outputs.pb").await.unwrap()[..], b"bytes");
//! assert!(!storage.exists("memory://bucket/run/error.pb").await.unwrap());
//! # });
//! ```

mod config;
mod error;
mod local_file;
mod retry;
mod stall;
mod store;
mod transfer;
mod uri;

pub use crate::contract::join;
pub use config::{S3Config, SdkEnv, StorageConfig};
pub use error::StorageError;
pub use local_file::write_local_atomically;
pub use retry::RetryPolicy;
pub(crate) use store::Landed;
pub use store::Storage;
pub use uri::{Scheme, StorageUri};
