//! `Option<T>`: flytekit's `Optional[T]`, a union of T (tagged with T's transformer name)
//! and NONE (tagged `none`). Values are written as `scalar.union` holding the chosen variant.

use serde_json::json;

use super::literal::{none_literal, scalar_literal};
use super::literal_type::{none_variant, tagged, union_of};
use super::{FlyteType, TypeError};
use crate::proto::core::{literal, scalar, Literal, LiteralType, Union};

fn is_none(literal: &Literal) -> bool {
    matches!(
        &literal.value,
        Some(literal::Value::Scalar(s)) if matches!(s.value, Some(scalar::Value::NoneType(_)))
    )
}

impl<T: FlyteType> FlyteType for Option<T> {
    fn literal_type() -> LiteralType {
        union_of(vec![
            tagged(T::literal_type(), T::type_tag()),
            none_variant(),
        ])
    }
    fn type_tag() -> &'static str {
        "Typed Union"
    }
    fn to_literal(&self) -> Literal {
        let (value, variant) = match self {
            Some(v) => (v.to_literal(), tagged(T::literal_type(), T::type_tag())),
            None => (none_literal(), none_variant()),
        };
        scalar_literal(scalar::Value::Union(Box::new(Union {
            value: Some(Box::new(value)),
            r#type: Some(variant),
        })))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        // flytekit also accepts a bare value or a bare none where an Optional is expected.
        let union = match &literal.value {
            Some(literal::Value::Scalar(s)) => match &s.value {
                Some(scalar::Value::Union(u)) => Some(u),
                _ => None,
            },
            _ => None,
        };
        let inner = match union {
            Some(u) => match &u.value {
                Some(v) => v.as_ref(),
                None => return Ok(None),
            },
            None => literal,
        };
        if is_none(inner) {
            Ok(None)
        } else {
            T::from_literal(inner).map(Some)
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        self.as_ref().map_or(rmpv::Value::Nil, T::to_msgpack)
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        match value {
            rmpv::Value::Nil => Ok(None),
            v => T::from_msgpack(v).map(Some),
        }
    }
    fn json_schema() -> serde_json::Value {
        json!({"anyOf": [T::json_schema(), {"type": "null"}]})
    }
    fn when_missing() -> Option<Self> {
        Some(None)
    }
}
