//! [`EchoTask`]: flytekit's `Echo` — task type `echo`, outputs equal to inputs, no container.
//! Propeller's echo plugin "runs" it by copying the inputs to the outputs; no pod starts.
//! Useful as a placeholder or to pass values through a conditional branch.

use super::any_instance::{AnyTaskInstance, TaskKind};
use super::definition_error::DefinitionError;
use super::settings::SerializationSettings;
use super::template_parts::{base_metadata, check_unique, spec_with_docs, task_id, variable_map};
use crate::proto::admin::TaskSpec;
use crate::proto::core::{LiteralType, TaskTemplate, TypedInterface};
use crate::types::FlyteType;

/// The task type propeller's echo plugin handles.
pub const ECHO_TASK_TYPE: &str = "echo";

/// A task whose outputs are its inputs, run by propeller itself (no container).
///
/// ```
/// use flyte_runtime::task::EchoTask;
///
/// let echo = EchoTask::new("demo.pass_through").input::<i64>("n").input::<String>("label");
/// let t = echo.template(&Default::default()).unwrap();
/// assert_eq!(t.r#type, "echo");
/// assert!(t.target.is_none() && t.custom.is_none());
/// assert_eq!(t.interface.as_ref().unwrap().inputs, t.interface.as_ref().unwrap().outputs);
/// ```
#[derive(Debug, Clone)]
pub struct EchoTask {
    name: String,
    vars: Vec<(String, LiteralType)>,
    docs: Option<String>,
}

impl EchoTask {
    /// An echo task named `name`, with no inputs yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            vars: Vec::new(),
            docs: None,
        }
    }

    /// Declares an input (and so the output of the same name) of type `V`.
    #[must_use]
    pub fn input<V: FlyteType>(self, name: &str) -> Self {
        self.input_type(name, V::literal_type())
    }

    /// Declares an input (and output) by its Flyte type.
    #[must_use]
    pub fn input_type(mut self, name: &str, t: LiteralType) -> Self {
        self.vars.push((name.to_string(), t));
        self
    }

    /// A description, registered with the task.
    #[must_use]
    pub fn docs(mut self, text: impl Into<String>) -> Self {
        self.docs = Some(text.into());
        self
    }

    /// The template: type `echo`, the same variables in and out, no custom, no target.
    pub fn template(
        &self,
        settings: &SerializationSettings,
    ) -> Result<TaskTemplate, DefinitionError> {
        if self.name.is_empty() {
            return Err(DefinitionError::EmptyName {
                task_type: ECHO_TASK_TYPE,
            });
        }
        check_unique(&self.name, "input", &self.vars)?;
        let vars = variable_map(&self.vars);
        Ok(TaskTemplate {
            id: Some(task_id(&self.name, settings)),
            r#type: ECHO_TASK_TYPE.to_string(),
            metadata: Some(base_metadata()),
            interface: Some(TypedInterface {
                inputs: Some(vars.clone()),
                outputs: Some(vars),
            }),
            ..Default::default()
        })
    }
}

impl AnyTaskInstance for EchoTask {
    fn name(&self) -> &str {
        &self.name
    }
    fn task_type(&self) -> &'static str {
        ECHO_TASK_TYPE
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Echo
    }
    fn template(&self, settings: &SerializationSettings) -> Result<TaskTemplate, DefinitionError> {
        EchoTask::template(self, settings)
    }
    fn task_spec(&self, settings: &SerializationSettings) -> Result<TaskSpec, DefinitionError> {
        Ok(spec_with_docs(
            self.template(settings)?,
            self.docs.as_deref(),
        ))
    }
}
