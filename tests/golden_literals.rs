//! Golden tests against literals made by flytekit 1.16.31 (`tests/fixtures/literals/`):
//! for every row of the fixture table, our `literal_type()` equals flytekit's `LiteralType`,
//! decoding flytekit's literal gives the expected Rust value, and the literal we write back
//! is read by flytekit's own TypeEngine as the same Python value.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use chrono::{DateTime, TimeDelta, Utc};
use flyte_runtime::proto::core::{Literal, LiteralMap, LiteralType};
use flyte_runtime::types::{FlyteDirectory, FlyteFile, FlyteType};
use prost::Message;

use flyte_tests::fixture_types::{point, Color, Shape};

fn decode<M: Message + Default>(rel: &str) -> M {
    M::decode(flyte_tests::read_fixture(rel).as_slice()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

struct Golden {
    ours: LiteralMap,
    failures: Vec<String>,
    rows: usize,
}

impl Golden {
    fn row<T: FlyteType + PartialEq + Debug>(&mut self, name: &str, expected: T) {
        self.rows += 1;
        let theirs_type: LiteralType = decode(&format!("literals/{name}.type.pb"));
        if T::literal_type() != theirs_type {
            self.failures.push(format!(
                "{name}: literal_type differs\n  ours:     {:?}\n  flytekit: {theirs_type:?}",
                T::literal_type()
            ));
        }
        let theirs: Literal = decode(&format!("literals/{name}.literal.pb"));
        match T::from_literal(&theirs) {
            Ok(v) if v == expected => {}
            Ok(v) => self
                .failures
                .push(format!("{name}: decoded {v:?}, expected {expected:?}")),
            Err(e) => self
                .failures
                .push(format!("{name}: cannot decode flytekit's literal: {e}")),
        }
        self.ours
            .literals
            .insert(name.to_string(), expected.to_literal());
    }
}

#[test]
fn every_fixture_row_matches_flytekit_both_ways() {
    let mut g = Golden {
        ours: LiteralMap::default(),
        failures: Vec::new(),
        rows: 0,
    };
    g.row("an_int", 42_i64);
    g.row("a_negative_int", -7_i32);
    g.row("a_float", 3.25_f64);
    g.row("a_str", "hello, flyte ✓".to_string());
    g.row("a_bool", true);
    let dt: DateTime<Utc> = "2024-05-17T12:30:45.123456Z"
        .parse()
        .expect("valid datetime");
    g.row("a_datetime", dt);
    g.row(
        "a_duration",
        TimeDelta::seconds(3723) + TimeDelta::milliseconds(4),
    );
    g.row("int_list", vec![1_i64, 2, 3]);
    g.row(
        "str_list",
        vec!["a".to_string(), "b".to_string(), String::new()],
    );
    g.row("nested_list", vec![vec![1_i64], vec![], vec![2, 3]]);
    g.row(
        "float_map",
        BTreeMap::from([("x".to_string(), 1.5_f64), ("y".to_string(), -2.0)]),
    );
    g.row("optional_int_set", Some(5_i64));
    g.row("optional_int_none", None::<i64>);
    g.row("an_enum", Color::Green);
    g.row(
        "a_dataclass",
        Shape {
            name: "tri".into(),
            points: vec![point(0.0, 0.0), point(1.0, 0.0), point(0.0, 1.0)],
            tags: HashMap::from([("k".to_string(), 1)]),
            color: Color::Red,
            note: None,
        },
    );
    g.row("dataclass_list", vec![point(1.0, 2.0), point(3.0, 4.0)]);
    g.row(
        "a_file",
        FlyteFile::new("s3://fixture-bucket/data/hello.txt"),
    );
    g.row(
        "a_directory",
        FlyteDirectory::new("s3://fixture-bucket/data/72fe43bc6682e960ae12b1b12cd23159"),
    );

    // The other direction: flytekit's TypeEngine reads what we wrote.
    let verdicts = flyte_tests::run_python("check_literals.py", &[], &g.ours.encode_to_vec());
    let verdicts: BTreeMap<String, String> =
        serde_json::from_slice(&verdicts).expect("check_literals.py prints JSON");
    assert_eq!(verdicts.len(), g.rows, "flytekit judged {verdicts:?}");
    for (name, verdict) in verdicts {
        if verdict != "ok" {
            g.failures
                .push(format!("{name}: flytekit reading our literal: {verdict}"));
        }
    }
    assert!(
        g.failures.is_empty(),
        "{} failures:\n{}",
        g.failures.len(),
        g.failures.join("\n")
    );
}

#[test]
fn all_inputs_decodes_as_one_map() {
    // flytekit's whole LiteralMap of the table, read variable by variable with paths.
    let map: LiteralMap = decode("literals/all_inputs.pb");
    let shape: Shape =
        flyte_runtime::types::read_variable(&map, "a_dataclass").expect("a_dataclass");
    assert_eq!(shape.points.len(), 3);
    let err = flyte_runtime::types::read_variable::<Vec<String>>(&map, "int_list").unwrap_err();
    assert_eq!(
        err.to_string(),
        "at `int_list[0]`: expected STRING, found integer 1"
    );
}

/// The twin of `described_dataclass.py`'s `Note`.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
struct Note {
    /// What was noted.
    text: String,
}

/// The twin of `described_dataclass.py`'s `Reading`: each doc comment is a field's
/// `metadata={"description": ...}` there; `north` has neither.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
struct Reading {
    /// Metres east of the origin.
    ///
    /// Measured at noon.
    east: f64,
    north: f64,
    /// How sure the reading is.
    #[flyte(default = 1.0)]
    confidence: f64,
    /// A note, if any.
    note: Option<Note>,
}

#[test]
fn a_structs_field_docs_are_the_descriptions_flytekit_writes_for_a_dataclass() {
    let theirs =
        LiteralType::decode(flyte_tests::run_python("described_dataclass.py", &[], b"").as_slice())
            .expect("a LiteralType");
    let ours = Reading::literal_type();
    assert_eq!(ours, theirs);
    // The comparison sees descriptions: the same struct but for `east`'s is not flytekit's.
    use flyte_runtime::__private::types::structs::{struct_literal_type, FieldInfo};
    let east_undescribed = struct_literal_type(
        "Reading",
        &[
            FieldInfo::of::<f64>("east"),
            FieldInfo::of::<f64>("north"),
            FieldInfo::with_default::<f64>("confidence", &1.0)
                .described("How sure the reading is."),
            FieldInfo::of::<Option<Note>>("note").described("A note, if any."),
        ],
    );
    assert_eq!(east_undescribed.structure, theirs.structure);
    assert_ne!(east_undescribed.metadata, theirs.metadata);
}
