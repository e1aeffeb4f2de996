//! `template TASK [--output FILE] [--format pb|json|yaml]`: a registered task's
//! `TaskTemplate` (what registration sends and propeller hands the pod) as protobuf bytes, or
//! as protobuf JSON or YAML to read; or with `--serialized` the file the serialized-task
//! resolver loads.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::execute::serialize_task;
use crate::task::registry;
use crate::task::SerializationSettings;

/// Arguments of `template`.
#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// The registered task's name (see `list`).
    pub task: String,
    /// Where to write it (default for `json` and `yaml`: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// `pb`: the bytes Flyte reads; `json`, `yaml`: the same template as protobuf JSON
    /// (flytekit's `MessageToJson`: camelCase names, 64-bit integers as strings), to read.
    #[arg(long, value_enum, default_value_t = TemplateFormat::Pb)]
    pub format: TemplateFormat,
    /// Write a serialized task (for `--resolver flyte_rs.serialized_task_resolver`)
    /// instead of the template's protobuf bytes.
    #[arg(long, conflicts_with = "format")]
    pub serialized: bool,
    /// Replace the task type's image.
    #[arg(long)]
    pub image: Option<String>,
}

/// How `template` writes the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// Protobuf bytes (what registration sends).
    Pb,
    /// Protobuf JSON.
    Json,
    /// Protobuf JSON's content as YAML.
    Yaml,
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
            let pb = crate::proto::encode_task_template(
                &instance.template(&settings).map_err(|e| e.to_string())?,
            );
            readable(args.format, &pb)?
        };
        match &args.output {
            Some(path) => crate::storage::write_local_atomically(path, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None if args.format != TemplateFormat::Pb => {
                use std::io::Write;
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| format!("cannot write to standard output: {e}"))
            }
            None => Err(
                "protobuf bytes need a file: give --output FILE (or --format json|yaml \
                         to read the template here)"
                    .to_string(),
            ),
        }
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The template's bytes in `format`.
fn readable(format: TemplateFormat, pb: &[u8]) -> Result<Vec<u8>, String> {
    let json =
        || crate::proto::json::to_json("flyteidl.core.TaskTemplate", pb).map_err(|e| e.to_string());
    match format {
        TemplateFormat::Pb => Ok(pb.to_vec()),
        TemplateFormat::Json => serde_json::to_vec_pretty(&json()?)
            .map(|mut v| {
                v.push(b'\n');
                v
            })
            .map_err(|e| e.to_string()),
        TemplateFormat::Yaml => serde_yaml_ng::to_string(&json()?)
            .map(String::into_bytes)
            .map_err(|e| e.to_string()),
    }
}
