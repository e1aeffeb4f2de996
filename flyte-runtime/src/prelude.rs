//! What a task-type author needs in one import: `use flyte_runtime::prelude::*;`.

pub use crate::execute::{ExecutionContext, ShimTaskExecutor, TaskError};
pub use crate::register_task;
pub use crate::task::{
    ContainerTask, Literals, PodTemplate, Resources, SecretMount, SecretRequest, SharedMemory,
    TaskInstance,
};
pub use crate::types::{FlyteDirectory, FlyteFile, FlyteType, StructuredDataset};
pub use flyte_macros::{container_task, shim_executor, FlyteType, TaskIo};
