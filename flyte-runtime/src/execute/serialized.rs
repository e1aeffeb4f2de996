//! Serialized tasks: a task instance written to a file with the runtime version that wrote
//! it, reloaded by the `flyte_rs.serialized_task_resolver` only by the same version (where
//! flytekit's notebook resolver pickles a task and refuses another Python version).
//!
//! The file is JSON: `{"format", "runtime_version", "task", "executor", "template"}`, the
//! template as base64 of its protobuf bytes.

use base64::Engine as _;
use prost::Message;
use serde::{Deserialize, Serialize};

use crate::proto::core::TaskTemplate;
use crate::storage::{Storage, StorageError};
use crate::task::AnyTaskInstance;
use crate::task::{DefinitionError, SerializationSettings, RUNTIME_VERSION};

/// The `format` field of a serialized task.
pub const SERIALIZED_FORMAT: &str = "flyte-rs/serialized-task/v1";

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    runtime_version: String,
    task: String,
    executor: String,
    template: String,
}

/// A serialized task that cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SerializedError {
    /// The file could not be read.
    #[error("cannot read the serialized task: {0}")]
    Storage(#[from] StorageError),
    /// The file is not a serialized task.
    #[error("`{uri}` is not a serialized flyte-rs task: {reason}")]
    Format {
        /// Where it was read.
        uri: String,
        /// What is wrong.
        reason: String,
    },
    /// Another runtime version wrote it.
    #[error("`{uri}` was serialized by flyte-runtime {written_by}, but this binary runs flyte-runtime {runtime}; serialize the task again with this binary")]
    Version {
        /// Where it was read.
        uri: String,
        /// The version that wrote it.
        written_by: String,
        /// Ours.
        runtime: String,
    },
}

/// Serializes a task instance for the serialized-task resolver.
///
/// ```
/// # use flyte_runtime::prelude::*;
/// # #[derive(TaskIo)] struct I { a: i64 }
/// # #[derive(TaskIo)] struct O { b: i64 }
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "doc-ser", image = "img", executor = E, inputs = I, outputs = O)]
/// # struct T {}
/// # #[derive(Default)] struct E;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for E {
/// #     type Task = T;
/// #     fn execute_from_model(&self, _: &ExecutionContext, _: T, i: I) -> Result<O, TaskError> { Ok(O { b: i.a }) }
/// # }
/// use flyte_runtime::__private::execute::serialize_task;
///
/// let bytes = serialize_task(&TaskInstance::new("doc.ser", T {}), &Default::default()).unwrap();
/// let text = String::from_utf8(bytes).unwrap();
/// assert!(text.contains("flyte-rs/serialized-task/v1"));
/// ```
pub fn serialize_task(
    instance: &dyn AnyTaskInstance,
    settings: &SerializationSettings,
) -> Result<Vec<u8>, DefinitionError> {
    let template = instance.template(settings)?;
    let executor = instance
        .kind()
        .executor_path()
        .ok_or_else(|| DefinitionError::NoContainer {
            task: instance.name().to_string(),
            why: instance.kind().why_not_executable().unwrap_or_default(),
        })?;
    let envelope = Envelope {
        format: SERIALIZED_FORMAT.to_string(),
        runtime_version: RUNTIME_VERSION.to_string(),
        task: instance.name().to_string(),
        executor: executor.to_string(),
        template: base64::engine::general_purpose::STANDARD.encode(template.encode_to_vec()),
    };
    // Serializing a struct of strings to JSON cannot fail.
    Ok(serde_json::to_vec_pretty(&envelope).unwrap_or_default())
}

/// Reads a serialized task: its template and executor path.
pub(crate) async fn deserialize_task(
    storage: &Storage,
    uri: &str,
) -> Result<(TaskTemplate, String), SerializedError> {
    let bytes = storage.read(uri).await?;
    let format = |reason: String| SerializedError::Format {
        uri: uri.to_string(),
        reason,
    };
    let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| format(e.to_string()))?;
    if envelope.format != SERIALIZED_FORMAT {
        return Err(format(format!(
            "format is `{}`, expected `{SERIALIZED_FORMAT}`",
            envelope.format
        )));
    }
    if envelope.runtime_version != RUNTIME_VERSION {
        return Err(SerializedError::Version {
            uri: uri.to_string(),
            written_by: envelope.runtime_version,
            runtime: RUNTIME_VERSION.to_string(),
        });
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&envelope.template)
        .map_err(|e| format(format!("template is not base64: {e}")))?;
    let template = TaskTemplate::decode(raw.as_slice())
        .map_err(|e| format(format!("template does not decode: {e}")))?;
    Ok((template, envelope.executor))
}
