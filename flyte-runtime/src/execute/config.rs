//! [`RunConfig`]: what one run of the engine is given, the entrypoint's arguments and the
//! environment it runs in (the snapshot the binary took once, with a local run's pod
//! variables laid over it), and what the run reads from that environment.

use super::output_limits::OutputLimits;
use super::DEFAULT_MAX_INPUTS_BYTES;
use crate::context::{ExecutionContext, ScratchDir};
use crate::contract::env::{self, PodEnv};
use crate::contract::{EntrypointArgs, OutputPrefix};
use crate::deck::DEFAULT_MAX_DECK_BYTES;

/// A run: the entrypoint's arguments and its environment. Every way of running an executor
/// (`execute` in a pod, `run` in this process, a map's elements) is given one, so nothing
/// below the binary's `main` reads the process environment.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The flags and loader args, as `execute` parsed them.
    pub args: EntrypointArgs,
    /// The environment: the process's at start, and, for a local run, the pod's variables
    /// over it.
    pub env: PodEnv,
}

impl RunConfig {
    /// A run of `args` in `env`.
    pub fn new(args: EntrypointArgs, env: PodEnv) -> Self {
        Self { args, env }
    }

    /// The executor's context (before the run adds its storage and checkpoint): the ids and
    /// secrets of the environment, the raw output prefix of the arguments.
    pub(crate) fn context(&self, scratch: ScratchDir) -> ExecutionContext {
        let raw = self.args.raw_output_data_prefix.as_deref().unwrap_or("");
        let ctx = ExecutionContext::new(&self.env, raw, scratch);
        if self.args.local {
            // Locally, the bare <GROUP>_<KEY> variable also holds a secret, as in flytekit.
            return ExecutionContext {
                secrets: ctx.secrets.clone().with_local_fallback(),
                ..ctx
            };
        }
        ctx
    }

    /// The error document's URI: `error.pb`, or `error-<worker>.pb` under the distributed
    /// error strategy (`FLYTE_INTERNAL_DIST_ERROR_STRATEGY` or `_F_DES` set).
    pub(crate) fn error_uri(&self, worker: &str) -> String {
        let distributed = self.env.non_empty(env::DIST_ERROR_STRATEGY).is_some();
        OutputPrefix::new(&self.args.output_prefix).error(distributed.then_some(worker))
    }

    /// The limits of the outputs (offloading and the largest `outputs.pb`).
    pub(crate) fn output_limits(&self) -> OutputLimits {
        OutputLimits::from_pod_env(&self.env)
    }

    /// The most bytes of inputs (`inputs.pb`, each offloaded literal) the run reads:
    /// `FLYTE_RS_MAX_INPUTS_BYTES`, else [`DEFAULT_MAX_INPUTS_BYTES`].
    pub fn max_inputs_bytes(&self) -> u64 {
        self.env
            .number(env::MAX_INPUTS_BYTES)
            .unwrap_or(DEFAULT_MAX_INPUTS_BYTES)
    }

    /// The largest deck the run writes, in bytes: `FLYTE_RS_MAX_DECK_BYTES`, else
    /// [`DEFAULT_MAX_DECK_BYTES`] (at least [`MIN_DECK_BYTES`](crate::deck::MIN_DECK_BYTES)).
    pub fn max_deck_bytes(&self) -> u64 {
        self.env
            .number(env::MAX_DECK_BYTES)
            .unwrap_or(DEFAULT_MAX_DECK_BYTES)
            .max(crate::deck::MIN_DECK_BYTES)
    }

    /// Whether `FLYTE_FAIL_ON_ERROR` asks for a non-zero exit after an error document.
    pub fn fail_on_error(&self) -> bool {
        self.env.is_true(env::FAIL_ON_ERROR)
    }
}
