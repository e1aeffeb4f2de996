//! Every resolver, round trip: the template a task instance writes (its container args,
//! loader args included) is rendered as propeller renders it, parsed by `execute`'s own
//! command line, and resolved back to the same task and executor. Nothing here writes loader
//! args by hand.

use clap::Parser;
use flyte_runtime::__private::execute::{resolve, serialize_task};
use flyte_runtime::__private::pod::Placeholders;
use flyte_runtime::cli::{Cli, Command};
use flyte_runtime::contract::{EntrypointArgs, LoaderArgs, Resolver};
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::{task_template, TaskTemplate};
use flyte_runtime::storage::Storage;
use flyte_runtime::task::{map_template, task_name, SerializationSettings};
use prost::Message;

/// Found through the template propeller wrote (the default resolver of flyte-rs).
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "by-template", image = "example.com/img:1", executor = ByTemplate)]
pub struct TemplateTask {
    /// A setting.
    pub n: i64,
}

/// Found by its registered name.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "by-name", image = "example.com/img:1", executor = ByName,
                 resolver = "flyte_rs.default_task_resolver")]
pub struct NameTask {
    /// A setting.
    pub n: i64,
}

/// Found by its index among the registered instances.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "by-index", image = "example.com/img:1", executor = ByIndex,
                 resolver = "flyte_rs.class_storage_resolver")]
pub struct IndexTask {
    /// A setting.
    pub n: i64,
}

macro_rules! executor {
    ($name:ident, $task:ty) => {
        /// Returns its inputs.
        #[derive(Default)]
        pub struct $name;

        #[shim_executor]
        impl ShimTaskExecutor for $name {
            type Task = $task;
            fn execute_from_model(
                &self,
                _: &ExecutionContext,
                _: $task,
                i: Literals,
            ) -> Result<Literals, TaskError> {
                Ok(i)
            }
        }
    };
}
executor!(ByTemplate, TemplateTask);
executor!(ByName, NameTask);
executor!(ByIndex, IndexTask);

fn by_template() -> TaskInstance<TemplateTask> {
    TaskInstance::new("roundtrip.by_template", TemplateTask { n: 1 })
}
fn by_name() -> TaskInstance<NameTask> {
    TaskInstance::new("roundtrip.by_name", NameTask { n: 2 })
}
fn by_index() -> TaskInstance<IndexTask> {
    TaskInstance::new("roundtrip.by_index", IndexTask { n: 3 })
}
register_task!(by_template);
register_task!(by_name);
register_task!(by_index);

