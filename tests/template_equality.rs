//! Templates built in Rust against flytekit's (`tests/fixtures/templates/`): the Rust twins
//! of `fixture_tasks.py`'s `CustomTask` and flytekit's own `SQLite3Task` must produce the
//! same `TaskTemplate`, field by field. The only differences allowed are listed in
//! [`ALLOWED`] and applied explicitly, so anything else fails the test.

use std::time::Duration;

use flyte_runtime::contract::Resolver;
use flyte_runtime::prelude::*;
use flyte_runtime::proto::admin::LaunchPlan;
use flyte_runtime::proto::core::{
    literal_type, node, task_node, task_template, LiteralType, SchemaType, TaskNode, TaskTemplate,
    WorkflowTemplate,
};
use flyte_runtime::task::SerializationSettings;
use prost::Message;

/// The differences from flytekit we make on purpose (also in docs/reference.md, "Differences
/// from flytekit's templates").
const ALLOWED: &[&str] = &[
    "container.args[0]: our entrypoint binary and its `execute` subcommand instead of `pyflyte-execute`",
    "container.args: `--checkpoint-path`/`--prev-checkpoint` are passed (flytekit passes them for function tasks only)",
    "container.args: the resolver is ours (flyte_rs.task_template_resolver)",
    "container.args[-1]: the executor's registered Rust path instead of a Python class path",
    "metadata.generates_deck: true (each run leaves a deck, unless its task type or instance \
     turns it off, and then false, as flytekit's) where flytekit's container tasks have false \
     (flytekit's `enable_deck` is off by default)",
    "metadata.runtime: flavor `rust` and version `1.16.31+flyte-rs.<our version>` instead of \
     `python` 1.16.31 (propeller reads the leading 1.16.31 to allow offloaded inputs)",
    "examples' sqlite only: container.image is the examples' image (the comparison sets flytekit's)",
    "examples' sqlite only: interface.outputs.results is a StructuredDataset (what flytekit gives a \
     pandas DataFrame, read back as one) instead of SQLite3Task's default, the legacy FlyteSchema \
     that flytekit deprecates",
    "examples' sqlite only: interface.outputs.results is described by the doc comment of its \
     field (as flytekit describes a variable by its docstring) where SQLite3Task, which has no \
     docstring for it, describes it by its name",
];

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Nested {
    pub depth: i64,
    pub values: Vec<serde_json::Value>,
}

/// The Rust twin of fixture_tasks.py's CustomTask.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(task_type = "my-custom-task", image = "ghcr.io/example/flyte-rs-demo:v1", executor = EchoConfigExecutor)]
pub struct CustomTask {
    pub my_custom_setting: String,
    pub nested: Nested,
}

#[derive(Default)]
pub struct EchoConfigExecutor;

#[shim_executor]
impl ShimTaskExecutor for EchoConfigExecutor {
    type Task = CustomTask;
    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: CustomTask,
        _inputs: Literals,
    ) -> Result<Literals, TaskError> {
        Ok(Literals::new().with("output_name", &format!("{task:?}")))
    }
}

/// The Rust twin of flytekit's SQLite3Task configuration.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(task_type = "sqlite", image = "cr.flyte.org/flyteorg/flytekit:py3.11-1.16.31", executor = SqliteExecutor)]
pub struct Sqlite {
    pub uri: String,
    pub compressed: bool,
    pub query_template: String,
}

#[derive(Default)]
pub struct SqliteExecutor;

#[shim_executor]
impl ShimTaskExecutor for SqliteExecutor {
    type Task = Sqlite;
    async fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        _task: Sqlite,
        _inputs: Literals,
    ) -> Result<Literals, TaskError> {
        Err(TaskError::new("not run in this test"))
    }
}

fn settings() -> SerializationSettings {
    SerializationSettings {
        project: "demo".into(),
        domain: "development".into(),
        version: "v1".into(),
        ..Default::default()
    }
}

fn flytekit_template(name: &str) -> TaskTemplate {
    TaskTemplate::decode(flyte_tests::read_fixture(&format!("templates/{name}.pb")).as_slice())
        .expect("fixture decodes")
}

/// Pushes onto `diffs` each named field in which `ours` and `theirs` differ, both shown.
macro_rules! compare_fields {
    ($diffs:ident, $ours:ident, $theirs:ident, $($f:ident),* $(,)?) => {$(
        if $ours.$f != $theirs.$f {
            $diffs.push(format!(
                "{}:\n  ours:     {:?}\n  flytekit: {:?}",
                stringify!($f),
                $ours.$f,
                $theirs.$f
            ));
        }
    )*};
}

