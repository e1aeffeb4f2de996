//! A pod template's pod with the task's container merged in as its primary container
//! (`TaskTemplate.k8s_pod`), as flytekit's `_serialize_pod_spec` writes it.

use serde_json::{json, Value as Json};

use super::instance::PodTemplate;
use crate::proto::core::{
    resources::{ResourceEntry, ResourceName},
    Container, K8sObjectMetadata, K8sPod,
};
use crate::types::struct_value::json_object_to_struct;

fn k8s_resources(entries: &[ResourceEntry]) -> Json {
    let mut out = serde_json::Map::new();
    for e in entries {
        let Some(key) = ResourceName::try_from(e.name)
            .ok()
            .and_then(crate::pod::k8s_resource_name)
        else {
            continue;
        };
        out.insert(key.to_string(), Json::from(e.value.clone()));
    }
    Json::Object(out)
}

/// The pod of a pod template with the task's container merged in as its primary container,
/// as flytekit's `_serialize_pod_spec` does: a container of that name is added when the spec
/// has none; its image is the task's unless the spec sets one; command and args are the
/// task's; resources only when the task sets any; env is the task's, then the spec's own.
pub(super) fn k8s_pod(pod: &PodTemplate, c: &Container) -> K8sPod {
    let resources = c.resources.clone().unwrap_or_default();
    let mut spec = match &pod.pod_spec {
        Json::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    let mut containers = match spec.remove("containers") {
        Some(Json::Array(cs)) => cs,
        _ => Vec::new(),
    };
    let is_primary = |c: &Json| {
        c.get("name").and_then(Json::as_str) == Some(pod.primary_container_name.as_str())
    };
    if !containers.iter().any(is_primary) {
        containers.push(json!({ "name": pod.primary_container_name }));
    }
    for container in containers.iter_mut().filter(|c| is_primary(c)) {
        let Json::Object(primary) = container else {
            continue;
        };
        if primary.get("image").is_none_or(Json::is_null) {
            primary.insert("image".into(), Json::from(c.image.clone()));
        }
        primary.insert("command".into(), Json::from(c.command.clone()));
        primary.insert("args".into(), Json::from(c.args.clone()));
        let (requests, limits) = (
            k8s_resources(&resources.requests),
            k8s_resources(&resources.limits),
        );
        let empty = |r: &Json| r.as_object().is_none_or(serde_json::Map::is_empty);
        if !empty(&requests) || !empty(&limits) {
            primary.insert(
                "resources".into(),
                json!({"requests": requests, "limits": limits}),
            );
        }
        let mut env: Vec<Json> = c
            .env
            .iter()
            .map(|kv| json!({"name": kv.key, "value": kv.value}))
            .collect();
        if let Some(Json::Array(own)) = primary.get("env") {
            env.extend(own.iter().cloned());
        }
        if !env.is_empty() || primary.contains_key("env") {
            primary.insert("env".into(), Json::Array(env));
        }
    }
    spec.insert("containers".into(), Json::Array(containers));
    K8sPod {
        metadata: Some(K8sObjectMetadata {
            labels: pod.labels.clone().into_iter().collect(),
            annotations: pod.annotations.clone().into_iter().collect(),
        }),
        pod_spec: Some(json_object_to_struct(&spec)),
        data_config: None,
        // flytekit names the primary container in `TaskTemplate.config` only, which is where
        // propeller's BuildRawPod reads it.
        primary_container_name: String::new(),
    }
}
