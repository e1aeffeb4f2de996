//! The fuzzing targets' properties, one function per target, shared by the two fuzzers that
//! drive them: the proptest mutator on stable (`tests/fuzz.rs`, in every test run) and the
//! coverage-guided cargo-fuzz targets on nightly (`fuzz/`). Both call [`Checks::check`] on
//! the same bytes, so a regression saved by either is replayed by both.
//!
//! Each target reads one input format (see `tests/fuzz/README.md`):
//!
//! | target | input |
//! |---|---|
//! | `template` | `TaskTemplate` bytes, run through `execute` with the adder's good inputs |
//! | `literal_map` | `LiteralMap` bytes, run through the adder and read as each fixture type |
//! | `custom` | `google.protobuf.Struct` bytes, read as each example's configuration |
//! | `run_input` | text: one `--input` per line; a line starting with `{` is `--inputs-json` |
//! | `query_template` | text: the query template, then one `NAME=KIND:VALUE` per line |
//! | `map_element` | 2 bytes of index (little-endian), 1 byte of bound inputs, `LiteralMap` bytes |
//!
//! A check returns `Err` with what broke; the fuzzers turn that into a failure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::pending;

use chrono::{DateTime, TimeDelta, Utc};
use flyte_examples::adder::AddTask;
use flyte_examples::checksum::ChecksumTask;
use flyte_examples::resumable::CountTask;
use flyte_examples::sqlite::{QueryTemplate, SqliteTask};
use flyte_examples::squares::SquaresTask;
use flyte_runtime::__private::execute::{element_inputs, MapOver};
use flyte_runtime::__private::task::custom::{from_custom, to_custom};
use flyte_runtime::__private::types::check::check_literal_map;
use flyte_runtime::cli::InputArgs;
use flyte_runtime::contract::PodEnv;
use flyte_runtime::execute::{execute_with, Origin, Outcome, RunConfig};
use flyte_runtime::proto::core::{literal, Literal, LiteralMap, LiteralType, TaskTemplate};
use flyte_runtime::proto::core::{Variable, VariableMap};
use flyte_runtime::storage::Storage;
use flyte_runtime::task::{map_template, SerializationSettings};
use flyte_runtime::types::{FlyteDirectory, FlyteFile, FlyteType};
use prost::Message;
use prost_types::Struct;
use rusqlite::types::Value as SqlValue;

use crate::fixture_types::{Color, Point, Shape};
use crate::pod::{template_run_args, ADD_EXECUTOR};

/// Every target, by name: the names of `fuzz/fuzz_targets/*.rs`, of the corpus folders
/// and of the regression files' prefixes.
pub const TARGETS: [&str; 6] = [
    "template",
    "literal_map",
    "custom",
    "run_input",
    "query_template",
    "map_element",
];

/// One input of a cargo-fuzz target: runs `target`'s check with checks made once per
/// process, and panics with what broke (libFuzzer saves the input as a crash).
pub fn run_target(target: &str, input: &[u8]) {
    static CHECKS: std::sync::OnceLock<Checks> = std::sync::OnceLock::new();
    if let Err(e) = CHECKS.get_or_init(Checks::new).check(target, input) {
        panic!("fuzz {target}: {e}");
    }
}

/// Where the proptest fuzzer writes each input it checks (`FLYTE_FUZZ_DUMP=DIR`, one
/// folder per target), so that the cargo-fuzz build can measure its coverage by replaying
/// them; `None` when unset.
pub fn dump_dir(target: &str) -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("FLYTE_FUZZ_DUMP")?).join(target);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("FLYTE_FUZZ_DUMP folder {}: {e}", dir.display()));
    Some(dir)
}

