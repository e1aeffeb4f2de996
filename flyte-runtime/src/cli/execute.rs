//! `execute`: pyflyte-execute's flags, then `--` and the resolver's loader args.

use clap::Args;

use crate::contract::{EntrypointArgs, Resolver};

/// The flags FlytePropeller passes (see `../CONTRACT.md` §2).
#[derive(Debug, Clone, Args)]
pub struct ExecuteArgs {
    /// URI of the inputs (a `flyteidl.core.LiteralMap`).
    #[arg(long)]
    pub inputs: String,
    /// Prefix under which `outputs.pb` or `error.pb` is written.
    #[arg(long)]
    pub output_prefix: String,
    /// Prefix for large raw outputs (files, tables).
    #[arg(long)]
    pub raw_output_data_prefix: Option<String>,
    /// This attempt's checkpoint prefix.
    #[arg(long)]
    pub checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint prefix.
    #[arg(long)]
    pub prev_checkpoint: Option<String>,
    /// How the loader args name the task.
    #[arg(long, default_value = Resolver::Template.name())]
    pub resolver: String,
    /// Accepted for compatibility with pyflyte-execute (dynamic tasks); unused.
    #[arg(long)]
    pub dynamic_addl_distro: Option<String>,
    /// Accepted for compatibility with pyflyte-execute (dynamic tasks); unused.
    #[arg(long)]
    pub dynamic_dest_dir: Option<String>,
    /// The resolver's loader args (after `--`).
    #[arg(last = true, required = true, value_name = "LOADER_ARGS")]
    pub loader_args: Vec<String>,
}

impl From<ExecuteArgs> for EntrypointArgs {
    fn from(a: ExecuteArgs) -> Self {
        // flytekit's normalize_inputs: a placeholder propeller did not fill means "none".
        let raw = crate::contract::given_prefix(a.raw_output_data_prefix);
        EntrypointArgs {
            inputs: a.inputs,
            output_prefix: a.output_prefix,
            raw_output_data_prefix: raw,
            checkpoint_path: a.checkpoint_path,
            prev_checkpoint: a.prev_checkpoint,
            resolver: a.resolver,
            loader_args: a.loader_args,
            local: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::{Cli, Command};
    use crate::contract::{EntrypointArgs, Resolver};

    fn parse(argv: Vec<String>) -> EntrypointArgs {
        let line = ["bin".to_string(), "execute".to_string()]
            .into_iter()
            .chain(argv);
        match Cli::try_parse_from(line).map(|c| c.command) {
            Ok(Command::Execute(a)) => a.into(),
            other => panic!("not an execute command line: {other:?}"),
        }
    }

    #[test]
    fn the_flags_written_are_the_flags_read() {
        let full = EntrypointArgs {
            inputs: "s3://b/in/inputs.pb".into(),
            output_prefix: "s3://b/out/0".into(),
            raw_output_data_prefix: Some("s3://b/raw/0".into()),
            checkpoint_path: Some("s3://b/ck/0".into()),
            prev_checkpoint: Some("\"\"".into()),
            resolver: Resolver::Default.name().into(),
            loader_args: vec!["task-name".into(), "demo.task".into()],
            local: false,
        };
        assert_eq!(parse(full.to_argv()), full);
        let bare = EntrypointArgs {
            inputs: "/in.pb".into(),
            output_prefix: "/out".into(),
            resolver: Resolver::Template.name().into(),
            loader_args: vec!["/t.pb".into(), "--looks-like-a-flag".into()],
            ..Default::default()
        };
        assert_eq!(parse(bare.to_argv()), bare);
    }
}
