//! The arguments of `run` (a task once, or `--map` over lists), and the local run they ask
//! for.

use std::path::PathBuf;

use clap::Args;

use super::inputs::InputArgs;
use super::platform_args::PlatformArgs;
use crate::local::{ContainerChoice, FolderChoice, Inputs, MapFlags, RunRequest, What};
use crate::pod::Platform;

/// Arguments of `run`.
#[derive(Debug, Clone, Args)]
#[command(after_help = format!("{}\n{}", super::inputs::INPUT_SYNTAX, super::inputs::TASK_HELP_HINT))]
pub struct RunArgs {
    /// The registered task's name (see `list`).
    #[arg(required_unless_present = "template")]
    pub task: Option<String>,
    /// Run the task this TaskTemplate file describes (protobuf, as `template` or flytekit
    /// writes it) instead of a registered one, in the pod propeller would make of it: its
    /// container's args are what runs (here, when they are this binary's `execute`; any
    /// image's with --container).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["task", "map", "in_process"]
    )]
    pub template: Option<PathBuf>,
    /// With --template: only check the file, as its run would before the executor starts
    /// (the pod, the `execute` it starts, the configuration against its task type's
    /// `validate_with`), and exit: 0 when it passes, else 1 with why.
    #[arg(long, requires = "template")]
    pub check: bool,
    /// The inputs.
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The inputs as a LiteralMap file (protobuf, a pod's `inputs.pb`), instead of
    /// `--input` and `--inputs-json`; passed on as they are, and checked by the task's own
    /// run as in a pod.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "inputs_json"])]
    pub inputs_pb: Option<PathBuf>,
    /// Where to leave template.pb, inputs.pb and outputs.pb/error.pb; a folder given here is
    /// always kept. Default: a new folder under the system's temporary directory
    /// (`flyte-rs-runs/<task>-<time>`), removed when the run succeeds unless `--keep` is
    /// given or its outputs are files in it; a failed run's folder is kept for a look.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Keep the run's folder after a successful run too.
    #[arg(long)]
    pub keep: bool,
    /// Run the task's pod in this image on the local Docker engine, derived from the pod
    /// propeller would create (see `pod`): the image's own user and filesystem, the
    /// rendered args, the env in propeller's order, limits, secrets as files or variables.
    #[arg(long, value_name = "IMAGE")]
    pub container: Option<String>,
    /// With --container: a host folder the task reads (a database, say), mounted read-only
    /// at the same path. Folders of local file inputs are mounted without asking.
    #[arg(long = "volume", value_name = "DIR", requires = "container")]
    pub volumes: Vec<PathBuf>,
    /// With --container: hardening a pod does not have, opt-in: no network, a read-only
    /// root filesystem, no capabilities, no privilege escalation.
    #[arg(long, requires = "container")]
    pub harden: bool,
    /// Keep the run's files (template, inputs, outputs) under this prefix instead of the
    /// run folder, e.g. `s3://bucket/runs/1` (S3 settings from `FLYTE_AWS_ENDPOINT`, …);
    /// give the pod its own with `--platform-env`.
    #[arg(long, value_name = "URI")]
    pub storage: Option<String>,
    /// The attempt (retry) number; from 1 on, the previous attempt's checkpoint is
    /// `--prev-checkpoint`.
    #[arg(long, default_value_t = 0)]
    pub attempt: u32,
    /// The cluster's settings.
    #[command(flatten)]
    pub platform: PlatformArgs,
    /// Run a map over lists (an ArrayNode): each input not bound takes a list (`-i a=[1,2]`),
    /// and each element runs as its own process of this binary, as propeller runs a pod per
    /// element; the outputs are lists in index order (none for a failed element).
    #[arg(long)]
    pub map: bool,
    /// With --map: an input every element gets whole (repeatable).
    #[arg(long = "bound", value_name = "INPUT", requires = "map")]
    pub bound: Vec<String>,
    /// With --map: how many elements run at once (default: the machine's CPUs).
    #[arg(long, value_name = "N", requires = "map")]
    pub concurrency: Option<usize>,
    /// With --map: the share of elements that must succeed (default: all).
    #[arg(
        long,
        value_name = "RATIO",
        requires = "map",
        conflicts_with = "min_successes"
    )]
    pub min_success_ratio: Option<f32>,
    /// With --map: how many elements must succeed (default: all).
    #[arg(long, value_name = "N", requires = "map")]
    pub min_successes: Option<u32>,
    /// Run a map's elements in this process (each the same supervised run as a pod's
    /// `execute`, its timeout enforced) instead of a process per element: for maps of many
    /// small elements. With --map or a registered map; not with --container.
    #[arg(long, conflicts_with = "container")]
    pub in_process: bool,
}

impl RunArgs {
    /// What these arguments run: a registered task (or map), else a template file.
    pub(crate) fn what(&self) -> Option<What> {
        match (&self.task, &self.template) {
            (Some(task), _) => Some(What::Registered(task.clone())),
            (None, Some(path)) => Some(What::TemplateFile {
                path: path.clone(),
                check: self.check,
            }),
            (None, None) => None,
        }
    }

    /// The local run of `what` these arguments ask for, in the cluster `platform` (from
    /// `--platform-env` and the other platform flags, read against the caller's environment).
    pub(crate) fn request(&self, what: What, platform: Platform) -> RunRequest {
        RunRequest {
            what,
            inputs: match &self.inputs_pb {
                Some(path) => Inputs::Pb(path.clone()),
                None => Inputs::Text(self.inputs.text()),
            },
            folder: FolderChoice {
                dir: self.dir.clone(),
                keep: self.keep,
            },
            storage: self.storage.clone(),
            attempt: self.attempt,
            platform,
            container: self.container.as_ref().map(|image| ContainerChoice {
                image: image.clone(),
                volumes: self.volumes.clone(),
                harden: self.harden,
            }),
            map: MapFlags {
                map: self.map,
                bound: self.bound.clone(),
                concurrency: self.concurrency,
                min_success_ratio: self.min_success_ratio,
                min_successes: self.min_successes,
                in_process: self.in_process,
            },
            read_execute: super::execute_argv,
        }
    }
}
