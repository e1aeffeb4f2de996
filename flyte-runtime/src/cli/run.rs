//! `run TASK --input NAME=VALUE …`: runs a registered task locally through exactly the
//! container's path (template file → resolver → inputs file → executor → outputs file), and
//! leaves those files in a directory it names.

use std::path::PathBuf;
use std::process::ExitCode;

use prost::Message;

use super::inputs::inputs_from_args;
use super::outputs::print_outputs;
use super::run_args::RunArgs;
use crate::execute::{execute_with, shutdown_signal, Outcome, Runner};
use crate::pod::{
    build_pod, clear_results, read_results, ContainerExit, DockerOptions, Placeholders, PodRun,
    TaskResult,
};
use crate::proto::core::LiteralMap;
use crate::protocol::{EntrypointArgs, Resolver};
use crate::storage::{join, Storage};
use crate::task::registry;
use crate::task::SerializationSettings;
use crate::task::{AnyTaskInstance, MapTask, TaskKind};

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

/// Where one run's files are: under `base` (the run folder, or `--storage`), as the pod's
/// placeholders name them.
struct RunLayout {
    template: String,
    inputs: String,
    output_prefix: String,
    raw: String,
    checkpoint: String,
    prev_checkpoint: Option<String>,
}

impl RunLayout {
    fn new(base: &str, attempt: u32) -> Self {
        let under = |n: &str| join(base, n);
        Self {
            template: under("template.pb"),
            inputs: under("inputs.pb"),
            output_prefix: base.trim_end_matches('/').to_string(),
            raw: under("raw"),
            checkpoint: under(&format!("checkpoint/{attempt}")),
            prev_checkpoint: attempt
                .checked_sub(1)
                .map(|p| under(&format!("checkpoint/{p}"))),
        }
    }

    /// The pod's view of the run (the placeholders filled with this layout).
    fn pod_run(&self, execution: String, attempt: u32, inputs: &LiteralMap) -> PodRun {
        let mut run = PodRun::under(&self.output_prefix, attempt);
        run.execution = execution;
        run.placeholders = Placeholders {
            input: self.inputs.clone(),
            input_prefix: self.output_prefix.clone(),
            output_prefix: self.output_prefix.clone(),
            raw_output_data_prefix: self.raw.clone(),
            checkpoint_output_prefix: self.checkpoint.clone(),
            prev_checkpoint_prefix: self.prev_checkpoint.clone().unwrap_or_default(),
            task_template_path: self.template.clone(),
            generated_name: run.pod_name(),
            namespace: run.namespace.clone(),
            inputs: inputs.clone(),
        };
        run
    }
}

/// The registered map named `name`, if there is one.
fn registered_map(name: &str) -> Result<Option<MapTask>, String> {
    let maps = registry::maps().map_err(|e| e.to_string())?;
    Ok(maps.into_iter().map(|m| m.map).find(|m| m.name() == name))
}

