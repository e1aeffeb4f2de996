//! `checksum`: a keyed hash (HMAC-SHA256) of a file, keyed by a secret. Shows a file input
//! (read through the run's storage, local or S3), a secret (never logged), and a file
//! output (written under the raw output prefix): `digest` is the hex HMAC, `signature` a
//! file holding `<digest>  <file name>` as `sha256sum` prints.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use flyte_runtime::prelude::*;

/// The checksum's inputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct ChecksumInputs {
    /// The file to sign.
    pub file: FlyteFile,
}

/// The checksum's outputs.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct ChecksumOutputs {
    /// HMAC-SHA256 of the file's bytes, lower-case hex.
    pub digest: String,
    /// A file holding `<digest>  <file name>\n`.
    pub signature: FlyteFile,
}

/// The task type: which secret keys the hash.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "keyed-checksum",
    image = "flyte-examples:{version}",
    executor = ChecksumExecutor,
    inputs = ChecksumInputs,
    outputs = ChecksumOutputs
)]
pub struct ChecksumTask {
    /// The secret's group.
    pub secret_group: String,
    /// The secret's key.
    pub secret_key: String,
}

/// HMAC-SHA256 of `data` under `key`, lower-case hex.
///
/// ```
/// // RFC 4231, test case 2.
/// let d = flyte_examples::checksum::hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
/// ```
pub fn hmac_sha256_hex(key: &[u8], data: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(data);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `keyed-checksum` tasks.
#[derive(Default)]
pub struct ChecksumExecutor;

#[shim_executor]
impl ShimTaskExecutor for ChecksumExecutor {
    type Task = ChecksumTask;

    async fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        task: ChecksumTask,
        inputs: ChecksumInputs,
    ) -> Result<ChecksumOutputs, TaskError> {
        let key = ctx.secrets.get(&task.secret_group, &task.secret_key)?;
        let uri = inputs.file.uri();
        let data = ctx.storage.read(uri).await?;
        let digest = hmac_sha256_hex(key.expose().as_bytes(), &data);
        let name = uri.rsplit('/').next().unwrap_or(uri);
        let out = format!("{}/{name}.hmac", ctx.new_raw_output_uri());
        ctx.storage
            .write(&out, format!("{digest}  {name}\n").into_bytes())
            .await?;
        tracing::info!(file = %uri, bytes = data.len(), signature = %out, "file signed");
        // The deck shows what was signed (never the key).
        ctx.deck("Checksum").key_values([
            ("file", uri.to_string()),
            ("size (bytes)", data.len().to_string()),
            ("HMAC-SHA256", digest.clone()),
            ("signature file", out.clone()),
        ]);
        Ok(ChecksumOutputs {
            digest,
            signature: FlyteFile::new(out),
        })
    }
}

/// `examples.checksum`: signs a file with the secret `checksum/key`.
pub fn checksum_task() -> TaskInstance<ChecksumTask> {
    TaskInstance::new(
        "examples.checksum",
        ChecksumTask {
            secret_group: "checksum".to_string(),
            secret_key: "key".to_string(),
        },
    )
    .secret(SecretRequest::new("checksum", "key"))
    .docs("HMAC-SHA256 of a file, keyed by the secret checksum/key.")
}

register_task!(checksum_task);
