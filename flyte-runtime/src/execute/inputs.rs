//! Reading a run's inputs: `inputs.pb` and every literal offloaded from it, each refused from
//! its size before it is read when it is over the run's limit
//! ([`RunConfig::max_inputs_bytes`](super::RunConfig::max_inputs_bytes)).

use prost::Message;
use tracing::info;

use super::failure::{storage_failure, Failure};
use crate::proto::core::{literal, Literal, LiteralMap};
use crate::storage::{Storage, StorageError};

/// The default of [`RunConfig::max_inputs_bytes`](super::RunConfig::max_inputs_bytes):
/// 16 MiB, above the 10 MiB FlytePropeller allows a literal map by default, and at most about
/// 512 MiB once decoded ([`DECODED_INPUTS_FACTOR`]). Larger data belongs in a file or a table.
pub const DEFAULT_MAX_INPUTS_BYTES: u64 = 16 << 20;

/// How much memory decoding inputs takes at most, as a multiple of their encoded size:
/// each literal of a collection of small integers is 8 bytes on the wire and an 80-byte
/// `Literal` plus its scalar once decoded, the worst case (`tests/limits.rs` measures it with
/// a counting allocator: 24–25× for small integers and pairs of them, 13× floats, 8×
/// strings).
pub const DECODED_INPUTS_FACTOR: u64 = 32;

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

/// Replaces each input that flytekit or propeller offloaded (`offloaded_metadata`) by the
/// literal stored at its URI.
async fn fetch_offloaded(
    storage: &Storage,
    task: &str,
    mut inputs: LiteralMap,
    limit: u64,
) -> Result<LiteralMap, Failure> {
    for (name, lit) in inputs.literals.iter_mut() {
        let Some(literal::Value::OffloadedMetadata(meta)) = &lit.value else {
            continue;
        };
        let bytes = storage
            .read_at_most(&meta.uri, limit)
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

/// Reads and decodes the inputs at `uri`, and fetches what was offloaded from them; any of
/// them over `limit` bytes is refused from its size, unread.
pub(super) async fn read_inputs(
    storage: &Storage,
    task: &str,
    uri: &str,
    limit: u64,
) -> Result<LiteralMap, Failure> {
    let started = std::time::Instant::now();
    let bytes = storage
        .read_at_most(uri, limit)
        .await
        .map_err(|e| read_failure(task, "reading the inputs", &e))?;
    let inputs = LiteralMap::decode(bytes.clone()).map_err(|e| {
        Failure::user(
            "ValidationError",
            format!("task `{task}`: the inputs at `{uri}` are not a flyteidl.core.LiteralMap: {e}"),
        )
    })?;
    let inputs = fetch_offloaded(storage, task, inputs, limit).await?;
    info!(task = %task, uri = %uri, bytes = bytes.len(), inputs = inputs.literals.len(), ms = started.elapsed().as_secs_f64() * 1e3, "inputs read");
    Ok(inputs)
}
