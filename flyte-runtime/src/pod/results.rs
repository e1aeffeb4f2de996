//! What a finished task pod left, read as flytepropeller 1.16 reads it: the pod's exit first
//! (`flytek8s/pod_helper.go`, `DeterminePrimaryContainerPhase`: a non-zero exit fails the
//! task whatever files exist), then `error.pb` before `outputs.pb`
//! (`nodes/task/handler.go`, `ValidateOutput`), each refused over `maxDownloadMBs`
//! (`ioutils/remote_file_output_reader.go`). Also [`clear_results`], for a run folder that
//! is used again.

use prost::Message;

use crate::contract::{OutputPrefix, OUTPUTS_PB};
use crate::proto::core::{
    container_error, execution_error::ErrorKind, ContainerError, ErrorDocument, LiteralMap,
    TaskTemplate,
};
use crate::storage::{join, Storage, StorageError};

/// How the task ended, as propeller records it.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskResult {
    /// The task succeeded with these outputs (empty when it declares none).
    Succeeded(LiteralMap),
    /// The task failed.
    Failed(TaskFailure),
}

/// A failure as propeller reports it (`core.ExecutionError` plus whether it is retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    /// `USER:ValueError`, `OutputsNotFound`, `OOMKilled`, …
    pub code: String,
    /// What happened.
    pub message: String,
    /// USER, SYSTEM or UNKNOWN.
    pub kind: ErrorKind,
    /// Whether propeller retries it.
    pub recoverable: bool,
    /// Where it came from.
    pub source: FailureSource,
}

impl TaskFailure {
    /// The failure an error document reports, as propeller reads it.
    pub fn from_document(e: ContainerError) -> Self {
        TaskFailure {
            code: e.code,
            message: e.message,
            kind: ErrorKind::try_from(e.origin).unwrap_or(ErrorKind::Unknown),
            recoverable: e.kind == container_error::Kind::Recoverable as i32,
            source: FailureSource::ErrorDocument,
        }
    }
}

/// Where a failure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureSource {
    /// The task's error document.
    ErrorDocument,
    /// The pod's status (a non-zero exit): the error document is not read.
    PodStatus,
    /// Propeller's own check of the output prefix.
    OutputCheck,
}

/// How the primary container ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerExit {
    /// The container's name.
    pub name: String,
    /// The exit code.
    pub code: i32,
    /// Whether the kernel killed it for memory.
    pub oom_killed: bool,
}

/// Removes the results of an earlier run under `output_prefix` (`outputs.pb`, error
/// documents, offloaded outputs), so that a reused folder or prefix reports this run only.
pub async fn clear_results(storage: &Storage, output_prefix: &str) -> Result<(), StorageError> {
    for name in storage.list(output_prefix).await? {
        if OutputPrefix::is_result_file(&name) {
            storage.delete(&join(output_prefix, &name)).await?;
        }
    }
    Ok(())
}

