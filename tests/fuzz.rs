//! Fuzzing, proptest-driven, of everything that reads untrusted bytes (see
//! `tests/fuzz/README.md`): each target mutates seeds from the corpus for `FLYTE_FUZZ_SECS`
//! (default 20 s), after replaying the saved regressions, and checks its properties on every
//! input. A failure is shrunk by proptest and printed with the run's seed.
//!
//! - `template`: a mutated template through the whole `execute` path (template resolver,
//!   in-memory storage) with good inputs: it never panics and ends with exactly one of
//!   `outputs.pb` / `error.pb`.
//! - `literal_map`: mutated inputs through the same path for the adder, and converted against
//!   each of the 18 fixture types: never a panic, and a value that converts converts back to
//!   a literal that converts to the same value.
//! - `custom`: arbitrary `custom` structs into each example's typed configuration; a
//!   configuration that reads back serializes to the same struct.
//! - `query_template`: generated query templates and hostile string values through the
//!   sqlite task's renderer, executed against a real SQLite table: parsing never panics, and
//!   no value can change the statement (the table keeps its rows).

use std::collections::{BTreeMap, HashMap};
use std::future::pending;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use flyte_examples::adder::AddTask;
use flyte_examples::checksum::ChecksumTask;
use flyte_examples::sqlite::{QueryTemplate, SqliteTask};
use flyte_runtime::execute::{execute_with, Outcome};
use flyte_runtime::proto::core::{LiteralMap, LiteralType, TaskTemplate};
use flyte_runtime::storage::Storage;
use flyte_runtime::task::custom::{from_custom, to_custom};
use flyte_runtime::task::SerializationSettings;
use flyte_runtime::types::check::check_literal_map;
use flyte_runtime::types::{FlyteDirectory, FlyteFile, FlyteType};
use flyte_tests::fixture_types::{Color, Point, Shape};
use flyte_tests::pod::{template_run_args, ADD_EXECUTOR};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use prost::Message;
use prost_types::{value::Kind, ListValue, Struct, Value};

// ---------------------------------------------------------------------------------------
// The driver: regressions first, then mutated seeds until the time is up.

