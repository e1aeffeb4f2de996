//! The placeholders FlytePropeller substitutes in a container's args before it starts the
//! pod (`{{.input}}`, `{{.outputPrefix}}`, …), and the substitution itself, for running a
//! template locally exactly as propeller would.

/// Values for the placeholders propeller fills in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placeholders {
    /// `{{.input}}`: the URI of inputs.pb.
    pub input: String,
    /// `{{.outputPrefix}}`.
    pub output_prefix: String,
    /// `{{.rawOutputDataPrefix}}`.
    pub raw_output_data_prefix: String,
    /// `{{.checkpointOutputPrefix}}`.
    pub checkpoint_output_prefix: String,
    /// `{{.prevCheckpointPrefix}}` (empty on a first attempt).
    pub prev_checkpoint_prefix: String,
    /// `{{.taskTemplatePath}}`.
    pub task_template_path: String,
}

impl Placeholders {
    fn value(&self, name: &str) -> Option<&str> {
        // Propeller matches the names case-insensitively, with optional spaces inside braces.
        Some(match name.to_ascii_lowercase().as_str() {
            ".input" | ".inputfile" => &self.input,
            ".outputprefix" => &self.output_prefix,
            ".rawoutputdataprefix" => &self.raw_output_data_prefix,
            ".checkpointoutputprefix" => &self.checkpoint_output_prefix,
            ".prevcheckpointprefix" => &self.prev_checkpoint_prefix,
            ".tasktemplatepath" => &self.task_template_path,
            _ => return None,
        })
    }

    /// Replaces every known `{{.name}}` in `args`; unknown ones are left as they are.
    ///
    /// ```
    /// use flyte_runtime::task::Placeholders;
    ///
    /// let p = Placeholders { input: "s3://b/in.pb".into(), ..Default::default() };
    /// let args = vec!["--inputs".to_string(), "{{.input}}".to_string(), "{{ .Input }}/x".to_string(), "{{.other}}".to_string()];
    /// assert_eq!(p.substitute(&args), ["--inputs", "s3://b/in.pb", "s3://b/in.pb/x", "{{.other}}"]);
    /// ```
    pub fn substitute(&self, args: &[String]) -> Vec<String> {
        args.iter().map(|a| self.substitute_one(a)).collect()
    }

    fn substitute_one(&self, arg: &str) -> String {
        let mut out = String::with_capacity(arg.len());
        let mut rest = arg;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            let inner = rest[start + 2..start + len].trim();
            out.push_str(&rest[..start]);
            match self.value(inner) {
                Some(v) => out.push_str(v),
                None => out.push_str(&rest[start..start + len + 2]),
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        out
    }
}
