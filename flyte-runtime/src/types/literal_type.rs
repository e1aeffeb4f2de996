//! Constructors for `LiteralType`s in the shapes flytekit writes them (union tags, blob
//! dimensionality, the dataclass cache-key annotation).

use crate::proto::core::{
    blob_type::BlobDimensionality, literal_type, BlobType, EnumType, LiteralType, SimpleType,
    TypeAnnotation, TypeStructure, UnionType,
};

/// The union tag flytekit gives enums (the name of its enum transformer).
pub const ENUM_TAG: &str = "DefaultEnumTransformer";

/// A simple type: `INTEGER`, `STRING`, …
pub fn simple(t: SimpleType) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::Simple(t as i32)),
        ..Default::default()
    }
}

/// `collection_type`: a list of `inner`.
pub fn collection_of(inner: LiteralType) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::CollectionType(Box::new(inner))),
        ..Default::default()
    }
}

/// `map_value_type`: a map from strings to `inner`.
pub fn map_of(inner: LiteralType) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::MapValueType(Box::new(inner))),
        ..Default::default()
    }
}

/// A blob: a file (`SINGLE`) or a directory (`MULTIPART`), with a format ("" for any).
pub fn blob(format: &str, dimensionality: BlobDimensionality) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::Blob(BlobType {
            format: format.to_string(),
            dimensionality: dimensionality as i32,
        })),
        ..Default::default()
    }
}

/// An enum of string values.
pub fn enum_of(values: &[&str]) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::EnumType(EnumType {
            values: values.iter().map(|v| v.to_string()).collect(),
        })),
        ..Default::default()
    }
}

/// `t` as a union variant: flytekit replaces the variant's structure with `{tag}`.
pub fn tagged(mut t: LiteralType, tag: &str) -> LiteralType {
    t.structure = Some(TypeStructure {
        tag: tag.to_string(),
        dataclass_type: Default::default(),
    });
    t
}

/// A union of the given (already tagged) variants.
pub fn union_of(variants: Vec<LiteralType>) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::UnionType(UnionType { variants })),
        ..Default::default()
    }
}

/// The NONE variant of an optional, tagged `none` as flytekit writes it.
pub fn none_variant() -> LiteralType {
    tagged(simple(SimpleType::None), "none")
}

/// The one other variant of an optional type (a union of it and none), if `ty` is optional.
pub fn optional_inner(ty: &LiteralType) -> Option<&LiteralType> {
    let Some(literal_type::Type::UnionType(u)) = &ty.r#type else {
        return None;
    };
    let is_none = |v: &&LiteralType| matches!(v.r#type, Some(literal_type::Type::Simple(s)) if s == SimpleType::None as i32);
    if !u.variants.iter().any(|v| is_none(&v)) {
        return None;
    }
    let mut rest = u.variants.iter().filter(|v| !is_none(v));
    match (rest.next(), rest.next()) {
        (Some(inner), None) => Some(inner),
        _ => None,
    }
}

