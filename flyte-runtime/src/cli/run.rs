//! `run TASK --input NAME=VALUE …`: runs a registered task locally through exactly the
//! container's path (template file → resolver → inputs file → executor → outputs file), and
//! leaves those files in a directory it names.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use prost::Message;
use serde_json::Value as Json;

use crate::execute::{execute_with, resolvers, shutdown_signal, EntrypointArgs, Outcome};
use crate::proto::core::{ErrorDocument, Literal, LiteralMap, LiteralType, SimpleType};
use crate::registry::{self, TaskKind};
use crate::storage::Storage;
use crate::task::SerializationSettings;
use crate::types::json_literal::{literal_from_json, literal_to_json};

/// Arguments of `run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The registered task's name (see `list`).
    pub task: String,
    /// An input, `NAME=VALUE`: text for strings, JSON (or plain text) for everything else.
    #[arg(long = "input", short = 'i', value_name = "NAME=VALUE")]
    pub inputs: Vec<String>,
    /// All inputs as one JSON object (`--input` values override its entries).
    #[arg(long, value_name = "JSON")]
    pub inputs_json: Option<String>,
    /// Where to leave template.pb, inputs.pb and outputs.pb/error.pb (default: a new folder
    /// under the system's temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Run the pod in this image on the local Docker engine, as FlytePropeller would (the
    /// template's args, env and limits; no network; read-only root; non-root user), instead
    /// of in this process.
    #[arg(long, value_name = "IMAGE")]
    pub container: Option<String>,
    /// With --container: a host folder the task reads (a database, say), mounted read-only
    /// at the same path. Folders of file inputs are mounted without asking.
    #[arg(long = "volume", value_name = "DIR", requires = "container")]
    pub volumes: Vec<PathBuf>,
}

fn value_for(raw: &str, ty: &LiteralType) -> Json {
    let is_string = matches!(ty.r#type, Some(crate::proto::core::literal_type::Type::Simple(s)) if s == SimpleType::String as i32);
    if is_string {
        return Json::String(raw.to_string());
    }
    serde_json::from_str(raw).unwrap_or_else(|_| Json::String(raw.to_string()))
}

fn build_inputs(
    args: &RunArgs,
    vars: &crate::proto::core::VariableMap,
) -> Result<LiteralMap, String> {
    let type_of = |name: &str| -> Result<LiteralType, String> {
        let var = vars.variables.get(name).ok_or_else(|| {
            let declared = vars
                .variables
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "task `{}` has no input `{name}` (inputs: {declared})",
                args.task
            )
        })?;
        Ok(var.r#type.clone().unwrap_or_default())
    };
    let mut given: Vec<(String, Json)> = Vec::new();
    if let Some(text) = &args.inputs_json {
        match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(m)) => given.extend(m),
            Ok(_) => return Err("--inputs-json must be a JSON object".to_string()),
            Err(e) => return Err(format!("--inputs-json is not JSON: {e}")),
        }
    }
    for pair in &args.inputs {
        let (name, raw) = pair
            .split_once('=')
            .ok_or_else(|| format!("--input `{pair}` is not NAME=VALUE"))?;
        let ty = type_of(name)?;
        given.retain(|(n, _)| n != name);
        given.push((name.to_string(), value_for(raw, &ty)));
    }
    let mut literals = std::collections::BTreeMap::<String, Literal>::new();
    for (name, value) in given {
        let ty = type_of(&name)?;
        let lit = literal_from_json(&value, &ty).map_err(|e| format!("input `{name}`: {e}"))?;
        literals.insert(name, lit);
    }
    let missing: Vec<&String> = vars
        .variables
        .keys()
        .filter(|k| !literals.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing input(s) {} for task `{}` (give them with --input NAME=VALUE)",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            args.task
        ));
    }
    Ok(LiteralMap {
        literals: literals.into_iter().collect(),
    })
}

fn run_dir(args: &RunArgs) -> PathBuf {
    args.dir.clone().unwrap_or_else(|| {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        std::env::temp_dir()
            .join("flyte-rs-runs")
            .join(format!("{}-{stamp}", args.task))
    })
}

