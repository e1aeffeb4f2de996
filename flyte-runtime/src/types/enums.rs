//! Unit-only enums: flytekit's `Enum` with string values (`enum_type`, written as a string
//! primitive). `#[derive(FlyteType)]` on an enum implements [`FlyteEnum`] and a `FlyteType`
//! that calls the functions here.

use serde_json::json;

use super::describe::describe_literal;
use super::literal::{as_primitive, string_literal};
use super::literal_type::enum_of;
use super::{TypeError, TypeErrorKind};
use crate::proto::core::{primitive, Literal, LiteralType};

/// An enum whose variants each stand for one string value.
///
/// ```
/// use flyte_runtime::types::{FlyteEnum, FlyteType};
///
/// #[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
/// #[flyte(rename_all = "lowercase")]
/// enum Color { Red, Green }
///
/// assert_eq!(Color::VALUES, &["red", "green"]);
/// assert_eq!(Color::from_literal(&Color::Green.to_literal()).unwrap(), Color::Green);
/// ```
pub trait FlyteEnum: Sized + 'static {
    /// The enum's Rust name, for messages.
    const NAME: &'static str;
    /// The string values, in declaration order.
    const VALUES: &'static [&'static str];
    /// This variant's value.
    fn value(&self) -> &'static str;
    /// The variant with this value.
    fn from_value(value: &str) -> Option<Self>;
}

/// `enum_type` with the enum's values.
pub fn enum_literal_type<E: FlyteEnum>() -> LiteralType {
    enum_of(E::VALUES)
}

/// The variant as a string literal.
pub fn enum_to_literal<E: FlyteEnum>(e: &E) -> Literal {
    string_literal(e.value())
}

/// Reads a variant from a string literal.
pub fn enum_from_literal<E: FlyteEnum>(literal: &Literal) -> Result<E, TypeError> {
    let expected = || super::describe::describe_type(&enum_literal_type::<E>());
    match as_primitive(literal, &expected())? {
        primitive::Value::StringValue(s) => enum_from_str(s),
        _ => Err(TypeError::mismatch(expected(), describe_literal(literal))),
    }
}

/// Reads a variant from its string value.
pub fn enum_from_str<E: FlyteEnum>(s: &str) -> Result<E, TypeError> {
    E::from_value(s).ok_or_else(|| {
        TypeError::new(TypeErrorKind::UnknownVariant {
            name: E::NAME,
            found: s.to_string(),
            values: E::VALUES.join(", "),
        })
    })
}

/// Reads a variant from a msgpack string.
pub fn enum_from_msgpack<E: FlyteEnum>(value: &rmpv::Value) -> Result<E, TypeError> {
    match value.as_str() {
        Some(s) => enum_from_str(s),
        None => Err(TypeError::mismatch(
            super::describe::describe_type(&enum_literal_type::<E>()),
            super::describe::describe_msgpack(value),
        )),
    }
}

/// The JSON schema of an enum field (mashumaro writes the values only).
pub fn enum_schema<E: FlyteEnum>() -> serde_json::Value {
    json!({"enum": E::VALUES})
}

/// The union tag flytekit gives enums.
pub use super::literal_type::ENUM_TAG;
