//! Outputs too large for propeller, handled before propeller has to refuse them.
//!
//! Propeller reads `outputs.pb` only up to `maxDownloadMBs` (flytestdlib's default 2 MiB)
//! and fails a larger one with a non-recoverable `OutputSizeExceeded`, after the task ran.
//! With literal offloading on (propeller sets `_F_L_MIN_SIZE_MB` and `_F_L_MAX_SIZE_MB` in
//! the pod), each output of at least the minimum is written beside `outputs.pb` as
//! `<name>_offloaded_metadata.pb` and replaced by its `offloaded_metadata` (uri, size,
//! inferred type), as flytekit 1.16's entrypoint does; one of at least the maximum fails the
//! task. Whatever remains must fit the download limit (`FLYTE_RS_MAX_OUTPUTS_BYTES`, default
//! 2 MiB) or the task fails with a USER error that names the outputs and their sizes.

use base64::Engine as _;
use prost::Message;
use sha2::{Digest, Sha256};

use super::failure::Failure;
use crate::contract::env::{self, PodEnv};
use crate::contract::offloaded_file_name;
use crate::proto::core::{literal, Literal, LiteralMap, LiteralOffloadedMetadata, VariableMap};
use crate::storage::{join, Storage};

/// The default of [`OutputLimits::max_outputs_bytes`]: flytestdlib's `maxDownloadMBs` default.
pub const DEFAULT_MAX_OUTPUTS_BYTES: u64 = 2 << 20;

/// Offloading thresholds and the largest `outputs.pb` a run writes.
///
/// ```
/// use flyte_runtime::__private::execute::OutputLimits;
///
/// let limits = OutputLimits { offload_min_bytes: Some(10 << 20), offload_max_bytes: 1000 << 20, max_outputs_bytes: 2 << 20 };
/// assert!(limits.offloads(10 << 20));
/// assert!(!limits.offloads((10 << 20) - 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimits {
    /// Outputs of at least this many bytes are offloaded; `None` when offloading is off.
    pub offload_min_bytes: Option<u64>,
    /// Outputs of at least this many bytes fail the task (with offloading on).
    pub offload_max_bytes: u64,
    /// The largest `outputs.pb` written.
    pub max_outputs_bytes: u64,
}

impl Default for OutputLimits {
    fn default() -> Self {
        Self {
            offload_min_bytes: None,
            offload_max_bytes: 1000 << 20,
            max_outputs_bytes: DEFAULT_MAX_OUTPUTS_BYTES,
        }
    }
}

impl OutputLimits {
    /// As flytekit reads them: offloading is on when `_F_L_MIN_SIZE_MB` is set (its maximum
    /// `_F_L_MAX_SIZE_MB`, default 1000 MiB); `FLYTE_RS_MAX_OUTPUTS_BYTES` sets the limit of
    /// `outputs.pb` (set it to the cluster's `maxDownloadMBs` when that is raised).
    pub fn from_pod_env(pod: &PodEnv) -> Self {
        let mb = |v| pod.number::<u64>(v).map(|v| v.saturating_mul(1 << 20));
        let d = Self::default();
        Self {
            offload_min_bytes: mb(env::OFFLOAD_MIN_SIZE_MB),
            offload_max_bytes: mb(env::OFFLOAD_MAX_SIZE_MB).unwrap_or(d.offload_max_bytes),
            max_outputs_bytes: pod
                .number(env::MAX_OUTPUTS_BYTES)
                .unwrap_or(d.max_outputs_bytes),
        }
    }

