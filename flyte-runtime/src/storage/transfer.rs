//! Transfers between object storage and local files, folders and memory, at the server's
//! speed and in bounded memory:
//!
//! - [`Storage::download`]: one request for a small object; a large one in parallel ranged
//!   requests (8 MiB each, `PART`; at most 8 at once, `RANGES_IN_FLIGHT`), each streamed into
//!   the file at its offset, so memory does not grow with the object. The file lands under a
//!   staging name that is renamed into place only when it is whole.
//! - [`Storage::upload`]: one `PUT` for a small file; a large one as a multipart upload whose
//!   parts are read from the file one after another and sent 4 at a time (`PARTS_IN_FLIGHT`),
//!   so at most that many parts are in memory.
//! - [`Storage::download_files`] and [`Storage::upload_files`] (a `FlyteDirectory`'s files):
//!   64 files at once (`FILES_IN_FLIGHT`), every file under one shared bound of requests and
//!   buffered bytes, so a folder of large files stays in the same memory as one.
//! - [`Storage::read_ranged`] and [`Storage::upload_chunks`]: an object read whole into memory
//!   with parallel ranged requests, and an upload fed by a producer of chunks (a parquet
//!   encoder), both used by the tables of `dataframe` (feature `dataframe`).
//!
//! Local and in-memory stores are read as one stream: ranges buy nothing there.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use object_store::{GetOptions, GetResult, ObjectStore, ObjectStoreExt, PutPayload};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::error::StorageError;
use super::store::Storage;
use super::uri::{Scheme, StorageUri};

/// The size of an upload's parts and of a download's ranges: 8 MiB (S3's least part is
/// 5 MiB). Files up to this size go up in one `PUT`; objects up to it come down in one `GET`.
const PART: u64 = 8 << 20;

/// Parts of one upload in flight at once: an upload holds at most this many parts in memory.
const PARTS_IN_FLIGHT: usize = 4;

/// Ranged requests of one download in flight at once.
const RANGES_IN_FLIGHT: usize = 8;

/// Files of a folder transferred at once ([`Storage::download_files`],
/// [`Storage::upload_files`]); all of them share one bound of buffered bytes and of ranged
/// requests, the bound of a single file.
const FILES_IN_FLIGHT: usize = 64;

/// S3 takes at most 10,000 parts: a file over `PART * MAX_PARTS` (78 GiB) goes up in larger
/// parts.
const MAX_PARTS: u64 = 10_000;

/// The unit of the byte budget's permits.
const KIB: u64 = 1024;

/// What the transfers of one call may hold at once, shared by every file of a folder:
/// buffered upload bytes (in KiB permits) and ranged download requests.
#[derive(Clone)]
struct Limits {
    /// Bytes read from files and not yet sent, in KiB.
    buffered: Arc<Semaphore>,
    /// Ranged requests of downloads.
    ranges: Arc<Semaphore>,
}

impl Limits {
    fn new() -> Self {
        Self {
            buffered: Arc::new(Semaphore::new(
                (PARTS_IN_FLIGHT as u64 * PART / KIB) as usize,
            )),
            ranges: Arc::new(Semaphore::new(RANGES_IN_FLIGHT)),
        }
    }

    /// Waits until `bytes` more may be buffered (a part larger than the whole budget waits
    /// for all of it).
    async fn buffer(
        &self,
        bytes: u64,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, object_store::Error> {
        let total = (PARTS_IN_FLIGHT as u64 * PART / KIB) as u32;
        let kib = u32::try_from(bytes.div_ceil(KIB))
            .unwrap_or(u32::MAX)
            .clamp(1, total);
        Arc::clone(&self.buffered)
            .acquire_many_owned(kib)
            .await
            .map_err(|e| object_store::Error::Generic {
                store: "flyte-rs",
                source: Box::new(e),
            })
    }
}

/// Local I/O inside a transfer, as the store's error type (so the retry policy sees it, and
/// reads its kind: a missing or unreadable file is not retried).
fn local(path: &Path, e: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "local file",
        source: Box::new(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )),
    }
}

/// A failure outside the retried store calls (the final rename), as a [`StorageError`].
fn local_failure(op: &'static str, uri: &StorageUri, source: object_store::Error) -> StorageError {
    StorageError::Failed {
        op,
        uri: uri.original.clone(),
        attempts: 1,
        transient: false,
        source,
    }
}

