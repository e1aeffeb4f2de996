//! The `execute` entrypoint: what FlytePropeller's pod runs. Reads the template (through a
//! resolver) and the inputs, runs the task, and writes exactly one of `outputs.pb` or
//! `error.pb` under the output prefix.
//!
//! The executor runs in its own tokio task on a small multi-thread runtime, supervised by
//! the entrypoint: a SIGTERM (or SIGINT) or the template's timeout — even against an
//! executor that blocks its thread — writes an error document before the process exits.

use std::future::Future;
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use prost::Message;
use tracing::{error, info, warn};

use super::checkpoint::Checkpoint;
use super::context::ExecutionContext;
use super::failure::Failure;
use super::output_limits::{prepare_outputs, OutputLimits};
use super::resolvers::{resolve, task_name};
use super::runner::{run_supervised, Runner};
use crate::proto::core::{literal, Literal, LiteralMap, VariableMap};
use crate::storage::{join, Storage, StorageError};

/// Exit code when neither `outputs.pb` nor an error document could be written.
pub const EXIT_UNREPORTED: u8 = 3;

/// The default of [`max_inputs_bytes`]: 16 MiB, above the 10 MiB FlytePropeller allows a
/// literal map by default, and at most about 512 MiB once decoded
/// ([`DECODED_INPUTS_FACTOR`]). Larger data belongs in a file or a table.
pub const DEFAULT_MAX_INPUTS_BYTES: u64 = 16 << 20;

/// How much memory decoding inputs takes at most, as a multiple of their encoded size:
/// each literal of a collection of small integers is 8 bytes on the wire and an 80-byte
/// `Literal` plus its scalar once decoded, the worst case (`tests/limits.rs` measures it with
/// a counting allocator: 24–25× for small integers and pairs of them, 13× floats, 8×
/// strings).
pub const DECODED_INPUTS_FACTOR: u64 = 32;

/// What pyflyte-execute is given: flags and loader args.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntrypointArgs {
    /// URI of the inputs `LiteralMap` (`--inputs`).
    pub inputs: String,
    /// Where `outputs.pb` / `error.pb` go (`--output-prefix`).
    pub output_prefix: String,
    /// Where large raw outputs go (`--raw-output-data-prefix`).
    pub raw_output_data_prefix: Option<String>,
    /// This attempt's checkpoint prefix (`--checkpoint-path`).
    pub checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint prefix (`--prev-checkpoint`).
    pub prev_checkpoint: Option<String>,
    /// The resolver's name (`--resolver`).
    pub resolver: String,
    /// Everything after `--`.
    pub loader_args: Vec<String>,
    /// A local run (`run`): secrets are also read from bare `<GROUP>_<KEY>` variables.
    pub local: bool,
}

impl EntrypointArgs {
    /// The arguments as propeller passes them in a template: the placeholders it fills, the
    /// resolver and its loader args.
    pub fn placeholders(resolver: &str, loader_args: Vec<String>) -> Self {
        Self {
            inputs: "{{.input}}".into(),
            output_prefix: "{{.outputPrefix}}".into(),
            raw_output_data_prefix: Some("{{.rawOutputDataPrefix}}".into()),
            checkpoint_path: Some("{{.checkpointOutputPrefix}}".into()),
            prev_checkpoint: Some("{{.prevCheckpointPrefix}}".into()),
            resolver: resolver.to_string(),
            loader_args,
            local: false,
        }
    }

