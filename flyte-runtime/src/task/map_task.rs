//! [`MapTask`]: a task instance mapped over lists, as Flyte 1.16 runs it: an ArrayNode whose
//! sub-node runs the map's template once per element. Built from any container task
//! instance (any task type, any number of outputs; flytekit maps neither customized
//! container tasks nor tasks of more than one output), with inputs bound whole, a
//! concurrency bound and a success criterion.
//!
//! It registers as three entities, all in [`package`](crate::package)'s archive: the map's
//! task template ([`MapTask::template`]), a workflow of one node holding the ArrayNode
//! ([`MapTask::workflow_spec`]) and that workflow's default launch plan
//! ([`MapTask::launch_plan`]), so the map can be launched on its own or called from a
//! flytekit workflow by its launch plan.

use std::fmt;

use super::any_instance::{AnyTaskInstance, TaskKind};
use super::map_template::{map_template, MapTemplateError};
use super::settings::SerializationSettings;
use super::template_parts::{description_entity, spec_with_docs, task_id};
use crate::proto::admin::{LaunchPlan, TaskSpec, WorkflowSpec};
use crate::proto::core::{
    array_node, node, node_metadata, task_metadata, task_node, ArrayNode, Node, NodeMetadata,
    RetryStrategy, TaskNode, TaskNodeOverrides, TaskTemplate,
};
use crate::proto::core::{literal_type, Identifier, LiteralType, ResourceType};
use crate::types::literal_type::{collection_of, optional_of};
use crate::workflow::{default_launch_plan, single_node_workflow, workflow_input_bindings};

/// How many elements of a map must succeed for the map to succeed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SuccessCriterion {
    /// Every element (the default).
    All,
    /// At least this share of the elements, rounded up (propeller: `ceil(ratio × n)`).
    Ratio(f32),
    /// At least this many elements.
    Count(u32),
}

impl SuccessCriterion {
    /// Whether an element may fail while the map succeeds, so each output list holds none in
    /// its place (the outputs are then lists of optionals, as flytekit types them).
    pub fn tolerates_failures(self) -> bool {
        match self {
            SuccessCriterion::All => false,
            SuccessCriterion::Ratio(r) => r < 1.0,
            // How many elements there are is known only at run time.
            SuccessCriterion::Count(_) => true,
        }
    }
}

/// A task instance mapped over lists.
///
/// Each input not [bound](Self::bound) takes a list of its type and each output becomes a
/// list, one item per element in index order; when some elements may fail
/// ([`min_success_ratio`](Self::min_success_ratio) below 1, or
/// [`min_successes`](Self::min_successes)), each output is a list of optionals, none where an
/// element failed. The executor of the task type is the same as for the task alone: authors
/// write nothing new.
///
/// ```
/// use flyte_runtime::prelude::*;
/// use flyte_runtime::task::{MapTask, SerializationSettings};
/// # #[derive(TaskIo)] pub struct In { pub a: i64, pub offset: i64 }
/// # #[derive(TaskIo)] pub struct Out { pub sum: i64 }
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "adds", image = "img:1", executor = Adds, inputs = In, outputs = Out)]
/// # pub struct AddsTask {}
/// # #[derive(Default)] pub struct Adds;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for Adds {
/// #     type Task = AddsTask;
/// #     fn execute_from_model(&self, _: &ExecutionContext, _: AddsTask, i: In) -> Result<Out, TaskError> {
/// #         Ok(Out { sum: i.a + i.offset })
/// #     }
/// # }
/// let map = TaskInstance::new("docs.adds", AddsTask {})
///     .map()
///     .bound("offset")
///     .concurrency(10)
///     .min_success_ratio(0.9);
/// assert_eq!(map.name(), "docs.map_adds_offset");
///
/// let settings = SerializationSettings::default();
/// let template = map.template(&settings).unwrap();
/// assert_eq!(template.id.as_ref().unwrap().name, "docs.map_adds_offset-arraynode");
/// let node = map.array_node(&settings).unwrap();
/// assert_eq!(node.bound_inputs, ["offset"]);
/// let wf = map.workflow_spec(&settings).unwrap();
/// assert_eq!(wf.template.unwrap().nodes.len(), 1);
/// ```
pub struct MapTask {
    task: Box<dyn AnyTaskInstance>,
    name: Option<String>,
    bound: Vec<String>,
    concurrency: Option<u32>,
    success: SuccessCriterion,
    docs: Option<String>,
}

impl fmt::Debug for MapTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapTask")
            .field("task", &self.task.name())
            .field("name", &self.name())
            .field("bound", &self.bound)
            .field("concurrency", &self.concurrency)
            .field("success", &self.success)
            .finish()
    }
}

impl MapTask {
    /// A map of `task`, every input mapped, no concurrency bound of its own, every element
    /// required to succeed.
    pub fn new(task: impl AnyTaskInstance + 'static) -> Self {
        Self::from_boxed(Box::new(task))
    }

