//! The runtime of flyte-rs: Flyte task types whose logic runs in a prebuilt container,
//! written in Rust and wire-compatible with flytekit 1.16.
//!
//! - [`types`]: the type engine (Rust values ⇄ Flyte literals, as flytekit writes them).
//! - [`proto`]: the Flyte IDL wire types (our `flyteidl.core`/`flyteidl.admin` subset).
//! - [`task`]: task types (the trait pair `ContainerTask` and `ShimTaskExecutor`), task
//!   instances and their templates, and the [`registry`](task::registry) of what a binary
//!   holds; [`context`]: what an executor works with while it runs; [`contract`]: the
//!   `execute` flags and the resolvers' loader args, spelt once; [`execute`]: the container
//!   entrypoint and a run in your own process; [`storage`]: object storage; [`cli`]: the
//!   author's binary (`execute`, `run`, `list`, `template`, `package`, `pod`, …); [`deck`]:
//!   the HTML page a run leaves beside its outputs.
//! - Everything else (the pod model, local runs, packages, the Python modules, workflows and
//!   the entrypoint's parts) is the crate's own; the public surface is listed in
//!   `flyte-runtime/public-api.txt` and checked by the test command.
//! - The macros: [`container_task`](macro@container_task), [`shim_executor`](macro@shim_executor),
//!   [`TaskIo`](derive@TaskIo), [`FlyteType`](derive@FlyteType).
//! - `dataframe` (feature `dataframe`): tables as parquet, as pandas reads them.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cli;
pub mod context;
pub mod contract;
#[cfg(feature = "dataframe")]
pub mod dataframe;
pub mod deck;
pub mod execute;
pub(crate) mod local;
pub(crate) mod package;
pub(crate) mod pod;
pub mod prelude;
pub mod proto;
pub(crate) mod python;
pub mod storage;
pub mod task;
pub mod types;
pub(crate) mod workflow;

/// `#[derive(FlyteType)]`: a struct as a Flyte dataclass, or a unit-only enum as a Flyte enum.
///
/// Struct fields must all be [`FlyteType`]s. Attributes:
/// - on an enum: `#[flyte(rename_all = "lowercase" | "UPPERCASE" | "snake_case" | "kebab-case"
///   | "SCREAMING_SNAKE_CASE")]`, and on a variant `#[flyte(value = "red")]`;
/// - on a struct field: `#[flyte(default = <expr>)]` (the field may be absent; the schema
///   carries the default), `#[flyte(rename = "name")]`.
///
/// A struct field's doc comment is the `description` of its property in the schema, as
/// `field(metadata={"description": ...})` is a dataclass field's.
///
/// ```
/// use flyte_runtime::types::FlyteType;
///
/// #[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Point { x: 1.0, y: 2.0 };
/// assert_eq!(Point::from_literal(&p.to_literal()).unwrap(), p);
/// ```
pub use flyte_rs_macros::FlyteType;

/// The conversion trait (same name as the derive, as with serde's `Serialize`).
pub use types::FlyteType;

