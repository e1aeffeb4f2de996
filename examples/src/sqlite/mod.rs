//! `sqlite`: flytekit's SQLite3Task in Rust. Its configuration (`custom`) names a database
//! (`uri`: a local path, `file://`, `s3://` or `gs://`; with `compressed = true` a zip or
//! tar.gz holding exactly one file) and a `query_template` whose `{{ .inputs.NAME }}`
//! placeholders are filled, as bound parameters, from the inputs each instance declares.
//! The one output, `results`, is the rows as a parquet StructuredDataset, which flytekit
//! reads into a pandas DataFrame.

mod archive;
pub mod demo;
mod query;
mod table;

use std::collections::BTreeMap;

use flyte_runtime::dataframe;
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::{literal, literal_type, primitive, scalar, SimpleType};
use rusqlite::types::Value;

pub use archive::{database_bytes, ArchiveError, SQLITE_MAGIC};
pub use query::{sql_literal, QueryError, QueryTemplate};
pub use table::query_table;

/// Where the demo database is, relative to this crate (see [`demo`]).
pub const DEMO_DB: &str = "data/demo.sqlite";

/// The sqlite task's one output.
#[derive(TaskIo, Debug, Clone, PartialEq)]
pub struct SqliteOutputs {
    /// The rows the query returned.
    pub results: StructuredDataset,
}

/// The `sqlite` task type: a database and a query over it.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[container_task(
    task_type = "sqlite",
    image = "flyte-examples:{version}",
    executor = SqliteExecutor,
    outputs = SqliteOutputs,
    validate_with = SqliteTask::check
)]
pub struct SqliteTask {
    /// The database: a local path, `file://`, `s3://` or `gs://` URI.
    pub uri: String,
    /// Whether `uri` is a zip or tar.gz archive holding the database as its one file.
    #[serde(default)]
    pub compressed: bool,
    /// The query, with `{{ .inputs.NAME }}` placeholders.
    pub query_template: String,
}

/// The input types a placeholder can take, and their SQLite value.
fn sql_value(name: &str, lit: &Literal) -> Result<Value, String> {
    let p = match &lit.value {
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::Primitive(p)) => p.value.as_ref(),
            Some(scalar::Value::NoneType(_)) => return Ok(Value::Null),
            _ => None,
        },
        _ => None,
    };
    Ok(match p {
        Some(primitive::Value::Integer(i)) => Value::Integer(*i),
        Some(primitive::Value::FloatValue(f)) => Value::Real(*f),
        Some(primitive::Value::StringValue(s)) => Value::Text(s.clone()),
        Some(primitive::Value::Boolean(b)) => Value::Integer(i64::from(*b)),
        Some(primitive::Value::Datetime(t)) => {
            // SQLite's own text form of a time: "YYYY-MM-DD HH:MM:SS.SSS" (UTC).
            let dt = chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32)
                .ok_or_else(|| format!("input `{name}`: datetime out of range"))?;
            Value::Text(dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        }
        _ => {
            return Err(format!(
                "input `{name}` is not an integer, float, string, boolean or datetime; \
                 only those can fill a query placeholder"
            ))
        }
    })
}

const PLACEHOLDER_TYPES: [SimpleType; 5] = [
    SimpleType::Integer,
    SimpleType::Float,
    SimpleType::String,
    SimpleType::Boolean,
    SimpleType::Datetime,
];

impl SqliteTask {
    fn fail(message: impl Into<String>) -> TaskError {
        TaskError::new(message).with_code("ValidationError")
    }
}

/// Runs `sqlite` tasks.
#[derive(Default)]
pub struct SqliteExecutor;

/// Rows of the result the Query deck shows.
const PREVIEW_ROWS: usize = 20;

#[shim_executor]
impl ShimTaskExecutor for SqliteExecutor {
    type Task = SqliteTask;

