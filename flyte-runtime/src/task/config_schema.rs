//! What a task type's configuration looks like from outside Rust: its fields as `custom`
//! holds them (serde's names), each with its type, default and doc comment.
//! `#[container_task]` reads them off the struct and registers them with the task type, so
//! that other languages can build the same `custom` (the generated Python module does:
//! `python-module`).
//!
//! A field's type is described when it is one of the types in [`ConfigType`] (strings,
//! integers, floats, booleans, and options, lists and string-keyed maps of them); any other
//! type is [`ConfigType::Any`]: accepted as it comes, checked only by the executor when it
//! reads `custom`.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

/// A configuration field's type, as `custom` (a `google.protobuf.Struct`) carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigType {
    /// A string.
    Str,
    /// An integer (a whole double in `custom`).
    Int,
    /// A float.
    Float,
    /// A boolean.
    Bool,
    /// Absent or null, or the inner type.
    Optional(Box<ConfigType>),
    /// A list.
    List(Box<ConfigType>),
    /// A map with string keys.
    Map(Box<ConfigType>),
    /// Anything serde accepts for the field (a type not described here).
    Any,
}

/// A Rust type whose [`ConfigType`] is known.
///
/// ```
/// use flyte_runtime::__private::task::config_schema::{ConfigType, DescribeConfigType};
/// assert_eq!(
///     <Option<Vec<u32>>>::config_type(),
///     ConfigType::Optional(Box::new(ConfigType::List(Box::new(ConfigType::Int))))
/// );
/// ```
pub trait DescribeConfigType {
    /// Its type in `custom`.
    fn config_type() -> ConfigType;
}

macro_rules! describe {
    ($kind:ident: $($t:ty),*) => {
        $(impl DescribeConfigType for $t {
            fn config_type() -> ConfigType {
                ConfigType::$kind
            }
        })*
    };
}

describe!(Str: String, str, char, std::path::PathBuf);
describe!(Int: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
describe!(Float: f32, f64);
describe!(Bool: bool);
describe!(Any: serde_json::Value);

impl<T: DescribeConfigType + ?Sized> DescribeConfigType for Box<T> {
    fn config_type() -> ConfigType {
        T::config_type()
    }
}

impl<T: DescribeConfigType> DescribeConfigType for Option<T> {
    fn config_type() -> ConfigType {
        ConfigType::Optional(Box::new(T::config_type()))
    }
}

impl<T: DescribeConfigType> DescribeConfigType for Vec<T> {
    fn config_type() -> ConfigType {
        ConfigType::List(Box::new(T::config_type()))
    }
}

impl<T: DescribeConfigType, S> DescribeConfigType for HashMap<String, T, S> {
    fn config_type() -> ConfigType {
        ConfigType::Map(Box::new(T::config_type()))
    }
}

impl<T: DescribeConfigType> DescribeConfigType for BTreeMap<String, T> {
    fn config_type() -> ConfigType {
        ConfigType::Map(Box::new(T::config_type()))
    }
}

/// One field of a configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigField {
    /// The Rust field's name (`r#` removed).
    pub name: &'static str,
    /// Its key in `custom` (serde's name for it).
    pub key: &'static str,
    /// Its doc comment.
    pub doc: &'static str,
    /// Its type.
    pub ty: ConfigType,
    /// The value serde fills in when the key is absent (`#[serde(default)]`), as JSON.
    pub default: Option<serde_json::Value>,
    /// Left out of `custom` when none (`#[serde(skip_serializing_if = "Option::is_none")]`).
    pub skip_if_none: bool,
}

/// A task type's configuration, field by field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigSchema {
    /// The struct's doc comment.
    pub doc: &'static str,
    /// Its fields, in declaration order.
    pub fields: Vec<ConfigField>,
    /// Why the fields do not describe `custom`, when they do not (e.g. `#[serde(flatten)]`,
    /// or a `custom_with` module that writes `custom` itself).
    pub opaque: Option<&'static str>,
}

/// `T::default()` as JSON, for a field's `#[serde(default)]`.
#[doc(hidden)]
pub fn default_json<T: Default + serde::Serialize>() -> Option<serde_json::Value> {
    serde_json::to_value(T::default()).ok()
}

/// A value as JSON, for `#[serde(default = "path")]` and a struct's `#[serde(default)]`.
#[doc(hidden)]
pub fn json_of<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// How the macros ask for a field's [`ConfigType`] whether or not the type describes itself
/// (autoref specialization: [`Described`] for types that implement [`DescribeConfigType`],
/// [`Undescribed`] for the rest).
#[doc(hidden)]
pub struct ConfigTypeProbe<T: ?Sized>(PhantomData<fn() -> Box<T>>);

impl<T: ?Sized> ConfigTypeProbe<T> {
    /// The probe.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: ?Sized> Default for ConfigTypeProbe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The probe of a type that describes itself.
#[doc(hidden)]
pub trait Described {
    /// Its type.
    fn config_type(&self) -> ConfigType;
}

impl<T: DescribeConfigType + ?Sized> Described for &ConfigTypeProbe<T> {
    fn config_type(&self) -> ConfigType {
        T::config_type()
    }
}

/// The probe of any other type.
#[doc(hidden)]
pub trait Undescribed {
    /// [`ConfigType::Any`].
    fn config_type(&self) -> ConfigType;
}

impl<T: ?Sized> Undescribed for ConfigTypeProbe<T> {
    fn config_type(&self) -> ConfigType {
        ConfigType::Any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Custom;

    #[test]
    #[allow(clippy::needless_borrow)] // the two borrows are what picks the impl
    fn the_probe_describes_known_types_and_calls_the_rest_any() {
        assert_eq!(
            (&&ConfigTypeProbe::<i64>::new()).config_type(),
            ConfigType::Int
        );
        assert_eq!(
            (&&ConfigTypeProbe::<BTreeMap<String, f64>>::new()).config_type(),
            ConfigType::Map(Box::new(ConfigType::Float))
        );
        assert_eq!(
            (&&ConfigTypeProbe::<Custom>::new()).config_type(),
            ConfigType::Any
        );
        assert_eq!(default_json::<Vec<i64>>(), Some(serde_json::json!([])));
    }
}
