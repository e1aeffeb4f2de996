//! [`EntrypointArgs`]: the flags of `execute` (pyflyte-execute's), written into templates
//! by [`placeholders`](EntrypointArgs::placeholders) and [`to_argv`](EntrypointArgs::to_argv)
//! and parsed back by the command line.

/// The placeholders propeller fills in a template's args (flyteplugins `template.go`); the
/// entrypoint's flags carry them.
pub mod placeholder {
    /// The inputs file.
    pub const INPUT: &str = "{{.input}}";
    /// The output prefix.
    pub const OUTPUT_PREFIX: &str = "{{.outputPrefix}}";
    /// The raw output data prefix.
    pub const RAW_OUTPUT_DATA_PREFIX: &str = "{{.rawOutputDataPrefix}}";
    /// This attempt's checkpoint prefix.
    pub const CHECKPOINT_OUTPUT_PREFIX: &str = "{{.checkpointOutputPrefix}}";
    /// The previous attempt's checkpoint prefix (`""` on a first attempt).
    pub const PREV_CHECKPOINT_PREFIX: &str = "{{.prevCheckpointPrefix}}";
    /// Where propeller wrote the template.
    pub const TASK_TEMPLATE_PATH: &str = "{{.taskTemplatePath}}";
}

/// The flag that names the resolver; the loader args follow the `--` after it.
pub const RESOLVER_FLAG: &str = "--resolver";
/// The flag of this attempt's checkpoint prefix.
pub const CHECKPOINT_PATH_FLAG: &str = "--checkpoint-path";

/// A prefix flag as the entrypoint takes it, as flytekit's `normalize_inputs` does: what
/// propeller passes when there is none counts as absent (an empty string, the two
/// characters `""` it renders for a first attempt's previous checkpoint, or a placeholder
/// left unrendered).
///
/// ```
/// use flyte_runtime::contract::given_prefix;
/// assert_eq!(given_prefix(Some("\"\"".into())), None);
/// assert_eq!(given_prefix(Some("{{.prevCheckpointPrefix}}".into())), None);
/// assert_eq!(given_prefix(Some("s3://b/c".into())).as_deref(), Some("s3://b/c"));
/// ```
pub fn given_prefix(prefix: Option<String>) -> Option<String> {
    prefix.filter(|p| {
        !p.is_empty()
            && p != "\"\""
            && p != placeholder::RAW_OUTPUT_DATA_PREFIX
            && p != placeholder::CHECKPOINT_OUTPUT_PREFIX
            && p != placeholder::PREV_CHECKPOINT_PREFIX
    })
}

/// What pyflyte-execute is given: flags and loader args.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntrypointArgs {
    /// URI of the inputs `LiteralMap` (`--inputs`).
    pub inputs: String,
    /// Where `outputs.pb` / `error.pb` go (`--output-prefix`).
    pub output_prefix: String,
    /// Where large raw outputs go (`--raw-output-data-prefix`).
    pub raw_output_data_prefix: Option<String>,
    /// This attempt's checkpoint prefix (`--checkpoint-path`).
    pub checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint prefix (`--prev-checkpoint`).
    pub prev_checkpoint: Option<String>,
    /// The resolver's name (`--resolver`).
    pub resolver: String,
    /// Everything after `--`.
    pub loader_args: Vec<String>,
    /// A local run (`run`): secrets are also read from bare `<GROUP>_<KEY>` variables.
    pub local: bool,
}

impl EntrypointArgs {
    /// The arguments as propeller passes them in a template: the placeholders it fills, the
    /// resolver and its loader args.
    pub fn placeholders(resolver: &str, loader_args: Vec<String>) -> Self {
        Self {
            inputs: placeholder::INPUT.into(),
            output_prefix: placeholder::OUTPUT_PREFIX.into(),
            raw_output_data_prefix: Some(placeholder::RAW_OUTPUT_DATA_PREFIX.into()),
            checkpoint_path: Some(placeholder::CHECKPOINT_OUTPUT_PREFIX.into()),
            prev_checkpoint: Some(placeholder::PREV_CHECKPOINT_PREFIX.into()),
            resolver: resolver.to_string(),
            loader_args,
            local: false,
        }
    }

    /// The command line after `execute`: pyflyte-execute's flags, `--`, the loader args. The
    /// one spelling of the flags; `execute` parses exactly these back (a unit test of
    /// `cli::execute` checks the round trip).
    ///
    /// ```
    /// use flyte_runtime::contract::EntrypointArgs;
    /// let a = EntrypointArgs { inputs: "s3://b/i.pb".into(), output_prefix: "s3://b/o".into(), resolver: "r".into(), loader_args: vec!["x".into()], ..Default::default() };
    /// assert_eq!(a.to_argv(), ["--inputs", "s3://b/i.pb", "--output-prefix", "s3://b/o", "--resolver", "r", "--", "x"]);
    /// ```
    pub fn to_argv(&self) -> Vec<String> {
        let mut argv = vec![
            "--inputs".to_string(),
            self.inputs.clone(),
            "--output-prefix".to_string(),
            self.output_prefix.clone(),
        ];
        for (flag, value) in [
            ("--raw-output-data-prefix", &self.raw_output_data_prefix),
            (CHECKPOINT_PATH_FLAG, &self.checkpoint_path),
            ("--prev-checkpoint", &self.prev_checkpoint),
        ] {
            if let Some(v) = value {
                argv.extend([flag.to_string(), v.clone()]);
            }
        }
        argv.extend([
            RESOLVER_FLAG.to_string(),
            self.resolver.clone(),
            "--".to_string(),
        ]);
        argv.extend(self.loader_args.iter().cloned());
        argv
    }
}
