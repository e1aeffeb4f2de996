//! [`StorageConfig`]: where the S3 endpoint and keys come from, and how patient to be.

use std::fmt;
use std::time::Duration;

use super::retry::RetryPolicy;
use crate::contract::env::{self, PodEnv};

/// S3 settings that override the standard `AWS_*` variables, as flytekit's
/// `FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID` and `FLYTE_AWS_SECRET_ACCESS_KEY` do.
/// Everything else (`AWS_REGION`, `AWS_SESSION_TOKEN`, web identity, …) comes from the
/// standard variables of the run's environment ([`StorageConfig::sdk_env`]).
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
    /// Reads `FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID`, `FLYTE_AWS_SECRET_ACCESS_KEY`
    /// from the process environment now (see [`from_pod_env`](Self::from_pod_env)).
    pub fn from_env() -> Self {
        Self::from_pod_env(&PodEnv::from_env())
    }

    /// Reads `FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID`, `FLYTE_AWS_SECRET_ACCESS_KEY`, and
    /// the region from `AWS_REGION` or `AWS_DEFAULT_REGION`, from a run's environment.
    pub fn from_pod_env(pod: &PodEnv) -> Self {
        let var = |v| pod.non_empty(v).map(str::to_string);
        Self {
            endpoint: var(env::AWS_ENDPOINT),
            access_key_id: var(env::AWS_ACCESS_KEY_ID),
            secret_access_key: var(env::AWS_SECRET_ACCESS_KEY),
            region: var(env::AWS_REGION).or_else(|| var(env::AWS_DEFAULT_REGION)),
        }
    }
}

/// How [`Storage`](super::Storage) reaches its stores, and how patient it is with them.
///
/// Timeouts are about *progress*, never total time (the AWS SDK for Rust's stalled-stream
/// protection is the model): a request to a remote store that makes no progress for
/// [`stall_timeout`](Self::stall_timeout) is abandoned and retried under
/// [`retry`](Self::retry), and a transfer that keeps moving is never cut, however long it
/// takes. What "progress" means per request is in the `stall` module: an answer's bytes
/// arriving, and for a request that sends a body, the body going out at no less than
/// [`min_throughput`](Self::min_throughput).
///
/// | setting | default | env (read by [`from_env`](Self::from_env)) | flytekit 1.16 (s3fs over botocore) | propeller (flytestdlib storage) |
/// |---|---|---|---|---|
/// | [`connect_timeout`](Self::connect_timeout) | 5 s | `FLYTE_RS_STORAGE_CONNECT_TIMEOUT_MS` | s3fs `connect_timeout` 5 s (botocore's own default: 60 s) | no setting (Go's HTTP client defaults) |
/// | [`stall_timeout`](Self::stall_timeout) | 5 s | `FLYTE_RS_STORAGE_STALL_TIMEOUT_MS` | s3fs `read_timeout` 15 s, an idle time per socket read (botocore's own: 60 s) | none |
/// | [`min_throughput`](Self::min_throughput) | 128 KiB/s | `FLYTE_RS_STORAGE_MIN_THROUGHPUT` (bytes/s) | none: a body that trickles out is never cut | none |
/// | [`retry`](Self::retry) | 5 tries, waits up to 0.5, 1, 2, 4 s (jittered) | `FLYTE_RS_STORAGE_MAX_ATTEMPTS`, `FLYTE_RS_STORAGE_BACKOFF_MS` (the first wait) | s3fs: 5 tries (waits 0.1 × 1.7ⁿ s), each a botocore call with its own retries | none in the pod; propeller retries a failed node (SYSTEM failures against its system budget) |
/// | the run's last report ([`RetryPolicy::report_patience`]) | 50 s (10 × the longest wait) | — | none: the error document gets the same retries | — |
/// | total time of one request | none | — | none | `storage.defaultHttpClient.timeout`, default `0s`: none |
///
/// With the defaults, a small request that gets no answer costs 5 s; an operation whose
/// every try is silent gives up after 5 × 5 s + at most 7.5 s of waits = 32.5 s (the old
/// settings, a 300 s request timeout with 5 tries, could hold a run for 25 minutes); and
/// a run whose storage goes silent for good ends within about 95 s (the failing operation,
/// one stall more for a write that may still land, then the report's 50 s). A part of
/// 8 MiB may take 5 s + 8 MiB ÷ 128 KiB/s = 69 s before it counts as stalled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    /// S3 overrides.
    pub s3: S3Config,
    /// Retries of transient faults (a stalled request is one).
    pub retry: RetryPolicy,
    /// Time to open a connection (TCP, and TLS) to a remote store.
    pub connect_timeout: Duration,
    /// How long a request to a remote store may go without progress before it is abandoned
    /// (and retried): no answer this long after it was sent (a request with a body gets its
    /// body's time at [`min_throughput`](Self::min_throughput) on top), or no byte of the
    /// answer for this long while it streams in.
    pub stall_timeout: Duration,
    /// The slowest rate, in bytes per second, at which a request's body still counts as
    /// moving: a request that sends `n` bytes is abandoned if its answer has not begun
    /// `stall_timeout + n / min_throughput` after it started. The answer's bytes are not
    /// held to a rate, only to [`stall_timeout`](Self::stall_timeout) between them.
    pub min_throughput: u64,
    /// The cloud SDKs' own variables of the run's environment (`AWS_*`, `GOOGLE_*`,
    /// `SERVICE_ACCOUNT`: session tokens, roles, web identity, service accounts), handed to
    /// `object_store`'s builders, which would otherwise read the process environment
    /// themselves. Empty by default; [`from_pod_env`](Self::from_pod_env) fills it.
    pub sdk_env: SdkEnv,
}

