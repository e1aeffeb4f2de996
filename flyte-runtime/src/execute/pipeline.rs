//! The run pipeline behind the `execute` entrypoint: resolve the task, read its inputs, run
//! the executor under supervision, check and write its outputs, or write the error document.
//! Exactly one of `outputs.pb` or the error document is left under the output prefix, and
//! then, if the task makes one, its deck (`deck.html`, [`run_deck`](super::run_deck)).

use std::future::Future;
use std::time::{Instant, SystemTime};

use prost::Message;
use tracing::{debug, error, info, warn};

use super::config::RunConfig;
use super::failure::{storage_failure, Failure};
use super::inputs::read_inputs;
use super::map_element::{array_index, element_inputs};
use super::outcome::Outcome;
use super::output_limits::prepare_outputs;
use super::resolve::resolve;
use super::run_deck::{self, timed};
use super::runner::run_supervised;
use crate::context::{Checkpoint, ExecutionContext, ScratchDir};
use crate::contract::OutputPrefix;
use crate::deck::{sections, Decks, INPUT, OUTPUT};
use crate::proto::core::{LiteralMap, VariableMap};
use crate::storage::{Landed, Storage, StorageError};
use crate::task::task_name;

/// The run engine: one run of `config` with `storage`, until it ends or `shutdown`
/// completes. What `execute` in a pod, an in-process `run` and the tests all use.
pub async fn execute_with(
    config: RunConfig,
    storage: Storage,
    shutdown: impl Future<Output = &'static str>,
) -> Outcome {
    let decks = run_deck::decks_for(&config, &storage);
    let outcome = run_and_report(&config, &storage, shutdown, &decks).await;
    // After outputs.pb or the error document, as flytekit; not when neither could be
    // written (the store is out of reach, and the pod should end).
    if !matches!(outcome, Outcome::Unreported(..)) {
        run_deck::write(&decks).await;
    }
    outcome
}