/// Reads how the task ended: `exit` first, then the output prefix as `ValidateOutput` does.
pub async fn read_results(
    storage: &Storage,
    output_prefix: &str,
    template: &TaskTemplate,
    exit: ContainerExit,
    max_download_bytes: u64,
    logs_tail: &str,
) -> Result<TaskResult, StorageError> {
    if exit.code != 0 {
        // DeterminePrimaryContainerPhase: OOM and other exits are the user's (retried);
        // SIGKILL (137) without OOM is taken for the node going away: the system's.
        let (reason, kind) = match (exit.oom_killed, exit.code) {
            (true, _) => ("OOMKilled", ErrorKind::User),
            (false, 137 | 247) => ("Error", ErrorKind::System),
            _ => ("Error", ErrorKind::User),
        };
        return Ok(TaskResult::Failed(TaskFailure {
            code: reason.to_string(),
            message: format!(
                "[{}] terminated with exit code ({}). Reason [{reason}]. Message: \n{logs_tail}.",
                exit.name, exit.code
            ),
            kind,
            recoverable: true,
            source: FailureSource::PodStatus,
        }));
    }
    let check = |code: &str, message: String, recoverable: bool| {
        Ok(TaskResult::Failed(TaskFailure {
            code: code.to_string(),
            message,
            kind: ErrorKind::Unknown,
            recoverable,
            source: FailureSource::OutputCheck,
        }))
    };
    let error_uri = OutputPrefix::new(output_prefix).error(None);
    match storage.read_at_most(&error_uri, max_download_bytes).await {
        Ok(bytes) => {
            let doc = ErrorDocument::decode(bytes).ok().and_then(|d| d.error);
            let Some(e) = doc else {
                return check(
                    "ErrorFileBadFormat",
                    format!("error not formatted correctly, nil error @path [{error_uri}]"),
                    true,
                );
            };
            return Ok(TaskResult::Failed(TaskFailure::from_document(e)));
        }
        Err(StorageError::NotFound { .. }) => {}
        Err(StorageError::TooLarge { size, limit, .. }) => {
            return check(
                "OutputSizeExceeded",
                format!("error file @[{error_uri}] is too large [{size}] bytes, max allowed [{limit}] bytes"),
                false,
            )
        }
        Err(e) => return Err(e),
    }
    let declared = template
        .interface
        .as_ref()
        .and_then(|i| i.outputs.as_ref())
        .is_some_and(|o| !o.variables.is_empty());
    let outputs_uri = OutputPrefix::new(output_prefix).outputs();
    match storage.read_at_most(&outputs_uri, max_download_bytes).await {
        Ok(bytes) => match LiteralMap::decode(bytes) {
            Ok(outputs) => Ok(TaskResult::Succeeded(outputs)),
            Err(e) if declared => check(
                "OutputsNotFound",
                format!("{OUTPUTS_PB} @[{outputs_uri}] is not a LiteralMap: {e}"),
                true,
            ),
            Err(_) => Ok(TaskResult::Succeeded(LiteralMap::default())),
        },
        Err(StorageError::NotFound { .. }) if declared => check(
            "OutputsNotFound",
            "Outputs not generated by task execution".to_string(),
            true,
        ),
        Err(StorageError::NotFound { .. }) => Ok(TaskResult::Succeeded(LiteralMap::default())),
        Err(StorageError::TooLarge { size, limit, .. }) if declared => check(
            "OutputSizeExceeded",
            format!(
                "Remote output size exceeds max, err: [output file @[{outputs_uri}] is too large [{size}] bytes, max allowed [{limit}] bytes]"
            ),
            false,
        ),
        Err(StorageError::TooLarge { .. }) => Ok(TaskResult::Succeeded(LiteralMap::default())),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::{ContainerError, TypedInterface, Variable, VariableMap};

    fn with_output() -> TaskTemplate {
        TaskTemplate {
            interface: Some(TypedInterface {
                inputs: None,
                outputs: Some(VariableMap {
                    variables: [("o".to_string(), Variable::default())].into(),
                }),
            }),
            ..Default::default()
        }
    }

    fn read(storage: &Storage, template: &TaskTemplate, exit: i32) -> TaskResult {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(read_results(
                storage,
                "memory://r/out",
                template,
                ContainerExit {
                    name: "c".into(),
                    code: exit,
                    oom_killed: false,
                },
                2 << 20,
                "",
            ))
            .unwrap()
    }

    fn put(storage: &Storage, name: &str, bytes: Vec<u8>) {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(storage.write(&format!("memory://r/out/{name}"), bytes))
            .unwrap();
    }

    fn code(r: TaskResult) -> String {
        match r {
            TaskResult::Failed(f) => f.code,
            TaskResult::Succeeded(_) => "succeeded".into(),
        }
    }

    #[test]
    fn validate_output_order() {
        let s = Storage::default();
        let t = with_output();
        assert_eq!(code(read(&s, &t, 0)), "OutputsNotFound");
        assert_eq!(code(read(&s, &TaskTemplate::default(), 0)), "succeeded");
        put(&s, "outputs.pb", LiteralMap::default().encode_to_vec());
        assert_eq!(code(read(&s, &t, 0)), "succeeded");
        let doc = ErrorDocument {
            error: Some(ContainerError {
                code: "USER:ValueError".into(),
                ..Default::default()
            }),
        };
        put(&s, "error.pb", doc.encode_to_vec());
        assert_eq!(code(read(&s, &t, 0)), "USER:ValueError", "error.pb first");
        assert_eq!(
            code(read(&s, &t, 1)),
            "Error",
            "a non-zero exit, whatever the files"
        );
        put(&s, "outputs.pb", vec![0; (2 << 20) + 1]);
        put(&s, "error.pb", Vec::new());
        assert_eq!(code(read(&s, &t, 0)), "ErrorFileBadFormat");
    }
}