/// The map `run --map` describes: the task's, with the flags' bound inputs, concurrency and
/// success criterion.
fn map_from_flags(args: &RunArgs, instance: Box<dyn AnyTaskInstance>) -> MapTask {
    let mut map = MapTask::from_boxed(instance);
    for b in &args.bound {
        map = map.bound(b);
    }
    if let Some(n) = args.concurrency {
        map = map.concurrency(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(r) = args.min_success_ratio {
        map = map.min_success_ratio(r);
    }
    if let Some(n) = args.min_successes {
        map = map.min_successes(n);
    }
    map
}

fn map_dir(args: &RunArgs) -> Result<std::path::PathBuf, String> {
    let dir = run_dir(args);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::path::absolute(&dir).map_err(|e| e.to_string())
}

fn try_run(args: &RunArgs) -> Result<ExitCode, String> {
    if let Some(map) = registered_map(&args.task)? {
        if args.map || !args.bound.is_empty() || args.concurrency.is_some() {
            return Err(format!(
                "`{}` is a registered map: it runs with its own bound inputs, concurrency \
                 and success criterion; run it without --map, --bound and --concurrency",
                args.task
            ));
        }
        return super::run_map::run_map(args, &map, &map_dir(args)?);
    }
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
    if args.in_process && !args.map {
        return Err(format!(
            "--in-process runs the elements of a map in this process; `{}` is a task: add \
             --map to map it, or run it without --in-process",
            args.task
        ));
    }
    if args.map {
        if executor_path.is_none() {
            return Err(format!(
                "task `{}` is an echo task: there is nothing to map",
                args.task
            ));
        }
        let dir = map_dir(args)?;
        return super::run_map::run_map(args, &map_from_flags(args, instance), &dir);
    }
    let template = instance
        .template(&SerializationSettings::default())
        .map_err(|e| e.to_string())?;
    let interface = template.interface.clone().unwrap_or_default();
    let inputs = inputs_from_args(
        &args.task,
        &args.inputs,
        &interface.inputs.unwrap_or_default(),
    )?;
    let platform = args.platform.platform()?;

    let dir = run_dir(args);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let dir = std::path::absolute(&dir).map_err(|e| e.to_string())?;
    let base = args
        .storage
        .clone()
        .unwrap_or_else(|| dir.display().to_string());
    let layout = RunLayout::new(&base, args.attempt);
    let storage = Storage::from_env();
    let runtime = Runner::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        for (uri, bytes) in [
            (
                &layout.template,
                crate::proto::encode_task_template(&template),
            ),
            (&layout.inputs, inputs.encode_to_vec()),
        ] {
            storage
                .write(uri, bytes)
                .await
                .map_err(|e| format!("cannot write the run's files: {e}"))?;
        }
        // A reused folder or prefix must not report an earlier run's results.
        clear_results(&storage, &layout.output_prefix)
            .await
            .map_err(|e| format!("cannot clear the results of an earlier run: {e}"))
    })?;

    let Some(executor_path) = executor_path else {
        // An echo task: propeller copies the inputs to the outputs, and so do we.
        runtime
            .block_on(storage.write(
                &join(&layout.output_prefix, "outputs.pb"),
                inputs.encode_to_vec(),
            ))
            .map_err(|e| format!("cannot write the outputs: {e}"))?;
        println!(
            "task {} (echo: outputs are the inputs) ran in {base}",
            args.task
        );
        print_outputs(&runtime, &storage, &inputs);
        return Ok(ExitCode::SUCCESS);
    };
    let (exit, logs) = if let Some(image) = &args.container {
        let run = layout.pod_run(args.execution_name(), args.attempt, &inputs);
        let pod = build_pod(&template, &run, &platform)
            .map_err(|e| format!("propeller would not start the pod: {e}"))?;
        let local = args.storage.is_none();
        let mut mounts = Vec::new();
        let opened = if local {
            mounts.push((dir.clone(), false));
            Some(super::give_back::Opened::open(&dir)?)
        } else {
            None
        };
        mounts.extend(super::container::read_only_mounts(&args.volumes, &inputs)?);
        let options = DockerOptions {
            mounts,
            secrets_dir: dir.join("secrets"),
            harden: args.harden,
            // Unique per run, so that the engine's record read afterwards is this run's.
            name: format!(
                "flyte-rs-{}-{}-{}",
                run.pod_name(),
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0)
            ),
        };
        let ran = super::container::run_pod(&pod, image, &options);
        if let Some(opened) = opened {
            opened.give_back(image, &binary_of(&pod));
        }
        let ran = ran?;
        println!(
            "task {} ({}) ran in container {image} in {:.0} ms, in {base}",
            args.task,
            instance.task_type(),
            ran.took.as_secs_f64() * 1e3,
        );
        (ran.exit, ran.logs_tail)
    } else {
        if let Some(o) = &platform.literal_offloading {
            // In-process, the entrypoint reads propeller's variables from this process.
            std::env::set_var("_F_L_MIN_SIZE_MB", o.min_size_mb.to_string());
            std::env::set_var("_F_L_MAX_SIZE_MB", o.max_size_mb.to_string());
        }
        let entry = EntrypointArgs {
            inputs: layout.inputs.clone(),
            output_prefix: layout.output_prefix.clone(),
            raw_output_data_prefix: Some(layout.raw.clone()),
            checkpoint_path: Some(layout.checkpoint.clone()),
            prev_checkpoint: layout.prev_checkpoint.clone(),
            resolver: Resolver::Template.name().to_string(),
            loader_args: vec![layout.template.clone(), executor_path.to_string()],
            local: true,
        };
        let outcome: Outcome =
            runtime.block_on(execute_with(entry, storage.clone(), shutdown_signal()));
        println!(
            "task {} ({}) ran in {base}",
            args.task,
            instance.task_type()
        );
        let code = match outcome {
            Outcome::Unreported(..) => i32::from(crate::execute::EXIT_UNREPORTED),
            _ => 0,
        };
        (
            ContainerExit {
                name: "in-process".to_string(),
                code,
                oom_killed: false,
            },
            String::new(),
        )
    };
    // What the run left is read back as propeller reads it.
    let result = runtime
        .block_on(read_results(
            &storage,
            &layout.output_prefix,
            &template,
            exit,
            platform.max_download_bytes,
            &logs,
        ))
        .map_err(|e| format!("cannot read the run's results: {e}"));
    let result = result?;
    let code = match result {
        TaskResult::Succeeded(outputs) => {
            print_outputs(&runtime, &storage, &outputs);
            ExitCode::SUCCESS
        }
        TaskResult::Failed(f) => {
            println!(
                "  failed: {}: {} ({:?}, {})",
                f.code,
                f.message,
                f.kind,
                if f.recoverable {
                    "recoverable"
                } else {
                    "not recoverable"
                }
            );
            ExitCode::FAILURE
        }
    };
    runtime.finish();
    Ok(code)
}

/// The program the pod's primary container starts (the task-type binary, found on the
/// image's `PATH`): its command, else its first argument.
fn binary_of(pod: &crate::pod::Pod) -> String {
    let primary = pod
        .metadata
        .annotations
        .get(crate::pod::PRIMARY_CONTAINER_KEY)
        .cloned();
    pod.spec
        .containers
        .iter()
        .find(|c| primary.as_ref().is_none_or(|p| *p == c.name))
        .and_then(|c| c.command.first().or(c.args.first()).cloned())
        .unwrap_or_default()
}
