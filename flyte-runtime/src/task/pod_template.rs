//! A pod template's pod with the task's container merged in as its primary container
//! (`TaskTemplate.k8s_pod`), as flytekit's `_serialize_pod_spec` writes it. The pod spec is
//! read into the crate's one pod model ([`crate::pod::PodSpec`]), merged as typed values and
//! written back; what the merge does not set is written as it was given (see
//! [`Verbatim`](crate::pod::Verbatim)), as flytekit writes the pod spec it was given.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::instance::PodTemplate;
use crate::pod::{self, EnvVar, PodSpec, Quantity, ResourceRequirements};
use crate::proto::core::{
    resources::{ResourceEntry, ResourceName},
    Container, K8sObjectMetadata, K8sPod,
};
use crate::types::struct_value::json_object_to_struct;

/// The entries under their Kubernetes names (`cpu`, `memory`, `gpu`, `ephemeral-storage`),
/// each quantity as written.
fn k8s_resources(entries: &[ResourceEntry]) -> Result<BTreeMap<String, Quantity>, String> {
    entries
        .iter()
        .filter_map(|e| {
            let key = ResourceName::try_from(e.name)
                .ok()
                .and_then(pod::k8s_resource_name)?;
            Some((key, e))
        })
        .map(|(key, e)| {
            let q: Quantity = e.value.parse().map_err(|err| format!("{key}: {err}"))?;
            Ok((key.to_string(), q))
        })
        .collect()
}

/// The template's pod spec in the typed model (none at all is an empty spec).
fn read_spec(pod: &PodTemplate) -> Result<PodSpec, String> {
    match &pod.pod_spec {
        Json::Null => Ok(PodSpec::default()),
        given => serde_json::from_value(given.clone())
            .map_err(|e| format!("its pod_spec is not a Kubernetes PodSpec: {e}")),
    }
}

/// The task's container merged into the pod's primary container: the image unless the spec
/// names one (flytekit: `if container.image is None`, so an explicit `""` is the spec's);
/// command and args always, even empty; resources when the task sets any, requests and
/// limits both written; env the task's then the spec's own, written when either has any or
/// the spec names `env`.
fn merge_primary(primary: &mut pod::Container, task: &Container, resources: &ResourceRequirements) {
    let spec_image = !primary.image.is_empty()
        || primary
            .verbatim
            .given("image")
            .is_some_and(|v| !v.is_null());
    if !spec_image {
        primary.image = task.image.clone();
        primary.verbatim.forget("image");
        if primary.image.is_empty() {
            primary.verbatim.keep_empty("image", json!(""));
        }
    }
    primary.command = task.command.clone();
    primary.args = task.args.clone();
    for (key, empty) in [
        ("command", primary.command.is_empty()),
        ("args", primary.args.is_empty()),
    ] {
        primary.verbatim.forget(key);
        if empty {
            primary.verbatim.keep_empty(key, json!([]));
        }
    }
    if !resources.is_empty() {
        primary.resources = resources.clone();
        primary.verbatim.forget("resources");
    }
    let spec_names_env = primary.verbatim.given("env").is_some();
    let own = std::mem::take(&mut primary.env);
    primary.env = task
        .env
        .iter()
        .map(|kv| EnvVar::value(&kv.key, &kv.value))
        .chain(own)
        .collect();
    primary.verbatim.forget("env");
    if primary.env.is_empty() && spec_names_env {
        primary.verbatim.keep_empty("env", json!([]));
    }
}

