//! Literals from and to JSON, guided by a Flyte type: how `run --input NAME=VALUE` and
//! `--inputs-json` build inputs, and how outputs are printed.

use serde_json::Value as Json;

use super::check::check_literal;
use super::describe::describe_type;
use super::error::TypeError;
use super::literal::{
    collection_literal, map_literal, none_literal, primitive_literal, scalar_literal,
};
use super::literal_type::optional_inner;
use super::struct_value::{json_to_msgpack, msgpack_to_json, pb_to_json};
use super::structs::{msgpack_literal, struct_payload};
use crate::proto::core::{
    literal, literal_type, primitive, scalar, Blob, BlobMetadata, BlobType, Literal, LiteralType,
    SimpleType, Union,
};

/// Builds the literal of type `ty` from a JSON value: numbers, strings, booleans; RFC 3339
/// strings for datetimes; seconds (a number or `"1.5s"`) for durations; arrays for lists;
/// objects for maps and dataclasses; `null` for an absent optional; a URI for files.
///
/// ```
/// use flyte_runtime::__private::types::json_literal::literal_from_json;
/// use flyte_runtime::types::FlyteType;
///
/// let lit = literal_from_json(&serde_json::json!([1, 2]), &Vec::<i64>::literal_type()).unwrap();
/// assert_eq!(Vec::<i64>::from_literal(&lit).unwrap(), vec![1, 2]);
/// let err = literal_from_json(&serde_json::json!("x"), &i64::literal_type()).unwrap_err();
/// assert_eq!(err.to_string(), "expected INTEGER, found JSON \"x\"");
/// ```
pub fn literal_from_json(value: &Json, ty: &LiteralType) -> Result<Literal, TypeError> {
    use literal_type::Type as T;
    let wrong = || TypeError::mismatch(describe_type(ty), format!("JSON {value}"));
    let Some(t) = &ty.r#type else {
        return Err(wrong());
    };
    match t {
        T::Simple(s) => {
            let simple = SimpleType::try_from(*s).map_err(|_| wrong())?;
            let p = |v| Ok(primitive_literal(v));
            match (simple, value) {
                (SimpleType::None, Json::Null) => Ok(none_literal()),
                (SimpleType::Integer, Json::Number(n)) => {
                    p(primitive::Value::Integer(n.as_i64().ok_or_else(wrong)?))
                }
                (SimpleType::Float, Json::Number(n)) => {
                    p(primitive::Value::FloatValue(n.as_f64().ok_or_else(wrong)?))
                }
                (SimpleType::String, Json::String(s)) => {
                    p(primitive::Value::StringValue(s.clone()))
                }
                (SimpleType::Boolean, Json::Bool(b)) => p(primitive::Value::Boolean(*b)),
                (SimpleType::Datetime, Json::String(s)) => {
                    let t = chrono::DateTime::parse_from_rfc3339(s).map_err(|_| wrong())?;
                    p(primitive::Value::Datetime(prost_types::Timestamp {
                        seconds: t.timestamp(),
                        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
                    }))
                }
                (SimpleType::Duration, Json::Number(n)) => {
                    seconds_literal(n.as_f64().ok_or_else(wrong)?).ok_or_else(wrong)
                }
                (SimpleType::Duration, Json::String(s)) => {
                    let secs: f64 = s
                        .strip_suffix('s')
                        .unwrap_or(s)
                        .parse()
                        .map_err(|_| wrong())?;
                    seconds_literal(secs).ok_or_else(wrong)
                }
                (SimpleType::Struct, Json::Object(_)) => {
                    Ok(msgpack_literal(&typed_msgpack(value, ty)))
                }
                _ => Err(wrong()),
            }
        }
        T::CollectionType(inner) => match value {
            Json::Array(items) => Ok(collection_literal(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| literal_from_json(v, inner).map_err(|e| e.at_index(i)))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Err(wrong()),
        },
        T::MapValueType(inner) => match value {
            Json::Object(m) => Ok(map_literal(
                m.iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            literal_from_json(v, inner).map_err(|e| e.at_key(k))?,
                        ))
                    })
                    .collect::<Result<Vec<_>, TypeError>>()?,
            )),
            _ => Err(wrong()),
        },
        T::EnumType(e) => match value {
            Json::String(s) if e.values.contains(s) => {
                Ok(primitive_literal(primitive::Value::StringValue(s.clone())))
            }
            _ => Err(wrong()),
        },
        T::UnionType(u) => {
            for variant in &u.variants {
                if let Ok(inner) = literal_from_json(value, variant) {
                    return Ok(scalar_literal(scalar::Value::Union(Box::new(Union {
                        value: Some(Box::new(inner)),
                        r#type: Some(variant.clone()),
                    }))));
                }
            }
            Err(wrong())
        }
        T::Blob(b) => match value {
            Json::String(uri) => Ok(scalar_literal(scalar::Value::Blob(Blob {
                uri: uri.clone(),
                metadata: Some(BlobMetadata {
                    r#type: Some(BlobType {
                        format: b.format.clone(),
                        dimensionality: b.dimensionality,
                    }),
                }),
            }))),
            _ => Err(wrong()),
        },
        T::StructuredDatasetType(_) | T::Schema(_) => Err(wrong()),
    }
    .and_then(|lit| {
        // Belt and braces: what we built must have the type's shape.
        check_literal(&lit, ty)?;
        Ok(lit)
    })
}

