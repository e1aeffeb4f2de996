//! The two traits of a task type, which name each other: [`ContainerTask`], what
//! `#[container_task]` implements for the configuration struct (task type, image, entrypoint,
//! resolver, executor, typed I/O and the `custom` conversion), and [`ShimTaskExecutor`], the
//! logic that runs in the container, registered by `#[shim_executor]`
//! ([`RegisteredExecutor`]).

use std::future::Future;

use prost_types::Struct;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::custom::{from_custom, to_custom, CustomError};
use super::io::TaskIo;
use crate::context::{ExecutionContext, TaskError};
use crate::contract::Resolver;
use crate::proto::core::TypedInterface;

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
    /// The resolver named in `--resolver`: by default the task-template resolver (the task
    /// object is never rebuilt: the executor gets the template and the inputs).
    const RESOLVER: &'static str = Resolver::Template.name();
    /// `TaskTemplate.task_type_version`.
    const TASK_TYPE_VERSION: i32 = 0;
    /// Whether its runs leave a deck (`deck.html` beside the outputs, see
    /// [`deck`](crate::deck)), the template saying so in `TaskMetadata.generates_deck`; on by
    /// default. An instance may say otherwise ([`TaskInstance::enable_deck`](super::TaskInstance::enable_deck)).
    const ENABLE_DECK: bool = true;

    /// The task's inputs.
    type Inputs: TaskIo;
    /// The task's outputs.
    type Outputs: TaskIo;
    /// The executor that runs this task type in the container: one registered by
    /// `#[shim_executor]` with `type Task = Self`.
    type Executor: ExecutorOf<Self>;

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

/// The executor of a task type (flytekit's `ShimTaskExecutor`).
///
/// `execute_from_model` may be written `async fn` or plain `fn`; `#[shim_executor]` makes
/// a plain one async. The executor type must implement `Default`: like flytekit, the runtime
/// makes one when the container starts.
pub trait ShimTaskExecutor: Default + Send + Sync + 'static {
    /// The task type this executor runs.
    type Task: ContainerTask;

    /// Runs the task: `task` is the configuration from the template's `custom`, typed.
    fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        task: Self::Task,
        inputs: <Self::Task as ContainerTask>::Inputs,
    ) -> impl Future<Output = Result<<Self::Task as ContainerTask>::Outputs, TaskError>> + Send;
}

/// An executor registered with `#[shim_executor]`, known by its path.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a registered executor",
    label = "not registered",
    note = "put #[shim_executor] on `impl ShimTaskExecutor for {Self}`"
)]
pub trait RegisteredExecutor: ShimTaskExecutor {
    /// The stable path in the template's loader args (`crate::module::Type`).
    const PATH: &'static str;
}

/// A registered executor of task type `T`: implemented by `#[shim_executor]` for its
/// `type Task`. [`ContainerTask::Executor`] must be one, so that naming an unregistered
/// executor, or another type's, is one error that says what to change.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a registered executor of `{T}`",
    label = "not the executor of `{T}`",
    note = "put #[shim_executor] on `impl ShimTaskExecutor for {Self}` with `type Task = {T};`, or name `{T}`'s own executor in `executor = ...`"
)]
pub trait ExecutorOf<T: ?Sized>: RegisteredExecutor {}
