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
//! `pyflyte package`), `pod` (the Kubernetes Pod propeller would create for a task) and
//! `python-module` (a flytekit module of the binary's task types, for Python workflows; see
//! the crate's `python` module). Logs go to stderr, human-readable, or JSON with `--log-format json`
//! or `FLYTE_RS_LOG_FORMAT=json`; `RUST_LOG` sets the levels (default `info` for `execute`,
//! `warn` otherwise).
//!
//! `inspect FILE` reads what `package` or `pyflyte package` wrote without Python: for a
//! package, each entity's kind, name, task type, image and interface (`--format json` for a
//! JSON listing); for one `.pb` (`template.pb`, `inputs.pb`, `outputs.pb`, `error.pb`, a
//! package's `N_NAME_K.pb`, or any file with `--as`), its contents as protobuf JSON.

mod execute;
mod give_back;
mod inputs;
mod inspect;
mod list;
mod logging;
mod outputs;
mod package;
mod platform_args;
mod pod;
mod python_module;
mod run;
mod run_args;
mod template;

use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::contract::PodEnv;

pub use execute::ExecuteArgs;
#[doc(hidden)]
pub use give_back::GiveBackArgs;
pub use inputs::{InputArgs, InputsError};
pub use inspect::InspectArgs;
pub use logging::{init_logging, LogFormat};
pub use package::PackageArgs;
pub use platform_args::PlatformArgs;
pub use pod::PodArgs;
pub use python_module::PythonModuleArgs;
pub use run_args::RunArgs;
pub use template::{TemplateArgs, TemplateFormat};

/// The command line of a task-type binary.
#[derive(Debug, Parser)]
#[command(version, about = ABOUT)]
pub struct Cli {
    /// Flags every subcommand takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, env = "FLYTE_RS_LOG_FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

const ABOUT: &str = "A Flyte task-type binary built with flyte-rs";
const EXECUTE_ABOUT: &str =
    "Run a task as FlytePropeller does (the container's args; pyflyte-execute's flags)";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What a pod runs: `execute`, with pyflyte-execute's flags.
    #[command(about = EXECUTE_ABOUT)]
    Execute(ExecuteArgs),
    /// List the task types, tasks, executors and resolvers this binary holds.
    List,
    /// Run a registered task (or a template file's, `--template`) locally, through the same files
    /// and path as in the container.
    Run(RunArgs),
    /// Write a registered task's template (or, with --serialized, a serialized task).
    Template(TemplateArgs),
    /// Write the registration package of every task (as `pyflyte package`), for
    /// `flytectl register files --archive`.
    Package(PackageArgs),
    /// List what a registration package holds (each entity's kind, name, type, image and
    /// interface), or print one `.pb` (template, inputs, outputs, error) as protobuf JSON.
    Inspect(InspectArgs),
    /// Print the Kubernetes Pod propeller 1.16 would create for a task (YAML).
    Pod(PodArgs),
    /// Write the flytekit module of this binary's task types, tasks and maps, for Python
    /// workflows.
    PythonModule(PythonModuleArgs),
    /// Inside the image, as root: give a run folder's files to the user who ran
    /// `run --container` (started by `run` itself).
    #[doc(hidden)]
    #[command(hide = true, name = "give-back")]
    GiveBack(GiveBackArgs),
}

/// The command line of a pod (`BIN execute …`) alone: parsed without building the other
/// subcommands, which was a quarter of the instructions of every cold start. Same flags,
/// same help, same errors for `execute` as [`Cli`].
#[derive(Debug, Parser)]
#[command(version, about = ABOUT)]
struct ExecuteCli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: ExecuteOnly,
}

#[derive(Debug, Subcommand)]
enum ExecuteOnly {
    #[command(about = EXECUTE_ABOUT)]
    Execute(ExecuteArgs),
}

/// The entrypoint arguments of a whole `execute` command line (`[program, execute, …]`, a
/// pod's command and args), parsed as the binary in its image parses them.
fn execute_argv(argv: &[String]) -> Result<crate::contract::EntrypointArgs, String> {
    let os: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
    if !is_execute(&os) {
        return Err("its first word after the program is not `execute`".to_string());
    }
    match ExecuteCli::try_parse_from(os) {
        Ok(ExecuteCli {
            command: ExecuteOnly::Execute(execute),
            ..
        }) => Ok(execute.into()),
        Err(e) => Err(e
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string()),
    }
}

