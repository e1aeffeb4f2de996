//! `flyte-test-tasks`: a task-type binary for the workspace's entrypoint tests. Besides the
//! examples' tasks it holds a round-trip task over every fixture type and a task that
//! misbehaves on request (fails, panics, sleeps, blocks), so the tests can drive every path
//! of the `execute` entrypoint as FlytePropeller would.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use flyte_examples as _;
use flyte_runtime::prelude::*;
use flyte_tests::fixture_types::{Color, Point, Shape};

/// Every row of the fixture table, named as in `fixtures/literals/all_inputs.pb`.
#[derive(TaskIo)]
struct AllInputs {
    an_int: i64,
    a_negative_int: i64,
    a_float: f64,
    a_str: String,
    a_bool: bool,
    a_datetime: DateTime<Utc>,
    a_duration: TimeDelta,
    int_list: Vec<i64>,
    str_list: Vec<String>,
    nested_list: Vec<Vec<i64>>,
    float_map: BTreeMap<String, f64>,
    optional_int_set: Option<i64>,
    optional_int_none: Option<i64>,
    an_enum: Color,
    a_dataclass: Shape,
    dataclass_list: Vec<Point>,
    a_file: FlyteFile,
    a_directory: FlyteDirectory,
}

/// The same values back, each name prefixed with `o_` (an output may not share an input's name).
#[derive(TaskIo)]
struct AllOutputs {
    o_an_int: i64,
    o_a_negative_int: i64,
    o_a_float: f64,
    o_a_str: String,
    o_a_bool: bool,
    o_a_datetime: DateTime<Utc>,
    o_a_duration: TimeDelta,
    o_int_list: Vec<i64>,
    o_str_list: Vec<String>,
    o_nested_list: Vec<Vec<i64>>,
    o_float_map: BTreeMap<String, f64>,
    o_optional_int_set: Option<i64>,
    o_optional_int_none: Option<i64>,
    o_an_enum: Color,
    o_a_dataclass: Shape,
    o_dataclass_list: Vec<Point>,
    o_a_file: FlyteFile,
    o_a_directory: FlyteDirectory,
}

/// Returns its inputs.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "roundtrip", entrypoint = "flyte-test-tasks", image = "flyte-test-tasks:{version}", executor = RoundTripExecutor, inputs = AllInputs, outputs = AllOutputs)]
struct RoundTrip {}

#[derive(Default)]
struct RoundTripExecutor;

#[shim_executor]
impl ShimTaskExecutor for RoundTripExecutor {
    type Task = RoundTrip;

    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        _task: RoundTrip,
        i: AllInputs,
    ) -> Result<AllOutputs, TaskError> {
        Ok(AllOutputs {
            o_an_int: i.an_int,
            o_a_negative_int: i.a_negative_int,
            o_a_float: i.a_float,
            o_a_str: i.a_str,
            o_a_bool: i.a_bool,
            o_a_datetime: i.a_datetime,
            o_a_duration: i.a_duration,
            o_int_list: i.int_list,
            o_str_list: i.str_list,
            o_nested_list: i.nested_list,
            o_float_map: i.float_map,
            o_optional_int_set: i.optional_int_set,
            o_optional_int_none: i.optional_int_none,
            o_an_enum: i.an_enum,
            o_a_dataclass: i.a_dataclass,
            o_dataclass_list: i.dataclass_list,
            o_a_file: i.a_file,
            o_a_directory: i.a_directory,
        })
    }
}

#[derive(TaskIo)]
struct MisbehaveInputs {
    /// ok | fail | fail_recoverable | panic | sleep | block | checkpoint | env (the value of
    /// the variable `MISBEHAVE_VALUE`), or one of the
    /// secret_* modes that put secret `tests/token` where it must not show:
    /// secret_log (every log level, as message and field), secret_debug (`{:?}` of the value
    /// and of the context), secret_fail (in a TaskError), secret_panic (in a panic)
    mode: String,
    seconds: f64,
}

#[derive(TaskIo)]
struct MisbehaveOutputs {
    value: i64,
}

/// Does what `mode` says.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "misbehave", entrypoint = "flyte-test-tasks", image = "flyte-test-tasks:{version}", executor = MisbehaveExecutor, inputs = MisbehaveInputs, outputs = MisbehaveOutputs)]
struct Misbehave {
    note: String,
}

#[derive(Default)]
struct MisbehaveExecutor;

#[shim_executor]
impl ShimTaskExecutor for MisbehaveExecutor {
    type Task = Misbehave;

