//! Resolvers: how the `execute` entrypoint finds, from `--resolver NAME -- LOADER ARGS…`,
//! the template to run and the executor that runs it.
//!
//! | `--resolver` | loader args | loads |
//! |---|---|---|
//! | `flyte_rs.task_template_resolver` | `<template URI> <executor path>` | the template propeller wrote, and the registered executor; the task object is never rebuilt |
//! | `flyte_rs.default_task_resolver` | `task-name <name>` | a task instance registered in this binary, by name |
//! | `flyte_rs.class_storage_resolver` | `<index>` | a registered task instance by its index in the name-sorted registry |
//! | `flyte_rs.serialized_task_resolver` | `<URI of a serialized task>` | a task serialized by [`serialize_task`](super::serialize_task), only by the same runtime version |

use std::fmt;

use prost::Message;

use super::executor::ErasedExecutor;
use super::failure::Failure;
use super::serialized::{deserialize_task, SerializedError};
use crate::proto::core::TaskTemplate;
use crate::registry::{self, RegistryError};
use crate::storage::{Storage, StorageError};
use crate::task::{DefinitionError, SerializationSettings};

/// The task-template resolver (flytekit's `default_task_template_resolver`).
pub const TEMPLATE: &str = "flyte_rs.task_template_resolver";
/// The default resolver: a registered task instance by name.
pub const DEFAULT: &str = "flyte_rs.default_task_resolver";
/// The class-storage resolver: a registered task instance by index.
pub const CLASS_STORAGE: &str = "flyte_rs.class_storage_resolver";
/// The serialized-entity resolver (where flytekit's notebook/pickle resolver stands).
pub const SERIALIZED: &str = "flyte_rs.serialized_task_resolver";
/// Every resolver this runtime has.
pub const ALL: [&str; 4] = [TEMPLATE, DEFAULT, CLASS_STORAGE, SERIALIZED];

/// What each resolver expects after `--`.
pub fn loader_args_usage(resolver: &str) -> Option<&'static str> {
    match resolver {
        TEMPLATE => Some("<template URI> <executor path>"),
        DEFAULT => Some("task-name <name>"),
        CLASS_STORAGE => Some("<index>"),
        SERIALIZED => Some("<URI of a serialized task>"),
        _ => None,
    }
}

/// The loader args with which `resolver` finds the task `task` (run by the executor
/// registered at `executor_path`): what a template carries after `--`. [`resolve`] reads
/// them back.
pub(crate) fn loader_args_for(
    resolver: &str,
    task: &str,
    executor_path: &str,
) -> Result<Vec<String>, String> {
    match resolver {
        TEMPLATE => Ok(vec![
            "{{.taskTemplatePath}}".to_string(),
            executor_path.to_string(),
        ]),
        DEFAULT => Ok(vec!["task-name".to_string(), task.to_string()]),
        CLASS_STORAGE => {
            let all = registry::instances().map_err(|e| e.to_string())?;
            all.iter()
                .position(|i| i.instance.name() == task)
                .map(|index| vec![index.to_string()])
                .ok_or_else(|| {
                    "the class-storage resolver finds tasks by their index among the \
                     registered ones, and this task is not registered (register_task!)"
                        .to_string()
                })
        }
        SERIALIZED => Err(
            "a serialized task is named by the URI of its file, which a template cannot \
             know; write one with `execute::serialize_task` and pass its URI as the loader arg"
                .to_string(),
        ),
        other => Err(format!(
            "unknown resolver `{other}`; known: {}",
            ALL.join(", ")
        )),
    }
}

/// A template and the executor that runs it.
pub struct ResolvedTask {
    /// The template (as propeller wrote it, or rebuilt from the registered instance).
    pub template: TaskTemplate,
    /// The executor's registered path.
    pub executor_path: &'static str,
    /// The executor.
    pub executor: Box<dyn ErasedExecutor>,
}