/// Whether the subcommand is `execute`: the first word that is not a global flag or its
/// value.
fn is_execute(args: &[std::ffi::OsString]) -> bool {
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    while let Some(word) = words.next() {
        match word {
            Some("--log-format") => {
                words.next();
            }
            Some(w) if w.starts_with("--log-format=") => {}
            Some(w) => return w == "execute",
            None => return false,
        }
    }
    false
}

/// This program's name (its file name, as it was started).
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "flyte-task".to_string())
}

/// Parses the process's arguments and runs the subcommand; returns the exit code. The one
/// place the process environment is read: once, into the [`PodEnv`] every subcommand is
/// given; nothing writes it.
pub fn main() -> ExitCode {
    let env = PodEnv::from_env();
    let bin = program_name();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if is_execute(&args) {
        let matches = ExecuteCli::command().name(bin).get_matches_from(args);
        return match ExecuteCli::from_arg_matches(&matches) {
            Ok(ExecuteCli {
                global,
                command: ExecuteOnly::Execute(execute),
            }) => run(
                Cli {
                    global,
                    command: Command::Execute(execute),
                },
                &env,
            ),
            Err(e) => e.exit(),
        };
    }
    let matches = with_task_help(Cli::command().name(bin), &args).get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    run(cli, &env)
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

/// Runs a parsed command line in the environment `env` (the process's, read once by
/// [`main`]).
pub fn run(cli: Cli, env: &PodEnv) -> ExitCode {
    let local = env.is_true(crate::contract::env::LOCAL_RUN);
    let level = match cli.command {
        // A local run's `execute` (started by `run`) logs as quietly as `run`.
        Command::Execute(_) if !local => "info",
        Command::Execute(_) => "warn",
        Command::List
        | Command::Run(_)
        | Command::Template(_)
        | Command::Package(_)
        | Command::Inspect(_)
        | Command::Pod(_)
        | Command::PythonModule(_)
        | Command::GiveBack(_) => "warn",
    };
    init_logging(cli.global.log_format, level, env);
    match cli.command {
        Command::Execute(args) => {
            let args = crate::contract::EntrypointArgs {
                local,
                ..args.into()
            };
            crate::execute::execute(args, env)
        }
        Command::List => list::list(),
        Command::Run(args) => run::run(args, env),
        Command::Template(args) => template::template(args),
        Command::Package(args) => package::package(args, env),
        Command::Inspect(args) => inspect::inspect(args),
        Command::Pod(args) => pod::pod(args, env),
        Command::PythonModule(args) => python_module::python_module(args, &program_name()),
        Command::GiveBack(args) => give_back::give_back(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn execute_help(mut top: clap::Command) -> String {
        let top = top
            .get_subcommands_mut()
            .find(|c| c.get_name() == "execute");
        top.map(|c| c.render_long_help().to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_pods_fast_path_reads_and_documents_execute_as_the_full_command_line_does() {
        let full = execute_help(Cli::command().name("bin"));
        assert!(full.contains("--output-prefix"), "{full}");
        assert_eq!(execute_help(ExecuteCli::command().name("bin")), full);
        let words = |w: &[&str]| -> Vec<std::ffi::OsString> {
            std::iter::once("bin")
                .chain(w.iter().copied())
                .map(Into::into)
                .collect()
        };
        assert!(is_execute(&words(&["execute", "--inputs", "x"])));
        assert!(is_execute(&words(&["--log-format", "json", "execute"])));
        assert!(is_execute(&words(&["--log-format=json", "execute"])));
        assert!(!is_execute(&words(&["run", "execute"])));
        assert!(!is_execute(&words(&["--help", "execute"])));
        assert!(!is_execute(&words(&[])));
        let args = [
            "bin",
            "--log-format",
            "json",
            "execute",
            "--inputs",
            "i",
            "--output-prefix",
            "o",
            "--",
            "a",
        ];
        let fast = ExecuteCli::try_parse_from(args).map(|c| c.global.log_format);
        let full = Cli::try_parse_from(args).map(|c| c.global.log_format);
        assert_eq!(fast.ok(), Some(LogFormat::Json));
        assert_eq!(full.ok(), Some(LogFormat::Json));
    }
}