/// A read that ended before the range it asked for: a dropped connection (retried).
fn cut_short(read: u64, range: &Range<u64>) -> object_store::Error {
    object_store::Error::Generic {
        store: "flyte-rs",
        source: Box::new(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!(
                "read {read} of the {} bytes at {}..{}",
                range.end - range.start,
                range.start,
                range.end
            ),
        )),
    }
}

/// A staging name beside `dest`, unique to this process and this download.
fn staging_path(dest: &Path) -> PathBuf {
    static DOWNLOADS: AtomicU64 = AtomicU64::new(0);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(
        ".{name}.{}-{}.download",
        std::process::id(),
        DOWNLOADS.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Writes all of `buf` at `offset` of `file` (a positioned write: ranges land side by side
/// without a shared cursor).
fn write_at(file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            let n = std::os::windows::fs::FileExt::seek_write(file, buf, offset)?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            buf = &buf[n..];
            offset += n as u64;
        }
        Ok(())
    }
}

/// `range` cut into pieces of `PART` bytes.
fn pieces(range: Range<u64>) -> impl Iterator<Item = Range<u64>> {
    (range.start..range.end)
        .step_by(PART as usize)
        .map(move |start| start..(start + PART).min(range.end))
}

/// Whether ranged, parallel requests pay off for this store (a remote one).
fn remote(uri: &StorageUri) -> bool {
    matches!(uri.scheme, Scheme::S3 | Scheme::Gcs)
}

/// Where a download's bytes go: a file at offsets, or a buffer in memory.
trait Sink: Sync {
    /// Puts `bytes` at `offset`.
    fn put(&self, offset: u64, bytes: &[u8]) -> Result<(), object_store::Error>;
}

/// A local file being downloaded into.
struct FileSink<'a> {
    file: &'a std::fs::File,
    path: &'a Path,
}

impl Sink for FileSink<'_> {
    fn put(&self, offset: u64, bytes: &[u8]) -> Result<(), object_store::Error> {
        write_at(self.file, bytes, offset).map_err(|e| local(self.path, e))
    }
}

/// A buffer in memory, filled by disjoint ranges from several requests at once.
struct MemorySink {
    buf: std::sync::Mutex<Vec<u8>>,
}

impl Sink for MemorySink {
    fn put(&self, offset: u64, bytes: &[u8]) -> Result<(), object_store::Error> {
        // A copy of a network chunk (tens of KiB) under the lock: short, never contended long.
        let mut buf = self
            .buf
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = offset as usize;
        let len = buf.len();
        buf.get_mut(start..start + bytes.len())
            .ok_or_else(|| object_store::Error::Generic {
                store: "flyte-rs",
                source: format!(
                    "the object grew while read: {} bytes at {start} of {len}",
                    bytes.len(),
                )
                .into(),
            })?
            .copy_from_slice(bytes);
        Ok(())
    }
}

/// Streams `got`'s body into `sink` from `range.start`, up to `range.end` (the rest of the
/// body, if any, is dropped with its connection), counting what is written in `done` when
/// given. Fails if the body ends first.
async fn drain(
    got: GetResult,
    range: Range<u64>,
    sink: &dyn Sink,
    done: Option<&AtomicU64>,
) -> Result<(), object_store::Error> {
    let mut stream = got.into_stream();
    let mut at = range.start;
    while at < range.end {
        let Some(chunk) = stream.next().await else {
            return Err(cut_short(at - range.start, &range));
        };
        let chunk = chunk?;
        let take = chunk.len().min((range.end - at) as usize);
        sink.put(at, &chunk[..take])?;
        at += take as u64;
        if let Some(done) = done {
            done.fetch_add(take as u64, Ordering::SeqCst);
        }
    }
    Ok(())
}

impl Storage {
    /// Copies the object at `uri` to the local file `dest`; returns its size. A large object
    /// comes down in parallel ranged requests written at their offsets, in bounded memory.
    /// The file appears whole or not at all (a staging name, renamed at the end).
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// storage.write("memory://b/a.txt", "hello").await.unwrap();
    /// let dest = std::env::temp_dir().join("flyte-rs-doc-download.txt");
    /// assert_eq!(storage.download("memory://b/a.txt", &dest).await.unwrap(), 5);
    /// assert_eq!(std::fs::read_to_string(&dest).unwrap(), "hello");
    /// # });
    /// ```
    pub async fn download(&self, uri: &str, dest: &Path) -> Result<u64, StorageError> {
        self.download_limited(&StorageUri::parse(uri)?, dest, &Limits::new())
            .await
    }

