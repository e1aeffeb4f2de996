//! [`FaultyStore`]: an object store (test-only) that wraps an in-memory store and injects a
//! fault into chosen calls — fail (transiently or for good), delay, truncate what a read
//! returns, or write part of an object and then fail — so that tests can show what a run
//! leaves behind under each fault. Every call is counted and logged as `op key`.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

/// What happens to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A network-like error the runtime should retry (connection reset).
    Transient,
    /// An error that retrying cannot fix (permission denied).
    Permanent,
    /// The call succeeds after this delay.
    Delay(Duration),
    /// A read returns only the first half of the object.
    TruncatedRead,
    /// A write stores the first half of the object, then fails transiently.
    PartialWrite,
}

/// When a fault strikes: on call number `from` (1-based, counting every call), and on
/// `times` calls from there (`usize::MAX`: every later call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The fault.
    pub fault: Fault,
    /// The first call it strikes.
    pub from: usize,
    /// How many calls in a row it strikes.
    pub times: usize,
}

/// The store. Clone the `Arc` to mount it and keep a handle for the call log.
#[derive(Debug, Default)]
pub struct FaultyStore {
    inner: InMemory,
    calls: AtomicUsize,
    plans: Mutex<Vec<Plan>>,
    log: Mutex<Vec<String>>,
}

impl fmt::Display for FaultyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FaultyStore")
    }
}

fn io_error(kind: std::io::ErrorKind, what: &str) -> object_store::Error {
    object_store::Error::Generic {
        store: "FaultyStore",
        source: Box::new(std::io::Error::new(kind, what.to_string())),
    }
}

impl FaultyStore {
    /// A store with these fault plans.
    pub fn new(plans: &[Plan]) -> Arc<Self> {
        Arc::new(Self {
            plans: Mutex::new(plans.to_vec()),
            ..Self::default()
        })
    }

    /// Puts an object without counting a call (test set-up).
    pub async fn seed(&self, key: &str, bytes: Vec<u8>) {
        self.inner
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .expect("seed the in-memory store");
    }

    /// Reads an object without counting a call (test checks).
    pub async fn peek(&self, key: &str) -> Option<Bytes> {
        match self.inner.get(&Path::from(key)).await {
            Ok(r) => Some(r.bytes().await.expect("in-memory read")),
            Err(_) => None,
        }
    }

    /// Every call so far, as `op key`.
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Counts a call and returns the fault that strikes it, if any.
    fn call(&self, op: &str, key: &Path) -> Option<Fault> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!("{op} {key}"));
        self.plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|p| n >= p.from && n - p.from < p.times)
            .map(|p| p.fault)
    }

    async fn strike(&self, fault: Option<Fault>, key: &Path) -> Result<()> {
        match fault {
            Some(Fault::Transient) => Err(io_error(
                std::io::ErrorKind::ConnectionReset,
                "injected: connection reset",
            )),
            Some(Fault::Permanent) => Err(object_store::Error::PermissionDenied {
                path: key.to_string(),
                source: "injected: access denied".into(),
            }),
            Some(Fault::Delay(d)) => {
                tokio::time::sleep(d).await;
                Ok(())
            }
            Some(Fault::TruncatedRead) | Some(Fault::PartialWrite) | None => Ok(()),
        }
    }
}

#[async_trait]
impl ObjectStore for FaultyStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        let fault = self.call("put", location);
        if fault == Some(Fault::PartialWrite) {
            let whole: Bytes = payload.into();
            let half = whole.slice(..whole.len() / 2);
            self.inner.put(location, PutPayload::from(half)).await?;
            return Err(io_error(
                std::io::ErrorKind::BrokenPipe,
                "injected: connection lost mid-upload",
            ));
        }
        self.strike(fault, location).await?;
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        let fault = self.call("put_multipart", location);
        self.strike(fault, location).await?;
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let op = match (&options.head, &options.range) {
            (true, _) => "head".to_string(),
            (false, Some(range)) => format!("get {range}"),
            (false, None) => "get".to_string(),
        };
        let fault = self.call(&op, location);
        self.strike(fault, location).await?;
        let result = self.inner.get_opts(location, options).await?;
        if fault != Some(Fault::TruncatedRead) {
            return Ok(result);
        }
        // The object's metadata and range still say its full size, as a connection that
        // drops mid-body would.
        let GetResult {
            meta,
            range,
            attributes,
            extensions,
            payload,
        } = result;
        let whole = match payload {
            GetResultPayload::Stream(s) => object_store::collect_bytes(s, None).await?,
            GetResultPayload::File(..) => unreachable!("the in-memory store returns streams"),
        };
        let half = whole.slice(..whole.len() / 2);
        Ok(GetResult {
            payload: GetResultPayload::Stream(stream::once(async move { Ok(half) }).boxed()),
            meta,
            range,
            attributes,
            extensions,
        })
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        // Deletes are counted one stream at a time (the runtime deletes one object per call).
        let fault = self.call("delete", &Path::from("(stream)"));
        match fault {
            Some(Fault::Transient) | Some(Fault::PartialWrite) => stream::once(async {
                Err(io_error(
                    std::io::ErrorKind::ConnectionReset,
                    "injected: connection reset",
                ))
            })
            .boxed(),
            Some(Fault::Permanent) => stream::once(async {
                Err(object_store::Error::PermissionDenied {
                    path: "(delete)".into(),
                    source: "injected: access denied".into(),
                })
            })
            .boxed(),
            _ => self.inner.delete_stream(locations),
        }
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let fault = self.call("list", prefix.unwrap_or(&Path::from("")));
        self.strike(fault, prefix.unwrap_or(&Path::from("")))
            .await?;
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        let fault = self.call("copy", to);
        self.strike(fault, to).await?;
        self.inner.copy_opts(from, to, options).await
    }
}
