//! The template of a map over a task (a Flyte ArrayNode's sub-task), made from the mapped
//! task's own template as flytekit's `ArrayNodeMapTask` makes it: the same type, custom,
//! image and resources; `task_type_version` 1; each input not bound a list of its type, each
//! output a list; and the container's args run the map resolver around the task's own.

use std::collections::BTreeSet;

use crate::contract::{LoaderArgs, LoaderArgsError, Resolver, RESOLVER_FLAG};
use crate::proto::core::{task_template::Target, TaskTemplate, Variable, VariableMap};
use crate::types::literal_type::collection_of;

/// Why a task's template cannot be mapped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MapTemplateError {
    /// A bound input is not an input of the task.
    #[error("task `{task}` has no input `{input}` to bind (inputs: {known})")]
    UnknownBound {
        /// The mapped task.
        task: String,
        /// The name given.
        input: String,
        /// The task's inputs.
        known: String,
    },
    /// The task does not run in a plain container (a pod template, SQL, none).
    #[error("task `{0}` has no container to map: only tasks whose target is a container can be mapped here")]
    NoContainer(String),
    /// The container's args do not run flyte-rs's entrypoint with a resolver.
    #[error(
        "task `{task}`: its container args are not `… {RESOLVER_FLAG} NAME -- LOADER ARGS`: {why}"
    )]
    NotAnEntrypoint {
        /// The mapped task.
        task: String,
        /// What is wrong with them.
        why: String,
    },
    /// A map's success ratio is not a share.
    #[error("map `{map}`: min_success_ratio is {ratio}; it must be a share from 0 to 1")]
    Ratio {
        /// The map.
        map: String,
        /// The ratio given.
        ratio: f32,
    },
    /// The mapped task does not make a template.
    #[error(transparent)]
    Definition(#[from] super::DefinitionError),
    /// The task's loader args do not parse.
    #[error("task `{task}`: {source}")]
    LoaderArgs {
        /// The mapped task.
        task: String,
        /// The parser's error.
        source: LoaderArgsError,
    },
}

/// The template of a map over `template`'s task, with the inputs in `bound` passed whole to
/// every element. Each variable keeps its description (flytekit's map of a Python task
/// describes each by its name: its list interface leaves the docstring behind).
///
/// ```
/// use flyte_runtime::prelude::*;
/// use flyte_runtime::task::{map_template, SerializationSettings};
/// # #[derive(TaskIo)] pub struct In { pub a: i64, pub b: i64 }
/// # #[derive(TaskIo)] pub struct Out { pub sum: i64 }
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "adds", image = "img:1", executor = Adds, inputs = In, outputs = Out)]
/// # pub struct AddsTask {}
/// # #[derive(Default)] pub struct Adds;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for Adds {
/// #     type Task = AddsTask;
/// #     fn execute_from_model(&self, _: &ExecutionContext, _: AddsTask, i: In) -> Result<Out, TaskError> {
/// #         Ok(Out { sum: i.a + i.b })
/// #     }
/// # }
/// let task = TaskInstance::new("docs.adds", AddsTask {});
/// let template = task.template(&SerializationSettings::default()).unwrap();
/// let map = map_template(&template, &["b"]).unwrap();
/// let args = match &map.target {
///     Some(flyte_runtime::proto::core::task_template::Target::Container(c)) => c.args.clone(),
///     _ => unreachable!(),
/// };
/// let tail = args.iter().skip_while(|a| *a != "--").skip(1).collect::<Vec<_>>();
/// assert_eq!(tail[..4], ["vars", "b", "resolver", "flyte_rs.task_template_resolver"]);
/// assert_eq!(map.task_type_version, 1);
/// ```
pub fn map_template(
    template: &TaskTemplate,
    bound: &[&str],
) -> Result<TaskTemplate, MapTemplateError> {
    let task = super::task_name(template).to_string();
    let interface = template.interface.clone().unwrap_or_default();
    let inputs = interface.inputs.clone().unwrap_or_default();
    let bound: BTreeSet<String> = bound.iter().map(|b| b.to_string()).collect();
    if let Some(unknown) = bound.iter().find(|b| !inputs.variables.contains_key(*b)) {
        return Err(MapTemplateError::UnknownBound {
            task,
            input: unknown.clone(),
            known: inputs
                .variables
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let listed = |vars: &VariableMap, keep: &dyn Fn(&str) -> bool| VariableMap {
        variables: vars
            .variables
            .iter()
            .map(|(name, var)| {
                let ty = var.r#type.clone().unwrap_or_default();
                let ty = if keep(name) { ty } else { collection_of(ty) };
                (
                    name.clone(),
                    Variable {
                        r#type: Some(ty),
                        description: var.description.clone(),
                    },
                )
            })
            .collect(),
    };
    let mut map = template.clone();
    if let Some(id) = map.id.as_mut() {
        // flytekit names a map `<module>.map_<task>_<hash>-arraynode`; here the bound inputs
        // stand where its hash of them does.
        let (module, name) = id.name.rsplit_once('.').unwrap_or(("", &id.name));
        let with = if bound.is_empty() {
            String::new()
        } else {
            format!("_{}", bound.iter().cloned().collect::<Vec<_>>().join("_"))
        };
        let dot = if module.is_empty() { "" } else { "." };
        id.name = format!("{module}{dot}map_{name}{with}-arraynode");
    }
    let mut new_interface = interface.clone();
    new_interface.inputs = Some(listed(&inputs, &|n| bound.contains(n)));
    new_interface.outputs = Some(listed(&interface.outputs.unwrap_or_default(), &|_| false));
    map.interface = Some(new_interface);
    map.task_type_version = 1;
    let Some(Target::Container(container)) = map.target.as_mut() else {
        return Err(MapTemplateError::NoContainer(task));
    };
    let not_entrypoint = |why: &str| MapTemplateError::NotAnEntrypoint {
        task: task.clone(),
        why: why.to_string(),
    };
    let at = container
        .args
        .iter()
        .position(|a| a == RESOLVER_FLAG)
        .ok_or_else(|| not_entrypoint(&format!("no {RESOLVER_FLAG}")))?;
    let dashes = container
        .args
        .iter()
        .skip(at)
        .position(|a| a == "--")
        .map(|p| p + at)
        .ok_or_else(|| not_entrypoint(&format!("no `--` after {RESOLVER_FLAG}")))?;
    let resolver = container
        .args
        .get(at + 1)
        .cloned()
        .ok_or_else(|| not_entrypoint(&format!("{RESOLVER_FLAG} has no value")))?;
    let inner = LoaderArgs::parse(&resolver, &container.args[dashes + 1..]).map_err(|source| {
        MapTemplateError::LoaderArgs {
            task: task.clone(),
            source,
        }
    })?;
    let loader = LoaderArgs::Map {
        bound: bound.into_iter().collect(),
        inner: Box::new(inner),
    };
    container.args[at + 1] = Resolver::Map.name().to_string();
    container.args.truncate(dashes + 1);
    container.args.extend(loader.to_args());
    Ok(map)
}