fn fuzz_secs() -> u64 {
    std::env::var("FLYTE_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

fn runner(target: &str) -> TestRunner {
    let seed: [u8; 32] = match std::env::var("FLYTE_FUZZ_SEED") {
        Ok(hex) => {
            let mut s = [0u8; 32];
            for (i, b) in s.iter_mut().enumerate() {
                *b = hex
                    .get(2 * i..2 * i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .unwrap_or(0);
            }
            s
        }
        Err(_) => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let mut s = [0u8; 32];
            s[..16].copy_from_slice(&t.to_le_bytes());
            s
        }
    };
    let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    println!("fuzz {target}: seed {hex} (FLYTE_FUZZ_SEED={hex} replays it)");
    TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

/// Runs `check` on inputs drawn from `strategy` until the time is up; returns the count.
fn drive<S: Strategy>(
    target: &str,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64
where
    S::Value: std::fmt::Debug,
{
    let mut runner = runner(target);
    let deadline = Instant::now() + Duration::from_secs(fuzz_secs());
    let mut n = 0u64;
    while Instant::now() < deadline {
        let tree = match strategy.new_tree(&mut runner) {
            Ok(t) => t,
            Err(e) => panic!("fuzz {target}: cannot draw an input: {e}"),
        };
        if let Err(e) = runner.run_one(tree, &check) {
            panic!("fuzz {target}: {e}\n(save the input under tests/fuzz/regressions/{target}-<name>.bin)");
        }
        n += 1;
    }
    println!(
        "fuzz {target}: {n} executions in {} s, no failure",
        fuzz_secs()
    );
    n
}

fn read_dir_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn fuzz_dir() -> std::path::PathBuf {
    flyte_tests::workspace_root().join("tests/fuzz")
}

/// The saved regressions of `target`.
fn regressions(target: &str) -> Vec<Vec<u8>> {
    let prefix = format!("{target}-");
    read_dir_files(&fuzz_dir().join("regressions"), |n| n.starts_with(&prefix))
}

/// The corpus of `target` plus `extra` seeds (fixtures); never empty.
fn seeds(target: &str, extra: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut all = read_dir_files(&fuzz_dir().join("corpus").join(target), |_| true);
    all.extend(extra);
    assert!(!all.is_empty(), "no seeds for {target}");
    all
}

// ---------------------------------------------------------------------------------------
// Mutations of protobuf bytes.

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
    /// A varint written over the bytes at a position (length and tag fields).
    Varint(usize, u64),
    /// A piece of another seed inserted at a position.
    Splice(usize, usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), 1usize..32).prop_map(|(p, n)| Mutation::Remove(p, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![0u64..300, any::<u64>(), Just(u64::MAX), Just(1 << 31)]
        )
            .prop_map(|(p, v)| Mutation::Varint(p, v)),
        (any::<usize>(), any::<usize>(), any::<usize>(), 1usize..64)
            .prop_map(|(p, s, st, n)| Mutation::Splice(p, s, st, n)),
    ]
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

fn apply(seed: &[u8], seeds: &[Vec<u8>], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in mutations {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % len };
        match m {
            Mutation::Flip(p, bit) if !b.is_empty() => {
                let i = at(*p, b.len());
                b[i] ^= 1 << bit;
            }
            Mutation::Set(p, v) if !b.is_empty() => {
                let i = at(*p, b.len());
                b[i] = *v;
            }
            Mutation::Insert(p, bytes) => {
                let i = at(*p, b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Remove(p, n) if !b.is_empty() => {
                let i = at(*p, b.len());
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Mutation::Truncate(p) => {
                let i = at(*p, b.len() + 1);
                b.truncate(i);
            }
            Mutation::Varint(p, v) if !b.is_empty() => {
                let i = at(*p, b.len());
                let bytes = varint(*v);
                let end = (i + bytes.len()).min(b.len());
                b.splice(i..end, bytes);
            }
            Mutation::Splice(p, s, st, n) => {
                let other = &seeds[*s % seeds.len()];
                if !other.is_empty() {
                    let start = *st % other.len();
                    let end = (start + n).min(other.len());
                    let i = at(*p, b.len() + 1);
                    b.splice(i..i, other[start..end].iter().copied());
                }
            }
            _ => {}
        }
    }
    b
}

/// Mutated seeds: a seed index and up to 8 mutations.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    (0..n, prop::collection::vec(mutation(), 0..8))
        .prop_map(move |(i, muts)| apply(&seeds[i], &seeds, &muts))
}

// ---------------------------------------------------------------------------------------
// The entrypoint, in-process on in-memory storage.

fn adder_template() -> TaskTemplate {
    flyte_examples::adder::add_task()
        .template(&SerializationSettings::default())
        .expect("adder template")
}

/// Runs the entrypoint on these bytes; checks it ends with exactly one document.
fn entrypoint(rt: &tokio::runtime::Runtime, template: &[u8], inputs: &[u8]) -> Result<(), String> {
    let storage = Storage::default();
    rt.block_on(async {
        storage
            .write("memory://fuzz/template.pb", template.to_vec())
            .await
            .map_err(|e| e.to_string())?;
        storage
            .write("memory://fuzz/inputs.pb", inputs.to_vec())
            .await
            .map_err(|e| e.to_string())?;
        let args = template_run_args("memory://fuzz/template.pb", "memory://fuzz", ADD_EXECUTOR);
        let outcome = execute_with(args, storage.clone(), pending()).await;
        let outputs = storage.exists("memory://fuzz/out/outputs.pb").await;
        let error = storage.exists("memory://fuzz/out/error.pb").await;
        match (outcome, outputs, error) {
            (Outcome::Succeeded, Ok(true), Ok(false))
            | (Outcome::Failed(_), Ok(false), Ok(true)) => Ok(()),
            (o, out, err) => Err(format!(
                "outcome {o:?} with outputs.pb {out:?} and error.pb {err:?}"
            )),
        }
    })
}

fn small_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio")
}

#[test]
fn fuzz_template() {
    let rt = small_runtime();
    let inputs = flyte_tests::read_fixture("runs/add_ok/inputs.pb");
    let settings = SerializationSettings::default();
    let ours: Vec<Vec<u8>> = [
        adder_template(),
        flyte_examples::sqlite::sqlite_demo()
            .template(&settings)
            .expect("sqlite"),
        flyte_examples::checksum::checksum_task()
            .template(&settings)
            .expect("checksum"),
    ]
    .iter()
    .map(Message::encode_to_vec)
    .collect();
    if std::env::var_os("UPDATE_FUZZ_CORPUS").is_some() {
        for (i, t) in ours.iter().enumerate() {
            std::fs::write(
                fuzz_dir().join(format!("corpus/template/flyte_rs_{i}.pb")),
                t,
            )
            .expect("write seed");
        }
    }
    let fixtures = read_dir_files(&flyte_tests::fixture("templates"), |n| n.ends_with(".pb"));
    for r in regressions("template") {
        entrypoint(&rt, &r, &inputs).unwrap_or_else(|e| panic!("template regression: {e}"));
    }
    let strategy = mutated(seeds("template", [ours, fixtures].concat()));
    let n = drive("template", strategy, |t| {
        entrypoint(&rt, &t, &inputs).map_err(TestCaseError::fail)?;
        // Whatever decodes is also safe to look at and to read `custom` from.
        if let Ok(t) = TaskTemplate::decode(t.as_slice()) {
            let _ = flyte_runtime::execute::template_timeout(&t);
            if let Some(custom) = &t.custom {
                let _ = from_custom::<AddTask>("adder", custom);
                let _ = from_custom::<SqliteTask>("sqlite", custom);
                let _ = from_custom::<ChecksumTask>("keyed-checksum", custom);
            }
        }
        Ok(())
    });
    assert!(n > 0);
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// Converts the literal named `name` to `T`; if it converts, its literal must convert back
/// to an equal value.
fn converts<T: FlyteType + PartialEq + std::fmt::Debug>(
    map: &LiteralMap,
    name: &str,
) -> Result<(), TestCaseError> {
    if let Some(lit) = map.literals.get(name) {
        if let Ok(v) = T::from_literal(lit) {
            let again = T::from_literal(&v.to_literal()).map_err(|e| {
                TestCaseError::fail(format!("`{name}`: {v:?} does not read back: {e}"))
            })?;
            prop_assert_eq!(again, v, "`{}` changed on a round trip", name);
        }
    }
    Ok(())
}

fn fixture_interface() -> flyte_runtime::proto::core::VariableMap {
    let index: Vec<BTreeMap<String, serde_json::Value>> =
        serde_json::from_slice(&flyte_tests::read_fixture("literals/INDEX.json"))
            .expect("INDEX.json");
    let mut vars = flyte_runtime::proto::core::VariableMap::default();
    for name in index
        .iter()
        .filter_map(|e| e.get("name").and_then(|n| n.as_str()))
    {
        let bytes = flyte_tests::read_fixture(&format!("literals/{name}.type.pb"));
        let t = LiteralType::decode(bytes.as_slice()).expect("fixture type");
        vars.variables.insert(
            name.to_string(),
            flyte_runtime::proto::core::Variable {
                r#type: Some(t),
                ..Default::default()
            },
        );
    }
    assert_eq!(vars.variables.len(), 18, "fixture types");
    vars
}

#[test]
fn fuzz_literal_map() {
    let rt = small_runtime();
    let template = adder_template().encode_to_vec();
    let vars = fixture_interface();
    let mut fixtures = vec![flyte_tests::read_fixture("literals/all_inputs.pb")];
    for run in [
        "add_ok",
        "corrupt_inputs",
        "fail_user_error",
        "missing_inputs",
        "unknown_executor",
    ] {
        let p = flyte_tests::fixture(&format!("runs/{run}/inputs.pb"));
        if let Ok(b) = std::fs::read(p) {
            fixtures.push(b);
        }
    }
    if std::env::var_os("UPDATE_FUZZ_CORPUS").is_some() {
        let ours = [
            flyte_tests::pod::add_inputs(40, 2, "sum"),
            flyte_tests::pod::add_inputs(i64::MIN, -1, ""),
            flyte_tests::pod::misbehave_inputs("ok", 0.5),
        ];
        for (i, m) in ours.iter().enumerate() {
            std::fs::write(
                fuzz_dir().join(format!("corpus/literal_map/flyte_rs_{i}.pb")),
                m.encode_to_vec(),
            )
            .expect("write seed");
        }
    }
    let check = |bytes: Vec<u8>| -> Result<(), TestCaseError> {
        entrypoint(&rt, &template, &bytes).map_err(TestCaseError::fail)?;
        let Ok(map) = LiteralMap::decode(bytes.as_slice()) else {
            return Ok(());
        };
        let _ = check_literal_map(&map, &vars, "input");
        converts::<i64>(&map, "an_int")?;
        converts::<i64>(&map, "a_negative_int")?;
        converts::<String>(&map, "a_str")?;
        converts::<bool>(&map, "a_bool")?;
        converts::<DateTime<Utc>>(&map, "a_datetime")?;
        converts::<TimeDelta>(&map, "a_duration")?;
        converts::<Vec<i64>>(&map, "int_list")?;
        converts::<Vec<String>>(&map, "str_list")?;
        converts::<Vec<Vec<i64>>>(&map, "nested_list")?;
        converts::<Option<i64>>(&map, "optional_int_set")?;
        converts::<Option<i64>>(&map, "optional_int_none")?;
        converts::<Color>(&map, "an_enum")?;
        converts::<Shape>(&map, "a_dataclass")?;
        converts::<Vec<Point>>(&map, "dataclass_list")?;
        converts::<FlyteFile>(&map, "a_file")?;
        converts::<FlyteDirectory>(&map, "a_directory")?;
        // Floats: NaN is not equal to itself, so these only must not panic.
        let _ = map.literals.get("a_float").map(f64::from_literal);
        let _ = map
            .literals
            .get("float_map")
            .map(BTreeMap::<String, f64>::from_literal);
        let _ = map
            .literals
            .get("a_dataclass")
            .map(HashMap::<String, f64>::from_literal);
        Ok(())
    };
    for r in regressions("literal_map") {
        check(r).unwrap_or_else(|e| panic!("literal_map regression: {e}"));
    }
    let n = drive(
        "literal_map",
        mutated(seeds("literal_map", fixtures)),
        check,
    );
    assert!(n > 0);
}

// ---------------------------------------------------------------------------------------
// custom → typed configuration.

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Kind::NullValue(0)),
        any::<bool>().prop_map(Kind::BoolValue),
        prop_oneof![any::<f64>(), -1e3f64..1e3, Just(9.3e18), Just(-1.0)]
            .prop_map(Kind::NumberValue),
        prop_oneof![
            ".*",
            Just("sqlite".to_string()),
            Just("s3://b/k".to_string())
        ]
        .prop_map(Kind::StringValue),
    ]
    .prop_map(|k| Value { kind: Some(k) });
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|values| Value {
                kind: Some(Kind::ListValue(ListValue { values }))
            }),
            prop::collection::btree_map(field_name(), inner, 0..5).prop_map(|fields| Value {
                kind: Some(Kind::StructValue(Struct { fields }))
            }),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("offset".to_string()),
        Just("uri".to_string()),
        Just("compressed".to_string()),
        Just("query_template".to_string()),
        Just("secret_group".to_string()),
        Just("secret_key".to_string()),
        "[a-z_]{1,12}",
    ]
}

