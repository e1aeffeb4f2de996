//! Checking literals against Flyte types without converting them: the entrypoint checks the
//! inputs it reads and the outputs it writes against the *template's* interface, so a
//! template from another version of a task type, or an executor that returns the wrong
//! shape, is caught and named before anything is written.

use std::collections::BTreeSet;

use super::describe::{describe_literal, describe_type};
use super::error::TypeError;
use crate::proto::core::{
    blob_type::BlobDimensionality, literal, literal_type, primitive, scalar, Literal, LiteralMap,
    LiteralType, SimpleType, VariableMap,
};

/// Checks that `lit` has the shape of `ty`, recursively. The error names the path inside
/// the value (`[2].x`) and what was expected and found.
///
/// ```
/// use flyte_runtime::__private::types::check::check_literal;
/// use flyte_runtime::types::FlyteType;
///
/// assert!(check_literal(&vec![1i64, 2].to_literal(), &Vec::<i64>::literal_type()).is_ok());
/// let err = check_literal(&vec![1.5f64].to_literal(), &Vec::<i64>::literal_type()).unwrap_err();
/// assert_eq!(err.to_string(), "at `[0]`: expected INTEGER, found float 1.5");
/// ```
pub fn check_literal(lit: &Literal, ty: &LiteralType) -> Result<(), TypeError> {
    use literal_type::Type as T;
    let mismatch = || TypeError::mismatch(describe_type(ty), describe_literal(lit));
    let Some(t) = &ty.r#type else {
        // An unspecified type accepts anything (flytekit writes none for `Any`).
        return Ok(());
    };
    // A literal offloaded to storage carries its type; it is checked when it is read.
    if let Some(literal::Value::OffloadedMetadata(_)) = &lit.value {
        return Ok(());
    }
    let scalar = match &lit.value {
        Some(literal::Value::Scalar(s)) => s.value.as_ref(),
        _ => None,
    };
    match t {
        T::Simple(s) => {
            let simple = SimpleType::try_from(*s).map_err(|_| mismatch())?;
            let ok = match (simple, scalar) {
                (SimpleType::None, Some(scalar::Value::NoneType(_))) => true,
                (SimpleType::Binary, Some(scalar::Value::Binary(_))) => true,
                (SimpleType::Error, Some(scalar::Value::Error(_))) => true,
                (
                    SimpleType::Struct,
                    Some(scalar::Value::Generic(_)) | Some(scalar::Value::Binary(_)),
                ) => true,
                (_, Some(scalar::Value::Primitive(p))) => matches!(
                    (simple, &p.value),
                    (SimpleType::Integer, Some(primitive::Value::Integer(_)))
                        | (SimpleType::Float, Some(primitive::Value::FloatValue(_)))
                        | (SimpleType::String, Some(primitive::Value::StringValue(_)))
                        | (SimpleType::Boolean, Some(primitive::Value::Boolean(_)))
                        | (SimpleType::Datetime, Some(primitive::Value::Datetime(_)))
                        | (SimpleType::Duration, Some(primitive::Value::Duration(_)))
                ),
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                Err(mismatch())
            }
        }
        T::CollectionType(inner) => match &lit.value {
            Some(literal::Value::Collection(c)) => {
                for (i, item) in c.literals.iter().enumerate() {
                    check_literal(item, inner).map_err(|e| e.at_index(i))?;
                }
                Ok(())
            }
            _ => Err(mismatch()),
        },
        T::MapValueType(inner) => match &lit.value {
            Some(literal::Value::Map(m)) => {
                for (k, item) in &m.literals {
                    check_literal(item, inner).map_err(|e| e.at_key(k))?;
                }
                Ok(())
            }
            _ => Err(mismatch()),
        },
        T::Blob(b) => match scalar {
            Some(scalar::Value::Blob(blob)) => {
                let found = blob
                    .metadata
                    .as_ref()
                    .and_then(|m| m.r#type.as_ref())
                    .map(|t| t.dimensionality);
                match found {
                    Some(d) if d != b.dimensionality => Err(TypeError::mismatch(
                        describe_type(ty),
                        match BlobDimensionality::try_from(d) {
                            Ok(BlobDimensionality::Multipart) => "a directory blob",
                            _ => "a file blob",
                        },
                    )),
                    _ => Ok(()),
                }
            }
            _ => Err(mismatch()),
        },
        T::EnumType(e) => match scalar {
            Some(scalar::Value::Primitive(crate::proto::core::Primitive {
                value: Some(primitive::Value::StringValue(v)),
            })) if e.values.iter().any(|x| x == v) => Ok(()),
            _ => Err(mismatch()),
        },
        T::UnionType(u) => {
            // Propeller and flytekit write a `scalar.union` naming the variant; a bare value
            // that fits a variant is accepted as well.
            let inner = match scalar {
                Some(scalar::Value::Union(un)) => match &un.value {
                    Some(v) => v.as_ref(),
                    None => return Err(mismatch()),
                },
                _ => lit,
            };
            if u.variants.iter().any(|v| check_literal(inner, v).is_ok()) {
                Ok(())
            } else {
                Err(mismatch())
            }
        }
        T::StructuredDatasetType(_) => match scalar {
            Some(scalar::Value::StructuredDataset(_)) => Ok(()),
            _ => Err(mismatch()),
        },
        T::Schema(_) => match scalar {
            Some(scalar::Value::Schema(_)) => Ok(()),
            _ => Err(mismatch()),
        },
    }
}

