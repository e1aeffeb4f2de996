//! The Rust side of the benchmarks (`tests/bench/run.sh`, driven by `bench.py`):
//!
//! - `flyte-bench literals FILE [REPEAT]`: a `LiteralMap` written by flytekit (`ints`:
//!   1,000,000 integers, `strs`: 100,000 strings, `points`: 10,000 msgpack dataclasses) decoded
//!   and converted to Rust values and back to bytes, next to bare prost decoding and encoding
//!   of the same bytes (the floor). Prints JSON, the median of REPEAT runs (default 5).
//! - `flyte-bench package N OUTPUT`: N `adder` task instances built and written as a
//!   registration package; prints JSON with the in-process time.
//! - `flyte-bench concurrent N TEMPLATE INPUTS OUT_DIR`: N executions of the template (the
//!   adder's, with the template resolver), all at once on one tokio runtime of two workers,
//!   each through the whole `execute` path into its own output prefix under OUT_DIR; prints
//!   JSON with the wall time and the process's peak RSS before and after.
//! - `flyte-bench file|dir|table|floor …`: moving files, folders and tables through an S3
//!   server, and the server's own limit (`transfer.rs`).

mod transfer;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use flyte_examples::adder::AddTask;
use flyte_runtime::__private::package::write_package;
use flyte_runtime::contract::EntrypointArgs;
use flyte_runtime::contract::PodEnv;
use flyte_runtime::execute::{execute_with, Outcome, RunConfig};
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::LiteralMap;
use flyte_runtime::task::AnyTaskInstance;
use flyte_runtime::task::SerializationSettings;
use flyte_runtime::types::read_variable;
use prost::Message;

/// The dataclass bench.py writes: `Point(x: int, y: float, label: str)`.
#[derive(FlyteType, Debug, Clone, PartialEq)]
struct Point {
    x: i64,
    y: f64,
    label: String,
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn literals(path: &str, repeat: usize) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let (mut decode, mut encode, mut to_rust, mut from_rust) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sizes = (0, 0, 0, 0);
    for _ in 0..repeat {
        let t = Instant::now();
        let map = LiteralMap::decode(bytes.as_slice()).map_err(|e| e.to_string())?;
        decode.push(t.elapsed());

        let t = Instant::now();
        let floor_bytes = map.encode_to_vec();
        encode.push(t.elapsed());

        let t = Instant::now();
        let map = LiteralMap::decode(bytes.as_slice()).map_err(|e| e.to_string())?;
        let ints: Vec<i64> = read_variable(&map, "ints").map_err(|e| e.to_string())?;
        let strs: Vec<String> = read_variable(&map, "strs").map_err(|e| e.to_string())?;
        let points: Vec<Point> = read_variable(&map, "points").map_err(|e| e.to_string())?;
        to_rust.push(t.elapsed());

        let t = Instant::now();
        let back = Literals::new()
            .with("ints", &ints)
            .with("strs", &strs)
            .with("points", &points);
        let out = back.literal_map().encode_to_vec();
        from_rust.push(t.elapsed());
        sizes = (
            ints.len(),
            strs.len(),
            points.len(),
            out.len().max(floor_bytes.len()),
        );
    }
    Ok(format!(
        "{{\"bytes\": {}, \"ints\": {}, \"strs\": {}, \"points\": {}, \"out_bytes\": {}, \
         \"prost_decode_ms\": {:.3}, \"prost_encode_ms\": {:.3}, \"to_rust_ms\": {:.3}, \
         \"to_literals_ms\": {:.3}}}",
        bytes.len(),
        sizes.0,
        sizes.1,
        sizes.2,
        sizes.3,
        median(decode),
        median(encode),
        median(to_rust),
        median(from_rust)
    ))
}

fn package(n: usize, out: &str) -> Result<String, String> {
    let t = Instant::now();
    let tasks: Vec<TaskInstance<AddTask>> = (0..n)
        .map(|i| TaskInstance::new(format!("bench.add_{i}"), AddTask { offset: i as i64 }))
        .collect();
    let refs: Vec<&dyn AnyTaskInstance> = tasks.iter().map(|t| t as &dyn AnyTaskInstance).collect();
    let settings = SerializationSettings {
        image: Some("ghcr.io/example/bench:1".into()),
        ..SerializationSettings::default()
    };
    let mut bytes = Vec::new();
    write_package(&refs, &[], &settings, 0, &mut bytes).map_err(|e| e.to_string())?;
    flyte_runtime::storage::write_local_atomically(std::path::Path::new(out), &bytes)
        .map_err(|e| format!("{out}: {e}"))?;
    Ok(format!(
        "{{\"tasks\": {n}, \"bytes\": {}, \"in_process_ms\": {:.3}}}",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3
    ))
}