/// flytekit's args turned into ours by exactly the differences in ALLOWED.
fn expected_args(theirs: &[String], entrypoint: &str, executor_path: &str) -> Vec<String> {
    let mut out = vec![entrypoint.to_string(), "execute".to_string()];
    let mut rest = theirs[1..].to_vec();
    let resolver_at = rest
        .iter()
        .position(|a| a == "--resolver")
        .expect("flytekit passes --resolver");
    rest[resolver_at + 1] = Resolver::Template.name().to_string();
    for (i, a) in [
        "--checkpoint-path",
        "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint",
        "{{.prevCheckpointPrefix}}",
    ]
    .iter()
    .enumerate()
    {
        rest.insert(resolver_at + i, a.to_string());
    }
    if let Some(last) = rest.last_mut() {
        *last = executor_path.to_string();
    }
    out.extend(rest);
    out
}

/// Compares field by field after applying ALLOWED; returns the differences.
fn differences(
    mut ours: TaskTemplate,
    mut theirs: TaskTemplate,
    executor_path: &str,
) -> Vec<String> {
    let mut diffs = Vec::new();
    // Allowed: args and runtime metadata. Check ours is exactly flytekit's with those edits.
    if let (Some(task_template::Target::Container(o)), Some(task_template::Target::Container(t))) =
        (ours.target.as_mut(), theirs.target.as_mut())
    {
        // The entrypoint is the binary of the crate that declares the task type.
        let entrypoint = if executor_path.starts_with("flyte_examples::") {
            "flyte-examples"
        } else {
            env!("CARGO_PKG_NAME")
        };
        let want = expected_args(&t.args, entrypoint, executor_path);
        if o.args != want {
            diffs.push(format!(
                "container.args: ours {:?}, expected {want:?}",
                o.args
            ));
        }
        o.args.clear();
        t.args.clear();
    }
    diffs.extend(field_differences(ours, theirs));
    diffs
}

/// The fields that differ, once each side's runtime metadata (ours says `rust`) is set aside,
/// and our deck (on, where flytekit's is off) taken for flytekit's.
fn field_differences(mut ours: TaskTemplate, mut theirs: TaskTemplate) -> Vec<String> {
    let mut diffs = Vec::new();
    if let (Some(o), Some(t)) = (ours.metadata.as_mut(), theirs.metadata.as_ref()) {
        if o.generates_deck == Some(true) && t.generates_deck == Some(false) {
            o.generates_deck = Some(false);
        }
    }
    for m in [ours.metadata.as_mut(), theirs.metadata.as_mut()]
        .into_iter()
        .flatten()
    {
        m.runtime = None;
    }
    compare_fields!(
        diffs,
        ours,
        theirs,
        id,
        r#type,
        metadata,
        interface,
        custom,
        target,
        task_type_version,
        security_context,
        extended_resources,
        config
    );
    diffs
}

/// The differences from flytekit's map of an instance task that our maps make on purpose
/// (also in docs/maps.md, "Compared with flytekit, field by field").
const MAP_ALLOWED: &[&str] = &[
    "id.name: `<module>.map_<task>[_<bound>…]-arraynode`: the bound inputs written out where \
     flytekit has an md5 of them and of the ArrayNode's concurrency and success criteria (which \
     the ArrayNode carries, so they need no template of their own); flytekit's <module> is the \
     task type for an instance task, ours the task name's module",
    "container.args[0]: our entrypoint binary and `execute` (one binary runs both modes) instead \
     of `pyflyte-map-execute`",
    "container.args: the resolver is flyte_rs.map_task_resolver instead of flytekit's \
     ArrayNodeMapTaskResolver; the loader args have its shape (`vars <bound> resolver <inner \
     resolver> <inner loader args…>`), the inner resolver and its args being the task's own",
    "metadata.runtime and metadata.generates_deck, as for every template",
];

/// The Rust twin of map_fixture_tasks.py's AddInstanceTask: the adder with one output (all
/// flytekit can map).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "adder",
    image = "ghcr.io/example/flyte-rs-demo:v1",
    executor = AddOneExecutor,
    inputs = AddIn,
    outputs = AddTotal
)]
pub struct AddOne {
    pub offset: i64,
}

#[derive(TaskIo)]
pub struct AddIn {
    pub a: i64,
    pub b: i64,
    pub label: String,
}

#[derive(TaskIo)]
pub struct AddTotal {
    pub total: i64,
}

