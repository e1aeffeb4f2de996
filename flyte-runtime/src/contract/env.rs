//! The environment that crosses the pod boundary, spelt once: every variable propeller (and
//! its secrets webhook) sets and the entrypoint reads ([`VarName`] constants, with flytekit's
//! short `_F_*` aliases), and [`PodEnv`], the snapshot of the environment taken once at the
//! binary's edge and passed down, so that nothing below `main` reads the process environment
//! and nothing writes it (a local run lays the pod's variables over the snapshot instead).

use std::collections::BTreeMap;
use std::fmt;

/// A variable's name, and the short alias flytekit also reads it under (`_F_PRJ` for
/// `FLYTE_INTERNAL_EXECUTION_PROJECT`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarName {
    /// The name propeller sets.
    pub name: &'static str,
    /// flytekit's short alias, read when the name is not set.
    pub alias: Option<&'static str>,
}

impl VarName {
    const fn plain(name: &'static str) -> Self {
        Self { name, alias: None }
    }

    const fn aliased(name: &'static str, alias: &'static str) -> Self {
        Self {
            name,
            alias: Some(alias),
        }
    }
}

/// The execution's project (`DecorateEnvVars`).
pub const EXECUTION_PROJECT: VarName =
    VarName::aliased("FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ");
/// The execution's domain.
pub const EXECUTION_DOMAIN: VarName = VarName::aliased("FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM");
/// The execution's name.
pub const EXECUTION_ID: VarName = VarName::aliased("FLYTE_INTERNAL_EXECUTION_ID", "_F_NM");
/// The execution's workflow.
pub const EXECUTION_WORKFLOW: VarName =
    VarName::aliased("FLYTE_INTERNAL_EXECUTION_WORKFLOW", "_F_WF");
/// The execution's launch plan.
pub const EXECUTION_LAUNCHPLAN: VarName =
    VarName::aliased("FLYTE_INTERNAL_EXECUTION_LAUNCHPLAN", "_F_LP");