    /// The command line after `execute`: pyflyte-execute's flags, `--`, the loader args. The
    /// one spelling of the flags; `execute` parses exactly these back (a unit test of
    /// `cli::execute` checks the round trip).
    ///
    /// ```
    /// use flyte_runtime::execute::EntrypointArgs;
    /// let a = EntrypointArgs { inputs: "s3://b/i.pb".into(), output_prefix: "s3://b/o".into(), resolver: "r".into(), loader_args: vec!["x".into()], ..Default::default() };
    /// assert_eq!(a.to_argv(), ["--inputs", "s3://b/i.pb", "--output-prefix", "s3://b/o", "--resolver", "r", "--", "x"]);
    /// ```
    pub fn to_argv(&self) -> Vec<String> {
        let mut argv = vec![
            "--inputs".to_string(),
            self.inputs.clone(),
            "--output-prefix".to_string(),
            self.output_prefix.clone(),
        ];
        for (flag, value) in [
            ("--raw-output-data-prefix", &self.raw_output_data_prefix),
            ("--checkpoint-path", &self.checkpoint_path),
            ("--prev-checkpoint", &self.prev_checkpoint),
        ] {
            if let Some(v) = value {
                argv.extend([flag.to_string(), v.clone()]);
            }
        }
        argv.extend([
            "--resolver".to_string(),
            self.resolver.clone(),
            "--".to_string(),
        ]);
        argv.extend(self.loader_args.iter().cloned());
        argv
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// `outputs.pb` was written.
    Succeeded,
    /// The run failed and its error document was written.
    Failed(Failure),
    /// The run failed and not even the error document could be written.
    Unreported(Failure, StorageError),
}

impl Outcome {
    /// The process exit code, as pyflyte-execute: 0 once an error document is written
    /// (Flyte reads the failure from it), 1 then with `FLYTE_FAIL_ON_ERROR=true`, and
    /// [`EXIT_UNREPORTED`] when nothing could be written.
    pub fn exit_code(&self, fail_on_error: bool) -> ExitCode {
        match self {
            Outcome::Succeeded => ExitCode::SUCCESS,
            Outcome::Failed(_) if fail_on_error => ExitCode::FAILURE,
            Outcome::Failed(_) => ExitCode::SUCCESS,
            Outcome::Unreported(..) => ExitCode::from(EXIT_UNREPORTED),
        }
    }
}

/// Whether `FLYTE_FAIL_ON_ERROR` asks for a non-zero exit after an error document.
pub fn fail_on_error_from_env() -> bool {
    std::env::var("FLYTE_FAIL_ON_ERROR").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The error document's file name: `error.pb`, or `error-<worker>.pb` under the
/// distributed error strategy (`FLYTE_INTERNAL_DIST_ERROR_STRATEGY` or `_F_DES` set).
pub fn error_file_name(worker: &str) -> String {
    let distributed = ["FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "_F_DES"]
        .iter()
        .any(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
    if distributed && !worker.is_empty() {
        format!("error-{worker}.pb")
    } else {
        "error.pb".to_string()
    }
}

/// Runs the entrypoint to its end on a fresh runtime and returns the exit code.
pub fn execute(args: EntrypointArgs) -> ExitCode {
    let runner = match Runner::new() {
        Ok(r) => r,
        Err(e) => {
            error!(error = %e, "cannot start the async runtime");
            return ExitCode::from(EXIT_UNREPORTED);
        }
    };
    let storage = Storage::from_env();
    let outcome = runner.block_on(execute_with(args, storage, shutdown_signal()));
    runner.finish();
    outcome.exit_code(fail_on_error_from_env())
}

/// Completes when the process is asked to stop (SIGTERM, SIGINT); returns its name.
pub(crate) async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            },
            _ => {
                warn!("cannot listen for SIGTERM; a stop will not write an error document");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

fn storage_failure(step: &str, e: &StorageError) -> Failure {
    Failure::system("StorageError", format!("{step}: {e}"))
}

/// The most bytes of inputs (`inputs.pb`, and each offloaded literal) a run reads:
/// `FLYTE_RS_MAX_INPUTS_BYTES`, else [`DEFAULT_MAX_INPUTS_BYTES`]. Larger inputs are refused
/// from their size before they are read, so a run never dies of memory decoding them.
pub fn max_inputs_bytes() -> u64 {
    std::env::var("FLYTE_RS_MAX_INPUTS_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_INPUTS_BYTES)
}

/// A read failure of the inputs: too large is the task's (USER:InputTooLarge), the rest are
/// storage faults.
fn read_failure(task: &str, step: &str, e: &StorageError) -> Failure {
    match e {
        StorageError::TooLarge { uri, size, limit } => Failure::user(
            "InputTooLarge",
            format!(
                "task `{task}`: {step}: `{uri}` is {size} bytes, over this runtime's limit of \
                 {limit} bytes; raise FLYTE_RS_MAX_INPUTS_BYTES together with the pod's memory \
                 (decoded inputs take up to {DECODED_INPUTS_FACTOR}× their size), or pass the \
                 data as a file or a table"
            ),
        ),
        e => storage_failure(step, e),
    }
}

/// The entrypoint's work, with the storage and the stop signal given (for tests).
pub async fn execute_with(
    args: EntrypointArgs,
    storage: Storage,
    shutdown: impl Future<Output = &'static str>,
) -> Outcome {
    let scratch = ScratchDir::create();
    let ctx_base = ExecutionContext::from_env(
        args.raw_output_data_prefix.as_deref().unwrap_or(""),
        scratch.path.clone(),
    );
    let ctx_base = if args.local {
        let secrets = ctx_base.secrets.clone().with_local_fallback();
        ExecutionContext {
            secrets,
            ..ctx_base
        }
    } else {
        ctx_base
    };
    let worker = ctx_base.worker.clone();
    let error_uri = join(&args.output_prefix, &error_file_name(&worker));
    let outputs_uri = join(&args.output_prefix, "outputs.pb");

    tokio::pin!(shutdown);
    let result = tokio::select! {
        r = run(&args, &storage, ctx_base) => r,
        signal = &mut shutdown => Err(Failure::system(
            "Terminated",
            format!("the task was stopped by {signal} before it finished"),
        )),
    };

    let result = match result {
        Ok(ran) => prepare_outputs(
            &storage,
            &args.output_prefix,
            &ran.task,
            ran.outputs,
            &ran.output_types,
            &OutputLimits::from_env(),
        )
        .await
        .map_err(|f| (f, true)),
        Err(f) => Err((f, false)),
    };
    let failure = match result {
        Ok(outputs) => {
            let bytes = outputs.encode_to_vec();
            let started = Instant::now();
            match storage.write(&outputs_uri, bytes.clone()).await {
                Ok(()) => {
                    info!(uri = %outputs_uri, bytes = bytes.len(), ms = started.elapsed().as_secs_f64() * 1e3, "outputs written");
                    return Outcome::Succeeded;
                }
                Err(e) => {
                    // A write that failed may still have landed (a lost response): take it
                    // back so that outputs.pb and the error document never both exist.
                    if let Err(d) = storage.delete(&outputs_uri).await {
                        warn!(uri = %outputs_uri, error = %d, "cannot remove a possibly written outputs.pb");
                    }
                    remove_offloaded(&storage, &outputs).await;
                    storage_failure("writing the outputs", &e)
                }
            }
        }
        Err((f, ran)) => {
            if ran {
                // Offloaded files of a run that then failed would point nowhere.
                remove_offloaded_files(&storage, &args.output_prefix).await;
            }
            f
        }
    };
    error!(code = %failure.code(), recoverable = failure.recoverable, message = %failure.message, "task failed");
    let doc = failure.to_error_document(&worker, SystemTime::now());
    match storage.write(&error_uri, doc.encode_to_vec()).await {
        Ok(()) => {
            info!(uri = %error_uri, "error document written");
            Outcome::Failed(failure)
        }
        Err(e) => {
            error!(uri = %error_uri, error = %e, "cannot write the error document");
            Outcome::Unreported(failure, e)
        }
    }
}

/// The run's private scratch folder, removed with everything in it when the run ends.
struct ScratchDir {
    path: std::path::PathBuf,
    owned: bool,
}

impl ScratchDir {
    /// A private folder under the first writable of `TMPDIR` (the system's temporary
    /// directory), `/tmp` and `/var/tmp`. An image without a writable one gets a warning that
    /// names each place and why, and executors that need scratch space fail naming the path.
    fn create() -> Self {
        let name = format!("flyte-rs-{}", super::context::unique_name());
        let mut tried = Vec::new();
        let candidates = [
            std::env::temp_dir(),
            std::path::PathBuf::from("/tmp"),
            std::path::PathBuf::from("/var/tmp"),
        ];
        for base in &candidates {
            if tried
                .iter()
                .any(|(b, _): &(std::path::PathBuf, String)| b == base)
            {
                continue;
            }
            let path = base.join(&name);
            match std::fs::create_dir_all(&path) {
                Ok(()) => return Self { path, owned: true },
                Err(e) => tried.push((base.clone(), e.to_string())),
            }
        }
        let tried: Vec<String> = tried
            .iter()
            .map(|(b, e)| format!("{}: {e}", b.display()))
            .collect();
        warn!(
            tried = %tried.join("; "),
            "no writable scratch folder: give the image a /tmp of mode 1777, or the pod an emptyDir volume and TMPDIR pointing at it"
        );
        Self {
            path: std::env::temp_dir().join(name),
            owned: false,
        }
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if self.owned {
            if let Err(e) = std::fs::remove_dir_all(&self.path) {
                warn!(path = %self.path.display(), error = %e, "cannot remove the scratch folder");
            }
        }
    }
}

/// Removes the offloaded outputs a failed write left.
async fn remove_offloaded(storage: &Storage, outputs: &LiteralMap) {
    for lit in outputs.literals.values() {
        if let Some(literal::Value::OffloadedMetadata(meta)) = &lit.value {
            if let Err(e) = storage.delete(&meta.uri).await {
                warn!(uri = %meta.uri, error = %e, "cannot remove an offloaded output");
            }
        }
    }
}

/// Removes every `*_offloaded_metadata.pb` under the output prefix.
async fn remove_offloaded_files(storage: &Storage, output_prefix: &str) {
    let Ok(names) = storage.list(output_prefix).await else {
        return;
    };
    for name in names
        .iter()
        .filter(|n| n.ends_with("_offloaded_metadata.pb"))
    {
        let uri = join(output_prefix, name);
        if let Err(e) = storage.delete(&uri).await {
            warn!(uri = %uri, error = %e, "cannot remove an offloaded output");
        }
    }
}

/// What a run produced: the outputs and the template's output types.
struct Ran {
    task: String,
    outputs: LiteralMap,
    output_types: VariableMap,
}

/// Replaces each input that flytekit or propeller offloaded (`offloaded_metadata`) by the
/// literal stored at its URI.
async fn fetch_offloaded(
    storage: &Storage,
    task: &str,
    mut inputs: LiteralMap,
) -> Result<LiteralMap, Failure> {
    for (name, lit) in inputs.literals.iter_mut() {
        let Some(literal::Value::OffloadedMetadata(meta)) = &lit.value else {
            continue;
        };
        let bytes = storage
            .read_at_most(&meta.uri, max_inputs_bytes())
            .await
            .map_err(|e| read_failure(task, &format!("reading offloaded input `{name}`"), &e))?;
        info!(task = %task, input = %name, uri = %meta.uri, bytes = bytes.len(), "offloaded input read");
        *lit = Literal::decode(bytes).map_err(|e| {
            Failure::user(
                "ValidationError",
                format!("task `{task}`: offloaded input `{name}` at `{}` is not a flyteidl.core.Literal: {e}", meta.uri),
            )
        })?;
    }
    Ok(inputs)
}

async fn run(
    args: &EntrypointArgs,
    storage: &Storage,
    ctx: ExecutionContext,
) -> Result<Ran, Failure> {
    let started = Instant::now();
    let resolved = resolve(&args.resolver, &args.loader_args, storage)
        .await
        .map_err(|e| e.to_failure())?;
    let task = task_name(&resolved.template).to_string();
    info!(task = %task, executor = resolved.executor_path, resolver = %args.resolver, ms = started.elapsed().as_secs_f64() * 1e3, "task resolved");

    let read_started = Instant::now();
    let bytes = storage
        .read_at_most(&args.inputs, max_inputs_bytes())
        .await
        .map_err(|e| read_failure(&task, "reading the inputs", &e))?;
    let inputs = LiteralMap::decode(bytes.clone()).map_err(|e| {
        Failure::user(
            "ValidationError",
            format!(
                "task `{task}`: the inputs at `{}` are not a flyteidl.core.LiteralMap: {e}",
                args.inputs
            ),
        )
    })?;
    let inputs = fetch_offloaded(storage, &task, inputs).await?;
    info!(task = %task, uri = %args.inputs, bytes = bytes.len(), inputs = inputs.literals.len(), ms = read_started.elapsed().as_secs_f64() * 1e3, "inputs read");

    let mut ctx = ctx;
    if args.local {
        // A local run sees only the secrets its task requested, as its pod would.
        let requested = resolved
            .template
            .security_context
            .as_ref()
            .map(|c| {
                c.secrets
                    .iter()
                    .map(|s| (s.group.clone(), s.key.clone()))
                    .collect()
            })
            .unwrap_or_default();
        ctx.secrets = ctx.secrets.clone().only(requested);
    }
    let output_types = resolved
        .template
        .interface
        .as_ref()
        .and_then(|i| i.outputs.clone())
        .unwrap_or_default();
    let ctx = ctx
        .with_storage(storage.clone())
        .with_checkpoint(Checkpoint::new(
            storage.clone(),
            args.checkpoint_path.clone(),
            args.prev_checkpoint.clone(),
        ));
    let exec_started = Instant::now();
    let outputs = run_supervised(resolved.executor, ctx, resolved.template, inputs).await?;
    info!(task = %task, outputs = outputs.literals.len(), ms = exec_started.elapsed().as_secs_f64() * 1e3, "executor finished");
    Ok(Ran {
        task,
        outputs,
        output_types,
    })
}
