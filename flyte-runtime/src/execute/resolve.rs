//! [`resolve`]: how the `execute` entrypoint finds, from `--resolver NAME -- LOADER ARGS…`
//! (read by [`LoaderArgs::parse`], see [`contract`](crate::contract) for each resolver), the
//! template to run and the executor that runs it.

use std::fmt;

use prost::Message;

use super::failure::Failure;
use super::map_element::MapOver;
use super::serialized::{deserialize_task, SerializedError};
use crate::contract::{LoaderArgs, LoaderArgsError};
use crate::proto::core::TaskTemplate;
use crate::storage::{Storage, StorageError};
use crate::task::registry::{self, RegistryError};
use crate::task::{
    task_name, AnyTaskInstance, DefinitionError, ErasedExecutor, SerializationSettings,
};

/// A template and the executor that runs it.
pub struct ResolvedTask {
    /// The template (as propeller wrote it, or rebuilt from the registered instance).
    pub template: TaskTemplate,
    /// The executor's registered path.
    pub executor_path: &'static str,
    /// The executor.
    pub executor: Box<dyn ErasedExecutor>,
    /// Set when the run is one element of a map (the map resolver): what the map binds.
    pub map: Option<MapOver>,
}

impl fmt::Debug for ResolvedTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedTask")
            .field("task", &task_name(&self.template))
            .field("executor_path", &self.executor_path)
            .finish_non_exhaustive()
    }
}

/// Why no task was found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// The resolver or its loader args are not ones this runtime knows.
    #[error(transparent)]
    LoaderArgs(#[from] LoaderArgsError),
    /// No executor or task by that name.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The class-storage index is past the end.
    #[error("task index {index} is out of range: this binary registers {count} task(s): {}", .names.join(", "))]
    IndexOutOfRange {
        /// The index given.
        index: usize,
        /// How many there are.
        count: usize,
        /// Their names, in index order.
        names: Vec<String>,
    },
    /// The template could not be read.
    #[error("cannot read the task template: {0}")]
    Storage(#[from] StorageError),
    /// The template's bytes are not a `TaskTemplate`.
    #[error("`{uri}` is not a flyteidl.core.TaskTemplate: {source}")]
    BadTemplate {
        /// Where it was read.
        uri: String,
        /// The decoder's error.
        source: prost::DecodeError,
    },
    /// The registered instance does not make a template.
    #[error(transparent)]
    Definition(#[from] DefinitionError),
    /// A serialized task that cannot be loaded.
    #[error(transparent)]
    Serialized(#[from] SerializedError),
    /// The task does not run in a container (an echo or a reference task).
    #[error("task `{task}` does not run in a container: {why}")]
    NotExecutable {
        /// The task.
        task: String,
        /// Who runs it instead.
        why: &'static str,
    },
    /// The executor runs another task type than the template's.
    #[error("executor `{executor}` runs task type `{executor_task_type}`, but template `{task}` is of type `{template_task_type}`")]
    TaskTypeMismatch {
        /// The executor path.
        executor: String,
        /// Its task type.
        executor_task_type: String,
        /// The template's task name.
        task: String,
        /// The template's task type.
        template_task_type: String,
    },
}

impl ResolveError {
    /// The classified failure: storage faults are SYSTEM, a template that does not decode or
    /// fit is a USER validation error, everything else a USER runtime error.
    pub fn to_failure(&self) -> Failure {
        match self {
            ResolveError::Storage(_) => Failure::system("StorageError", self.to_string()),
            ResolveError::BadTemplate { .. } | ResolveError::TaskTypeMismatch { .. } => {
                Failure::user("ValidationError", self.to_string())
            }
            ResolveError::Serialized(SerializedError::Storage(_)) => {
                Failure::system("StorageError", self.to_string())
            }
            _ => Failure::user("RuntimeError", self.to_string()),
        }
    }
}

fn executor(path: &str, template: TaskTemplate) -> Result<ResolvedTask, ResolveError> {
    let entry = registry::executor(path)?;
    if !template.r#type.is_empty() && template.r#type != entry.task_type {
        return Err(ResolveError::TaskTypeMismatch {
            executor: entry.path.to_string(),
            executor_task_type: entry.task_type.to_string(),
            task: task_name(&template).to_string(),
            template_task_type: template.r#type.clone(),
        });
    }
    Ok(ResolvedTask {
        template,
        executor_path: entry.path,
        executor: (entry.make)(),
        map: None,
    })
}

fn from_instance(instance: &dyn AnyTaskInstance) -> Result<ResolvedTask, ResolveError> {
    let template = instance.template(&SerializationSettings::default())?;
    let kind = instance.kind();
    let path = kind
        .executor_path()
        .ok_or_else(|| ResolveError::NotExecutable {
            task: instance.name().to_string(),
            why: kind.why_not_executable().unwrap_or_default(),
        })?;
    executor(path, template)
}

/// Finds the template and executor named by `resolver` and its `loader_args`.
pub async fn resolve(
    resolver: &str,
    loader_args: &[String],
    storage: &Storage,
) -> Result<ResolvedTask, ResolveError> {
    match LoaderArgs::parse(resolver, loader_args)? {
        // One element of a map: the task its own resolver finds, marked with what is bound.
        LoaderArgs::Map { bound, inner } => {
            let inner_args = inner.to_args();
            let found = Box::pin(resolve(inner.resolver().name(), &inner_args, storage)).await?;
            Ok(ResolvedTask {
                map: Some(MapOver {
                    bound: bound.into_iter().collect(),
                }),
                ..found
            })
        }
        LoaderArgs::Template {
            template,
            executor: path,
        } => {
            // The executor first: an unknown one is reported without touching storage.
            registry::executor(&path)?;
            let bytes = storage.read(&template).await?;
            let decoded =
                TaskTemplate::decode(bytes).map_err(|source| ResolveError::BadTemplate {
                    uri: template.clone(),
                    source,
                })?;
            executor(&path, decoded)
        }
        LoaderArgs::TaskName(name) => from_instance(registry::instance(&name)?.instance.as_ref()),
        LoaderArgs::Index(index) => {
            let all = registry::instances()?;
            let count = all.len();
            let names = all.iter().map(|i| i.instance.name().to_string()).collect();
            let entry = all
                .into_iter()
                .nth(index)
                .ok_or(ResolveError::IndexOutOfRange {
                    index,
                    count,
                    names,
                })?;
            from_instance(entry.instance.as_ref())
        }
        LoaderArgs::Serialized(uri) => {
            let (template, path) = deserialize_task(storage, &uri).await?;
            executor(&path, template)
        }
    }
}
