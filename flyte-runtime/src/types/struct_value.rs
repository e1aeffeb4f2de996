//! Conversions between `google.protobuf.Struct` (JSON-like, every number a double) and the
//! value trees we work with: `serde_json::Value` and msgpack's `rmpv::Value`.

use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value as PbValue};
use serde_json::Value as Json;

/// A JSON value as a protobuf `Value` (numbers become doubles, as in any `Struct`).
pub fn json_to_pb(value: &Json) -> PbValue {
    let kind = match value {
        Json::Null => Kind::NullValue(0),
        Json::Bool(b) => Kind::BoolValue(*b),
        // A JSON number always has an f64 view; precision past 2^53 is lost, as in flytekit.
        Json::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Kind::StringValue(s.clone()),
        Json::Array(items) => Kind::ListValue(ListValue {
            values: items.iter().map(json_to_pb).collect(),
        }),
        Json::Object(map) => Kind::StructValue(json_object_to_struct(map)),
    };
    PbValue { kind: Some(kind) }
}

/// A JSON object as a protobuf `Struct`.
pub fn json_object_to_struct(map: &serde_json::Map<String, Json>) -> Struct {
    Struct {
        fields: map
            .iter()
            .map(|(k, v)| (k.clone(), json_to_pb(v)))
            .collect(),
    }
}

/// A protobuf `Value` as JSON. Whole doubles within ±2^53 become JSON integers, so a
/// `Struct` written by flytekit (`0` stored as `0.0`) reads back as the integer it was.
pub fn pb_to_json(value: &PbValue) -> Json {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::NumberValue(n)) => number_to_json(*n),
        Some(Kind::StringValue(s)) => Json::String(s.clone()),
        Some(Kind::ListValue(l)) => Json::Array(l.values.iter().map(pb_to_json).collect()),
        Some(Kind::StructValue(s)) => Json::Object(struct_to_json_object(s)),
    }
}

/// A protobuf `Struct` as a JSON object.
pub fn struct_to_json_object(s: &Struct) -> serde_json::Map<String, Json> {
    s.fields
        .iter()
        .map(|(k, v)| (k.clone(), pb_to_json(v)))
        .collect()
}

const MAX_EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

fn number_to_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() <= MAX_EXACT {
        // Exact: |n| <= 2^53 fits i64 without rounding.
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// A protobuf `Value` as msgpack, numbers kept as doubles (readers of integers accept whole doubles).
pub fn pb_to_msgpack(value: &PbValue) -> rmpv::Value {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => rmpv::Value::Nil,
        Some(Kind::BoolValue(b)) => rmpv::Value::Boolean(*b),
        Some(Kind::NumberValue(n)) => rmpv::Value::F64(*n),
        Some(Kind::StringValue(s)) => rmpv::Value::from(s.as_str()),
        Some(Kind::ListValue(l)) => {
            rmpv::Value::Array(l.values.iter().map(pb_to_msgpack).collect())
        }
        Some(Kind::StructValue(s)) => struct_to_msgpack(s),
    }
}

/// A protobuf `Struct` as a msgpack map.
pub fn struct_to_msgpack(s: &Struct) -> rmpv::Value {
    rmpv::Value::Map(
        s.fields
            .iter()
            .map(|(k, v)| (rmpv::Value::from(k.as_str()), pb_to_msgpack(v)))
            .collect(),
    )
}

/// A JSON value as msgpack (integers stay integers).
pub fn json_to_msgpack(value: &Json) -> rmpv::Value {
    match value {
        Json::Null => rmpv::Value::Nil,
        Json::Bool(b) => rmpv::Value::Boolean(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                rmpv::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                rmpv::Value::from(u)
            } else {
                rmpv::Value::F64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => rmpv::Value::from(s.as_str()),
        Json::Array(items) => rmpv::Value::Array(items.iter().map(json_to_msgpack).collect()),
        Json::Object(map) => rmpv::Value::Map(
            map.iter()
                .map(|(k, v)| (rmpv::Value::from(k.as_str()), json_to_msgpack(v)))
                .collect(),
        ),
    }
}

/// A msgpack value as JSON; `None` if it holds what JSON cannot (binary, extensions,
/// non-string keys, non-finite floats).
pub fn msgpack_to_json(value: &rmpv::Value) -> Option<Json> {
    Some(match value {
        rmpv::Value::Nil => Json::Null,
        rmpv::Value::Boolean(b) => Json::Bool(*b),
        rmpv::Value::Integer(i) => {
            if let Some(v) = i.as_i64() {
                Json::from(v)
            } else {
                Json::from(i.as_u64()?)
            }
        }
        rmpv::Value::F32(f) => Json::Number(serde_json::Number::from_f64(f64::from(*f))?),
        rmpv::Value::F64(f) => Json::Number(serde_json::Number::from_f64(*f)?),
        rmpv::Value::String(s) => Json::String(s.as_str()?.to_string()),
        rmpv::Value::Array(items) => {
            Json::Array(items.iter().map(msgpack_to_json).collect::<Option<_>>()?)
        }
        rmpv::Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.as_str()?.to_string(), msgpack_to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        rmpv::Value::Binary(_) | rmpv::Value::Ext(..) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_doubles_read_back_as_integers() {
        let v = json!({"offset": 0, "ratio": 0.5, "nested": {"values": [1, 2.5, "x", true, null]}});
        let pb = json_to_pb(&v);
        assert_eq!(pb_to_json(&pb), v);
    }
}
