//! [`EntrypointArgs`]: the flags of `execute` (pyflyte-execute's), written into templates
//! by [`placeholders`](EntrypointArgs::placeholders) and [`to_argv`](EntrypointArgs::to_argv)
//! and parsed back by the command line.

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
            inputs: "{{.input}}".into(),
            output_prefix: "{{.outputPrefix}}".into(),
            raw_output_data_prefix: Some("{{.rawOutputDataPrefix}}".into()),
            checkpoint_path: Some("{{.checkpointOutputPrefix}}".into()),
            prev_checkpoint: Some("{{.prevCheckpointPrefix}}".into()),
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
    /// use flyte_runtime::protocol::EntrypointArgs;
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
            ("--checkpoint-path", &self.checkpoint_path),
            ("--prev-checkpoint", &self.prev_checkpoint),
        ] {
            if let Some(v) = value {
                argv.extend([flag.to_string(), v.clone()]);
            }
        }
        argv.extend([
            "--resolver".to_string(),
            self.resolver.clone(),
            "--".to_string(),
        ]);
        argv.extend(self.loader_args.iter().cloned());
        argv
    }
}
