//! Short human descriptions of Flyte types and literals, for error messages
//! (`collection of INTEGER`, `string "abc"`). Values are truncated; nothing here is parsed back.

use crate::proto::core::{
    blob_type::BlobDimensionality, literal, literal_type, primitive, scalar, Literal, LiteralType,
    SimpleType,
};

const MAX_SHOWN: usize = 40;

/// Describes a Flyte type: `INTEGER`, `collection of FLOAT`, `enum {red, green}`.
pub fn describe_type(t: &LiteralType) -> String {
    match &t.r#type {
        Some(literal_type::Type::Simple(s)) => match SimpleType::try_from(*s) {
            Ok(SimpleType::Struct) => match t.metadata.as_ref().and_then(|m| m.fields.get("title"))
            {
                Some(prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue(title)),
                }) => format!("STRUCT {title}"),
                _ => "STRUCT".to_string(),
            },
            Ok(simple) => simple.as_str_name().to_string(),
            Err(_) => format!("unknown simple type {s}"),
        },
        Some(literal_type::Type::CollectionType(inner)) => {
            format!("collection of {}", describe_type(inner))
        }
        Some(literal_type::Type::MapValueType(inner)) => format!("map of {}", describe_type(inner)),
        Some(literal_type::Type::Blob(b)) => match BlobDimensionality::try_from(b.dimensionality) {
            Ok(BlobDimensionality::Multipart) => "blob (directory)".to_string(),
            _ => "blob (file)".to_string(),
        },
        Some(literal_type::Type::EnumType(e)) => format!("enum {{{}}}", e.values.join(", ")),
        Some(literal_type::Type::UnionType(u)) => format!(
            "union of [{}]",
            u.variants
                .iter()
                .map(describe_type)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(literal_type::Type::StructuredDatasetType(sd)) => {
            format!("structured dataset ({})", sd.format)
        }
        Some(literal_type::Type::Schema(_)) => "schema".to_string(),
        None => "an unspecified type".to_string(),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_SHOWN {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX_SHOWN).collect();
        format!("{head:?}…")
    }
}

/// Describes a literal: `integer 42`, `string "abc"`, `collection of 3 literals`.
pub fn describe_literal(l: &Literal) -> String {
    match &l.value {
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::Primitive(p)) => match &p.value {
                Some(primitive::Value::Integer(i)) => format!("integer {i}"),
                Some(primitive::Value::FloatValue(f)) => format!("float {f}"),
                Some(primitive::Value::StringValue(v)) => format!("string {}", shorten(v)),
                Some(primitive::Value::Boolean(b)) => format!("boolean {b}"),
                Some(primitive::Value::Datetime(t)) => format!("datetime {t}"),
                Some(primitive::Value::Duration(d)) => format!("duration {d}"),
                None => "an empty primitive".to_string(),
            },
            Some(scalar::Value::Blob(b)) => format!("blob {}", shorten(&b.uri)),
            Some(scalar::Value::Binary(b)) => {
                format!("binary ({:?}, {} bytes)", b.tag, b.value.len())
            }
            Some(scalar::Value::Schema(_)) => "schema".to_string(),
            Some(scalar::Value::NoneType(_)) => "none".to_string(),
            Some(scalar::Value::Error(e)) => format!("error {}", shorten(&e.message)),
            Some(scalar::Value::Generic(_)) => "generic struct".to_string(),
            Some(scalar::Value::StructuredDataset(sd)) => {
                format!("structured dataset {}", shorten(&sd.uri))
            }
            Some(scalar::Value::Union(u)) => match &u.value {
                Some(v) => format!("union holding {}", describe_literal(v)),
                None => "an empty union".to_string(),
            },
            None => "an empty scalar".to_string(),
        },
        Some(literal::Value::Collection(c)) => {
            format!("collection of {} literals", c.literals.len())
        }
        Some(literal::Value::Map(m)) => format!("map of {} literals", m.literals.len()),
        Some(literal::Value::OffloadedMetadata(o)) => {
            format!("offloaded literal at {}", shorten(&o.uri))
        }
        None => "an empty literal".to_string(),
    }
}

/// Describes a msgpack value found inside a struct literal.
pub fn describe_msgpack(v: &rmpv::Value) -> String {
    match v {
        rmpv::Value::Nil => "nil".to_string(),
        rmpv::Value::Boolean(b) => format!("boolean {b}"),
        rmpv::Value::Integer(i) => format!("integer {i}"),
        rmpv::Value::F32(f) => format!("float {f}"),
        rmpv::Value::F64(f) => format!("float {f}"),
        rmpv::Value::String(s) => format!(
            "string {}",
            shorten(s.as_str().unwrap_or("<invalid utf-8>"))
        ),
        rmpv::Value::Binary(b) => format!("{} bytes", b.len()),
        rmpv::Value::Array(a) => format!("array of {}", a.len()),
        rmpv::Value::Map(m) => format!("map of {} entries", m.len()),
        rmpv::Value::Ext(t, _) => format!("extension type {t}"),
    }
}
