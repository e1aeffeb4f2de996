//! [`ReferenceTask`]: a task already registered on a cluster, called by its id
//! (project/domain/name/version) with a typed signature. Its body is not here: it is never
//! run locally, never packaged, and has no template; its id and interface are what a
//! workflow needs to call it.

use super::any_instance::{AnyTaskInstance, TaskKind};
use super::definition_error::DefinitionError;
use super::settings::SerializationSettings;
use super::template_parts::{check_unique, variable_map};
use crate::proto::admin::TaskSpec;
use crate::proto::core::{Identifier, LiteralType, ResourceType, TaskTemplate, TypedInterface};
use crate::types::FlyteType;

/// What [`AnyTaskInstance::task_type`] says of a reference (flytekit's `ReferenceTask` has
/// no task type of its own: the registered task has one).
pub const REFERENCE_TASK_TYPE: &str = "reference";

/// A reference to a registered task.
///
/// ```
/// use flyte_runtime::task::ReferenceTask;
///
/// let r = ReferenceTask::new("flytesnacks", "development", "core.add", "v3")
///     .input::<i64>("a")
///     .output::<i64>("sum");
/// assert_eq!(r.id().version, "v3");
/// assert_eq!(r.interface().unwrap().outputs.unwrap().variables.len(), 1);
/// let e = r.template(&Default::default()).unwrap_err();
/// assert!(e.to_string().contains("flytesnacks/development/core.add@v3"), "{e}");
/// ```
#[derive(Debug, Clone)]
pub struct ReferenceTask {
    id: Identifier,
    inputs: Vec<(String, LiteralType)>,
    outputs: Vec<(String, LiteralType)>,
}

impl ReferenceTask {
    /// A reference to `project/domain/name@version`.
    pub fn new(
        project: impl Into<String>,
        domain: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            id: Identifier {
                resource_type: ResourceType::Task as i32,
                project: project.into(),
                domain: domain.into(),
                name: name.into(),
                version: version.into(),
                org: String::new(),
            },
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Declares an input of the registered task.
    #[must_use]
    pub fn input<V: FlyteType>(mut self, name: &str) -> Self {
        self.inputs.push((name.to_string(), V::literal_type()));
        self
    }

    /// Declares an output of the registered task.
    #[must_use]
    pub fn output<V: FlyteType>(mut self, name: &str) -> Self {
        self.outputs.push((name.to_string(), V::literal_type()));
        self
    }

    /// The registered task's id, as a workflow node refers to it.
    pub fn id(&self) -> &Identifier {
        &self.id
    }

    /// The signature the registered task is called with.
    pub fn interface(&self) -> Result<TypedInterface, DefinitionError> {
        check_unique(&self.id.name, "input", &self.inputs)?;
        check_unique(&self.id.name, "output", &self.outputs)?;
        Ok(TypedInterface {
            inputs: Some(variable_map(&self.inputs)),
            outputs: Some(variable_map(&self.outputs)),
        })
    }

    fn no_template(&self) -> DefinitionError {
        DefinitionError::Reference {
            task: self.id.name.clone(),
            id: format!(
                "{}/{}/{}@{}",
                self.id.project, self.id.domain, self.id.name, self.id.version
            ),
        }
    }

    /// Always an error: a reference has no template here.
    pub fn template(&self, _: &SerializationSettings) -> Result<TaskTemplate, DefinitionError> {
        Err(self.no_template())
    }
}

impl AnyTaskInstance for ReferenceTask {
    fn name(&self) -> &str {
        &self.id.name
    }
    fn task_type(&self) -> &'static str {
        REFERENCE_TASK_TYPE
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Reference
    }
    fn template(&self, settings: &SerializationSettings) -> Result<TaskTemplate, DefinitionError> {
        ReferenceTask::template(self, settings)
    }
    fn task_spec(&self, _: &SerializationSettings) -> Result<TaskSpec, DefinitionError> {
        Err(self.no_template())
    }
}