fn seconds_literal(secs: f64) -> Option<Literal> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.trunc();
    // f64 → i64 saturates; durations past ±292 billion years are not a concern.
    let seconds = whole as i64;
    let nanos = ((secs - whole) * 1e9).round() as i32;
    Some(primitive_literal(primitive::Value::Duration(
        prost_types::Duration { seconds, nanos },
    )))
}

/// Shows any literal as JSON, for printing: scalars as themselves, datetimes as RFC 3339,
/// durations as `"<seconds>s"`, dataclasses as objects, files and tables by their URI.
///
/// ```
/// use flyte_runtime::__private::types::json_literal::literal_to_json;
/// use flyte_runtime::types::FlyteType;
///
/// assert_eq!(literal_to_json(&vec![Some(1i64), None].to_literal()), serde_json::json!([1, null]));
/// ```
pub fn literal_to_json(lit: &Literal) -> Json {
    match &lit.value {
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::Primitive(p)) => match &p.value {
                Some(primitive::Value::Integer(i)) => Json::from(*i),
                Some(primitive::Value::FloatValue(f)) => Json::from(*f),
                Some(primitive::Value::StringValue(v)) => Json::from(v.clone()),
                Some(primitive::Value::Boolean(b)) => Json::from(*b),
                Some(primitive::Value::Datetime(t)) => {
                    chrono::DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
                        .map_or(Json::Null, |d| Json::from(d.to_rfc3339()))
                }
                Some(primitive::Value::Duration(d)) => {
                    Json::from(format!("{}s", d.seconds as f64 + f64::from(d.nanos) / 1e9))
                }
                None => Json::Null,
            },
            Some(scalar::Value::Blob(b)) => Json::from(b.uri.clone()),
            Some(scalar::Value::Binary(_)) | Some(scalar::Value::Generic(_)) => {
                match struct_payload(lit, "STRUCT") {
                    Ok(v) => msgpack_to_json(&v).unwrap_or(Json::Null),
                    Err(_) => match &s.value {
                        Some(scalar::Value::Generic(g)) => pb_to_json(&prost_types::Value {
                            kind: Some(prost_types::value::Kind::StructValue(g.clone())),
                        }),
                        _ => Json::Null,
                    },
                }
            }
            Some(scalar::Value::StructuredDataset(sd)) => Json::from(sd.uri.clone()),
            Some(scalar::Value::Union(u)) => u.value.as_deref().map_or(Json::Null, literal_to_json),
            Some(scalar::Value::Error(e)) => Json::from(format!("error: {}", e.message)),
            Some(scalar::Value::Schema(sc)) => Json::from(sc.uri.clone()),
            Some(scalar::Value::NoneType(_)) | None => Json::Null,
        },
        Some(literal::Value::Collection(c)) => {
            Json::Array(c.literals.iter().map(literal_to_json).collect())
        }
        Some(literal::Value::Map(m)) => Json::Object(
            m.literals
                .iter()
                .map(|(k, v)| (k.clone(), literal_to_json(v)))
                .collect(),
        ),
        Some(literal::Value::OffloadedMetadata(o)) => Json::from(format!("offloaded: {}", o.uri)),
        None => Json::Null,
    }
}

