//! The Timeline section: the run's steps (resolving the task, reading the inputs, the
//! executor, writing the outputs or the error document) with when each started and how long
//! it took, as flytekit's `TimeLineDeck` table (whose process time has no twin here).

use std::time::{Duration, SystemTime};

use super::block::{Block, Cell, Table};

/// One step of the run.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) name: String,
    pub(crate) started: SystemTime,
    pub(crate) took: Duration,
    /// Whether it ended well (the failed step is where the run failed).
    pub(crate) ok: bool,
}

/// The Timeline section's blocks.
pub(crate) fn blocks(steps: &[Step]) -> Vec<Block> {
    if steps.is_empty() {
        return Vec::new();
    }
    let table = steps.iter().fold(
        Table::new(["Name", "Start (UTC)", "Wall Time(s)", "Result"]),
        |t, s| {
            let started: chrono::DateTime<chrono::Utc> = s.started.into();
            t.row(vec![
                Cell::Text(s.name.clone()),
                Cell::Text(started.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
                Cell::Text(format!("{:.6}", s.took.as_secs_f64())),
                Cell::Text(if s.ok { "done" } else { "failed" }.to_string()),
            ])
        },
    );
    vec![Block::Table(table)]
}
