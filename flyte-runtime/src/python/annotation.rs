//! A Flyte type as the Python type flytekit maps to it: `int` for INTEGER,
//! `typing.List[int]` for a collection, `typing.Optional[int]` for a union with none,
//! `FlyteFile` for a single blob, `typing.Annotated[StructuredDataset, "parquet"]` for a
//! parquet table, `dict` for a struct, and so on (in a module, a struct is the module's
//! dataclass of it instead: see `dataclasses`). flytekit's `TypeEngine.to_literal_type` of the
//! result is the type it came from (a test checks each against flytekit).

use crate::proto::core::{
    blob_type::BlobDimensionality, literal_type, LiteralType, SimpleType, StructuredDatasetType,
};

/// Why a type has no Python annotation here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no Python type stands for {0}")]
pub struct NoAnnotation(pub String);

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// Python names the module gives some types instead of their default annotation: the
/// dataclass of a struct, the enum class of a dataclass field.
pub(super) type Named<'a> = &'a dyn Fn(&LiteralType) -> Option<String>;

fn columns(sd: &StructuredDatasetType, named: Named) -> Result<String, NoAnnotation> {
    let cols = sd
        .columns
        .iter()
        .map(|c| {
            let ty = c
                .literal_type
                .as_ref()
                .ok_or_else(|| NoAnnotation(format!("column `{}` without a type", c.name)))?;
            Ok(format!(
                "{}: {}",
                quoted(&c.name),
                annotation_with(ty, named)?
            ))
        })
        .collect::<Result<Vec<_>, NoAnnotation>>()?;
    Ok(format!("collections.OrderedDict({{{}}})", cols.join(", ")))
}

/// The Python expression of the type flytekit maps to `t`.
///
/// ```
/// use flyte_runtime::__private::python::annotation;
/// use flyte_runtime::types::literal_type::{collection_of, simple};
/// use flyte_runtime::proto::core::SimpleType;
/// assert_eq!(annotation(&collection_of(simple(SimpleType::Integer))).unwrap(), "typing.List[int]");
/// ```
pub fn annotation(t: &LiteralType) -> Result<String, NoAnnotation> {
    annotation_with(t, &|_| None)
}

/// [`annotation`], but `named` first: where it names a type (here or nested), that name
/// stands for it.
pub(super) fn annotation_with(t: &LiteralType, named: Named) -> Result<String, NoAnnotation> {
    if let Some(name) = named(t) {
        return Ok(name);
    }
    let unknown = || NoAnnotation(crate::types::describe::describe_type(t));
    Ok(match &t.r#type {
        Some(literal_type::Type::Simple(s)) => {
            match SimpleType::try_from(*s).map_err(|_| unknown())? {
                SimpleType::Integer => "int".into(),
                SimpleType::Float => "float".into(),
                SimpleType::String => "str".into(),
                SimpleType::Boolean => "bool".into(),
                SimpleType::Datetime => "datetime.datetime".into(),
                SimpleType::Duration => "datetime.timedelta".into(),
                SimpleType::Struct => "dict".into(),
                SimpleType::None => "None".into(),
                SimpleType::Binary => "bytes".into(),
                SimpleType::Error => return Err(unknown()),
            }
        }
        Some(literal_type::Type::CollectionType(inner)) => {
            format!("typing.List[{}]", annotation_with(inner, named)?)
        }
        Some(literal_type::Type::MapValueType(inner)) => {
            format!("typing.Dict[str, {}]", annotation_with(inner, named)?)
        }
        Some(literal_type::Type::Blob(b)) => {
            let class = match BlobDimensionality::try_from(b.dimensionality) {
                Ok(BlobDimensionality::Multipart) => "FlyteDirectory",
                _ => "FlyteFile",
            };
            if b.format.is_empty() {
                class.into()
            } else {
                format!("{class}[typing.TypeVar({})]", quoted(&b.format))
            }
        }
        Some(literal_type::Type::EnumType(e)) => format!(
            "enum.Enum(\"Enum\", {{{}}})",
            e.values
                .iter()
                .map(|v| format!("{0}: {0}", quoted(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(literal_type::Type::UnionType(u)) => {
            let none = u.variants.iter().position(|v| {
                matches!(v.r#type, Some(literal_type::Type::Simple(s)) if s == SimpleType::None as i32)
            });
            let others: Vec<&LiteralType> = u
                .variants
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != none)
                .map(|(_, v)| v)
                .collect();
            let inner = others
                .iter()
                .map(|v| annotation_with(v, named))
                .collect::<Result<Vec<_>, _>>()?;
            match (none.is_some(), inner.as_slice()) {
                (true, [one]) => format!("typing.Optional[{one}]"),
                (true, many) => format!("typing.Optional[typing.Union[{}]]", many.join(", ")),
                (false, many) => format!("typing.Union[{}]", many.join(", ")),
            }
        }
        Some(literal_type::Type::StructuredDatasetType(sd)) => {
            let mut args = Vec::new();
            if !sd.columns.is_empty() {
                args.push(columns(sd, named)?);
            }
            if !sd.format.is_empty() {
                args.push(quoted(&sd.format));
            }
            if args.is_empty() {
                "StructuredDataset".into()
            } else {
                format!("typing.Annotated[StructuredDataset, {}]", args.join(", "))
            }
        }
        Some(literal_type::Type::Schema(_)) | None => return Err(unknown()),
    })
}
