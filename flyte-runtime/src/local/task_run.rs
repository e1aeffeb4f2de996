//! One run of a task, through exactly the container's path: its files written where the pod
//! propeller would make of its template names them; then that pod's primary container's
//! `execute` runs as a process of this binary, with the pod's env over the caller's (or the
//! pod runs in its image on the Docker engine), and the results are read back as propeller
//! reads them. Also what `--template FILE --check` checks of a template without running it.

use prost::Message;

use super::container::{read_only_mounts, run_pod};
use super::error::LocalError;
use super::folder::RunFolder;
use super::layout::{execution_name, run_layout};
use super::report::{Place, Ran, TaskRun};
use super::request::{ReadExecute, RunRequest};
use crate::contract::env::{self, PodEnv};
use crate::contract::{EntrypointArgs, LoaderArgs, OutputPrefix};
use crate::execute::Runner;
use crate::pod::{
    build_pod, clear_results, primary_container, read_results, Container, ContainerExit,
    DockerOptions, Platform, Pod, PodRun, TaskResult,
};
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::storage::Storage;
use crate::task::registry;

/// The pod propeller would make of `template` for `run`.
fn pod_of(template: &TaskTemplate, run: &PodRun, platform: &Platform) -> Result<Pod, LocalError> {
    build_pod(template, run, platform).map_err(|e| LocalError::Pod(Box::new(e)))
}

/// The primary container of `pod`, the pod of `task`'s `template`.
fn primary<'p>(
    pod: &'p Pod,
    template: &TaskTemplate,
    task: &str,
) -> Result<&'p Container, LocalError> {
    primary_container(pod, template).ok_or_else(|| LocalError::NoPrimaryContainer {
        task: task.to_string(),
    })
}

/// `--template FILE --check`: what a run of the file checks before its executor starts,
/// without running it: the pod propeller would make of it, the `execute` its primary
/// container starts, and its configuration read as its task type's and passed through the
/// task type's `validate_with` (what `execute` does first). For a template made in Python,
/// when its task object is made.
pub(crate) fn check_template(
    request: &RunRequest,
    task: &str,
    template: &TaskTemplate,
) -> Result<Ran, LocalError> {
    let run = PodRun::new(
        run_layout("/check", request.attempt),
        execution_name(task),
        "n0",
        request.attempt,
    );
    let pod = pod_of(template, &run, &request.platform)?;
    let container = primary(&pod, template, task)?;
    let entry = entrypoint_of(container, task, request.read_execute)?;
    let mut loader = LoaderArgs::parse(&entry.resolver, &entry.loader_args).map_err(|source| {
        LocalError::LoaderArgs {
            task: task.to_string(),
            source,
        }
    })?;
    while let LoaderArgs::Map { inner, .. } = loader {
        loader = *inner;
    }
    // Other resolvers rebuild a task registered in this binary, whose template was checked
    // when it was built.
    if let LoaderArgs::Template { executor, .. } = loader {
        let entry = registry::executor(&executor).map_err(|source| LocalError::Executor {
            task: task.to_string(),
            source,
        })?;
        (entry.make)()
            .check_config(template)
            .map_err(|source| LocalError::Config {
                task: task.to_string(),
                source,
            })?;
    }
    Ok(Ran::Checked {
        task: task.to_string(),
        task_type: template.r#type.clone(),
    })
}

