//! The pod flytepropeller 1.16 creates for a task template, step by step as flyteplugins'
//! pod plugin does (`plugins/k8s/pod/plugin.go`, `BuildResource`): the raw pod
//! (`flytek8s/pod_helper.go`, `BuildRawPod`), Flyte's configuration of every container
//! (`ApplyFlytePodConfiguration` → `container_helper.go`, `AddFlyteCustomizationsToContainer`),
//! the object metadata (propeller's `PluginManager.addObjectMetadata`: name, namespace,
//! labels and annotations) and the secrets webhook (`pkg/webhook/k8s_secrets.go`).

use super::admin::set_compiled_task_defaults;
use super::env::decorate_env_vars;
use super::error::{PodError, PRIMARY_CONTAINER_KEY};
use super::model::{
    Container, EmptyDirVolumeSource, EnvVar, ObjectMeta, Pod, PodSpec, ResourceRequirements,
    Volume, VolumeMount,
};
use super::names;
use super::platform::{Platform, PodRun};
use super::quantity::Quantity;
use super::resources::{apply_resource_overrides, Assign};
use super::secrets::inject_secret;
use super::template::{
    extract_container_resources_from_pod_template, get_base_pod_template,
    merge_resources_if_missing, merge_with_base_pod_template,
};
use crate::contract::metadata::{
    DOMAIN_LABEL, EXECUTION_ID_LABEL, INJECT_SECRETS_LABEL, INTERRUPTIBLE_LABEL, NODE_ID_LABEL,
    PROJECT_LABEL, SHARD_KEY_LABEL, TASK_NAME_LABEL, WORKFLOW_NAME_LABEL,
};
use crate::proto::core::task_metadata::InterruptibleValue;
use crate::proto::core::{resources::ResourceName, task_template, Identifier, TaskTemplate};
use crate::types::struct_value::struct_to_json_object;

/// The task types propeller runs as raw containers (no primary-container annotation).
const RAW_CONTAINER_TASK_TYPE: &str = "raw-container";

/// The pod's primary container, as propeller knows it: the one the template's
/// `primary_container_name` names (a pod template, which may hold sidecars), else the one
/// the pod's annotation names, else its only container.
pub fn primary_container<'a>(pod: &'a Pod, template: &TaskTemplate) -> Option<&'a Container> {
    let name = template
        .config
        .get(PRIMARY_CONTAINER_KEY)
        .or_else(|| pod.metadata.annotations.get(PRIMARY_CONTAINER_KEY));
    match name {
        Some(name) => pod.spec.containers.iter().find(|c| c.name == *name),
        None if pod.spec.containers.len() == 1 => pod.spec.containers.first(),
        None => None,
    }
}

/// The pod propeller 1.16 would create for `template` in `run` on `platform`, the task
/// launched through flyteadmin, which first fills in and clamps a container task's
/// resources ([`flyteadmin_resource_notes`](super::flyteadmin_resource_notes) says what it
/// changed).
///
/// ```
/// use flyte_runtime::__private::pod::{build_pod, Platform, PodRun};
/// use flyte_runtime::proto::core::{task_template::Target, Container, TaskTemplate};
///
/// let template = TaskTemplate {
///     r#type: "adder".into(),
///     target: Some(Target::Container(Container {
///         image: "flyte-examples:0.1.0".into(),
///         args: vec!["flyte-examples".into(), "execute".into(), "--inputs".into(), "{{.input}}".into()],
///         ..Default::default()
///     })),
///     ..Default::default()
/// };
/// let pod = build_pod(&template, &PodRun::under("s3://b/run", 0), &Platform::default()).unwrap();
/// let c = &pod.spec.containers[0];
/// assert_eq!(c.args[3], "s3://b/run/inputs.pb");
/// // Neither request nor limit: flyteadmin's `task_resources.defaults` (compiled in: 2, 200Mi).
/// assert_eq!(c.resources.limits["cpu"].as_str(), "2");
/// assert_eq!(c.resources.requests["memory"].as_str(), "200Mi");
/// assert_eq!(pod.spec.restart_policy, "Never");
/// ```
pub fn build_pod(
    template: &TaskTemplate,
    run: &PodRun,
    platform: &Platform,
) -> Result<Pod, PodError> {
    let mut launched = template.clone();
    set_compiled_task_defaults(&mut launched, &platform.task_resources);
    let template = &launched;
    let (mut spec, mut meta, primary) = build_raw_pod(template, run)?;
    apply_flyte_pod_configuration(template, run, platform, &mut spec, &mut meta, &primary)?;

    // BuildResource: mark the primary container when the pod has one container.
    if spec.containers.len() == 1 && template.r#type != RAW_CONTAINER_TASK_TYPE {
        meta.annotations
            .insert(PRIMARY_CONTAINER_KEY.to_string(), primary.clone());
    }
    let meta = add_object_metadata(meta, template, run, platform);
    // The secrets webhook, on the pods labelled for it, mounts each secret.
    for secret in secrets_of(template) {
        inject_secret(secret, &mut spec)?;
    }
    Ok(Pod {
        api_version: "v1".to_string(),
        kind: "Pod".to_string(),
        metadata: meta,
        spec,
    })
}

