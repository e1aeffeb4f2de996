//! The transfer benchmarks of `flyte-bench` (driven by `bench.py`, and by
//! `tests/transfers.rs` for the memory bound), each against the S3 server that the
//! `FLYTE_AWS_*` variables name, each printing one JSON object with its times and the
//! process's peak RSS (`VmHWM`):
//!
//! - `file PREFIX SRC`: `ctx.upload` of the local file SRC under the raw output prefix PREFIX,
//!   then `ctx.download` of it; checks the copy byte for byte against SRC.
//! - `dir PREFIX SRC`: `ctx.upload_dir`, then `ctx.download_dir`; checks every file.
//! - `table PREFIX ROWS`: a table of ROWS rows (`id` int64, `x` float64, `label` 16-character
//!   string, as `bench_transfers.py` makes it for pandas) written with
//!   `dataframe::write_parquet` and read back with `read_parquet`.
//! - `floor BUCKET BYTES FILES FILE_BYTES`: the server's own limit, by a plain parallel client
//!   (object_store alone, no files, nothing kept): BYTES up as one multipart upload of 16 MiB
//!   parts from one buffer, 8 at once, and down in 16 MiB ranges, 8 at once; FILES objects of
//!   FILE_BYTES up and down, 64 at once.
//!
//! The runtime is tokio's multi-thread one with two workers, as an executor's: the transfer on
//! one, the connections' tasks on the other.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow_array::{Float64Array, Int64Array, RecordBatch, StringArray};
use bytes::Bytes;
use flyte_runtime::context::{ExecutionContext, ScratchDir};
use flyte_runtime::storage::Storage;
use flyte_runtime::types::{FlyteDirectory, FlyteFile};
use futures_util::{StreamExt, TryStreamExt};
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

type Result<T> = std::result::Result<T, String>;

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio: {e}"))
}

fn peak_rss_kib() -> u64 {
    flyte_tests::proc_status_kib("VmHWM")
}

/// An execution context writing under `prefix`, its scratch folder beside `near` (on the
/// same file system as the source, so that both sides write to the same kind of disk).
/// Returns it with its scratch folder, which the caller removes.
fn context(prefix: &str, near: &Path) -> (ExecutionContext, PathBuf) {
    let scratch = near
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("flyte-bench-scratch-{}", std::process::id()));
    let ctx = ExecutionContext::from_env(prefix, ScratchDir::at(scratch.clone()))
        .with_storage(Storage::from_env());
    (ctx, scratch)
}

