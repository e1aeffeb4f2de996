//! The [`ContainerTask`] trait: what `#[container_task]` implements for a task type's
//! configuration struct (task type, image, entrypoint, resolver, executor, typed I/O and
//! the `custom` conversion).

use prost_types::Struct;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::custom::{from_custom, to_custom, CustomError};
use super::io::TaskIo;
use crate::execute::RegisteredExecutor;
use crate::proto::core::TypedInterface;

/// The name of our task-template resolver in `--resolver` (the task object is never rebuilt:
/// the executor gets the template and the inputs).
pub const TEMPLATE_RESOLVER: &str = crate::execute::resolvers::TEMPLATE;

/// A prebuilt-container task type: its configuration struct.
///
/// Implemented by `#[container_task(...)]`; see the crate docs for the keys.
pub trait ContainerTask: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The task type string (`TaskTemplate.type`), e.g. `"sqlite"`.
    const TASK_TYPE: &'static str;
    /// The container image, possibly with `{version}` (the crate version of the task type).
    const IMAGE: &'static str;
    /// The crate version that `{version}` in the image stands for.
    const VERSION: &'static str;
    /// The program on the image's `PATH` that `args[0]` names.
    const ENTRYPOINT: &'static str;
    /// The resolver named in `--resolver`.
    const RESOLVER: &'static str = TEMPLATE_RESOLVER;
    /// `TaskTemplate.task_type_version`.
    const TASK_TYPE_VERSION: i32 = 0;

    /// The task's inputs.
    type Inputs: TaskIo;
    /// The task's outputs.
    type Outputs: TaskIo;
    /// The executor that runs this task type in the container.
    type Executor: RegisteredExecutor;

    /// The image with `{version}` filled in.
    fn image() -> String {
        Self::IMAGE.replace("{version}", Self::VERSION)
    }

    /// The configuration as `TaskTemplate.custom` (flytekit's `get_custom`).
    fn get_custom(&self) -> Result<Struct, CustomError> {
        to_custom(Self::TASK_TYPE, self)
    }

    /// Checks this configuration against an instance's interface when its template is
    /// built (a query that names an undeclared input, say); the message is reported with
    /// the task's name. The default accepts everything.
    fn validate(&self, interface: &TypedInterface) -> Result<(), String> {
        let _ = interface;
        Ok(())
    }

    /// The configuration read back from `custom`, typed.
    fn from_custom(custom: &Struct) -> Result<Self, CustomError> {
        from_custom(Self::TASK_TYPE, custom)
    }
}