fn secrets_of(template: &TaskTemplate) -> &[crate::proto::core::Secret] {
    template
        .security_context
        .as_ref()
        .map(|c| c.secrets.as_slice())
        .unwrap_or_default()
}

/// `PluginManager.addObjectMetadata`: the namespace; the annotations and the labels each the
/// union, later maps winning (`UnionMaps`), of the platform's defaults, the pod's own (its
/// pod template's, the primary-container annotation), the template's `metadata.metadata`
/// and the task execution's ([`task_execution_labels`]); the name, the generated name made
/// a valid DNS-1123 subdomain only when it is not one ([`PodRun::pod_name`]).
///
/// The task execution's annotations are the execution's own (none here) and, when the task
/// requests secrets, each secret marshalled as `flyte.secrets/s<i>` for the webhook: Go's
/// protobuf text format, whose spacing is not stable, so not modelled (the webhook's work is,
/// in [`inject_secret`]).
fn add_object_metadata(
    own: ObjectMeta,
    template: &TaskTemplate,
    run: &PodRun,
    platform: &Platform,
) -> ObjectMeta {
    let k8s = template.metadata.as_ref().and_then(|m| m.metadata.as_ref());
    let mut annotations = platform.default_annotations.clone();
    annotations.extend(own.annotations);
    let mut labels = platform.default_labels.clone();
    labels.extend(own.labels);
    if let Some(k8s) = k8s {
        annotations.extend(k8s.annotations.clone());
        labels.extend(k8s.labels.clone());
    }
    labels.extend(task_execution_labels(template, run));
    ObjectMeta {
        name: run.pod_name(),
        namespace: run.namespace.clone(),
        labels,
        annotations,
    }
}

