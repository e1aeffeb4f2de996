//! Defining tasks: the task-type trait, typed custom config, typed I/O, instances and their
//! templates. Nothing here runs a task; that is `execute`.

mod container_task;
pub mod custom;
mod echo;
mod instance;
mod io;
mod reference;
mod resources;
mod secrets;
mod template;

pub use container_task::{ContainerTask, TEMPLATE_RESOLVER};
pub use echo::{EchoTask, ECHO_TASK_TYPE};
pub use instance::{Cache, PodTemplate, SharedMemory, TaskInstance};
pub use io::{names_overlap, Literals, TaskIo};
pub use reference::{ReferenceTask, REFERENCE_TASK_TYPE};
pub use resources::{QuantityError, Resources};
pub use secrets::{SecretMount, SecretRequest};
pub use template::{
    default_args, runtime_version, DefinitionError, SerializationSettings,
    FLYTEKIT_PROTOCOL_VERSION, RUNTIME_FLAVOR, RUNTIME_VERSION,
};
