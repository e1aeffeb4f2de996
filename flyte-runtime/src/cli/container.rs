//! `run … --container IMAGE`: runs a task's pod the way FlytePropeller would, on the local
//! Docker engine: the template's container args with the placeholders substituted (paths in
//! the run folder, mounted at the same path), the template's env and resource limits, the
//! requested secrets as `_FSEC_<GROUP>_<KEY>`, no network, a read-only root filesystem with a
//! tmpfs `/tmp`, a non-root user, no capabilities. The image's own entrypoint is kept (ours
//! have none), so `args[0]` is found on the image's `PATH`, as in a pod.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::proto::core::{
    literal, resources::ResourceName, scalar, task_template, LiteralMap, TaskTemplate,
};
use crate::task::Placeholders;

/// The user the container runs as (distroless's `nonroot`).
pub const CONTAINER_USER: &str = "65532:65532";

/// `--cpus` from a Kubernetes CPU quantity (`500m` → `0.5`, `2` → `2`).
fn docker_cpus(q: &str) -> Option<String> {
    let cores = match q.strip_suffix('m') {
        Some(milli) => milli.parse::<f64>().ok()? / 1000.0,
        None => q.parse::<f64>().ok()?,
    };
    (cores > 0.0).then(|| format!("{cores}"))
}

/// `--memory` in bytes from a Kubernetes memory quantity (`500Mi`, `1Gi`, `1G`, `128974848`).
fn docker_memory(q: &str) -> Option<String> {
    const UNITS: [(&str, f64); 12] = [
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    let (number, factor) = UNITS
        .iter()
        .find_map(|(suffix, f)| q.strip_suffix(suffix).map(|n| (n, *f)))
        .unwrap_or((q, 1.0));
    let bytes = number.parse::<f64>().ok()? * factor;
    (bytes >= 1.0).then(|| format!("{}", bytes.round() as u64))
}

/// The local folders holding file and directory inputs (mounted read-only).
fn input_folders(inputs: &LiteralMap) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lit in inputs.literals.values() {
        let Some(literal::Value::Scalar(s)) = &lit.value else {
            continue;
        };
        let Some(scalar::Value::Blob(b)) = &s.value else {
            continue;
        };
        let path = b.uri.strip_prefix("file://").unwrap_or(&b.uri);
        if path.starts_with('/') {
            let p = Path::new(path);
            let dir = if p.is_dir() { Some(p) } else { p.parent() };
            out.extend(dir.map(Path::to_path_buf));
        }
    }
    out
}

