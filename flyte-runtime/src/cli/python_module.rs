//! `python-module`: the flytekit module of this binary's task types, tasks and maps (see
//! [`python`](crate::python)).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// Arguments of `python-module`.
#[derive(Debug, Clone, Args)]
pub struct PythonModuleArgs {
    /// Where to write the module (e.g. `my_tasks.py`); `-` for standard output.
    #[arg(long, short)]
    pub output: PathBuf,
}

pub(crate) fn python_module(args: PythonModuleArgs, binary: &str) -> ExitCode {
    let source = match crate::python::python_module(binary) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("error: cannot write the Python module: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.output.as_os_str() == "-" {
        print!("{source}");
        return ExitCode::SUCCESS;
    }
    match crate::storage::write_local_atomically(&args.output, source.as_bytes()) {
        Ok(()) => {
            println!("wrote {}", args.output.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.output.display());
            ExitCode::FAILURE
        }
    }
}
