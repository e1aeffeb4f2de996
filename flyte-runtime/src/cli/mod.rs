//! The command line every task-type binary gets: its `main` is one call to [`main`].
//!
//! ```no_run
//! // src/main.rs of a task-type crate
//! use my_task_types as _; // link the crate whose tasks and executors register themselves
//!
//! fn main() -> std::process::ExitCode {
//!     flyte_runtime::cli::main()
//! }
//! # mod my_task_types {}
//! ```
//!
//! Subcommands: `execute` (what the pod runs; pyflyte-execute's flags), `list` (what the
//! binary holds), `run` (a registered task, locally, through the container's path; with
//! `--container IMAGE`, in its image on the Docker engine as propeller would run the pod),
//! `template` (one task's template), `package` (the registration package, as
//! `pyflyte package`) and `pod` (the Kubernetes Pod propeller would create for a task). Logs go to stderr, human-readable, or JSON with `--log-format json`
//! or `FLYTE_RS_LOG_FORMAT=json`; `RUST_LOG` sets the levels (default `info` for `execute`,
//! `warn` otherwise).

mod container;
mod execute;
mod give_back;
mod inputs;
mod list;
mod logging;
mod outputs;
mod package;
mod platform_args;
mod pod;
mod run;
mod run_args;
mod run_map;
mod template;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use execute::ExecuteArgs;
#[doc(hidden)]
pub use give_back::GiveBackArgs;
pub use inputs::InputArgs;
pub use logging::{init_logging, LogFormat};
pub use package::PackageArgs;
pub use platform_args::PlatformArgs;
pub use pod::PodArgs;
pub use run_args::RunArgs;
pub use template::{TemplateArgs, TemplateFormat};

/// The command line of a task-type binary.
#[derive(Debug, Parser)]
#[command(version, about = "A Flyte task-type binary built with flyte-rs")]
pub struct Cli {
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, env = "FLYTE_RS_LOG_FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a task as FlytePropeller does (the container's args; pyflyte-execute's flags).
    Execute(ExecuteArgs),
    /// List the task types, tasks, executors and resolvers this binary holds.
    List,
    /// Run a registered task locally, through the same files and path as in the container.
    Run(RunArgs),
    /// Write a registered task's template (or, with --serialized, a serialized task).
    Template(TemplateArgs),
    /// Write the registration package of every task (as `pyflyte package`), for
    /// `flytectl register files --archive`.
    Package(PackageArgs),
    /// Print the Kubernetes Pod propeller 1.16 would create for a task (YAML).
    Pod(PodArgs),
    /// Inside the image, as root: give a run folder's files to the user who ran
    /// `run --container` (started by `run` itself).
    #[doc(hidden)]
    #[command(hide = true, name = "give-back")]
    GiveBack(GiveBackArgs),
}

/// Parses the process's arguments and runs the subcommand; returns the exit code.
pub fn main() -> ExitCode {
    let bin = std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "flyte-task".to_string());
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = with_task_help(Cli::command().name(bin), &args).get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    run(cli)
}

/// With `--help` after `run TASK` or `pod TASK`, that subcommand's help ends with the task's
/// inputs and how to write each (the general syntax otherwise).
fn with_task_help(cli: clap::Command, args: &[std::ffi::OsString]) -> clap::Command {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    if !words.iter().any(|w| *w == "--help" || *w == "-h") {
        return cli;
    }
    let Some(at) = words.iter().position(|w| *w == "run" || *w == "pod") else {
        return cli;
    };
    let Some(task) = words[at + 1..].iter().find(|w| !w.starts_with('-')) else {
        return cli;
    };
    let Ok(found) = crate::task::registry::instance(task) else {
        return cli;
    };
    let vars = found
        .instance
        .template(&crate::task::SerializationSettings::default())
        .ok()
        .and_then(|t| t.interface)
        .and_then(|i| i.inputs)
        .unwrap_or_default();
    let help = format!(
        "{}\n\n{}",
        inputs::inputs_help(task, &vars),
        inputs::INPUT_SYNTAX
    );
    cli.mut_subcommand(words[at], |c| c.after_help(help))
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let level = match cli.command {
        Command::Execute(_) => "info",
        Command::List
        | Command::Run(_)
        | Command::Template(_)
        | Command::Package(_)
        | Command::Pod(_)
        | Command::GiveBack(_) => "warn",
    };
    init_logging(cli.log_format, level);
    match cli.command {
        Command::Execute(args) => crate::execute::execute(args.into()),
        Command::List => list::list(),
        Command::Run(args) => run::run(args),
        Command::Template(args) => template::template(args),
        Command::Package(args) => package::package(args),
        Command::Pod(args) => pod::pod(args),
        Command::GiveBack(args) => give_back::give_back(args),
    }
}
