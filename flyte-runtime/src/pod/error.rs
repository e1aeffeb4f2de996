//! [`PodError`]: why propeller would not create the pod.

use std::collections::BTreeMap;

use super::placeholders::RenderError;

/// The key of `TaskTemplate.config` that names a pod template's primary container.
pub const PRIMARY_CONTAINER_KEY: &str = "primary_container_name";

/// Why propeller would not create the pod (its `BadTaskSpecification` and render errors):
/// the task fails before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PodError {
    /// The template has neither a container nor a pod spec.
    #[error("invalid TaskSpecification, unable to determine Pod configuration (the template has neither `container` nor `k8s_pod`)")]
    NoTarget,
    /// A `k8s_pod` target without a pod spec.
    #[error("Pod tasks with task type version > 1 should specify their target as a K8sPod with a defined pod spec")]
    NoPodSpec,
    /// The pod spec is not a Kubernetes `PodSpec`.
    #[error("Unable to unmarshal task k8s pod: {0}")]
    BadPodSpec(String),
    /// A `k8s_pod` target whose `config` lacks `primary_container_name`.
    #[error("invalid TaskSpecification, config missing [{PRIMARY_CONTAINER_KEY}] key in {0:?}")]
    NoPrimaryContainerName(BTreeMap<String, String>),
    /// The named primary container is not in the pod spec.
    #[error("invalid TaskSpecification, primary container [{0}] not defined")]
    PrimaryContainerMissing(String),
    /// The task's `metadata.pod_template_name` names no PodTemplate in the namespace
    /// (`getBasePodTemplate`): a permanent failure, `FailedToBuildResource`.
    #[error("PodTemplate '{0}' does not exist")]
    PodTemplateMissing(String),
    /// A resource quantity Kubernetes would refuse.
    #[error("Failed to parse resource as a valid quantity: {name} = {value:?}")]
    Quantity {
        /// The resource.
        name: String,
        /// The value.
        value: String,
    },
    /// A placeholder propeller cannot render.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A secret without group or key.
    #[error("k8s Secrets Webhook require both key and group to be set. Secret: group {group:?}, key {key:?}")]
    Secret {
        /// The group.
        group: String,
        /// The key.
        key: String,
    },
    /// Shared memory without a name or path, or clashing with a volume.
    #[error("shared memory: {0}")]
    SharedMemory(String),
}
