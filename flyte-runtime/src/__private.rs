//! Paths the macros' generated code uses, and the crate's internals that the workspace's own
//! tests, benchmarks and fuzz targets reach. Not a public API: names here may change in any
//! release, and nothing here is documented or listed in `public-api.txt`.

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

// The crate's modules that are not its public API, for the workspace's tests and benchmarks.

/// The Kubernetes pod propeller builds for a template (`crate::pod`).
pub mod pod {
    pub use crate::pod::*;
}
/// Registration packages (`crate::package`).
pub mod package {
    pub use crate::package::*;
}
/// The generated Python modules (`crate::python`).
pub mod python {
    pub use crate::python::*;
}
/// Workflows and launch plans of maps (`crate::workflow`).
pub mod workflow {
    pub use crate::workflow::*;
}
/// The entrypoint's parts beyond [`crate::execute`]'s public ones.
pub mod execute {
    pub use crate::execute::inputs::DECODED_INPUTS_FACTOR;
    pub use crate::execute::local_map::run_map_in_process;
    pub use crate::execute::map_element::{
        all_element_inputs, array_index, element_inputs, ElementInputs, MapOver, INDEX_OFFSET,
        INDEX_VAR_NAME,
    };
    pub use crate::execute::output_limits::OutputLimits;
    pub use crate::execute::resolve::{resolve, ResolveError, ResolvedTask};
    pub use crate::execute::run::template_timeout;
    pub use crate::execute::runner::TIMEOUT_GRACE;
    pub use crate::execute::serialized::{serialize_task, SerializedError, SERIALIZED_FORMAT};
    pub use crate::execute::*;
}
/// The type engine's parts beyond [`crate::types`]'s public ones.
pub mod types {
    /// Checking literals against literal types.
    pub mod check {
        pub use crate::types::check::*;
    }
    /// Describing literal types to people.
    pub mod describe {
        pub use crate::types::describe::*;
    }
    /// Flyte enums.
    pub mod enums {
        pub use crate::types::enums::*;
    }
    /// Literals as JSON.
    pub mod json_literal {
        pub use crate::types::json_literal::*;
    }
    /// Dataclasses.
    pub mod structs {
        pub use crate::types::structs::*;
    }
}
/// The task model's parts the macros' generated code uses.
pub mod task {
    /// Configuration schemas.
    pub mod config_schema {
        pub use crate::task::config_schema::*;
    }
    /// The `custom` struct.
    pub mod custom {
        pub use crate::task::custom::*;
    }
}