/// Whether two files hold the same bytes, read a MiB at a time.
fn same_file(a: &Path, b: &Path) -> Result<bool> {
    let open = |p: &Path| std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()));
    let (mut fa, mut fb) = (open(a)?, open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = read_full(&mut fa, &mut ba).map_err(|e| format!("{}: {e}", a.display()))?;
        let nb = read_full(&mut fb, &mut bb).map_err(|e| format!("{}: {e}", b.display()))?;
        if na != nb || ba[..na] != bb[..nb] {
            return Ok(false);
        }
        if na == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// `ctx.upload` then `ctx.download` of one file.
pub(crate) fn file(prefix: &str, src: &str) -> Result<String> {
    let src = PathBuf::from(src);
    let (ctx, scratch) = context(prefix, &src);
    let bytes = std::fs::metadata(&src)
        .map_err(|e| format!("{}: {e}", src.display()))?
        .len();
    let rt = runtime()?;
    let (up, down, local, remote) = rt.block_on(async {
        let t = Instant::now();
        let remote: FlyteFile = ctx.upload(&src).await.map_err(|e| e.to_string())?;
        let up = t.elapsed();
        let t = Instant::now();
        let local = ctx.download(&remote).await.map_err(|e| e.to_string())?;
        Ok::<_, String>((up, t.elapsed(), local, remote))
    })?;
    let identical = same_file(&src, &local)?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(format!(
        "{{\"bytes\": {bytes}, \"up_s\": {:.4}, \"down_s\": {:.4}, \"identical\": {identical}, \
         \"uri\": {:?}, \"peak_rss_kib\": {}}}",
        up.as_secs_f64(),
        down.as_secs_f64(),
        remote.uri(),
        peak_rss_kib()
    ))
}

/// Every file under `root`, as paths relative to it, sorted.
fn files_under(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(
                    path.strip_prefix(root)
                        .map_err(|e| e.to_string())?
                        .to_path_buf(),
                );
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `ctx.upload_dir` then `ctx.download_dir` of one folder.
pub(crate) fn dir(prefix: &str, src: &str) -> Result<String> {
    let src = PathBuf::from(src);
    let (ctx, scratch) = context(prefix, &src);
    let files = files_under(&src)?;
    let rt = runtime()?;
    let (up, down, local) = rt.block_on(async {
        let t = Instant::now();
        let remote: FlyteDirectory = ctx.upload_dir(&src).await.map_err(|e| e.to_string())?;
        let up = t.elapsed();
        let t = Instant::now();
        let local = ctx.download_dir(&remote).await.map_err(|e| e.to_string())?;
        Ok::<_, String>((up, t.elapsed(), local))
    })?;
    let back = files_under(&local)?;
    let mut identical = back == files;
    for rel in &files {
        if !identical {
            break;
        }
        identical = same_file(&src.join(rel), &local.join(rel))?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(format!(
        "{{\"files\": {}, \"up_s\": {:.4}, \"down_s\": {:.4}, \"identical\": {identical}, \
         \"peak_rss_kib\": {}}}",
        files.len(),
        up.as_secs_f64(),
        down.as_secs_f64(),
        peak_rss_kib()
    ))
}

/// The benchmark's table: `id` 0.., `x` and `label` from a multiplicative hash of `id` (the
/// same formulas `bench_transfers.py` uses with numpy).
fn table(rows: usize) -> Result<RecordBatch> {
    let hash = |i: usize| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let ids = Int64Array::from_iter_values((0..rows).map(|i| i as i64));
    let xs = Float64Array::from_iter_values(
        (0..rows).map(|i| (hash(i) >> 11) as f64 / (1u64 << 53) as f64),
    );
    let labels = StringArray::from_iter_values((0..rows).map(|i| format!("{:016x}", hash(i))));
    RecordBatch::try_from_iter([
        ("id", Arc::new(ids) as _),
        ("x", Arc::new(xs) as _),
        ("label", Arc::new(labels) as _),
    ])
    .map_err(|e| e.to_string())
}

/// `write_parquet` then `read_parquet` of a table of `rows` rows.
pub(crate) fn table_out_in(prefix: &str, rows: usize) -> Result<String> {
    let batch = table(rows)?;
    let ctx =
        ExecutionContext::from_env(prefix, ScratchDir::private()).with_storage(Storage::from_env());
    let uri = ctx.new_raw_output_uri();
    let rt = runtime()?;
    let (out, back_in, parquet_bytes, back) = rt.block_on(async {
        let t = Instant::now();
        let sd = flyte_runtime::dataframe::write_parquet(&ctx.storage, &uri, &batch)
            .await
            .map_err(|e| e.to_string())?;
        let out = t.elapsed();
        let t = Instant::now();
        let back = flyte_runtime::dataframe::read_parquet(&ctx.storage, &sd)
            .await
            .map_err(|e| e.to_string())?;
        let back_in = t.elapsed();
        let file = flyte_runtime::storage::join(&uri, flyte_runtime::dataframe::PART_NAME);
        let size = object_size(&file).await?;
        Ok::<_, String>((out, back_in, size, back))
    })?;
    let rows_back: usize = back.iter().map(RecordBatch::num_rows).sum();
    let identical = rows_back == rows && arrow_select_equal(&back, &batch);
    Ok(format!(
        "{{\"rows\": {rows}, \"parquet_bytes\": {parquet_bytes}, \"out_s\": {:.4}, \"in_s\": {:.4}, \
         \"identical\": {identical}, \"peak_rss_kib\": {}}}",
        out.as_secs_f64(),
        back_in.as_secs_f64(),
        peak_rss_kib()
    ))
}

/// Whether the batches read back hold the rows of `batch`, in order.
fn arrow_select_equal(back: &[RecordBatch], batch: &RecordBatch) -> bool {
    let mut offset = 0;
    for b in back {
        if b.num_columns() != batch.num_columns()
            || offset + b.num_rows() > batch.num_rows()
            || *b != batch.slice(offset, b.num_rows())
        {
            return false;
        }
        offset += b.num_rows();
    }
    offset == batch.num_rows()
}

/// The S3 store of `bucket` at the `FLYTE_AWS_*` endpoint, without retries.
fn s3(bucket: &str) -> Result<Arc<dyn ObjectStore>> {
    let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
    let endpoint = var("FLYTE_AWS_ENDPOINT")?;
    let store = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_access_key_id(var("FLYTE_AWS_ACCESS_KEY_ID")?)
        .with_secret_access_key(var("FLYTE_AWS_SECRET_ACCESS_KEY")?)
        .with_region("us-east-1")
        .with_retry(object_store::RetryConfig {
            max_retries: 0,
            ..Default::default()
        })
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(store))
}

/// The size of the object at `s3://bucket/key`.
async fn object_size(uri: &str) -> Result<u64> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{uri}: not an s3:// URI"))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    let meta = s3(bucket)?
        .head(&object_store::path::Path::from(key))
        .await
        .map_err(|e| e.to_string())?;
    Ok(meta.size)
}

const FLOOR_PART: u64 = 16 << 20;
const FLOOR_PARTS_IN_FLIGHT: usize = 8;
const FLOOR_FILES_IN_FLIGHT: usize = 64;

/// The server's limit, measured by a plain parallel client.
pub(crate) fn floor(bucket: &str, bytes: u64, files: usize, file_bytes: usize) -> Result<String> {
    let store = s3(bucket)?;
    let rt = runtime()?;
    let run = format!("floor-{}", std::process::id());
    rt.block_on(async {
        let err = |e: object_store::Error| e.to_string();
        // One buffer of a part, sent for every part (no copy, no file).
        let part: Bytes = (0..FLOOR_PART).map(|i| (i * 31 % 251) as u8).collect::<Vec<u8>>().into();
        let key = object_store::path::Path::from(format!("{run}/big.bin"));
        let t = Instant::now();
        let mut upload = store.put_multipart(&key).await.map_err(err)?;
        let parts: Vec<_> = (0..bytes.div_ceil(FLOOR_PART))
            .map(|i| {
                let len = FLOOR_PART.min(bytes - i * FLOOR_PART) as usize;
                upload.put_part(PutPayload::from(part.slice(..len)))
            })
            .collect();
        futures_util::stream::iter(parts)
            .buffer_unordered(FLOOR_PARTS_IN_FLIGHT)
            .try_collect::<Vec<()>>()
            .await
            .map_err(err)?;
        upload.complete().await.map_err(err)?;
        let file_up = t.elapsed();

        let t = Instant::now();
        let got: u64 = futures_util::stream::iter(0..bytes.div_ceil(FLOOR_PART))
            .map(|i| {
                let (store, key) = (Arc::clone(&store), key.clone());
                async move {
                    let range = i * FLOOR_PART..(i * FLOOR_PART + FLOOR_PART).min(bytes);
                    let mut s = store
                        .get_opts(&key, object_store::GetOptions {
                            range: Some(range.into()),
                            ..Default::default()
                        })
                        .await?
                        .into_stream();
                    let mut n = 0u64;
                    while let Some(chunk) = s.next().await {
                        n += chunk?.len() as u64;
                    }
                    Ok::<_, object_store::Error>(n)
                }
            })
            .buffer_unordered(FLOOR_PARTS_IN_FLIGHT)
            .try_fold(0, |a, n| async move { Ok(a + n) })
            .await
            .map_err(err)?;
        let file_down = t.elapsed();
        if got != bytes {
            return Err(format!("floor: read {got} of {bytes} bytes"));
        }

        let small = part.slice(..file_bytes.min(part.len()));
        let t = Instant::now();
        futures_util::stream::iter(0..files)
            .map(|i| {
                let (store, small) = (Arc::clone(&store), small.clone());
                let key = object_store::path::Path::from(format!("{run}/dir/{:05}/{i}.txt", i % 100));
                async move { store.put(&key, PutPayload::from(small)).await.map(|_| ()) }
            })
            .buffer_unordered(FLOOR_FILES_IN_FLIGHT)
            .try_collect::<Vec<()>>()
            .await
            .map_err(err)?;
        let dir_up = t.elapsed();
        let t = Instant::now();
        let prefix = object_store::path::Path::from(format!("{run}/dir"));
        let listed: Vec<_> = store.list(Some(&prefix)).try_collect().await.map_err(err)?;
        let n_listed = listed.len();
        futures_util::stream::iter(listed)
            .map(|meta| {
                let store = Arc::clone(&store);
                async move { store.get(&meta.location).await?.bytes().await.map(|_| ()) }
            })
            .buffer_unordered(FLOOR_FILES_IN_FLIGHT)
            .try_collect::<Vec<()>>()
            .await
            .map_err(err)?;
        let dir_down = t.elapsed();
        if n_listed != files {
            return Err(format!("floor: listed {n_listed} of {files} files"));
        }
        Ok(format!(
            "{{\"bytes\": {bytes}, \"file_up_s\": {:.4}, \"file_down_s\": {:.4}, \"files\": {files}, \
             \"dir_up_s\": {:.4}, \"dir_down_s\": {:.4}, \"peak_rss_kib\": {}}}",
            file_up.as_secs_f64(),
            file_down.as_secs_f64(),
            dir_up.as_secs_f64(),
            dir_down.as_secs_f64(),
            peak_rss_kib()
        ))
    })
}