    /// Whether an output of `size` bytes is offloaded.
    pub fn offloads(&self, size: u64) -> bool {
        self.offload_min_bytes.is_some_and(|min| size >= min)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// Offloads what must be offloaded (writing those files) and checks the rest fits; returns
/// the map to write as `outputs.pb`.
pub(crate) async fn prepare_outputs(
    storage: &Storage,
    output_prefix: &str,
    task: &str,
    outputs: LiteralMap,
    types: &VariableMap,
    limits: &OutputLimits,
) -> Result<LiteralMap, Failure> {
    let mut kept = LiteralMap::default();
    for (name, lit) in outputs.literals {
        let size = lit.encoded_len() as u64;
        if limits.offload_min_bytes.is_some() && size >= limits.offload_max_bytes {
            return Err(Failure::user(
                "OutputSizeExceeded",
                format!(
                    "task `{task}`: output `{name}` is {size} bytes ({}), at or over the offloading maximum of {} ({}); write it as a file or a table instead",
                    mib(size),
                    mib(limits.offload_max_bytes),
                    env::OFFLOAD_MAX_SIZE_MB.name,
                ),
            ));
        }
        if !limits.offloads(size) {
            kept.literals.insert(name, lit);
            continue;
        }
        let uri = join(output_prefix, &offloaded_file_name(&name));
        let bytes = lit.encode_to_vec();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&bytes));
        storage.write(&uri, bytes).await.map_err(|e| {
            Failure::system(
                "StorageError",
                format!("writing offloaded output `{name}`: {e}"),
            )
        })?;
        tracing::info!(task = %task, output = %name, uri = %uri, bytes = size, "output offloaded");
        let inferred_type = types.variables.get(&name).and_then(|v| v.r#type.clone());
        kept.literals.insert(
            name,
            Literal {
                value: Some(literal::Value::OffloadedMetadata(Box::new(
                    LiteralOffloadedMetadata {
                        uri,
                        size_bytes: size,
                        inferred_type,
                    },
                ))),
                hash,
                ..Literal::default()
            },
        );
    }
    let total = kept.encoded_len() as u64;
    if total > limits.max_outputs_bytes {
        let mut sizes: Vec<(u64, &String)> = kept
            .literals
            .iter()
            .map(|(n, l)| (l.encoded_len() as u64, n))
            .collect();
        sizes.sort_by(|a, b| b.cmp(a));
        let listed: Vec<String> = sizes
            .iter()
            .map(|(s, n)| format!("`{n}` {s} bytes"))
            .collect();
        let how = if limits.offload_min_bytes.is_some() {
            format!(
                "lower the offloading minimum ({})",
                env::OFFLOAD_MIN_SIZE_MB.name
            )
        } else {
            "turn on propeller's literal offloading".to_string()
        };
        return Err(Failure::user(
            "OutputSizeExceeded",
            format!(
                "task `{task}`: its outputs take {total} bytes ({}), over the {} propeller reads (maxDownloadMBs; FLYTE_RS_MAX_OUTPUTS_BYTES here): {}; {how}, raise both limits together, or write large values as files or tables",
                mib(total),
                mib(limits.max_outputs_bytes),
                listed.join(", ")
            ),
        ));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::Variable;
    use crate::types::FlyteType;

    fn run(
        outputs: &[(&str, usize)],
        limits: OutputLimits,
    ) -> (Result<LiteralMap, Failure>, Storage) {
        let storage = Storage::default();
        let map = LiteralMap {
            literals: outputs
                .iter()
                .map(|(n, len)| (n.to_string(), "x".repeat(*len).to_literal()))
                .collect(),
        };
        let types = VariableMap {
            variables: outputs
                .iter()
                .map(|(n, _)| {
                    (
                        n.to_string(),
                        Variable {
                            r#type: Some(String::literal_type()),
                            description: String::new(),
                        },
                    )
                })
                .collect(),
        };
        let out = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(prepare_outputs(
                &storage,
                "memory://b/out",
                "t",
                map,
                &types,
                &limits,
            ));
        (out, storage)
    }

    const OFFLOADING: OutputLimits = OutputLimits {
        offload_min_bytes: Some(1_000),
        offload_max_bytes: 10_000,
        max_outputs_bytes: 2_000,
    };

    #[test]
    fn outputs_over_the_minimum_are_offloaded_with_their_type() {
        let (out, storage) = run(&[("small", 10), ("big", 5_000)], OFFLOADING);
        let out = out.unwrap();
        assert!(matches!(
            out.literals["small"].value,
            Some(literal::Value::Scalar(_))
        ));
        let Some(literal::Value::OffloadedMetadata(meta)) = &out.literals["big"].value else {
            panic!("big is not offloaded")
        };
        assert_eq!(meta.uri, "memory://b/out/big_offloaded_metadata.pb");
        assert_eq!(meta.inferred_type, Some(String::literal_type()));
        assert!(!out.literals["big"].hash.is_empty());
        let stored = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(storage.read(&meta.uri))
            .unwrap();
        assert_eq!(stored.len() as u64, meta.size_bytes);
        assert_eq!(
            String::from_literal(&Literal::decode(stored).unwrap())
                .unwrap()
                .len(),
            5_000
        );
    }

    #[test]
    fn too_large_outputs_are_user_errors_naming_them() {
        let (out, _) = run(&[("huge", 20_000)], OFFLOADING);
        let f = out.unwrap_err();
        assert_eq!(f.code(), "USER:OutputSizeExceeded");
        assert!(
            f.message.contains("output `huge`") && f.message.contains("_F_L_MAX_SIZE_MB"),
            "{}",
            f.message
        );

        // Offloading off: the map must fit the download limit.
        let off = OutputLimits {
            offload_min_bytes: None,
            ..OFFLOADING
        };
        let (out, _) = run(&[("a", 1_500), ("b", 900)], off);
        let f = out.unwrap_err();
        assert!(
            f.message.contains("`a` 15") && f.message.contains("`b` 9"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("turn on propeller's literal offloading"),
            "{}",
            f.message
        );
        assert!(run(&[("a", 1_500)], off).0.is_ok());
    }
}
