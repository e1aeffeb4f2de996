//! [`Storage`]: one handle to every store a run touches, chosen by URI.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use super::config::{SdkEnv, StorageConfig};
use super::error::StorageError;
use super::local_file::write_staged;
use super::retry::is_transient;
use super::stall::StallGuardConnector;
use super::uri::{Scheme, StorageUri};
use crate::contract::env::{self, GCS_SERVICE_ACCOUNT};

type StoreKey = (Scheme, String);

/// Reads and writes blobs by URI. Cheap to clone; clones share their stores and connections.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
    /// Retry transient faults as long as a try can start before this instant, instead of
    /// the policy's count of tries ([`Storage::retrying_until`]).
    deadline: Option<std::time::Instant>,
}

/// Whether an object holds the bytes a write meant to leave there ([`Storage::landed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Landed {
    /// The object is there, byte for byte.
    Whole,
    /// There is no object.
    Absent,
    /// There is an object, and it is not those bytes.
    Other,
}

struct Inner {
    config: StorageConfig,
    stores: Mutex<HashMap<StoreKey, Arc<dyn ObjectStore>>>,
    /// Whether a store was mounted for local paths (then every local call goes through it).
    local_mounted: AtomicBool,
}

/// Local objects up to this size are read and written on the calling thread: handing a
/// small file to the blocking pool, as `object_store`'s local store does, costs more than
/// the I/O itself (a thread hand-off each way, and at start-up a new thread).
const INLINE_LOCAL_BYTES: u64 = 1 << 20;

/// An I/O error on a local file as `object_store` reports it, with the path in the message
/// and the error kind kept (the retry policy reads it).
fn local_error(path: &std::path::Path, e: std::io::Error) -> object_store::Error {
    let message = format!("{}: {e}", path.display());
    if e.kind() == std::io::ErrorKind::NotFound {
        object_store::Error::NotFound {
            path: path.display().to_string(),
            source: Box::new(std::io::Error::new(e.kind(), message)),
        }
    } else {
        object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::new(e.kind(), message)),
        }
    }
}

/// Reads a small local file whole: `Ok(None)` if it is over [`INLINE_LOCAL_BYTES`] (read it
/// through the store), `Ok(Some(Err(size)))` if it is over `limit`.
fn read_small_file(
    path: &std::path::Path,
    limit: u64,
) -> Result<Option<Result<Bytes, u64>>, object_store::Error> {
    use std::io::Read;
    let io = |e| local_error(path, e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Ok(Some(Err(size)));
    }
    if size > INLINE_LOCAL_BYTES {
        return Ok(None);
    }
    let mut buf = Vec::with_capacity(size as usize);
    file.read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 != size {
        return Err(cut_short("LocalFileSystem", buf.len(), size));
    }
    Ok(Some(Ok(Bytes::from(buf))))
}

/// A read that returned fewer (or more) bytes than the object holds: a dropped connection
/// the client did not notice, or a file changed while read. Transient (retried), and never
/// an object to decode.
fn cut_short(store: &'static str, read: usize, expected: u64) -> object_store::Error {
    object_store::Error::Generic {
        store,
        source: Box::new(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("read {read} of the object's {expected} bytes"),
        )),
    }
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// The default configuration; `memory://` URIs live as long as the storage does (tests,
/// examples).
impl Default for Storage {
    fn default() -> Self {
        Self::new(StorageConfig::default())
    }
}

