//! What a task-type author needs in one import: `use flyte_runtime::prelude::*;` (the
//! macros, the executor's context and error, the instance builder and its options, the
//! echo and reference tasks, maps, the Flyte value types, and the two wire types an author's
//! `validate_with` or per-instance code touches: `Literal` and `TypedInterface`).

pub use crate::context::{ExecutionContext, TaskError};
pub use crate::proto::core::{Literal, TypedInterface};
pub use crate::task::{
    ContainerTask, EchoTask, Literals, MapTask, PodTemplate, ReferenceTask, Resources, SecretMount,
    SecretRequest, SharedMemory, ShimTaskExecutor, TaskInstance,
};
pub use crate::types::{FlyteDirectory, FlyteFile, FlyteType, StructuredDataset};
pub use crate::{register_map, register_task};
pub use flyte_rs_macros::{container_task, shim_executor, FlyteType, TaskIo};
