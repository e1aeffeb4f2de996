//! A task's inputs on the command line (`--input NAME=VALUE`, `--inputs-json`), read as the
//! task's input types: plain text for strings, local paths for files (made absolute `file://`
//! URIs, so that a container run finds them too), and none for optional inputs left out.

use clap::Args;
use serde_json::Value as Json;

use crate::proto::core::literal_type::Type;
use crate::proto::core::{
    literal, scalar, Literal, LiteralMap, LiteralType, SimpleType, VariableMap,
};
use crate::storage::StorageUri;
use crate::types::json_literal::literal_from_json;
use crate::types::literal_type::optional_inner;

/// A task's inputs on the command line (`run`, `pod`).
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// An input, `NAME=VALUE`: text for strings (and optional strings); a local path or a
    /// URI for files and directories (a relative path is made absolute); JSON (or plain text)
    /// for everything else; `null` for an optional input left empty, which it also is when
    /// not given.
    #[arg(long = "input", short = 'i', value_name = "NAME=VALUE")]
    pub input: Vec<String>,
    /// All inputs as one JSON object (`--input` values override its entries); `@PATH` reads
    /// the object from a file (for lists too long for a command line).
    #[arg(long, value_name = "JSON|@PATH")]
    pub inputs_json: Option<String>,
}

impl InputArgs {
    /// Whether no input was given.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty() && self.inputs_json.is_none()
    }

    /// These inputs as a literal map of task `task`'s input types `vars`, as `run` reads
    /// them: every literal it returns fits its declared type.
    ///
    /// ```
    /// use flyte_runtime::cli::InputArgs;
    /// use flyte_runtime::proto::core::VariableMap;
    /// use flyte_runtime::types::FlyteType;
    /// let vars = VariableMap {
    ///     variables: [("n".to_string(), flyte_runtime::proto::core::Variable {
    ///         r#type: Some(i64::literal_type()),
    ///         ..Default::default()
    ///     })]
    ///     .into(),
    /// };
    /// let args = InputArgs { input: vec!["n=3".into()], inputs_json: None };
    /// assert_eq!(args.literal_map("t", &vars).unwrap().literals.len(), 1);
    /// let bad = InputArgs { input: vec!["n=three".into()], inputs_json: None };
    /// assert!(bad.literal_map("t", &vars).unwrap_err().to_string().contains("input `n`"));
    /// ```
    pub fn literal_map(&self, task: &str, vars: &VariableMap) -> Result<LiteralMap, InputsError> {
        inputs_from_args(task, self, vars).map_err(|message| InputsError { message })
    }
}