/// `value` as msgpack, shaped by `ty` where it says more than JSON does: a whole number in a
/// FLOAT place (a struct field, a list item, a map value) is written as a float, as flytekit
/// writes a dataclass's `float` field.
fn typed_msgpack(value: &Json, ty: &LiteralType) -> rmpv::Value {
    use crate::proto::core::literal_type::Type as T;
    match (&ty.r#type, value) {
        (Some(T::Simple(s)), Json::Number(n)) if *s == SimpleType::Float as i32 => {
            rmpv::Value::F64(n.as_f64().unwrap_or(f64::NAN))
        }
        (Some(T::Simple(s)), Json::Object(map)) if *s == SimpleType::Struct as i32 => {
            let fields = ty.structure.as_ref().map(|st| &st.dataclass_type);
            rmpv::Value::Map(
                map.iter()
                    .map(|(k, v)| {
                        let field = fields.and_then(|f| f.get(k));
                        let v = field.map_or_else(|| json_to_msgpack(v), |t| typed_msgpack(v, t));
                        (rmpv::Value::from(k.as_str()), v)
                    })
                    .collect(),
            )
        }
        (Some(T::CollectionType(inner)), Json::Array(items)) => {
            rmpv::Value::Array(items.iter().map(|v| typed_msgpack(v, inner)).collect())
        }
        (Some(T::MapValueType(inner)), Json::Object(map)) => rmpv::Value::Map(
            map.iter()
                .map(|(k, v)| (rmpv::Value::from(k.as_str()), typed_msgpack(v, inner)))
                .collect(),
        ),
        (Some(T::UnionType(_)), v) if !v.is_null() => match optional_inner(ty) {
            Some(inner) => typed_msgpack(v, inner),
            None => json_to_msgpack(v),
        },
        _ => json_to_msgpack(value),
    }
}

#[cfg(test)]
mod typed_msgpack_tests {
    use super::*;
    use crate::types::structs::{struct_literal_type, FieldInfo};

    #[test]
    fn a_whole_number_for_a_float_field_is_a_float_as_flytekit_writes_it() {
        let inner = struct_literal_type("Inner", &[FieldInfo::of::<Vec<f64>>("ys")]);
        let ty = struct_literal_type(
            "Point",
            &[
                FieldInfo::of::<f64>("x"),
                FieldInfo::of::<i64>("n"),
                FieldInfo::of::<Option<f64>>("w"),
                FieldInfo {
                    name: "inner",
                    literal_type: inner,
                    schema: serde_json::json!({}),
                    default: None,
                },
            ],
        );
        let v = serde_json::json!({"x": 1, "n": 2, "w": 3, "inner": {"ys": [1, 2.5]}});
        let m = typed_msgpack(&v, &ty);
        let get = |m: &rmpv::Value, k: &str| {
            m.as_map()
                .and_then(|m| m.iter().find(|(key, _)| key.as_str() == Some(k)))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get(&m, "x"), Some(rmpv::Value::F64(1.0)));
        assert_eq!(get(&m, "n"), Some(rmpv::Value::from(2)));
        assert_eq!(get(&m, "w"), Some(rmpv::Value::F64(3.0)));
        let inner = get(&m, "inner").and_then(|i| get(&i, "ys"));
        assert_eq!(
            inner,
            Some(rmpv::Value::Array(vec![
                rmpv::Value::F64(1.0),
                rmpv::Value::F64(2.5)
            ]))
        );
    }
}
