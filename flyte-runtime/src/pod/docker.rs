//! A [`Pod`] run on the local Docker engine: `docker run` derived field by field from the pod
//! model, so a local run has what the pod has and nothing more. The primary container runs
//! with the image's own user and filesystem; its env in order; its limits as `--cpus` and
//! `--memory`; secret volumes as read-only files; `emptyDir` volumes as tmpfs; the pod's
//! host network, DNS configuration and host aliases. Hardening a pod does not have (no
//! network, read-only root, no capabilities) is an explicit opt-in.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::model::{Container, Pod, Volume};
use super::secrets::SECRETS_ENV_PREFIX;
use crate::contract::PodEnv;

/// Why a pod cannot be run on Docker as it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DockerError {
    /// The pod has no container of the primary container's name.
    #[error("the pod has no container named `{0}`")]
    NoPrimary(String),
    /// A volume kind that has no local equivalent.
    #[error("volume `{name}` ({kind}) cannot be provided by a local run; only secret and emptyDir volumes can")]
    Volume {
        /// The volume.
        name: String,
        /// Its kind (`hostPath`, `persistentVolumeClaim`, …).
        kind: String,
    },
    /// A secret file could not be staged for the container.
    #[error("cannot stage secret file {path}: {source}")]
    Secret {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// How the local run differs from the pod, explicitly.
#[derive(Debug, Clone, Default)]
pub struct DockerOptions {
    /// Host folders mounted at the same path (the run folder standing in for object storage,
    /// folders of local file inputs), read-write when the flag is false.
    pub mounts: Vec<(PathBuf, bool)>,
    /// Where secret files are staged for the container (a folder of the run's).
    pub secrets_dir: PathBuf,
    /// Opt-in hardening a pod does not have: no network, a read-only root filesystem, no
    /// capabilities, no privilege escalation.
    pub harden: bool,
    /// The container's name on the engine.
    pub name: String,
    /// The caller's environment, where the stand-ins of the pod's Kubernetes secrets are
    /// read ([`local_secret_value`]).
    pub env: PodEnv,
}

/// Where a secret's value comes from locally: `_FSEC_<GROUP>_<KEY>`, else `<GROUP>_<KEY>`, in
/// the caller's environment `env` (a Kubernetes secret's stand-in).
pub fn local_secret_value(env: &PodEnv, group: &str, key: &str) -> Option<String> {
    let bare = format!("{group}_{key}").to_uppercase();
    env.raw(&format!("{SECRETS_ENV_PREFIX}{bare}"))
        .or_else(|| env.raw(&bare))
        .map(str::to_string)
}

/// The `docker run` command (without `--rm`: the caller inspects how it ended) for the pod's
/// primary container `primary`.
pub fn docker_run(
    pod: &Pod,
    primary: &str,
    options: &DockerOptions,
) -> Result<Command, DockerError> {
    let c = pod
        .spec
        .containers
        .iter()
        .find(|c| c.name == primary)
        .ok_or_else(|| DockerError::NoPrimary(primary.to_string()))?;
    let mut cmd = Command::new("docker");
    cmd.args(["run", "--name", &options.name]);
    if options.harden {
        cmd.args(["--network", "none", "--read-only", "--cap-drop", "ALL"])
            .args(["--security-opt", "no-new-privileges"]);
    } else if pod.spec.host_network {
        cmd.args(["--network", "host"]);
    }
    // The pod's name servers (`dnsConfig`; its `dnsPolicy` is `ClusterFirst` unless a
    // template says otherwise). In the cluster the kubelet writes them after the policy's
    // own (the cluster's DNS; the node's for a pod on the node's network), three at most, so
    // they are asked only when the ones before do not answer. Locally there is no cluster
    // DNS to put first: on the default bridge and on the host network, docker's `--dns`
    // writes these servers as the container's only `nameserver` lines, in place of the
    // host's (on a user-defined network docker's embedded resolver, 127.0.0.11, forwards to
    // them). A local run therefore asks them first and alone: they stand in for the
    // cluster's DNS, which is where the names of the storage and services a pod reaches
    // would resolve.
    if let Some(dns) = &pod.spec.dns_config {
        for ns in &dns.nameservers {
            cmd.args(["--dns", ns]);
        }
        for s in &dns.searches {
            cmd.args(["--dns-search", s]);
        }
    }
    for alias in &pod.spec.host_aliases {
        for host in &alias.hostnames {
            cmd.arg("--add-host").arg(format!("{host}:{}", alias.ip));
        }
    }
    for (dir, read_only) in &options.mounts {
        let ro = if *read_only { ":ro" } else { "" };
        cmd.arg("--volume")
            .arg(format!("{0}:{0}{ro}", dir.display()));
    }
    mount_volumes(&mut cmd, pod, c, options)?;
    env(&mut cmd, c, &options.env);
    limits(&mut cmd, c);
    match c.command.split_first() {
        Some((entrypoint, rest)) => {
            cmd.args(["--entrypoint", entrypoint])
                .arg(&c.image)
                .args(rest);
        }
        None => {
            cmd.arg(&c.image);
        }
    }
    cmd.args(&c.args);
    Ok(cmd)
}

/// The container's env, in order; values from secrets pass through docker's own
/// environment (`--env NAME`), never on its command line.
fn env(cmd: &mut Command, c: &Container, caller: &PodEnv) {
    for var in &c.env {
        if let Some(value) = &var.value {
            cmd.arg("--env").arg(format!("{}={value}", var.name));
        } else if let Some(secret) = var
            .value_from
            .as_ref()
            .and_then(|f| f.secret_key_ref.as_ref())
        {
            // An optional secret that does not exist leaves the variable unset, as in a pod.
            if let Some(value) = local_secret_value(caller, &secret.name, &secret.key) {
                cmd.env(&var.name, value).arg("--env").arg(&var.name);
            }
        }
    }
}

/// `--cpus` and `--memory` from the limits (after propeller's defaulting they are always
/// set for CPU and memory).
fn limits(cmd: &mut Command, c: &Container) {
    if let Some(cpu) = c.resources.limits.get("cpu").filter(|q| !q.is_zero()) {
        cmd.args(["--cpus", &format!("{}", cpu.millis() as f64 / 1000.0)]);
    }
    if let Some(mem) = c.resources.limits.get("memory").filter(|q| !q.is_zero()) {
        // Fractions of a byte (refused when a task is defined) round up.
        let bytes = mem
            .whole_units()
            .unwrap_or_else(|| (mem.millis() as u64).div_ceil(1000));
        cmd.args(["--memory", &bytes.to_string()]);
    }
}

fn mount_volumes(
    cmd: &mut Command,
    pod: &Pod,
    c: &Container,
    options: &DockerOptions,
) -> Result<(), DockerError> {
    for mount in &c.volume_mounts {
        let Some(volume) = pod.spec.volumes.iter().find(|v| v.name == mount.name) else {
            continue;
        };
        if let Some(secret) = &volume.secret {
            let dir = options.secrets_dir.join(&volume.name);
            stage_dir(&dir)?;
            for item in &secret.items {
                if let Some(value) =
                    local_secret_value(&options.env, &secret.secret_name, &item.key)
                {
                    stage_file(&dir.join(&item.path), &value)?;
                }
            }
            cmd.arg("--volume")
                .arg(format!("{}:{}:ro", dir.display(), mount.mount_path));
        } else if let Some(empty_dir) = &volume.empty_dir {
            let size = empty_dir
                .size_limit
                .as_ref()
                .and_then(super::Quantity::whole_units);
            let spec = match size {
                Some(bytes) => format!("{}:rw,size={bytes}", mount.mount_path),
                None => format!("{}:rw", mount.mount_path),
            };
            cmd.arg("--tmpfs").arg(spec);
        } else {
            return Err(volume_error(volume));
        }
    }
    Ok(())
}

fn volume_error(v: &Volume) -> DockerError {
    DockerError::Volume {
        name: v.name.clone(),
        kind: v
            .extra
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "unknown".into()),
    }
}

