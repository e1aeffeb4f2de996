//! The keys of the labels and annotations propeller puts on a task's pod (flytepropeller
//! v1.16.8, `PluginManager.addObjectMetadata` and where its maps come from), and the name
//! flyteadmin gives the workflow of a task launched on its own.

/// The execution's name (`transformers/k8s/workflow.go`, `ExecutionIDLabel`).
pub(crate) const EXECUTION_ID_LABEL: &str = "execution-id";
/// The execution's project (`ProjectLabel`).
pub(crate) const PROJECT_LABEL: &str = "project";
/// The execution's domain (`DomainLabel`).
pub(crate) const DOMAIN_LABEL: &str = "domain";
/// The workflow's name, sanitized (`WorkflowNameLabel`).
pub(crate) const WORKFLOW_NAME_LABEL: &str = "workflow-name";
/// FNV-32a of the execution's name modulo 32 (`ShardKeyLabel`).
pub(crate) const SHARD_KEY_LABEL: &str = "shard-key";
/// The node's id in its workflow, sanitized (`nodes/node_exec_context.go`, `NodeIDLabel`).
pub(crate) const NODE_ID_LABEL: &str = "node-id";
/// The task's name, sanitized (`TaskNameLabel`).
pub(crate) const TASK_NAME_LABEL: &str = "task-name";
/// `true` or `false` (`NodeInterruptibleLabel`).
pub(crate) const INTERRUPTIBLE_LABEL: &str = "interruptible";
/// `true` when the task requests secrets: the label propeller's secrets webhook selects pods
/// by (flyteplugins `utils/secrets/marshaler.go`, `PodLabel`).
pub(crate) const INJECT_SECRETS_LABEL: &str = "inject-flyte-secrets";
/// The annotation of the k8s plugin's compiled-in `default-annotations`
/// (`flytek8s/config/config.go`), `"false"`: the cluster autoscaler does not evict the pod.
pub(crate) const SAFE_TO_EVICT_ANNOTATION: &str = "cluster-autoscaler.kubernetes.io/safe-to-evict";

/// The workflow flyteadmin generates around a task launched on its own (a single-task
/// execution): `.flytegen.<task name>` (`manager/impl/util/single_task_execution.go`,
/// `generateWorkflowNameFromTask`).
pub(crate) fn single_task_workflow_name(task: &str) -> String {
    format!(".flytegen.{task}")
}