/// The cloud SDKs' variables a store is built with (see [`StorageConfig::sdk_env`]). Printed
/// as its names only: values include secret keys.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SdkEnv(pub Vec<(String, String)>);

impl fmt::Debug for SdkEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

impl SdkEnv {
    /// The variables of `pod` that the cloud SDKs read.
    pub fn from_pod_env(pod: &PodEnv) -> Self {
        let mut vars: Vec<(String, String)> = env::CLOUD_SDK_PREFIXES
            .iter()
            .flat_map(|prefix| pod.with_prefix(prefix))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(v) = pod.get(env::GCS_SERVICE_ACCOUNT) {
            vars.push((env::GCS_SERVICE_ACCOUNT.name.to_string(), v.to_string()));
        }
        Self(vars)
    }

    /// The variable `name`, if the run's environment has it.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The variables whose names start with `prefix`.
    pub(crate) fn starting_with<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0
            .iter()
            .filter(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            s3: S3Config::default(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            stall_timeout: Duration::from_secs(5),
            min_throughput: 128 * 1024,
            sdk_env: SdkEnv::default(),
        }
    }
}

impl StorageConfig {
    /// The defaults, with [`S3Config::from_env`] and, when set, the retry policy from
    /// `FLYTE_RS_STORAGE_MAX_ATTEMPTS` and `FLYTE_RS_STORAGE_BACKOFF_MS` (the first wait),
    /// and the timeouts from `FLYTE_RS_STORAGE_CONNECT_TIMEOUT_MS`,
    /// `FLYTE_RS_STORAGE_STALL_TIMEOUT_MS` and `FLYTE_RS_STORAGE_MIN_THROUGHPUT` (bytes per
    /// second). A value that is not a whole number is ignored.
    pub fn from_env() -> Self {
        Self::from_pod_env(&PodEnv::from_env())
    }