    /// Copies every object of `files` (`(uri, local path)`) to its path, 64 at a
    /// time, all of them within the bounds of one [`download`](Self::download); returns
    /// the bytes copied. Stops at the first failure (the files already written stay).
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// storage.write("memory://b/d/a.txt", "A").await.unwrap();
    /// storage.write("memory://b/d/b.txt", "BB").await.unwrap();
    /// let dir = std::env::temp_dir().join("flyte-rs-doc-download-files");
    /// let files = ["a.txt", "b.txt"].map(|n| (format!("memory://b/d/{n}"), dir.join(n)));
    /// assert_eq!(storage.download_files(files).await.unwrap(), 3);
    /// assert_eq!(std::fs::read_to_string(dir.join("b.txt")).unwrap(), "BB");
    /// # });
    /// ```
    pub async fn download_files(
        &self,
        files: impl IntoIterator<Item = (String, PathBuf)>,
    ) -> Result<u64, StorageError> {
        let limits = Limits::new();
        stream::iter(files)
            .map(|(uri, dest)| {
                let limits = &limits;
                async move {
                    self.download_limited(&StorageUri::parse(&uri)?, &dest, limits)
                        .await
                }
            })
            .buffer_unordered(FILES_IN_FLIGHT)
            .try_fold(0, |total, size| async move { Ok(total + size) })
            .await
    }

    async fn download_limited(
        &self,
        parsed: &StorageUri,
        dest: &Path,
        limits: &Limits,
    ) -> Result<u64, StorageError> {
        let staging = staging_path(dest);
        let result = self.download_to(parsed, &staging, limits).await;
        let renamed = result.and_then(|size| {
            std::fs::rename(&staging, dest)
                .map(|()| size)
                .map_err(|e| local_failure("download", parsed, local(dest, e)))
        });
        if renamed.is_err() {
            let _ = std::fs::remove_file(&staging);
        }
        renamed
    }

