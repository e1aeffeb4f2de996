//! `template NAME [--output FILE] [--format pb|json|yaml]`: a registered task's
//! `TaskTemplate` (what registration sends and propeller hands the pod) as protobuf bytes, or
//! as protobuf JSON or YAML to read; or with `--serialized` the file the serialized-task
//! resolver loads. For a registered map, its task's template, or with `--entity workflow` /
//! `launch-plan` the `WorkflowSpec` holding its ArrayNode or its `LaunchPlan`, as `package`
//! writes them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use prost::Message;

use crate::execute::serialize_task;
use crate::task::registry;
use crate::task::SerializationSettings;

/// Arguments of `template`.
#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// The registered task's or map's name (see `list`).
    pub task: String,
    /// For a map: which of its entities to write.
    #[arg(long, value_enum, default_value_t = MapEntity::Task)]
    pub entity: MapEntity,
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

/// Which entity of a map `template` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapEntity {
    /// The map's task template (`flyteidl.core.TaskTemplate`).
    Task,
    /// The workflow holding its ArrayNode (`flyteidl.admin.WorkflowSpec`).
    Workflow,
    /// The workflow's default launch plan (`flyteidl.admin.LaunchPlan`).
    LaunchPlan,
}

/// The bytes of `name`'s entity and their message's full name, if `name` is a registered
/// map.
fn map_entity(
    name: &str,
    entity: MapEntity,
    settings: &SerializationSettings,
) -> Result<Option<(Vec<u8>, &'static str)>, String> {
    let maps = registry::maps().map_err(|e| e.to_string())?;
    let Some(map) = maps.into_iter().map(|m| m.map).find(|m| m.name() == name) else {
        return Ok(None);
    };
    let e = |e: crate::task::MapTemplateError| e.to_string();
    Ok(Some(match entity {
        MapEntity::Task => (
            crate::proto::encode_task_template(&map.template(settings).map_err(e)?),
            "flyteidl.core.TaskTemplate",
        ),
        MapEntity::Workflow => (
            map.workflow_spec(settings).map_err(e)?.encode_to_vec(),
            "flyteidl.admin.WorkflowSpec",
        ),
        MapEntity::LaunchPlan => (
            map.launch_plan(settings).map_err(e)?.encode_to_vec(),
            "flyteidl.admin.LaunchPlan",
        ),
    }))
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
        let settings = SerializationSettings {
            image: args.image.clone(),
            ..SerializationSettings::default()
        };
        let map = if args.serialized {
            None
        } else {
            map_entity(&args.task, args.entity, &settings)?
        };
        let bytes = if let Some((pb, message)) = map {
            readable(args.format, message, &pb)?
        } else if args.entity != MapEntity::Task {
            let entity = args
                .entity
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            return Err(format!(
                "--entity {entity} is for maps; `{}` is not a registered map",
                args.task
            ));
        } else if args.serialized {
            let instance = registry::instance(&args.task)
                .map_err(|e| e.to_string())?
                .instance;
            serialize_task(instance.as_ref(), &settings).map_err(|e| e.to_string())?
        } else {
            let instance = registry::instance(&args.task)
                .map_err(|e| e.to_string())?
                .instance;
            let pb = crate::proto::encode_task_template(
                &instance.template(&settings).map_err(|e| e.to_string())?,
            );
            readable(args.format, "flyteidl.core.TaskTemplate", &pb)?
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

/// The bytes of a `message` in `format`.
fn readable(format: TemplateFormat, message: &str, pb: &[u8]) -> Result<Vec<u8>, String> {
    let json = || crate::proto::json::to_json(message, pb).map_err(|e| e.to_string());
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
