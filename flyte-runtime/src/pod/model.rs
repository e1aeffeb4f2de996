//! The Kubernetes objects of a task's pod, with Kubernetes' own field names (camelCase), so
//! that `pod` prints what `kubectl apply` takes, and the one model of a pod template's pod
//! (`TaskTemplate.k8s_pod`). Fields we do not model (a pod template's `nodeSelector`, a
//! container's `ports`, …) pass through unchanged in `extra`; what a modelled field cannot
//! hold as it was given (an explicit `false`, `""` or `[]`, a `null`, a quantity written as a
//! number) is kept in `verbatim`, so that a pod spec read and written back unchanged is
//! written as it was read.

use std::collections::BTreeMap;

use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};
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
    #[serde(default)]
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
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct PodSpec {
    /// Init containers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// The containers; one of them is the task's (the primary container).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    /// How names resolve: Kubernetes' `ClusterFirst` when unset (propeller never sets it;
    /// a pod template may).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dns_policy: String,
    /// Name servers and search domains (k8s plugin `default-pod-dns-config`), added to
    /// those `dnsPolicy` gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<DnsConfig>,
    /// Extra `/etc/hosts` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<HostAlias>,
    /// Everything else of the spec, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
    /// The fields as given where the typed ones above cannot hold them.
    #[serde(skip)]
    pub verbatim: Verbatim,
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
#[serde(remote = "Self", rename_all = "camelCase")]
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
    /// The fields as given where the typed ones above cannot hold them.
    #[serde(skip)]
    pub verbatim: Verbatim,
}

/// An `EnvVar`: a value, or a reference to one (a secret's key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct EnvVar {
    /// The variable.
    pub name: String,
    /// Its value (Kubernetes keeps an empty value as `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the value comes from instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
    /// Anything else, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
    /// The fields as given where the typed ones above cannot hold them.
    #[serde(skip)]
    pub verbatim: Verbatim,
}

impl EnvVar {
    /// `name=value`.
    pub fn value(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            ..Self::default()
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
#[serde(remote = "Self")]
pub struct ResourceRequirements {
    /// Requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
    /// Limits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
    /// Anything else (`claims`), unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
    /// The fields as given where the typed ones above cannot hold them.
    #[serde(skip)]
    pub verbatim: Verbatim,
}

impl ResourceRequirements {
    /// No requests, no limits and nothing else.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty() && self.extra.is_empty()
    }
}

/// A `Volume`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Volume {
    /// The name the mounts refer to.
    pub name: String,
    /// A Kubernetes secret's keys as files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretVolumeSource>,
    /// A scratch directory that lives as long as the pod (in memory for shared memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDirVolumeSource>,
    /// Other sources (`hostPath`, `configMap`, …), unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
    /// The fields as given where the typed ones above cannot hold them (a secret's
    /// `defaultMode`, say).
    #[serde(skip)]
    pub verbatim: Verbatim,
}

/// `EmptyDirVolumeSource`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmptyDirVolumeSource {
    /// `Memory` for a tmpfs; the node's disk when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub medium: String,
    /// The most it may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Quantity>,
    /// Anything else, unchanged.
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
#[serde(remote = "Self", rename_all = "camelCase")]
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
    /// The fields as given where the typed ones above cannot hold them.
    #[serde(skip)]
    pub verbatim: Verbatim,
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

/// The fields of an object as they were given where its typed fields cannot hold them: an
/// explicit `false`, `""`, `[]` or `{}` (which the typed field leaves out, as Kubernetes'
/// `omitempty` does), a `null`, a quantity written as a number, a field of a sub-object the
/// model does not know (a `dnsConfig`'s `options`).
///
/// A field is written back as it was given while its typed field still writes what it wrote
/// when it was read; once code sets it, the typed value is written. So a pod spec read and
/// written back unchanged is written as it was read, as flytekit writes a pod template's
/// spec (`ApiClient.sanitize_for_serialization` keeps every value that is not `None`).
///
/// ```
/// use flyte_runtime::__private::pod::PodSpec;
/// use serde_json::json;
///
/// let given = json!({"hostNetwork": false, "containers": [{"name": "c", "args": []}]});
/// let mut spec: PodSpec = serde_json::from_value(given.clone()).unwrap();
/// assert!(!spec.host_network);
/// assert_eq!(serde_json::to_value(&spec).unwrap(), given);
/// spec.host_network = true; // set by code: the typed value wins
/// assert_eq!(serde_json::to_value(&spec).unwrap()["hostNetwork"], true);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verbatim {
    fields: BTreeMap<String, Given>,
}

/// One field as given, and what its typed field wrote for it when it was read.
#[derive(Debug, Clone, PartialEq)]
struct Given {
    value: Json,
    /// `None`: the typed field wrote nothing (it was empty).
    typed: Option<Json>,
}