pub(crate) fn run(args: RunArgs) -> ExitCode {
    match try_run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn try_run(args: &RunArgs) -> Result<ExitCode, String> {
    let registered = registry::instance(&args.task).map_err(|e| e.to_string())?;
    let instance = registered.instance;
    let executor_path = match instance.kind() {
        TaskKind::Container { executor_path } => Some(executor_path),
        TaskKind::Echo => None,
        TaskKind::Reference => {
            return Err(format!(
                "task `{}` cannot run locally: {}",
                args.task,
                instance
                    .template(&SerializationSettings::default())
                    .err()
                    .map_or_else(|| "it is a reference".to_string(), |e| e.to_string())
            ))
        }
    };
    let template = instance
        .template(&SerializationSettings::default())
        .map_err(|e| e.to_string())?;
    let interface = template.interface.clone().unwrap_or_default();
    let inputs = build_inputs(args, &interface.inputs.unwrap_or_default())?;

    let dir = run_dir(args);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let dir = std::path::absolute(&dir).map_err(|e| e.to_string())?;
    let path = |name: &str| dir.join(name).display().to_string();
    for (name, bytes) in [
        ("template.pb", template.encode_to_vec()),
        ("inputs.pb", inputs.encode_to_vec()),
    ] {
        std::fs::write(dir.join(name), bytes)
            .map_err(|e| format!("cannot write {}: {e}", path(name)))?;
    }
    let Some(executor_path) = executor_path else {
        // An echo task: propeller copies the inputs to the outputs, and so do we.
        crate::storage::write_local_atomically(&dir.join("outputs.pb"), &inputs.encode_to_vec())
            .map_err(|e| format!("cannot write {}: {e}", path("outputs.pb")))?;
        println!(
            "task {} (echo: outputs are the inputs) ran in {}",
            args.task,
            dir.display()
        );
        print_outputs(&inputs);
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(image) = &args.container {
        super::container::open_for_container(&dir)?;
        let cmd = super::container::docker_command(image, &template, &inputs, &dir, &args.volumes)?;
        let took = super::container::run_container(cmd)?;
        println!(
            "task {} ({}) ran in container {image} in {:.0} ms, in {}",
            args.task,
            instance.task_type(),
            took.as_secs_f64() * 1e3,
            dir.display()
        );
    } else {
        let entry = EntrypointArgs {
            inputs: path("inputs.pb"),
            output_prefix: dir.display().to_string(),
            raw_output_data_prefix: Some(path("raw")),
            checkpoint_path: Some(path("checkpoint")),
            prev_checkpoint: None,
            resolver: resolvers::TEMPLATE.to_string(),
            loader_args: vec![path("template.pb"), executor_path.to_string()],
            local: true,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let _: Outcome =
            runtime.block_on(execute_with(entry, Storage::from_env(), shutdown_signal()));
        // An executor that ignores cancellation (blocking code) must not keep the process alive.
        runtime.shutdown_timeout(std::time::Duration::from_millis(200));
        println!(
            "task {} ({}) ran in {}",
            args.task,
            instance.task_type(),
            dir.display()
        );
    }
    // What the run left is read back from the folder, as Flyte reads it from the prefix.
    if let Ok(bytes) = std::fs::read(dir.join("outputs.pb")) {
        let outputs = LiteralMap::decode(bytes.as_slice())
            .map_err(|e| format!("{}: {e}", path("outputs.pb")))?;
        print_outputs(&outputs);
        return Ok(ExitCode::SUCCESS);
    }
    match std::fs::read(dir.join("error.pb")) {
        Ok(bytes) => {
            let doc = ErrorDocument::decode(bytes.as_slice())
                .map_err(|e| format!("{}: {e}", path("error.pb")))?;
            if let Some(e) = doc.error {
                println!("  failed: {}: {}", e.code, e.message);
            }
            Ok(ExitCode::FAILURE)
        }
        Err(_) => Err(format!(
            "the run left neither outputs.pb nor error.pb in {}",
            dir.display()
        )),
    }
}

/// Prints each output: a value as JSON, a table (feature `dataframe`) as its rows.
fn print_outputs(outputs: &LiteralMap) {
    for (name, lit) in &outputs.literals {
        println!("  {name} = {}", literal_to_json(lit));
        #[cfg(feature = "dataframe")]
        if let Some(table) = table_of(lit) {
            println!("{table}");
        }
    }
}

#[cfg(feature = "dataframe")]
fn table_of(lit: &Literal) -> Option<String> {
    use crate::types::{FlyteType, StructuredDataset};
    let sd = StructuredDataset::from_literal(lit).ok()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    Some(
        match runtime.block_on(crate::dataframe::read_parquet(&Storage::from_env(), &sd)) {
            Ok(batches) => crate::dataframe::pretty(&batches),
            Err(e) => format!("  (cannot read the table: {e})"),
        },
    )
}