    async fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        task: SqliteTask,
        inputs: Literals,
    ) -> Result<SqliteOutputs, TaskError> {
        let query = QueryTemplate::parse(&task.query_template)
            .map_err(|e| SqliteTask::fail(e.to_string()))?;
        let mut values = BTreeMap::new();
        for (name, lit) in &inputs.literal_map().literals {
            values.insert(
                name.clone(),
                sql_value(name, lit).map_err(SqliteTask::fail)?,
            );
        }
        let bound: Vec<Value> = query
            .bind(&values)
            .map_err(SqliteTask::fail)?
            .into_iter()
            .cloned()
            .collect();
        let shown = query.display(&values);
        tracing::info!(uri = %task.uri, query = %shown, "running the query");
        let deck = ctx.deck("Query");
        deck.key_values([("database", task.uri.as_str()), ("query", shown.as_str())]);

        let bytes = ctx.storage.read(&task.uri).await.map_err(|e| {
            TaskError::new(format!("cannot read the database: {e}"))
                .with_code("StorageError")
                .recoverable_if(e.is_transient())
        })?;
        let db = database_bytes(&task.uri, &bytes, task.compressed)
            .map_err(|e| SqliteTask::fail(e.to_string()))?;
        let scratch = ctx.scratch_dir()?;
        let path = archive::write_database(&scratch.join("sqlite"), &db)
            .map_err(|e| TaskError::new(e.to_string()).with_code("IOError"))?;

        let sql = query.sql.clone();
        let batch = tokio::task::spawn_blocking(move || {
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| format!("cannot open the database: {e}"))?;
            let params: Vec<&Value> = bound.iter().collect();
            query_table(&conn, &sql, &params)
        })
        .await
        .map_err(|e| TaskError::new(format!("the query thread failed: {e}")))?
        .map_err(|e| TaskError::new(e).with_code("SQLiteError"))?;

        let results = dataframe::write_parquet(&ctx.storage, &ctx.new_raw_output_uri(), &batch)
            .await
            .map_err(|e| {
                TaskError::new(format!("cannot write the results: {e}"))
                    .with_code("StorageError")
                    .recoverable()
            })?;
        tracing::info!(rows = batch.num_rows(), uri = %results.uri(), "results written");
        let preview = batch.num_rows().min(PREVIEW_ROWS);
        deck.markdown(&format!(
            "**{} row(s)**; the first {preview}:",
            batch.num_rows()
        ))
        .record_batch(&batch.slice(0, preview));
        Ok(SqliteOutputs { results })
    }
}

impl SqliteTask {
    /// Checks the query against an instance's inputs (see [`ContainerTask::validate`]).
    fn check(&self, interface: &TypedInterface) -> Result<(), String> {
        let query = QueryTemplate::parse(&self.query_template).map_err(|e| e.to_string())?;
        let inputs = interface
            .inputs
            .as_ref()
            .map(|v| &v.variables)
            .cloned()
            .unwrap_or_default();
        for name in &query.params {
            let var = inputs.get(name).ok_or_else(|| {
                format!(
                    "query_template uses `{{{{ .inputs.{name} }}}}`, but the task declares no input \
                     `{name}` (inputs: {})",
                    inputs.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })?;
            let simple = match var.r#type.as_ref().and_then(|t| t.r#type.as_ref()) {
                Some(literal_type::Type::Simple(s)) => SimpleType::try_from(*s).ok(),
                _ => None,
            };
            if !simple.is_some_and(|s| PLACEHOLDER_TYPES.contains(&s)) {
                return Err(format!(
                    "input `{name}` fills a query placeholder, so it must be an integer, float, \
                     string, boolean or datetime"
                ));
            }
        }
        if self.uri.is_empty() {
            return Err("uri is empty: name the database".to_string());
        }
        Ok(())
    }
}

/// `examples.sqlite_demo`: the first `limit` tracks of the demo database. Its `uri` is the
/// demo database in this crate, or `FLYTE_EXAMPLES_DEMO_DB` when set (the image sets it to
/// where it ships the file).
pub fn sqlite_demo() -> TaskInstance<SqliteTask> {
    TaskInstance::new(
        "examples.sqlite_demo",
        SqliteTask {
            uri: demo_db_uri(),
            compressed: false,
            query_template: "SELECT TrackId, Name, Composer, Milliseconds, UnitPrice FROM tracks \
                             ORDER BY TrackId LIMIT {{ .inputs.limit }}"
                .to_string(),
        },
    )
    .input::<i64>("limit")
    .docs("The first `limit` tracks of the demo music catalogue.")
}

/// `examples.sqlite_by_composer`: the tracks of one composer, with their album (a string
/// input, bound safely).
pub fn sqlite_by_composer() -> TaskInstance<SqliteTask> {
    TaskInstance::new(
        "examples.sqlite_by_composer",
        SqliteTask {
            uri: demo_db_uri(),
            compressed: false,
            query_template:
                "SELECT t.TrackId, t.Name, a.Title AS Album, t.UnitPrice FROM tracks t \
                             JOIN albums a ON a.AlbumId = t.AlbumId \
                             WHERE t.Composer = {{ .inputs.composer }} ORDER BY t.TrackId"
                    .to_string(),
        },
    )
    .input::<String>("composer")
    .docs("The tracks of one composer in the demo catalogue, with their albums.")
}

/// The demo database's path: `FLYTE_EXAMPLES_DEMO_DB`, or the file in this crate.
pub fn demo_db_uri() -> String {
    std::env::var("FLYTE_EXAMPLES_DEMO_DB")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| format!("{}/{DEMO_DB}", env!("CARGO_MANIFEST_DIR")))
}

register_task!(sqlite_demo);
register_task!(sqlite_by_composer);