#[derive(Default)]
pub struct AddOneExecutor;

#[shim_executor]
impl ShimTaskExecutor for AddOneExecutor {
    type Task = AddOne;
    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: AddOne,
        i: AddIn,
    ) -> Result<AddTotal, TaskError> {
        Ok(AddTotal {
            total: i.a + i.b + task.offset,
        })
    }
}

fn container_args(t: &TaskTemplate) -> Vec<String> {
    match &t.target {
        Some(task_template::Target::Container(c)) => c.args.clone(),
        _ => panic!("{:?} has no container", t.id),
    }
}

/// Args split at `--`: the entrypoint's flags and the loader args.
fn split_args(args: &[String]) -> (Vec<String>, Vec<String>) {
    let at = args.iter().position(|a| a == "--").expect("args have `--`");
    (args[..=at].to_vec(), args[at + 1..].to_vec())
}

/// Our map of the twin against flytekit's map of the instance task, `bound` bound.
fn map_differences(bound: &[&str], fixture: &str) -> Vec<String> {
    let task = TaskInstance::new("fixtures.add_instance", AddOne { offset: 0 });
    let inner = task.template(&settings()).expect("valid task");
    let mut ours = flyte_runtime::task::map_template(&inner, bound).expect("mappable");
    let mut theirs = flytekit_template(fixture);
    let mut diffs = Vec::new();

    let want_name = match bound {
        [] => "fixtures.map_add_instance-arraynode".to_string(),
        b => format!("fixtures.map_add_instance_{}-arraynode", b.join("_")),
    };
    let name = |t: &TaskTemplate| t.id.as_ref().map(|i| i.name.clone()).unwrap_or_default();
    if name(&ours) != want_name {
        diffs.push(format!(
            "id.name: ours {}, expected {want_name}",
            name(&ours)
        ));
    }
    let theirs_name = name(&theirs);
    if !(theirs_name.starts_with("adder.map_add_instance_") && theirs_name.ends_with("-arraynode"))
    {
        diffs.push(format!("flytekit's id.name is {theirs_name}"));
    }
    if let (Some(o), Some(t)) = (ours.id.as_mut(), theirs.id.as_ref()) {
        o.name = t.name.clone();
    }

    let (our_head, our_tail) = split_args(&container_args(&ours));
    let (their_head, their_tail) = split_args(&container_args(&theirs));
    let mut want_head = vec![env!("CARGO_PKG_NAME").to_string(), "execute".to_string()];
    want_head.extend(their_head[1..].iter().cloned());
    let at = want_head
        .iter()
        .position(|a| a == "--resolver")
        .expect("flytekit passes --resolver");
    want_head[at + 1] = Resolver::Map.name().to_string();
    if our_head != want_head {
        diffs.push(format!(
            "container.args: ours {our_head:?}, expected {want_head:?}"
        ));
    }
    let (_, inner_tail) = split_args(&container_args(&inner));
    let mut want_tail = their_tail[..3].to_vec();
    want_tail.push(Resolver::Template.name().to_string());
    want_tail.extend(inner_tail);
    if our_tail != want_tail {
        diffs.push(format!(
            "loader args: ours {our_tail:?}, expected {want_tail:?} (flytekit's {their_tail:?})"
        ));
    }
    for t in [&mut ours, &mut theirs] {
        if let Some(task_template::Target::Container(c)) = t.target.as_mut() {
            c.args.clear();
        }
    }
    diffs.extend(field_differences(ours, theirs));
    diffs
}

#[test]
fn a_map_template_matches_flytekits_map_task_field_by_field() {
    for (bound, fixture) in [
        (&[][..], "map_add_task"),
        (&["label"][..], "map_add_task_bound"),
    ] {
        let diffs = map_differences(bound, fixture);
        assert!(
            diffs.is_empty(),
            "{fixture}: differences beyond {MAP_ALLOWED:#?}:\n{}",
            diffs.join("\n")
        );
    }
    // The comparison can fail: a map binding `label` is not flytekit's map binding nothing.
    let diffs = map_differences(&["label"], "map_add_task");
    assert!(
        diffs.iter().any(|d| d.starts_with("interface")),
        "{diffs:?}"
    );
}

/// The differences from the workflow flytekit writes around its map that our map's workflow
/// makes on purpose (also in docs/maps.md, "Compared with flytekit, field by field").
const MAP_WORKFLOW_ALLOWED: &[&str] = &[
    "the map template's name (in the node's id, its metadata and the task reference), as in \
     MAP_ALLOWED",
    "workflow outputs are named as the task's outputs (`total`), where flytekit names a \
     workflow's returned values o0, o1, …: our workflow exists only to hold the map, so its \
     interface is the map's",
];

