//! Running every element of a map in this process: the lists split once, each element the
//! same supervised run as a pod's `execute` (inputs checked, panics caught, outputs checked,
//! the timeout enforced), at most `concurrency` at a time on one multi-thread runtime. What
//! `run MAP --in-process` uses where a process per element (as pods are) would cost more
//! than the work: a map of a hundred thousand small elements.

use std::path::Path;
use std::sync::Arc;

use super::failure::Failure;
use super::local::LocalRunError;
use super::map_element::{all_element_inputs, MapOver};
use super::runner::run_supervised;
use crate::context::{ExecutionContext, ScratchDir};
use crate::contract::PodEnv;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::task::registry;
use crate::task::task_name;

/// Runs each element of the map `template` (list inputs, singular outputs: the template an
/// element's pod reads) over `inputs` with the executor registered at `executor_path`, at
/// most `concurrency` at a time, and hands each element's outcome to `ended` with its index
/// as it ends (in any order; gather them with [`Gathering`](crate::pod::Gathering)), so that
/// no element's outputs are held here. Element `i` writes
/// its raw outputs under `<dir>/raw/<i>` and its scratch files under `<dir>/scratch/<i>`
/// (made only if it asks for one).
///
/// The inputs are split before anything runs: lists of different lengths, a missing input
/// or a list input that is not a list fail the whole map, as propeller fails the node.
// The map's parts come from different places (its template, the flags, the caller), and a
// struct of them would only be unpacked here.
#[allow(clippy::too_many_arguments)]
pub fn run_map_in_process(
    template: &TaskTemplate,
    over: &MapOver,
    inputs: LiteralMap,
    executor_path: &str,
    concurrency: usize,
    dir: &Path,
    env: &PodEnv,
    mut ended: impl FnMut(usize, Result<LiteralMap, Failure>),
) -> Result<(), LocalRunError> {
    let task = task_name(template).to_string();
    let (elements, element) = all_element_inputs(&task, template, inputs, over)?;
    let entry = registry::executor(executor_path)?;
    let concurrency = concurrency.clamp(1, elements.len().max(1));
    // One worker more than the elements running, so that executors that block their
    // threads never stop the timers of their timeouts.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(concurrency + 1)
        .enable_all()
        .build()?;
    let mut base = ExecutionContext::new(env, "", ScratchDir::private());
    // Locally, the bare <GROUP>_<KEY> variable also holds a secret, as in flytekit.
    base.secrets = base.secrets.with_local_fallback();
    let element = Arc::new(element);
    let ran = runtime.block_on(async {
        let slots = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let mut running = tokio::task::JoinSet::new();
        let mut keep =
            |joined: Result<(usize, Result<LiteralMap, Failure>), tokio::task::JoinError>| {
                match joined {
                    Ok((index, ran)) => {
                        ended(index, ran);
                        Ok(())
                    }
                    // run_supervised catches the executor's panics; a join error is a bug.
                    Err(e) => Err(e.to_string()),
                }
            };
        for (index, inputs) in elements.enumerate() {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                break;
            };
            // Hand on what has ended, so that ended tasks do not pile up in the set.
            while let Some(joined) = running.try_join_next() {
                keep(joined)?;
            }
            let mut ctx = base.clone();
            ctx.raw_output_prefix = dir
                .join("raw")
                .join(index.to_string())
                .display()
                .to_string();
            ctx.scratch = Arc::new(ScratchDir::at(dir.join("scratch").join(index.to_string())));
            let template = Arc::clone(&element);
            let executor = (entry.make)();
            running.spawn(async move {
                let ran = run_supervised(executor, ctx, template, inputs).await;
                drop(slot);
                (index, ran)
            });
        }
        while let Some(joined) = running.join_next().await {
            keep(joined)?;
        }
        Ok::<_, String>(())
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ran.map_err(|e| Failure::system("", format!("task `{task}`: an element's run was lost: {e}")))?;
    Ok(())
}
