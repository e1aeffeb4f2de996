//! What a local run did, for the command line to say: the task's or the map's result, where
//! it ran, and its folder (which the caller tidies once it has printed the outputs).

use std::time::Duration;

use super::error::LocalError;
use super::folder::RunFolder;
use crate::execute::Runner;
use crate::pod::TaskFailure;
use crate::pod::TaskResult;
use crate::proto::core::LiteralMap;
use crate::storage::Storage;

/// What a local run did.
pub(crate) enum Ran {
    /// `--template FILE --check`: the file passed.
    Checked { task: String, task_type: String },
    /// A task ran once.
    Task(TaskRun),
    /// A map ran.
    Map(MapRun),
}

/// Where a task ran.
pub(crate) enum Place {
    /// An echo task: propeller copies the inputs to the outputs, and so did the run.
    Echo,
    /// Its pod's `execute`, as a process of this binary.
    Process,
    /// Its pod, in a container of `image`, for `took`.
    Container { image: String, took: Duration },
}

/// One run of a task.
pub(crate) struct TaskRun {
    pub(crate) task: String,
    pub(crate) task_type: String,
    pub(crate) place: Place,
    /// Where its files are (the run folder, or `--storage`'s prefix).
    pub(crate) base: String,
    /// What could not be done around the run (giving the folder back), for warnings.
    pub(crate) warnings: Vec<String>,
    /// How it ended, read back as propeller reads it.
    pub(crate) result: Result<TaskResult, LocalError>,
    /// Its deck (`deck.html` under its output prefix), if it left one.
    pub(crate) deck: Option<String>,
    /// The runtime and storage its outputs are read with.
    pub(crate) runtime: Runner,
    pub(crate) storage: Storage,
    pub(crate) folder: RunFolder,
}

/// A failed element of a map, and what it was given.
pub(crate) struct FailedElement {
    pub(crate) index: usize,
    pub(crate) failure: TaskFailure,
    /// Its inputs, abbreviated.
    pub(crate) inputs: String,
}

/// How a map ended.
pub(crate) enum MapVerdict {
    /// Enough elements succeeded: the gathered outputs (written to the folder's
    /// `outputs.pb`), and whether every element did.
    Succeeded { outputs: LiteralMap, all: bool },
    /// Too few succeeded.
    Failed { succeeded: usize, needed: usize },
}

/// One run of a map.
pub(crate) struct MapRun {
    pub(crate) map: String,
    pub(crate) task: String,
    pub(crate) elements: usize,
    pub(crate) concurrency: usize,
    /// Where the elements ran (` in containers of IMAGE`, ` in this process`, or nothing).
    pub(crate) place: String,
    /// From the first start to the last end.
    pub(crate) took: Duration,
    pub(crate) succeeded: usize,
    pub(crate) needed: usize,
    pub(crate) failed: Vec<FailedElement>,
    pub(crate) warnings: Vec<String>,
    pub(crate) verdict: Result<MapVerdict, LocalError>,
    pub(crate) folder: RunFolder,
}