impl fmt::Debug for ResolvedTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedTask")
            .field("task", &task_name(&self.template))
            .field("executor_path", &self.executor_path)
            .finish_non_exhaustive()
    }
}

/// The task's name from its template id (empty if it has none).
pub fn task_name(template: &TaskTemplate) -> &str {
    template.id.as_ref().map_or("", |i| i.name.as_str())
}

/// Why no task was found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// No resolver has this name.
    #[error("unknown resolver `{name}`; this binary has: {}", ALL.join(", "))]
    UnknownResolver {
        /// The name given.
        name: String,
    },
    /// The loader args do not fit the resolver.
    #[error("resolver `{resolver}` expects loader args `{expected}` after `--`, got {got:?}")]
    LoaderArgs {
        /// The resolver.
        resolver: &'static str,
        /// What it expects.
        expected: &'static str,
        /// What was given.
        got: Vec<String>,
    },
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

fn loader_args<'a, const N: usize>(
    resolver: &'static str,
    args: &'a [String],
) -> Result<[&'a str; N], ResolveError> {
    let wrong = || ResolveError::LoaderArgs {
        resolver,
        expected: loader_args_usage(resolver).unwrap_or(""),
        got: args.to_vec(),
    };
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    refs.try_into().map_err(|_| wrong())
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
    })
}

fn from_instance(instance: &dyn registry::AnyTaskInstance) -> Result<ResolvedTask, ResolveError> {
    let template = instance.template(&SerializationSettings::default())?;
    let path = instance
        .kind()
        .executor_path()
        .ok_or_else(|| ResolveError::NotExecutable {
            task: instance.name().to_string(),
            why: not_executable_why(instance.kind()),
        })?;
    executor(path, template)
}

/// Why a task of this kind has no executor here.
pub(crate) fn not_executable_why(kind: registry::TaskKind) -> &'static str {
    match kind {
        registry::TaskKind::Echo => {
            "it is an echo task; propeller's echo plugin copies its inputs to its outputs"
        }
        _ => {
            "it is a reference to a task registered on a cluster; it runs there, called \
             from a workflow, and never locally"
        }
    }
}

/// Finds the template and executor named by `resolver` and its `loader_args`.
pub async fn resolve(
    resolver: &str,
    loader_args_given: &[String],
    storage: &Storage,
) -> Result<ResolvedTask, ResolveError> {
    match resolver {
        TEMPLATE => {
            let [uri, path] = loader_args::<2>(TEMPLATE, loader_args_given)?;
            // The executor first: an unknown one is reported without touching storage.
            registry::executor(path)?;
            let bytes = storage.read(uri).await?;
            let template =
                TaskTemplate::decode(bytes).map_err(|source| ResolveError::BadTemplate {
                    uri: uri.to_string(),
                    source,
                })?;
            executor(path, template)
        }
        DEFAULT => {
            let ["task-name", name] = loader_args::<2>(DEFAULT, loader_args_given)? else {
                return Err(ResolveError::LoaderArgs {
                    resolver: DEFAULT,
                    expected: loader_args_usage(DEFAULT).unwrap_or(""),
                    got: loader_args_given.to_vec(),
                });
            };
            from_instance(registry::instance(name)?.instance.as_ref())
        }
        CLASS_STORAGE => {
            let [index] = loader_args::<1>(CLASS_STORAGE, loader_args_given)?;
            let index: usize = index.parse().map_err(|_| ResolveError::LoaderArgs {
                resolver: CLASS_STORAGE,
                expected: loader_args_usage(CLASS_STORAGE).unwrap_or(""),
                got: loader_args_given.to_vec(),
            })?;
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
        SERIALIZED => {
            let [uri] = loader_args::<1>(SERIALIZED, loader_args_given)?;
            let (template, path) = deserialize_task(storage, uri).await?;
            executor(&path, template)
        }
        other => Err(ResolveError::UnknownResolver {
            name: other.to_string(),
        }),
    }
}
