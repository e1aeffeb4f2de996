//! Fuzzing, proptest-driven, of everything that reads untrusted bytes (see
//! `tests/fuzz/README.md`): each target first replays its corpus and saved regressions, then
//! mutates seeds (or generates structured inputs) for `FLYTE_FUZZ_SECS` (default 20 s),
//! checking its properties on every input. A failure is shrunk by proptest and printed with
//! the run's seed.
//!
//! The properties live in `flyte_tests::fuzz_checks`, shared with the coverage-guided
//! cargo-fuzz targets in `fuzz/` (nightly): `template`, `literal_map`, `custom`,
//! `run_input`, `query_template` and `map_element`, each described there.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use flyte_tests::fuzz_checks::{self, Checks, TARGETS};
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

/// The corpus of `target`; never empty.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let all = read_dir_files(&fuzz_dir().join("corpus").join(target), |_| true);
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
// The targets.

/// Replays every target's corpus and regressions (the inputs the cargo-fuzz targets found
/// and minimised included): each must pass its check.
#[test]
fn replay_corpus_and_regressions() {
    let checks = Checks::new();
    for target in TARGETS {
        let inputs = [seeds(target), regressions(target)].concat();
        for (i, input) in inputs.iter().enumerate() {
            checks
                .check(target, input)
                .unwrap_or_else(|e| panic!("fuzz {target}: corpus/regression input {i}: {e}"));
        }
        println!(
            "fuzz {target}: {} corpus and regression inputs pass",
            inputs.len()
        );
    }
}