/// The pod of a pod template with the task's container merged in as its primary container,
/// as flytekit's `_serialize_pod_spec` does: a container of that name is added when the spec
/// has none, and the task's container merged into it (`merge_primary`). An error when the
/// pod spec is not a Kubernetes `PodSpec`.
pub(super) fn k8s_pod(pod: &PodTemplate, c: &Container) -> Result<K8sPod, String> {
    let mut spec = read_spec(pod)?;
    let name = pod.primary_container_name.as_str();
    if !spec.containers.iter().any(|k| k.name == name) {
        spec.containers.push(pod::Container {
            name: name.to_string(),
            ..pod::Container::default()
        });
    }
    let entries = c.resources.clone().unwrap_or_default();
    let mut resources = ResourceRequirements {
        requests: k8s_resources(&entries.requests)?,
        limits: k8s_resources(&entries.limits)?,
        ..ResourceRequirements::default()
    };
    // flytekit's V1ResourceRequirements(limits=…, requests=…): both, even empty.
    for (key, empty) in [
        ("requests", resources.requests.is_empty()),
        ("limits", resources.limits.is_empty()),
    ] {
        if empty {
            resources.verbatim.keep_empty(key, json!({}));
        }
    }
    for primary in spec.containers.iter_mut().filter(|k| k.name == name) {
        merge_primary(primary, c, &resources);
    }
    let spec = match serde_json::to_value(&spec).map_err(|e| e.to_string())? {
        Json::Object(spec) => spec,
        other => {
            return Err(format!(
                "its pod spec was written as {other}, not an object"
            ))
        }
    };
    Ok(K8sPod {
        metadata: Some(K8sObjectMetadata {
            labels: pod.labels.clone().into_iter().collect(),
            annotations: pod.annotations.clone().into_iter().collect(),
        }),
        pod_spec: Some(json_object_to_struct(&spec)),
        data_config: None,
        // flytekit names the primary container in `TaskTemplate.config` only, which is where
        // propeller's BuildRawPod reads it.
        primary_container_name: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::{KeyValuePair, Resources};
    use crate::types::struct_value::struct_to_json_object;

    fn task_container(env: &[(&str, &str)], requests: &[(ResourceName, &str)]) -> Container {
        Container {
            image: "task:1".into(),
            args: vec!["run".into()],
            env: env
                .iter()
                .map(|(k, v)| KeyValuePair {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            resources: Some(Resources {
                requests: requests
                    .iter()
                    .map(|(name, value)| ResourceEntry {
                        name: *name as i32,
                        value: value.to_string(),
                    })
                    .collect(),
                limits: Vec::new(),
            }),
            ..Default::default()
        }
    }

    fn written(spec: Json, c: &Container) -> Json {
        let pod = PodTemplate {
            primary_container_name: "primary".into(),
            pod_spec: spec,
            labels: Default::default(),
            annotations: Default::default(),
        };
        let k8s = k8s_pod(&pod, c).expect("a pod");
        Json::Object(struct_to_json_object(&k8s.pod_spec.expect("a pod spec")))
    }

    /// Everything a typed model could drop, add or change on a round trip, outside what the
    /// merge sets: explicit `false`, `""`, `[]` and `{}`, `null`s, quantities written as
    /// numbers, fields of sub-objects the model does not know. All of it is written as given.
    #[test]
    fn what_the_merge_does_not_set_is_written_as_given() {
        let sidecar = json!({
            "name": "sidecar",
            "image": "",
            "command": [],
            "args": [],
            "env": [
                {"name": "EMPTY", "value": ""},
                {"name": "NULL", "value": null},
                {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k", "optional": false}}},
            ],
            "resources": {"limits": {"cpu": 1, "memory": "1Gi"}, "requests": {}, "claims": [{"name": "gpu"}]},
            "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": false}],
            "terminationMessagePolicy": "",
            "ports": [{"containerPort": 8080}],
        });
        let given = json!({
            "hostNetwork": false,
            "restartPolicy": "",
            "dnsPolicy": null,
            "initContainers": [],
            "dnsConfig": {"nameservers": [], "options": [{"name": "ndots", "value": "2"}]},
            "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["a"]}],
            "volumes": [
                {"name": "data", "emptyDir": {}},
                {"name": "s", "secret": {"secretName": "s", "defaultMode": 256, "items": [{"key": "k", "path": "k", "mode": 292}]}},
            ],
            "nodeSelector": {"pool": "gpu"},
            "tolerations": [],
            "containers": [
                {
                    "name": "primary",
                    "env": [{"name": "FROM_POD", "value": "1"}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": false}],
                    "resources": {"limits": {"cpu": 2}},
                    "securityContext": {"runAsNonRoot": true, "privileged": false},
                },
                sidecar,
            ],
        });
        let out = written(
            given.clone(),
            &task_container(&[("K", "V")], &[(ResourceName::Cpu, "1")]),
        );
        let (mut out_rest, mut given_rest) = (out.clone(), given.clone());
        out_rest.as_object_mut().unwrap().remove("containers");
        given_rest.as_object_mut().unwrap().remove("containers");
        assert_eq!(out_rest, given_rest, "the spec outside its containers");
        assert_eq!(out["containers"][1], given["containers"][1], "the sidecar");
        assert_eq!(
            out["containers"][0],
            json!({
                "name": "primary",
                "image": "task:1",
                "command": [],
                "args": ["run"],
                "env": [{"name": "K", "value": "V"}, {"name": "FROM_POD", "value": "1"}],
                "resources": {"requests": {"cpu": "1"}, "limits": {}},
                "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": false}],
                "securityContext": {"runAsNonRoot": true, "privileged": false},
            })
        );
    }

    /// flytekit's rules for the primary container: a placeholder is added when the spec has
    /// none; the image is the spec's when it names one (even `""`), the task's when it does
    /// not (or names `null`); command and args are always written; resources only when the
    /// task sets any; env when either side has any or the spec names it.
    #[test]
    fn the_primary_container_is_merged_as_flytekit_merges_it() {
        let bare = task_container(&[], &[]);
        assert_eq!(
            written(Json::Null, &bare),
            json!({"containers": [{"name": "primary", "image": "task:1", "command": [], "args": ["run"]}]})
        );
        assert_eq!(
            written(json!({"containers": []}), &bare),
            written(Json::Null, &bare)
        );
        let primary =
            |spec: Json| written(json!({"containers": [spec]}), &bare)["containers"][0].clone();
        assert_eq!(
            primary(json!({"name": "primary", "image": ""}))["image"],
            ""
        );
        assert_eq!(
            primary(json!({"name": "primary", "image": "own:2"}))["image"],
            "own:2"
        );
        assert_eq!(
            primary(json!({"name": "primary", "image": null}))["image"],
            "task:1"
        );
        assert_eq!(
            primary(json!({"name": "primary", "command": ["sh"], "args": null})),
            json!({"name": "primary", "image": "task:1", "command": [], "args": ["run"]})
        );
        assert_eq!(
            primary(json!({"name": "primary", "env": []}))["env"],
            json!([])
        );
        assert_eq!(
            primary(json!({"name": "primary", "env": null}))["env"],
            json!([])
        );
        let own = json!({"name": "primary", "resources": {"limits": {"cpu": 1}}});
        assert_eq!(
            primary(own.clone())["resources"],
            own["resources"],
            "the task sets none"
        );
        let with_cpu = task_container(&[], &[(ResourceName::Cpu, "1")]);
        let out = written(
            json!({"containers": [{"name": "primary", "resources": {"requests": {"cpu": 1}, "limits": {}}}]}),
            &with_cpu,
        );
        assert_eq!(
            out["containers"][0]["resources"],
            json!({"requests": {"cpu": "1"}, "limits": {}}),
            "the task's, as flytekit writes them, even where they equal the spec's"
        );
    }

    #[test]
    fn a_pod_spec_that_is_not_one_is_refused() {
        let pod = PodTemplate {
            primary_container_name: "primary".into(),
            pod_spec: json!({"containers": [{"image": "no-name"}]}),
            labels: Default::default(),
            annotations: Default::default(),
        };
        let err = k8s_pod(&pod, &task_container(&[], &[])).unwrap_err();
        assert!(
            err.contains("not a Kubernetes PodSpec") && err.contains("name"),
            "{err}"
        );
    }
}
