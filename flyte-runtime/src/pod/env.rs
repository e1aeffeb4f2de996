//! The environment propeller gives a task container, in its order (flyteplugins 1.16
//! `flytek8s/k8s_resource_adds.go`, `DecorateEnvVars`): the template's env first, then the
//! workflow's id, the execution's identity, the task's id, literal offloading, the
//! execution's own env and the platform's defaults. The secrets webhook appends its variables later
//! ([`inject_secret`](super::secrets::inject_secret)).

use super::model::EnvVar;
use super::names::workflow_id_as_string;
use super::platform::{Platform, PodRun};
use crate::contract::env;
use crate::proto::core::Identifier;

/// Appends propeller's variables to a container's `env` (which holds the template's).
pub(crate) fn decorate_env_vars(
    env: &mut Vec<EnvVar>,
    task: &Identifier,
    run: &PodRun,
    platform: &Platform,
) {
    // GetContextEnvVars: propeller puts the workflow's id in the context of every round
    // (`handler.go`, `WithWorkflowID`), `WorkflowIDAsString`: `<project>:<domain>:<name>`,
    // no version.
    env.push(EnvVar::value(
        env::EXECUTION_WORKFLOW.name,
        workflow_id_as_string(&run.project, &run.domain, &run.workflow_name(&task.name)),
    ));
    // GetExecutionEnvVars: the execution, then the task's id (registration fills it in).
    env.extend([
        EnvVar::value(env::EXECUTION_ID.name, &run.execution),
        EnvVar::value(env::EXECUTION_PROJECT.name, &run.project),
        EnvVar::value(env::EXECUTION_DOMAIN.name, &run.domain),
        EnvVar::value(env::ATTEMPT_NUMBER.name, run.attempt.to_string()),
    ]);
    env.extend([
        EnvVar::value(env::TASK_PROJECT.name, &task.project),
        EnvVar::value(env::TASK_DOMAIN.name, &task.domain),
        EnvVar::value(env::TASK_NAME.name, &task.name),
        EnvVar::value(env::TASK_VERSION.name, &task.version),
    ]);
    // GetLiteralOffloadingEnvVars.
    if let Some(o) = &platform.literal_offloading {
        if o.min_size_mb > 0 {
            env.push(EnvVar::value(
                env::OFFLOAD_MIN_SIZE_MB.name,
                o.min_size_mb.to_string(),
            ));
        }
        if o.max_size_mb > 0 {
            env.push(EnvVar::value(
                env::OFFLOAD_MAX_SIZE_MB.name,
                o.max_size_mb.to_string(),
            ));
        }
    }
    // The execution's env, then the platform's (Go maps: propeller's order is random; ours
    // is the order given).
    for (k, v) in run.execution_env.iter().chain(&platform.default_env_vars) {
        env.push(EnvVar::value(k, v));
    }
}