fn fixture<M: Message + Default>(path: &str) -> M {
    M::decode(flyte_tests::read_fixture(path).as_slice()).expect("fixture decodes")
}

/// Every `-arraynode` name in the debug form of `wf` replaced by `to`.
fn with_map_name(wf: &WorkflowTemplate, from: &str, to: &str) -> WorkflowTemplate {
    let mut wf = wf.clone();
    for node in &mut wf.nodes {
        if let Some(m) = node.metadata.as_mut() {
            m.name = m.name.replace(from, to);
        }
        if let Some(node::Target::ArrayNode(array)) = node.target.as_mut() {
            if let Some(sub) = array.node.as_mut() {
                sub.id = sub.id.replace(from, to);
                if let Some(m) = sub.metadata.as_mut() {
                    m.name = m.name.replace(from, to);
                }
                if let Some(node::Target::TaskNode(TaskNode {
                    reference: Some(task_node::Reference::ReferenceId(id)),
                    ..
                })) = sub.target.as_mut()
                {
                    id.name = id.name.replace(from, to);
                }
            }
        }
    }
    wf
}

/// flytekit's workflow with its outputs `o0…` renamed to `names`.
fn with_output_names(mut wf: WorkflowTemplate, names: &[&str]) -> WorkflowTemplate {
    for (i, name) in names.iter().enumerate() {
        let old = format!("o{i}");
        if let Some(outputs) = wf.interface.as_mut().and_then(|i| i.outputs.as_mut()) {
            if let Some(mut var) = outputs.variables.remove(&old) {
                var.description = name.to_string();
                outputs.variables.insert(name.to_string(), var);
            }
        }
        for b in wf.outputs.iter_mut().filter(|b| b.var == old) {
            b.var = name.to_string();
        }
    }
    wf
}

/// Our map's workflow against the one flytekit writes around `map_task` in `fixture`.
fn map_workflow_differences(map: &MapTask, fixture_name: &str) -> Vec<String> {
    let ours = map
        .workflow_spec(&settings())
        .expect("valid map")
        .template
        .expect("a template");
    let theirs: WorkflowTemplate = fixture(&format!("workflows/{fixture_name}.pb"));
    let their_map = match theirs.nodes.first().and_then(|n| n.target.as_ref()) {
        Some(node::Target::ArrayNode(a)) => a.node.as_ref().map(|n| n.id.clone()),
        _ => None,
    }
    .expect("flytekit's workflow holds an ArrayNode");
    let ours = with_map_name(&ours, &format!("{}-arraynode", map.name()), &their_map);
    let theirs = with_output_names(theirs, &["total"]);
    let mut diffs = Vec::new();
    compare_fields!(
        diffs,
        ours,
        theirs,
        id,
        metadata,
        interface,
        nodes,
        outputs,
        failure_node,
        metadata_defaults
    );
    diffs
}

#[test]
fn a_map_workflow_and_launch_plan_match_flytekits_field_by_field() {
    let twin = || TaskInstance::new("fixtures.add_instance", AddOne { offset: 0 });
    let cases = [
        (
            // map_task(add_instance, concurrency=2, min_success_ratio=0.75)
            twin()
                .map()
                .concurrency(2)
                .min_success_ratio(0.75)
                .named("map_fixture_tasks.map_add_wf"),
            "map_add_wf",
        ),
        (
            // map_task(functools.partial(add_instance, label=label), concurrency=4)
            twin()
                .map()
                .bound("label")
                .concurrency(4)
                .named("map_fixture_tasks.map_add_bound_wf"),
            "map_add_bound_wf",
        ),
    ];
    for (map, name) in &cases {
        let diffs = map_workflow_differences(map, name);
        assert!(
            diffs.is_empty(),
            "{name}: differences beyond {MAP_WORKFLOW_ALLOWED:#?}:\n{}",
            diffs.join("\n")
        );
    }
    // The comparison can fail: another success criterion is not flytekit's.
    let other = twin()
        .map()
        .concurrency(2)
        .min_successes(3)
        .named("map_fixture_tasks.map_add_wf");
    let diffs = map_workflow_differences(&other, "map_add_wf");
    assert!(diffs.iter().any(|d| d.starts_with("nodes")), "{diffs:?}");

    // The default launch plan is flytekit's exactly, closure and empty labels included.
    let ours = cases[0].0.launch_plan(&settings()).expect("valid map");
    let theirs: LaunchPlan = fixture("launch_plans/map_add_wf.pb");
    assert_eq!(ours, theirs);
}

