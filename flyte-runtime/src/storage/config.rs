//! [`StorageConfig`]: where the S3 endpoint and keys come from, and how patient to be.

use std::fmt;
use std::time::Duration;

use super::retry::RetryPolicy;

/// S3 settings that override the standard `AWS_*` variables, as flytekit's
/// `FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID` and `FLYTE_AWS_SECRET_ACCESS_KEY` do.
/// Everything else (`AWS_REGION`, `AWS_SESSION_TOKEN`, web identity, …) is read by
/// `object_store` from the standard variables.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Config {
    /// Endpoint URL (a MinIO or other S3-compatible server); `http://` endpoints are allowed.
    pub endpoint: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key (never printed).
    pub secret_access_key: Option<String>,
    /// Region; `us-east-1` when neither this nor `AWS_REGION`/`AWS_DEFAULT_REGION` is set.
    pub region: Option<String>,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("region", &self.region)
            .finish()
    }
}

impl S3Config {
    /// Reads `FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID`, `FLYTE_AWS_SECRET_ACCESS_KEY`.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Self {
            endpoint: var("FLYTE_AWS_ENDPOINT"),
            access_key_id: var("FLYTE_AWS_ACCESS_KEY_ID"),
            secret_access_key: var("FLYTE_AWS_SECRET_ACCESS_KEY"),
            region: None,
        }
    }
}

/// How [`Storage`](super::Storage) reaches its stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    /// S3 overrides.
    pub s3: S3Config,
    /// Retries of transient faults.
    pub retry: RetryPolicy,
    /// Time to open a connection to a remote store.
    pub connect_timeout: Duration,
    /// Time for one request to a remote store (large uploads need long).
    pub request_timeout: Duration,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            s3: S3Config::default(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
        }
    }
}

impl StorageConfig {
    /// The defaults, with [`S3Config::from_env`] and the retry policy from
    /// `FLYTE_RS_STORAGE_MAX_ATTEMPTS` and `FLYTE_RS_STORAGE_BACKOFF_MS` when set.
    pub fn from_env() -> Self {
        let mut c = Self {
            s3: S3Config::from_env(),
            ..Self::default()
        };
        let num = |k: &str| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let Some(n) = num("FLYTE_RS_STORAGE_MAX_ATTEMPTS") {
            c.retry.max_attempts = u32::try_from(n).unwrap_or(u32::MAX).max(1);
        }
        if let Some(ms) = num("FLYTE_RS_STORAGE_BACKOFF_MS") {
            c.retry.initial_backoff = Duration::from_millis(ms);
        }
        c
    }
}