/// The task execution's labels (`taskCtx.GetLabels()`), in the order they are laid over one
/// another:
/// 1. the FlyteWorkflow's (`transformers/k8s/workflow.go`, `BuildFlyteWorkflow`): the
///    execution's name, project and domain as they are, the workflow's name sanitized, the
///    shard key (flyteadmin's execution labels, none here, come on top);
/// 2. the node's (`nodes/node_exec_context.go`, `newNodeExecContext`): its id in its
///    workflow (an ArrayNode element's `n<index>`), the task's name, both sanitized, and
///    whether it is interruptible: the task's own `interruptible`, which flytekit copies
///    onto the task's node, else the execution's default, off (propeller's switching it off
///    after repeated failures is not modelled);
/// 3. the k8s plugin's (`nodes/task/k8s/task_exec_context.go`, `newTaskExecutionMetadata`):
///    `inject-flyte-secrets` when the task requests secrets (the execution identity's label
///    needs a `RunAs` identity, which a local run has not).
fn task_execution_labels(template: &TaskTemplate, run: &PodRun) -> Vec<(String, String)> {
    let task = template.id.clone().unwrap_or_default();
    let workflow_id =
        names::workflow_id_as_string(&run.project, &run.domain, &run.workflow_name(&task.name));
    let interruptible = template
        .metadata
        .as_ref()
        .and_then(|m| m.interruptible_value)
        .is_some_and(|InterruptibleValue::Interruptible(on)| on);
    let mut labels = vec![
        (EXECUTION_ID_LABEL, run.execution.clone()),
        (PROJECT_LABEL, run.project.clone()),
        (DOMAIN_LABEL, run.domain.clone()),
        (
            WORKFLOW_NAME_LABEL,
            names::sanitize_label_value(&names::workflow_name_from_id(&workflow_id)),
        ),
        (
            SHARD_KEY_LABEL,
            names::shard_key(&run.execution).to_string(),
        ),
        (NODE_ID_LABEL, names::sanitize_label_value(&run.node_id)),
        (TASK_NAME_LABEL, names::sanitize_label_value(&task.name)),
        (INTERRUPTIBLE_LABEL, interruptible.to_string()),
    ];
    if !secrets_of(template).is_empty() {
        labels.push((INJECT_SECRETS_LABEL, "true".to_string()));
    }
    labels
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// `BuildRawPod`: the pod spec, its metadata and the primary container's name.
fn build_raw_pod(
    template: &TaskTemplate,
    run: &PodRun,
) -> Result<(PodSpec, ObjectMeta, String), PodError> {
    let mut meta = ObjectMeta::default();
    match &template.target {
        Some(task_template::Target::Container(c)) => {
            let container = Container {
                name: names::container_name(&run.generated_name()),
                image: c.image.clone(),
                command: c.command.clone(),
                args: c.args.clone(),
                env: c
                    .env
                    .iter()
                    .map(|kv| EnvVar::value(&kv.key, &kv.value))
                    .collect(),
                resources: k8s_resources(c.resources.as_ref())?,
                termination_message_policy: "FallbackToLogsOnError".to_string(),
                ..Container::default()
            };
            let primary = container.name.clone();
            let spec = PodSpec {
                containers: vec![container],
                ..PodSpec::default()
            };
            Ok((spec, meta, primary))
        }
        Some(task_template::Target::K8sPod(pod)) => {
            let raw = pod.pod_spec.as_ref().ok_or(PodError::NoPodSpec)?;
            let spec: PodSpec =
                serde_json::from_value(serde_json::Value::Object(struct_to_json_object(raw)))
                    .map_err(|e| PodError::BadPodSpec(e.to_string()))?;
            let primary = template
                .config
                .get(PRIMARY_CONTAINER_KEY)
                .cloned()
                .ok_or_else(|| {
                    PodError::NoPrimaryContainerName(template.config.clone().into_iter().collect())
                })?;
            if let Some(m) = &pod.metadata {
                meta.annotations.extend(m.annotations.clone());
                meta.labels.extend(m.labels.clone());
            }
            Ok((spec, meta, primary))
        }
        _ => Err(PodError::NoTarget),
    }
}

/// `ApplyFlytePodConfiguration`: the base PodTemplate (`getBasePodTemplate`); placeholders,
/// env and resources of every container, the template's resources filling the keys a
/// container has not; the pod-wide settings (`UpdatePod`); the template merged under the
/// pod (`MergeWithBasePodTemplate`); shared memory.
fn apply_flyte_pod_configuration(
    template: &TaskTemplate,
    run: &PodRun,
    platform: &Platform,
    spec: &mut PodSpec,
    meta: &mut ObjectMeta,
    primary: &str,
) -> Result<(), PodError> {
    let base = get_base_pod_template(template, run, platform)?;
    let task = template.id.clone().unwrap_or_default();
    for c in &mut spec.init_containers {
        let from = extract_container_resources_from_pod_template(base.as_ref(), &c.name, true);
        merge_resources_if_missing(&from, &mut c.resources);
        add_flyte_customizations(c, &task, run, platform, Assign::IfUnset)?;
    }
    for c in &mut spec.containers {
        let mode = if c.name == primary {
            Assign::IfUnset
        } else {
            Assign::OnlyClamp
        };
        let from = extract_container_resources_from_pod_template(base.as_ref(), &c.name, false);
        merge_resources_if_missing(&from, &mut c.resources);
        add_flyte_customizations(c, &task, run, platform, mode)?;
    }
    if !spec.containers.iter().any(|c| c.name == primary) {
        return Err(PodError::PrimaryContainerMissing(primary.to_string()));
    }
    // UpdatePod.
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Never".to_string();
    }
    if platform.host_network {
        spec.host_network = true;
    }
    // The platform's DNS configuration when the pod has none. Propeller never sets
    // `dnsPolicy`: Kubernetes' default, `ClusterFirst`, keeps the cluster's DNS, and the
    // configured name servers are added after it.
    if spec.dns_config.is_none() {
        spec.dns_config = platform.dns_config.clone();
    }
    spec.host_aliases
        .extend(platform.host_aliases.iter().cloned());
    // No copilot: no primary init container.
    let (merged, merged_meta) =
        merge_with_base_pod_template(spec, meta, base.as_ref(), primary, "")?;
    *spec = merged;
    *meta = merged_meta;
    if let Some(shm) = template
        .extended_resources
        .as_ref()
        .and_then(|e| e.shared_memory.as_ref())
    {
        apply_shared_memory(spec, primary, shm)?;
    }
    Ok(())
}