/// One run of `template` (encoded as `template_pb`) with `inputs` (and their bytes): its
/// files written where the pod's placeholders name them, then its pod in a container, or
/// its primary container's `execute` as a process of this binary (an echo task's outputs
/// are its inputs), then the results read back as propeller reads them.
pub(crate) fn run_once(
    request: &RunRequest,
    env: &PodEnv,
    task: &str,
    template: &TaskTemplate,
    template_pb: Vec<u8>,
    (inputs, inputs_pb): (LiteralMap, Vec<u8>),
    echo: bool,
) -> Result<Ran, LocalError> {
    let folder = RunFolder::make(&request.folder, task)?;
    let base = request
        .storage
        .clone()
        .unwrap_or_else(|| folder.dir.display().to_string());
    let run = PodRun::new(
        run_layout(&base, request.attempt),
        execution_name(task),
        "n0",
        request.attempt,
    )
    .with_inputs(inputs);
    let layout = &run.layout;
    let storage = Storage::from_pod_env(env);
    let runtime = Runner::new().map_err(LocalError::Runtime)?;
    runtime.block_on(async {
        for (uri, bytes) in [
            (&layout.task_template_path, template_pb),
            (&layout.input, inputs_pb),
        ] {
            storage
                .write(uri, bytes)
                .await
                .map_err(LocalError::storage(LocalError::WriteRunFiles))?;
        }
        // A reused folder or prefix must not report an earlier run's results.
        clear_results(&storage, &layout.output_prefix)
            .await
            .map_err(LocalError::storage(LocalError::ClearResults))
    })?;
    let ran = |place, warnings, result, runtime, storage| TaskRun {
        task: task.to_string(),
        task_type: template.r#type.clone(),
        place,
        base: base.clone(),
        warnings,
        result,
        deck: None,
        runtime,
        storage,
        folder: folder.clone(),
    };

    if echo {
        // An echo task: propeller copies the inputs to the outputs, and so do we.
        runtime
            .block_on(storage.write(
                &OutputPrefix::new(&layout.output_prefix).outputs(),
                run.inputs.encode_to_vec(),
            ))
            .map_err(LocalError::storage(LocalError::WriteOutputs))?;
        let outputs = Ok(TaskResult::Succeeded(run.inputs.clone()));
        return Ok(Ran::Task(ran(
            Place::Echo,
            Vec::new(),
            outputs,
            runtime,
            storage,
        )));
    }
    let pod = pod_of(template, &run, &request.platform)?;
    let container = primary(&pod, template, task)?;
    let mut warnings = Vec::new();
    let (place, exit, logs) = if let Some(choice) = &request.container {
        let local = request.storage.is_none();
        let dir = &folder.dir;
        let mut mounts = Vec::new();
        let opened = if local {
            mounts.push((dir.clone(), false));
            Some(super::open_folder::Opened::open(dir)?)
        } else {
            None
        };
        mounts.extend(read_only_mounts(&choice.volumes, &run.inputs)?);
        let options = DockerOptions {
            mounts,
            secrets_dir: dir.join("secrets"),
            harden: choice.harden,
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
        let ran = run_pod(&pod, &container.name, &choice.image, &options);
        if let Some(opened) = opened {
            warnings = opened.give_back(&choice.image, &binary_of(container));
        }
        let ran = ran?;
        let place = Place::Container {
            image: choice.image.clone(),
            took: ran.took,
        };
        (place, ran.exit, ran.logs_tail)
    } else {
        // What the pod's primary container would run, with propeller's placeholders filled:
        // this binary's `execute`, started as a process of its own as the container is, with
        // the pod's env (propeller's, offloading settings included, and the template's) over
        // the caller's. A process of its own is how the executor sees the pod's variables in
        // its environment without this process writing its own; a variable from a
        // Kubernetes secret is read from the caller's as a local secret.
        let entry = entrypoint_of(container, task, request.read_execute)?;
        let exe = std::env::current_exe().map_err(|source| LocalError::CurrentExe {
            what: "the task's execute",
            source,
        })?;
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
            .map_err(|source| LocalError::Start {
                program: exe.clone(),
                source,
            })?;
        let exit = ContainerExit {
            name: container.name.clone(),
            // Killed by a signal: no code, as a container that did not exit by itself.
            code: status.code().unwrap_or(-1),
            oom_killed: false,
        };
        (Place::Process, exit, String::new())
    };
    // What the run left is read back as propeller reads it.
    let result = runtime
        .block_on(read_results(
            &storage,
            &layout.output_prefix,
            template,
            exit,
            request.platform.max_download_bytes,
            &logs,
        ))
        .map_err(LocalError::storage(LocalError::ReadResults));
    // The deck is the run's own (the folder's results were cleared before it).
    let deck_uri = OutputPrefix::new(&layout.output_prefix).deck();
    let deck = matches!(runtime.block_on(storage.exists(&deck_uri)), Ok(true)).then_some(deck_uri);
    Ok(Ran::Task(TaskRun {
        deck,
        ..ran(place, warnings, result, runtime, storage)
    }))
}

/// The `execute` a pod's container starts, read from its rendered command line as the binary
/// in the image would read it; an error if it starts anything else.
fn entrypoint_of(
    container: &Container,
    task: &str,
    read_execute: ReadExecute,
) -> Result<EntrypointArgs, LocalError> {
    let argv: Vec<String> = container
        .command
        .iter()
        .chain(&container.args)
        .cloned()
        .collect();
    read_execute(&argv).map_err(|reason| LocalError::NotAnExecute {
        task: task.to_string(),
        reason,
        argv,
    })
}

/// The program a container starts (the task-type binary, found on the image's `PATH`): its
/// command, else its first argument.
fn binary_of(container: &Container) -> String {
    container
        .command
        .first()
        .or(container.args.first())
        .cloned()
        .unwrap_or_default()
}
