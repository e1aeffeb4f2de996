//! [`DefinitionError`]: why a task instance does not make a valid template.

use super::custom::CustomError;
use super::resources::QuantityError;

/// Why a task instance does not make a valid template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// A resource quantity Kubernetes would refuse.
    #[error("task `{task}`: {source}")]
    Quantity {
        /// The task.
        task: String,
        /// Which quantity.
        source: QuantityError,
    },
    /// The configuration did not serialize into `custom`.
    #[error("task `{task}`: {source}")]
    Custom {
        /// The task.
        task: String,
        /// Why.
        source: CustomError,
    },
    /// The interface is wrong: missing, declared twice, or a name used twice.
    #[error("task `{task}`: {message}")]
    Interface {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
    /// The resolver cannot name this task in a template.
    #[error("task `{task}`: resolver `{resolver}`: {message}")]
    Resolver {
        /// The task.
        task: String,
        /// The resolver.
        resolver: &'static str,
        /// Why.
        message: String,
    },
    /// The task does not run in a container, so it cannot be named for one.
    #[error("task `{task}` does not run in a container: {why}")]
    NoContainer {
        /// The task.
        task: String,
        /// Who runs it instead.
        why: &'static str,
    },
    /// A reference task has no template: it is registered already, elsewhere.
    #[error("task `{task}` is a reference to {id}, registered already; it has no template here")]
    Reference {
        /// The task.
        task: String,
        /// `project/domain/name@version`.
        id: String,
    },
    /// The task type's own check of this instance failed ([`ContainerTask::validate`](super::ContainerTask::validate)).
    #[error("task `{task}`: {message}")]
    Invalid {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
    /// The pod template does not make a pod: its pod spec is not a Kubernetes `PodSpec`.
    #[error("task `{task}`: pod template: {message}")]
    PodTemplate {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
    /// The task has no name.
    #[error("a task of type `{task_type}` has an empty name")]
    EmptyName {
        /// Its task type.
        task_type: &'static str,
    },
}