    /// A map of a task the registry holds (see [`new`](Self::new)).
    pub fn from_boxed(task: Box<dyn AnyTaskInstance>) -> Self {
        Self {
            task,
            name: None,
            bound: Vec::new(),
            concurrency: None,
            success: SuccessCriterion::All,
            docs: None,
        }
    }

    /// Names the map's workflow and launch plan (its task template is this name and
    /// `-arraynode`). The default is `<module>.map_<task>` with the bound inputs appended,
    /// `<module>` being what comes before the task name's last `.`.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Passes input `input` whole to every element instead of mapping over it (flytekit's
    /// `functools.partial`; the ArrayNode's `bound_inputs`). Repeatable.
    #[must_use]
    pub fn bound(mut self, input: &str) -> Self {
        if !self.bound.iter().any(|b| b == input) {
            self.bound.push(input.to_string());
            self.bound.sort();
        }
        self
    }

    /// Runs at most `n` elements at a time (the ArrayNode's `parallelism`; 0 for no bound).
    /// Without it, the map shares the workflow's parallelism, as flytekit's default.
    #[must_use]
    pub fn concurrency(mut self, n: u32) -> Self {
        self.concurrency = Some(n);
        self
    }

    /// Succeeds when at least this share of the elements succeeds (from 0 to 1; checked when
    /// the template is built). Replaces [`min_successes`](Self::min_successes).
    #[must_use]
    pub fn min_success_ratio(mut self, ratio: f32) -> Self {
        self.success = SuccessCriterion::Ratio(ratio);
        self
    }

    /// Succeeds when at least `n` elements succeed. Replaces
    /// [`min_success_ratio`](Self::min_success_ratio).
    #[must_use]
    pub fn min_successes(mut self, n: u32) -> Self {
        self.success = SuccessCriterion::Count(n);
        self
    }

    /// A description, registered with the map's task and workflow.
    #[must_use]
    pub fn docs(mut self, text: impl Into<String>) -> Self {
        self.docs = Some(text.into());
        self
    }

    /// The mapped task.
    pub fn task(&self) -> &dyn AnyTaskInstance {
        self.task.as_ref()
    }

