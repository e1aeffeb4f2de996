//! The cluster settings `pod` and `run --container` model: a preset of an official
//! deployment's settings (`--platform`), an operator's config file over it
//! (`--platform-config`), then flags, each one a setting of flyteadmin, flyteplugins' k8s
//! plugin or propeller that a Flyte operator can make, and nothing else (`--help` names the
//! setting).

use crate::contract::PodEnv;
use clap::Args;

use crate::pod::{
    apply_platform_config, DnsConfig, HostAlias, LiteralOffloading, Platform, PodTemplate, Preset,
};

/// The operator's settings that shape a task pod.
#[derive(Debug, Clone, Default, Args)]
pub struct PlatformArgs {
    /// The settings an official deployment ships (v1.16.8): `flyte-binary` (the default:
    /// its chart sets no resources, so flyteadmin's compiled-in `task_resources` apply,
    /// requests cpu 2 / memory 200Mi, ceilings cpu 2 / memory 1Gi / gpu 1), `flyte-core`
    /// (100m / 500Mi, ceilings 2 / 1Gi / gpu 1; `maxDownloadMBs` 10), `sandbox` (500m / 1Gi,
    /// no ceilings) or `compiled-in` (the same as `flyte-binary`).
    #[arg(long = "platform", value_name = "PRESET", value_parser = parse_preset)]
    pub preset: Option<Preset>,
    /// An operator's config file laid over the preset: flyteadmin's `task_resources:
    /// {defaults: {cpu, memory, ephemeralStorage, gpu}, limits: {…}}`, the k8s plugin's
    /// `plugins.k8s` (`default-cpus`, `default-memory`, `gpu-resource-name`,
    /// `default-env-vars`, `enable-host-networking-pod`, `default-pod-dns-config`,
    /// `default-annotations`, `default-labels`, `default-pod-template-name`), `propeller.literal-offloading-config` and
    /// `storage.limits.maxDownloadMBs`. Other keys are ignored, as Flyte ignores unknown
    /// keys, with a warning. The flags below apply over it.
    #[arg(long = "platform-config", value_name = "FILE")]
    pub platform_config: Option<std::path::PathBuf>,
    /// Add `NAME=VALUE` to every task container (k8s plugin `default-env-vars`, where a
    /// sandbox puts its storage endpoint and keys); a bare `NAME` takes this process's value.
    #[arg(long = "platform-env", value_name = "NAME[=VALUE]")]
    pub platform_env: Vec<String>,
    /// Turn literal offloading on with this minimum size in MiB (propeller
    /// `literal-offloading-config.min-size-in-mb-for-offloading`; sets `_F_L_MIN_SIZE_MB`).
    #[arg(long, value_name = "MIB")]
    pub offload_min_mb: Option<i64>,
    /// The offloading maximum in MiB (`max-size-in-mb-for-offloading`; default 1000).
    #[arg(long, value_name = "MIB", requires = "offload_min_mb")]
    pub offload_max_mb: Option<i64>,
    /// Pods on the node's network (k8s plugin `enable-host-networking-pod`).
    #[arg(long)]
    pub host_network: bool,
    /// A name server of the pods (k8s plugin `default-pod-dns-config.nameservers`).
    #[arg(long = "dns", value_name = "IP")]
    pub dns: Vec<String>,
    /// An `/etc/hosts` entry of the pods (a default pod template's `hostAliases`).
    #[arg(long = "add-host", value_name = "NAME:IP")]
    pub add_host: Vec<String>,
    /// A Kubernetes `PodTemplate` (YAML, `metadata.name`, `template: {metadata, spec}`) in
    /// the cluster, in its `metadata.namespace` or else propeller's own (`flyte`), which
    /// is looked in after the execution's. A task's `pod_template_name` must name one;
    /// repeatable.
    #[arg(long = "pod-template", value_name = "FILE")]
    pub pod_templates: Vec<std::path::PathBuf>,
    /// The PodTemplate merged under the pod of a task that names none (k8s plugin
    /// `default-pod-template-name`); none when it does not exist.
    #[arg(long = "default-pod-template", value_name = "NAME")]
    pub default_pod_template: Option<String>,
    /// The largest outputs.pb or error document propeller reads, in MiB (flytestdlib
    /// `storage.limits.maxDownloadMBs`; compiled in: 2).
    #[arg(long, value_name = "MIB")]
    pub max_download_mb: Option<u64>,
}

fn parse_preset(name: &str) -> Result<Preset, String> {
    Preset::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Preset::ALL.iter().map(|p| p.name()).collect();
        format!("one of {}", names.join(", "))
    })
}

impl PlatformArgs {
    /// The preset these flags name (`flyte-binary` by default).
    pub(crate) fn preset(&self) -> Preset {
        self.preset.unwrap_or(Preset::FlyteBinary)
    }

    /// Where the platform's settings come from, for a reader: the preset and the file.
    pub(crate) fn source(&self) -> String {
        match &self.platform_config {
            Some(f) => format!("preset `{}` + {}", self.preset().name(), f.display()),
            None => format!("preset `{}`", self.preset().name()),
        }
    }

    /// The platform these flags describe: the preset, the config file read over it (each
    /// ignored key warned about on stderr), the flags; a `--platform-env NAME` without a
    /// value takes it from `env` (the caller's environment).
    pub(crate) fn platform(&self, env: &PodEnv) -> Result<Platform, String> {
        let mut p = Platform::preset(self.preset());
        if let Some(file) = &self.platform_config {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("--platform-config {}: {e}", file.display()))?;
            let warnings = apply_platform_config(&mut p, &text)
                .map_err(|e| format!("--platform-config {}: {e}", file.display()))?;
            for w in warnings {
                eprintln!("warning: --platform-config {}: {w}", file.display());
            }
        }
        for file in &self.pod_templates {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("--pod-template {}: {e}", file.display()))?;
            let t = PodTemplate::from_yaml(&text)
                .map_err(|e| format!("--pod-template {}: {e}", file.display()))?;
            p.pod_templates.push(t);
        }
        if let Some(name) = &self.default_pod_template {
            p.default_pod_template_name = name.clone();
        }
        if self.host_network {
            p.host_network = true;
        }
        if let Some(mb) = self.max_download_mb {
            p.max_download_bytes = mb << 20;
        }
        for e in &self.platform_env {
            let (name, value) = match e.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (
                    e.clone(),
                    env.raw(e).map(str::to_string).ok_or_else(|| {
                        format!("--platform-env {e}: `{e}` is not set in this environment")
                    })?,
                ),
            };
            p.default_env_vars.push((name, value));
        }
        if let Some(min) = self.offload_min_mb {
            p.literal_offloading = Some(LiteralOffloading {
                min_size_mb: min,
                max_size_mb: self
                    .offload_max_mb
                    .unwrap_or(LiteralOffloading::default().max_size_mb),
            });
        }
        if !self.dns.is_empty() {
            p.dns_config = Some(DnsConfig {
                nameservers: self.dns.clone(),
                searches: Vec::new(),
            });
        }
        for h in &self.add_host {
            let (name, ip) = h
                .split_once(':')
                .ok_or_else(|| format!("--add-host `{h}` is not NAME:IP"))?;
            p.host_aliases.push(HostAlias {
                ip: ip.to_string(),
                hostnames: vec![name.to_string()],
            });
        }
        Ok(p)
    }
}