/// The Rust twin of fixture_tasks.py's `custom_task`, option for option.
fn custom_task() -> TaskInstance<CustomTask> {
    TaskInstance::new(
        "fixtures.custom",
        CustomTask {
            my_custom_setting: "special_value".into(),
            nested: Nested {
                depth: 2,
                values: vec![
                    1.into(),
                    2.5.into(),
                    "x".into(),
                    true.into(),
                    serde_json::Value::Null,
                ],
            },
        },
    )
    .input::<String>("input_name")
    .output::<String>("output_name")
    .requests(Resources::new().cpu("1").mem("500Mi"))
    .limits(Resources::new().cpu("2").mem("1Gi").gpu("1"))
    .env("MY_ENV_VAR", "some_value")
    .secret(SecretRequest::new("my-secrets", "api_key"))
    .secret(SecretRequest::new("db", "password").mount(SecretMount::File))
    .retries(3)
    .timeout(Duration::from_secs(600))
    .cache("1.0")
    .interruptible(true)
}

#[test]
fn custom_task_matches_flytekit() {
    let ours = custom_task().template(&settings()).expect("valid task");
    assert_eq!(
        ours.metadata
            .as_ref()
            .and_then(|m| m.runtime.as_ref())
            .map(|r| r.flavor.as_str()),
        Some("rust")
    );
    // Propeller's IsSupportedSDKVersion: the first x.y.z of the version, at least 1.13.14,
    // or a task may not consume offloaded literals.
    let version = ours
        .metadata
        .as_ref()
        .and_then(|m| m.runtime.as_ref())
        .map(|r| r.version.clone())
        .unwrap();
    let first: Vec<u64> = version
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .next()
        .unwrap()
        .split('.')
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(first[..] >= [1, 13, 14][..], "{version}");
    assert_eq!(
        version,
        format!("1.16.31+flyte-rs.{}", flyte_runtime::task::RUNTIME_VERSION)
    );
    let diffs = differences(
        ours,
        flytekit_template("custom_task"),
        "template_equality::EchoConfigExecutor",
    );
    assert!(
        diffs.is_empty(),
        "differences beyond {ALLOWED:#?}:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn sqlite_task_matches_flytekit() {
    let task = TaskInstance::new(
        "fixtures.sqlite",
        Sqlite {
            uri: "https://example.com/chinook.zip".into(),
            compressed: true,
            query_template: "select TrackId, Name from tracks limit {{.inputs.limit}}".into(),
        },
    )
    .input::<i64>("limit")
    // flytekit's SQLite3Task declares its output as the legacy FlyteSchema.
    .output_type(
        "results",
        LiteralType {
            r#type: Some(literal_type::Type::Schema(SchemaType::default())),
            ..Default::default()
        },
    );
    let ours = task.template(&settings()).expect("valid task");
    let diffs = differences(
        ours,
        flytekit_template("sqlite_task"),
        "template_equality::SqliteExecutor",
    );
    assert!(
        diffs.is_empty(),
        "differences beyond {ALLOWED:#?}:\n{}",
        diffs.join("\n")
    );
}

/// The examples' real `sqlite` task type (flyte_examples::sqlite), configured as flytekit's
/// SQLite3Task fixture: equal but for the listed differences (its table type and its
/// output's description).
#[test]
fn examples_sqlite_task_matches_flytekit_but_for_its_table_type_and_description() {
    use flyte_examples::sqlite::SqliteTask;
    let task = TaskInstance::new(
        "fixtures.sqlite",
        SqliteTask {
            uri: "https://example.com/chinook.zip".into(),
            compressed: true,
            query_template: "select TrackId, Name from tracks limit {{.inputs.limit}}".into(),
        },
    )
    .input::<i64>("limit");
    let theirs = flytekit_template("sqlite_task");
    let image = match &theirs.target {
        Some(task_template::Target::Container(c)) => c.image.clone(),
        _ => panic!("flytekit's sqlite template has a container"),
    };
    let mut ours = task
        .template(&SerializationSettings {
            image: Some(image),
            ..settings()
        })
        .expect("valid task");
    // The differences of substance, checked and then aligned.
    let results = ours
        .interface
        .as_mut()
        .and_then(|i| i.outputs.as_mut())
        .and_then(|o| o.variables.get_mut("results"))
        .expect("results is declared");
    assert_eq!(
        results.description, "The rows the query returned.",
        "results is described by its field's doc comment"
    );
    results.description = "results".to_string();
    let results = results.r#type.as_mut().expect("results has a type");
    assert_eq!(
        results.r#type,
        Some(literal_type::Type::StructuredDatasetType(Default::default())),
        "results is a StructuredDataset with no columns or format, as flytekit types pd.DataFrame"
    );
    results.r#type = Some(literal_type::Type::Schema(SchemaType::default()));
    let diffs = differences(ours, theirs, "flyte_examples::sqlite::SqliteExecutor");
    assert!(
        diffs.is_empty(),
        "differences beyond {ALLOWED:#?}:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn examples_sqlite_refuses_a_query_naming_an_undeclared_input() {
    use flyte_examples::sqlite::SqliteTask;
    let task = TaskInstance::new(
        "t.sqlite",
        SqliteTask {
            uri: "/data/db.sqlite".into(),
            compressed: false,
            query_template: "select * from t limit {{ .inputs.limit }}".into(),
        },
    )
    .input::<i64>("count");
    let err = task.template(&settings()).unwrap_err().to_string();
    assert_eq!(
        err,
        "task `t.sqlite`: query_template uses `{{ .inputs.limit }}`, but the task declares no \
         input `limit` (inputs: count)"
    );
    let list = TaskInstance::new(
        "t.sqlite",
        SqliteTask {
            uri: "/data/db.sqlite".into(),
            compressed: false,
            query_template: "select * from t where id in ({{ .inputs.ids }})".into(),
        },
    )
    .input::<Vec<i64>>("ids");
    let err = list.template(&settings()).unwrap_err().to_string();
    assert!(
        err.contains("input `ids` fills a query placeholder, so it must be"),
        "{err}"
    );
}

#[test]
fn the_comparison_catches_a_changed_field() {
    let task = TaskInstance::new(
        "fixtures.sqlite",
        Sqlite {
            uri: "https://example.com/chinook.zip".into(),
            compressed: false,
            query_template: "select TrackId, Name from tracks limit {{.inputs.limit}}".into(),
        },
    )
    .input::<i64>("limit");
    let ours = task.template(&settings()).expect("valid task");
    let diffs = differences(
        ours,
        flytekit_template("sqlite_task"),
        "template_equality::SqliteExecutor",
    );
    let fields: Vec<&str> = diffs
        .iter()
        .map(|d| d.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["interface", "custom"], "{diffs:?}");
}

#[test]
fn custom_reads_back_typed_with_whole_doubles_as_integers() {
    let t = flytekit_template("custom_task");
    // flytekit wrote nested.depth as 2.0; our config reads it as the i64 2.
    let cfg = <CustomTask as ContainerTask>::from_custom(t.custom.as_ref().expect("custom"))
        .expect("typed config");
    assert_eq!(cfg.nested.depth, 2);
    assert_eq!(cfg.my_custom_setting, "special_value");
}

#[test]
fn bad_quantities_and_interfaces_name_the_task() {
    let base = || {
        TaskInstance::new(
            "t.bad",
            Sqlite {
                uri: String::new(),
                compressed: false,
                query_template: String::new(),
            },
        )
    };
    let err = base()
        .limits(Resources::new().mem("1 GB"))
        .template(&settings())
        .unwrap_err();
    assert_eq!(err.to_string(), "task `t.bad`: limits.mem: \"1 GB\" is not a Kubernetes quantity (e.g. 500m, 2, 1.5, 500Mi, 1Gi, 1G)");
    let err = base()
        .input::<i64>("x")
        .output::<i64>("x")
        .template(&settings())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `t.bad`: output `x` has the name of an input"
    );
    let err = base()
        .input::<i64>("x")
        .input::<String>("x")
        .template(&settings())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `t.bad`: inputs `x` is declared twice"
    );
}