fn reads_back<T>(task_type: &'static str, custom: &Struct) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(config) = from_custom::<T>(task_type, custom) {
        let written = to_custom(task_type, &config).map_err(|e| {
            TestCaseError::fail(format!("{task_type}: {config:?} does not serialize: {e}"))
        })?;
        let again: T = from_custom(task_type, &written).map_err(|e| {
            TestCaseError::fail(format!("{task_type}: {written:?} does not read back: {e}"))
        })?;
        prop_assert_eq!(again, config);
    }
    Ok(())
}

#[test]
fn fuzz_custom() {
    let strategy = prop::collection::btree_map(field_name(), json_value(), 0..6)
        .prop_map(|fields| Struct { fields });
    let n = drive("custom", strategy, |custom| {
        reads_back::<AddTask>("adder", &custom)?;
        reads_back::<SqliteTask>("sqlite", &custom)?;
        reads_back::<ChecksumTask>("keyed-checksum", &custom)?;
        Ok(())
    });
    assert!(n > 0);
}

// ---------------------------------------------------------------------------------------
// The query-template renderer.

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("SELECT x FROM t WHERE x = ".to_string()),
        Just("SELECT count(*) FROM t WHERE x > ".to_string()),
        Just(" AND x <> ".to_string()),
        Just(" OR ".to_string()),
        Just(" LIMIT ".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("{{".to_string()),
        Just("}}".to_string()),
        Just("{{ .inputs.a }}".to_string()),
        Just("{{.inputs.b}}".to_string()),
        Just("{{ .inputs.a_long_name_10 }}".to_string()),
        Just("{{ .inputs. }}".to_string()),
        Just("{{ inputs.a }}".to_string()),
        Just("-- ".to_string()),
        Just(";".to_string()),
        "[ -~]{0,8}".prop_filter("no statements that write", |s| {
            let u = s.to_uppercase();
            ![
                "DROP", "DELETE", "UPDATE", "INSERT", "ALTER", "ATTACH", "VACUUM", "PRAGMA",
                "REPLACE",
            ]
            .iter()
            .any(|w| u.contains(w))
        }),
    ]
}