    /// The name of the map's workflow and launch plan.
    pub fn name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let task = self.task.name();
        let (module, base) = match task.rsplit_once('.') {
            Some((module, base)) => (format!("{module}."), base),
            None => (String::new(), task),
        };
        let bound: String = self.bound.iter().map(|b| format!("_{b}")).collect();
        format!("{module}map_{base}{bound}")
    }

    /// The inputs every element gets whole, sorted.
    pub fn bound_inputs(&self) -> &[String] {
        &self.bound
    }

    /// The concurrency bound, if the map has one of its own.
    pub fn concurrency_limit(&self) -> Option<u32> {
        self.concurrency
    }

    /// The success criterion.
    pub fn success(&self) -> SuccessCriterion {
        self.success
    }

    fn check(&self) -> Result<(), MapTemplateError> {
        if let TaskKind::Echo | TaskKind::Reference = self.task.kind() {
            return Err(MapTemplateError::NoContainer(self.task.name().to_string()));
        }
        if let SuccessCriterion::Ratio(r) = self.success {
            if !(0.0..=1.0).contains(&r) {
                return Err(MapTemplateError::Ratio {
                    map: self.name(),
                    ratio: r,
                });
            }
        }
        Ok(())
    }

    /// The map's task template: the task's own (type, custom, image, resources, secrets)
    /// with list inputs and outputs, run by the map resolver around the task's own loader
    /// args (see [`map_template`]), named `<name>-arraynode`.
    pub fn template(
        &self,
        settings: &SerializationSettings,
    ) -> Result<TaskTemplate, MapTemplateError> {
        self.check()?;
        let inner = self.task.template(settings)?;
        let bound: Vec<&str> = self.bound.iter().map(String::as_str).collect();
        let mut map = map_template(&inner, &bound)?;
        if let Some(id) = map.id.as_mut() {
            id.name = format!("{}-arraynode", self.name());
        }
        if self.success.tolerates_failures() {
            let outputs = map.interface.as_mut().and_then(|i| i.outputs.as_mut());
            for var in outputs.into_iter().flat_map(|o| o.variables.values_mut()) {
                if let Some(list) = var.r#type.take() {
                    var.r#type = Some(optional_items(list));
                }
            }
        }
        Ok(map)
    }

    /// The map template's registration spec.
    pub fn task_spec(
        &self,
        settings: &SerializationSettings,
    ) -> Result<TaskSpec, MapTemplateError> {
        Ok(spec_with_docs(
            self.template(settings)?,
            self.docs.as_deref(),
        ))
    }

    /// The ArrayNode that runs the map: its sub-node references the map's template and takes
    /// the workflow's inputs; the node metadata carries the task's retries, timeout and
    /// interruptibility, as flytekit's sub-node metadata does.
    pub fn array_node(
        &self,
        settings: &SerializationSettings,
    ) -> Result<ArrayNode, MapTemplateError> {
        Ok(self.array_node_of(&self.template(settings)?))
    }

    /// The ArrayNode running `template`, this map's task template.
    fn array_node_of(&self, template: &TaskTemplate) -> ArrayNode {
        let id = template.id.clone().unwrap_or_default();
        let metadata = template.metadata.clone().unwrap_or_default();
        let sub_node = Node {
            id: id.name.clone(),
            metadata: Some(NodeMetadata {
                name: id.name.clone(),
                timeout: metadata.timeout,
                retries: Some(metadata.retries.unwrap_or(RetryStrategy { retries: 0 })),
                interruptible_value: metadata.interruptible_value.map(|v| match v {
                    task_metadata::InterruptibleValue::Interruptible(on) => {
                        node_metadata::InterruptibleValue::Interruptible(on)
                    }
                }),
                ..Default::default()
            }),
            inputs: workflow_input_bindings(
                template.interface.as_ref().and_then(|i| i.inputs.as_ref()),
            ),
            target: Some(node::Target::TaskNode(TaskNode {
                reference: Some(task_node::Reference::ReferenceId(id.clone())),
                overrides: Some(TaskNodeOverrides::default()),
            })),
            ..Default::default()
        };
        ArrayNode {
            node: Some(Box::new(sub_node)),
            parallelism_option: self
                .concurrency
                .map(array_node::ParallelismOption::Parallelism),
            success_criteria: Some(match self.success {
                SuccessCriterion::All => array_node::SuccessCriteria::MinSuccessRatio(1.0),
                SuccessCriterion::Ratio(r) => array_node::SuccessCriteria::MinSuccessRatio(r),
                SuccessCriterion::Count(n) => array_node::SuccessCriteria::MinSuccesses(n),
            }),
            // flytekit's mode for a task of a type of its own (a subclass): propeller keeps
            // each element's full node state, whatever plugin runs it.
            execution_mode: array_node::ExecutionMode::FullState as i32,
            is_original_sub_node_interface: Some(false),
            data_mode: array_node::DataMode::SingleInputFile as i32,
            bound_inputs: self.bound.clone(),
            run_all_sub_nodes: false,
        }
    }

    /// The workflow that runs the map: the map's interface, one node (`n0`) holding the
    /// ArrayNode, each output the node's.
    pub fn workflow_spec(
        &self,
        settings: &SerializationSettings,
    ) -> Result<WorkflowSpec, MapTemplateError> {
        Ok(self.workflow_of(&self.template(settings)?, settings))
    }

    /// The workflow around `template`, this map's task template.
    fn workflow_of(
        &self,
        template: &TaskTemplate,
        settings: &SerializationSettings,
    ) -> WorkflowSpec {
        let id = Identifier {
            resource_type: ResourceType::Workflow as i32,
            ..task_id(&self.name(), settings)
        };
        single_node_workflow(
            id,
            template.interface.clone().unwrap_or_default(),
            node::Target::ArrayNode(Box::new(self.array_node_of(template))),
            &format!("{}-arraynode", self.name()),
            description_entity(self.docs.as_deref()),
        )
    }

    /// The workflow's default launch plan: every input required, nothing fixed.
    pub fn launch_plan(
        &self,
        settings: &SerializationSettings,
    ) -> Result<LaunchPlan, MapTemplateError> {
        let workflow = self.workflow_spec(settings)?;
        Ok(default_launch_plan(&workflow.template.unwrap_or_default()))
    }

    /// All the map registers, its task template built once: its task's spec, its workflow
    /// and the workflow's default launch plan (what the `package` command writes).
    pub fn specs(
        &self,
        settings: &SerializationSettings,
    ) -> Result<(TaskSpec, WorkflowSpec, LaunchPlan), MapTemplateError> {
        let template = self.template(settings)?;
        let workflow = self.workflow_of(&template, settings);
        let plan = default_launch_plan(workflow.template.as_ref().unwrap_or(&Default::default()));
        Ok((
            spec_with_docs(template, self.docs.as_deref()),
            workflow,
            plan,
        ))
    }
}

/// `List[T]` made `List[Optional[T]]` (any other type left as it is).
fn optional_items(list: LiteralType) -> LiteralType {
    match list.r#type {
        Some(literal_type::Type::CollectionType(item)) => collection_of(optional_of(*item)),
        other => LiteralType {
            r#type: other,
            ..list
        },
    }
}

impl<T: super::ContainerTask> super::TaskInstance<T> {
    /// This task mapped over lists (see [`MapTask`]).
    pub fn map(self) -> MapTask {
        MapTask::new(self)
    }
}
