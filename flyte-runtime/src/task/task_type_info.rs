//! A task type described for tools outside Rust ([`TaskTypeInfo`]): what its
//! [`ContainerTask`] impl says, its fixed interface, and its configuration's fields.
//! `#[container_task]` registers one per task type ([`TaskTypeEntry::describe`](super::registry::TaskTypeEntry::describe)).

use std::collections::BTreeMap;

use super::config_schema::ConfigSchema;
use super::container_task::{ContainerTask, RegisteredExecutor};
use super::io::{descriptions, TaskIo};
use crate::proto::core::LiteralType;

/// A task type, described.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskTypeInfo {
    /// The task type string.
    pub task_type: &'static str,
    /// `TaskTemplate.task_type_version`.
    pub task_type_version: i32,
    /// The version of the crate that defines it.
    pub version: &'static str,
    /// The image (with `{version}` filled in).
    pub image: String,
    /// The binary the container runs.
    pub entrypoint: &'static str,
    /// The executor's registered path.
    pub executor_path: &'static str,
    /// The fixed inputs, or `None` when each instance declares its own.
    pub inputs: Option<Vec<(&'static str, LiteralType)>>,
    /// The fixed outputs, or `None` when each instance declares its own.
    pub outputs: Option<Vec<(&'static str, LiteralType)>>,
    /// The fixed inputs' descriptions (their doc comments), by name; an input without one is
    /// not listed (it is described by its name).
    pub input_descriptions: BTreeMap<&'static str, &'static str>,
    /// The fixed outputs' descriptions, as `input_descriptions`.
    pub output_descriptions: BTreeMap<&'static str, &'static str>,
    /// The configuration's fields.
    pub config: ConfigSchema,
    /// Whether its tasks leave a deck unless an instance says otherwise
    /// ([`ContainerTask::ENABLE_DECK`]): the default of `enable_deck` in Python.
    pub enable_deck: bool,
}

/// Describes task type `T` with the configuration fields the macro read.
#[doc(hidden)]
pub fn task_type_info<T: ContainerTask>(config: ConfigSchema) -> TaskTypeInfo {
    TaskTypeInfo {
        task_type: T::TASK_TYPE,
        task_type_version: T::TASK_TYPE_VERSION,
        version: T::VERSION,
        image: T::image(),
        entrypoint: T::ENTRYPOINT,
        executor_path: <T::Executor as RegisteredExecutor>::PATH,
        inputs: T::Inputs::variables(),
        outputs: T::Outputs::variables(),
        input_descriptions: descriptions::<T::Inputs>(),
        output_descriptions: descriptions::<T::Outputs>(),
        config,
        enable_deck: T::ENABLE_DECK,
    }
}
