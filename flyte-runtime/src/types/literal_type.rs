//! Constructors for `LiteralType`s in the shapes flytekit writes them (union tags, blob
//! dimensionality, the dataclass cache-key annotation).

use crate::proto::core::{
    blob_type::BlobDimensionality, literal_type, BlobType, EnumType, LiteralType, SimpleType,
    TypeAnnotation, TypeStructure, UnionType,
};

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