/// The `docker run` command for `template` with its files in `dir`.
pub(crate) fn docker_command(
    image: &str,
    template: &TaskTemplate,
    inputs: &LiteralMap,
    dir: &Path,
    volumes: &[PathBuf],
) -> Result<Command, String> {
    let container = match &template.target {
        Some(task_template::Target::Container(c)) => c,
        _ => return Err("the task's template has no container to run".to_string()),
    };
    let path = |n: &str| dir.join(n).display().to_string();
    let placeholders = Placeholders {
        input: path("inputs.pb"),
        output_prefix: dir.display().to_string(),
        raw_output_data_prefix: path("raw"),
        checkpoint_output_prefix: path("checkpoint"),
        prev_checkpoint_prefix: String::new(),
        task_template_path: path("template.pb"),
    };
    let args = placeholders.substitute(&container.args);
    let task = template.id.as_ref().map_or("", |i| i.name.as_str());

    let mut cmd = Command::new("docker");
    cmd.args(["run", "--rm", "--network", "none", "--read-only"])
        .args(["--tmpfs", "/tmp:rw,size=512m", "--user", CONTAINER_USER])
        .args(["--cap-drop", "ALL", "--security-opt", "no-new-privileges"])
        .arg("--volume")
        .arg(format!("{0}:{0}", dir.display()));
    for v in volumes.iter().cloned().chain(input_folders(inputs)) {
        let v = std::path::absolute(&v).map_err(|e| format!("{}: {e}", v.display()))?;
        cmd.arg("--volume").arg(format!("{0}:{0}:ro", v.display()));
    }
    for kv in &container.env {
        cmd.arg("--env").arg(format!("{}={}", kv.key, kv.value));
    }
    for (k, v) in [
        ("FLYTE_INTERNAL_TASK_NAME", task),
        ("FLYTE_INTERNAL_EXECUTION_ID", "local"),
        ("FLYTE_ATTEMPT_NUMBER", "0"),
    ] {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    // Secrets: the value goes through docker's own environment (`--env NAME` copies it), so
    // it is never on a command line.
    for s in template
        .security_context
        .as_ref()
        .map(|c| c.secrets.as_slice())
        .unwrap_or_default()
    {
        let name = format!("_FSEC_{}_{}", s.group, s.key).to_uppercase();
        let local = format!("{}_{}", s.group, s.key).to_uppercase();
        if let Ok(value) = std::env::var(&name).or_else(|_| std::env::var(&local)) {
            cmd.env(&name, value).arg("--env").arg(&name);
        }
    }
    let resources = container.resources.clone().unwrap_or_default();
    let limit = |name: ResourceName| {
        let find = |entries: &[crate::proto::core::resources::ResourceEntry]| {
            entries
                .iter()
                .find(|e| e.name == name as i32)
                .map(|e| e.value.clone())
        };
        find(&resources.limits).or_else(|| find(&resources.requests))
    };
    if let Some(cpus) = limit(ResourceName::Cpu).as_deref().and_then(docker_cpus) {
        cmd.args(["--cpus", &cpus]);
    }
    if let Some(mem) = limit(ResourceName::Memory)
        .as_deref()
        .and_then(docker_memory)
    {
        cmd.args(["--memory", &mem]);
    }
    cmd.arg(image).args(args);
    Ok(cmd)
}

/// Runs the pod; returns how long `docker run` took. Its exit code is the entrypoint's
/// (0 after outputs or an error document); docker's own failures are 125–127.
pub(crate) fn run_container(mut cmd: Command) -> Result<Duration, String> {
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `docker` (is the Docker engine installed?): {e}"))?;
    let took = started.elapsed();
    match status.code() {
        Some(125..=127) => Err(format!(
            "`docker run` failed ({status}); is the image built and the engine running?"
        )),
        _ => Ok(took),
    }
}

/// Lets the container's user write the run folder (it runs as another, non-root user).
pub(crate) fn open_for_container(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777))
            .map_err(|e| format!("cannot open {} to the container: {e}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pod_is_locked_down_and_gets_the_templates_args_env_limits_and_secrets() {
        use crate::proto::core::{
            resources::ResourceEntry, Container, KeyValuePair, Resources, Secret, SecurityContext,
        };
        let entry = |name: ResourceName, value: &str| ResourceEntry {
            name: name as i32,
            value: value.to_string(),
        };
        let template = TaskTemplate {
            target: Some(task_template::Target::Container(Container {
                args: vec![
                    "bin".into(),
                    "execute".into(),
                    "--inputs".into(),
                    "{{.input}}".into(),
                ],
                env: vec![KeyValuePair {
                    key: "A".into(),
                    value: "1".into(),
                }],
                resources: Some(Resources {
                    requests: vec![entry(ResourceName::Cpu, "250m")],
                    limits: vec![entry(ResourceName::Memory, "1Gi")],
                }),
                ..Default::default()
            })),
            security_context: Some(SecurityContext {
                secrets: vec![Secret {
                    group: "unit-test-group".into(),
                    key: "never-set".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        let cmd = docker_command(
            "img:1",
            &template,
            &LiteralMap::default(),
            Path::new("/runs/r1"),
            &[],
        )
        .unwrap();
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let line = args.join(" ");
        for part in [
            "run --rm --network none --read-only --tmpfs /tmp:rw,size=512m --user 65532:65532",
            "--cap-drop ALL --security-opt no-new-privileges --volume /runs/r1:/runs/r1",
            "--env A=1",
            "--cpus 0.25 --memory 1073741824",
            "img:1 bin execute --inputs /runs/r1/inputs.pb",
        ] {
            assert!(line.contains(part), "`{part}` not in: {line}");
        }
        // An absent secret is not passed at all.
        assert!(!line.contains("_FSEC_UNIT-TEST-GROUP"), "{line}");
    }

    #[test]
    fn kubernetes_quantities_become_docker_limits() {
        assert_eq!(docker_cpus("500m").as_deref(), Some("0.5"));
        assert_eq!(docker_cpus("2").as_deref(), Some("2"));
        assert_eq!(docker_cpus("1.5").as_deref(), Some("1.5"));
        assert_eq!(docker_cpus("0"), None);
        assert_eq!(docker_memory("500Mi").as_deref(), Some("524288000"));
        assert_eq!(docker_memory("1Gi").as_deref(), Some("1073741824"));
        assert_eq!(docker_memory("1G").as_deref(), Some("1000000000"));
        assert_eq!(docker_memory("128974848").as_deref(), Some("128974848"));
        assert_eq!(docker_memory("lots"), None);
    }
}
