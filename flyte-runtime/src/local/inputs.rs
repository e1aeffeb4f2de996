//! A task's inputs as a local run reads them: the text of `--input NAME=VALUE` and
//! `--inputs-json` read against the task's input types (plain text for strings, local paths
//! for files, made absolute `file://` URIs so that a container run finds them too, and none
//! for optional inputs left out), or a `LiteralMap` file passed on as it is.

use std::path::PathBuf;

use serde_json::Value as Json;

use crate::proto::core::literal_type::Type;
use crate::proto::core::{
    literal, scalar, Literal, LiteralMap, LiteralType, SimpleType, VariableMap,
};
use crate::storage::StorageUri;
use crate::types::json_literal::literal_from_json;
use crate::types::literal_type::optional_inner;

/// A task's inputs as text: each `NAME=VALUE`, and one JSON object (`@PATH` reads it from a
/// file) whose entries the pairs override.
#[derive(Debug, Clone, Default)]
pub(crate) struct InputText {
    pub(crate) pairs: Vec<String>,
    pub(crate) json: Option<String>,
}

/// Where a run's inputs come from.
#[derive(Debug, Clone)]
pub(crate) enum Inputs {
    /// Text, read against the task's input types.
    Text(InputText),
    /// A `LiteralMap` file (a pod's `inputs.pb`), passed on as it is.
    Pb(PathBuf),
}

/// Command-line inputs that do not fit the task: each says which input and what it takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputsError {
    /// The task has no input of that name.
    #[error("task `{task}` has no input `{name}` ({})", declared_inputs(.declared))]
    NoSuchInput {
        /// The task.
        task: String,
        /// The name given.
        name: String,
        /// The inputs it has.
        declared: Vec<String>,
    },
    /// The file of `--inputs-json @PATH` cannot be read.
    #[error("--inputs-json @{path}: cannot read it: {reason}")]
    ReadJson {
        /// The path after `@`.
        path: String,
        /// Why.
        reason: String,
    },
    /// `--inputs-json` is JSON, but not an object.
    #[error("--inputs-json must be a JSON object")]
    JsonNotAnObject,
    /// `--inputs-json` is not JSON.
    #[error("--inputs-json is not JSON: {reason}")]
    NotJson {
        /// What the JSON parser said.
        reason: String,
    },
    /// An `--input` without `=`.
    #[error("--input `{pair}` is not NAME=VALUE")]
    NotNameValue {
        /// What was given.
        pair: String,
    },
    /// A value that is not of its input's type.
    #[error("input `{name}`: {reason} (it takes {syntax})")]
    Value {
        /// The input.
        name: String,
        /// Why the value does not fit.
        reason: String,
        /// How a value of its type is written.
        syntax: String,
    },
    /// Inputs that are needed and were not given.
    #[error(
        "missing input(s) for task `{task}`, give each with --input NAME=VALUE:{}",
        missing_lines(.missing)
    )]
    Missing {
        /// The task.
        task: String,
        /// Each input missing, with how a value of its type is written.
        missing: Vec<(String, String)>,
    },
}

fn declared_inputs(declared: &[String]) -> String {
    if declared.is_empty() {
        "it takes no inputs".to_string()
    } else {
        format!("inputs: {}", declared.join(", "))
    }
}

fn missing_lines(missing: &[(String, String)]) -> String {
    missing
        .iter()
        .map(|(name, syntax)| format!("\n  {name}  {syntax}"))
        .collect()
}

