//! Kubernetes `PodTemplate`s in a cluster and how propeller 1.16 lays one under a task's pod
//! (flyteplugins `flytek8s/pod_helper.go`, `pod_template_store.go`, `container_helper.go`):
//! which one ([`get_base_pod_template`]), the resources it gives a container
//! ([`extract_container_resources_from_pod_template`]), and the merge
//! ([`merge_with_base_pod_template`], [`merge_base_pod_spec_onto_template`]), done as
//! `mergo.Merge(dst, src, WithOverride, WithAppendSlice)` does it ([`mergo_merge`]).

use serde::Serialize;
use serde_json::Value as Json;

use super::error::PodError;
use super::model::{
    Container, ObjectMeta, PodSpec, PodTemplate, ResourceRequirements,
    POD_TEMPLATE_DEFAULT_NAMESPACE,
};
use super::platform::{Platform, PodRun};
use crate::proto::core::TaskTemplate;

/// The template container every container of the pod starts from.
const DEFAULT_CONTAINER_TEMPLATE_NAME: &str = "default";
/// The template init container every init container starts from.
const DEFAULT_INIT_CONTAINER_TEMPLATE_NAME: &str = "default-init";
/// The template container merged into the primary container.
const PRIMARY_CONTAINER_TEMPLATE_NAME: &str = "primary";
/// The template init container merged into the primary init container.
const PRIMARY_INIT_CONTAINER_TEMPLATE_NAME: &str = "primary-init";

/// `PodTemplateStore.LoadOrDefault`: the template `name` in `namespace`, else in the
/// store's default namespace ([`POD_TEMPLATE_DEFAULT_NAMESPACE`]); a copy, or none.
pub fn load_or_default(
    templates: &[PodTemplate],
    namespace: &str,
    name: &str,
) -> Option<PodTemplate> {
    [namespace, POD_TEMPLATE_DEFAULT_NAMESPACE]
        .iter()
        .find_map(|ns| {
            templates
                .iter()
                .rev()
                .find(|t| t.metadata.name == name && t.namespace_or_default() == *ns)
        })
        .cloned()
}

/// `getBasePodTemplate`: the template the task names (`metadata.pod_template_name`), which
/// must exist (else `BadTaskSpecification`, `PodTemplate '<name>' does not exist`), or,
/// without a name, the platform's `default-pod-template-name` if there is one.
pub fn get_base_pod_template(
    template: &TaskTemplate,
    run: &PodRun,
    platform: &Platform,
) -> Result<Option<PodTemplate>, PodError> {
    let named = template
        .metadata
        .as_ref()
        .map(|m| m.pod_template_name.as_str())
        .unwrap_or_default();
    if !named.is_empty() {
        return load_or_default(&platform.pod_templates, &run.namespace, named)
            .map(Some)
            .ok_or_else(|| PodError::PodTemplateMissing(named.to_string()));
    }
    Ok(load_or_default(
        &platform.pod_templates,
        &run.namespace,
        &platform.default_pod_template_name,
    ))
}

/// `ExtractContainerResourcesFromPodTemplate`: the resources of the template container
/// named `name`, else of `primary` (`primary-init`), else of `default` (`default-init`).
pub fn extract_container_resources_from_pod_template(
    tpl: Option<&PodTemplate>,
    name: &str,
    init: bool,
) -> ResourceRequirements {
    let Some(tpl) = tpl else {
        return ResourceRequirements::default();
    };
    let (list, primary, default) = if init {
        (
            &tpl.template.spec.init_containers,
            PRIMARY_INIT_CONTAINER_TEMPLATE_NAME,
            DEFAULT_INIT_CONTAINER_TEMPLATE_NAME,
        )
    } else {
        (
            &tpl.template.spec.containers,
            PRIMARY_CONTAINER_TEMPLATE_NAME,
            DEFAULT_CONTAINER_TEMPLATE_NAME,
        )
    };
    [name, primary, default]
        .iter()
        .find_map(|n| list.iter().find(|c| c.name == *n))
        .map(|c| c.resources.clone())
        .unwrap_or_default()
}

