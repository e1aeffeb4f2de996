//! What a local run runs: a registered map with its own settings, a registered task once or
//! (`--map`) as a map over lists, or the task a template file describes.

use super::error::LocalError;
use std::path::Path;

use prost::Message;

use super::inputs::{read_inputs, Inputs};
use super::map_run::{map_folder, run_map};
use super::report::Ran;
use super::request::{RunRequest, What};
use super::task_run::{check_template, run_once};
use crate::contract::PodEnv;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::task::registry;
use crate::task::{AnyTaskInstance, MapTask, SerializationSettings, TaskKind, ECHO_TASK_TYPE};

/// Runs what `request` asks for, in the caller's environment `env` (read once by the
/// binary's main): the run's files, its pod or process or container, and its results read
/// back. What it did is for the caller to say, and its folder for the caller to tidy.
pub(crate) fn run(request: &RunRequest, env: &PodEnv) -> Result<Ran, LocalError> {
    let task = match &request.what {
        What::Registered(task) => task,
        What::TemplateFile { path, check } => return run_template_file(request, path, *check, env),
    };
    let flags = &request.map;
    if let Some(map) = registered_map(task)? {
        if flags.map || !flags.bound.is_empty() || flags.concurrency.is_some() {
            return Err(LocalError::RegisteredMapWithMapFlags { task: task.clone() });
        }
        let folder = map_folder(request, task)?;
        return run_map(request, task, &map, folder, env);
    }
    let instance = registry::instance(task)?.instance;
    let echo = match instance.kind() {
        TaskKind::Container { .. } => false,
        TaskKind::Echo => true,
        TaskKind::Reference => {
            return Err(LocalError::Reference {
                task: task.clone(),
                reason: instance.template(&SerializationSettings::default()).err(),
            })
        }
    };
    if flags.in_process && !flags.map {
        return Err(LocalError::InProcessTask { task: task.clone() });
    }
    if flags.map {
        if echo {
            return Err(LocalError::MapOfEcho { task: task.clone() });
        }
        let folder = map_folder(request, task)?;
        return run_map(
            request,
            task,
            &map_from_flags(request, instance),
            folder,
            env,
        );
    }
    let template = instance.template(&SerializationSettings::default())?;
    let template_pb = crate::proto::encode_task_template(&template);
    let inputs = given_inputs(&request.inputs, task, &template)?;
    run_once(request, env, task, &template, template_pb, inputs, echo)
}

/// The registered map named `name`, if there is one.
fn registered_map(name: &str) -> Result<Option<MapTask>, LocalError> {
    let maps = registry::maps()?;
    Ok(maps.into_iter().map(|m| m.map).find(|m| m.name() == name))
}

/// The map `--map` describes: the task's, with the flags' bound inputs, concurrency and
/// success criterion.
fn map_from_flags(request: &RunRequest, instance: Box<dyn AnyTaskInstance>) -> MapTask {
    let flags = &request.map;
    let mut map = MapTask::from_boxed(instance);
    for b in &flags.bound {
        map = map.bound(b);
    }
    if let Some(n) = flags.concurrency {
        map = map.concurrency(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(r) = flags.min_success_ratio {
        map = map.min_success_ratio(r);
    }
    if let Some(n) = flags.min_successes {
        map = map.min_successes(n);
    }
    map
}

/// `--template FILE`: the task a template file describes, named by its id.
fn run_template_file(
    request: &RunRequest,
    path: &Path,
    check: bool,
    env: &PodEnv,
) -> Result<Ran, LocalError> {
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
    if check {
        return check_template(request, &task, &template);
    }
    let echo = template.target.is_none() && template.r#type == ECHO_TASK_TYPE;
    if template.target.is_none() && !echo {
        return Err(LocalError::NothingToRun {
            path: path.to_path_buf(),
            task,
            task_type: template.r#type.clone(),
        });
    }
    let inputs = given_inputs(&request.inputs, &task, &template)?;
    // The file's own bytes go to the run folder: a template flytekit wrote may hold fields
    // this crate's IDL subset does not, and the task reads it as propeller hands it over.
    run_once(request, env, &task, &template, bytes, inputs, echo)
}

/// The inputs of one run of `task`: a `LiteralMap` file as it is (its bytes kept, so nothing
/// a newer flytekit wrote is lost on the way), else the text read against the template's
/// interface; with their bytes.
pub(crate) fn given_inputs(
    inputs: &Inputs,
    task: &str,
    template: &TaskTemplate,
) -> Result<(LiteralMap, Vec<u8>), LocalError> {
    let text = match inputs {
        Inputs::Pb(path) => return read_message("--inputs-pb", path, "LiteralMap"),
        Inputs::Text(text) => text,
    };
    let vars = template
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let map = read_inputs(task, text, &vars)?;
    let bytes = map.encode_to_vec();
    Ok((map, bytes))
}

/// The message (a `what`) in the file `path` that the flag `flag` names, and its bytes.
pub(crate) fn read_message<M: Message + Default>(
    flag: &'static str,
    path: &Path,
    what: &'static str,
) -> Result<(M, Vec<u8>), LocalError> {
    let bytes = std::fs::read(path).map_err(|source| LocalError::ReadFile {
        flag,
        path: path.to_path_buf(),
        source,
    })?;
    let message = M::decode(bytes.as_slice()).map_err(|source| LocalError::NotAMessage {
        flag,
        path: path.to_path_buf(),
        what,
        source,
    })?;
    Ok((message, bytes))
}