    /// The download itself, into `staging`.
    async fn download_to(
        &self,
        parsed: &StorageUri,
        staging: &Path,
        limits: &Limits,
    ) -> Result<u64, StorageError> {
        if let Some(dir) = staging.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| local_failure("download", parsed, local(dir, e)))?;
        }
        let file = std::fs::File::create(staging)
            .map_err(|e| local_failure("download", parsed, local(staging, e)))?;
        let sink = FileSink {
            file: &file,
            path: staging,
        };
        let (size, _etag) = self
            .fetch_into(parsed, &sink, limits, |size| {
                file.set_len(size).map_err(|e| local(staging, e))
            })
            .await?;
        Ok(size)
    }

    /// Reads the object at `uri` whole into memory, a large one in parallel ranged requests
    /// (as [`download`](Self::download) does into a file): for an object that is needed in
    /// memory anyway, such as a parquet file to decode.
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// storage.write("memory://b/t/00000", vec![3u8; 100]).await.unwrap();
    /// assert_eq!(storage.read_ranged("memory://b/t/00000").await.unwrap(), vec![3u8; 100]);
    /// # });
    /// ```
    pub async fn read_ranged(&self, uri: &str) -> Result<Bytes, StorageError> {
        let parsed = StorageUri::parse(uri)?;
        let sink = MemorySink {
            buf: std::sync::Mutex::new(Vec::new()),
        };
        self.fetch_into(&parsed, &sink, &Limits::new(), |size| {
            let len = usize::try_from(size).map_err(|e| object_store::Error::Generic {
                store: "flyte-rs",
                source: Box::new(e),
            })?;
            *sink
                .buf
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = vec![0; len];
            Ok(())
        })
        .await?;
        Ok(Bytes::from(
            sink.buf
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        ))
    }

    /// Fetches the object into `sink`: one `GET` gives its size and its first 8 MiB
    /// bytes (all of it for a small object, or from a local store); `sized` prepares the
    /// sink for that size before anything is put; the rest comes in ranged requests, at most
    /// `RANGES_IN_FLIGHT` of them (shared through `limits`), each pinned to the first
    /// response's ETag so that an object replaced meanwhile fails the download rather than
    /// mixing two versions. Each request is retried on its own, from where it stopped.
    /// Returns the size and ETag.
    async fn fetch_into(
        &self,
        parsed: &StorageUri,
        sink: &dyn Sink,
        limits: &Limits,
        sized: impl Fn(u64) -> Result<(), object_store::Error>,
    ) -> Result<(u64, Option<String>), StorageError> {
        let ranged = remote(parsed);
        let (size, etag) = self
            .retried("download", parsed, |store, key| {
                let sized = &sized;
                async move {
                    let got = store.get(&key).await?;
                    let (size, etag) = (got.meta.size, got.meta.e_tag.clone());
                    sized(size)?;
                    let head = if ranged { size.min(PART) } else { size };
                    drain(got, 0..head, sink, None).await?;
                    Ok((size, etag))
                }
            })
            .await?;
        if size > PART && ranged {
            stream::iter(pieces(PART..size))
                .map(|range| {
                    let etag = etag.clone();
                    async move {
                        let _permit = limits.ranges.acquire().await;
                        // What this range has written: a retry after a stall or a cut asks
                        // for the rest only (the ETag pins it to the same object).
                        let done = AtomicU64::new(0);
                        self.retried("download", parsed, |store, key| {
                            let rest = range.start + done.load(Ordering::SeqCst)..range.end;
                            let (etag, done) = (etag.clone(), &done);
                            async move {
                                if rest.is_empty() {
                                    return Ok(());
                                }
                                let options = GetOptions {
                                    range: Some(rest.clone().into()),
                                    if_match: etag,
                                    ..GetOptions::default()
                                };
                                let got = store.get_opts(&key, options).await?;
                                drain(got, rest, sink, Some(done)).await
                            }
                        })
                        .await
                    }
                })
                .buffer_unordered(RANGES_IN_FLIGHT)
                .try_for_each(|()| async { Ok(()) })
                .await?;
        }
        Ok((size, etag))
    }

    /// Copies the local file `src` to `uri`; returns its size. A file up to 8 MiB goes up in
    /// one `PUT`; a larger one as a multipart upload of 8 MiB parts, 4 at a time, read from
    /// the file as they go (so memory holds at most that many parts).
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let src = std::env::temp_dir().join("flyte-rs-doc-upload.txt");
    /// std::fs::write(&src, "hello").unwrap();
    /// let storage = Storage::default();
    /// assert_eq!(storage.upload(&src, "memory://b/a.txt").await.unwrap(), 5);
    /// assert_eq!(storage.read("memory://b/a.txt").await.unwrap(), "hello");
    /// # });
    /// ```
    pub async fn upload(&self, src: &Path, uri: &str) -> Result<u64, StorageError> {
        self.upload_limited(src, &StorageUri::parse(uri)?, &Limits::new())
            .await
    }

    /// Copies every local file of `files` (`(local path, uri)`) to its URI,
    /// 64 at a time, all of them within the memory of one
    /// [`upload`](Self::upload); returns the bytes copied. Stops at the first failure.
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let dir = std::env::temp_dir().join("flyte-rs-doc-upload-files");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.txt"), "A").unwrap();
    /// std::fs::write(dir.join("b.txt"), "BB").unwrap();
    /// let storage = Storage::default();
    /// let files = ["a.txt", "b.txt"].map(|n| (dir.join(n), format!("memory://b/d/{n}")));
    /// assert_eq!(storage.upload_files(files).await.unwrap(), 3);
    /// assert_eq!(storage.list("memory://b/d").await.unwrap(), ["a.txt", "b.txt"]);
    /// # });
    /// ```
    pub async fn upload_files(
        &self,
        files: impl IntoIterator<Item = (PathBuf, String)>,
    ) -> Result<u64, StorageError> {
        let limits = Limits::new();
        stream::iter(files)
            .map(|(src, uri)| {
                let limits = &limits;
                async move {
                    self.upload_limited(&src, &StorageUri::parse(&uri)?, limits)
                        .await
                }
            })
            .buffer_unordered(FILES_IN_FLIGHT)
            .try_fold(0, |total, size| async move { Ok(total + size) })
            .await
    }

    async fn upload_limited(
        &self,
        src: &Path,
        parsed: &StorageUri,
        limits: &Limits,
    ) -> Result<u64, StorageError> {
        self.retried("upload", parsed, |store, key| async move {
            let mut file = std::fs::File::open(src).map_err(|e| local(src, e))?;
            let size = file.metadata().map_err(|e| local(src, e))?.len();
            if size <= PART {
                let _permit = limits.buffer(size).await?;
                let mut buf = Vec::with_capacity(size as usize);
                file.read_to_end(&mut buf).map_err(|e| local(src, e))?;
                store.put(&key, PutPayload::from(buf)).await?;
                return Ok(size);
            }
            let chunks = ReadParts {
                file,
                path: src,
                left: size,
                part: PART.max(size.div_ceil(MAX_PARTS)),
            };
            upload_parts(store.as_ref(), &key, chunks, limits).await
        })
        .await
    }

    /// Uploads to `uri` the bytes that `chunks` yields, as a multipart upload of 8 MiB parts sent
    /// 4 at a time while the producer goes on (an encoder's
    /// output, say, that is never whole in memory). `chunks` is called again for each retry,
    /// and must yield the same bytes. An error from the producer aborts the upload; give it a
    /// kind that says whether retrying may help (`InvalidInput` does not). Returns the size.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// let chunks = || (0..3).map(|i| Ok(Bytes::from(vec![i as u8; 10])));
    /// assert_eq!(storage.upload_chunks("memory://b/c.bin", chunks).await.unwrap(), 30);
    /// assert_eq!(storage.read("memory://b/c.bin").await.unwrap().len(), 30);
    /// # });
    /// ```
    pub async fn upload_chunks<I>(
        &self,
        uri: &str,
        chunks: impl Fn() -> I,
    ) -> Result<u64, StorageError>
    where
        I: Iterator<Item = std::io::Result<Bytes>>,
    {
        let parsed = StorageUri::parse(uri)?;
        let limits = Limits::new();
        self.retried("upload", &parsed, |store, key| {
            let parts = Coalesced {
                chunks: chunks(),
                pending: Vec::new(),
                path: Path::new(uri),
            };
            let limits = &limits;
            async move { upload_parts(store.as_ref(), &key, parts, limits).await }
        })
        .await
    }
}

