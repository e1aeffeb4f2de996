//! Lists (`Vec<T>`: `collection_type`) and string-keyed maps (`HashMap`/`BTreeMap<String, T>`:
//! `map_value_type`). Errors inside are placed at `[index]` or `["key"]`.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use serde_json::json;

use super::describe::{describe_literal, describe_msgpack, describe_type};
use super::literal::{collection_literal, map_literal};
use super::literal_type::{collection_of, map_of};
use super::{FlyteType, TypeError};
use crate::proto::core::{literal, Literal, LiteralType};

impl<T: FlyteType> FlyteType for Vec<T> {
    fn literal_type() -> LiteralType {
        collection_of(T::literal_type())
    }
    fn type_tag() -> &'static str {
        "Typed List"
    }
    fn to_literal(&self) -> Literal {
        collection_literal(self.iter().map(T::to_literal).collect())
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        match &literal.value {
            Some(literal::Value::Collection(c)) => c
                .literals
                .iter()
                .enumerate()
                .map(|(i, item)| T::from_literal(item).map_err(|e| e.at_index(i)))
                .collect(),
            _ => Err(TypeError::mismatch(
                describe_type(&Self::literal_type()),
                describe_literal(literal),
            )),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::Array(self.iter().map(T::to_msgpack).collect())
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        match value {
            rmpv::Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::from_msgpack(item).map_err(|e| e.at_index(i)))
                .collect(),
            _ => Err(TypeError::mismatch(
                describe_type(&Self::literal_type()),
                describe_msgpack(value),
            )),
        }
    }
    fn json_schema() -> serde_json::Value {
        json!({"items": T::json_schema(), "type": "array"})
    }
}

fn map_from_literal<T: FlyteType, M: FromIterator<(String, T)>>(
    literal: &Literal,
) -> Result<M, TypeError> {
    match &literal.value {
        Some(literal::Value::Map(m)) => m
            .literals
            .iter()
            .map(|(k, v)| Ok((k.clone(), T::from_literal(v).map_err(|e| e.at_key(k))?)))
            .collect(),
        _ => Err(TypeError::mismatch(
            describe_type(&map_of(T::literal_type())),
            describe_literal(literal),
        )),
    }
}

fn map_from_msgpack<T: FlyteType, M: FromIterator<(String, T)>>(
    value: &rmpv::Value,
) -> Result<M, TypeError> {
    let mismatch = || {
        TypeError::mismatch(
            describe_type(&map_of(T::literal_type())),
            describe_msgpack(value),
        )
    };
    match value {
        rmpv::Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let key = k.as_str().ok_or_else(mismatch)?;
                Ok((
                    key.to_string(),
                    T::from_msgpack(v).map_err(|e| e.at_key(key))?,
                ))
            })
            .collect(),
        _ => Err(mismatch()),
    }
}

fn map_to_msgpack<'a, T: FlyteType + 'a>(
    entries: impl Iterator<Item = (&'a String, &'a T)>,
) -> rmpv::Value {
    rmpv::Value::Map(
        entries
            .map(|(k, v)| (rmpv::Value::from(k.as_str()), v.to_msgpack()))
            .collect(),
    )
}

fn map_schema<T: FlyteType>() -> serde_json::Value {
    json!({"additionalProperties": T::json_schema(), "propertyNames": {"type": "string"}, "type": "object"})
}

/// `HashMap` and `BTreeMap` are the same Flyte map; only the Rust container differs.
macro_rules! string_map_impl {
    ($map:ty, $($generics:tt)*) => {
        impl<$($generics)*> FlyteType for $map {
            fn literal_type() -> LiteralType {
                map_of(T::literal_type())
            }
            fn type_tag() -> &'static str {
                "Typed Dict"
            }
            fn to_literal(&self) -> Literal {
                map_literal(self.iter().map(|(k, v)| (k.clone(), v.to_literal())))
            }
            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                map_from_literal(literal)
            }
            fn to_msgpack(&self) -> rmpv::Value {
                map_to_msgpack(self.iter())
            }
            fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
                map_from_msgpack(value)
            }
            fn json_schema() -> serde_json::Value {
                map_schema::<T>()
            }
        }
    };
}

string_map_impl!(HashMap<String, T, S>, T: FlyteType, S: BuildHasher + Default);
string_map_impl!(BTreeMap<String, T>, T: FlyteType);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::literal::string_literal;

    #[test]
    fn errors_name_the_index_and_key() {
        let lit = map_literal([(
            "north".to_string(),
            collection_literal(vec![1.0_f64.to_literal(), string_literal("x")]),
        )]);
        let err = BTreeMap::<String, Vec<f64>>::from_literal(&lit).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `[\"north\"][1]`: expected FLOAT, found string \"x\""
        );
    }

    #[test]
    fn a_scalar_is_not_a_list() {
        let err = Vec::<i64>::from_literal(&3_i64.to_literal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected collection of INTEGER, found integer 3"
        );
    }
}
