//! Paths the macros' generated code uses. Not a public API: names here may change in any release.

pub use crate::context::{ExecutionContext, TaskError};
pub use crate::proto::core::LiteralMap;
pub use crate::proto::core::TypedInterface;
pub use crate::proto::core::{Literal, LiteralType};
pub use crate::task::config_schema::{
    default_json, json_of, ConfigField, ConfigSchema, ConfigTypeProbe, Described, Undescribed,
};
pub use crate::task::custom::CustomError;
pub use crate::task::registry::{executor_path, make_executor, ExecutorEntry, TaskTypeEntry};
pub use crate::task::Literals;
pub use crate::task::{task_type_info, TaskTypeInfo};
pub use crate::task::{ContainerTask, ExecutorOf, TaskIo};
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

impl<T: ContainerTask> ExecutorOf<T> for FallbackExecutor<T> {}

/// A message built at compile time, for the `const` checks the macros emit (a `const` panic
/// can only print one `&str`).
pub struct ConstMessage {
    buf: [u8; 512],
    len: usize,
}

impl ConstMessage {
    const fn new() -> Self {
        Self {
            buf: [0; 512],
            len: 0,
        }
    }

    const fn push(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < self.buf.len() {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// Whether nothing is wrong.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The message (cut short, at a character boundary, past 512 bytes).
    pub const fn as_str(&self) -> &str {
        let mut len = self.len;
        loop {
            match std::str::from_utf8(self.buf.split_at(len).0) {
                Ok(s) => return s,
                Err(_) => len -= 1,
            }
        }
    }
}

/// Names the first output that has the name of an input (Flyte binds inputs and outputs by
/// name in one interface); empty when there is none.
pub const fn overlap_message(task_type: &str, inputs: &[&str], outputs: &[&str]) -> ConstMessage {
    let mut o = 0;
    while o < outputs.len() {
        let mut i = 0;
        while i < inputs.len() {
            if str_eq(outputs[o], inputs[i]) {
                return ConstMessage::new()
                    .push("task type `")
                    .push(task_type)
                    .push("`: output `")
                    .push(outputs[o])
                    .push("` has the name of an input; rename the field of one of them");
            }
            i += 1;
        }
        o += 1;
    }
    ConstMessage::new()
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The task type `#[shim_executor]` stands in when the impl has no `type Task` (the error says
/// so), so that nothing else is reported about it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct MissingTask {}

impl ContainerTask for MissingTask {
    const TASK_TYPE: &'static str = "";
    const IMAGE: &'static str = "";
    const VERSION: &'static str = "";
    const ENTRYPOINT: &'static str = "";
    type Inputs = Literals;
    type Outputs = Literals;
    type Executor = FallbackExecutor<MissingTask>;
}
