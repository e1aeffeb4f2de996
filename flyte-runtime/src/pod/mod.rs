//! The pod flytepropeller 1.16 creates for a task template, modelled from propeller's and
//! flyteplugins' own source (tag v1.16.8): placeholders, environment, resources (flyteadmin's
//! defaults and ceilings first, then propeller's), secrets and how the results are read, and
//! around a map's elements what the ArrayNode does ([`element_template`], [`gather`], …).
//! `pod TASK` prints it; `run --container` derives its `docker run` from it, so the local
//! check is as strict as the [`Platform`] it is given is like the cluster.
//!
//! ```
//! use flyte_runtime::__private::pod::{build_pod, Platform, PodRun};
//! # use flyte_runtime::proto::core::{task_template::Target, Container, TaskTemplate};
//! # let template = TaskTemplate { target: Some(Target::Container(Container::default())), ..Default::default() };
//! let pod = build_pod(&template, &PodRun::under("s3://bucket/run", 0), &Platform::default()).unwrap();
//! let yaml = flyte_runtime::__private::pod::to_yaml(&pod).unwrap();
//! assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\n"));
//! ```

mod admin;
mod array;
mod build;
mod config;
mod docker;
mod env;
mod error;
mod model;
mod names;
mod placeholders;
mod platform;
mod quantity;
mod resources;
mod results;
mod secrets;
mod template;

pub use admin::{flyteadmin_resource_notes, validate_task_resources, ResourceNote};
pub use array::{
    element_env, element_literals, element_output_prefix, element_template, gather, list_length,
    min_successes, ArrayVerdict, Gathering, INDEX_VARIABLES,
};
pub use build::{build_pod, primary_container};
pub(crate) use config::apply_platform_config;
pub use docker::{docker_run, local_secret_value, DockerError, DockerOptions};
pub use error::{PodError, PRIMARY_CONTAINER_KEY};
pub use model::{
    Container, DnsConfig, EmptyDirVolumeSource, EnvVar, EnvVarSource, HostAlias, KeyToPath,
    ObjectMeta, Pod, PodSpec, PodTemplate, PodTemplateSpec, ResourceRequirements,
    SecretKeySelector, SecretVolumeSource, Verbatim, Volume, VolumeMount,
    POD_TEMPLATE_DEFAULT_NAMESPACE,
};
pub use placeholders::{Placeholders, RenderError};
pub use platform::{
    LiteralOffloading, NodeLayout, Platform, PodRun, Preset, TaskResourceSet, TaskResources,
};
pub use quantity::{k8s_resource_name, NotAQuantity, Quantity};
pub use resources::Reason;
pub use results::{
    clear_results, read_results, ContainerExit, FailureSource, TaskFailure, TaskResult,
};
pub use secrets::{secret_env_var, secret_file, SECRETS_DIR, SECRETS_ENV_PREFIX};
pub use template::{
    extract_container_resources_from_pod_template, get_base_pod_template, load_or_default,
    merge_base_pod_spec_onto_template, merge_resources_if_missing, merge_with_base_pod_template,
    mergo_merge,
};

/// The pod as YAML, for `kubectl apply -f -` or a diff.
pub fn to_yaml(pod: &Pod) -> Result<String, serde_yaml_ng::Error> {
    serde_yaml_ng::to_string(pod)
}
