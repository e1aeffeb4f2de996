//! [`RetryPolicy`]: bounded exponential backoff for transient storage faults.

use std::future::Future;
use std::time::{Duration, Instant};

/// How often and how patiently a transient storage fault is retried.
///
/// The wait before retry `n` (from 1) is at most `initial_backoff * 2^(n-1)`, capped at
/// `max_backoff`, and at least half that: the other half is random ("equal jitter"), so
/// that the dozens of pods an outage struck together do not all come back in the same
/// instant. After `max_attempts` tries the error is returned.
///
/// ```
/// use std::time::Duration;
/// use flyte_runtime::storage::RetryPolicy;
///
/// let p = RetryPolicy::default();
/// assert_eq!(p.backoff(1), Duration::from_millis(500));
/// assert_eq!(p.backoff(2), Duration::from_millis(1000));
/// assert_eq!(p.backoff(30), p.max_backoff);
/// assert_eq!(p.total_backoff(), Duration::from_millis(7500));
/// assert_eq!(p.report_patience(), Duration::from_secs(50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, including the first (at least 1).
    pub max_attempts: u32,
    /// The first wait (its upper bound: the wait is jittered down to half).
    pub initial_backoff: Duration,
    /// The longest wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, waits of up to 0.5, 1, 2 and 4 s (at least half of each): an outage of up
    /// to 3.75 s is always ridden out by a request that fails fast (refused, reset), and one
    /// of up to 7.5 s usually; a request that gets no answer at all costs its stall timeout
    /// per try on top (see [`StorageConfig`](super::StorageConfig)).
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
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

    /// The longest wait before retry `n` (1 = the first retry); the wait itself is
    /// between half of this and this.
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The longest the waits between all the tries add up to.
    pub fn total_backoff(&self) -> Duration {
        (1..self.max_attempts.max(1))
            .map(|n| self.backoff(n))
            .fold(Duration::ZERO, Duration::saturating_add)
    }

    /// How long the run's last report (finding out whether `outputs.pb` landed, and the
    /// error document) keeps being retried: ten of the longest waits, 50 s by default. The
    /// error document is what turns a storage outage into a SYSTEM, recoverable failure,
    /// which Flyte retries against its system budget; without it the pod can only exit
    /// non-zero, which Flyte counts against the task's own retries (often none). An outage
    /// that outlasts this ends the run that way, in bounded time.
    pub fn report_patience(&self) -> Duration {
        self.max_backoff.saturating_mul(10)
    }

    /// Runs `op` until it succeeds, fails permanently, or the tries run out. Without a
    /// `deadline` that is after `max_attempts` tries; with one, as long as the next try can
    /// start before it (one try at least), the waits growing to `max_backoff`. Returns the
    /// result and the number of tries.
    pub(crate) async fn run_until<T, F, Fut>(
        &self,
        what: &str,
        deadline: Option<Instant>,
        mut op: F,
    ) -> (Result<T, object_store::Error>, u32)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, object_store::Error>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Err(e) if is_transient(&e) => {
                    let delay = jittered(self.backoff(attempt));
                    let more = match deadline {
                        None => attempt < self.max_attempts.max(1),
                        Some(d) => Instant::now() + delay < d,
                    };
                    if !more {
                        return (Err(e), attempt);
                    }
                    tracing::warn!(%what, attempt, ?delay, error = %e, "transient storage fault; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return (other, attempt),
            }
        }
    }
}

/// A wait between half of `max` and `max`, the half drawn at random (std's per-process
/// random hash keys: no dependency for a few bits of jitter).
fn jittered(max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    let fraction = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
    max / 2 + (max / 2).mul_f64(fraction)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_jittered_between_half_and_all_of_the_backoff() {
        let max = Duration::from_millis(800);
        let waits: Vec<Duration> = (0..200).map(|_| jittered(max)).collect();
        assert!(
            waits.iter().all(|w| *w >= max / 2 && *w <= max),
            "{waits:?}"
        );
        let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
        assert!(distinct.len() > 100, "not random: {distinct:?}");
    }

    fn reset() -> object_store::Error {
        object_store::Error::Generic {
            store: "test",
            source: Box::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "reset",
            )),
        }
    }

    #[test]
    fn a_deadline_replaces_the_count_of_tries() {
        let p = RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let fail = || async { Err::<(), _>(reset()) };
        let (r, tries) = rt.block_on(p.run_until("x", None, fail));
        assert!(r.is_err());
        assert_eq!(tries, 2);
        let started = Instant::now();
        let (r, tries) =
            rt.block_on(p.run_until("x", Some(started + Duration::from_millis(300)), fail));
        assert!(r.is_err());
        assert!(tries > 5, "{tries} tries");
        assert!(started.elapsed() < Duration::from_millis(400));
        // A deadline already past still allows one try.
        let (_, tries) = rt.block_on(p.run_until("x", Some(Instant::now()), fail));
        assert_eq!(tries, 1);
        // A permanent fault is not retried, deadline or not.
        let denied = || async {
            Err::<(), _>(object_store::Error::PermissionDenied {
                path: "k".into(),
                source: "no".into(),
            })
        };
        let (_, tries) =
            rt.block_on(p.run_until("x", Some(started + Duration::from_secs(9)), denied));
        assert_eq!(tries, 1);
    }
}