/// `#[container_task(...)]`: a struct becomes a prebuilt-container task type; its fields are
/// the configuration that travels in `TaskTemplate.custom`.
///
/// | key | required | value |
/// |---|---|---|
/// | `task_type` | yes | the `TaskTemplate.type` string |
/// | `image` | yes | the image; `{version}` is replaced by the declaring crate's version |
/// | `executor` | yes | the executor type (it carries [`#[shim_executor]`](macro@shim_executor) and runs this task type) |
/// | `inputs`, `outputs` | no | [`#[derive(TaskIo)]`](derive@TaskIo) structs that fix the interface; without them each instance declares its own (`.input::<T>(name)`), and the executor gets [`task::Literals`] |
/// | `entrypoint` | no | `args[0]`, the program on the image's `PATH`; default: the declaring crate's package name |
/// | `resolver` | no | the `--resolver` string; default `flyte_rs.task_template_resolver`; also `flyte_rs.default_task_resolver` or `flyte_rs.class_storage_resolver` |
/// | `task_type_version` | no | `TaskTemplate.task_type_version` (an integer) |
/// | `custom_with` | no | a module with `to_custom(&T)` / `from_custom(&Struct)` for a hand-shaped `custom` (flytekit's `get_custom` override) |
/// | `validate_with` | no | `fn(&T, &TypedInterface) -> Result<(), String>`, run on each instance's interface when its template is built |
/// | `enable_deck` | no | `false`: its runs leave no deck ([`deck`]; on by default, as the template's `generates_deck` says; an instance may say otherwise) |
///
/// The struct's fields are also registered as the task type's
/// [`ConfigSchema`](task::config_schema::ConfigSchema) (each field's `custom` key after serde's
/// `rename`/`rename_all`, its type, its `#[serde(default)]` value and its doc comment), from
/// which `python-module` writes the task type's Python configuration class.
///
/// Misuse is a compile error at the offending token (missing or unknown keys with a
/// suggestion, values of the wrong kind, empty strings, enums, generics, an executor for
/// another task type; `flyte-macros/tests/ui/` has a case for each).
///
/// ```
/// use flyte_runtime::prelude::*;
///
/// #[derive(TaskIo)]
/// pub struct In { pub text: String }
/// #[derive(TaskIo)]
/// pub struct Out { pub shouted: String }
///
/// /// Shouts its input; `suffix` is the configuration.
/// #[derive(serde::Serialize, serde::Deserialize)]
/// #[container_task(task_type = "shout", image = "ghcr.io/you/shout:{version}",
///                  executor = ShoutExecutor, inputs = In, outputs = Out)]
/// pub struct Shout { pub suffix: String }
///
/// #[derive(Default)]
/// pub struct ShoutExecutor;
///
/// #[shim_executor]
/// impl ShimTaskExecutor for ShoutExecutor {
///     type Task = Shout;
///     fn execute_from_model(&self, _ctx: &ExecutionContext, task: Shout, i: In) -> Result<Out, TaskError> {
///         Ok(Out { shouted: format!("{}{}", i.text.to_uppercase(), task.suffix) })
///     }
/// }
///
/// let template = TaskInstance::new("demo.shout", Shout { suffix: "!".into() })
///     .template(&Default::default())
///     .unwrap();
/// assert_eq!(template.r#type, "shout");
/// ```
pub use flyte_rs_macros::container_task;

/// `#[shim_executor]` on `impl ShimTaskExecutor for E`: registers `E` as the executor of its
/// `type Task` under its path (`module_path::E`, the template's last loader arg), so that
/// `execute` finds it at run time. `execute_from_model` may be `fn` or `async fn`; it gets the
/// configuration already deserialized and the inputs already typed. See
/// [`container_task`](macro@container_task) for a whole example.
///
/// A plugin crate is linked, and so registered, only if the binary refers to it:
/// `use my_plugin as _;`.
pub use flyte_rs_macros::shim_executor;

/// `#[derive(TaskIo)]`: a struct of [`FlyteType`] fields as a task's inputs or outputs (each
/// field a variable of the interface, named as the field, or `#[flyte(rename = "name")]`).
/// A field's doc comment is its variable's description, as a docstring's is in flytekit; a
/// field without one is described by its name.
///
/// ```
/// use flyte_runtime::prelude::*;
/// use flyte_runtime::task::TaskIo;
///
/// #[derive(TaskIo)]
/// struct Inputs {
///     /// At most this many rows.
///     limit: i64,
///     label: Option<String>,
/// }
///
/// let vars = Inputs::variables().unwrap();
/// assert_eq!(vars.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["limit", "label"]);
/// assert_eq!(Inputs::DESCRIPTIONS, ["At most this many rows.", ""]);
/// ```
pub use flyte_rs_macros::TaskIo;

#[doc(hidden)]
pub mod __private;

/// The README's code, compiled as doc tests (the newcomer's tutorial must build).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
