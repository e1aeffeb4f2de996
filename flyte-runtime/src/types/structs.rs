//! Structs as flytekit dataclasses: simple STRUCT with a JSON-schema `metadata`, the field
//! types in `structure.dataclass_type`, the msgpack cache-key annotation, and values as a
//! msgpack `Binary` tagged `msgpack`. Also reads the older `generic` (Struct) form.
//! `#[derive(FlyteType)]` on a struct expands to calls into this module.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::describe::{describe_literal, describe_msgpack};
use super::literal::scalar_literal;
use super::literal_type::{msgpack_annotation, simple};
use super::struct_value::{json_object_to_struct, msgpack_to_json, struct_to_msgpack};
use super::{FlyteType, TypeError, TypeErrorKind};
use crate::proto::core::{scalar, Binary, Literal, LiteralType, SimpleType, TypeStructure};

/// The tag flytekit writes on msgpack `Binary` literals.
pub const MSGPACK_TAG: &str = "msgpack";

/// What a struct says about one of its fields.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    /// The field's name, as written in msgpack and the schema.
    pub name: &'static str,
    /// The field's Flyte type.
    pub literal_type: LiteralType,
    /// The field's JSON schema (with its `description`, where it has one).
    pub schema: Json,
    /// The value of an absent field, as JSON; `None` for a required field.
    pub default: Option<Json>,
}

impl FieldInfo {
    /// A field of type `T`, required unless `T` has a value for a missing key (`Option`).
    pub fn of<T: FlyteType>(name: &'static str) -> Self {
        Self {
            name,
            literal_type: T::literal_type(),
            schema: T::json_schema(),
            default: T::when_missing().and_then(|v| msgpack_to_json(&v.to_msgpack())),
        }
    }

    /// A field of type `T` whose absent value is `default`.
    pub fn with_default<T: FlyteType>(name: &'static str, default: &T) -> Self {
        Self {
            default: msgpack_to_json(&default.to_msgpack()),
            ..Self::of::<T>(name)
        }
    }

    /// The same field, described by `text` (its doc comment): the `description` of its
    /// property in the struct's JSON schema, where JSON Schema (and mashumaro, for a
    /// dataclass field's `metadata={"description": ...}`) puts a property's description.
    #[must_use]
    pub fn described(mut self, text: &'static str) -> Self {
        if let Some(obj) = self.schema.as_object_mut() {
            obj.insert("description".to_string(), Json::from(text));
        }
        self
    }
}

/// The JSON schema of a struct, in mashumaro's shape.
pub fn struct_schema(title: &str, fields: &[FieldInfo]) -> Json {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = f.schema.clone();
        match (&f.default, schema.as_object_mut()) {
            (Some(default), Some(obj)) => {
                obj.insert("default".to_string(), default.clone());
            }
            _ => required.push(Json::from(f.name)),
        }
        properties.insert(f.name.to_string(), schema);
    }
    json!({
        "additionalProperties": false,
        "properties": properties,
        "required": required,
        "title": title,
        "type": "object",
    })
}

/// The `LiteralType` of a struct, as flytekit 1.16 writes a dataclass's.
pub fn struct_literal_type(title: &str, fields: &[FieldInfo]) -> LiteralType {
    let metadata = match struct_schema(title, fields) {
        Json::Object(map) => Some(json_object_to_struct(&map)),
        _ => None,
    };
    let dataclass_type: BTreeMap<String, LiteralType> = fields
        .iter()
        .map(|f| (f.name.to_string(), f.literal_type.clone()))
        .collect();
    LiteralType {
        metadata,
        annotation: Some(msgpack_annotation()),
        structure: Some(TypeStructure {
            tag: String::new(),
            dataclass_type,
        }),
        ..simple(SimpleType::Struct)
    }
}

/// A msgpack `Binary` literal holding `value`.
pub fn msgpack_literal(value: &rmpv::Value) -> Literal {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail: rmpv only reports the writer's I/O errors.
    let _ = rmpv::encode::write_value(&mut bytes, value);
    scalar_literal(scalar::Value::Binary(Binary {
        value: bytes,
        tag: MSGPACK_TAG.to_string(),
    }))
}

/// Reads the payload of a struct literal: a msgpack `Binary`, or a `generic` Struct.
/// `expected` names the type for the error message.
pub fn struct_payload(literal: &Literal, expected: &str) -> Result<rmpv::Value, TypeError> {
    match super::literal::as_scalar(literal, expected)? {
        scalar::Value::Binary(b) if b.tag == MSGPACK_TAG => {
            rmpv::decode::read_value(&mut b.value.as_slice()).map_err(|e| {
                TypeError::new(TypeErrorKind::Decode {
                    format: "msgpack",
                    message: e.to_string(),
                })
            })
        }
        scalar::Value::Generic(s) => Ok(struct_to_msgpack(s)),
        _ => Err(TypeError::mismatch(expected, describe_literal(literal))),
    }
}

/// The entries of a msgpack map that should hold struct `title`.
pub fn struct_entries<'a>(
    value: &'a rmpv::Value,
    title: &str,
) -> Result<&'a [(rmpv::Value, rmpv::Value)], TypeError> {
    match value {
        rmpv::Value::Map(entries) => Ok(entries),
        other => Err(TypeError::mismatch(
            format!("STRUCT {title}"),
            describe_msgpack(other),
        )),
    }
}

fn find<'a>(entries: &'a [(rmpv::Value, rmpv::Value)], name: &str) -> Option<&'a rmpv::Value> {
    entries
        .iter()
        .find(|(k, _)| k.as_str() == Some(name))
        .map(|(_, v)| v)
}

/// Reads field `name` of a struct; a missing key takes `T::when_missing()` or is an error.
pub fn read_field<T: FlyteType>(
    entries: &[(rmpv::Value, rmpv::Value)],
    name: &str,
) -> Result<T, TypeError> {
    match find(entries, name) {
        Some(v) => T::from_msgpack(v).map_err(|e| e.at_field(name)),
        None => T::when_missing().ok_or_else(|| {
            TypeError::new(TypeErrorKind::MissingField {
                expected: super::describe::describe_type(&T::literal_type()),
            })
            .at_field(name)
        }),
    }
}

/// Reads field `name` of a struct; a missing key takes `default()`.
pub fn read_field_or<T: FlyteType>(
    entries: &[(rmpv::Value, rmpv::Value)],
    name: &str,
    default: impl FnOnce() -> T,
) -> Result<T, TypeError> {
    match find(entries, name) {
        Some(v) => T::from_msgpack(v).map_err(|e| e.at_field(name)),
        None => Ok(default()),
    }
}

/// A msgpack map from `(name, value)` pairs, in field order.
pub fn struct_value(fields: Vec<(&'static str, rmpv::Value)>) -> rmpv::Value {
    rmpv::Value::Map(
        fields
            .into_iter()
            .map(|(k, v)| (rmpv::Value::from(k), v))
            .collect(),
    )
}
