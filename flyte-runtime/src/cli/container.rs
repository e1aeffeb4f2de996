//! `run … --container IMAGE`: the task's pod (see [`crate::pod`]) on the local Docker engine.
//! The `docker run` comes from the pod model; this file only starts it, asks the engine how
//! the container ended (exit code, OOM kill) and for the end of its logs (what Kubernetes
//! keeps as the termination message), and removes it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pod::{docker_run, ContainerExit, DockerOptions, Pod};
use crate::proto::core::LiteralMap;

/// The local folders holding file, directory and table inputs, however deep in lists, maps
/// and optionals (mounted read-only).
pub(crate) fn input_folders(inputs: &LiteralMap) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lit in inputs.literals.values() {
        super::inputs::for_each_location(&mut lit.clone(), &mut |uri| {
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
) -> Result<Vec<(PathBuf, bool)>, String> {
    volumes
        .iter()
        .chain(&input_folders(inputs))
        .map(|v| {
            std::path::absolute(v)
                .map(|v| (v, true))
                .map_err(|e| format!("{}: {e}", v.display()))
        })
        .collect()
}

/// How the pod's container ended.
pub(crate) struct Ran {
    pub(crate) exit: ContainerExit,
    /// The last lines of its logs (Kubernetes' `FallbackToLogsOnError` message).
    pub(crate) logs_tail: String,
    pub(crate) took: Duration,
}

fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| format!("cannot start `docker` (is the Docker engine installed?): {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Runs the pod's primary container, named `primary`, in `image` (propeller's container image
/// override).
pub(crate) fn run_pod(
    pod: &Pod,
    primary: &str,
    image: &str,
    options: &DockerOptions,
) -> Result<Ran, String> {
    let mut pod = pod.clone();
    for c in pod.spec.containers.iter_mut().filter(|c| c.name == primary) {
        c.image = image.to_string();
    }
    if pod.spec.containers.len() > 1 || !pod.spec.init_containers.is_empty() {
        tracing::warn!(
            "the pod has other containers than `{primary}`; a local run starts only the primary one"
        );
    }
    let mut cmd = docker_run(&pod, primary, options).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `docker` (is the Docker engine installed?): {e}"))?;
    let took = started.elapsed();
    let state = docker(&[
        "inspect",
        "--format",
        "{{.State.ExitCode}} {{.State.OOMKilled}}",
        &options.name,
    ]);
    let Ok(state) = state else {
        return Err(format!(
            "`docker run` failed ({status}) before the container started; is the image `{image}` built and the engine running?"
        ));
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
    Ok(Ran {
        exit: ContainerExit {
            name: primary.to_string(),
            code: code.parse().unwrap_or(-1),
            oom_killed: oom == "true",
        },
        logs_tail: logs_tail.trim_end().to_string(),
        took,
    })
}
