//! Paths the macros' generated code uses. Not a public API: names here may change in any release.

pub use crate::context::{ExecutionContext, TaskError};
pub use crate::proto::core::LiteralMap;
pub use crate::proto::core::TypedInterface;
pub use crate::proto::core::{Literal, LiteralType};
pub use crate::task::custom::CustomError;
pub use crate::task::registry::{make_executor, ExecutorEntry, TaskTypeEntry};
pub use crate::task::Literals;
pub use crate::task::{names_overlap, ContainerTask, TaskIo};
pub use crate::task::{RegisteredExecutor, ShimTaskExecutor};
pub use crate::types::enums::{
    enum_from_literal, enum_from_msgpack, enum_literal_type, enum_schema, enum_to_literal, ENUM_TAG,
};
pub use crate::types::read_variable;
pub use crate::types::structs::{
    msgpack_literal, read_field, read_field_or, struct_entries, struct_literal_type,
    struct_payload, struct_schema, struct_value, FieldInfo,
};
pub use crate::types::{FlyteEnum, FlyteType, TypeError};
pub use inventory;
pub use prost_types::Struct;
pub use rmpv;
pub use serde_json;
pub use std;

/// The executor of a `#[container_task]` whose attribute has errors (the macro's fallback
/// impl names it so that only the attribute's own errors are reported). It is never
/// registered and never runs.
pub struct FallbackExecutor<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Default for FallbackExecutor<T> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T: ContainerTask> ShimTaskExecutor for FallbackExecutor<T> {
    type Task = T;

    fn execute_from_model(
        &self,
        _ctx: &crate::context::ExecutionContext,
        _task: T,
        _inputs: T::Inputs,
    ) -> impl std::future::Future<Output = Result<T::Outputs, crate::context::TaskError>> + Send
    {
        std::future::ready(Err(crate::context::TaskError::new(
            "this task type's #[container_task] attribute did not compile",
        )))
    }
}

impl<T: ContainerTask> RegisteredExecutor for FallbackExecutor<T> {
    const PATH: &'static str = "";
}
