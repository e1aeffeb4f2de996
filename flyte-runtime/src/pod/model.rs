//! The Kubernetes objects of a task's pod, with Kubernetes' own field names (camelCase), so
//! that `pod` prints what `kubectl apply` takes. Fields we do not model (a pod template's
//! `nodeSelector`, a container's `ports`, …) pass through unchanged in `extra`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value as Json};

use super::quantity::Quantity;

fn is_false(b: &bool) -> bool {
    !*b
}

/// A `v1/Pod`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    /// `v1`.
    pub api_version: String,
    /// `Pod`.
    pub kind: String,
    /// Name, namespace, labels, annotations.
    pub metadata: ObjectMeta,
    /// The spec.
    pub spec: PodSpec,
}

/// A pod's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// The pod's name: the task execution's generated name.
    pub name: String,
    /// The namespace (`<project>-<domain>` in Flyte's default set-up).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// A `PodSpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// Init containers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// The containers; one of them is the task's (the primary container).
    #[serde(default)]
    pub containers: Vec<Container>,
    /// Volumes (secrets, shared memory, the author's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// `Never` for task pods.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    /// The node's network instead of the pod's own (k8s plugin `enable-host-networking-pod`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub host_network: bool,
    /// How names resolve (`ClusterFirst` when unset; `None` with a `dnsConfig`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dns_policy: String,
    /// Name servers and search domains (k8s plugin `default-pod-dns-config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<DnsConfig>,
    /// Extra `/etc/hosts` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<HostAlias>,
    /// Everything else of the spec, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// `PodDNSConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsConfig {
    /// Name server addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nameservers: Vec<String>,
    /// Search domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub searches: Vec<String>,
}

/// `HostAlias`: an `/etc/hosts` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostAlias {
    /// The address.
    pub ip: String,
    /// Its names.
    pub hostnames: Vec<String>,
}

/// A `Container`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// The name.
    pub name: String,
    /// The image.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// Replaces the image's entrypoint when not empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Replaces the image's `CMD`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// The environment, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Requests and limits.
    #[serde(default, skip_serializing_if = "ResourceRequirements::is_empty")]
    pub resources: ResourceRequirements,
    /// Mounted volumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    /// `FallbackToLogsOnError` for Flyte's containers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub termination_message_policy: String,
    /// Everything else of the container, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// An `EnvVar`: a value, or a reference to one (a secret's key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    /// The variable.
    pub name: String,
    /// Its value (Kubernetes keeps an empty value as `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the value comes from instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

impl EnvVar {
    /// `name=value`.
    pub fn value(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            value_from: None,
        }
    }
}

/// `EnvVarSource`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVarSource {
    /// A key of a Kubernetes secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<SecretKeySelector>,
    /// Other sources, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// `SecretKeySelector`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretKeySelector {
    /// The Kubernetes secret (Flyte: the group).
    pub name: String,
    /// The key in it.
    pub key: String,
    /// Whether the pod starts without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// `ResourceRequirements`, keyed by Kubernetes resource names (`cpu`, `memory`, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceRequirements {
    /// Requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
    /// Limits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
}

impl ResourceRequirements {
    /// No requests and no limits.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }
}

/// A `Volume`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// The name the mounts refer to.
    pub name: String,
    /// A Kubernetes secret's keys as files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretVolumeSource>,
    /// Other sources (`emptyDir`, …), unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// `SecretVolumeSource`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretVolumeSource {
    /// The Kubernetes secret.
    pub secret_name: String,
    /// Which keys, as which files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<KeyToPath>,
    /// Whether the pod starts without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// `KeyToPath`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyToPath {
    /// The secret's key.
    pub key: String,
    /// The file name in the volume.
    pub path: String,
}

/// A `VolumeMount`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    /// The volume.
    pub name: String,
    /// Where.
    pub mount_path: String,
    /// Read-only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Everything else, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl<'de> Deserialize<'de> for Quantity {
    /// A quantity in a pod spec: a string, or a bare number as YAML writes `cpu: 1`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match Json::deserialize(d)? {
            Json::String(s) => s,
            Json::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "a quantity is a string or a number, not {other}"
                )))
            }
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}