impl Storage {
    /// Storage with this configuration; stores are made on first use of each bucket.
    pub fn new(config: StorageConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                stores: Mutex::new(HashMap::new()),
                local_mounted: AtomicBool::new(false),
            }),
            deadline: None,
        }
    }

    /// The same storage (its stores and connections shared), whose operations retry
    /// transient faults as long as a try can start before `deadline` (one try at least),
    /// instead of the policy's count of tries. For the run's last report, which is worth a
    /// longer wait ([`RetryPolicy::report_patience`](super::RetryPolicy::report_patience))
    /// and must end by a known time.
    pub(crate) fn retrying_until(&self, deadline: std::time::Instant) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            deadline: Some(deadline),
        }
    }

    /// Runs `op` under the retry policy (or until this handle's deadline).
    async fn run_retried<T, F, Fut>(
        &self,
        what: &str,
        op: F,
    ) -> (Result<T, object_store::Error>, u32)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, object_store::Error>>,
    {
        self.inner
            .config
            .retry
            .run_until(what, self.deadline, op)
            .await
    }

    /// Storage configured from the process environment now ([`StorageConfig::from_env`]);
    /// a run configures it from its snapshot instead ([`from_pod_env`](Self::from_pod_env)).
    pub fn from_env() -> Self {
        Self::new(StorageConfig::from_env())
    }

    /// Storage configured from a run's environment ([`StorageConfig::from_pod_env`]).
    pub fn from_pod_env(env: &crate::contract::PodEnv) -> Self {
        Self::new(StorageConfig::from_pod_env(env))
    }

    /// The configuration in use.
    pub fn config(&self) -> &StorageConfig {
        &self.inner.config
    }

    /// Serves every URI under `prefix` (`s3://bucket`, `memory://name`, or `file:///` for
    /// all local paths) from `store`: a test double, a wrapper that injects faults, or a
    /// store configured by hand.
    pub fn mount(&self, prefix: &str, store: Arc<dyn ObjectStore>) -> Result<(), StorageError> {
        let uri = StorageUri::parse(prefix)?;
        if uri.scheme == Scheme::Local {
            self.inner.local_mounted.store(true, Ordering::SeqCst);
        }
        let key = (uri.scheme, uri.bucket);
        self.lock().insert(key, store);
        Ok(())
    }

    /// The local path of `uri` when it is read and written here rather than through a store.
    fn inline_path<'u>(&self, uri: &'u StorageUri) -> Option<&'u std::path::Path> {
        if self.inner.local_mounted.load(Ordering::SeqCst) {
            return None;
        }
        uri.local_path.as_deref()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<StoreKey, Arc<dyn ObjectStore>>> {
        // A panic while holding this lock cannot leave the map half-updated (one insert).
        self.inner
            .stores
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn store(&self, uri: &StorageUri) -> Result<Arc<dyn ObjectStore>, StorageError> {
        let key = (uri.scheme, uri.bucket.clone());
        if let Some(s) = self.lock().get(&key) {
            return Ok(Arc::clone(s));
        }
        let store = self.make_store(uri)?;
        Ok(Arc::clone(self.lock().entry(key).or_insert(store)))
    }

    fn make_store(&self, uri: &StorageUri) -> Result<Arc<dyn ObjectStore>, StorageError> {
        let config = &self.inner.config;
        let config_error = |source| StorageError::Config {
            uri: uri.original.clone(),
            source,
        };
        // Retries are ours (one policy for every store, see RetryPolicy); the HTTP client's
        // own retry loop is turned off so faults are not retried twice over.
        let no_client_retry = RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        };
        // No limit on a request's total time: a transfer that progresses is never cut. A
        // request that stops progressing is abandoned by the stall guard (stall.rs).
        let client = ClientOptions::new()
            .with_connect_timeout(config.connect_timeout)
            .with_timeout_disabled();
        let http = StallGuardConnector::new(config);
        Ok(match uri.scheme {
            Scheme::Local => Arc::new(LocalFileSystem::new()),
            Scheme::Memory => Arc::new(InMemory::new()),
            Scheme::S3 => {
                let s3 = &config.s3;
                // What `AmazonS3Builder::from_env` reads, from the run's snapshot instead.
                let mut b = sdk_config(
                    AmazonS3Builder::new(),
                    &config.sdk_env,
                    env::AWS_SDK_PREFIX,
                    |b, k, v| b.with_config(k, v),
                )
                .with_bucket_name(&uri.bucket)
                .with_retry(no_client_retry)
                .with_http_connector(http);
                let mut client = client;
                if let Some(endpoint) = &s3.endpoint {
                    client = client.with_allow_http(endpoint.starts_with("http://"));
                    b = b.with_endpoint(endpoint);
                }
                if let Some(k) = &s3.access_key_id {
                    b = b.with_access_key_id(k);
                }
                if let Some(k) = &s3.secret_access_key {
                    b = b.with_secret_access_key(k);
                }
                // Else object_store's own reading of `AWS_REGION`, then `us-east-1`.
                if let Some(region) = &s3.region {
                    b = b.with_region(region);
                }
                Arc::new(
                    b.with_client_options(client)
                        .build()
                        .map_err(config_error)?,
                )
            }
            Scheme::Gcs => {
                // What `GoogleCloudStorageBuilder::from_env` reads, from the run's snapshot.
                let mut b = sdk_config(
                    GoogleCloudStorageBuilder::new(),
                    &config.sdk_env,
                    env::GCS_SDK_PREFIX,
                    |b, k, v| b.with_config(k, v),
                );
                if let Some(path) = config.sdk_env.get(GCS_SERVICE_ACCOUNT.name) {
                    b = b.with_service_account_path(path);
                }
                Arc::new(
                    b.with_bucket_name(&uri.bucket)
                        .with_retry(no_client_retry)
                        .with_http_connector(http)
                        .with_client_options(client)
                        .build()
                        .map_err(config_error)?,
                )
            }
        })
    }

    fn failed(
        op: &'static str,
        uri: &StorageUri,
        attempts: u32,
        e: object_store::Error,
    ) -> StorageError {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound {
                uri: uri.original.clone(),
            },
            e => StorageError::Failed {
                op,
                uri: uri.original.clone(),
                attempts,
                transient: is_transient(&e),
                source: e,
            },
        }
    }

    /// Runs `op` on the store and key of `uri` under the retry policy; `what` names the
    /// operation in errors.
    pub(super) async fn retried<T, F, Fut>(
        &self,
        what: &'static str,
        uri: &StorageUri,
        op: F,
    ) -> Result<T, StorageError>
    where
        F: Fn(Arc<dyn ObjectStore>, object_store::path::Path) -> Fut,
        Fut: std::future::Future<Output = Result<T, object_store::Error>>,
    {
        let store = self.store(uri)?;
        let (r, attempts) = self
            .run_retried(&uri.original, || op(Arc::clone(&store), uri.key.clone()))
            .await;
        r.map_err(|e| Self::failed(what, uri, attempts, e))
    }

    /// Reads the whole object at `uri`.
    pub async fn read(&self, uri: &str) -> Result<Bytes, StorageError> {
        self.read_at_most(uri, u64::MAX).await
    }

    /// Reads the whole object at `uri` if it is at most `limit` bytes; a larger object is
    /// refused ([`StorageError::TooLarge`]) from its metadata, before its body is read.
    ///
    /// ```
    /// use flyte_runtime::storage::{Storage, StorageError};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// storage.write("memory://b/inputs.pb", vec![0u8; 100]).await.unwrap();
    /// assert_eq!(storage.read_at_most("memory://b/inputs.pb", 100).await.unwrap().len(), 100);
    /// let e = storage.read_at_most("memory://b/inputs.pb", 99).await.unwrap_err();
    /// assert!(matches!(e, StorageError::TooLarge { size: 100, limit: 99, .. }));
    /// # });
    /// ```
    pub async fn read_at_most(&self, uri: &str, limit: u64) -> Result<Bytes, StorageError> {
        let parsed = StorageUri::parse(uri)?;
        if let Some(path) = self.inline_path(&parsed) {
            let (read, attempts) = self
                .run_retried(&parsed.original, || async { read_small_file(path, limit) })
                .await;
            match read {
                Ok(Some(Ok(bytes))) => return Ok(bytes),
                Ok(Some(Err(size))) => {
                    return Err(StorageError::TooLarge {
                        uri: uri.to_string(),
                        size,
                        limit,
                    })
                }
                // Larger than INLINE_LOCAL_BYTES: the store reads it on the blocking pool.
                Ok(None) => {}
                Err(e) => return Err(Self::failed("read", &parsed, attempts, e)),
            }
        }
        let read = self
            .retried("read", &parsed, |store, key| async move {
                let got = store.get(&key).await?;
                let expected = got.range.end - got.range.start;
                if expected > limit {
                    return Ok(Err(expected));
                }
                let bytes = got.bytes().await?;
                if bytes.len() as u64 != expected {
                    return Err(cut_short("flyte-rs", bytes.len(), expected));
                }
                Ok(Ok(bytes))
            })
            .await?;
        read.map_err(|size| StorageError::TooLarge {
            uri: uri.to_string(),
            size,
            limit,
        })
    }

    /// Writes `bytes` to `uri`, atomically: readers see the old object (or none) until the
    /// whole new one is in place.
    pub async fn write(&self, uri: &str, bytes: impl Into<Bytes>) -> Result<(), StorageError> {
        let bytes: Bytes = bytes.into();
        let parsed = StorageUri::parse(uri)?;
        if let Some(path) = self
            .inline_path(&parsed)
            .filter(|_| bytes.len() as u64 <= INLINE_LOCAL_BYTES)
        {
            // As the local store: a staging file renamed into place, not flushed to disk.
            let (r, attempts) = self
                .run_retried(&parsed.original, || async {
                    write_staged(path, &bytes, false).map_err(|e| local_error(path, e))
                })
                .await;
            return r.map_err(|e| Self::failed("write", &parsed, attempts, e));
        }
        let payload = PutPayload::from(bytes);
        self.retried("write", &parsed, |store, key| {
            let payload = payload.clone();
            async move { store.put(&key, payload).await.map(|_| ()) }
        })
        .await
    }

    /// [`write`](Self::write), with the object's `Content-Type` set where the store keeps
    /// one (S3, GCS: what a browser is told when it opens a signed URL to it); a store that
    /// keeps none (a local folder) gets the bytes alone.
    pub async fn write_with_content_type(
        &self,
        uri: &str,
        bytes: impl Into<Bytes>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let bytes: Bytes = bytes.into();
        let parsed = StorageUri::parse(uri)?;
        if self.inline_path(&parsed).is_some() {
            return self.write(uri, bytes).await;
        }
        let payload = PutPayload::from(bytes);
        let content_type = content_type.to_string();
        self.retried("write", &parsed, |store, key| {
            let payload = payload.clone();
            let mut attributes = object_store::Attributes::new();
            attributes.insert(
                object_store::Attribute::ContentType,
                content_type.clone().into(),
            );
            let opts = object_store::PutOptions {
                attributes,
                ..Default::default()
            };
            async move {
                match store.put_opts(&key, payload.clone(), opts).await {
                    Err(object_store::Error::NotImplemented { .. }) => {
                        store.put(&key, payload).await.map(|_| ())
                    }
                    r => r.map(|_| ()),
                }
            }
        })
        .await
    }

    /// Deletes the object at `uri`; a missing object is not an error.
    pub async fn delete(&self, uri: &str) -> Result<(), StorageError> {
        self.retried(
            "delete",
            &StorageUri::parse(uri)?,
            |store, key| async move {
                match store.delete(&key).await {
                    Err(object_store::Error::NotFound { .. }) => Ok(()),
                    other => other,
                }
            },
        )
        .await
    }

    /// The objects directly inside the folder `prefix`, as names relative to it, sorted
    /// (a folder of parquet parts, say). An absent folder lists as empty.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.retried(
            "list",
            &StorageUri::parse(prefix)?,
            |store, key| async move {
                let listed = match store.list_with_delimiter(Some(&key)).await {
                    Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
                    other => other?,
                };
                let mut names: Vec<String> = listed
                    .objects
                    .iter()
                    .filter_map(|o| o.location.filename().map(str::to_string))
                    .collect();
                names.sort();
                Ok(names)
            },
        )
        .await
    }

    /// Every object under the folder `prefix`, at any depth, as `/`-separated paths relative
    /// to it, sorted (a `FlyteDirectory`'s files). An absent folder lists as empty.
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// for name in ["d/a.txt", "d/sub/b.txt", "e/c.txt"] {
    ///     storage.write(&format!("memory://b/{name}"), "x").await.unwrap();
    /// }
    /// assert_eq!(storage.list_all("memory://b/d").await.unwrap(), ["a.txt", "sub/b.txt"]);
    /// # });
    /// ```
    pub async fn list_all(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        use futures_util::TryStreamExt;
        self.retried(
            "list",
            &StorageUri::parse(prefix)?,
            |store, key| async move {
                let listed: Vec<object_store::ObjectMeta> =
                    match store.list(Some(&key)).try_collect().await {
                        Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
                        other => other?,
                    };
                let mut names: Vec<String> = listed
                    .iter()
                    .filter_map(|o| {
                        o.location
                            .prefix_match(&key)
                            .map(|parts| parts.map(|p| p.as_ref().to_string()).collect())
                    })
                    .map(|parts: Vec<String>| parts.join("/"))
                    .filter(|name| !name.is_empty())
                    .collect();
                names.sort();
                Ok(names)
            },
        )
        .await
    }

    /// Whether the object at `uri` holds exactly `bytes`: how a writer whose write failed
    /// finds out whether it landed anyway (its answer lost, or the request carried out
    /// after the client gave up on it). Reads the object back, at most `bytes.len()` of it.
    pub(crate) async fn landed(&self, uri: &str, bytes: &[u8]) -> Result<Landed, StorageError> {
        match self.read_at_most(uri, bytes.len() as u64).await {
            Ok(found) if found.as_ref() == bytes => Ok(Landed::Whole),
            Ok(_) | Err(StorageError::TooLarge { .. }) => Ok(Landed::Other),
            Err(StorageError::NotFound { .. }) => Ok(Landed::Absent),
            Err(e) => Err(e),
        }
    }

    /// Whether an object exists at `uri`.
    pub async fn exists(&self, uri: &str) -> Result<bool, StorageError> {
        self.retried("check", &StorageUri::parse(uri)?, |store, key| async move {
            match store.head(&key).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(e),
            }
        })
        .await
    }
}