/// A source of an upload's parts, read in order; `None` at the end.
trait Parts {
    /// The next part's bytes.
    fn next_part(&mut self) -> Result<Option<Vec<u8>>, object_store::Error>;
}

/// A local file read part by part.
struct ReadParts<'a> {
    file: std::fs::File,
    path: &'a Path,
    left: u64,
    part: u64,
}

impl Parts for ReadParts<'_> {
    fn next_part(&mut self) -> Result<Option<Vec<u8>>, object_store::Error> {
        if self.left == 0 {
            return Ok(None);
        }
        let len = self.part.min(self.left);
        let mut buf = Vec::with_capacity(len as usize);
        (&mut self.file)
            .take(len)
            .read_to_end(&mut buf)
            .map_err(|e| local(self.path, e))?;
        if buf.len() as u64 != len {
            // The file shrank while read.
            return Err(local(
                self.path,
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file changed while it was uploaded",
                ),
            ));
        }
        self.left -= len;
        Ok(Some(buf))
    }
}

/// A producer's chunks gathered into parts of `PART` bytes (the last one shorter).
struct Coalesced<'a, I> {
    chunks: I,
    pending: Vec<u8>,
    path: &'a Path,
}

impl<I: Iterator<Item = std::io::Result<Bytes>>> Parts for Coalesced<'_, I> {
    fn next_part(&mut self) -> Result<Option<Vec<u8>>, object_store::Error> {
        while (self.pending.len() as u64) < PART {
            match self.chunks.next() {
                Some(chunk) => self
                    .pending
                    .extend_from_slice(&chunk.map_err(|e| local(self.path, e))?),
                None => break,
            }
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        let cut = (PART as usize).min(self.pending.len());
        let rest = self.pending.split_off(cut);
        Ok(Some(std::mem::replace(&mut self.pending, rest)))
    }
}