/// `AddFlyteCustomizationsToContainer`.
fn add_flyte_customizations(
    c: &mut Container,
    task: &Identifier,
    run: &PodRun,
    platform: &Platform,
    mode: Assign,
) -> Result<(), PodError> {
    let placeholders = run.placeholders();
    c.command = placeholders.render(&c.command)?;
    c.args = placeholders.render(&c.args)?;
    decorate_env_vars(&mut c.env, task, run, platform);
    // SanitizeGPUResourceRequirements: `gpu` is the platform's GPU resource.
    for side in [&mut c.resources.requests, &mut c.resources.limits] {
        if let Some(q) = side.remove("gpu") {
            side.insert(platform.gpu_resource_name.clone(), q);
        }
    }
    apply_resource_overrides(&mut c.resources, platform, mode);
    Ok(())
}

/// `ApplySharedMemory`: an in-memory `emptyDir` mounted into the primary container.
fn apply_shared_memory(
    spec: &mut PodSpec,
    primary: &str,
    shm: &crate::proto::core::SharedMemory,
) -> Result<(), PodError> {
    let err = |m: String| Err(PodError::SharedMemory(m));
    if shm.mount_name.is_empty() {
        return err("mount name is not set".into());
    }
    if shm.mount_path.is_empty() {
        return err("mount path is not set".into());
    }
    if spec.volumes.iter().any(|v| v.name == shm.mount_name) {
        return err(format!(
            "A volume is already named {} in pod spec",
            shm.mount_name
        ));
    }
    let size_limit = match shm.size_limit.as_str() {
        "" => None,
        text => Some(text.parse::<Quantity>().map_err(|_| PodError::Quantity {
            name: "shared memory size limit".into(),
            value: shm.size_limit.clone(),
        })?),
    };
    let Some(c) = spec.containers.iter_mut().find(|c| c.name == primary) else {
        return err("Unable to find primary container".into());
    };
    if c.volume_mounts
        .iter()
        .any(|m| m.mount_path == shm.mount_path)
    {
        return err(format!(
            "{} is already mounted in container",
            shm.mount_path
        ));
    }
    c.volume_mounts.push(VolumeMount {
        name: shm.mount_name.clone(),
        mount_path: shm.mount_path.clone(),
        ..VolumeMount::default()
    });
    spec.volumes.push(Volume {
        name: shm.mount_name.clone(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: "Memory".to_string(),
            size_limit,
            ..EmptyDirVolumeSource::default()
        }),
        ..Volume::default()
    });
    Ok(())
}

