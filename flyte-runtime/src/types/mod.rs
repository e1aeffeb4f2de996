//! The type engine: how a Rust type maps to a Flyte `LiteralType`, and its values to and
//! from `Literal`s, in exactly the shapes flytekit 1.16 writes. One file per family of types.
//!
//! | Rust | Flyte type | literal |
//! |---|---|---|
//! | `bool` | BOOLEAN | `primitive.boolean` |
//! | `i8`…`i64`, `u8`…`u32` | INTEGER | `primitive.integer` (range-checked on read) |
//! | `f32`, `f64` | FLOAT | `primitive.float_value` |
//! | `String` | STRING | `primitive.string_value` |
//! | `chrono::DateTime<Utc>` | DATETIME | `primitive.datetime` |
//! | `std::time::Duration`, `chrono::Duration` | DURATION | `primitive.duration` |
//! | `Vec<T>` | `collection_type` | `collection` |
//! | `HashMap<String, T>`, `BTreeMap<String, T>` | `map_value_type` | `map` |
//! | `Option<T>` | union of T and NONE (tagged) | `scalar.union` |
//! | `#[derive(FlyteType)] enum` | `enum_type` | `primitive.string_value` |
//! | `#[derive(FlyteType)] struct` | STRUCT + dataclass structure | msgpack `binary` |
//! | `serde_json::Value` | STRUCT (flytekit's `dict`) | msgpack `binary` |
//! | [`FlyteFile`], [`FlyteDirectory`] | `blob` SINGLE / MULTIPART | `scalar.blob` |
//! | [`StructuredDataset`] (a DataFrame) | `structured_dataset_type` | `scalar.structured_dataset` (parquet folder) |

mod blob;
pub(crate) mod check;
mod collections;
pub(crate) mod describe;
pub(crate) mod enums;
mod error;
mod json;
pub(crate) mod json_literal;
pub mod literal;
pub mod literal_type;
mod option;
mod primitives;
pub mod struct_value;
pub(crate) mod structs;
pub mod structured_dataset;
mod time;

pub use blob::{FlyteDirectory, FlyteFile};
pub use enums::FlyteEnum;
pub use error::{PathSegment, TypeError, TypeErrorKind};
pub use structured_dataset::StructuredDataset;

use crate::proto::core::{Literal, LiteralMap, LiteralType};

/// A Rust type that Flyte can carry: it has a `LiteralType`, and its values convert to and
/// from `Literal`s as flytekit's `TypeEngine` would write them.
///
/// Implemented for the primitives, collections and references in the [module table](self),
/// and by `#[derive(FlyteType)]` for structs (Flyte dataclasses) and unit-only enums.
///
/// ```
/// use flyte_runtime::types::FlyteType;
///
/// let lit = vec![1_i64, 2, 3].to_literal();
/// assert_eq!(Vec::<i64>::from_literal(&lit).unwrap(), vec![1, 2, 3]);
///
/// let err = Vec::<u8>::from_literal(&vec![1_i64, 300].to_literal()).unwrap_err();
/// assert_eq!(err.to_string(), "at `[1]`: 300 does not fit in u8 (0..=255)");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Flyte type",
    label = "not a Flyte type",
    note = "Flyte types: i8 to i64, u8 to u32, f32, f64, String, bool, DateTime<Utc>, TimeDelta, Vec, BTreeMap<String, _>, Option, FlyteFile, FlyteDirectory, serde_json::Value, and structs or enums with #[derive(FlyteType)]",
    note = "`u64` and `usize` are not: Flyte's INTEGER is a signed 64-bit integer, so values above i64::MAX have no lossless literal; use `i64` (or `u32`) and check the range where you convert"
)]
pub trait FlyteType: Sized {
    /// The Flyte type of every value of `Self`.
    fn literal_type() -> LiteralType;

    /// The name flytekit gives this type's transformer (`int`, `Typed List`, …): the tag of
    /// this type's variant when it sits in a union such as `Option<Self>`.
    fn type_tag() -> &'static str;

    /// The literal for this value.
    fn to_literal(&self) -> Literal;

    /// Reads a value from a literal, or says where and why it does not fit.
    fn from_literal(literal: &Literal) -> Result<Self, TypeError>;

    /// This value as a field of a msgpack-serialized struct (a flytekit dataclass field).
    fn to_msgpack(&self) -> rmpv::Value;

    /// Reads this value from a field of a msgpack struct (or a `generic` Struct, whose
    /// numbers are all doubles).
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError>;

    /// The JSON schema of this type as a dataclass field, as flytekit (mashumaro) writes it.
    fn json_schema() -> serde_json::Value;

    /// The value a struct field takes when its key is absent (`None` for `Option`); `None`
    /// here means the field is required.
    fn when_missing() -> Option<Self> {
        None
    }
}

/// Reads variable `name` of a `LiteralMap` as `T`; errors are placed under `name`.
///
/// ```
/// use flyte_runtime::proto::core::LiteralMap;
/// use flyte_runtime::types::{read_variable, FlyteType};
///
/// let mut inputs = LiteralMap::default();
/// inputs.literals.insert("limit".into(), 10_i64.to_literal());
/// assert_eq!(read_variable::<i64>(&inputs, "limit").unwrap(), 10);
/// assert_eq!(
///     read_variable::<i64>(&inputs, "offset").unwrap_err().to_string(),
///     "at `offset`: missing field (expected INTEGER)"
/// );
/// ```
pub fn read_variable<T: FlyteType>(map: &LiteralMap, name: &str) -> Result<T, TypeError> {
    match map.literals.get(name) {
        Some(lit) => T::from_literal(lit).map_err(|e| e.at_field(name)),
        None => T::when_missing().ok_or_else(|| {
            TypeError::new(TypeErrorKind::MissingField {
                expected: describe::describe_type(&T::literal_type()),
            })
            .at_field(name)
        }),
    }
}