/// `builder` with each of `env`'s variables under `prefix` that `object_store` knows as one
/// of its config keys (`from_env`'s rule: the name in lower case, parsed as the key).
pub(super) fn sdk_config<B, K: std::str::FromStr>(
    mut builder: B,
    env: &SdkEnv,
    prefix: &str,
    apply: impl Fn(B, K, &str) -> B,
) -> B {
    for (name, value) in env.starting_with(prefix) {
        if let Ok(key) = name.to_ascii_lowercase().parse::<K>() {
            builder = apply(builder, key, value);
        }
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn local_round_trip_creates_parents_and_leaves_no_staging_files() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-storage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Storage::default();
        let uri = format!("file://{}/a/b/outputs.pb", dir.display());
        block_on(async {
            s.write(&uri, b"one".to_vec()).await.unwrap();
            s.write(&uri, b"two".to_vec()).await.unwrap();
            assert_eq!(&s.read(&uri).await.unwrap()[..], b"two");
            assert!(s.exists(&uri).await.unwrap());
            s.delete(&uri).await.unwrap();
            s.delete(&uri).await.unwrap();
            assert!(!s.exists(&uri).await.unwrap());
        });
        let left: Vec<_> = std::fs::read_dir(dir.join("a/b")).unwrap().collect();
        assert!(left.is_empty(), "staging files left behind: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn large_local_objects_go_through_the_store_and_small_ones_stay_inline() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-storage-big-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Storage::default();
        let big = vec![7u8; (INLINE_LOCAL_BYTES + 1) as usize];
        let (big_uri, small_uri) = (
            format!("{}/big.bin", dir.display()),
            format!("{}/deep/small.bin", dir.display()),
        );
        block_on(async {
            s.write(&big_uri, big.clone()).await.unwrap();
            s.write(&small_uri, b"small".to_vec()).await.unwrap();
            assert_eq!(s.read(&big_uri).await.unwrap().len(), big.len());
            assert_eq!(&s.read(&small_uri).await.unwrap()[..], b"small");
            let e = s.read_at_most(&big_uri, 10).await.unwrap_err();
            assert!(
                matches!(e, StorageError::TooLarge { limit: 10, .. }),
                "{e:?}"
            );
            // A folder is not an object: an error, not retried.
            let e = s.read(&dir.display().to_string()).await.unwrap_err();
            assert!(!e.is_transient(), "{e:?}");
            let e = s
                .read(&format!("{}/nope", dir.display()))
                .await
                .unwrap_err();
            assert!(matches!(e, StorageError::NotFound { .. }), "{e:?}");
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn list_names_the_objects_of_a_folder_only() {
        let s = Storage::default();
        block_on(async {
            for key in ["t/00001", "t/00000", "t/deeper/x", "u/00000"] {
                s.write(&format!("memory://b/{key}"), b"x".to_vec())
                    .await
                    .unwrap();
            }
            assert_eq!(s.list("memory://b/t").await.unwrap(), ["00000", "00001"]);
            assert!(s.list("memory://b/none").await.unwrap().is_empty());
        });
    }

    #[test]
    fn missing_object_is_not_found_and_not_retried() {
        let s = Storage::default();
        let e = block_on(s.read("memory://b/nothing.pb")).unwrap_err();
        assert!(matches!(e, StorageError::NotFound { .. }), "{e:?}");
        assert!(!e.is_transient());
        assert!(e.to_string().contains("memory://b/nothing.pb"));
    }

    #[test]
    fn memory_buckets_are_separate_and_shared_by_clones() {
        let s = Storage::default();
        let c = s.clone();
        block_on(async {
            s.write("memory://one/k", b"1".to_vec()).await.unwrap();
            assert!(c.exists("memory://one/k").await.unwrap());
            assert!(!c.exists("memory://two/k").await.unwrap());
        });
    }
}