/// The seeds each target starts from, by file name: templates and inputs written by flyte-rs
/// and by flytekit (the fixtures), example configurations, and command lines and query
/// templates of every kind the targets read.
fn seed_files() -> Vec<(&'static str, String, Vec<u8>)> {
    use flyte_runtime::task::SerializationSettings;
    let settings = SerializationSettings::default();
    let templates = [
        flyte_examples::adder::add_task().template(&settings),
        flyte_examples::sqlite::sqlite_demo().template(&settings),
        flyte_examples::checksum::checksum_task().template(&settings),
        flyte_examples::squares::squares_task().template(&settings),
        flyte_examples::resumable::resumable_count().template(&settings),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .expect("example templates")
    .into_iter()
    .map(without_checkout_path)
    .collect::<Vec<_>>();
    let mut seeds = Vec::new();
    for (i, t) in templates.iter().take(3).enumerate() {
        seeds.push(("template", format!("flyte_rs_{i}.pb"), t.encode_to_vec()));
    }
    for name in [
        "add_task",
        "custom_task",
        "fail_task",
        "pod_template_task",
        "sqlite_task",
    ] {
        let bytes = flyte_tests::read_fixture(&format!("templates/{name}.pb"));
        seeds.push(("template", format!("flytekit_{name}.pb"), bytes));
    }
    let ours = [
        flyte_tests::pod::add_inputs(40, 2, "sum"),
        flyte_tests::pod::add_inputs(i64::MIN, -1, ""),
        flyte_tests::pod::misbehave_inputs("ok", 0.5),
    ];
    for (i, m) in ours.iter().enumerate() {
        seeds.push(("literal_map", format!("flyte_rs_{i}.pb"), m.encode_to_vec()));
    }
    seeds.push((
        "literal_map",
        "flytekit_all_inputs.pb".into(),
        flyte_tests::read_fixture("literals/all_inputs.pb"),
    ));
    for run in [
        "add_ok",
        "corrupt_inputs",
        "fail_user_error",
        "missing_inputs",
    ] {
        if let Ok(b) = std::fs::read(flyte_tests::fixture(&format!("runs/{run}/inputs.pb"))) {
            seeds.push(("literal_map", format!("flytekit_{run}.pb"), b));
        }
    }
    for t in &templates {
        let name = t.id.as_ref().map(|id| id.name.clone()).unwrap_or_default();
        let custom = t.custom.clone().unwrap_or_default();
        seeds.push(("custom", format!("{name}.pb"), custom.encode_to_vec()));
    }
    let lines = |l: &[&str]| l.join("\n").into_bytes();
    let scalars = [
        "an_int=42",
        "a_negative_int=-7",
        "a_float=3.25",
        "a_str=hello, flyte",
        "a_bool=true",
        "a_datetime=2024-05-17T12:30:45.123456Z",
        "a_duration=3723.004s",
        "an_enum=green",
        "optional_int_set=5",
        "optional_int_none=null",
        "a_file=./hello.txt",
        "a_directory=s3://bucket/somedir",
    ];
    let collections = [
        "int_list=[1,2,3]",
        "str_list=[\"a\",\"b\",\"\"]",
        "nested_list=[[1],[],[2,3]]",
        "float_map={\"x\":1.5,\"y\":-2.0}",
        "dataclass_list=[{\"x\":1.0,\"y\":2.0}]",
        "a_dataclass={\"name\":\"tri\",\"points\":[{\"x\":0,\"y\":0}],\"tags\":{\"k\":1},\"color\":\"red\",\"note\":null}",
    ];
    let run_inputs: [(&str, Vec<u8>); 5] = [
        ("all.txt", lines(&[&scalars[..], &collections[..]].concat())),
        ("scalars.txt", lines(&scalars)),
        ("collections.txt", lines(&collections)),
        (
            "json.txt",
            lines(&[
                "{\"an_int\": 1, \"a_str\": \"x\", \"int_list\": [1], \"optional_int_set\": null}",
                "a_bool=false",
            ]),
        ),
        ("bad.txt", lines(&["an_int=three", "nothing", "unknown=1"])),
    ];
    for (name, bytes) in run_inputs {
        seeds.push(("run_input", name.to_string(), bytes));
    }
    let queries = [
        (
            "where.txt",
            "SELECT x FROM t WHERE x > {{ .inputs.a }} AND x <> {{.inputs.b}} LIMIT 5",
            vec![
                ("a", rusqlite::types::Value::Integer(1)),
                (
                    "b",
                    rusqlite::types::Value::Text("'; DROP TABLE t; --".into()),
                ),
            ],
        ),
        (
            "quotes.txt",
            "SELECT '{{ .inputs.a }}', \"{{.inputs.b}}\" -- {{ .inputs.a_long_name_10 }}",
            vec![
                ("a", rusqlite::types::Value::Real(2.5)),
                ("a_long_name_10", rusqlite::types::Value::Null),
            ],
        ),
        (
            "broken.txt",
            "SELECT {{ .inputs. }} {{ inputs.a }} {{",
            vec![],
        ),
    ];
    for (name, template, values) in queries {
        let values: BTreeMap<String, rusqlite::types::Value> = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        seeds.push((
            "query_template",
            name.to_string(),
            fuzz_checks::query_bytes(template, &values),
        ));
    }
    let list = |xs: Vec<flyte_runtime::proto::core::Literal>| flyte_runtime::proto::core::Literal {
        value: Some(flyte_runtime::proto::core::literal::Value::Collection(
            flyte_runtime::proto::core::LiteralCollection { literals: xs },
        )),
        ..Default::default()
    };
    use flyte_runtime::types::FlyteType;
    let map_inputs = |a: &[i64], b: &[i64], label: Option<&str>| {
        let label = match label {
            Some(l) => l.to_string().to_literal(),
            None => list(vec![
                "x".to_string().to_literal(),
                "y".to_string().to_literal(),
            ]),
        };
        flyte_runtime::proto::core::LiteralMap {
            literals: [
                (
                    "a".to_string(),
                    list(a.iter().map(|v| v.to_literal()).collect()),
                ),
                (
                    "b".to_string(),
                    list(b.iter().map(|v| v.to_literal()).collect()),
                ),
                ("label".to_string(), label),
            ]
            .into(),
        }
        .encode_to_vec()
    };
    let element = |index: u16, mask: u8, map: Vec<u8>| {
        [index.to_le_bytes().as_slice(), &[mask], &map].concat()
    };
    seeds.push((
        "map_element",
        "lists.bin".into(),
        element(1, 0, map_inputs(&[1, 2], &[3, 4], None)),
    ));
    seeds.push((
        "map_element",
        "bound.bin".into(),
        element(0, 0b100, map_inputs(&[1], &[2], Some("s"))),
    ));
    seeds.push((
        "map_element",
        "uneven.bin".into(),
        element(2, 0, map_inputs(&[1, 2, 3], &[4], None)),
    ));
    seeds
}

/// `t` with the sqlite demo's database URI (a path inside this checkout) replaced by a
/// fixed one, so that the seeds are the same bytes in every clone.
fn without_checkout_path(
    mut t: flyte_runtime::proto::core::TaskTemplate,
) -> flyte_runtime::proto::core::TaskTemplate {
    if let Some(uri) = t.custom.as_mut().and_then(|c| c.fields.get_mut("uri")) {
        uri.kind = Some(Kind::StringValue("https://example.com/demo.sqlite".into()));
    }
    t
}

/// The `run_input` seed that gives every fixture input reads into literals, so that the
/// fuzzers start from the path that converts values, not only from refusals.
#[test]
fn a_run_input_seed_reads_whole() {
    let all = seed_files()
        .into_iter()
        .find(|(t, n, _)| *t == "run_input" && n == "all.txt")
        .expect("all.txt seed");
    let args = fuzz_checks::run_input_args(&all.2);
    let vars = fuzz_checks::fixture_interface();
    let map = args.literal_map("fuzz", &vars).expect("all.txt reads");
    assert_eq!(map.literals.len(), 18);
}

/// The corpus holds the seeds `seed_files` makes, byte for byte (`UPDATE_FUZZ_CORPUS=1`
/// rewrites them): a template or literal format that changes shows here first.
#[test]
fn corpus_seeds_are_current() {
    let update = std::env::var_os("UPDATE_FUZZ_CORPUS").is_some();
    for (target, name, bytes) in seed_files() {
        let path = fuzz_dir().join("corpus").join(target).join(&name);
        if update {
            std::fs::create_dir_all(path.parent().expect("corpus folder")).expect("corpus folder");
            std::fs::write(&path, &bytes).expect("write seed");
        }
        let stored = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "seed {}: {e} (UPDATE_FUZZ_CORPUS=1 writes it)",
                path.display()
            )
        });
        assert!(
            stored == bytes,
            "seed {} differs from what seed_files() makes (UPDATE_FUZZ_CORPUS=1 rewrites it)",
            path.display()
        );
    }
}