fn stage_dir(dir: &Path) -> Result<(), DockerError> {
    let err = |source| DockerError::Secret {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).map_err(err)?;
    }
    Ok(())
}

/// A secret file as Kubernetes writes it: mode 0644, readable by the image's user.
fn stage_file(path: &Path, value: &str) -> Result<(), DockerError> {
    let err = |source| DockerError::Secret {
        path: path.to_path_buf(),
        source,
    };
    crate::storage::write_local_atomically(path, value.as_bytes()).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pod::{build_pod, Platform, PodRun};
    use crate::proto::core::{
        resources::{ResourceEntry, ResourceName},
        secret::MountType,
        task_template, Container as TemplateContainer, KeyValuePair, Resources, Secret,
        SecurityContext, TaskTemplate,
    };

    fn template() -> TaskTemplate {
        TaskTemplate {
            r#type: "t".into(),
            target: Some(task_template::Target::Container(TemplateContainer {
                image: "img:1".into(),
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
                    requests: vec![ResourceEntry {
                        name: ResourceName::Cpu as i32,
                        value: "250m".into(),
                    }],
                    limits: vec![],
                }),
                ..Default::default()
            })),
            security_context: Some(SecurityContext {
                secrets: vec![
                    Secret {
                        group: "g".into(),
                        key: "file-key".into(),
                        ..Default::default()
                    },
                    Secret {
                        group: "g".into(),
                        key: "env-key".into(),
                        mount_requirement: MountType::EnvVar as i32,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn line(harden: bool) -> String {
        let pod = build_pod(
            &template(),
            &PodRun::under("/runs/r1", 0),
            &Platform::default(),
        )
        .unwrap();
        let options = DockerOptions {
            mounts: vec![(PathBuf::from("/runs/r1"), false)],
            secrets_dir: std::env::temp_dir()
                .join(format!("flyte-rs-docker-test-{}", std::process::id())),
            harden,
            name: "c1".into(),
            env: PodEnv::default(),
        };
        let primary = pod.spec.containers[0].name.clone();
        let cmd = docker_run(&pod, &primary, &options).unwrap();
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn docker_run_has_what_the_pod_has_and_nothing_more() {
        let line = line(false);
        for part in [
            "run --name c1 --volume /runs/r1:/runs/r1 --volume ",
            "/m4pq:/etc/flyte/secrets/g:ro", // flyteplugins' base32 of `g_`
            // The template's env, then the workflow's id (a task launched on its own: the
            // workflow flyteadmin generates), then the execution's.
            "--env A=1 --env FLYTE_INTERNAL_EXECUTION_WORKFLOW=flytesnacks:development:.flytegen. \
             --env FLYTE_INTERNAL_EXECUTION_ID=local",
            "--env FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets --env FLYTE_SECRETS_FILE_PREFIX=",
            // request 250m, no limit: the limit is the request; memory flyteadmin's
            // compiled-in default, 200Mi.
            "--cpus 0.25 --memory 209715200 img:1 bin execute --inputs /runs/r1/inputs.pb",
        ] {
            assert!(line.contains(part), "`{part}` not in: {line}");
        }
        for absent in [
            "--tmpfs",
            "--read-only",
            "--user",
            "--network",
            "--cap-drop",
        ] {
            assert!(
                !line.contains(absent),
                "`{absent}` (a pod has no such thing) in: {line}"
            );
        }
        // The ENV_VAR secret is passed by name only when this process has a value for it.
        assert!(!line.contains("_FSEC_G_ENV-KEY"), "{line}");
        assert!(line.contains("FLYTE_SECRETS_ENV_PREFIX=_FSEC_"), "{line}");
    }

    /// The platform's name servers (`default-pod-dns-config`) reach docker as `--dns`; the
    /// pod keeps Kubernetes' default policy.
    #[test]
    fn the_pods_name_servers_are_dockers() {
        let platform = Platform {
            dns_config: Some(crate::pod::DnsConfig {
                nameservers: vec!["10.0.0.53".into()],
                searches: vec!["svc.local".into()],
            }),
            ..Platform::default()
        };
        let pod = build_pod(&template(), &PodRun::under("/runs/r1", 0), &platform).unwrap();
        assert_eq!(pod.spec.dns_policy, "", "propeller sets no dnsPolicy");
        let options = DockerOptions {
            name: "c1".into(),
            secrets_dir: std::env::temp_dir()
                .join(format!("flyte-rs-docker-dns-test-{}", std::process::id())),
            ..DockerOptions::default()
        };
        let primary = pod.spec.containers[0].name.clone();
        let cmd = docker_run(&pod, &primary, &options).unwrap();
        let line = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            line.contains("--dns 10.0.0.53 --dns-search svc.local"),
            "{line}"
        );
    }

    #[test]
    fn hardening_is_opt_in() {
        assert!(line(true).contains(
            "--network none --read-only --cap-drop ALL --security-opt no-new-privileges"
        ));
    }
}
