//! [`AnyTaskInstance`]: a task instance of any task type (a [`TaskInstance`](super::TaskInstance),
//! an [`EchoTask`](super::EchoTask), a [`ReferenceTask`](super::ReferenceTask)), as the
//! registry holds it, and [`TaskKind`]: how it runs.

use super::definition_error::DefinitionError;
use super::settings::SerializationSettings;
use crate::proto::admin::TaskSpec;
use crate::proto::core::TaskTemplate;

/// How a task instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// In its container, by the executor registered at this path.
    Container {
        /// The executor's path.
        executor_path: &'static str,
    },
    /// Nowhere: propeller's echo plugin copies the inputs to the outputs
    /// ([`EchoTask`](crate::task::EchoTask)).
    Echo,
    /// Not from here: a task already registered on a cluster, called by its id
    /// ([`ReferenceTask`](crate::task::ReferenceTask)).
    Reference,
}

impl TaskKind {
    /// The executor's path, for a container task.
    pub fn executor_path(self) -> Option<&'static str> {
        match self {
            TaskKind::Container { executor_path } => Some(executor_path),
            TaskKind::Echo | TaskKind::Reference => None,
        }
    }
}

/// A task instance of any task type.
pub trait AnyTaskInstance: Send + Sync {
    /// Its name.
    fn name(&self) -> &str;
    /// Its task type.
    fn task_type(&self) -> &'static str;
    /// How it runs.
    fn kind(&self) -> TaskKind;
    /// Its template.
    fn template(&self, settings: &SerializationSettings) -> Result<TaskTemplate, DefinitionError>;
    /// Its registration spec.
    fn task_spec(&self, settings: &SerializationSettings) -> Result<TaskSpec, DefinitionError>;
}

impl TaskKind {
    /// Why a task of this kind has no executor here (`None` for a container task).
    pub fn why_not_executable(self) -> Option<&'static str> {
        match self {
            TaskKind::Container { .. } => None,
            TaskKind::Echo => {
                Some("it is an echo task; propeller's echo plugin copies its inputs to its outputs")
            }
            TaskKind::Reference => Some(
                "it is a reference to a task registered on a cluster; it runs there, called \
                 from a workflow, and never locally",
            ),
        }
    }
}