/// The template's args rendered, parsed by `execute`, resolved; returns the resolver named
/// in the args, the task's name and the executor's path.
fn round_trip(template: TaskTemplate) -> (String, String, &'static str) {
    let storage = Storage::default();
    let task_pb = "memory://roundtrip/task.pb";
    let placeholders = Placeholders {
        input: "memory://roundtrip/inputs.pb".into(),
        output_prefix: "memory://roundtrip/0".into(),
        task_template_path: task_pb.into(),
        ..Placeholders::default()
    };
    let Some(task_template::Target::Container(c)) = &template.target else {
        panic!("a container template")
    };
    let argv = placeholders
        .render(&c.args)
        .expect("propeller renders the args");
    let args: EntrypointArgs = match Cli::try_parse_from(argv).map(|c| c.command) {
        Ok(Command::Execute(a)) => a.into(),
        other => panic!("the template's args are not an execute command line: {other:?}"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let resolved = runtime.block_on(async {
        storage
            .write(task_pb, template.encode_to_vec())
            .await
            .unwrap();
        resolve(&args.resolver, &args.loader_args, &storage).await
    });
    let resolved = resolved.unwrap_or_else(|e| panic!("{}: {e}", args.resolver));
    assert_eq!(
        resolved.map.is_some(),
        args.resolver == Resolver::Map.name(),
        "a map element is marked as one"
    );
    let name = resolved.template.id.clone().unwrap_or_default().name;
    (args.resolver, name, resolved.executor_path)
}

#[test]
fn each_resolver_finds_the_task_its_template_names() {
    let settings = SerializationSettings::default();
    let cases = [
        (
            by_template().template(&settings),
            Resolver::Template.name(),
            "roundtrip.by_template",
            "resolver_roundtrip::ByTemplate",
        ),
        (
            by_name().template(&settings),
            Resolver::Default.name(),
            "roundtrip.by_name",
            "resolver_roundtrip::ByName",
        ),
        (
            by_index().template(&settings),
            Resolver::ClassStorage.name(),
            "roundtrip.by_index",
            "resolver_roundtrip::ByIndex",
        ),
    ];
    for (template, resolver, name, executor) in cases {
        let template = template.expect("a valid template");
        assert_eq!(
            round_trip(template),
            (resolver.to_string(), name.to_string(), executor)
        );
    }
}

/// A map over each of those tasks: the map template (made by `map_template` from the task's
/// own) runs the map resolver around the task's resolver, and resolves to the same executor.
#[test]
fn a_map_of_each_resolvers_task_finds_the_same_executor() {
    let settings = SerializationSettings::default();
    let cases = [
        (
            by_template().template(&settings),
            "roundtrip.map_by_template-arraynode",
            "resolver_roundtrip::ByTemplate",
        ),
        // Found by name (or index) in the registry, whose template keeps the task's name.
        (
            by_name().template(&settings),
            "roundtrip.by_name",
            "resolver_roundtrip::ByName",
        ),
        (
            by_index().template(&settings),
            "roundtrip.by_index",
            "resolver_roundtrip::ByIndex",
        ),
    ];
    for (template, name, executor) in cases {
        let map = map_template(&template.expect("a valid template"), &[]).expect("it maps");
        assert_eq!(
            round_trip(map),
            (Resolver::Map.name().to_string(), name.to_string(), executor)
        );
    }
}

/// A serialized task: `serialize_task` writes the file, the loader args name its URI
/// (spelled by `LoaderArgs`), `execute`'s command line parses them, and `resolve` finds the
/// same task and executor.
#[test]
fn the_serialized_resolver_finds_the_task_serialize_task_wrote() {
    let storage = Storage::default();
    let uri = "memory://roundtrip/serialized.json";
    let bytes =
        serialize_task(&by_template(), &SerializationSettings::default()).expect("serializes");
    let loader = LoaderArgs::Serialized(uri.to_string());
    let flags = EntrypointArgs::placeholders(loader.resolver().name(), loader.to_args());
    let argv = ["flyte-examples".to_string(), "execute".to_string()]
        .into_iter()
        .chain(flags.to_argv());
    let args: EntrypointArgs = match Cli::try_parse_from(argv).map(|c| c.command) {
        Ok(Command::Execute(a)) => a.into(),
        other => panic!("not an execute command line: {other:?}"),
    };
    assert_eq!(args.resolver, Resolver::Serialized.name());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let resolved = runtime
        .block_on(async {
            storage.write(uri, bytes).await.unwrap();
            resolve(&args.resolver, &args.loader_args, &storage).await
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (task_name(&resolved.template), resolved.executor_path),
        ("roundtrip.by_template", "resolver_roundtrip::ByTemplate")
    );
}

/// A serialized task is named by the URI of its file, which no template can know.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "by-file", image = "example.com/img:1", executor = ByFile,
                 resolver = "flyte_rs.serialized_task_resolver")]
pub struct FileTask {}
executor!(ByFile, FileTask);

#[test]
fn a_template_cannot_name_a_serialized_task() {
    let err = TaskInstance::new("roundtrip.by_file", FileTask {})
        .template(&SerializationSettings::default())
        .unwrap_err();
    assert!(err.to_string().contains("serialize_task"), "{err}");
}
