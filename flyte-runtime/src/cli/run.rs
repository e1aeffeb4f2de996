//! `run TASK --input NAME=VALUE …` (or `run --template FILE`, a task from a template file):
//! runs a task locally through exactly the container's path. Its files are written where the
//! pod propeller would make of its template names them; then that pod's primary container's
//! `execute` runs as a process of this binary, with the pod's env over the caller's (or,
//! with `--container`, the pod runs in its image), and the results are read back as
//! propeller reads them. The files stay in a directory it names.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use prost::Message;

use super::inputs::inputs_from_args;
use super::outputs::print_outputs;
use super::run_args::{execution_name, RunArgs};
use super::run_folder::tidy_run_folder;
use crate::contract::env::{self, PodEnv};
use crate::contract::{EntrypointArgs, LoaderArgs, OutputPrefix, INPUTS_PB, TEMPLATE_PB};
use crate::execute::Runner;
use crate::pod::{
    build_pod, clear_results, primary_container, read_results, ContainerExit, DockerOptions,
    Placeholders, PodRun, TaskResult,
};
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::storage::{join, Storage};
use crate::task::registry;
use crate::task::SerializationSettings;
use crate::task::{AnyTaskInstance, MapTask, TaskKind, ECHO_TASK_TYPE};

fn run_dir(args: &RunArgs, task: &str) -> PathBuf {
    args.dir.clone().unwrap_or_else(|| {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        std::env::temp_dir()
            .join("flyte-rs-runs")
            .join(format!("{task}-{stamp}"))
    })
}

