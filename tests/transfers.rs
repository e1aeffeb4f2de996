//! Files, folders and tables moved through a real S3 server (`s3s-fs`, and moto where the
//! test needs only S3's behaviour): a file of many parts goes up as a multipart upload and
//! comes down in ranged requests, byte for byte, in a process whose peak memory stays far
//! below the file's size; a table of many parts is written while it is encoded and read back.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Int64Array, RecordBatch, StringArray};
use flyte_tests::block_on;
use flyte_tests::moto::Moto;
use flyte_tests::pod::scratch;
use flyte_tests::s3s_fs::{S3Server, S3sFs};
use object_store::{ObjectStore, ObjectStoreExt};

const BENCH: &str = env!("CARGO_BIN_EXE_flyte-bench");

/// 96 MiB: twelve 8 MiB parts and ranges, three times the parts an upload keeps in flight.
const FILE_BYTES: usize = 96 << 20;

/// The most the process that moves the 96 MiB file may hold (the design's bound for a file of
/// any size): a transfer that buffered the file would need more than the file.
const PEAK_RSS_BOUND_KIB: u64 = 64 * 1024;

/// Writes `len` pseudo-random bytes (xorshift, so no two parts are alike) to `path`.
fn write_noise(path: &Path, len: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut left = len;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        for b in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b.copy_from_slice(&x.to_le_bytes()[..b.len()]);
        }
        let n = left.min(buf.len());
        f.write_all(&buf[..n]).unwrap();
        left -= n;
    }
    f.flush().unwrap();
}

/// The object store of `bucket` on `server`, to look at what arrived.
fn raw_store(server: &dyn S3Server, bucket: &str) -> Arc<dyn ObjectStore> {
    Arc::new(
        object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(server.endpoint())
            .with_allow_http(true)
            .with_access_key_id("test")
            .with_secret_access_key("test")
            .with_region("us-east-1")
            .build()
            .unwrap(),
    )
}

/// A value of the JSON object that `flyte-bench` printed.
fn field<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report
        .get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {report}"))
}

/// `flyte-bench file`, in a process of its own (so that its peak RSS is the transfer's):
/// `ExecutionContext::upload` of a 96 MiB file to s3s-fs, then `download`, compared byte for
/// byte. The object arrived as a multipart upload of 12 parts (s3s-fs gives such an object
/// the ETag `<md5 of the parts' md5s>-12`), and the process never held 64 MiB.
#[test]
fn a_file_of_many_parts_round_trips_through_s3s_fs_in_bounded_memory() {
    let server = S3sFs::start();
    server.create_bucket("flyte");
    let dir = scratch("transfer-big");
    let src = dir.join("big.bin");
    write_noise(&src, FILE_BYTES);
    let out = std::process::Command::new(BENCH)
        .args(["file", "s3://flyte/raw"])
        .arg(&src)
        .envs(server.env())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(field(&report, "bytes").as_u64(), Some(FILE_BYTES as u64));
    assert_eq!(
        field(&report, "identical").as_bool(),
        Some(true),
        "the file came back changed: {report}"
    );
    let peak = field(&report, "peak_rss_kib").as_u64().unwrap();
    assert!(
        peak <= PEAK_RSS_BOUND_KIB,
        "moving {} MiB took {} MiB of memory, over the bound of {} MiB: {report}",
        FILE_BYTES >> 20,
        peak / 1024,
        PEAK_RSS_BOUND_KIB / 1024
    );
    let uri = field(&report, "uri").as_str().unwrap();
    let key = uri.strip_prefix("s3://flyte/").unwrap();
    let meta =
        block_on(raw_store(&server, "flyte").head(&object_store::path::Path::from(key))).unwrap();
    assert_eq!(meta.size, FILE_BYTES as u64);
    let etag = meta.e_tag.unwrap_or_default();
    assert!(
        etag.trim_matches('"').ends_with("-12"),
        "not a multipart upload of 12 parts: ETag {etag}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A table over several 8 MiB parts, written as it is encoded (a multipart upload) and read
/// back in ranged requests, row for row, on both servers.
#[test]
fn a_table_of_many_parts_goes_out_and_comes_back_on_both_servers() {
    let rows = 1_000_000usize;
    let batch = RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(Int64Array::from_iter_values(0..rows as i64)) as _,
        ),
        (
            "label",
            Arc::new(StringArray::from_iter_values((0..rows).map(|i| {
                format!("{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            }))) as _,
        ),
    ])
    .unwrap();
    let moto = Moto::start();
    let s3s = S3sFs::start();
    for server in [&moto as &dyn S3Server, &s3s] {
        server.create_bucket("flyte");
        let storage = server.storage();
        block_on(async {
            let sd = flyte_runtime::dataframe::write_parquet(&storage, "s3://flyte/t1", &batch)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", server.name()));
            let meta = raw_store(server, "flyte")
                .head(&object_store::path::Path::from("t1/00000"))
                .await
                .unwrap();
            assert!(
                meta.size > 2 * (8 << 20),
                "{}: {} bytes is not several parts",
                server.name(),
                meta.size
            );
            let back = flyte_runtime::dataframe::read_parquet(&storage, &sd)
                .await
                .unwrap();
            let mut offset = 0;
            for b in &back {
                assert!(
                    *b == batch.slice(offset, b.num_rows()),
                    "{}: rows from {offset} came back changed",
                    server.name()
                );
                offset += b.num_rows();
            }
            assert_eq!(offset, rows, "{}", server.name());
        });
    }
}
