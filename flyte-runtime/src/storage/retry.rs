//! [`RetryPolicy`]: bounded exponential backoff for transient storage faults.

use std::future::Future;
use std::time::Duration;

/// How often and how patiently a transient storage fault is retried.
///
/// The delay before retry `n` (from 1) is `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`; after `max_attempts` tries the error is returned.
///
/// ```
/// use std::time::Duration;
/// use flyte_runtime::storage::RetryPolicy;
///
/// let p = RetryPolicy::default();
/// assert_eq!(p.backoff(1), Duration::from_millis(200));
/// assert_eq!(p.backoff(2), Duration::from_millis(400));
/// assert_eq!(p.backoff(30), p.max_backoff);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, including the first (at least 1).
    pub max_attempts: u32,
    /// The first delay.
    pub initial_backoff: Duration,
    /// The longest delay.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, 200 ms doubling to at most 5 s: about 3 s of waiting in all.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: one try.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry `n` (1 = the first retry).
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// Runs `op` until it succeeds, fails permanently, or the tries run out. Returns the
    /// result and the number of tries.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        what: &str,
        mut op: F,
    ) -> (Result<T, object_store::Error>, u32)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, object_store::Error>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Err(e) if is_transient(&e) && attempt < self.max_attempts.max(1) => {
                    let delay = self.backoff(attempt);
                    tracing::warn!(%what, attempt, ?delay, error = %e, "transient storage fault; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return (other, attempt),
            }
        }
    }
}

/// Server, network and I/O faults are worth retrying; a missing object, a bad path or a
/// refused permission is not.
pub(crate) fn is_transient(e: &object_store::Error) -> bool {
    use std::io::ErrorKind;
    if !matches!(
        e,
        object_store::Error::Generic { .. } | object_store::Error::JoinError { .. }
    ) {
        return false;
    }
    // The local store reports every I/O error as `Generic`: look for the io::Error inside.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return !matches!(
                io.kind(),
                ErrorKind::PermissionDenied
                    | ErrorKind::NotFound
                    | ErrorKind::NotADirectory
                    | ErrorKind::IsADirectory
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::InvalidInput
                    | ErrorKind::AlreadyExists
            );
        }
        source = s.source();
    }
    true
}