    /// [`from_env`](Self::from_env) from a run's environment, the snapshot the binary took.
    pub fn from_pod_env(pod: &PodEnv) -> Self {
        let mut c = Self {
            s3: S3Config::from_pod_env(pod),
            sdk_env: SdkEnv::from_pod_env(pod),
            ..Self::default()
        };
        let num = |v| pod.number::<u64>(v);
        if let Some(n) = num(env::STORAGE_MAX_ATTEMPTS) {
            c.retry.max_attempts = u32::try_from(n).unwrap_or(u32::MAX).max(1);
        }
        if let Some(ms) = num(env::STORAGE_BACKOFF_MS) {
            c.retry.initial_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = num(env::STORAGE_CONNECT_TIMEOUT_MS) {
            c.connect_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = num(env::STORAGE_STALL_TIMEOUT_MS) {
            c.stall_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(rate) = num(env::STORAGE_MIN_THROUGHPUT) {
            c.min_throughput = rate.max(1);
        }
        c
    }

    /// How long a request that sends `body` bytes may wait for the start of its answer:
    /// [`stall_timeout`](Self::stall_timeout) plus the body's time at
    /// [`min_throughput`](Self::min_throughput).
    ///
    /// ```
    /// use std::time::Duration;
    /// use flyte_runtime::storage::StorageConfig;
    ///
    /// let c = StorageConfig::default();
    /// assert_eq!(c.answer_deadline(0), Duration::from_secs(5));
    /// assert_eq!(c.answer_deadline(8 << 20), Duration::from_secs(5 + 64));
    /// ```
    pub fn answer_deadline(&self, body: u64) -> Duration {
        let sending = Duration::from_secs_f64(body as f64 / self.min_throughput.max(1) as f64);
        self.stall_timeout.saturating_add(sending)
    }

    /// The longest an operation on a small object can take when every try is silent:
    /// each try's stall (twice: no answer, then an answer that stops) plus every wait.
    /// An upper bound for planning (the chaos test holds runs to it), not a timer.
    pub fn silent_operation_bound(&self) -> Duration {
        let tries = self.retry.max_attempts.max(1);
        self.stall_timeout
            .saturating_mul(2)
            .saturating_mul(tries)
            .saturating_add(self.retry.total_backoff())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cloud_sdks_variables_come_from_the_runs_environment_and_are_not_printed() {
        let pod = PodEnv::from_pairs([
            ("AWS_SESSION_TOKEN", "token-value"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            ("GOOGLE_SERVICE_ACCOUNT_KEY", "{}"),
            ("SERVICE_ACCOUNT", "/var/sa.json"),
            ("AWSOME", "not an SDK variable"),
            ("HOME", "/root"),
        ]);
        let config = StorageConfig::from_pod_env(&pod);
        let names: Vec<&str> = config.sdk_env.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "AWS_ROLE_ARN",
                "AWS_SESSION_TOKEN",
                "GOOGLE_SERVICE_ACCOUNT_KEY",
                "SERVICE_ACCOUNT"
            ]
        );
        assert_eq!(config.sdk_env.get("SERVICE_ACCOUNT"), Some("/var/sa.json"));
        let printed = format!("{config:?}");
        assert!(printed.contains("AWS_SESSION_TOKEN"), "{printed}");
        assert!(!printed.contains("token-value"), "{printed}");
        // And object_store takes them as its own keys.
        let builder = super::super::store::sdk_config(
            object_store::aws::AmazonS3Builder::new(),
            &config.sdk_env,
            env::AWS_SDK_PREFIX,
            |b, k, v| b.with_config(k, v),
        );
        assert_eq!(
            builder.get_config_value(&object_store::aws::AmazonS3ConfigKey::Token),
            Some("token-value".to_string())
        );
    }

    #[test]
    fn variables_override_the_defaults_and_bad_values_are_ignored() {
        let vars = [
            ("FLYTE_RS_STORAGE_MAX_ATTEMPTS", "0"),
            ("FLYTE_RS_STORAGE_BACKOFF_MS", "250"),
            ("FLYTE_RS_STORAGE_CONNECT_TIMEOUT_MS", "1500"),
            ("FLYTE_RS_STORAGE_STALL_TIMEOUT_MS", "300000"),
            ("FLYTE_RS_STORAGE_MIN_THROUGHPUT", "five"),
        ];
        let c = StorageConfig::from_pod_env(&PodEnv::from_pairs(vars));
        assert_eq!(c.retry.max_attempts, 1, "at least one try");
        assert_eq!(c.retry.initial_backoff, Duration::from_millis(250));
        assert_eq!(c.connect_timeout, Duration::from_millis(1500));
        assert_eq!(c.stall_timeout, Duration::from_secs(300));
        assert_eq!(c.min_throughput, StorageConfig::default().min_throughput);
        let none = StorageConfig::from_pod_env(&PodEnv::default());
        assert_eq!(none, StorageConfig::default());
    }

    #[test]
    fn a_silent_store_is_given_up_on_in_well_under_a_minute_by_default() {
        let c = StorageConfig::default();
        assert_eq!(c.silent_operation_bound(), Duration::from_millis(57_500));
        // A large body gets time in proportion to its size; a small one only the stall time.
        assert!(c.answer_deadline(10 << 30) > Duration::from_secs(80_000));
        assert!(c.answer_deadline(200) < Duration::from_millis(5_002));
    }
}