fn hostile() -> impl Strategy<Value = rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    prop_oneof![
        Just(V::Text("'; DROP TABLE t; --".into())),
        Just(V::Text("1; DELETE FROM t".into())),
        Just(V::Text("\" OR 1=1 --".into())),
        Just(V::Text("?1".into())),
        "[ -~]{0,16}".prop_map(V::Text),
        any::<i64>().prop_map(V::Integer),
        any::<f64>().prop_map(V::Real),
        Just(V::Null),
    ]
}

#[test]
fn fuzz_query_template() {
    let strategy = (
        prop::collection::vec(fragment(), 1..10).prop_map(|f| f.concat()),
        prop::collection::btree_map(
            prop_oneof![
                Just("a".to_string()),
                Just("b".to_string()),
                Just("a_long_name_10".to_string())
            ],
            hostile(),
            0..4,
        ),
    );
    let n = drive("query_template", strategy, |(template, values)| {
        let Ok(q) = QueryTemplate::parse(&template) else {
            return Ok(());
        };
        for p in &q.params {
            prop_assert!(
                p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "bad parameter name {:?}",
                p
            );
        }
        let _ = q.display(&values);
        let Ok(bound) = q.bind(&values) else {
            return Ok(());
        };
        let conn = rusqlite::Connection::open_in_memory()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Only the first statement of the SQL ever runs (prepare takes one statement); a
        // value never becomes SQL, so the table keeps its three rows whatever it holds.
        if let Ok(mut stmt) = conn.prepare(&q.sql) {
            if stmt.parameter_count() == bound.len() {
                if let Ok(mut rows) = stmt.query(rusqlite::params_from_iter(bound.iter())) {
                    while let Ok(Some(_)) = rows.next() {}
                }
            }
        }
        let count: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .map_err(|e| {
                TestCaseError::fail(format!("the table is gone after {:?}: {e}", q.sql))
            })?;
        prop_assert_eq!(count, 3, "rows changed by {:?} with {:?}", q.sql, values);
        Ok(())
    });
    assert!(n > 0);
}
