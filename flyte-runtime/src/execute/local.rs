//! Running a template in-process, as the container would: the executor is resolved from the
//! template's loader args (its last arg), then the same literals → executor → literals path.

use std::path::PathBuf;

use super::failure::Failure;
use super::runner::{run_supervised, Runner};
use crate::context::{ExecutionContext, ScratchDir};
use crate::contract::PodEnv;
use crate::proto::core::{task_template, LiteralMap, TaskTemplate};
use crate::task::registry::{self, RegistryError};

/// Why a local run did not produce outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalRunError {
    /// The template has no container args to find the executor in.
    #[error("template of task `{task}` has no container args naming an executor")]
    NoExecutor {
        /// The task name.
        task: String,
    },
    /// The executor is not in this binary.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The run itself failed (the failure an error document would hold).
    #[error(transparent)]
    Run(#[from] Failure),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Runs `template` with `inputs` in this process and returns the outputs.
pub fn run_template(
    template: &TaskTemplate,
    inputs: &LiteralMap,
    scratch: PathBuf,
    env: &PodEnv,
) -> Result<LiteralMap, LocalRunError> {
    let task = template
        .id
        .as_ref()
        .map(|i| i.name.clone())
        .unwrap_or_default();
    let path = match &template.target {
        Some(task_template::Target::Container(c)) => c.args.last().cloned(),
        Some(task_template::Target::K8sPod(_)) | Some(task_template::Target::Sql(_)) | None => None,
    }
    .ok_or_else(|| LocalRunError::NoExecutor { task: task.clone() })?;
    let entry = registry::executor(&path)?;
    let executor = (entry.make)();
    let raw = scratch.join("raw").display().to_string();
    let mut ctx = ExecutionContext::new(env, &raw, ScratchDir::at(scratch));
    // Locally, the bare <GROUP>_<KEY> variable also holds a secret, as in flytekit.
    ctx.secrets = ctx.secrets.with_local_fallback();
    // The runner every path uses: the timeout fires even for an executor that blocks.
    let runner = Runner::new()?;
    let outputs = runner.block_on(run_supervised(
        executor,
        ctx,
        template.clone(),
        inputs.clone(),
    ));
    runner.finish();
    Ok(outputs?)
}
