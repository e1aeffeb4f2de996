//! Property tests: for every supported type, nested ones included, encode → decode is the
//! identity, both as a literal and as a msgpack struct field; and decoding never panics.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use flyte_runtime::proto::core::Literal;
use flyte_runtime::types::{FlyteDirectory, FlyteFile, FlyteType};
use proptest::prelude::*;

#[derive(flyte_runtime::FlyteType, Debug, PartialEq, Clone)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(flyte_runtime::FlyteType, Debug, PartialEq, Clone, Copy)]
#[flyte(rename_all = "snake_case")]
enum Mode {
    Fast,
    VerySafe,
}

#[derive(flyte_runtime::FlyteType, Debug, PartialEq, Clone)]
struct Record {
    id: u32,
    small: i8,
    label: String,
    when: DateTime<Utc>,
    took: std::time::Duration,
    mode: Mode,
    scores: Vec<f32>,
    named: BTreeMap<String, Option<Point>>,
    extra: Option<Vec<i16>>,
    file: FlyteFile,
}

/// Literal → value is the identity, and the literal survives the wire.
fn literal_round_trip<T: FlyteType + PartialEq + std::fmt::Debug>(
    v: &T,
) -> Result<(), TestCaseError> {
    let lit = v.to_literal();
    prop_assert_eq!(
        &T::from_literal(&lit).map_err(|e| TestCaseError::fail(e.to_string()))?,
        v
    );
    let bytes = prost::Message::encode_to_vec(&lit);
    let back: Literal =
        prost::Message::decode(bytes.as_slice()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(back, lit);
    Ok(())
}

/// Both forms are the identity: the literal, and the msgpack struct-field form.
fn round_trip<T: FlyteType + PartialEq + std::fmt::Debug>(v: &T) -> Result<(), TestCaseError> {
    literal_round_trip(v)?;
    let packed = v.to_msgpack();
    prop_assert_eq!(
        &T::from_msgpack(&packed).map_err(|e| TestCaseError::fail(e.to_string()))?,
        v
    );
    Ok(())
}

fn datetime() -> impl Strategy<Value = DateTime<Utc>> {
    (-62_135_596_800_i64..253_402_300_799, 0_u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range"))
}

fn datetime_micros() -> impl Strategy<Value = DateTime<Utc>> {
    // In structs a datetime is an ISO string: whole microseconds survive Python's isoformat.
    (0_i64..4_102_444_800, 0_u32..1_000_000)
        .prop_map(|(s, us)| DateTime::from_timestamp(s, us * 1000).expect("in range"))
}

fn point() -> impl Strategy<Value = Point> {
    (-1e6_f64..1e6, -1e6_f64..1e6).prop_map(|(x, y)| Point { x, y })
}

fn record() -> impl Strategy<Value = Record> {
    (
        any::<u32>(),
        any::<i8>(),
        ".*",
        datetime_micros(),
        (0_u64..1_000_000, 0_u32..1_000)
            .prop_map(|(s, ms)| std::time::Duration::from_millis(s * 1000 + u64::from(ms))),
        prop_oneof![Just(Mode::Fast), Just(Mode::VerySafe)],
        prop::collection::vec(-1e3_f32..1e3, 0..5),
        prop::collection::btree_map("[a-z]{0,6}", prop::option::of(point()), 0..4),
        prop::option::of(prop::collection::vec(any::<i16>(), 0..4)),
        "[a-z]{1,8}".prop_map(|k| FlyteFile::new(format!("s3://bucket/{k}"))),
    )
        .prop_map(
            |(id, small, label, when, took, mode, scores, named, extra, file)| Record {
                id,
                small,
                label,
                when,
                took,
                mode,
                scores,
                named,
                extra,
                file,
            },
        )
}

proptest! {
    #[test]
    fn primitives(b in any::<bool>(), i in any::<i64>(), u in any::<u32>(), f in any::<f64>().prop_filter("NaN != NaN", |f| !f.is_nan()), s in ".*") {
        round_trip(&b)?;
        round_trip(&i)?;
        round_trip(&u)?;
        round_trip(&f)?;
        round_trip(&s)?;
    }

    #[test]
    fn times(dt in datetime(), secs in any::<u32>(), nanos in 0_u32..1_000_000_000, ms in -1_000_000_000_000_i64..1_000_000_000_000) {
        let lit = dt.to_literal();
        prop_assert_eq!(DateTime::<Utc>::from_literal(&lit).map_err(|e| TestCaseError::fail(e.to_string()))?, dt);
        // Nanoseconds survive the literal; the struct-field form is float seconds, as in
        // mashumaro, so it keeps microseconds over about a century.
        literal_round_trip(&std::time::Duration::new(u64::from(secs), nanos))?;
        round_trip(&std::time::Duration::new(u64::from(secs), (nanos / 1_000_000) * 1_000_000))?;
        let td = TimeDelta::milliseconds(ms);
        prop_assert_eq!(TimeDelta::from_literal(&td.to_literal()).map_err(|e| TestCaseError::fail(e.to_string()))?, td);
    }

    #[test]
    fn nested_collections(v in prop::collection::vec(prop::option::of(prop::collection::hash_map(".{0,5}", point(), 0..3)), 0..5)) {
        // Vec<Option<HashMap<String, Point>>>: the example of nesting.
        round_trip(&v)?;
    }

    #[test]
    fn structs(r in record()) {
        round_trip(&r)?;
        round_trip(&vec![r.clone(), r])?;
    }

    #[test]
    fn blobs(k in "[a-z0-9/]{1,20}") {
        // A format is part of the literal; flytekit's struct-field form carries the path only.
        literal_round_trip(&FlyteFile::new(format!("s3://b/{k}")).with_format("csv"))?;
        round_trip(&FlyteFile::new(format!("s3://b/{k}")))?;
        round_trip(&FlyteDirectory::new(format!("gs://b/{k}")))?;
    }

    #[test]
    fn json_values(v in prop::collection::btree_map("[a-z]{1,4}", prop_oneof![any::<i64>().prop_map(serde_json::Value::from), ".*".prop_map(serde_json::Value::from), any::<bool>().prop_map(serde_json::Value::from)], 0..5)) {
        let v = serde_json::to_value(v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        round_trip(&v)?;
    }

    #[test]
    fn decoding_garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(lit) = <Literal as prost::Message>::decode(bytes.as_slice()) {
            let _ = Record::from_literal(&lit);
            let _ = Vec::<Option<HashMap<String, Point>>>::from_literal(&lit);
            let _ = serde_json::Value::from_literal(&lit);
        }
        let _ = Record::from_literal(&flyte_runtime::__private::msgpack_literal(&rmpv::Value::Binary(bytes)));
    }
}

#[test]
fn a_bad_field_deep_inside_is_named_by_its_path() {
    let good = vec![Point { x: 1.0, y: 2.0 }; 3];
    let mut packed = good.to_msgpack();
    if let rmpv::Value::Array(items) = &mut packed {
        items[2] = rmpv::Value::Map(vec![
            (rmpv::Value::from("x"), rmpv::Value::from("oops")),
            (rmpv::Value::from("y"), rmpv::Value::F64(1.0)),
        ]);
    }
    let err = Vec::<Point>::from_msgpack(&packed)
        .unwrap_err()
        .at_field("points");
    assert_eq!(
        err.to_string(),
        "at `points[2].x`: expected FLOAT, found string \"oops\""
    );
}

#[test]
fn a_missing_required_field_is_named() {
    let packed = rmpv::Value::Map(vec![(rmpv::Value::from("x"), rmpv::Value::F64(1.0))]);
    let err = Point::from_msgpack(&packed).unwrap_err();
    assert_eq!(err.to_string(), "at `y`: missing field (expected FLOAT)");
}

#[test]
fn an_unknown_enum_value_lists_the_known_ones() {
    let err = Mode::from_literal(&"slow".to_string().to_literal()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"slow\" is not one of the values of enum Mode (fast, very_safe)"
    );
}

#[test]
fn the_generic_struct_form_is_read_with_double_numbers() {
    // Older flytekit wrote dataclasses as scalar.generic (a Struct: every number a double).
    let json = serde_json::json!({"x": 1, "y": 2.5});
    let generic = flyte_runtime::types::struct_value::json_to_pb(&json);
    let Some(prost_types::value::Kind::StructValue(s)) = generic.kind else {
        panic!("an object is a struct")
    };
    let lit = flyte_runtime::types::literal::scalar_literal(
        flyte_runtime::proto::core::scalar::Value::Generic(s),
    );
    assert_eq!(Point::from_literal(&lit).unwrap(), Point { x: 1.0, y: 2.5 });
}