/// A multipart upload of `parts` to `key`: each part is read, then sent on a task of its own
/// while the next is read, at most `PARTS_IN_FLIGHT` at once and within `limits`' byte
/// budget. Any failure aborts the upload, so the store keeps no orphaned parts. An empty
/// source is uploaded as an empty object.
async fn upload_parts(
    store: &dyn ObjectStore,
    key: &object_store::path::Path,
    mut parts: impl Parts,
    limits: &Limits,
) -> Result<u64, object_store::Error> {
    let Some(first) = parts.next_part()? else {
        store.put(key, PutPayload::default()).await?;
        return Ok(0);
    };
    let mut upload = store.put_multipart(key).await?;
    let mut in_flight: JoinSet<Result<(), object_store::Error>> = JoinSet::new();
    let sent = async {
        let mut size = 0u64;
        let mut next = Some(first);
        while let Some(part) = next.take() {
            while in_flight.len() >= PARTS_IN_FLIGHT {
                joined(in_flight.join_next().await)?;
            }
            while let Some(done) = in_flight.try_join_next() {
                joined(Some(done))?;
            }
            let permit = limits.buffer(part.len() as u64).await?;
            size += part.len() as u64;
            let request = upload.put_part(PutPayload::from(part));
            in_flight.spawn(async move {
                let _permit = permit;
                request.await
            });
            // The next part is read while these go out: memory holds the parts in flight
            // (within the budget) and this one.
            next = parts.next_part()?;
        }
        while let Some(done) = in_flight.join_next().await {
            joined(Some(done))?;
        }
        Ok(size)
    }
    .await;
    match sent {
        Ok(size) => {
            upload.complete().await?;
            Ok(size)
        }
        Err(e) => {
            in_flight.abort_all();
            abort_upload(upload.as_mut(), key).await;
            Err(e)
        }
    }
}

/// How many times a failed upload's abort is tried.
const ABORT_ATTEMPTS: u32 = 3;

