//! The cluster settings `pod` and `run --container` model, as flags: each one is a setting
//! of flyteplugins' k8s plugin or of propeller that a Flyte operator can make, and nothing
//! else (`--help` names the setting).

use crate::contract::PodEnv;
use clap::Args;

use crate::pod::{DnsConfig, HostAlias, LiteralOffloading, Platform};

/// The operator's settings that shape a task pod.
#[derive(Debug, Clone, Default, Args)]
pub struct PlatformArgs {
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
    /// The largest outputs.pb or error document propeller reads, in MiB (flytestdlib
    /// `storage.limits.maxDownloadMBs`).
    #[arg(long, value_name = "MIB", default_value_t = 2)]
    pub max_download_mb: u64,
}

impl PlatformArgs {
    /// The platform these flags describe; a `--platform-env NAME` without a value takes it
    /// from `env` (the caller's environment).
    pub(crate) fn platform(&self, env: &PodEnv) -> Result<Platform, String> {
        let mut p = Platform {
            host_network: self.host_network,
            max_download_bytes: self.max_download_mb << 20,
            ..Platform::default()
        };
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
