//! The Rust side of the benchmarks (`tests/bench/run.sh`, driven by `bench.py`):
//!
//! - `flyte-bench literals FILE [REPEAT]`: a `LiteralMap` written by flytekit (`ints`:
//!   1,000,000 integers, `strs`: 100,000 strings, `points`: 10,000 msgpack dataclasses) decoded
//!   and converted to Rust values and back to bytes, next to bare prost decoding and encoding
//!   of the same bytes (the floor). Prints JSON, the median of REPEAT runs (default 5).
//! - `flyte-bench package N OUTPUT`: N `adder` task instances built and written as a
//!   registration package; prints JSON with the in-process time.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use flyte_examples::adder::AddTask;
use flyte_runtime::package::write_package;
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::LiteralMap;
use flyte_runtime::registry::AnyTaskInstance;
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
    write_package(&refs, &settings, 0, &mut bytes).map_err(|e| e.to_string())?;
    flyte_runtime::storage::write_local_atomically(std::path::Path::new(out), &bytes)
        .map_err(|e| format!("{out}: {e}"))?;
    Ok(format!(
        "{{\"tasks\": {n}, \"bytes\": {}, \"in_process_ms\": {:.3}}}",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3
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
        _ => Err("usage: flyte-bench literals FILE [REPEAT] | flyte-bench package N OUTPUT".into()),
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