/// `ToK8sResourceRequirements`: the template's entries under Kubernetes' names, zeros left
/// out (`ToK8sResourceList`).
fn k8s_resources(
    r: Option<&crate::proto::core::Resources>,
) -> Result<ResourceRequirements, PodError> {
    let mut out = ResourceRequirements::default();
    let Some(r) = r else {
        return Ok(out);
    };
    for (entries, side) in [
        (&r.requests, &mut out.requests),
        (&r.limits, &mut out.limits),
    ] {
        for e in entries {
            let Some(name) = ResourceName::try_from(e.name)
                .ok()
                .and_then(super::quantity::k8s_resource_name)
            else {
                continue;
            };
            let q: Quantity = e.value.parse().map_err(|_| PodError::Quantity {
                name: name.to_string(),
                value: e.value.clone(),
            })?;
            if !q.is_zero() {
                side.insert(name.to_string(), q);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::metadata::SAFE_TO_EVICT_ANNOTATION;
    use crate::pod::NodeLayout;
    use crate::proto::core::{
        task_template::Target, Container as TemplateContainer, K8sObjectMetadata, Secret,
        SecurityContext, TaskMetadata,
    };

    fn template() -> TaskTemplate {
        TaskTemplate {
            id: Some(Identifier {
                name: "examples.Add_Ten".into(),
                ..Default::default()
            }),
            target: Some(Target::Container(TemplateContainer {
                image: "img:1".into(),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    fn labels(pod: &Pod) -> Vec<(&str, &str)> {
        pod.metadata
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// `BuildFlyteWorkflow`, `newNodeExecContext` and `newTaskExecutionMetadata`: the task
    /// execution's labels.
    #[test]
    fn the_pod_has_the_labels_propeller_gives_a_task_execution() {
        let pod = build_pod(
            &template(),
            &PodRun::under("s3://b/n0", 0),
            &Platform::default(),
        )
        .unwrap();
        assert_eq!(
            labels(&pod),
            [
                ("domain", "development"),
                ("execution-id", "local"),
                ("interruptible", "false"),
                ("node-id", "n0"),
                ("project", "flytesnacks"),
                ("shard-key", "8"), // fnv32a("local") % 32
                ("task-name", "examples-add-ten"),
                ("workflow-name", "flytegen-examples-add-ten"),
            ]
        );

        // An interruptible task that requests a secret, as element 3 of a map's workflow.
        let mut t = template();
        t.metadata = Some(TaskMetadata {
            interruptible_value: Some(InterruptibleValue::Interruptible(true)),
            ..Default::default()
        });
        t.security_context = Some(SecurityContext {
            secrets: vec![Secret {
                group: "g".into(),
                key: "k".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let run = PodRun::new(NodeLayout::under("s3://b/n0/0/3", 0), "exec", "n3", 0)
            .in_array("n0", 0)
            .in_workflow("examples.map_add");
        let pod = build_pod(&t, &run, &Platform::default()).unwrap();
        let l = &pod.metadata.labels;
        assert_eq!(
            l["node-id"], "n3",
            "the element's node id, not its unique id"
        );
        assert_eq!(l["workflow-name"], "examples-map-add");
        assert_eq!(l["interruptible"], "true");
        assert_eq!(l["inject-flyte-secrets"], "true");
        assert_eq!(pod.metadata.name, "exec-n0-0-n3-0");
    }

    /// `addObjectMetadata`: `UnionMaps(defaults, the pod's own, the template's metadata, the
    /// task execution's)`, later maps winning.
    #[test]
    fn metadata_is_the_union_of_four_maps_later_ones_winning() {
        let mut t = template();
        t.metadata = Some(TaskMetadata {
            metadata: Some(K8sObjectMetadata {
                labels: [
                    ("team".to_string(), "data".to_string()),
                    ("node-id".to_string(), "mine".to_string()),
                ]
                .into(),
                annotations: [(SAFE_TO_EVICT_ANNOTATION.to_string(), "true".to_string())].into(),
            }),
            ..Default::default()
        });
        let mut platform = Platform::default();
        platform
            .default_labels
            .insert("team".into(), "platform".into());
        platform
            .default_labels
            .insert("cost-center".into(), "7".into());
        let pod = build_pod(&t, &PodRun::under("s3://b/n0", 0), &platform).unwrap();
        let m = &pod.metadata;
        assert_eq!(m.labels["cost-center"], "7", "a default nothing overrides");
        assert_eq!(m.labels["team"], "data", "the template's over the default");
        assert_eq!(
            m.labels["node-id"], "n0",
            "the task execution's over the template's"
        );
        assert_eq!(m.annotations[SAFE_TO_EVICT_ANNOTATION], "true");
        assert_eq!(m.annotations[PRIMARY_CONTAINER_KEY], "local-n0-0");

        let pod = build_pod(
            &template(),
            &PodRun::under("s3://b/n0", 0),
            &Platform::default(),
        )
        .unwrap();
        assert_eq!(
            pod.metadata.annotations[SAFE_TO_EVICT_ANNOTATION], "false",
            "the k8s plugin's compiled-in default"
        );
        assert_eq!(pod.metadata.namespace, "flytesnacks-development");
    }

    /// `addObjectMetadata` names the pod; `BuildRawContainer` names the container after the
    /// generated name (not the fixed-up one) when that is a DNS-1123 label.
    #[test]
    fn an_invalid_generated_name_is_fixed_up_for_the_pod_only() {
        let run = PodRun::new(NodeLayout::under("s3://b/n0", 0), "Foo_1", "n0", 0);
        let pod = build_pod(&template(), &run, &Platform::default()).unwrap();
        assert_eq!(pod.metadata.name, "foo1-n0-0");
        let container = &pod.spec.containers[0].name;
        assert_eq!(
            container.len(),
            4,
            "not a label: four characters ({container})"
        );
        assert_eq!(pod.metadata.annotations[PRIMARY_CONTAINER_KEY], *container);
        let pod = build_pod(&template(), &run, &Platform::default()).unwrap();
        assert_eq!(
            pod.spec.containers[0].name, *container,
            "the same every time"
        );
    }

    /// `UpdatePod`: the platform's DNS configuration when the pod has none, no `dnsPolicy`.
    #[test]
    fn the_platforms_dns_config_leaves_the_policy_alone() {
        let platform = Platform {
            dns_config: Some(crate::pod::DnsConfig {
                nameservers: vec!["10.96.0.10".into()],
                searches: Vec::new(),
            }),
            ..Platform::default()
        };
        let pod = build_pod(&template(), &PodRun::under("s3://b/n0", 0), &platform).unwrap();
        assert_eq!(pod.spec.dns_policy, "");
        assert_eq!(pod.spec.dns_config, platform.dns_config);
    }
}