/// Writes `input` into `dir` under a name made from its content (equal inputs, one file).
/// With `FLYTE_FUZZ_DUMP_EVERY=N`, only one input in N (chosen by its content's hash, so a
/// uniform sample): a ten-minute run checks tens of millions.
pub fn dump(dir: &std::path::Path, input: &[u8]) {
    use std::hash::{Hash, Hasher};
    static EVERY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let every = *EVERY.get_or_init(|| {
        std::env::var("FLYTE_FUZZ_DUMP_EVERY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
            .max(1)
    });
    let mut h = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut h);
    let hash = h.finish();
    if !hash.is_multiple_of(every) {
        return;
    }
    let path = dir.join(format!("{hash:016x}"));
    std::fs::write(&path, input).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// What the checks share: a runtime for the entrypoint, the adder's template and good
/// inputs, and the fixtures' 18 types. Made once per fuzzing process.
pub struct Checks {
    runtime: tokio::runtime::Runtime,
    adder: TaskTemplate,
    adder_bytes: Vec<u8>,
    add_inputs: Vec<u8>,
    fixture_vars: VariableMap,
}

impl Checks {
    /// Reads the fixtures and builds the runtime; panics (naming what) when a fixture is
    /// missing, as a fuzzer without its seeds must not run.
    pub fn new() -> Self {
        let adder = flyte_examples::adder::add_task()
            .template(&SerializationSettings::default())
            .unwrap_or_else(|e| panic!("the adder's template: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
        Self {
            runtime,
            adder_bytes: adder.encode_to_vec(),
            adder,
            add_inputs: crate::read_fixture("runs/add_ok/inputs.pb"),
            fixture_vars: fixture_interface(),
        }
    }

    /// Runs target `target`'s check on `input`.
    pub fn check(&self, target: &str, input: &[u8]) -> Result<(), String> {
        match target {
            "template" => self.template(input),
            "literal_map" => self.literal_map(input),
            "custom" => custom(input),
            "run_input" => self.run_input(input),
            "query_template" => query_template(input),
            "map_element" => self.map_element(input),
            other => Err(format!("no fuzz target `{other}` (targets: {TARGETS:?})")),
        }
    }

    /// `template`: the whole `execute` path never panics and ends with exactly one of
    /// `outputs.pb` and `error.pb`; whatever decodes is safe to read `custom` from.
    pub fn template(&self, input: &[u8]) -> Result<(), String> {
        self.entrypoint(input, &self.add_inputs)?;
        if let Ok(t) = TaskTemplate::decode(input) {
            let _ = flyte_runtime::__private::execute::template_timeout(&t);
            if let Some(custom) = &t.custom {
                let _ = from_custom::<AddTask>("adder", custom);
                let _ = from_custom::<SqliteTask>("sqlite", custom);
                let _ = from_custom::<ChecksumTask>("keyed-checksum", custom);
            }
        }
        Ok(())
    }

    /// `literal_map`: the adder's run ends with one document; a value that converts to a
    /// fixture type converts back to a literal that reads as the same value.
    pub fn literal_map(&self, input: &[u8]) -> Result<(), String> {
        self.entrypoint(&self.adder_bytes, input)?;
        let Ok(map) = LiteralMap::decode(input) else {
            return Ok(());
        };
        let _ = check_literal_map(&map, &self.fixture_vars, "input");
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
    }

    /// `run_input`: what `run` reads from `--input`/`--inputs-json` against the fixture
    /// types either fits those types or is refused with a message naming an input or a flag.
    pub fn run_input(&self, input: &[u8]) -> Result<(), String> {
        let args = run_input_args(input);
        match args.literal_map("fuzz", &self.fixture_vars) {
            Ok(map) => check_literal_map(&map, &self.fixture_vars, "input")
                .map_err(|e| format!("{args:?} read into literals that do not fit: {e}")),
            Err(e) => {
                let message = e.to_string();
                if message.contains("input") {
                    Ok(())
                } else {
                    Err(format!(
                        "{args:?} refused without naming an input: {message}"
                    ))
                }
            }
        }
    }

    /// `map_element`: an element's inputs are item `index` of each unbound list input and
    /// the rest as they are, and fit the element's template when the map's inputs fit the
    /// map's; anything else is one of the map's USER errors.
    pub fn map_element(&self, input: &[u8]) -> Result<(), String> {
        let Some((index, mask, rest)) = input.split_first_chunk::<2>().and_then(|(i, r)| {
            r.split_first()
                .map(|(m, r)| (u16::from_le_bytes(*i), *m, r))
        }) else {
            return Ok(());
        };
        let Ok(inputs) = LiteralMap::decode(rest) else {
            return Ok(());
        };
        let names = ["a", "b", "label"];
        let bound: Vec<&str> = names
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect();
        let map = map_template(&self.adder, &bound).map_err(|e| format!("map template: {e}"))?;
        let over = MapOver {
            bound: bound.iter().map(|n| n.to_string()).collect(),
        };
        let map_vars = map
            .interface
            .as_ref()
            .and_then(|i| i.inputs.clone())
            .unwrap_or_default();
        let fits = check_literal_map(&inputs, &map_vars, "input").is_ok();
        let index = usize::from(index);
        match element_inputs("fuzz", &map, inputs.clone(), &over, index) {
            Ok((element, template)) => {
                let keys = |m: &LiteralMap| m.literals.keys().cloned().collect::<BTreeSet<_>>();
                if keys(&element) != keys(&inputs) {
                    return Err(format!("element {index} has other inputs than the map"));
                }
                for (name, lit) in &element.literals {
                    let indexed = !over.bound.contains(name)
                        && map_vars.variables.get(name).is_some_and(is_list_variable);
                    let want = if indexed {
                        item(&inputs.literals[name], index)
                            .ok_or_else(|| format!("`{name}` was indexed but is no list"))?
                    } else {
                        &inputs.literals[name]
                    };
                    if lit != want {
                        return Err(format!("element {index}: `{name}` is not the map's item"));
                    }
                }
                let element_vars = template
                    .interface
                    .and_then(|i| i.inputs)
                    .unwrap_or_default();
                match check_literal_map(&element, &element_vars, "input") {
                    Err(e) if fits => Err(format!("element {index} does not fit: {e}")),
                    _ => Ok(()),
                }
            }
            Err(f) => {
                let known = [
                    "MapInputMissing",
                    "MapInputNotAList",
                    "MapLengthMismatch",
                    "MapIndexOutOfRange",
                ];
                if f.origin == Origin::User && known.contains(&f.name.as_str()) {
                    Ok(())
                } else {
                    Err(format!("unexpected failure {f:?}"))
                }
            }
        }
    }

    /// Runs the entrypoint on these bytes, on in-memory storage; checks it ends with
    /// exactly one document.
    fn entrypoint(&self, template: &[u8], inputs: &[u8]) -> Result<(), String> {
        let storage = Storage::default();
        self.runtime.block_on(async {
            storage
                .write("memory://fuzz/template.pb", template.to_vec())
                .await
                .map_err(|e| e.to_string())?;
            storage
                .write("memory://fuzz/inputs.pb", inputs.to_vec())
                .await
                .map_err(|e| e.to_string())?;
            let args =
                template_run_args("memory://fuzz/template.pb", "memory://fuzz", ADD_EXECUTOR);
            let outcome = execute_with(
                RunConfig::new(args, PodEnv::from_env()),
                storage.clone(),
                pending(),
            )
            .await;
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
}

impl Default for Checks {
    fn default() -> Self {
        Self::new()
    }
}

fn is_list_variable(var: &Variable) -> bool {
    matches!(
        var.r#type.as_ref().and_then(|t| t.r#type.as_ref()),
        Some(flyte_runtime::proto::core::literal_type::Type::CollectionType(_))
    )
}

fn item(list: &Literal, index: usize) -> Option<&Literal> {
    match &list.value {
        Some(literal::Value::Collection(c)) => c.literals.get(index),
        _ => None,
    }
}

/// The fixtures' 18 variables, each with the type flytekit wrote for it.
pub fn fixture_interface() -> VariableMap {
    let index: Vec<BTreeMap<String, serde_json::Value>> =
        serde_json::from_slice(&crate::read_fixture("literals/INDEX.json"))
            .unwrap_or_else(|e| panic!("literals/INDEX.json: {e}"));
    let mut vars = VariableMap::default();
    for name in index
        .iter()
        .filter_map(|e| e.get("name").and_then(|n| n.as_str()))
    {
        let bytes = crate::read_fixture(&format!("literals/{name}.type.pb"));
        let t = LiteralType::decode(bytes.as_slice())
            .unwrap_or_else(|e| panic!("literals/{name}.type.pb: {e}"));
        vars.variables.insert(
            name.to_string(),
            Variable {
                r#type: Some(t),
                ..Default::default()
            },
        );
    }
    assert_eq!(vars.variables.len(), 18, "fixture types");
    vars
}

/// Converts the literal named `name` to `T`; if it converts, its literal must convert back
/// to an equal value.
fn converts<T: FlyteType + PartialEq + std::fmt::Debug>(
    map: &LiteralMap,
    name: &str,
) -> Result<(), String> {
    if let Some(lit) = map.literals.get(name) {
        if let Ok(v) = T::from_literal(lit) {
            let again = T::from_literal(&v.to_literal())
                .map_err(|e| format!("`{name}`: {v:?} does not read back: {e}"))?;
            if again != v {
                return Err(format!(
                    "`{name}` changed on a round trip: {v:?} became {again:?}"
                ));
            }
        }
    }
    Ok(())
}

/// `custom`: a `Struct` that reads as an example's configuration serializes to one that
/// reads as the same configuration.
pub fn custom(input: &[u8]) -> Result<(), String> {
    let Ok(custom) = Struct::decode(input) else {
        return Ok(());
    };
    check_custom(&custom)
}

/// The `custom` property on a decoded struct (the proptest fuzzer generates structs).
pub fn check_custom(custom: &Struct) -> Result<(), String> {
    reads_back::<AddTask>("adder", custom)?;
    reads_back::<SqliteTask>("sqlite", custom)?;
    reads_back::<ChecksumTask>("keyed-checksum", custom)?;
    reads_back::<CountTask>("resumable-count", custom)?;
    reads_back::<SquaresTask>("squares", custom)?;
    Ok(())
}

fn reads_back<T>(task_type: &'static str, custom: &Struct) -> Result<(), String>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(config) = from_custom::<T>(task_type, custom) {
        let written = to_custom(task_type, &config)
            .map_err(|e| format!("{task_type}: {config:?} does not serialize: {e}"))?;
        let again: T = from_custom(task_type, &written)
            .map_err(|e| format!("{task_type}: {written:?} does not read back: {e}"))?;
        if again != config {
            return Err(format!("{task_type}: {config:?} read back as {again:?}"));
        }
    }
    Ok(())
}

/// The command line a `run_input` input stands for.
pub fn run_input_args(input: &[u8]) -> InputArgs {
    let text = String::from_utf8_lossy(input);
    let mut args = InputArgs::default();
    for line in text.lines() {
        if line.starts_with('{') {
            args.inputs_json = Some(line.to_string());
        } else {
            args.input.push(line.to_string());
        }
    }
    args
}

/// A `query_template` input: the template, and the values by name.
pub fn query_input(input: &[u8]) -> (String, BTreeMap<String, SqlValue>) {
    let text = String::from_utf8_lossy(input);
    let mut lines = text.lines();
    let template = lines.next().unwrap_or_default().to_string();
    let values = lines
        .filter_map(|l| {
            let (name, value) = l.split_once('=')?;
            let value = match value.split_once(':') {
                Some(("i", v)) => SqlValue::Integer(v.parse().ok()?),
                Some(("f", v)) => SqlValue::Real(v.parse().ok()?),
                Some(("t", v)) => SqlValue::Text(v.to_string()),
                _ if value == "n" => SqlValue::Null,
                _ => return None,
            };
            Some((name.to_string(), value))
        })
        .collect();
    (template, values)
}

/// Writes a query template and its values as a `query_template` input (the inverse of
/// [`query_input`] for values without line breaks).
pub fn query_bytes(template: &str, values: &BTreeMap<String, SqlValue>) -> Vec<u8> {
    let mut out = template.replace(['\n', '\r'], " ");
    for (name, v) in values {
        let v = match v {
            SqlValue::Integer(i) => format!("i:{i}"),
            SqlValue::Real(f) => format!("f:{f:?}"),
            SqlValue::Text(t) => format!("t:{}", t.replace(['\n', '\r'], " ")),
            SqlValue::Null | SqlValue::Blob(_) => "n".to_string(),
        };
        out.push_str(&format!("\n{name}={v}"));
    }
    out.into_bytes()
}

/// `query_template`: parsing never panics, parameter names are plain, and no value can
/// change the statement: run against a real SQLite table, the table keeps its rows.
pub fn query_template(input: &[u8]) -> Result<(), String> {
    let (template, values) = query_input(input);
    let Ok(q) = QueryTemplate::parse(&template) else {
        return Ok(());
    };
    if let Some(p) = q
        .params
        .iter()
        .find(|p| !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(format!("bad parameter name {p:?} in {template:?}"));
    }
    let _ = q.display(&values);
    let Ok(bound) = q.bind(&values) else {
        return Ok(());
    };
    let conn = rusqlite::Connection::open_in_memory().map_err(|e| e.to_string())?;
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
        .map_err(|e| e.to_string())?;
    // Only the first statement of the SQL ever runs (prepare takes one statement); a value
    // never becomes SQL, so the table keeps its three rows whatever it holds. A template
    // that writes is the author's SQL, not a value's: only reading statements are judged.
    let upper = q.sql.to_uppercase();
    let writes = [
        "DROP", "DELETE", "UPDATE", "INSERT", "ALTER", "ATTACH", "VACUUM", "PRAGMA", "REPLACE",
        "CREATE",
    ]
    .iter()
    .any(|w| upper.contains(w));
    if writes {
        return Ok(());
    }
    if let Ok(mut stmt) = conn.prepare(&q.sql) {
        if stmt.parameter_count() == bound.len() {
            if let Ok(mut rows) = stmt.query(rusqlite::params_from_iter(bound.iter())) {
                while let Ok(Some(_)) = rows.next() {}
            }
        }
    }
    let count: i64 = conn
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .map_err(|e| format!("the table is gone after {:?}: {e}", q.sql))?;
    if count != 3 {
        return Err(format!("rows changed by {:?} with {values:?}", q.sql));
    }
    Ok(())
}