/// The tag flytekit gives a union variant of type `ty`: the name of the transformer that
/// makes values of it (`int`, `Typed List`, `FlyteFilePath`, …). The same as
/// [`FlyteType::type_tag`](crate::types::FlyteType::type_tag) of the Rust type whose
/// `literal_type()` is `ty`, for types known only by their `LiteralType` (a map task's
/// outputs turned optional).
///
/// ```
/// use flyte_runtime::types::FlyteType;
/// use flyte_runtime::types::literal_type::type_tag;
///
/// assert_eq!(type_tag(&i64::literal_type()), "int");
/// assert_eq!(type_tag(&Vec::<String>::literal_type()), "Typed List");
/// ```
pub fn type_tag(ty: &LiteralType) -> &'static str {
    use literal_type::Type;
    match &ty.r#type {
        Some(Type::Simple(s)) => match SimpleType::try_from(*s) {
            Ok(SimpleType::Integer) => "int",
            Ok(SimpleType::Float) => "float",
            Ok(SimpleType::String) => "str",
            Ok(SimpleType::Boolean) => "bool",
            Ok(SimpleType::Datetime) => "datetime",
            Ok(SimpleType::Duration) => "timedelta",
            Ok(SimpleType::None) => "none",
            // A struct with a schema is a dataclass; one without is an untyped dict.
            Ok(SimpleType::Struct) if ty.metadata.is_some() => "Object-Dataclass-Transformer",
            Ok(SimpleType::Struct) => "Typed Dict",
            Ok(SimpleType::Binary) => "bytes",
            Ok(SimpleType::Error) => "error",
            Err(_) => "",
        },
        Some(Type::CollectionType(_)) => "Typed List",
        Some(Type::MapValueType(_)) => "Typed Dict",
        Some(Type::Blob(b)) if b.dimensionality == BlobDimensionality::Multipart as i32 => {
            "FlyteDirectory"
        }
        Some(Type::Blob(_)) => "FlyteFilePath",
        Some(Type::EnumType(_)) => ENUM_TAG,
        Some(Type::StructuredDatasetType(_)) => "StructuredDataset",
        Some(Type::UnionType(_)) => "Typed Union",
        Some(Type::Schema(_)) => "FlyteSchema",
        None => "",
    }
}

/// `ty` made optional as flytekit's `Optional[T]`: a union of `ty` (tagged by
/// [`type_tag`]) and none. An optional type stays as it is.
pub fn optional_of(ty: LiteralType) -> LiteralType {
    if optional_inner(&ty).is_some() {
        return ty;
    }
    let tag = type_tag(&ty);
    union_of(vec![tagged(ty, tag), none_variant()])
}

/// The annotation flytekit 1.16 puts on msgpack-serialized structs:
/// `{"cache-key-metadata": {"serialization-format": "msgpack"}}`.
pub fn msgpack_annotation() -> TypeAnnotation {
    let inner = prost_types::Struct {
        fields: [("serialization-format".to_string(), string_value("msgpack"))]
            .into_iter()
            .collect(),
    };
    TypeAnnotation {
        annotations: Some(prost_types::Struct {
            fields: [(
                "cache-key-metadata".to_string(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StructValue(inner)),
                },
            )]
            .into_iter()
            .collect(),
        }),
    }
}

fn string_value(s: &str) -> prost_types::Value {
    prost_types::Value {
        kind: Some(prost_types::value::Kind::StringValue(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::types::{FlyteDirectory, FlyteFile, FlyteType, StructuredDataset};

    /// `type_tag` of a Rust type's `LiteralType` is that type's own tag, for every built-in
    /// `FlyteType` (derived structs and enums: `tests/map.rs`).
    #[test]
    fn the_tag_of_a_literal_type_is_its_rust_types_tag() {
        fn check<T: FlyteType>() {
            assert_eq!(
                type_tag(&T::literal_type()),
                T::type_tag(),
                "{}",
                std::any::type_name::<T>()
            );
        }
        check::<bool>();
        check::<i64>();
        check::<i32>();
        check::<u32>();
        check::<f64>();
        check::<f32>();
        check::<String>();
        check::<chrono::DateTime<chrono::Utc>>();
        check::<std::time::Duration>();
        check::<chrono::TimeDelta>();
        check::<Vec<i64>>();
        check::<HashMap<String, f64>>();
        check::<BTreeMap<String, Vec<String>>>();
        check::<serde_json::Value>();
        check::<Option<i64>>();
        check::<FlyteFile>();
        check::<FlyteDirectory>();
        check::<StructuredDataset>();
    }

    #[test]
    fn optional_of_tags_the_variant_and_leaves_an_optional_alone() {
        let t = optional_of(String::literal_type());
        assert_eq!(t, Option::<String>::literal_type());
        assert_eq!(optional_of(t.clone()), t);
    }
}
