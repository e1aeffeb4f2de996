//! Link-time registries (inventory) of what a binary holds: executors by path, task types,
//! and task instances. Lookups report unknown and duplicate names with what is registered.
//! A plugin crate is only linked (and so registered) if the binary refers to it:
//! `use my_plugin as _;`.

use super::any_instance::AnyTaskInstance;
use super::container_task::{ContainerTask, RegisteredExecutor, ShimTaskExecutor};
use super::erased::ErasedExecutor;
use super::map_task::MapTask;

/// An executor registered by `#[shim_executor]`.
pub struct ExecutorEntry {
    /// Its stable path (`crate::module::Type`), as in the template's loader args.
    pub path: &'static str,
    /// The task type it runs.
    pub task_type: &'static str,
    /// Makes one (`Default`).
    pub make: fn() -> Box<dyn ErasedExecutor>,
    /// Where it was registered.
    pub file: &'static str,
    /// The line.
    pub line: u32,
}
inventory::collect!(ExecutorEntry);

/// A task type registered by `#[container_task]`.
pub struct TaskTypeEntry {
    /// The task type string.
    pub task_type: &'static str,
    /// The configuration struct's Rust path.
    pub rust_type: &'static str,
    /// The configuration struct's type id (what [`TaskPlugins::find`] looks up).
    pub config_type: fn() -> std::any::TypeId,
    /// Its executor's path.
    pub executor_path: &'static str,
    /// Its image (with `{version}` filled in).
    pub image: fn() -> String,
    /// Describes it: interface, configuration fields (for the generated Python module).
    pub describe: fn() -> super::TaskTypeInfo,
}
inventory::collect!(TaskTypeEntry);

/// A task instance registered by [`register_task!`](crate::register_task).
pub struct InstanceEntry {
    /// Builds the instance.
    pub build: fn() -> Box<dyn AnyTaskInstance>,
    /// Where it was registered.
    pub file: &'static str,
    /// The line.
    pub line: u32,
}
inventory::collect!(InstanceEntry);

/// A map registered by [`register_map!`](crate::register_map).
pub struct MapEntry {
    /// Builds the map.
    pub build: fn() -> MapTask,
    /// Where it was registered.
    pub file: &'static str,
    /// The line.
    pub line: u32,
}
inventory::collect!(MapEntry);

/// A lookup that failed, with what this binary has.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// No executor has this path.
    #[error("no executor `{path}` is registered in this binary; registered: {}", list(.registered))]
    UnknownExecutor {
        /// The path asked for.
        path: String,
        /// The paths there are.
        registered: Vec<String>,
    },
    /// Two executors share a path.
    #[error("executor `{path}` is registered twice: at {first} and at {second}")]
    DuplicateExecutor {
        /// The path.
        path: String,
        /// `file:line` of one.
        first: String,
        /// `file:line` of the other.
        second: String,
    },
    /// No task instance has this name.
    #[error("no task `{name}` is registered in this binary; registered: {}", list(.registered))]
    UnknownTask {
        /// The name asked for.
        name: String,
        /// The names there are.
        registered: Vec<String>,
    },
    /// Two maps share a name.
    #[error("map `{name}` is registered twice: at {first} and at {second}")]
    DuplicateMap {
        /// The name.
        name: String,
        /// `file:line` of one.
        first: String,
        /// `file:line` of the other.
        second: String,
    },
    /// Two task instances share a name.
    #[error("task `{name}` is registered twice: at {first} and at {second}")]
    DuplicateTask {
        /// The name.
        name: String,
        /// `file:line` of one.
        first: String,
        /// `file:line` of the other.
        second: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Every registered executor, checked for duplicate paths.
pub fn executors() -> Result<Vec<&'static ExecutorEntry>, RegistryError> {
    let mut all: Vec<&'static ExecutorEntry> =
        inventory::iter::<ExecutorEntry>.into_iter().collect();
    all.sort_by_key(|e| e.path);
    for pair in all.windows(2) {
        if pair[0].path == pair[1].path {
            return Err(RegistryError::DuplicateExecutor {
                path: pair[0].path.to_string(),
                first: format!("{}:{}", pair[0].file, pair[0].line),
                second: format!("{}:{}", pair[1].file, pair[1].line),
            });
        }
    }
    Ok(all)
}