/// Command-line inputs that do not fit the task: the message names the input and what it
/// takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputsError {
    message: String,
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
fn syntax(name: &str, ty: &LiteralType) -> String {
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

/// How inputs of each kind are written, for `run --help` and `pod --help`.
pub(crate) const INPUT_SYNTAX: &str = "\
How inputs are written (-i NAME=VALUE), by type:
  INTEGER                  a whole number, e.g. -i n=3
  FLOAT                    a number, e.g. -i x=2.5
  STRING                   text as it is, e.g. -i label=hello
  BOOLEAN                  true or false
  DATETIME                 an RFC 3339 time, e.g. -i at=2026-01-31T12:00:00Z
  DURATION                 seconds, e.g. -i wait=90s
  blob (file), blob (directory)
                           a local path (made absolute) or a URI, e.g. -i doc=./data.csv
  collection, map, STRUCT  JSON, e.g. -i xs='[1,2]'
  enum                     one of its values
  optional T               as T, or null; left out, it is none";

/// Where the general help points to a task's own.
pub(crate) const TASK_HELP_HINT: &str =
    "Give a task's name before --help to see its inputs (`run TASK --help`).";

/// A task's inputs, each with its type and how to write it: `run TASK --help`.
pub(crate) fn inputs_help(task: &str, vars: &VariableMap) -> String {
    if vars.variables.is_empty() {
        return format!("Task `{task}` takes no inputs.");
    }
    let lines: Vec<String> = vars
        .variables
        .iter()
        .map(|(name, var)| {
            let ty = var.r#type.clone().unwrap_or_default();
            format!("  {name}  {}", syntax(name, &ty))
        })
        .collect();
    format!(
        "Inputs of task `{task}` (-i NAME=VALUE):\n{}",
        lines.join("\n")
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

/// The inputs given on the command line (`--input`, `--inputs-json`) as a literal map of the
/// task's input types. An optional input that is not given is none.
pub(crate) fn inputs_from_args(
    task: &str,
    args: &InputArgs,
    vars: &VariableMap,
) -> Result<LiteralMap, String> {
    let type_of = |name: &str| -> Result<LiteralType, String> {
        let var = vars.variables.get(name).ok_or_else(|| {
            let declared = vars.variables.keys().cloned().collect::<Vec<_>>();
            if declared.is_empty() {
                format!("task `{task}` has no input `{name}` (it takes no inputs)")
            } else {
                format!(
                    "task `{task}` has no input `{name}` (inputs: {})",
                    declared.join(", ")
                )
            }
        })?;
        Ok(var.r#type.clone().unwrap_or_default())
    };
    let mut given: Vec<(String, Json)> = Vec::new();
    if let Some(text) = &args.inputs_json {
        let read;
        let text = match text.strip_prefix('@') {
            Some(path) => {
                read = std::fs::read_to_string(path)
                    .map_err(|e| format!("--inputs-json @{path}: cannot read it: {e}"))?;
                &read
            }
            None => text,
        };
        match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(m)) => given.extend(m),
            Ok(_) => return Err("--inputs-json must be a JSON object".to_string()),
            Err(e) => return Err(format!("--inputs-json is not JSON: {e}")),
        }
    }
    for pair in &args.input {
        let (name, raw) = pair
            .split_once('=')
            .ok_or_else(|| format!("--input `{pair}` is not NAME=VALUE"))?;
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
        let mut lit = literal_from_json(&value, &ty)
            .map_err(|e| format!("input `{name}`: {e} (it takes {})", syntax(&name, &ty)))?;
        for_each_location(&mut lit, &mut absolute_file_uri);
        literals.insert(name, lit);
    }
    let missing: Vec<String> = vars
        .variables
        .iter()
        .filter(|(k, _)| !literals.contains_key(*k))
        .map(|(k, v)| {
            let ty = v.r#type.clone().unwrap_or_default();
            format!("\n  {k}  {}", syntax(k, &ty))
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing input(s) for task `{task}`, give each with --input NAME=VALUE:{}",
            missing.concat()
        ));
    }
    Ok(LiteralMap {
        literals: literals.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FlyteFile, FlyteType};

    fn vars(list: &[(&str, LiteralType)]) -> VariableMap {
        let owned: Vec<(String, LiteralType)> = list
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect();
        crate::task::variable_map(&owned)
    }

    fn read(given: &[&str], vars: &VariableMap) -> Result<LiteralMap, String> {
        let args = InputArgs {
            input: given.iter().map(|s| s.to_string()).collect(),
            inputs_json: None,
        };
        inputs_from_args("t", &args, vars)
    }

    #[test]
    fn a_tasks_help_lists_each_input_with_its_syntax() {
        let v = vars(&[
            ("n", i64::literal_type()),
            ("doc", FlyteFile::literal_type()),
            ("label", Option::<String>::literal_type()),
        ]);
        let help = inputs_help("t", &v);
        assert!(help.starts_with("Inputs of task `t`"), "{help}");
        for line in [
            "  n  INTEGER: a whole number, e.g. -i n=3",
            "  doc  blob (file): a local path or a URI, e.g. -i doc=./data.csv",
            "  label  optional STRING: text, e.g. -i label=hello, or null; left out, it is none",
        ] {
            assert!(help.lines().any(|l| l == line), "{line:?} not in\n{help}");
        }
        assert_eq!(inputs_help("t", &vars(&[])), "Task `t` takes no inputs.");
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