#[test]
fn executors_and_task_types_are_registered() {
    let e = flyte_runtime::task::registry::executor("template_equality::SqliteExecutor")
        .expect("registered");
    assert_eq!(e.task_type, "sqlite");
    let err = flyte_runtime::task::registry::executor("nope::Missing")
        .err()
        .expect("unknown");
    assert!(
        err.to_string()
            .contains("template_equality::EchoConfigExecutor"),
        "{err}"
    );
    let types: Vec<&str> = flyte_runtime::task::registry::task_types()
        .iter()
        .map(|t| t.task_type)
        .collect();
    // This test binary's own four (the map comparison's `adder` and the deck test's
    // `no-deck` among them), and the examples' (linked for the sqlite comparison).
    assert_eq!(
        types,
        [
            "adder",
            "adder",
            "keyed-checksum",
            "my-custom-task",
            "no-deck",
            "resumable-count",
            "sqlite",
            "sqlite",
            "squares"
        ]
    );
}

/// flytekit's pod-template task (`fixtures/templates/pod_template_task`, made by
/// `make_pod_template_fixture.py`): the same pod template, resources and env must give the
/// same `k8s_pod` (spec and metadata) and `config`, field by field; only the primary
/// container's args differ (a function task's `pyflyte-execute` args against ours).
#[test]
fn a_pod_template_matches_flytekit_field_by_field() {
    use flyte_runtime::types::struct_value::struct_to_json_object;
    let pod = PodTemplate {
        primary_container_name: "primary".into(),
        // What flytekit's V1PodSpec serializes to (Kubernetes' JSON names).
        pod_spec: serde_json::json!({
            "nodeSelector": {"pool": "gpu"},
            "containers": [
                {"name": "primary", "env": [{"name": "FROM_POD", "value": "1"}], "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
                {"name": "sidecar", "image": "busybox"},
            ],
        }),
        labels: [("team".to_string(), "ml".to_string())].into(),
        annotations: [("owner".to_string(), "data".to_string())].into(),
    };
    let theirs = flytekit_template("pod_template_task");
    let ours = TaskInstance::new(
        "t.pod",
        Sqlite {
            uri: "u".into(),
            compressed: false,
            query_template: "q".into(),
        },
    )
    .input::<i64>("limit")
    .requests(Resources::new().cpu("1").mem("500Mi"))
    .limits(Resources::new().mem("1Gi").gpu("1"))
    .env("K", "V")
    .pod_template(pod)
    .pod_template_name("base")
    .template(&SerializationSettings {
        image: Some("ghcr.io/example/flyte-rs-demo:v1".into()),
        ..settings()
    })
    .expect("valid task");
    assert_eq!(
        ours.config, theirs.config,
        "config (propeller's BuildRawPod reads primary_container_name there)"
    );
    assert_eq!(
        ours.metadata.as_ref().map(|m| &m.pod_template_name),
        theirs.metadata.as_ref().map(|m| &m.pod_template_name)
    );
    let (Some(task_template::Target::K8sPod(o)), Some(task_template::Target::K8sPod(t))) =
        (&ours.target, &theirs.target)
    else {
        panic!("both have a k8s_pod target: ours {:?}", ours.target)
    };
    assert_eq!(o.metadata, t.metadata, "pod labels and annotations");
    assert_eq!(o.primary_container_name, t.primary_container_name);
    let spec = |p: &flyte_runtime::proto::core::K8sPod| {
        serde_json::Value::Object(struct_to_json_object(
            p.pod_spec.as_ref().expect("pod spec"),
        ))
    };
    let (mut o_spec, t_spec) = (spec(o), spec(t));
    // The one allowed difference: the primary container's args.
    assert_eq!(o_spec["containers"][0]["args"][15], "{{.taskTemplatePath}}");
    o_spec["containers"][0]["args"] = t_spec["containers"][0]["args"].clone();
    assert_eq!(o_spec, t_spec, "pod spec, field by field");
}

#[test]
fn extended_resources_get_flytekits_shared_memory_defaults() {
    let t = TaskInstance::new(
        "t.shm",
        Sqlite {
            uri: "u".into(),
            compressed: false,
            query_template: "q".into(),
        },
    )
    .accelerator("nvidia-tesla-t4")
    .shared_memory(SharedMemory {
        size_limit: "2Gi".into(),
        ..Default::default()
    })
    .template(&settings())
    .expect("valid task");
    let ext = t.extended_resources.expect("extended resources");
    assert_eq!(
        ext.gpu_accelerator.map(|g| g.device),
        Some("nvidia-tesla-t4".into())
    );
    let shm = ext.shared_memory.expect("shared memory");
    // propeller's ApplySharedMemory refuses an empty name or path.
    assert_eq!(
        (
            shm.mount_name.as_str(),
            shm.mount_path.as_str(),
            shm.size_limit.as_str()
        ),
        ("flyte-shared-memory", "/dev/shm", "2Gi")
    );
}

/// A task type that turns its deck off (`#[container_task(enable_deck = false)]`).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "no-deck",
    image = "ghcr.io/example/flyte-rs-demo:v1",
    executor = NoDeckExecutor,
    enable_deck = false
)]
pub struct NoDeck {}