/// The task's project.
pub const TASK_PROJECT: VarName = VarName::aliased("FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ");
/// The task's domain.
pub const TASK_DOMAIN: VarName = VarName::aliased("FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM");
/// The task's name.
pub const TASK_NAME: VarName = VarName::aliased("FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM");
/// The task's version.
pub const TASK_VERSION: VarName = VarName::aliased("FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V");
/// The attempt (retry) number, from 0.
pub const ATTEMPT_NUMBER: VarName = VarName::plain("FLYTE_ATTEMPT_NUMBER");
/// The worker's name (a task of several workers).
pub const WORKER_NAME: VarName = VarName::aliased("FLYTE_INTERNAL_WORKER_NAME", "_F_WN");
/// Set (not empty): each worker writes its own `error-<worker>.pb`.
pub const DIST_ERROR_STRATEGY: VarName =
    VarName::aliased("FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "_F_DES");
/// `true`: exit 1 after writing the error document (flytekit's `FLYTE_FAIL_ON_ERROR`).
pub const FAIL_ON_ERROR: VarName = VarName::plain("FLYTE_FAIL_ON_ERROR");
/// Outputs from this size (MiB) on are offloaded (literal offloading on).
pub const OFFLOAD_MIN_SIZE_MB: VarName = VarName::plain("_F_L_MIN_SIZE_MB");
/// No output may be larger than this (MiB), offloaded or not.
pub const OFFLOAD_MAX_SIZE_MB: VarName = VarName::plain("_F_L_MAX_SIZE_MB");
/// Names the variable that holds a map element's index (`FLYTE_K8S_ARRAY_INDEX`).
pub const ARRAY_INDEX_VAR_NAME: VarName = VarName::plain("BATCH_JOB_ARRAY_INDEX_VAR_NAME");
/// Added to a map element's index.
pub const ARRAY_INDEX_OFFSET: VarName = VarName::plain("BATCH_JOB_ARRAY_INDEX_OFFSET");
/// The variable propeller names in [`ARRAY_INDEX_VAR_NAME`] (the Kubernetes array plugin's).
pub const K8S_ARRAY_INDEX: &str = "FLYTE_K8S_ARRAY_INDEX";
/// The prefix of a secret's variable, `<prefix><GROUP>_<KEY>` (the webhook's).
pub const SECRETS_ENV_PREFIX: VarName = VarName::plain("FLYTE_SECRETS_ENV_PREFIX");
/// The folder of secret files, `<dir>/<group>/<key>`.
pub const SECRETS_DEFAULT_DIR: VarName = VarName::plain("FLYTE_SECRETS_DEFAULT_DIR");
/// What starts a secret file's name.
pub const SECRETS_FILE_PREFIX: VarName = VarName::plain("FLYTE_SECRETS_FILE_PREFIX");
/// The default of [`SECRETS_ENV_PREFIX`]: `_FSEC_`.
pub const DEFAULT_SECRETS_ENV_PREFIX: &str = "_FSEC_";
/// The S3 endpoint flytekit reaches (a MinIO or other S3-compatible server).
pub const AWS_ENDPOINT: VarName = VarName::plain("FLYTE_AWS_ENDPOINT");
/// The S3 access key id.
pub const AWS_ACCESS_KEY_ID: VarName = VarName::plain("FLYTE_AWS_ACCESS_KEY_ID");
/// The S3 secret access key.
pub const AWS_SECRET_ACCESS_KEY: VarName = VarName::plain("FLYTE_AWS_SECRET_ACCESS_KEY");
/// The prefixes of the cloud SDKs' own variables (`AWS_SESSION_TOKEN`, `AWS_ROLE_ARN`,
/// `AWS_WEB_IDENTITY_TOKEN_FILE`, `GOOGLE_SERVICE_ACCOUNT`, …), which the storage layer hands
/// to `object_store`'s S3 and GCS builders from the run's snapshot, as their `from_env` would
/// read them from the process.
pub const CLOUD_SDK_PREFIXES: [&str; 2] = [AWS_SDK_PREFIX, GCS_SDK_PREFIX];
/// The AWS SDKs' variables (`object_store`'s S3 builder reads them).
pub const AWS_SDK_PREFIX: &str = "AWS_";
/// Google Cloud's variables (`object_store`'s GCS builder reads them).
pub const GCS_SDK_PREFIX: &str = "GOOGLE_";
/// A GCS service account file (`object_store`'s GCS builder reads it beside `GOOGLE_*`).
pub const GCS_SERVICE_ACCOUNT: VarName = VarName::plain("SERVICE_ACCOUNT");
/// The AWS region (else [`AWS_DEFAULT_REGION`], else `us-east-1`).
pub const AWS_REGION: VarName = VarName::plain("AWS_REGION");
/// The AWS region when [`AWS_REGION`] is not set.
pub const AWS_DEFAULT_REGION: VarName = VarName::plain("AWS_DEFAULT_REGION");
/// flyte-rs: tries of a storage operation.
pub const STORAGE_MAX_ATTEMPTS: VarName = VarName::plain("FLYTE_RS_STORAGE_MAX_ATTEMPTS");
/// flyte-rs: the first wait between tries of a storage operation, in ms.
pub const STORAGE_BACKOFF_MS: VarName = VarName::plain("FLYTE_RS_STORAGE_BACKOFF_MS");
/// flyte-rs: the time to open a connection to a store, in ms.
pub const STORAGE_CONNECT_TIMEOUT_MS: VarName =
    VarName::plain("FLYTE_RS_STORAGE_CONNECT_TIMEOUT_MS");
/// flyte-rs: how long a storage request may make no progress, in ms.
pub const STORAGE_STALL_TIMEOUT_MS: VarName = VarName::plain("FLYTE_RS_STORAGE_STALL_TIMEOUT_MS");
/// flyte-rs: the throughput floor of a request's body, in bytes per second.
pub const STORAGE_MIN_THROUGHPUT: VarName = VarName::plain("FLYTE_RS_STORAGE_MIN_THROUGHPUT");
/// The log levels (`tracing`'s directives).
pub const RUST_LOG: VarName = VarName::plain("RUST_LOG");
/// Seconds since the epoch that a reproducible build stamps its files with (`package`).
pub const SOURCE_DATE_EPOCH: VarName = VarName::plain("SOURCE_DATE_EPOCH");
/// flyte-rs: `true` when `execute` is a local run's (`run` starts it): secrets are also
/// read from bare `<GROUP>_<KEY>` variables, only the requested ones, and `run` reports the
/// failure.
pub const LOCAL_RUN: VarName = VarName::plain("FLYTE_RS_LOCAL_RUN");
/// flyte-rs: the largest `inputs.pb` a run reads, in bytes.
pub const MAX_INPUTS_BYTES: VarName = VarName::plain("FLYTE_RS_MAX_INPUTS_BYTES");
/// flyte-rs: the largest `outputs.pb` a run writes, in bytes.
pub const MAX_OUTPUTS_BYTES: VarName = VarName::plain("FLYTE_RS_MAX_OUTPUTS_BYTES");
/// flyte-rs: the largest `deck.html` a run writes, in bytes (its sections are cut to fit).
pub const MAX_DECK_BYTES: VarName = VarName::plain("FLYTE_RS_MAX_DECK_BYTES");

/// The environment a run sees, read once ([`from_env`](Self::from_env), at the binary's
/// edge) and passed down. `Debug` prints the variables' names only: values may be secrets.
///
/// ```
/// use flyte_runtime::contract::env::{PodEnv, ATTEMPT_NUMBER, EXECUTION_PROJECT};
/// let env = PodEnv::from_pairs([("_F_PRJ", "flytesnacks"), ("FLYTE_ATTEMPT_NUMBER", "2")]);
/// assert_eq!(env.get(EXECUTION_PROJECT), Some("flytesnacks"));
/// let pod = env.with([("FLYTE_ATTEMPT_NUMBER", "3")]);
/// assert_eq!(pod.get(ATTEMPT_NUMBER), Some("3"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PodEnv {
    vars: BTreeMap<String, String>,
}