/// The executor registered under `path`.
pub fn executor(path: &str) -> Result<&'static ExecutorEntry, RegistryError> {
    let all = executors()?;
    all.iter()
        .find(|e| e.path == path)
        .copied()
        .ok_or_else(|| RegistryError::UnknownExecutor {
            path: path.to_string(),
            registered: all.iter().map(|e| e.path.to_string()).collect(),
        })
}

/// Every registered task type, by task type string.
pub fn task_types() -> Vec<&'static TaskTypeEntry> {
    let mut all: Vec<_> = inventory::iter::<TaskTypeEntry>.into_iter().collect();
    all.sort_by_key(|t| t.task_type);
    all
}

/// flytekit's `TaskPlugins`: which task type handles a configuration type. Every
/// `#[container_task]` struct registers itself, so a plugin crate is found by linking it.
///
/// ```
/// use flyte_runtime::task::registry::TaskPlugins;
/// # use flyte_runtime::prelude::*;
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "doc-plugin", image = "img", executor = Exec)]
/// # pub struct MyConfig { pub setting: String }
/// # #[derive(Default)] pub struct Exec;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for Exec {
/// #     type Task = MyConfig;
/// #     fn execute_from_model(&self, _: &ExecutionContext, _: MyConfig, i: Literals) -> Result<Literals, TaskError> { Ok(i) }
/// # }
/// let plugin = TaskPlugins::find::<MyConfig>().unwrap();
/// assert_eq!(plugin.task_type, "doc-plugin");
/// assert!(TaskPlugins::find::<String>().is_none());
/// assert_eq!(TaskPlugins::for_task_type("doc-plugin").unwrap().rust_type, plugin.rust_type);
/// ```
pub struct TaskPlugins;

impl TaskPlugins {
    /// The task type whose configuration is `C`.
    pub fn find<C: 'static>() -> Option<&'static TaskTypeEntry> {
        let id = std::any::TypeId::of::<C>();
        inventory::iter::<TaskTypeEntry>
            .into_iter()
            .find(|e| (e.config_type)() == id)
    }

    /// The task type registered under `task_type`.
    pub fn for_task_type(task_type: &str) -> Option<&'static TaskTypeEntry> {
        inventory::iter::<TaskTypeEntry>
            .into_iter()
            .find(|e| e.task_type == task_type)
    }
}

/// A built task instance with where it was registered.
pub struct RegisteredInstance {
    /// The instance.
    pub instance: Box<dyn AnyTaskInstance>,
    /// `file:line` of its registration.
    pub registered_at: String,
}

/// Sorts `all` by `name` and finds the first name registered twice: the name and both
/// places (`file:line`).
fn sorted_and_unique<T>(
    all: &mut [T],
    name: impl Fn(&T) -> String,
    at: impl Fn(&T) -> &str,
) -> Option<(String, String, String)> {
    all.sort_by_cached_key(|t| name(t));
    all.windows(2)
        .find(|pair| name(&pair[0]) == name(&pair[1]))
        .map(|pair| {
            (
                name(&pair[0]),
                at(&pair[0]).to_string(),
                at(&pair[1]).to_string(),
            )
        })
}

/// Every registered task instance, built, sorted by name, checked for duplicate names.
pub fn instances() -> Result<Vec<RegisteredInstance>, RegistryError> {
    let mut all: Vec<RegisteredInstance> = inventory::iter::<InstanceEntry>
        .into_iter()
        .map(|e| RegisteredInstance {
            instance: (e.build)(),
            registered_at: format!("{}:{}", e.file, e.line),
        })
        .collect();
    let twice = sorted_and_unique(
        &mut all,
        |i| i.instance.name().to_string(),
        |i| &i.registered_at,
    );
    match twice {
        Some((name, first, second)) => Err(RegistryError::DuplicateTask {
            name,
            first,
            second,
        }),
        None => Ok(all),
    }
}

/// A built map with where it was registered.
pub struct RegisteredMap {
    /// The map.
    pub map: MapTask,
    /// `file:line` of its registration.
    pub registered_at: String,
}

