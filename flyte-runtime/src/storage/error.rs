//! [`StorageError`]: what went wrong reading or writing a blob, and whether retrying may help.

/// A storage operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The text is not a location we can address.
    #[error("invalid storage URI `{uri}`: {reason}")]
    InvalidUri {
        /// The text.
        uri: String,
        /// Why.
        reason: String,
    },
    /// The store for this location could not be set up (credentials, endpoint, …).
    #[error("cannot set up storage for `{uri}`: {source}")]
    Config {
        /// The location.
        uri: String,
        /// The cause.
        source: object_store::Error,
    },
    /// Nothing is stored at this location.
    #[error("`{uri}` does not exist")]
    NotFound {
        /// The location.
        uri: String,
    },
    /// The operation failed (after `attempts` tries if the fault looked transient).
    #[error("cannot {op} `{uri}` ({attempts} attempt{}): {source}", if *.attempts == 1 { "" } else { "s" })]
    Failed {
        /// `read`, `write`, `delete` or `check`.
        op: &'static str,
        /// The location.
        uri: String,
        /// How many times it was tried.
        attempts: u32,
        /// Whether the last fault looked transient (network, server error).
        transient: bool,
        /// The cause.
        source: object_store::Error,
    },
    /// The object is larger than the reader accepts ([`Storage::read_at_most`](super::Storage::read_at_most)).
    #[error("`{uri}` is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The location.
        uri: String,
        /// The object's size.
        size: u64,
        /// The most the reader accepts.
        limit: u64,
    },
}

impl StorageError {
    /// Whether the fault was of the kind that retrying later may cure (a server or network
    /// fault rather than a bad path or missing permission).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StorageError::Failed {
                transient: true,
                ..
            }
        )
    }

    /// Whether the last try was abandoned for lack of progress (a stalled request, see
    /// [`StorageConfig::stall_timeout`](super::StorageConfig::stall_timeout)). Such a request
    /// may still be carried out by the server after the client gave up on it: a write that
    /// timed out may yet land.
    pub fn timed_out(&self) -> bool {
        let StorageError::Failed { source, .. } = self else {
            return false;
        };
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source);
        while let Some(e) = cause {
            let io_timeout = e
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
            // The HTTP client's own read timeout is not an I/O error; its kind says it.
            let http_timeout = e
                .downcast_ref::<object_store::client::HttpError>()
                .is_some_and(|h| h.kind() == object_store::client::HttpErrorKind::Timeout);
            if io_timeout || http_timeout {
                return true;
            }
            cause = e.source();
        }
        false
    }
}
