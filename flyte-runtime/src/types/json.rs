//! `serde_json::Value`: flytekit's untyped `dict`, a STRUCT without a schema. Written as a
//! msgpack `Binary` (as flytekit 1.16 does); the older `generic` Struct form is read too.

use serde_json::json;

use super::describe::describe_msgpack;
use super::literal_type::{msgpack_annotation, simple};
use super::struct_value::{json_to_msgpack, msgpack_to_json};
use super::structs::{msgpack_literal, struct_payload};
use super::{FlyteType, TypeError};
use crate::proto::core::{Literal, LiteralType, SimpleType};

impl FlyteType for serde_json::Value {
    fn literal_type() -> LiteralType {
        LiteralType {
            annotation: Some(msgpack_annotation()),
            ..simple(SimpleType::Struct)
        }
    }
    fn type_tag() -> &'static str {
        "Typed Dict"
    }
    fn to_literal(&self) -> Literal {
        msgpack_literal(&json_to_msgpack(self))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        Self::from_msgpack(&struct_payload(literal, "STRUCT")?)
    }
    fn to_msgpack(&self) -> rmpv::Value {
        json_to_msgpack(self)
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        msgpack_to_json(value)
            .ok_or_else(|| TypeError::mismatch("a JSON value", describe_msgpack(value)))
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "object"})
    }
}