/// Every registered map, built, sorted by name, checked for duplicate names.
pub fn maps() -> Result<Vec<RegisteredMap>, RegistryError> {
    let mut all: Vec<RegisteredMap> = inventory::iter::<MapEntry>
        .into_iter()
        .map(|e| RegisteredMap {
            map: (e.build)(),
            registered_at: format!("{}:{}", e.file, e.line),
        })
        .collect();
    match sorted_and_unique(&mut all, |m| m.map.name(), |m| &m.registered_at) {
        Some((name, first, second)) => Err(RegistryError::DuplicateMap {
            name,
            first,
            second,
        }),
        None => Ok(all),
    }
}

/// The registered task instance named `name`.
pub fn instance(name: &str) -> Result<RegisteredInstance, RegistryError> {
    let all = instances()?;
    let registered: Vec<String> = all.iter().map(|i| i.instance.name().to_string()).collect();
    all.into_iter()
        .find(|i| i.instance.name() == name)
        .ok_or_else(|| RegistryError::UnknownTask {
            name: name.to_string(),
            registered,
        })
}

/// The registered path of task type `T`'s executor (what `#[container_task]` registers; one
/// generic function, so that an executor that is not registered is reported once, at
/// [`ContainerTask::Executor`]).
#[doc(hidden)]
pub const fn executor_path<T: ContainerTask>() -> &'static str {
    <T::Executor as RegisteredExecutor>::PATH
}

/// Makes an executor of type `E` (what `#[shim_executor]` registers).
#[doc(hidden)]
pub fn make_executor<E: ShimTaskExecutor>() -> Box<dyn ErasedExecutor> {
    Box::new(E::default())
}

/// Registers a task instance: `register_task!(my_task)` where `fn my_task()` returns a
/// [`TaskInstance`](crate::task::TaskInstance), an [`EchoTask`](crate::task::EchoTask) or a
/// [`ReferenceTask`](crate::task::ReferenceTask) (anything [`AnyTaskInstance`]).
///
/// A duplicate name is reported, with both places, by [`instances`](crate::task::registry::instances).
#[macro_export]
macro_rules! register_task {
    ($build:path) => {
        $crate::__private::inventory::submit! {
            $crate::task::registry::InstanceEntry {
                build: {
                    fn __flyte_build() -> ::std::boxed::Box<dyn $crate::task::AnyTaskInstance> {
                        ::std::boxed::Box::new($build())
                    }
                    __flyte_build
                },
                file: ::std::file!(),
                line: ::std::line!(),
            }
        }
    };
}

/// Registers a map: `register_map!(my_map)` where `fn my_map()` returns a
/// [`MapTask`](crate::task::MapTask). `package` then writes its task template, its workflow
/// and its launch plan, `list` shows it and `run NAME` runs it.
///
/// A duplicate name is reported, with both places, by [`maps`](crate::task::registry::maps).
///
/// ```
/// use flyte_runtime::prelude::*;
/// use flyte_runtime::task::registry;
/// # #[derive(TaskIo)] pub struct In { pub a: i64 }
/// # #[derive(TaskIo)] pub struct Out { pub doubled: i64 }
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "doc-map", image = "img:1", executor = Exec, inputs = In, outputs = Out)]
/// # pub struct Twice {}
/// # #[derive(Default)] pub struct Exec;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for Exec {
/// #     type Task = Twice;
/// #     fn execute_from_model(&self, _: &ExecutionContext, _: Twice, i: In) -> Result<Out, TaskError> {
/// #         Ok(Out { doubled: 2 * i.a })
/// #     }
/// # }
/// fn twice_each() -> MapTask {
///     TaskInstance::new("docs.twice", Twice {}).map().concurrency(4)
/// }
/// register_map!(twice_each);
///
/// let maps = registry::maps().unwrap();
/// assert!(maps.iter().any(|m| m.map.name() == "docs.map_twice"));
/// ```
#[macro_export]
macro_rules! register_map {
    ($build:path) => {
        $crate::__private::inventory::submit! {
            $crate::task::registry::MapEntry {
                build: $build,
                file: ::std::file!(),
                line: ::std::line!(),
            }
        }
    };
}