async fn run_and_report(
    config: &RunConfig,
    storage: &Storage,
    shutdown: impl Future<Output = &'static str>,
    decks: &Decks,
) -> Outcome {
    let args = &config.args;
    // The scratch folder is made only if the executor asks for it, and goes with the run's
    // context.
    let ctx_base = config
        .context(ScratchDir::private())
        .with_decks(decks.clone());
    let worker = ctx_base.worker.clone();
    let error_uri = config.error_uri(&worker);
    let outputs_uri = OutputPrefix::new(&args.output_prefix).outputs();

    tokio::pin!(shutdown);
    let result = tokio::select! {
        r = run(config, storage, ctx_base, decks) => r,
        signal = &mut shutdown => Err(Failure::system(
            "Terminated",
            format!("the task was stopped by {signal} before it finished"),
        )),
    };
    // The run's last report (whether outputs.pb landed, the error document) is worth a long
    // wait: without an error document a storage outage can only end the pod with a non-zero
    // exit, which Flyte counts against the task's own retries instead of its system
    // retries. It shares one deadline, so the run still ends by a known time.
    let report_by = || Instant::now() + storage.config().retry.report_patience();

    // Outputs that were prepared (some perhaps offloaded beside `outputs.pb`) but did not
    // land leave nothing under the prefix: see `clear_offloaded`.
    let prefix = OutputPrefix::new(&args.output_prefix);
    let (failure, report) = match result {
        Err(f) => (f, storage.retrying_until(report_by())),
        Ok(ran) => match publish(storage, config, &prefix, ran, &report_by, decks).await {
            Published::Succeeded => return Outcome::Succeeded,
            Published::Unknown(failure, unknown) => {
                // outputs.pb may be there: an error document beside it could make both.
                error!(uri = %error_uri, outputs = %outputs_uri, error = %unknown, "cannot write the error document: whether the outputs landed cannot be found out, and the two must never both exist");
                return Outcome::Unreported(failure, unknown);
            }
            Published::Failed(failure, report) => {
                clear_offloaded(storage, &prefix).await;
                (failure, report)
            }
        },
    };
    if args.local {
        // `run` prints the failure itself, once.
        debug!(code = %failure.code(), recoverable = failure.recoverable, message = %failure.message, "task failed");
    } else {
        error!(code = %failure.code(), recoverable = failure.recoverable, message = %failure.message, "task failed");
    }
    run_deck::set_error(decks, &failure);
    let doc = failure.to_error_document(&worker, SystemTime::now());
    let written = timed(
        decks,
        format!("Write the error document to {error_uri}"),
        report.write(&error_uri, doc.encode_to_vec()),
    )
    .await;
    match written {
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

/// After the write of `outputs.pb` failed (`failed`), finds out whether it landed anyway:
/// `Ok(true)` if `outputs.pb` holds exactly `bytes` (the answer was lost, the object is
/// whole: the run succeeded), `Ok(false)` if there is none (any other object there is
/// removed first), `Err` if that cannot be found out.
///
/// S3 and GCS commit an object only whole, and the local store renames a whole file into
/// place, so a retried write never leaves a part; but a write the client gave up on for
/// silence may still be carried out by the server a little later. Before looking, such a
/// write is given one stall timeout more to land or die. A request the network delivers
/// later still could put `outputs.pb` beside the error document; Flyte reads the error
/// document first (`ValidateOutput`), so that run still fails, cleanly, and is retried.
async fn settle_outputs(
    storage: &Storage,
    report: &Storage,
    uri: &str,
    bytes: &[u8],
    failed: &StorageError,
) -> Result<bool, StorageError> {
    if failed.timed_out() {
        tokio::time::sleep(storage.config().stall_timeout).await;
    }
    match report.landed(uri, bytes).await? {
        Landed::Whole => Ok(true),
        Landed::Absent => Ok(false),
        Landed::Other => {
            warn!(%uri, "the outputs' file holds other bytes than the run's outputs; removing it");
            report.delete(uri).await?;
            Ok(false)
        }
    }
}

/// How the outputs of a run that succeeded ended up.
enum Published {
    /// `outputs.pb` is written, whole.
    Succeeded,
    /// They are not there (checking or writing them failed); the error document is to be
    /// written through `Storage`, the report's patient storage.
    Failed(Failure, Storage),
    /// Whether `outputs.pb` landed cannot be found out.
    Unknown(Failure, StorageError),
}

/// Checks and offloads `ran`'s outputs, then writes `outputs.pb`; a write whose answer was
/// lost is settled with `report_by`'s patience.
async fn publish(
    storage: &Storage,
    config: &RunConfig,
    prefix: &OutputPrefix,
    ran: Ran,
    report_by: &impl Fn() -> Instant,
    decks: &Decks,
) -> Published {
    // The Output section shows what the executor returned, rendered once the outputs are
    // written (a table's preview reads storage: not on the way to outputs.pb).
    let shown = decks
        .enabled()
        .then(|| (ran.outputs.clone(), ran.output_types.clone()));
    let published = write_outputs(storage, config, prefix, ran, report_by, decks).await;
    if let Some((outputs, types)) = shown {
        decks.set_default(
            OUTPUT,
            sections::variables(storage, Some(&types), &outputs).await,
        );
    }
    published
}

async fn write_outputs(
    storage: &Storage,
    config: &RunConfig,
    prefix: &OutputPrefix,
    ran: Ran,
    report_by: &impl Fn() -> Instant,
    decks: &Decks,
) -> Published {
    let prepared = prepare_outputs(
        storage,
        prefix.as_str(),
        &ran.task,
        ran.outputs,
        &ran.output_types,
        &config.output_limits(),
    )
    .await;
    let outputs = match prepared {
        Ok(outputs) => outputs,
        Err(f) => return Published::Failed(f, storage.retrying_until(report_by())),
    };
    let uri = prefix.outputs();
    let bytes = outputs.encode_to_vec();
    let started = Instant::now();
    let written = timed(
        decks,
        format!("Write the outputs to {uri}"),
        storage.write(&uri, bytes.clone()),
    )
    .await;
    let e = match written {
        Ok(()) => {
            info!(uri = %uri, bytes = bytes.len(), ms = started.elapsed().as_secs_f64() * 1e3, "outputs written");
            return Published::Succeeded;
        }
        Err(e) => e,
    };
    let report = storage.retrying_until(report_by());
    match settle_outputs(storage, &report, &uri, &bytes, &e).await {
        Ok(true) => {
            warn!(uri = %uri, error = %e, "the answer to the outputs' write was lost, but the outputs are there, whole");
            Published::Succeeded
        }
        Ok(false) => Published::Failed(storage_failure("writing the outputs", &e), report),
        Err(unknown) => Published::Unknown(storage_failure("writing the outputs", &e), unknown),
    }
}

/// The one cleanup of a run whose outputs did not land: every offloaded output under the
/// prefix ([`OutputPrefix::offloaded_files`]) is removed, since it would point nowhere.
/// What cannot be removed is logged; the run's failure stands either way.
async fn clear_offloaded(storage: &Storage, prefix: &OutputPrefix) {
    let names = match storage.list(prefix.as_str()).await {
        Ok(names) => names,
        Err(e) => {
            warn!(prefix = %prefix.as_str(), error = %e, "cannot list the offloaded outputs to remove");
            return;
        }
    };
    for uri in prefix.offloaded_files(&names) {
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

async fn run(
    config: &RunConfig,
    storage: &Storage,
    ctx: ExecutionContext,
    decks: &Decks,
) -> Result<Ran, Failure> {
    let args = &config.args;
    let started = Instant::now();
    // Timed for the deck, which is turned on only once the template says so.
    let resolved = timed(
        decks,
        format!("Resolve the task ({})", args.resolver),
        resolve(&args.resolver, &args.loader_args, storage),
    )
    .await
    .map_err(|e| e.to_failure())?;
    let task = task_name(&resolved.template).to_string();
    run_deck::start(decks, &resolved.template);
    info!(task = %task, executor = resolved.executor_path, resolver = %args.resolver, ms = started.elapsed().as_secs_f64() * 1e3, "task resolved");

    let inputs = timed(
        decks,
        format!("Read the inputs from {}", args.inputs),
        read_inputs(storage, &task, &args.inputs, config.max_inputs_bytes()),
    )
    .await?;
    // One element of a map: its items of the list inputs, against the element's template.
    let (inputs, template) = match &resolved.map {
        Some(over) => {
            let index = array_index(|k| config.env.raw(k).map(str::to_string))?;
            let element = element_inputs(&task, &resolved.template, inputs, over, index)?;
            info!(task = %task, index, "map element");
            element
        }
        None => (inputs, resolved.template),
    };

    let mut ctx = ctx;
    if args.local {
        // A local run sees only the secrets its task requested, as its pod would.
        let requested = template
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
    let output_types = template
        .interface
        .as_ref()
        .and_then(|i| i.outputs.clone())
        .unwrap_or_default();
    if decks.enabled() {
        let input_types = template.interface.as_ref().and_then(|i| i.inputs.as_ref());
        decks.set_default(
            INPUT,
            sections::variables(storage, input_types, &inputs).await,
        );
    }
    let ctx = ctx
        .with_storage(storage.clone())
        .with_checkpoint(Checkpoint::new(
            storage.clone(),
            args.checkpoint_path.clone(),
            args.prev_checkpoint.clone(),
        ));
    let exec_started = Instant::now();
    let outputs = timed(
        decks,
        "Run the executor",
        run_supervised(resolved.executor, ctx, template, inputs),
    )
    .await?;
    info!(task = %task, outputs = outputs.literals.len(), ms = exec_started.elapsed().as_secs_f64() * 1e3, "executor finished");
    Ok(Ran {
        task,
        outputs,
        output_types,
    })
}
