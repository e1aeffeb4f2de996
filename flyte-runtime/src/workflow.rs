//! The workflows and launch plans this crate registers: a workflow of one node (a map's
//! ArrayNode) whose inputs and outputs are the node's, and a workflow's default launch plan,
//! shaped as flytekit serializes its own (`tools/translator.py`).

use crate::proto::admin::{
    Annotations, DescriptionEntity, Labels, LaunchPlan, LaunchPlanClosure, LaunchPlanMetadata,
    LaunchPlanSpec, RawOutputDataConfig, WorkflowSpec,
};
use crate::proto::core::{
    binding_data, node, parameter, Binding, BindingData, Identifier, LiteralMap, Node,
    NodeMetadata, OutputReference, Parameter, ParameterMap, ResourceType, RetryStrategy,
    TypedInterface, VariableMap, WorkflowMetadata, WorkflowMetadataDefaults, WorkflowTemplate,
};

/// The id of the one node of a single-node workflow (flytekit's first node id).
pub const NODE_ID: &str = "n0";

/// A binding of `var` to output `from` of node `node_id` (`""`: the workflow's own input).
fn promise(var: &str, node_id: &str, from: &str) -> Binding {
    Binding {
        var: var.to_string(),
        binding: Some(BindingData {
            value: Some(binding_data::Value::Promise(OutputReference {
                node_id: node_id.to_string(),
                var: from.to_string(),
                attr_path: Vec::new(),
            })),
            union: None,
        }),
    }
}

/// Each of `inputs` bound to the workflow's input of the same name, as flytekit binds a
/// node to the workflow's inputs (the promise's node id left empty).
pub fn workflow_input_bindings(inputs: Option<&VariableMap>) -> Vec<Binding> {
    inputs
        .into_iter()
        .flat_map(|vars| vars.variables.keys())
        .map(|name| promise(name, "", name))
        .collect()
}

/// The workflow `id` (a `WORKFLOW` id) of one node `n0` (named `node_name`, running `target`)
/// whose inputs and outputs are `interface`: each input passed to the node under its own
/// name, each output the node's output of the same name; `description` registered with it.
///
/// ```
/// use flyte_runtime::proto::core::{node, Identifier, ResourceType, TypedInterface};
/// use flyte_runtime::__private::workflow::single_node_workflow;
///
/// let id = Identifier {
///     resource_type: ResourceType::Workflow as i32,
///     name: "demo.wf".into(),
///     ..Default::default()
/// };
/// let wf = single_node_workflow(id, TypedInterface::default(),
///     node::Target::TaskNode(Default::default()), "demo.task", None);
/// let t = wf.template.unwrap();
/// assert_eq!(t.id.unwrap().name, "demo.wf");
/// assert_eq!(t.nodes[0].id, "n0");
/// ```
pub fn single_node_workflow(
    id: Identifier,
    interface: TypedInterface,
    target: node::Target,
    node_name: &str,
    description: Option<DescriptionEntity>,
) -> WorkflowSpec {
    let node = Node {
        id: NODE_ID.to_string(),
        metadata: Some(NodeMetadata {
            name: node_name.to_string(),
            retries: Some(RetryStrategy { retries: 0 }),
            ..Default::default()
        }),
        inputs: workflow_input_bindings(interface.inputs.as_ref()),
        target: Some(target),
        ..Default::default()
    };
    let outputs = interface
        .outputs
        .iter()
        .flat_map(|vars| vars.variables.keys())
        .map(|name| promise(name, NODE_ID, name))
        .collect();
    WorkflowSpec {
        template: Some(WorkflowTemplate {
            id: Some(id),
            metadata: Some(WorkflowMetadata::default()),
            interface: Some(interface),
            nodes: vec![node],
            outputs,
            failure_node: None,
            metadata_defaults: Some(WorkflowMetadataDefaults::default()),
        }),
        sub_workflows: Vec::new(),
        description,
    }
}

/// The default launch plan of `workflow`, as `pyflyte package` writes it: the workflow's
/// name, every input required, nothing fixed, empty labels, annotations and raw output
/// config, and the empty closure flytekit adds.
pub fn default_launch_plan(workflow: &WorkflowTemplate) -> LaunchPlan {
    let workflow_id = workflow.id.clone().unwrap_or_default();
    let inputs = workflow.interface.as_ref().and_then(|i| i.inputs.as_ref());
    let parameters = inputs
        .into_iter()
        .flat_map(|vars| vars.variables.iter())
        .map(|(name, var)| {
            (
                name.clone(),
                Parameter {
                    var: Some(var.clone()),
                    behavior: Some(parameter::Behavior::Required(true)),
                },
            )
        })
        .collect();
    LaunchPlan {
        id: Some(Identifier {
            resource_type: ResourceType::LaunchPlan as i32,
            ..workflow_id.clone()
        }),
        spec: Some(LaunchPlanSpec {
            workflow_id: Some(workflow_id),
            entity_metadata: Some(LaunchPlanMetadata::default()),
            default_inputs: Some(ParameterMap { parameters }),
            fixed_inputs: Some(LiteralMap::default()),
            labels: Some(Labels::default()),
            annotations: Some(Annotations::default()),
            raw_output_data_config: Some(RawOutputDataConfig::default()),
            ..Default::default()
        }),
        closure: Some(LaunchPlanClosure {
            expected_inputs: Some(ParameterMap::default()),
            expected_outputs: Some(VariableMap::default()),
        }),
    }
}
