//! A pod (see [`crate::pod`]) on the local Docker engine: the `docker run` comes from the pod
//! model; this file only starts it, asks the engine how the container ended (exit code, OOM
//! kill) and for the end of its logs (what Kubernetes keeps as the termination message), and
//! removes it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::error::LocalError;
use super::inputs::for_each_location;
use crate::pod::{docker_run, ContainerExit, DockerOptions, Pod};
use crate::proto::core::LiteralMap;

/// How a container run is asked for (`--container IMAGE`, `--volume`, `--harden`).
#[derive(Debug, Clone)]
pub(crate) struct ContainerChoice {
    /// The image the primary container runs (propeller's container image override).
    pub(crate) image: String,
    /// Host folders the task reads, mounted read-only at the same path.
    pub(crate) volumes: Vec<PathBuf>,
    /// Hardening a pod does not have (no network, read-only root, no capabilities).
    pub(crate) harden: bool,
}

/// The local folders holding file, directory and table inputs, however deep in lists, maps
/// and optionals (mounted read-only).
fn input_folders(inputs: &LiteralMap) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lit in inputs.literals.values() {
        for_each_location(&mut lit.clone(), &mut |uri| {
            let path = uri.strip_prefix("file://").unwrap_or(uri);
            if path.starts_with('/') {
                let p = Path::new(path);
                let dir = if p.is_dir() { Some(p) } else { p.parent() };
                out.extend(dir.map(Path::to_path_buf));
            }
        });
    }
    out.sort();
    out.dedup();
    out
}

/// The read-only mounts of a container run: the `--volume` folders and the folders of local
/// file inputs, each as an absolute path.
pub(crate) fn read_only_mounts(
    volumes: &[PathBuf],
    inputs: &LiteralMap,
) -> Result<Vec<(PathBuf, bool)>, LocalError> {
    volumes
        .iter()
        .chain(&input_folders(inputs))
        .map(|v| {
            std::path::absolute(v)
                .map(|v| (v, true))
                .map_err(|source| LocalError::Io {
                    path: v.clone(),
                    source,
                })
        })
        .collect()
}

/// How the pod's container ended.
pub(crate) struct ContainerRan {
    pub(crate) exit: ContainerExit,
    /// The last lines of its logs (Kubernetes' `FallbackToLogsOnError` message).
    pub(crate) logs_tail: String,
    pub(crate) took: Duration,
}

/// `docker ARGS`: its stdout when it succeeds, else what it said on stderr.
fn docker(args: &[&str]) -> Result<String, LocalError> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(LocalError::NoDocker)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(LocalError::DockerFailed {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// Runs the pod's primary container, named `primary`, in `image` (propeller's container image
/// override).
pub(crate) fn run_pod(
    pod: &Pod,
    primary: &str,
    image: &str,
    options: &DockerOptions,
) -> Result<ContainerRan, LocalError> {
    let mut pod = pod.clone();
    for c in pod.spec.containers.iter_mut().filter(|c| c.name == primary) {
        c.image = image.to_string();
    }
    if pod.spec.containers.len() > 1 || !pod.spec.init_containers.is_empty() {
        tracing::warn!(
            "the pod has other containers than `{primary}`; a local run starts only the primary one"
        );
    }
    let mut cmd = docker_run(&pod, primary, options)?;
    let started = Instant::now();
    let status = cmd.status().map_err(LocalError::NoDocker)?;
    let took = started.elapsed();
    let state = docker(&[
        "inspect",
        "--format",
        "{{.State.ExitCode}} {{.State.OOMKilled}}",
        &options.name,
    ]);
    let Ok(state) = state else {
        return Err(LocalError::ContainerDidNotStart {
            status,
            image: image.to_string(),
        });
    };
    let logs_tail = Command::new("docker")
        .args(["logs", "--tail", "20", &options.name])
        .output()
        .map(|o| String::from_utf8_lossy(&[o.stdout, o.stderr].concat()).into_owned())
        .unwrap_or_default();
    if let Err(e) = docker(&["rm", "--force", &options.name]) {
        tracing::warn!(container = %options.name, error = %e, "cannot remove the container");
    }
    let (code, oom) = state.split_once(' ').unwrap_or((state.as_str(), "false"));
    Ok(ContainerRan {
        exit: ContainerExit {
            name: primary.to_string(),
            code: code.parse().unwrap_or(-1),
            oom_killed: oom == "true",
        },
        logs_tail: logs_tail.trim_end().to_string(),
        took,
    })
}
