//! The tutorial's crate, grown as a task author grows it on the second day: a CSV summary
//! with a file in, an optional input, a struct output and a file output, a configuration
//! its task type checks (`validate_with`), two instances and a registered map over files.
//! `tutorial.rs` adds it to the tutorial's `main.rs` (`mod csv_stats;`) and drives it from
//! the command line, from a flytekit workflow and in the crate's image.

use flyte_runtime::prelude::*;

/// What a CSV file holds, as the summary counted it.
#[derive(FlyteType, Debug, Clone, PartialEq)]
pub struct Summary {
    /// Data rows read (the header line not counted).
    pub rows: i64,
    /// The columns summed, in the configuration's order.
    pub columns: Vec<String>,
    /// Each column's sum, in the same order.
    pub sums: Vec<f64>,
}

/// A summary's inputs.
#[derive(TaskIo)]
pub struct CsvInputs {
    /// The CSV file, its first line the column names.
    pub table: FlyteFile,
    /// The fewest data rows the file may have; none checks nothing.
    pub min_rows: Option<i64>,
}

/// A summary's outputs.
#[derive(TaskIo)]
pub struct CsvOutputs {
    /// The rows counted and the columns' sums.
    pub summary: Summary,
    /// The sums as a CSV file of two lines: the columns, then their sums.
    pub report: FlyteFile,
}

/// Sums the named columns of a CSV file.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "csv-stats", image = "ghcr.io/you/greetings:{version}",
                 executor = CsvStatsExecutor, inputs = CsvInputs, outputs = CsvOutputs,
                 validate_with = CsvStats::check)]
pub struct CsvStats {
    /// The columns to sum: at least one.
    pub columns: Vec<String>,
}

impl CsvStats {
    /// Refuses a configuration with nothing to sum, wherever it was made.
    fn check(&self, _interface: &TypedInterface) -> Result<(), String> {
        if self.columns.is_empty() {
            return Err("columns is empty: name at least one column to sum".to_string());
        }
        Ok(())
    }
}

/// Runs `csv-stats` tasks.
#[derive(Default)]
pub struct CsvStatsExecutor;

#[shim_executor]
impl ShimTaskExecutor for CsvStatsExecutor {
    type Task = CsvStats;

    async fn execute_from_model(
        &self,
        ctx: &ExecutionContext,
        task: CsvStats,
        i: CsvInputs,
    ) -> Result<CsvOutputs, TaskError> {
        let bad = |what: String| TaskError::new(what).with_code("ValueError");
        let text = std::fs::read_to_string(ctx.download(&i.table).await?)?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .ok_or_else(|| {
                bad(format!(
                    "{} is empty: expected a header line",
                    i.table.uri()
                ))
            })?
            .split(',')
            .map(str::trim)
            .collect();
        let mut at = Vec::new();
        for column in &task.columns {
            at.push(header.iter().position(|h| h == column).ok_or_else(|| {
                bad(format!(
                    "{} has no column `{column}` (its columns: {})",
                    i.table.uri(),
                    header.join(", ")
                ))
            })?);
        }
        let (mut sums, mut rows) = (vec![0.0; at.len()], 0);
        for (n, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            for (sum, &k) in sums.iter_mut().zip(&at) {
                let cell = cells.get(k).copied().unwrap_or_default();
                *sum += cell.parse::<f64>().map_err(|_| {
                    bad(format!(
                        "line {}: `{cell}` in column `{}` is not a number",
                        n + 2,
                        header[k]
                    ))
                })?;
            }
            rows += 1;
        }
        if let Some(min) = i.min_rows.filter(|&min| rows < min) {
            return Err(bad(format!(
                "{rows} row(s), fewer than the {min} asked for"
            )));
        }
        let report = ctx.scratch_dir()?.join("sums.csv");
        let sums_line: Vec<String> = sums.iter().map(f64::to_string).collect();
        std::fs::write(
            &report,
            format!("{}\n{}\n", task.columns.join(","), sums_line.join(",")),
        )?;
        Ok(CsvOutputs {
            summary: Summary {
                rows,
                columns: task.columns,
                sums,
            },
            report: ctx.upload(&report).await?,
        })
    }
}

/// `stats.sales`: the amounts of a sales file.
fn sales() -> TaskInstance<CsvStats> {
    TaskInstance::new(
        "stats.sales",
        CsvStats {
            columns: vec!["amount".into()],
        },
    )
}
register_task!(sales);

/// `stats.sales_and_tax`: the amounts and the tax of a sales file.
fn sales_and_tax() -> TaskInstance<CsvStats> {
    let columns = vec!["amount".into(), "tax".into()];
    TaskInstance::new("stats.sales_and_tax", CsvStats { columns })
}
register_task!(sales_and_tax);

/// The sales of many files, a pod each; half of them must succeed.
fn sales_of_files() -> MapTask {
    sales().map().bound("min_rows").min_success_ratio(0.5)
}
register_map!(sales_of_files);