/// `MergeResourcesIfMissing`: the template's requests and limits for the keys the
/// container has not.
pub fn merge_resources_if_missing(from: &ResourceRequirements, to: &mut ResourceRequirements) {
    for (src, dst) in [
        (&from.requests, &mut to.requests),
        (&from.limits, &mut to.limits),
    ] {
        for (k, v) in src {
            dst.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// `MergeWithBasePodTemplate`: the pod spec and metadata laid over the template's
/// ([`merge_base_pod_spec_onto_template`]; the metadata's maps the union, the pod's winning).
pub fn merge_with_base_pod_template(
    spec: &PodSpec,
    meta: &ObjectMeta,
    tpl: Option<&PodTemplate>,
    primary: &str,
    primary_init: &str,
) -> Result<(PodSpec, ObjectMeta), PodError> {
    let Some(tpl) = tpl else {
        return Ok((spec.clone(), meta.clone()));
    };
    let merged =
        merge_base_pod_spec_onto_template(&tpl.template.spec, spec, primary, primary_init)?;
    let meta = mergo_merge_typed(&tpl.template.metadata, meta)?;
    Ok((merged, meta))
}

/// `MergeBasePodSpecOntoTemplate`: the pod spec over the template's (slices appended,
/// the template's first); then each of the pod's containers built from the template's
/// `default`, then `primary` for the primary or its namesake for another, then itself.
/// Template containers no pod container takes are dropped.
pub fn merge_base_pod_spec_onto_template(
    template: &PodSpec,
    base: &PodSpec,
    primary: &str,
    primary_init: &str,
) -> Result<PodSpec, PodError> {
    let mut merged: PodSpec = mergo_merge_typed(template, base)?;
    merged.containers = merge_containers(
        &template.containers,
        &base.containers,
        primary,
        DEFAULT_CONTAINER_TEMPLATE_NAME,
        PRIMARY_CONTAINER_TEMPLATE_NAME,
    )?;
    merged.init_containers = merge_containers(
        &template.init_containers,
        &base.init_containers,
        primary_init,
        DEFAULT_INIT_CONTAINER_TEMPLATE_NAME,
        PRIMARY_INIT_CONTAINER_TEMPLATE_NAME,
    )?;
    Ok(merged)
}

fn merge_containers(
    template: &[Container],
    base: &[Container],
    primary: &str,
    default_name: &str,
    primary_name: &str,
) -> Result<Vec<Container>, PodError> {
    let named = |n: &str| template.iter().find(|c| c.name == n);
    let mut out = Vec::with_capacity(base.len());
    for container in base {
        let mut merged: Option<Container> = named(default_name).cloned();
        let layer =
            |m: Option<Container>, over: &Container| -> Result<Option<Container>, PodError> {
                Ok(Some(match m {
                    None => over.clone(),
                    Some(m) => mergo_merge_typed(&m, over)?,
                }))
            };
        if container.name == primary {
            if let Some(p) = named(primary_name) {
                merged = layer(merged, p)?;
            }
        } else if container.name != default_name {
            for t in template.iter().filter(|t| t.name == container.name) {
                merged = layer(merged, t)?;
            }
        }
        merged = layer(merged, container)?;
        out.extend(merged);
    }
    Ok(out)
}

/// `mergo.Merge(&dst, src, WithOverride, WithAppendSlice)` on two typed values, through
/// their Kubernetes JSON ([`mergo_merge`]).
fn mergo_merge_typed<T>(dst: &T, src: &T) -> Result<T, PodError>
where
    T: Serialize + serde::de::DeserializeOwned,
{
    let bad = |e: serde_json::Error| PodError::BadPodSpec(e.to_string());
    let mut d = serde_json::to_value(dst).map_err(bad)?;
    let s = serde_json::to_value(src).map_err(bad)?;
    mergo_merge(&mut d, s);
    serde_json::from_value(d).map_err(bad)
}

/// mergo's `Merge` with `WithOverride` and `WithAppendSlice` on Kubernetes JSON: a
/// non-empty `src` value replaces `dst`'s, an empty one (`""`, `0`, `false`, `null`, absent)
/// leaves it; objects (structs, maps) are merged key by key; lists are appended, `dst`'s
/// first.
pub fn mergo_merge(dst: &mut Json, src: Json) {
    match (dst, src) {
        (Json::Object(d), Json::Object(s)) => {
            for (k, v) in s {
                match d.get_mut(&k) {
                    Some(dv) => mergo_merge(dv, v),
                    None if !is_empty(&v) => {
                        d.insert(k, v);
                    }
                    None => {}
                }
            }
        }
        (Json::Array(d), Json::Array(s)) => d.extend(s),
        (d, s) => {
            if !is_empty(&s) {
                *d = s;
            }
        }
    }
}

fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::TaskMetadata;

    fn tpl(yaml: &str) -> PodTemplate {
        PodTemplate::from_yaml(yaml).unwrap()
    }

    fn named(name: &str, ns: &str) -> PodTemplate {
        tpl(&format!(
            "apiVersion: v1\nkind: PodTemplate\nmetadata: {{name: {name}, namespace: '{ns}'}}\n\
             template:\n  metadata: {{labels: {{ns: '{ns}'}}}}\n  spec:\n    containers: [{{name: default, image: x}}]\n"
        ))
    }

    fn task(name: &str) -> TaskTemplate {
        TaskTemplate {
            metadata: Some(TaskMetadata {
                pod_template_name: name.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn container(yaml: &str) -> Container {
        serde_json::from_value(serde_yaml_ng::from_str(yaml).unwrap()).unwrap()
    }

    #[test]
    fn load_or_default() {
        let store = [named("a", "flyte"), named("a", "p-d"), named("b", "")];
        let got = |ns: &str, n: &str| {
            super::load_or_default(&store, ns, n).map(|t| t.template.metadata.labels["ns"].clone())
        };
        assert_eq!(
            got("p-d", "a").as_deref(),
            Some("p-d"),
            "the execution's namespace first"
        );
        assert_eq!(
            got("other", "a").as_deref(),
            Some("flyte"),
            "then propeller's"
        );
        assert_eq!(
            got("other", "b").as_deref(),
            Some(""),
            "no namespace: propeller's"
        );
        assert_eq!(got("p-d", "c"), None);
        assert_eq!(got("p-d", ""), None);
    }

    #[test]
    fn get_base_pod_template() {
        let run = PodRun::under("s3://b/r", 0);
        let mut platform = Platform {
            pod_templates: vec![named("gpu", ""), named("base", "")],
            ..Platform::default()
        };
        let got = |t: &TaskTemplate, p: &Platform| {
            super::get_base_pod_template(t, &run, p).map(|t| t.map(|t| t.metadata.name))
        };
        assert_eq!(got(&task("gpu"), &platform), Ok(Some("gpu".into())));
        let missing = got(&task("nope"), &platform).unwrap_err();
        assert_eq!(missing.to_string(), "PodTemplate 'nope' does not exist");
        assert_eq!(got(&task(""), &platform), Ok(None), "no default configured");
        platform.default_pod_template_name = "base".into();
        assert_eq!(got(&task(""), &platform), Ok(Some("base".into())));
        assert_eq!(
            got(&TaskTemplate::default(), &platform),
            Ok(Some("base".into()))
        );
        platform.default_pod_template_name = "absent".into();
        assert_eq!(
            got(&task(""), &platform),
            Ok(None),
            "a missing default is no error"
        );
    }

    #[test]
    fn extract_container_resources_from_pod_template() {
        let t = tpl("metadata: {name: t}\ntemplate:\n  spec:\n    containers:\n\
             \x20   - {name: default, resources: {requests: {cpu: '1'}}}\n\
             \x20   - {name: primary, resources: {requests: {cpu: '2'}}}\n\
             \x20   - {name: side, resources: {requests: {cpu: '3'}}}\n\
             \x20   initContainers:\n\
             \x20   - {name: default-init, resources: {requests: {cpu: '4'}}}\n");
        let cpu = |name: &str, init: bool| {
            super::extract_container_resources_from_pod_template(Some(&t), name, init)
                .requests
                .get("cpu")
                .map(|q| q.as_str().to_string())
        };
        assert_eq!(cpu("side", false).as_deref(), Some("3"), "exact name");
        assert_eq!(
            cpu("other", false).as_deref(),
            Some("2"),
            "then primary, for any container"
        );
        assert_eq!(
            cpu("other", true).as_deref(),
            Some("4"),
            "init: then default-init"
        );
        assert_eq!(
            super::extract_container_resources_from_pod_template(None, "x", false),
            ResourceRequirements::default()
        );
    }

    #[test]
    fn merge_resources_if_missing() {
        let from = container(
            "{name: t, resources: {requests: {cpu: '1', memory: 1Gi}, limits: {cpu: '2'}}}",
        );
        let mut to = container("{name: c, resources: {requests: {cpu: 500m}}}");
        super::merge_resources_if_missing(&from.resources, &mut to.resources);
        assert_eq!(
            to.resources.requests["cpu"].as_str(),
            "500m",
            "the container's own wins"
        );
        assert_eq!(to.resources.requests["memory"].as_str(), "1Gi");
        assert_eq!(to.resources.limits["cpu"].as_str(), "2");
    }

    #[test]
    fn merge_base_pod_spec_onto_template() {
        let template: PodSpec = serde_json::from_value(
            serde_yaml_ng::from_str(
                "containers:\n\
                 - {name: default, image: t, env: [{name: T, value: '1'}], volumeMounts: [{name: v, mountPath: /v}]}\n\
                 - {name: primary, args: [p]}\n\
                 - {name: side, env: [{name: S, value: '1'}]}\n\
                 - {name: task-c, image: ignored}\n\
                 - {name: lonely, image: l}\n\
                 volumes: [{name: v, emptyDir: {}}]\n\
                 dnsPolicy: None\nrestartPolicy: Always\n",
            )
            .unwrap(),
        )
        .unwrap();
        let base: PodSpec = serde_json::from_value(
            serde_yaml_ng::from_str(
                "containers:\n\
                 - {name: task-c, image: b, env: [{name: B, value: '1'}]}\n\
                 - {name: side, image: s}\n\
                 volumes: [{name: w, emptyDir: {}}]\nrestartPolicy: Never\n",
            )
            .unwrap(),
        )
        .unwrap();
        let m = super::merge_base_pod_spec_onto_template(&template, &base, "task-c", "").unwrap();
        let names: Vec<_> = m.containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["task-c", "side"],
            "template-only containers dropped"
        );
        let p = &m.containers[0];
        assert_eq!(p.image, "b");
        let env: Vec<_> = p.env.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(env, ["T", "B"], "default's first, then the pod's");
        assert_eq!(p.args, ["p"], "primary's");
        assert_eq!(p.volume_mounts[0].mount_path, "/v");
        let s = &m.containers[1];
        let env: Vec<_> = s.env.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(env, ["T", "S"], "a sidecar: default, then its namesake");
        assert!(s.args.is_empty(), "not the primary's");
        let vols: Vec<_> = m.volumes.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(vols, ["v", "w"], "appended, the template's first");
        assert_eq!(m.restart_policy, "Never", "the pod's wins");
        assert_eq!(
            m.dns_policy, "None",
            "the template's where the pod has none"
        );
    }

    #[test]
    fn merge_with_base_pod_template() {
        let t = tpl("metadata: {name: t}\ntemplate:\n  metadata: {labels: {a: t, b: t}, annotations: {x: t}}\n\
             \x20 spec: {containers: [{name: default, image: t}]}\n");
        let spec = PodSpec {
            containers: vec![container("{name: c}")],
            ..PodSpec::default()
        };
        let meta = ObjectMeta {
            name: "pod".into(),
            labels: [("b".to_string(), "pod".to_string())].into(),
            ..ObjectMeta::default()
        };
        let (s, m) = super::merge_with_base_pod_template(&spec, &meta, Some(&t), "c", "").unwrap();
        assert_eq!(s.containers[0].image, "t");
        assert_eq!(m.name, "pod");
        assert_eq!(m.labels["a"], "t");
        assert_eq!(m.labels["b"], "pod", "the pod's keys win");
        assert_eq!(m.annotations["x"], "t");
        let (s, m) = super::merge_with_base_pod_template(&spec, &meta, None, "c", "").unwrap();
        assert_eq!((s, m), (spec, meta), "no template: unchanged");
    }

    #[test]
    fn mergo_merge_overrides_appends_and_keeps() {
        let mut d =
            serde_json::json!({"a": "d", "b": "d", "l": [1], "m": {"x": 1, "y": 1}, "t": true});
        super::mergo_merge(
            &mut d,
            serde_json::json!({"a": "s", "b": "", "l": [2], "m": {"y": 2}, "t": false, "n": "new"}),
        );
        assert_eq!(
            d,
            serde_json::json!({"a": "s", "b": "d", "l": [1, 2], "m": {"x": 1, "y": 2}, "t": true, "n": "new"})
        );
    }
}
