//! `template TASK --output FILE`: writes a registered task's `TaskTemplate` (what
//! registration sends and propeller hands the pod), or with `--serialized` the file the
//! serialized-task resolver loads.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::execute::serialize_task;
use crate::task::registry;
use crate::task::SerializationSettings;

/// Arguments of `template`.
#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// The registered task's name (see `list`).
    pub task: String,
    /// Where to write it.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Write a serialized task (for `--resolver flyte_rs.serialized_task_resolver`)
    /// instead of the template's protobuf bytes.
    #[arg(long)]
    pub serialized: bool,
    /// Replace the task type's image.
    #[arg(long)]
    pub image: Option<String>,
}

pub(crate) fn template(args: TemplateArgs) -> ExitCode {
    let result = (|| -> Result<(), String> {
        let instance = registry::instance(&args.task)
            .map_err(|e| e.to_string())?
            .instance;
        let settings = SerializationSettings {
            image: args.image.clone(),
            ..SerializationSettings::default()
        };
        let bytes = if args.serialized {
            serialize_task(instance.as_ref(), &settings).map_err(|e| e.to_string())?
        } else {
            crate::proto::encode_task_template(
                &instance.template(&settings).map_err(|e| e.to_string())?,
            )
        };
        crate::storage::write_local_atomically(&args.output, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", args.output.display()))
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