pub(crate) fn run(args: RunArgs, env: &PodEnv) -> ExitCode {
    match try_run(&args, env) {
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
            template: under(TEMPLATE_PB),
            inputs: under(INPUTS_PB),
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

fn map_dir(args: &RunArgs, task: &str) -> Result<std::path::PathBuf, String> {
    if args.inputs_pb.is_some() {
        return Err(format!(
            "`{task}` runs as a map, which takes its lists with --input or --inputs-json, \
             not --inputs-pb"
        ));
    }
    let dir = run_dir(args, task);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::path::absolute(&dir).map_err(|e| e.to_string())
}

fn try_run(args: &RunArgs, env: &PodEnv) -> Result<ExitCode, String> {
    let task = match (&args.task, &args.template) {
        (Some(task), _) => task,
        (None, Some(path)) => return run_template_file(args, path, env),
        (None, None) => return Err("name a registered task, or give --template".to_string()),
    };
    if let Some(map) = registered_map(task)? {
        if args.map || !args.bound.is_empty() || args.concurrency.is_some() {
            return Err(format!(
                "`{task}` is a registered map: it runs with its own bound inputs, concurrency \
                 and success criterion; run it without --map, --bound and --concurrency"
            ));
        }
        return super::run_map::run_map(args, task, &map, &map_dir(args, task)?, env);
    }
    let registered = registry::instance(task).map_err(|e| e.to_string())?;
    let instance = registered.instance;
    let echo = match instance.kind() {
        TaskKind::Container { .. } => false,
        TaskKind::Echo => true,
        TaskKind::Reference => {
            return Err(format!(
                "task `{task}` cannot run locally: {}",
                instance
                    .template(&SerializationSettings::default())
                    .err()
                    .map_or_else(|| "it is a reference".to_string(), |e| e.to_string())
            ))
        }
    };
    if args.in_process && !args.map {
        return Err(format!(
            "--in-process runs the elements of a map in this process; `{task}` is a task: add \
             --map to map it, or run it without --in-process"
        ));
    }
    if args.map {
        if echo {
            return Err(format!(
                "task `{task}` is an echo task: there is nothing to map"
            ));
        }
        let dir = map_dir(args, task)?;
        return super::run_map::run_map(args, task, &map_from_flags(args, instance), &dir, env);
    }
    let template = instance
        .template(&SerializationSettings::default())
        .map_err(|e| e.to_string())?;
    let template_pb = crate::proto::encode_task_template(&template);
    let inputs = given_inputs(args, task, &template)?;
    run_once(args, env, task, &template, template_pb, inputs, echo)
}

/// The inputs of one run of `task`: `--inputs-pb` as it is (its bytes kept, so nothing a
/// newer flytekit wrote is lost on the way), else `--input`/`--inputs-json` read against the
/// template's interface.
fn given_inputs(
    args: &RunArgs,
    task: &str,
    template: &TaskTemplate,
) -> Result<(LiteralMap, Vec<u8>), String> {
    if let Some(path) = &args.inputs_pb {
        return read_message("--inputs-pb", path, "LiteralMap");
    }
    let vars = template
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let map = inputs_from_args(task, &args.inputs, &vars)?;
    let bytes = map.encode_to_vec();
    Ok((map, bytes))
}

/// The message (a `what`) in the file `path` that the flag `flag` names, and its bytes.
fn read_message<M: Message + Default>(
    flag: &str,
    path: &Path,
    what: &str,
) -> Result<(M, Vec<u8>), String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{flag} {}: cannot read it: {e}", path.display()))?;
    let message = M::decode(bytes.as_slice())
        .map_err(|e| format!("{flag} {}: not a {what} (protobuf): {e}", path.display()))?;
    Ok((message, bytes))
}

/// `run --template FILE`: the task a template file describes, named by its id.
fn run_template_file(args: &RunArgs, path: &Path, env: &PodEnv) -> Result<ExitCode, String> {
    let (template, bytes): (TaskTemplate, _) = read_message("--template", path, "TaskTemplate")?;
    let task = template
        .id
        .as_ref()
        .map(|id| id.name.clone())
        .filter(|name| !name.is_empty())
        .or_else(|| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "template".to_string());
    if args.check {
        return check_template(args, env, &task, &template);
    }
    let echo = template.target.is_none() && template.r#type == ECHO_TASK_TYPE;
    if template.target.is_none() && !echo {
        return Err(format!(
            "--template {}: task `{task}` ({}) has neither a container nor a pod to run",
            path.display(),
            template.r#type
        ));
    }
    let inputs = given_inputs(args, &task, &template)?;
    // The file's own bytes go to the run folder: a template flytekit wrote may hold fields
    // this crate's IDL subset does not, and the task reads it as propeller hands it over.
    run_once(args, env, &task, &template, bytes, inputs, echo)
}

/// `run --template FILE --check`: what a run of the file checks before its executor starts,
/// without running it: the pod propeller would make of it, the `execute` its primary
/// container starts, and its configuration read as its task type's and passed through the
/// task type's `validate_with` (what `execute` does first). For a template made in Python,
/// when its task object is made.
fn check_template(
    args: &RunArgs,
    env: &PodEnv,
    task: &str,
    template: &TaskTemplate,
) -> Result<ExitCode, String> {
    let platform = args.platform.platform(env)?;
    let layout = RunLayout::new("/check", args.attempt);
    let run = layout.pod_run(execution_name(task), args.attempt, &LiteralMap::default());
    let pod = build_pod(template, &run, &platform)
        .map_err(|e| format!("propeller would not start the pod: {e}"))?;
    let container = primary_container(&pod, template)
        .ok_or_else(|| format!("task `{task}`'s pod has no primary container to run"))?;
    let entry = entrypoint_of(container, task)?;
    let mut loader = LoaderArgs::parse(&entry.resolver, &entry.loader_args)
        .map_err(|e| format!("task `{task}`: {e}"))?;
    while let LoaderArgs::Map { inner, .. } = loader {
        loader = *inner;
    }
    // Other resolvers rebuild a task registered in this binary, whose template was checked
    // when it was built.
    if let LoaderArgs::Template { executor, .. } = loader {
        let entry = registry::executor(&executor).map_err(|e| format!("task `{task}`: {e}"))?;
        (entry.make)()
            .check_config(template)
            .map_err(|e| format!("task `{task}`: {e}"))?;
    }
    println!(
        "task {task} ({}): its pod starts this binary's execute, and its configuration passes \
         the task type's check",
        template.r#type
    );
    Ok(ExitCode::SUCCESS)
}

/// One run of `template` (encoded as `template_pb`) with `inputs` (and their bytes): its
/// files written where the pod's placeholders name them, then its pod in a container, or
/// its primary container's `execute` as a process of this binary, then the results read back
/// as propeller reads them.
#[allow(clippy::too_many_arguments)] // the run's parts, each from its own place
fn run_once(
    args: &RunArgs,
    env: &PodEnv,
    task: &str,
    template: &TaskTemplate,
    template_pb: Vec<u8>,
    (inputs, inputs_pb): (LiteralMap, Vec<u8>),
    echo: bool,
) -> Result<ExitCode, String> {
    let platform = args.platform.platform(env)?;
    let dir = run_dir(args, task);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let dir = std::path::absolute(&dir).map_err(|e| e.to_string())?;
    let base = args
        .storage
        .clone()
        .unwrap_or_else(|| dir.display().to_string());
    let layout = RunLayout::new(&base, args.attempt);
    let storage = Storage::from_pod_env(env);
    let runtime = Runner::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let kind = &template.r#type;
    runtime.block_on(async {
        for (uri, bytes) in [(&layout.template, template_pb), (&layout.inputs, inputs_pb)] {
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

    if echo {
        // An echo task: propeller copies the inputs to the outputs, and so do we.
        runtime
            .block_on(storage.write(
                &OutputPrefix::new(&layout.output_prefix).outputs(),
                inputs.encode_to_vec(),
            ))
            .map_err(|e| format!("cannot write the outputs: {e}"))?;
        println!("task {task} (echo: outputs are the inputs) ran in {base}");
        print_outputs(&runtime, &storage, &inputs);
        tidy_run_folder(args, &dir, Ok(&inputs));
        return Ok(ExitCode::SUCCESS);
    }
    let run = layout.pod_run(execution_name(task), args.attempt, &inputs);
    let pod = build_pod(template, &run, &platform)
        .map_err(|e| format!("propeller would not start the pod: {e}"))?;
    let container = primary_container(&pod, template)
        .ok_or_else(|| format!("task `{task}`'s pod has no primary container to run"))?;
    let (exit, logs) = if let Some(image) = &args.container {
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
            env: env.clone(),
        };
        let ran = super::container::run_pod(&pod, &container.name, image, &options);
        if let Some(opened) = opened {
            opened.give_back(image, &binary_of(container));
        }
        let ran = ran?;
        println!(
            "task {task} ({kind}) ran in container {image} in {:.0} ms, in {base}",
            ran.took.as_secs_f64() * 1e3,
        );
        (ran.exit, ran.logs_tail)
    } else {
        // What the pod's primary container would run, with propeller's placeholders filled:
        // this binary's `execute`, started as a process of its own as the container is, with
        // the pod's env (propeller's, offloading settings included, and the template's) over
        // the caller's. A process of its own is how the executor sees the pod's variables in
        // its environment without this process writing its own; a variable from a
        // Kubernetes secret is read from the caller's as a local secret.
        let entry = entrypoint_of(container, task)?;
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find this binary to start the task's execute: {e}"))?;
        let status = std::process::Command::new(&exe)
            .arg("execute")
            .args(entry.to_argv())
            .envs(
                container
                    .env
                    .iter()
                    .filter_map(|var| Some((var.name.as_str(), var.value.as_deref()?))),
            )
            .env(env::LOCAL_RUN.name, "true")
            .status()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        println!("task {task} ({kind}) ran in {base}");
        (
            ContainerExit {
                name: container.name.clone(),
                // Killed by a signal: no code, as a container that did not exit by itself.
                code: status.code().unwrap_or(-1),
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
            template,
            exit,
            platform.max_download_bytes,
            &logs,
        ))
        .map_err(|e| format!("cannot read the run's results: {e}"));
    let result = result?;
    let code = match result {
        TaskResult::Succeeded(outputs) => {
            print_outputs(&runtime, &storage, &outputs);
            tidy_run_folder(args, &dir, Ok(&outputs));
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
            tidy_run_folder(args, &dir, Err("the run failed"));
            ExitCode::FAILURE
        }
    };
    runtime.finish();
    Ok(code)
}

/// The `execute` a pod's container starts, read from its rendered command line as the binary
/// in the image would read it; an error if it starts anything else.
fn entrypoint_of(container: &crate::pod::Container, task: &str) -> Result<EntrypointArgs, String> {
    let argv: Vec<String> = container
        .command
        .iter()
        .chain(&container.args)
        .cloned()
        .collect();
    super::execute_argv(&argv).map_err(|e| {
        format!(
            "task `{task}`'s container does not run a flyte-rs `execute` this binary can run \
             in-process ({e}); its command line: {argv:?}; run it in its image with \
             --container IMAGE"
        )
    })
}

/// The program a container starts (the task-type binary, found on the image's `PATH`): its
/// command, else its first argument.
fn binary_of(container: &crate::pod::Container) -> String {
    container
        .command
        .first()
        .or(container.args.first())
        .cloned()
        .unwrap_or_default()
}