impl Verbatim {
    /// Nothing kept: every field is written as its typed field says.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The value `key` was given as, when its typed field could not hold it (`Some("")` for
    /// an explicit empty string, `Some(null)` for a `null`).
    pub fn given(&self, key: &str) -> Option<&Json> {
        self.fields.get(key).map(|g| &g.value)
    }

    /// Writes `key` as `empty` (an empty list, map or string, or `false`) while its typed
    /// field is empty: a field set to an empty value on purpose, as a Python client writes
    /// one (`command: []`). Once the typed field is set, it is written instead.
    pub fn keep_empty(&mut self, key: impl Into<String>, empty: Json) {
        self.fields.insert(
            key.into(),
            Given {
                value: empty,
                typed: None,
            },
        );
    }

    /// Forgets how `key` was given: it is written as its typed field says from now on (for a
    /// field that code sets, even to the value it was read as).
    pub fn forget(&mut self, key: &str) {
        self.fields.remove(key);
    }

    /// The fields of `given` that `written` (the typed object written back) does not write as
    /// given.
    fn of(given: Map<String, Json>, written: &Map<String, Json>) -> Self {
        let fields = given
            .into_iter()
            .filter(|(k, v)| written.get(k) != Some(v))
            .map(|(k, value)| {
                let typed = written.get(&k).cloned();
                (k, Given { value, typed })
            })
            .collect();
        Self { fields }
    }

    /// Takes out of `written` each field whose typed value is still what it was when read,
    /// and returns those fields as given.
    fn restore(&self, written: &mut Map<String, Json>) -> Map<String, Json> {
        let mut restored = Map::new();
        for (k, g) in &self.fields {
            if written.get(k) == g.typed.as_ref() {
                written.remove(k);
                restored.insert(k.clone(), g.value.clone());
            }
        }
        restored
    }
}

/// An object of the model whose fields as given are kept in a [`Verbatim`]: its serde
/// impls are the derived ones (`#[serde(remote = "Self")]`) plus that.
trait KeepsVerbatim: Sized {
    fn verbatim(&self) -> &Verbatim;
    fn parts(&mut self) -> (&mut Map<String, Json>, &mut Verbatim);
    /// The derived `Serialize`.
    fn write_typed<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// The derived `Deserialize`.
    fn read_typed(json: Json) -> Result<Self, serde_json::Error>;

    /// The object as its typed fields (and `extra`) write it.
    fn written(&self) -> Result<Map<String, Json>, serde_json::Error> {
        match self.write_typed(serde_json::value::Serializer)? {
            Json::Object(m) => Ok(m),
            other => Err(ser::Error::custom(format!("not an object: {other}"))),
        }
    }
}

/// Reads an object, keeping the fields its typed ones cannot hold. A `null` is kept as given
/// and not shown to the typed field (Kubernetes reads it as absent).
fn read_verbatim<'de, T: KeepsVerbatim, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let given = Map::<String, Json>::deserialize(d)?;
    let typed_part: Map<String, Json> = given
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut t = T::read_typed(Json::Object(typed_part)).map_err(de::Error::custom)?;
    let written = t.written().map_err(de::Error::custom)?;
    *t.parts().1 = Verbatim::of(given, &written);
    Ok(t)
}

/// Writes an object, each field kept as given written as given while its typed value is
/// unchanged.
fn write_verbatim<T: KeepsVerbatim, S: Serializer>(t: &T, s: S) -> Result<S::Ok, S::Error> {
    if t.verbatim().is_empty() {
        return t.write_typed(s);
    }
    let mut written = t.written().map_err(ser::Error::custom)?;
    let restored = t.verbatim().restore(&mut written);
    if restored.is_empty() {
        return t.write_typed(s);
    }
    // The typed object without the restored fields (read back from what it wrote, so that
    // they are empty and not written), with them as given among the other fields.
    let mut out = T::read_typed(Json::Object(written)).map_err(ser::Error::custom)?;
    out.parts().0.extend(restored);
    out.write_typed(s)
}

macro_rules! keeps_verbatim {
    ($($t:ident),* $(,)?) => {$(
        impl KeepsVerbatim for $t {
            fn verbatim(&self) -> &Verbatim {
                &self.verbatim
            }
            fn parts(&mut self) -> (&mut Map<String, Json>, &mut Verbatim) {
                (&mut self.extra, &mut self.verbatim)
            }
            fn write_typed<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $t::serialize(self, s)
            }
            fn read_typed(json: Json) -> Result<Self, serde_json::Error> {
                $t::deserialize(json)
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                write_verbatim(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                read_verbatim(d)
            }
        }
    )*};
}

keeps_verbatim!(
    PodSpec,
    Container,
    EnvVar,
    ResourceRequirements,
    Volume,
    VolumeMount
);

/// Where propeller's PodTemplate store looks after the execution's namespace: its own,
/// env `POD_NAMESPACE`, else `flyte` (`controller.go`, `podDefaultNamespace`). A template
/// file without a namespace is taken to be there.
pub const POD_TEMPLATE_DEFAULT_NAMESPACE: &str = "flyte";

