//! Why a local run did not run: each error names what it is about (the task, the file, the
//! element) and says it as the command line always has.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;

use super::inputs::InputsError;
use crate::contract::LoaderArgsError;
use crate::execute::LocalRunError;
use crate::pod::{DockerError, PodError, RenderError};
use crate::storage::StorageError;
use crate::task::registry::RegistryError;
use crate::task::{DefinitionError, MapTemplateError, RunError};

/// Why a local run (`run`, `run --map`, `run --template`) could not run or be read back.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LocalError {
    /// Neither a task nor a template file was named.
    #[error("name a registered task, or give --template")]
    NoTask,
    /// The registry cannot give the task, map or executor.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The task's template cannot be made.
    #[error(transparent)]
    Template(#[from] DefinitionError),
    /// The map's template cannot be made.
    #[error(transparent)]
    MapTemplate(#[from] MapTemplateError),
    /// A registered map was given the flags of `--map`.
    #[error(
        "`{task}` is a registered map: it runs with its own bound inputs, concurrency and \
         success criterion; run it without --map, --bound and --concurrency"
    )]
    RegisteredMapWithMapFlags { task: String },
    /// A reference task: its code is elsewhere.
    #[error("task `{task}` cannot run locally: {}", reference_reason(.reason.as_ref()))]
    Reference {
        task: String,
        reason: Option<DefinitionError>,
    },
    /// `--in-process` without a map.
    #[error(
        "--in-process runs the elements of a map in this process; `{task}` is a task: add \
         --map to map it, or run it without --in-process"
    )]
    InProcessTask { task: String },
    /// `--map` of an echo task.
    #[error("task `{task}` is an echo task: there is nothing to map")]
    MapOfEcho { task: String },
    /// A map given `--inputs-pb`.
    #[error(
        "`{task}` runs as a map, which takes its lists with --input or --inputs-json, not \
         --inputs-pb"
    )]
    MapWithInputsPb { task: String },
    /// A map given `--storage`.
    #[error(
        "--map keeps the node's files in the run folder; --storage does not combine with it \
         yet"
    )]
    MapWithStorage,
    /// The inputs given do not fit the task.
    #[error(transparent)]
    Inputs(#[from] InputsError),
    /// A file a flag names cannot be read.
    #[error("{flag} {}: cannot read it: {source}", path.display())]
    ReadFile {
        flag: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A file a flag names does not hold the message expected.
    #[error("{flag} {}: not a {what} (protobuf): {source}", path.display())]
    NotAMessage {
        flag: &'static str,
        path: PathBuf,
        what: &'static str,
        source: prost::DecodeError,
    },
    /// A template file whose task has nothing to run.
    #[error(
        "--template {}: task `{task}` ({task_type}) has neither a container nor a pod to run",
        path.display()
    )]
    NothingToRun {
        path: PathBuf,
        task: String,
        task_type: String,
    },
    /// The run folder cannot be made.
    #[error("cannot create {}: {source}", dir.display())]
    CreateFolder { dir: PathBuf, source: io::Error },
    /// A path cannot be made absolute.
    #[error("{source}")]
    Absolute { path: PathBuf, source: io::Error },
    /// A file or folder cannot be read (its metadata, its entries).
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// A folder cannot be opened to the container's user.
    #[error("cannot open {} to the container: {source}", path.display())]
    OpenToContainer { path: PathBuf, source: io::Error },
    /// A local file cannot be removed before the run.
    #[error("cannot clear {}: {source}", path.display())]
    Clear { path: PathBuf, source: io::Error },
    /// A local file cannot be written.
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// The async runtime cannot start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The template or inputs cannot be written where the pod reads them.
    #[error("cannot write the run's files: {0}")]
    WriteRunFiles(#[source] Box<StorageError>),
    /// An earlier run's results cannot be removed from the output prefix.
    #[error("cannot clear the results of an earlier run: {0}")]
    ClearResults(#[source] Box<StorageError>),
    /// An echo task's outputs cannot be written.
    #[error("cannot write the outputs: {0}")]
    WriteOutputs(#[source] Box<StorageError>),
    /// The results a run left cannot be read.
    #[error("cannot read the run's results: {0}")]
    ReadResults(#[source] Box<StorageError>),
    /// Propeller would refuse the task's pod.
    #[error("propeller would not start the pod: {0}")]
    Pod(#[source] Box<PodError>),
    /// The task's pod has no primary container.
    #[error("task `{task}`'s pod has no primary container to run")]
    NoPrimaryContainer { task: String },
    /// The primary container starts something this binary cannot run as a process.
    #[error(
        "task `{task}`'s container does not run a flyte-rs `execute` this binary can run \
         in-process ({reason}); its command line: {argv:?}; run it in its image with \
         --container IMAGE"
    )]
    NotAnExecute {
        task: String,
        reason: String,
        argv: Vec<String>,
    },
    /// The container's loader args do not name a task.
    #[error("task `{task}`: {source}")]
    LoaderArgs {
        task: String,
        source: LoaderArgsError,
    },
    /// The executor the loader args name is not in this binary.
    #[error("task `{task}`: {source}")]
    Executor { task: String, source: RegistryError },
    /// The template's configuration does not pass its task type's check.
    #[error("task `{task}`: {source}")]
    Config { task: String, source: RunError },
    /// This binary cannot be found to start processes of it.
    #[error("cannot find this binary to start {what}: {source}")]
    CurrentExe {
        what: &'static str,
        source: io::Error,
    },
    /// A process cannot be started.
    #[error("cannot start {}: {source}", program.display())]
    Start { program: PathBuf, source: io::Error },
    /// The map's lists do not make elements.
    #[error("the map cannot start: {reason}")]
    Lists { reason: String },
    /// The map's elements cannot be run in this process.
    #[error("the map cannot start: {0}")]
    InProcess(#[source] LocalRunError),
    /// The task of a map has no executor.
    #[error("task `{task}` has no executor to run")]
    NoExecutor { task: String },
    /// The map's template has no container.
    #[error("task `{task}` has no container to run")]
    NoContainer { task: String },
    /// An element's inputs cannot be taken from the lists.
    #[error("{reason}")]
    ElementInputs { index: usize, reason: String },
    /// An argument of the element's container cannot be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Propeller would refuse an element's pod.
    #[error("propeller would not start element {index}'s pod: {source}")]
    ElementPod { index: usize, source: Box<PodError> },
    /// An element's pod has no primary container.
    #[error("element {index}'s pod has no primary container to run")]
    ElementNoPrimaryContainer { index: usize },
    /// An element's process cannot be started.
    #[error("cannot start element {index}: {source}")]
    StartElement { index: usize, source: io::Error },
    /// An element was never run.
    #[error("element {index} did not run")]
    ElementDidNotRun { index: usize },
    /// An element's results cannot be read.
    #[error("cannot read element {index}'s results: {source}")]
    ReadElementResults {
        index: usize,
        source: Box<StorageError>,
    },
    /// `docker` cannot be started.
    #[error("cannot start `docker` (is the Docker engine installed?): {0}")]
    NoDocker(#[source] io::Error),
    /// `docker` ran and failed; what it said on stderr.
    #[error("{stderr}")]
    DockerFailed { command: String, stderr: String },
    /// The pod cannot be run with `docker run`.
    #[error(transparent)]
    DockerRun(#[from] DockerError),
    /// `docker run` ended before the container started.
    #[error(
        "`docker run` failed ({status}) before the container started; is the image `{image}` \
         built and the engine running?"
    )]
    ContainerDidNotStart { status: ExitStatus, image: String },
}

fn reference_reason(reason: Option<&DefinitionError>) -> String {
    reason.map_or_else(|| "it is a reference".to_string(), |e| e.to_string())
}

impl LocalError {
    /// A storage error of a run's own files, as `make` wraps it.
    pub(crate) fn storage(make: fn(Box<StorageError>) -> Self) -> impl Fn(StorageError) -> Self {
        move |e| make(Box::new(e))
    }
}