    async fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        _task: Misbehave,
        i: MisbehaveInputs,
    ) -> Result<MisbehaveOutputs, TaskError> {
        let pause = Duration::from_secs_f64(i.seconds.max(0.0));
        match i.mode.as_str() {
            "ok" => Ok(MisbehaveOutputs { value: 7 }),
            // The container's env as the executor sees it: `MISBEHAVE_VALUE`.
            "env" => std::env::var("MISBEHAVE_VALUE")
                .ok()
                .and_then(|v| v.parse().ok())
                .map(|value| MisbehaveOutputs { value })
                .ok_or_else(|| TaskError::new("MISBEHAVE_VALUE is not set to an integer")),
            "fail" => Err(TaskError::new("asked to fail").with_code("ValueError")),
            // A deck of its own: markdown with raw HTML in it, and a table of 2000 rows.
            "deck" => {
                let deck = ctx.deck("Big <one>");
                deck.markdown("# Rows\n\n<script>alert(2)</script>").table(
                    ["n", "text"],
                    (0..2000)
                        .map(|n| [n.to_string(), format!("<i>row {n}</i> {}", "x".repeat(40))]),
                );
                deck.publish().await;
                Ok(MisbehaveOutputs { value: 5 })
            }
            "fail_recoverable" => Err(TaskError::new("database busy").recoverable()),
            "panic" => panic!("asked to panic"),
            "sleep" => {
                tokio::time::sleep(pause).await;
                Ok(MisbehaveOutputs { value: 1 })
            }
            "block" => {
                std::thread::sleep(pause);
                Ok(MisbehaveOutputs { value: 2 })
            }
            "checkpoint" => {
                let previous = ctx
                    .checkpoint
                    .read()
                    .await
                    .map_err(|e| TaskError::from_error(&e))?;
                let n = previous
                    .and_then(|b| String::from_utf8(b.to_vec()).ok())
                    .and_then(|s| s.parse::<i64>().ok())
                    .unwrap_or(0)
                    + 1;
                ctx.checkpoint
                    .write(n.to_string().into_bytes())
                    .await
                    .map_err(|e| TaskError::from_error(&e))?;
                Ok(MisbehaveOutputs { value: n })
            }
            secret if secret.starts_with("secret_") => {
                let token = ctx
                    .secrets
                    .get("tests", "token")
                    .map_err(|e| TaskError::from_error(&e))?;
                let t = token.expose();
                match secret {
                    "secret_log" => {
                        tracing::trace!(token = t, "trace: the token is {t}");
                        tracing::debug!(token = t, "debug: the token is {t}");
                        tracing::info!(token = t, "info: the token is {t}");
                        tracing::warn!(token = t, "warn: the token is {t}");
                        tracing::error!(token = t, "error: the token is {t}");
                        Ok(MisbehaveOutputs { value: 3 })
                    }
                    "secret_debug" => {
                        tracing::warn!("value {token:?}, shown {token}, context {ctx:?}");
                        Ok(MisbehaveOutputs { value: 4 })
                    }
                    "secret_fail" => Err(TaskError::new(format!("the server refused token {t}"))),
                    "secret_panic" => panic!("token {t} is no good"),
                    other => Err(TaskError::new(format!("unknown mode `{other}`"))),
                }
            }
            other => Err(TaskError::new(format!("unknown mode `{other}`")).with_code("ValueError")),
        }
    }
}

fn roundtrip() -> TaskInstance<RoundTrip> {
    TaskInstance::new("tests.roundtrip", RoundTrip {})
}

/// The round trip on the cluster's PodTemplate `gpu` (`metadata.pod_template_name`), which
/// must exist where it runs (tests/fixtures/pod_templates/gpu.yaml).
fn on_named_pod_template() -> TaskInstance<RoundTrip> {
    TaskInstance::new("tests.on_named_pod_template", RoundTrip {}).pod_template_name("gpu")
}

fn misbehave() -> TaskInstance<Misbehave> {
    TaskInstance::new(
        "tests.misbehave",
        Misbehave {
            note: "test double".into(),
        },
    )
    .timeout(Duration::from_secs(1))
}

/// A reference to a task registered on a cluster: listed, never run, never packaged.
fn reference_add() -> flyte_runtime::task::ReferenceTask {
    flyte_runtime::task::ReferenceTask::new(
        "flytesnacks",
        "development",
        "tests.reference_add",
        "v3",
    )
    .input::<i64>("a")
    .output::<i64>("sum")
}

/// What a `configured` task read from its `custom`.
#[derive(TaskIo)]
struct ConfiguredOutputs {
    /// Its configuration written back with `get_custom`, base64 of the Struct's bytes.
    custom: String,
}

/// A configuration of every field shape the generated Python module describes: renamed
/// keys, defaults of three kinds, lists, maps, an option left out when none, and a type it
/// does not describe (`Any`).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[container_task(task_type = "configured", entrypoint = "flyte-test-tasks", image = "flyte-test-tasks:{version}", executor = ConfiguredExecutor, inputs = (), outputs = ConfiguredOutputs)]
struct Configured {
    /// A name (required).
    name: String,
    /// How many rows; 3 unless given.
    #[serde(default = "three")]
    row_count: u32,
    /// A ratio.
    #[serde(default)]
    ratio: f64,
    /// Tags.
    #[serde(default)]
    tags: Vec<String>,
    /// Weights by key.
    #[serde(default)]
    weights: BTreeMap<String, f64>,
    /// A limit, left out of `custom` when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
    /// Called `kind` in `custom`.
    #[serde(rename = "kind", default)]
    mode: String,
    /// A type the module does not describe.
    #[serde(default)]
    shade: Option<Shade>,
}

/// A serde enum: the module takes it as it comes (`typing.Any`).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Shade {
    Light,
    Dark,
}

fn three() -> u32 {
    3
}

#[derive(Default)]
struct ConfiguredExecutor;

#[shim_executor]
impl ShimTaskExecutor for ConfiguredExecutor {
    type Task = Configured;

    fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: Configured,
        _inputs: (),
    ) -> Result<ConfiguredOutputs, TaskError> {
        use base64::Engine as _;
        use prost::Message as _;
        let custom = task
            .get_custom()
            .map_err(|e| TaskError::new(e.to_string()))?;
        Ok(ConfiguredOutputs {
            custom: base64::engine::general_purpose::STANDARD.encode(custom.encode_to_vec()),
        })
    }
}

register_task!(roundtrip);
register_task!(on_named_pod_template);
register_task!(misbehave);
register_task!(reference_add);

fn main() -> std::process::ExitCode {
    flyte_runtime::cli::main()
}