/// A literal map that does not match an interface's variables.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InterfaceError {
    /// A declared variable has no literal.
    #[error("{side} `{name}` is missing (expected {expected})")]
    Missing {
        /// `input` or `output`.
        side: &'static str,
        /// The variable.
        name: String,
        /// Its declared type.
        expected: String,
    },
    /// A literal names no declared variable.
    #[error("{side} `{name}` is not declared by the task (declared: {})", if .declared.is_empty() { "none".to_string() } else { .declared.join(", ") })]
    Unexpected {
        /// `input` or `output`.
        side: &'static str,
        /// The name found.
        name: String,
        /// The declared names.
        declared: Vec<String>,
    },
    /// A literal has the wrong shape.
    #[error("{side} `{name}`: {error}")]
    Mismatch {
        /// `input` or `output`.
        side: &'static str,
        /// The variable.
        name: String,
        /// What is wrong, and where inside the value.
        error: Box<TypeError>,
    },
}

impl InterfaceError {
    /// The variable at fault.
    pub fn variable(&self) -> &str {
        match self {
            InterfaceError::Missing { name, .. }
            | InterfaceError::Unexpected { name, .. }
            | InterfaceError::Mismatch { name, .. } => name,
        }
    }
}

/// Checks that `map` holds exactly the variables of `vars`, each of its declared type.
/// `side` (`"input"` or `"output"`) goes in the messages.
///
/// ```
/// use flyte_runtime::proto::core::{LiteralMap, Variable, VariableMap};
/// use flyte_runtime::__private::types::check::check_literal_map;
/// use flyte_runtime::types::FlyteType;
///
/// let vars = VariableMap {
///     variables: [("a".to_string(), Variable { r#type: Some(i64::literal_type()), description: "a".into() })].into(),
/// };
/// let empty = LiteralMap::default();
/// assert_eq!(
///     check_literal_map(&empty, &vars, "input").unwrap_err().to_string(),
///     "input `a` is missing (expected INTEGER)"
/// );
/// ```
pub fn check_literal_map(
    map: &LiteralMap,
    vars: &VariableMap,
    side: &'static str,
) -> Result<(), InterfaceError> {
    for (name, var) in &vars.variables {
        let ty = var.r#type.clone().unwrap_or_default();
        match map.literals.get(name) {
            None => {
                return Err(InterfaceError::Missing {
                    side,
                    name: name.clone(),
                    expected: describe_type(&ty),
                })
            }
            Some(lit) => check_literal(lit, &ty).map_err(|error| InterfaceError::Mismatch {
                side,
                name: name.clone(),
                error: Box::new(error),
            })?,
        }
    }
    let declared: BTreeSet<&String> = vars.variables.keys().collect();
    if let Some(extra) = map.literals.keys().find(|k| !declared.contains(k)) {
        return Err(InterfaceError::Unexpected {
            side,
            name: extra.clone(),
            declared: declared.into_iter().cloned().collect(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::literal::{none_literal, string_literal};
    use crate::types::FlyteType;
    use std::collections::HashMap;

    #[test]
    fn each_rust_type_checks_against_its_own_literal_type() {
        fn ok<T: FlyteType>(v: T) {
            check_literal(&v.to_literal(), &T::literal_type()).unwrap();
        }
        ok(1i64);
        ok(2.5f64);
        ok("s".to_string());
        ok(true);
        ok(vec![vec![1i64]]);
        ok(HashMap::from([("k".to_string(), 1.0f64)]));
        ok(Some(3i64));
        ok(None::<i64>);
        ok(serde_json::json!({"a": 1}));
        ok(std::time::Duration::from_secs(3));
    }

    #[test]
    fn mismatches_name_the_path() {
        let ty = HashMap::<String, Vec<i64>>::literal_type();
        let lit = HashMap::from([("k".to_string(), vec!["x".to_string()])]).to_literal();
        let e = check_literal(&lit, &ty).unwrap_err();
        assert_eq!(
            e.to_string(),
            "at `[\"k\"][0]`: expected INTEGER, found string \"x\""
        );
        let e = check_literal(&string_literal("x"), &Option::<i64>::literal_type()).unwrap_err();
        assert!(e.to_string().contains("union of"), "{e}");
        assert!(check_literal(&none_literal(), &i64::literal_type()).is_err());
    }

    #[test]
    fn enum_values_are_checked() {
        let ty = crate::types::literal_type::enum_of(&["red", "green"]);
        assert!(check_literal(&string_literal("red"), &ty).is_ok());
        assert!(check_literal(&string_literal("blue"), &ty).is_err());
    }
}