/// The inputs `text` gives, as a literal map of task `task`'s input types `vars`: every
/// literal fits its declared type, and an optional input that is not given is none.
pub(crate) fn read_inputs(
    task: &str,
    text: &InputText,
    vars: &VariableMap,
) -> Result<LiteralMap, InputsError> {
    let type_of = |name: &str| -> Result<LiteralType, InputsError> {
        let var = vars
            .variables
            .get(name)
            .ok_or_else(|| InputsError::NoSuchInput {
                task: task.to_string(),
                name: name.to_string(),
                declared: vars.variables.keys().cloned().collect(),
            })?;
        Ok(var.r#type.clone().unwrap_or_default())
    };
    let mut given: Vec<(String, Json)> = Vec::new();
    if let Some(json) = &text.json {
        let read;
        let json = match json.strip_prefix('@') {
            Some(path) => {
                read = std::fs::read_to_string(path).map_err(|e| InputsError::ReadJson {
                    path: path.to_string(),
                    reason: e.to_string(),
                })?;
                &read
            }
            None => json,
        };
        match serde_json::from_str::<Json>(json) {
            Ok(Json::Object(m)) => given.extend(m),
            Ok(_) => return Err(InputsError::JsonNotAnObject),
            Err(e) => {
                return Err(InputsError::NotJson {
                    reason: e.to_string(),
                })
            }
        }
    }
    for pair in &text.pairs {
        let (name, raw) = pair
            .split_once('=')
            .ok_or_else(|| InputsError::NotNameValue { pair: pair.clone() })?;
        let ty = type_of(name)?;
        given.retain(|(n, _)| n != name);
        given.push((name.to_string(), value_for(raw, &ty)));
    }
    for (name, var) in &vars.variables {
        let optional = var.r#type.as_ref().and_then(optional_inner).is_some();
        if optional && !given.iter().any(|(n, _)| n == name) {
            given.push((name.clone(), Json::Null));
        }
    }
    let mut literals = std::collections::BTreeMap::<String, Literal>::new();
    for (name, value) in given {
        let ty = type_of(&name)?;
        let mut lit = literal_from_json(&value, &ty).map_err(|e| InputsError::Value {
            name: name.clone(),
            reason: e.to_string(),
            syntax: syntax(&name, &ty),
        })?;
        for_each_location(&mut lit, &mut absolute_file_uri);
        literals.insert(name, lit);
    }
    let missing: Vec<(String, String)> = vars
        .variables
        .iter()
        .filter(|(k, _)| !literals.contains_key(*k))
        .map(|(k, v)| {
            let ty = v.r#type.clone().unwrap_or_default();
            (k.clone(), syntax(k, &ty))
        })
        .collect();
    if !missing.is_empty() {
        return Err(InputsError::Missing {
            task: task.to_string(),
            missing,
        });
    }
    Ok(LiteralMap {
        literals: literals.into_iter().collect(),
    })
}

/// Calls `f` on the location of every file, directory and table in `lit`, however deep in
/// lists, maps and optionals: what a local run makes absolute and mounts.
pub(crate) fn for_each_location(lit: &mut Literal, f: &mut impl FnMut(&mut String)) {
    match &mut lit.value {
        Some(literal::Value::Scalar(s)) => match &mut s.value {
            Some(scalar::Value::Blob(b)) => f(&mut b.uri),
            Some(scalar::Value::StructuredDataset(sd)) => f(&mut sd.uri),
            Some(scalar::Value::Union(u)) => {
                if let Some(inner) = u.value.as_deref_mut() {
                    for_each_location(inner, f);
                }
            }
            _ => {}
        },
        Some(literal::Value::Collection(c)) => {
            c.literals.iter_mut().for_each(|l| for_each_location(l, f));
        }
        Some(literal::Value::Map(m)) => {
            m.literals
                .values_mut()
                .for_each(|l| for_each_location(l, f));
        }
        Some(literal::Value::OffloadedMetadata(_)) | None => {}
    }
}

/// A local path (no `scheme://`) as an absolute `file://` URI, made absolute as storage makes
/// it (`..` resolved), so that a container run finds it too; a URI as it is.
fn absolute_file_uri(location: &mut String) {
    if location.contains("://") {
        return;
    }
    if let Some(path) = StorageUri::parse(location).ok().and_then(|u| u.local_path) {
        *location = format!("file://{}", path.display());
    }
}

/// How to write an input of type `ty` on the command line, with an example for `name`.
pub(crate) fn syntax(name: &str, ty: &LiteralType) -> String {
    if let Some(inner) = optional_inner(ty) {
        return format!(
            "optional {}, or null; left out, it is none",
            syntax(name, inner)
        );
    }
    let simple = |s: SimpleType| matches!(ty.r#type, Some(Type::Simple(t)) if t == s as i32);
    let (what, example) = match &ty.r#type {
        _ if simple(SimpleType::Integer) => ("a whole number", "3".to_string()),
        _ if simple(SimpleType::Float) => ("a number", "2.5".to_string()),
        _ if simple(SimpleType::String) => ("text", "hello".to_string()),
        _ if simple(SimpleType::Boolean) => ("true or false", "true".to_string()),
        _ if simple(SimpleType::Datetime) => {
            ("an RFC 3339 time", "2026-01-31T12:00:00Z".to_string())
        }
        _ if simple(SimpleType::Duration) => ("seconds", "90s".to_string()),
        _ if simple(SimpleType::Struct) => ("a JSON object", "'{...}'".to_string()),
        Some(Type::Blob(_)) => ("a local path or a URI", "./data.csv".to_string()),
        Some(Type::CollectionType(_)) => ("a JSON list", "'[...]'".to_string()),
        Some(Type::MapValueType(_)) => ("a JSON object", "'{...}'".to_string()),
        Some(Type::EnumType(e)) => (
            "one of its values",
            e.values.first().cloned().unwrap_or_default(),
        ),
        Some(Type::StructuredDatasetType(_)) => (
            "the URI of a parquet folder",
            "s3://bucket/table".to_string(),
        ),
        _ => ("JSON", "...".to_string()),
    };
    format!(
        "{}: {what}, e.g. -i {name}={example}",
        crate::types::describe::describe_type(ty)
    )
}

fn value_for(raw: &str, ty: &LiteralType) -> Json {
    let (ty, optional) = match optional_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    if optional && raw == "null" {
        return Json::Null;
    }
    match ty.r#type {
        Some(Type::Simple(s)) if s == SimpleType::String as i32 => Json::String(raw.to_string()),
        _ => serde_json::from_str(raw).unwrap_or_else(|_| Json::String(raw.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FlyteFile, FlyteType};

    use crate::task::variables as vars;

    fn read(given: &[&str], vars: &VariableMap) -> Result<LiteralMap, String> {
        let text = InputText {
            pairs: given.iter().map(|s| s.to_string()).collect(),
            json: None,
        };
        read_inputs("t", &text, vars).map_err(|e| e.to_string())
    }

    #[test]
    fn an_optional_input_left_out_is_none_and_takes_plain_text() {
        let v = vars(&[
            ("label", <Option<String>>::literal_type()),
            ("n", i64::literal_type()),
        ]);
        let none = read(&["n=1"], &v).unwrap();
        assert_eq!(
            crate::types::read_variable::<Option<String>>(&none, "label").unwrap(),
            None
        );
        let text = read(&["n=1", "label=42"], &v).unwrap();
        assert_eq!(
            crate::types::read_variable::<Option<String>>(&text, "label").unwrap(),
            Some("42".to_string())
        );
        let null = read(&["n=1", "label=null"], &v).unwrap();
        assert_eq!(
            crate::types::read_variable::<Option<String>>(&null, "label").unwrap(),
            None
        );
        let e = read(&["label=x"], &v).unwrap_err();
        assert_eq!(
            e,
            "missing input(s) for task `t`, give each with --input NAME=VALUE:\n  n  INTEGER: a whole number, e.g. -i n=3"
        );
        let e = read(&["n=x"], &v).unwrap_err();
        assert!(
            e.ends_with("(it takes INTEGER: a whole number, e.g. -i n=3)"),
            "{e}"
        );
    }

    #[test]
    fn a_relative_file_path_becomes_an_absolute_file_uri() {
        let v = vars(&[("doc", FlyteFile::literal_type())]);
        let m = read(&["doc=docs/a.txt"], &v).unwrap();
        let doc = crate::types::read_variable::<FlyteFile>(&m, "doc").unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            doc.uri(),
            format!("file://{}", cwd.join("docs/a.txt").display())
        );
        let s3 = read(&["doc=s3://b/a.txt"], &v).unwrap();
        assert_eq!(
            crate::types::read_variable::<FlyteFile>(&s3, "doc")
                .unwrap()
                .uri(),
            "s3://b/a.txt"
        );
    }

    #[test]
    fn files_inside_lists_and_optionals_become_absolute_too() {
        let v = vars(&[
            ("docs", <Vec<FlyteFile>>::literal_type()),
            ("maybe", <Option<FlyteFile>>::literal_type()),
        ]);
        let m = read(
            &[
                r#"docs=["a.csv","../b.csv","s3://b/c.csv"]"#,
                "maybe=x/y.csv",
            ],
            &v,
        )
        .unwrap();
        let cwd = std::env::current_dir().unwrap();
        let parent = cwd.parent().unwrap();
        let docs = crate::types::read_variable::<Vec<FlyteFile>>(&m, "docs").unwrap();
        let uris: Vec<&str> = docs.iter().map(FlyteFile::uri).collect();
        assert_eq!(
            uris,
            [
                format!("file://{}", cwd.join("a.csv").display()).as_str(),
                format!("file://{}", parent.join("b.csv").display()).as_str(),
                "s3://b/c.csv",
            ]
        );
        let maybe = crate::types::read_variable::<Option<FlyteFile>>(&m, "maybe").unwrap();
        assert_eq!(
            maybe.unwrap().uri(),
            format!("file://{}", cwd.join("x/y.csv").display())
        );
    }

    #[test]
    fn an_unknown_input_names_the_declared_ones() {
        let e = read(&["x=1"], &vars(&[])).unwrap_err();
        assert_eq!(e, "task `t` has no input `x` (it takes no inputs)");
    }
}
