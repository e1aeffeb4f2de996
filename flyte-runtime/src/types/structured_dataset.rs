//! [`StructuredDataset`]: a table in object storage, flytekit's `StructuredDataset` (what a
//! `pandas.DataFrame` output becomes). A value is a URI (a folder of parquet files) plus the
//! format and, optionally, the columns; reading and writing the rows is the `dataframe`
//! feature's job (module `flyte_runtime::dataframe`).

use super::describe::{describe_literal, describe_type};
use super::literal::{as_scalar, scalar_literal};
use super::{FlyteType, TypeError};
use crate::proto::core::{
    literal_type, scalar, structured_dataset_type::DatasetColumn, Literal, LiteralType,
    StructuredDatasetMetadata, StructuredDatasetType,
};

/// The format flytekit writes DataFrames in, and the one we write.
pub const PARQUET: &str = "parquet";

/// A table stored under a URI (a folder holding parquet files named `00000`, … as flytekit
/// writes them), with its format and its columns when known.
///
/// Its Flyte type has no columns and no format, as flytekit's type for `pandas.DataFrame`,
/// so it binds to any DataFrame input or output; the literal carries the format and the
/// columns of the data actually written.
///
/// ```
/// use flyte_runtime::types::{FlyteType, StructuredDataset};
/// use flyte_runtime::proto::core::{literal_type::Type, LiteralType, SimpleType};
///
/// let sd = StructuredDataset::new("s3://bucket/raw/ab12")
///     .with_column("TrackId", LiteralType { r#type: Some(Type::Simple(SimpleType::Integer as i32)), ..Default::default() });
/// let back = StructuredDataset::from_literal(&sd.to_literal()).unwrap();
/// assert_eq!(back, sd);
/// assert_eq!(back.format(), "parquet");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredDataset {
    uri: String,
    format: String,
    columns: Vec<(String, LiteralType)>,
}

impl StructuredDataset {
    /// A parquet table at `uri`, columns not stated.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            format: PARQUET.to_string(),
            columns: Vec::new(),
        }
    }

    /// The same table in another format (`""` for unknown).
    #[must_use]
    pub fn with_format(mut self, format: impl Into<String>) -> Self {
        self.format = format.into();
        self
    }

    /// The same table with one more column stated.
    #[must_use]
    pub fn with_column(mut self, name: impl Into<String>, t: LiteralType) -> Self {
        self.columns.push((name.into(), t));
        self
    }

    /// Where the table is (a folder).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Its format (`parquet`).
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Its columns, as far as they were stated.
    pub fn columns(&self) -> &[(String, LiteralType)] {
        &self.columns
    }

    fn dataset_type(&self) -> StructuredDatasetType {
        StructuredDatasetType {
            columns: self
                .columns
                .iter()
                .map(|(name, t)| DatasetColumn {
                    name: name.clone(),
                    literal_type: Some(t.clone()),
                })
                .collect(),
            format: self.format.clone(),
            ..Default::default()
        }
    }
}

impl FlyteType for StructuredDataset {
    fn literal_type() -> LiteralType {
        LiteralType {
            r#type: Some(literal_type::Type::StructuredDatasetType(
                StructuredDatasetType::default(),
            )),
            ..Default::default()
        }
    }

    fn type_tag() -> &'static str {
        "StructuredDataset"
    }

    fn to_literal(&self) -> Literal {
        scalar_literal(scalar::Value::StructuredDataset(Box::new(
            crate::proto::core::StructuredDataset {
                uri: self.uri.clone(),
                metadata: Some(StructuredDatasetMetadata {
                    structured_dataset_type: Some(self.dataset_type()),
                }),
            },
        )))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let expected = describe_type(&Self::literal_type());
        match as_scalar(literal, &expected)? {
            scalar::Value::StructuredDataset(sd) => {
                let t = sd
                    .metadata
                    .as_ref()
                    .and_then(|m| m.structured_dataset_type.clone())
                    .unwrap_or_default();
                Ok(Self {
                    uri: sd.uri.clone(),
                    format: t.format,
                    columns: t
                        .columns
                        .into_iter()
                        .map(|c| (c.name, c.literal_type.unwrap_or_default()))
                        .collect(),
                })
            }
            _ => Err(TypeError::mismatch(expected, describe_literal(literal))),
        }
    }

    fn to_msgpack(&self) -> rmpv::Value {
        // flytekit writes a StructuredDataset field of a dataclass as {"uri": …, "file_format": …}.
        rmpv::Value::Map(vec![
            (
                rmpv::Value::from("uri"),
                rmpv::Value::from(self.uri.as_str()),
            ),
            (
                rmpv::Value::from("file_format"),
                rmpv::Value::from(self.format.as_str()),
            ),
        ])
    }

    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        let field = |name: &str| match value {
            rmpv::Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(name))
                .and_then(|(_, v)| v.as_str()),
            _ => None,
        };
        let uri = field("uri").ok_or_else(|| {
            TypeError::mismatch(
                "StructuredDataset {\"uri\": URI, \"file_format\": FORMAT}",
                super::describe::describe_msgpack(value),
            )
        })?;
        Ok(Self::new(uri).with_format(field("file_format").unwrap_or(PARQUET)))
    }

    fn json_schema() -> serde_json::Value {
        serde_json::json!({
            "properties": {
                "uri": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null},
                "file_format": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": PARQUET},
            },
            "title": "StructuredDataset",
            "type": "object",
        })
    }
}