#[derive(Default)]
pub struct NoDeckExecutor;

#[shim_executor]
impl ShimTaskExecutor for NoDeckExecutor {
    type Task = NoDeck;
    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        _task: NoDeck,
        _inputs: Literals,
    ) -> Result<Literals, TaskError> {
        Ok(Literals::new())
    }
}

#[test]
fn generates_deck_is_set_as_flytekit_sets_it_on_by_default_off_when_turned_off() {
    let deck = |t: &TaskTemplate| t.metadata.as_ref().and_then(|m| m.generates_deck);
    let custom = || {
        TaskInstance::new(
            "fixtures.custom",
            CustomTask {
                my_custom_setting: "x".into(),
                nested: Nested {
                    depth: 0,
                    values: vec![],
                },
            },
        )
    };
    // On by default: BoolValue(true), as flytekit's `enable_deck=True`.
    assert_eq!(deck(&custom().template(&settings()).unwrap()), Some(true));
    // Off for the instance, or for the task type (which an instance may turn on again):
    // BoolValue(false), present, as flytekit writes a task without a deck.
    assert_eq!(
        deck(&custom().enable_deck(false).template(&settings()).unwrap()),
        Some(false)
    );
    let no_deck = TaskInstance::new("fixtures.no_deck", NoDeck {});
    assert!(!no_deck.deck_enabled());
    assert_eq!(deck(&no_deck.template(&settings()).unwrap()), Some(false));
    assert_eq!(
        deck(&no_deck.enable_deck(true).template(&settings()).unwrap()),
        Some(true)
    );
    // flytekit's own container task has it present and false, the wire bytes `7a 00`.
    let theirs = flytekit_template("custom_task");
    assert_eq!(deck(&theirs), Some(false));
    // A map over a task keeps the task's choice (each element writes its own deck).
    let map = flyte_runtime::task::map_template(&custom().template(&settings()).unwrap(), &[])
        .expect("mappable");
    assert_eq!(deck(&map), Some(true));
}

