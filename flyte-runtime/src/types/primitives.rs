//! Booleans, integers, floats and strings: Flyte's simple types.

use serde_json::json;

use super::describe::{describe_msgpack, describe_type};
use super::literal::{as_primitive, primitive_literal};
use super::literal_type::simple;
use super::{FlyteType, TypeError, TypeErrorKind};
use crate::proto::core::{primitive, Literal, LiteralType, SimpleType};

impl FlyteType for bool {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Boolean)
    }
    fn type_tag() -> &'static str {
        "bool"
    }
    fn to_literal(&self) -> Literal {
        primitive_literal(primitive::Value::Boolean(*self))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        match as_primitive(literal, "BOOLEAN")? {
            primitive::Value::Boolean(b) => Ok(*b),
            _ => Err(mismatch::<Self>(literal)),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::Boolean(*self)
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        value
            .as_bool()
            .ok_or_else(|| msgpack_mismatch::<Self>(value))
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "boolean"})
    }
}

fn mismatch<T: FlyteType>(literal: &Literal) -> TypeError {
    TypeError::mismatch(
        describe_type(&T::literal_type()),
        super::describe::describe_literal(literal),
    )
}

pub(super) fn msgpack_mismatch<T: FlyteType>(value: &rmpv::Value) -> TypeError {
    TypeError::mismatch(describe_type(&T::literal_type()), describe_msgpack(value))
}

fn out_of_range<T>(value: impl ToString, target: &'static str, min: T, max: T) -> TypeError
where
    T: std::fmt::Display,
{
    TypeError::new(TypeErrorKind::OutOfRange {
        value: value.to_string(),
        target,
        range: format!("{min}..={max}"),
    })
}

/// Reads an integer from msgpack: an integer, or a whole double (a `generic` Struct's numbers).
fn msgpack_integer(value: &rmpv::Value) -> Option<i128> {
    match value {
        rmpv::Value::Integer(i) => i.as_i64().map(i128::from).or(i.as_u64().map(i128::from)),
        rmpv::Value::F64(f) if f.fract() == 0.0 && f.abs() < 1e19 => Some(*f as i128),
        rmpv::Value::F32(f) if f.fract() == 0.0 && f.abs() < 1e19 => Some(*f as i128),
        _ => None,
    }
}

macro_rules! integer_impl {
    ($($t:ty),*) => {$(
        impl FlyteType for $t {
            fn literal_type() -> LiteralType {
                simple(SimpleType::Integer)
            }
            fn type_tag() -> &'static str {
                "int"
            }
            fn to_literal(&self) -> Literal {
                primitive_literal(primitive::Value::Integer(i64::from(*self)))
            }
            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                match as_primitive(literal, "INTEGER")? {
                    primitive::Value::Integer(i) => <$t>::try_from(*i)
                        .map_err(|_| out_of_range(i, stringify!($t), <$t>::MIN, <$t>::MAX)),
                    _ => Err(mismatch::<Self>(literal)),
                }
            }
            fn to_msgpack(&self) -> rmpv::Value {
                rmpv::Value::from(i64::from(*self))
            }
            fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
                let i = msgpack_integer(value).ok_or_else(|| msgpack_mismatch::<Self>(value))?;
                <$t>::try_from(i).map_err(|_| out_of_range(i, stringify!($t), <$t>::MIN, <$t>::MAX))
            }
            fn json_schema() -> serde_json::Value {
                json!({"type": "integer"})
            }
        }
    )*};
}

integer_impl!(i8, i16, i32, i64, u8, u16, u32);

impl FlyteType for f64 {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Float)
    }
    fn type_tag() -> &'static str {
        "float"
    }
    fn to_literal(&self) -> Literal {
        primitive_literal(primitive::Value::FloatValue(*self))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        match as_primitive(literal, "FLOAT")? {
            primitive::Value::FloatValue(f) => Ok(*f),
            _ => Err(mismatch::<Self>(literal)),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::F64(*self)
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        // Python writes a whole-valued float field given an int (Point(0, 0)) as an integer.
        match value {
            rmpv::Value::F64(f) => Ok(*f),
            rmpv::Value::F32(f) => Ok(f64::from(*f)),
            rmpv::Value::Integer(i) => i.as_f64().ok_or_else(|| msgpack_mismatch::<Self>(value)),
            _ => Err(msgpack_mismatch::<Self>(value)),
        }
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "number"})
    }
}

impl FlyteType for f32 {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Float)
    }
    fn type_tag() -> &'static str {
        "float"
    }
    fn to_literal(&self) -> Literal {
        f64::from(*self).to_literal()
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        narrow_f32(f64::from_literal(literal)?)
    }
    fn to_msgpack(&self) -> rmpv::Value {
        f64::from(*self).to_msgpack()
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        narrow_f32(f64::from_msgpack(value)?)
    }
    fn json_schema() -> serde_json::Value {
        f64::json_schema()
    }
}

fn narrow_f32(f: f64) -> Result<f32, TypeError> {
    if f.is_finite() && f.abs() > f64::from(f32::MAX) {
        Err(out_of_range(f, "f32", f32::MIN, f32::MAX))
    } else {
        // In range (or non-finite, which f32 also represents): the cast only rounds.
        Ok(f as f32)
    }
}

impl FlyteType for String {
    fn literal_type() -> LiteralType {
        simple(SimpleType::String)
    }
    fn type_tag() -> &'static str {
        "str"
    }
    fn to_literal(&self) -> Literal {
        primitive_literal(primitive::Value::StringValue(self.clone()))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        match as_primitive(literal, "STRING")? {
            primitive::Value::StringValue(s) => Ok(s.clone()),
            _ => Err(mismatch::<Self>(literal)),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::from(self.as_str())
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| msgpack_mismatch::<Self>(value))
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "string"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::literal::string_literal;

    #[test]
    fn integers_are_range_checked() {
        let lit = 70_000_i64.to_literal();
        assert_eq!(
            u16::from_literal(&lit).unwrap_err().to_string(),
            "70000 does not fit in u16 (0..=65535)"
        );
        assert_eq!(i32::from_literal(&lit).unwrap(), 70_000);
        let neg = (-1_i64).to_literal();
        assert!(u32::from_literal(&neg).is_err());
    }

    #[test]
    fn wrong_kinds_name_both_sides() {
        let err = bool::from_literal(&string_literal("yes")).unwrap_err();
        assert_eq!(err.to_string(), "expected BOOLEAN, found string \"yes\"");
        let err = String::from_literal(&1.5_f64.to_literal()).unwrap_err();
        assert_eq!(err.to_string(), "expected STRING, found float 1.5");
    }

    #[test]
    fn whole_doubles_read_as_integers_from_msgpack() {
        assert_eq!(i64::from_msgpack(&rmpv::Value::F64(3.0)).unwrap(), 3);
        assert!(i64::from_msgpack(&rmpv::Value::F64(3.5)).is_err());
        assert!(u8::from_msgpack(&rmpv::Value::from(256)).is_err());
    }

    #[test]
    fn f32_rejects_values_beyond_its_range() {
        assert!(f32::from_literal(&1e300_f64.to_literal()).is_err());
        assert_eq!(f32::from_literal(&1.5_f64.to_literal()).unwrap(), 1.5);
    }
}
