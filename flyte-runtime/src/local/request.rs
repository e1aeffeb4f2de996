//! What a local run is asked to do, as the command line's flags give it: which task, its
//! inputs, where its files go, where it runs, and, for a map, its flags.

use std::path::PathBuf;

use super::container::ContainerChoice;
use super::folder::FolderChoice;
use super::inputs::Inputs;
use crate::contract::EntrypointArgs;
use crate::pod::Platform;

/// How this binary reads an `execute` command line (`[program, execute, …]`): the entrypoint
/// arguments, or why it is not one. The command line's parser, given to the library.
pub(crate) type ReadExecute = fn(&[String]) -> Result<EntrypointArgs, String>;

/// The task a run runs.
#[derive(Debug, Clone)]
pub(crate) enum What {
    /// A registered task or map, by name.
    Registered(String),
    /// The task a template file describes; with `check`, only checked.
    TemplateFile { path: PathBuf, check: bool },
}

/// The flags of a map over a task (`--map`, `--bound`, …), and `--in-process`.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapFlags {
    /// Run the task as a map over lists.
    pub(crate) map: bool,
    /// Inputs every element gets whole.
    pub(crate) bound: Vec<String>,
    /// How many elements run at once.
    pub(crate) concurrency: Option<usize>,
    /// The share of elements that must succeed.
    pub(crate) min_success_ratio: Option<f32>,
    /// How many elements must succeed.
    pub(crate) min_successes: Option<u32>,
    /// Run the elements in this process.
    pub(crate) in_process: bool,
}

/// One local run, as asked for.
#[derive(Debug, Clone)]
pub(crate) struct RunRequest {
    pub(crate) what: What,
    pub(crate) inputs: Inputs,
    pub(crate) folder: FolderChoice,
    /// Keep the run's files under this prefix instead of the run folder.
    pub(crate) storage: Option<String>,
    /// The attempt (retry) number.
    pub(crate) attempt: u32,
    /// The cluster's settings.
    pub(crate) platform: Platform,
    /// In a container, or (`None`) as a process of this binary.
    pub(crate) container: Option<ContainerChoice>,
    pub(crate) map: MapFlags,
    pub(crate) read_execute: ReadExecute,
}
