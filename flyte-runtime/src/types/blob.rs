//! References to files and directories in object storage: `FlyteFile` (blob SINGLE) and
//! `FlyteDirectory` (blob MULTIPART). A value is a URI; nothing is read until asked.

use serde_json::json;

use super::describe::{describe_literal, describe_msgpack, describe_type};
use super::literal::{as_scalar, scalar_literal};
use super::literal_type::blob;
use super::{FlyteType, TypeError};
use crate::proto::core::{
    blob_type::BlobDimensionality, scalar, Blob, BlobMetadata, BlobType, Literal, LiteralType,
};

macro_rules! blob_reference {
    ($(#[$doc:meta])* $name:ident, $dim:expr, $tag:literal, $title:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            uri: String,
            format: String,
        }

        impl $name {
            /// A reference to `uri` (`s3://bucket/key`, `file:///path`, or a local path).
            pub fn new(uri: impl Into<String>) -> Self {
                Self { uri: uri.into(), format: String::new() }
            }

            /// The same reference with a format (e.g. `csv`); `""` means any.
            #[must_use]
            pub fn with_format(mut self, format: impl Into<String>) -> Self {
                self.format = format.into();
                self
            }

            /// Where the data is.
            pub fn uri(&self) -> &str {
                &self.uri
            }

            /// The declared format (`""` for any).
            pub fn format(&self) -> &str {
                &self.format
            }
        }

        impl FlyteType for $name {
            fn literal_type() -> LiteralType {
                blob("", $dim)
            }
            fn type_tag() -> &'static str {
                $tag
            }
            fn to_literal(&self) -> Literal {
                scalar_literal(scalar::Value::Blob(Blob {
                    uri: self.uri.clone(),
                    metadata: Some(BlobMetadata {
                        r#type: Some(BlobType {
                            format: self.format.clone(),
                            dimensionality: $dim as i32,
                        }),
                    }),
                }))
            }
            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                let expected = describe_type(&Self::literal_type());
                match as_scalar(literal, &expected)? {
                    scalar::Value::Blob(b) => {
                        let t = b.metadata.as_ref().and_then(|m| m.r#type.as_ref());
                        let dim = t.map_or(0, |t| t.dimensionality);
                        if dim != $dim as i32 {
                            return Err(TypeError::mismatch(expected, describe_literal(literal)
                                + if dim == BlobDimensionality::Multipart as i32 { " (a directory)" } else { " (a file)" }));
                        }
                        Ok(Self { uri: b.uri.clone(), format: t.map(|t| t.format.clone()).unwrap_or_default() })
                    }
                    _ => Err(TypeError::mismatch(expected, describe_literal(literal))),
                }
            }
            fn to_msgpack(&self) -> rmpv::Value {
                // flytekit writes a file or directory field of a dataclass as {"path": uri}.
                rmpv::Value::Map(vec![(rmpv::Value::from("path"), rmpv::Value::from(self.uri.as_str()))])
            }
            fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
                let path = match value {
                    rmpv::Value::Map(entries) => entries
                        .iter()
                        .find(|(k, _)| k.as_str() == Some("path"))
                        .and_then(|(_, v)| v.as_str()),
                    other => other.as_str(),
                };
                path.map(Self::new).ok_or_else(|| {
                    TypeError::mismatch(format!("{} {{\"path\": URI}}", $title), describe_msgpack(value))
                })
            }
            fn json_schema() -> serde_json::Value {
                json!({
                    "additionalProperties": false,
                    "properties": {
                        "metadata": {"anyOf": [{"additionalProperties": {"type": "string"}, "propertyNames": {"type": "string"}, "type": "object"}, {"type": "null"}], "default": null},
                        "path": {"anyOf": [{"type": "string"}, {"format": "path", "type": "string"}], "default": null},
                    },
                    "title": $title,
                    "type": "object",
                })
            }
        }
    };
}

blob_reference!(
    /// A file in object storage: flytekit's `FlyteFile` (blob, dimensionality SINGLE).
    ///
    /// ```
    /// use flyte_runtime::types::{FlyteFile, FlyteType};
    ///
    /// let f = FlyteFile::new("s3://bucket/data/hello.txt");
    /// assert_eq!(FlyteFile::from_literal(&f.to_literal()).unwrap(), f);
    /// ```
    FlyteFile,
    BlobDimensionality::Single,
    "FlyteFilePath",
    "FlyteFile"
);

blob_reference!(
    /// A directory (a prefix) in object storage: flytekit's `FlyteDirectory` (blob, MULTIPART).
    FlyteDirectory,
    BlobDimensionality::Multipart,
    "FlyteDirectory",
    "FlyteDirectory"
);