fn concurrent(n: usize, template: &str, inputs: &str, out_dir: &str) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio: {e}"))?;
    let storage = flyte_runtime::storage::Storage::from_env();
    let rss_before = flyte_tests::proc_status_kib("VmHWM");
    let t = Instant::now();
    let outcomes = runtime.block_on(async {
        let runs: Vec<_> = (0..n)
            .map(|i| {
                let args = EntrypointArgs {
                    inputs: inputs.to_string(),
                    output_prefix: format!("{out_dir}/{i}"),
                    raw_output_data_prefix: Some(format!("{out_dir}/raw")),
                    resolver: flyte_runtime::contract::Resolver::Template
                        .name()
                        .to_string(),
                    loader_args: vec![
                        template.to_string(),
                        "flyte_examples::adder::AddExecutor".to_string(),
                    ],
                    ..EntrypointArgs::default()
                };
                tokio::spawn(execute_with(
                    RunConfig::new(args, PodEnv::from_env()),
                    storage.clone(),
                    std::future::pending(),
                ))
            })
            .collect();
        let mut outcomes = Vec::with_capacity(n);
        for run in runs {
            outcomes.push(run.await);
        }
        outcomes
    });
    let wall = t.elapsed();
    let failed = outcomes
        .iter()
        .filter(|o| !matches!(o, Ok(Outcome::Succeeded)))
        .count();
    if failed > 0 {
        return Err(format!(
            "{failed} of {n} executions did not write outputs.pb"
        ));
    }
    // Each run really wrote its outputs (the check is cheap next to the runs).
    for i in 0..n {
        let out = std::path::Path::new(out_dir)
            .join(i.to_string())
            .join("outputs.pb");
        if !out.is_file() {
            return Err(format!("no outputs at {}", out.display()));
        }
    }
    Ok(format!(
        "{{\"executions\": {n}, \"wall_ms\": {:.3}, \"rss_before_kib\": {rss_before}, \
         \"peak_rss_kib\": {}}}",
        wall.as_secs_f64() * 1e3,
        flyte_tests::proc_status_kib("VmHWM")
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [_, "literals", file] => literals(file, 5),
        [_, "literals", file, repeat] => repeat
            .parse()
            .map_err(|e| format!("REPEAT: {e}"))
            .and_then(|r: usize| literals(file, r.max(1))),
        [_, "package", n, out] => n
            .parse()
            .map_err(|e| format!("N: {e}"))
            .and_then(|n| package(n, out)),
        [_, "concurrent", n, template, inputs, out] => n
            .parse()
            .map_err(|e| format!("N: {e}"))
            .and_then(|n| concurrent(n, template, inputs, out)),
        [_, "file", prefix, src] => transfer::file(prefix, src),
        [_, "dir", prefix, src] => transfer::dir(prefix, src),
        [_, "table", prefix, rows] => rows
            .parse()
            .map_err(|e| format!("ROWS: {e}"))
            .and_then(|rows| transfer::table_out_in(prefix, rows)),
        [_, "floor", bucket, bytes, files, file_bytes] => {
            match (bytes.parse(), files.parse(), file_bytes.parse()) {
                (Ok(b), Ok(f), Ok(fb)) => transfer::floor(bucket, b, f, fb),
                _ => Err("BYTES, FILES and FILE_BYTES are numbers".into()),
            }
        }
        _ => Err(
            "usage: flyte-bench literals FILE [REPEAT] | flyte-bench package N OUTPUT | \
                  flyte-bench concurrent N TEMPLATE INPUTS OUT_DIR | \
                  flyte-bench file PREFIX SRC | flyte-bench dir PREFIX SRC | \
                  flyte-bench table PREFIX ROWS | \
                  flyte-bench floor BUCKET BYTES FILES FILE_BYTES"
                .into(),
        ),
    };
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("flyte-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
