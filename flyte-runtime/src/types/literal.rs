//! Constructors and accessors for `Literal`s, so conversions read as what they build
//! rather than as nested `Some(…)`. Only shapes; no knowledge of Rust types.

use crate::proto::core::{
    literal, primitive, scalar, Literal, LiteralCollection, LiteralMap, Primitive, Scalar, Void,
};

use super::describe::describe_literal;
use super::TypeError;

/// A literal holding one scalar.
pub fn scalar_literal(value: scalar::Value) -> Literal {
    Literal {
        value: Some(literal::Value::Scalar(Box::new(Scalar {
            value: Some(value),
        }))),
        ..Default::default()
    }
}

/// A literal holding one primitive.
pub fn primitive_literal(value: primitive::Value) -> Literal {
    scalar_literal(scalar::Value::Primitive(Primitive { value: Some(value) }))
}

/// `scalar.primitive.string_value`.
pub fn string_literal(value: impl Into<String>) -> Literal {
    primitive_literal(primitive::Value::StringValue(value.into()))
}

/// `scalar.none_type`: the value of NONE.
pub fn none_literal() -> Literal {
    scalar_literal(scalar::Value::NoneType(Void {}))
}

/// A collection literal.
pub fn collection_literal(literals: Vec<Literal>) -> Literal {
    Literal {
        value: Some(literal::Value::Collection(LiteralCollection { literals })),
        ..Default::default()
    }
}

/// A map literal.
pub fn map_literal(literals: impl IntoIterator<Item = (String, Literal)>) -> Literal {
    Literal {
        value: Some(literal::Value::Map(LiteralMap {
            literals: literals.into_iter().collect(),
        })),
        ..Default::default()
    }
}

/// The primitive inside `lit`, or a mismatch naming `expected`.
pub fn as_primitive<'a>(
    lit: &'a Literal,
    expected: &str,
) -> Result<&'a primitive::Value, TypeError> {
    match as_scalar(lit, expected)? {
        scalar::Value::Primitive(Primitive { value: Some(p) }) => Ok(p),
        _ => Err(TypeError::mismatch(expected, describe_literal(lit))),
    }
}

/// The scalar value inside `lit`, or a mismatch naming `expected`.
pub fn as_scalar<'a>(lit: &'a Literal, expected: &str) -> Result<&'a scalar::Value, TypeError> {
    match &lit.value {
        Some(literal::Value::Scalar(s)) => s
            .value
            .as_ref()
            .ok_or_else(|| TypeError::mismatch(expected, describe_literal(lit))),
        _ => Err(TypeError::mismatch(expected, describe_literal(lit))),
    }
}
