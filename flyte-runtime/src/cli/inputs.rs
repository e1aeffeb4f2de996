//! A task's inputs on the command line (`--input NAME=VALUE`, `--inputs-json`), read as the
//! task's input types as a local run reads them, and how to write them
//! (`run TASK --help`).

use clap::Args;

pub use crate::local::InputsError;
use crate::local::{read_inputs, syntax, InputText};
use crate::proto::core::{LiteralMap, VariableMap};

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
        read_inputs(task, &self.text(), vars)
    }

    /// The inputs as text, as a local run takes them.
    pub(crate) fn text(&self) -> InputText {
        InputText {
            pairs: self.input.clone(),
            json: self.inputs_json.clone(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FlyteFile, FlyteType};

    use crate::task::variables as vars;

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
}