/// A `v1/PodTemplate`: a name (and namespace) and the pod metadata and spec it gives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplate {
    /// `v1`.
    #[serde(default)]
    pub api_version: String,
    /// `PodTemplate`.
    #[serde(default)]
    pub kind: String,
    /// Its name and namespace.
    pub metadata: ObjectMeta,
    /// The pod it gives.
    #[serde(default)]
    pub template: PodTemplateSpec,
}

/// A `PodTemplateSpec`: a pod's metadata and spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateSpec {
    /// Labels and annotations laid under the pod's.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec laid under the pod's.
    #[serde(default)]
    pub spec: PodSpec,
}

impl PodTemplate {
    /// A `PodTemplate` from its YAML (as `kubectl get podtemplate -o yaml` prints it).
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        let json: Json = serde_yaml_ng::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
        let t: PodTemplate =
            serde_json::from_value(json).map_err(|e| format!("not a PodTemplate: {e}"))?;
        if t.metadata.name.is_empty() {
            return Err("a PodTemplate needs metadata.name".to_string());
        }
        Ok(t)
    }

    /// Its namespace, propeller's own when it names none.
    pub fn namespace_or_default(&self) -> &str {
        match self.metadata.namespace.as_str() {
            "" => POD_TEMPLATE_DEFAULT_NAMESPACE,
            ns => ns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A spec with every kind of value the typed fields cannot hold reads and writes back
    /// unchanged (as JSON, and as the protobuf `Struct` a template carries).
    #[test]
    fn a_pod_spec_round_trips_losslessly() {
        let given = json!({
            "hostNetwork": false,
            "restartPolicy": "",
            "dnsPolicy": null,
            "initContainers": [],
            "dnsConfig": {"nameservers": [], "options": [{"name": "ndots", "value": "2"}]},
            "hostAliases": [{"ip": "10.0.0.1", "hostnames": []}],
            "volumes": [
                {"name": "d", "emptyDir": {}},
                {"name": "s", "secret": {"secretName": "s", "defaultMode": 256, "optional": null}},
            ],
            "containers": [{
                "name": "c",
                "image": "",
                "command": [],
                "args": null,
                "env": [{"name": "E", "value": ""}, {"name": "N", "value": null, "valueFrom": {"fieldRef": {"fieldPath": "x"}}}],
                "resources": {"limits": {"cpu": 1, "memory": "1Gi"}, "requests": {}, "claims": []},
                "volumeMounts": [{"name": "d", "mountPath": "/d", "readOnly": false}],
                "terminationMessagePolicy": "",
            }],
        });
        let spec: PodSpec = serde_json::from_value(given.clone()).unwrap();
        assert_eq!(serde_json::to_value(&spec).unwrap(), given);
        let pb = crate::types::struct_value::json_object_to_struct(given.as_object().unwrap());
        let read: PodSpec = serde_json::from_value(Json::Object(
            crate::types::struct_value::struct_to_json_object(&pb),
        ))
        .unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), given);
        // Typed, they are what Kubernetes reads.
        let c = &spec.containers[0];
        assert_eq!(c.resources.limits["cpu"].millis(), 1000);
        assert!(!spec.host_network && c.args.is_empty() && c.image.is_empty());
        assert_eq!(spec.volumes[1].secret.as_ref().unwrap().secret_name, "s");
    }

    /// A field set by code is written as set, even to what it was read as; the others stay as
    /// given.
    #[test]
    fn a_field_code_sets_is_written_as_set() {
        let given = json!({
            "restartPolicy": "",
            "hostNetwork": false,
            "containers": [{"name": "c", "args": [], "resources": {"limits": {"cpu": 1}}}],
        });
        let mut spec: PodSpec = serde_json::from_value(given).unwrap();
        spec.restart_policy = "Never".into();
        spec.containers[0].args.push("x".into());
        let cpu = spec.containers[0].resources.limits["cpu"].clone();
        spec.containers[0]
            .resources
            .limits
            .insert("memory".into(), "1Gi".parse().unwrap());
        assert_eq!(
            serde_json::to_value(&spec).unwrap(),
            json!({
                "restartPolicy": "Never",
                "hostNetwork": false,
                "containers": [{"name": "c", "args": ["x"], "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}],
            })
        );
        assert_eq!(cpu.as_str(), "1");
        spec.verbatim.forget("hostNetwork");
        assert_eq!(
            serde_json::to_value(&spec).unwrap().get("hostNetwork"),
            None
        );
    }

    /// Built in code, an object has nothing verbatim and writes Kubernetes' `omitempty` shape.
    #[test]
    fn an_object_built_in_code_leaves_empty_fields_out() {
        let spec = PodSpec {
            containers: vec![Container {
                name: "c".into(),
                ..Container::default()
            }],
            ..PodSpec::default()
        };
        assert_eq!(
            serde_json::to_value(&spec).unwrap(),
            json!({"containers": [{"name": "c"}]})
        );
        assert_eq!(serde_json::to_value(PodSpec::default()).unwrap(), json!({}));
    }
}
