//! Defining tasks: the two traits of a task type ([`ContainerTask`] and its
//! [`ShimTaskExecutor`]), typed custom configuration and I/O, instances and their templates,
//! and the [`registry`] of what a binary holds. Running a task is [`execute`](crate::execute)'s
//! job.

mod any_instance;
pub(crate) mod config_schema;
mod container;
mod container_task;
pub(crate) mod custom;
mod definition_error;
mod echo;
mod erased;
mod instance;
mod io;
mod map_task;
mod map_template;
mod pod_template;
mod reference;
pub mod registry;
mod resources;
mod secrets;
mod settings;
mod task_type_info;
mod template;
mod template_parts;

pub use any_instance::{AnyTaskInstance, TaskKind};
pub use container::default_args;
#[doc(hidden)]
pub use container_task::ExecutorOf;
pub use container_task::{ContainerTask, RegisteredExecutor, ShimTaskExecutor};
pub use definition_error::DefinitionError;
pub use echo::{EchoTask, ECHO_TASK_TYPE};
/// An executor behind `dyn`, as the registry holds it (used by the macros' generated code).
#[doc(hidden)]
pub use erased::ErasedExecutor;
pub use erased::RunError;
pub use instance::{Cache, PodTemplate, SharedMemory, TaskInstance};
pub use io::{Literals, TaskIo};
pub use map_task::{MapTask, SuccessCriterion};
pub use map_template::{map_template, MapTemplateError};
pub use reference::{ReferenceTask, REFERENCE_TASK_TYPE};
pub use resources::{QuantityError, Resources};
pub use secrets::{SecretMount, SecretRequest};
pub use settings::{
    runtime_version, SerializationSettings, FLYTEKIT_PROTOCOL_VERSION, RUNTIME_FLAVOR,
    RUNTIME_VERSION,
};
#[doc(hidden)]
pub use task_type_info::task_type_info;
pub use task_type_info::TaskTypeInfo;
pub(crate) use template_parts::described_variable_map;
pub use template_parts::task_name;
/// For other modules' tests, which build interfaces by hand.
#[cfg(test)]
pub(crate) use template_parts::variable_map;
#[cfg(test)]
pub(crate) use template_parts::variables;
