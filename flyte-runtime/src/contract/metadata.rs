//! The names propeller and flyteadmin give what is around a task's pod: the workflow
//! flyteadmin generates for a task launched on its own.

/// The workflow flyteadmin generates around a task launched on its own (a single-task
/// execution): `.flytegen.<task name>` (`manager/impl/util/single_task_execution.go`,
/// `generateWorkflowNameFromTask`).
pub(crate) fn single_task_workflow_name(task: &str) -> String {
    format!(".flytegen.{task}")
}