impl PodEnv {
    /// The process environment now (a value that is not UTF-8 is read lossily). Called once,
    /// by the binary's entry.
    pub fn from_env() -> Self {
        Self {
            vars: std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
        }
    }

    /// An environment of these variables only (tests, and runs that must not inherit).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self::default().with(pairs)
    }

    /// This environment with `pairs` laid over it, as a pod's variables are over the
    /// caller's in a local run.
    #[must_use]
    pub fn with<K: Into<String>, V: Into<String>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.vars
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// A contract variable: under its name, else its alias, as flytekit reads it.
    pub fn get(&self, var: VarName) -> Option<&str> {
        self.raw(var.name)
            .or_else(|| var.alias.and_then(|a| self.raw(a)))
    }

    /// Any variable by its name (a secret's, or one another variable names).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Every variable whose name starts with `prefix`, in name order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.vars
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A contract variable that is set and not empty.
    pub fn non_empty(&self, var: VarName) -> Option<&str> {
        self.get(var).filter(|v| !v.is_empty())
    }

    /// A contract variable read as a number (surrounding whitespace ignored); none when it is
    /// unset or not a number.
    pub fn number<T: std::str::FromStr>(&self, var: VarName) -> Option<T> {
        self.get(var).and_then(|v| v.trim().parse().ok())
    }

    /// A contract variable that is `true` (in any case), as flytekit reads its flags.
    pub fn is_true(&self, var: VarName) -> bool {
        self.get(var)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

impl fmt::Debug for PodEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}