/// Issue 31: our deck flag is flytekit's own. flytekit 1.16.31's `custom_task` with
/// `enable_deck=True` (`fixtures/templates/custom_task_deck`, made by
/// `fixtures/make_deck_fixture.py`) is our template of the same task, its deck on by default,
/// field by field with nothing set aside for the deck; `metadata.generates_deck` is the same
/// bytes on the wire (BoolValue(true): field 15, `7a 02 08 01`); and flytekit reads ours
/// (`TaskTemplate.from_flyte_idl`) as on, as it reads its own.
#[test]
fn generates_deck_true_is_flytekits_enable_deck_true_byte_for_byte() {
    let ours = custom_task().template(&settings()).expect("valid task");
    let theirs = flytekit_template("custom_task_deck");
    let field_bytes = |t: &TaskTemplate| {
        flyte_runtime::proto::core::TaskMetadata {
            generates_deck: t.metadata.as_ref().and_then(|m| m.generates_deck),
            ..Default::default()
        }
        .encode_to_vec()
    };
    assert_eq!(field_bytes(&theirs), [0x7a, 0x02, 0x08, 0x01], "flytekit's");
    assert_eq!(field_bytes(&ours), field_bytes(&theirs), "ours");
    // The field as it sits in each whole template's metadata.
    for (who, t) in [("ours", &ours), ("flytekit's", &theirs)] {
        let metadata = t.metadata.as_ref().expect("metadata").encode_to_vec();
        assert!(
            metadata.windows(4).any(|w| w == [0x7a, 0x02, 0x08, 0x01]),
            "{who} metadata has no BoolValue(true) at field 15: {metadata:02x?}"
        );
    }
    let diffs = differences(
        ours.clone(),
        theirs.clone(),
        "template_equality::EchoConfigExecutor",
    );
    assert!(
        diffs.is_empty(),
        "differences beyond {ALLOWED:#?} (the deck's not among them here):\n{}",
        diffs.join("\n")
    );
    for (who, t) in [("ours", &ours), ("flytekit's", &theirs)] {
        let read = flyte_tests::run_python("read_generates_deck.py", &[], &t.encode_to_vec());
        let read: serde_json::Value = serde_json::from_slice(&read).expect("JSON");
        assert_eq!(
            read,
            serde_json::json!({"present": true, "generates_deck": true}),
            "flytekit reading {who} template"
        );
    }
}