/// Aborts a multipart upload that failed, trying a few times: an abort that never lands
/// leaves the parts stored (and billed, though never visible as an object) until the
/// bucket's lifecycle rule `AbortIncompleteMultipartUpload` removes them, so it is worth a
/// second or two. The upload's own error is what the caller reports; this one is logged.
async fn abort_upload(
    upload: &mut dyn object_store::MultipartUpload,
    key: &object_store::path::Path,
) {
    for attempt in 1..=ABORT_ATTEMPTS {
        match upload.abort().await {
            Ok(()) => return,
            Err(e) if attempt < ABORT_ATTEMPTS => {
                tracing::warn!(key = %key, attempt, error = %e, "aborting a failed multipart upload failed; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(250 << attempt)).await;
            }
            Err(e) => tracing::error!(
                key = %key,
                error = %e,
                "could not abort a failed multipart upload: its parts stay in the bucket until \
                 its lifecycle rule (AbortIncompleteMultipartUpload) removes them"
            ),
        }
    }
}

/// The result of a part's task.
fn joined(
    done: Option<Result<Result<(), object_store::Error>, tokio::task::JoinError>>,
) -> Result<(), object_store::Error> {
    match done {
        None => Ok(()),
        Some(Ok(r)) => r,
        Some(Err(e)) => Err(object_store::Error::JoinError { source: e }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upload whose abort fails `failing` times before it lands.
    #[derive(Debug)]
    struct FlakyAbort {
        failing: u32,
        aborts: u32,
    }

    #[async_trait::async_trait]
    impl object_store::MultipartUpload for FlakyAbort {
        fn put_part(&mut self, _: PutPayload) -> object_store::UploadPart {
            Box::pin(async { Ok(()) })
        }
        async fn complete(&mut self) -> object_store::Result<object_store::PutResult> {
            unreachable!("the upload failed")
        }
        async fn abort(&mut self) -> object_store::Result<()> {
            self.aborts += 1;
            if self.aborts <= self.failing {
                return Err(object_store::Error::Generic {
                    store: "test",
                    source: "the answer was lost".into(),
                });
            }
            Ok(())
        }
    }

    #[test]
    fn a_failed_uploads_abort_is_tried_again_and_gives_up_after_a_few() {
        let key = object_store::path::Path::from("out/big");
        for (failing, expected) in [(0, 1), (1, 2), (2, 3), (9, ABORT_ATTEMPTS)] {
            let mut upload = FlakyAbort { failing, aborts: 0 };
            block_on(abort_upload(&mut upload, &key));
            assert_eq!(upload.aborts, expected, "abort failing {failing} times");
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn a_file_larger_than_a_part_goes_up_and_comes_back_the_same() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-transfer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data = data(3 * PART as usize + 123);
        let src = dir.join("src.bin");
        std::fs::write(&src, &data).unwrap();
        let s = Storage::default();
        block_on(async {
            for uri in [
                "memory://b/big.bin".to_string(),
                format!("file://{}", dir.join("copy/big.bin").display()),
            ] {
                assert_eq!(s.upload(&src, &uri).await.unwrap(), data.len() as u64);
                let back = dir.join("back/big.bin");
                assert_eq!(s.download(&uri, &back).await.unwrap(), data.len() as u64);
                assert_eq!(std::fs::read(&back).unwrap(), data, "{uri}");
                assert_eq!(s.read_ranged(&uri).await.unwrap(), data, "{uri}");
            }
            let missing = s.download("memory://b/none", &dir.join("none")).await;
            assert!(
                matches!(missing, Err(StorageError::NotFound { .. })),
                "{missing:?}"
            );
            assert!(!dir.join("none").exists());
            assert!(
                !std::fs::read_dir(&dir).unwrap().any(|e| e
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".download")),
                "no staging file is left"
            );
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn empty_files_and_chunks_of_any_size_make_whole_objects() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-transfer-e-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("empty"), b"").unwrap();
        let s = Storage::default();
        block_on(async {
            assert_eq!(
                s.upload(&dir.join("empty"), "memory://b/e").await.unwrap(),
                0
            );
            assert_eq!(
                s.download("memory://b/e", &dir.join("back")).await.unwrap(),
                0
            );
            assert_eq!(std::fs::read(dir.join("back")).unwrap(), b"");
            // Chunks that straddle part boundaries.
            let data = data(2 * PART as usize + 5);
            let chunks = || data.chunks(3 << 20).map(|c| Ok(Bytes::copy_from_slice(c)));
            assert_eq!(
                s.upload_chunks("memory://b/c", chunks).await.unwrap(),
                data.len() as u64
            );
            assert_eq!(s.read("memory://b/c").await.unwrap(), data);
            assert_eq!(
                s.upload_chunks("memory://b/none", std::iter::empty)
                    .await
                    .unwrap(),
                0
            );
            assert!(s.read("memory://b/none").await.unwrap().is_empty());
            // A producer's error is the upload's, not retried when it says so.
            let failing = || {
                std::iter::once(Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "cannot encode",
                )))
            };
            let e = s.upload_chunks("memory://b/f", failing).await.unwrap_err();
            assert!(
                !e.is_transient() && e.to_string().contains("cannot encode"),
                "{e}"
            );
            assert!(!s.exists("memory://b/f").await.unwrap());
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn many_files_go_up_and_down_together() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-transfer-m-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("up")).unwrap();
        let files: Vec<(String, Vec<u8>)> = (0..100)
            .map(|i| {
                (
                    format!("f{i:03}"),
                    data(i * 37 + if i == 7 { PART as usize + 1 } else { 0 }),
                )
            })
            .collect();
        for (name, bytes) in &files {
            std::fs::write(dir.join("up").join(name), bytes).unwrap();
        }
        let s = Storage::default();
        block_on(async {
            let total: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
            let up = files
                .iter()
                .map(|(n, _)| (dir.join("up").join(n), format!("memory://b/m/{n}")));
            assert_eq!(s.upload_files(up).await.unwrap(), total);
            let down = files
                .iter()
                .map(|(n, _)| (format!("memory://b/m/{n}"), dir.join("down").join(n)));
            assert_eq!(s.download_files(down).await.unwrap(), total);
            for (name, bytes) in &files {
                assert_eq!(&std::fs::read(dir.join("down").join(name)).unwrap(), bytes);
            }
            let missing = [("memory://b/m/nope".to_string(), dir.join("down/nope"))];
            assert!(matches!(
                s.download_files(missing).await,
                Err(StorageError::NotFound { .. })
            ));
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pieces_cover_a_range_in_parts() {
        let p: Vec<_> = pieces(PART..3 * PART + 1).collect();
        assert_eq!(
            p,
            [PART..2 * PART, 2 * PART..3 * PART, 3 * PART..3 * PART + 1]
        );
        assert_eq!(pieces(5..5).count(), 0);
    }
}