/// Mutates the corpus of a byte-format target.
fn mutate_target(target: &'static str) {
    let checks = Checks::new();
    let dump = fuzz_checks::dump_dir(target);
    let n = drive(target, mutated(seeds(target)), |input| {
        if let Some(dir) = &dump {
            fuzz_checks::dump(dir, &input);
        }
        checks.check(target, &input).map_err(TestCaseError::fail)
    });
    assert!(n > 0);
}

#[test]
fn fuzz_template() {
    mutate_target("template");
}

#[test]
fn fuzz_literal_map() {
    mutate_target("literal_map");
}

#[test]
fn fuzz_run_input() {
    mutate_target("run_input");
}

#[test]
fn fuzz_map_element() {
    mutate_target("map_element");
}

// ---------------------------------------------------------------------------------------
// custom → typed configuration, generated as structs.

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

#[test]
fn fuzz_custom() {
    let strategy = prop::collection::btree_map(field_name(), json_value(), 0..6)
        .prop_map(|fields| Struct { fields });
    let dump = fuzz_checks::dump_dir("custom");
    let n = drive("custom", strategy, |custom| {
        let bytes = custom.encode_to_vec();
        if let Some(dir) = &dump {
            fuzz_checks::dump(dir, &bytes);
        }
        fuzz_checks::custom(&bytes).map_err(TestCaseError::fail)
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
    let dump = fuzz_checks::dump_dir("query_template");
    let n = drive("query_template", strategy, |(template, values)| {
        let bytes = fuzz_checks::query_bytes(&template, &values);
        if let Some(dir) = &dump {
            fuzz_checks::dump(dir, &bytes);
        }
        fuzz_checks::query_template(&bytes).map_err(TestCaseError::fail)
    });
    assert!(n > 0);
}
