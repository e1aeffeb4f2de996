//! Building the `TaskTemplate` (and admin `TaskSpec`) of a task instance in the shape
//! flytekit writes for a `PythonCustomizedContainerTask`, with our entrypoint and resolver.

use std::collections::BTreeSet;

use serde_json::{json, Value as Json};

use super::container_task::ContainerTask;
use super::custom::CustomError;
use super::instance::TaskInstance;
use super::io::TaskIo;
use super::resources::QuantityError;
use crate::execute::{resolvers, RegisteredExecutor};
use crate::proto::admin::{description, Description, DescriptionEntity, TaskSpec};
use crate::proto::core::{
    gpu_accelerator, resources::ResourceName, runtime_metadata::RuntimeType, task_template,
    Container, ExtendedResources, GpuAccelerator, Identifier, K8sObjectMetadata, K8sPod,
    KeyValuePair, LiteralType, ResourceType, Resources, RetryStrategy, RuntimeMetadata,
    SecurityContext, SharedMemory, TaskMetadata, TaskTemplate, TypedInterface, Variable,
    VariableMap,
};
use crate::types::struct_value::json_object_to_struct;

/// The runtime flavor written into `metadata.runtime` (flytekit writes `python`).
pub const RUNTIME_FLAVOR: &str = "rust";
/// Our crate's version (in `metadata.runtime.version` after the protocol version, and in
/// serialized tasks).
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The flytekit release whose wire protocol this runtime implements.
pub const FLYTEKIT_PROTOCOL_VERSION: &str = "1.16.31";

/// `metadata.runtime.version`: `<flytekit protocol version>+flyte-rs.<our version>` (semver
/// build metadata). Propeller reads the first `x.y.z` of it to decide whether the task may
/// consume offloaded literals (`LiteralOffloadingConfig.IsSupportedSDKVersion`: FLYTE_SDK at
/// least 1.13.14); our own version alone (0.x) would make it refuse them.
///
/// ```
/// assert_eq!(flyte_runtime::task::runtime_version(), format!("1.16.31+flyte-rs.{}", env!("CARGO_PKG_VERSION")));
/// ```
pub fn runtime_version() -> String {
    format!("{FLYTEKIT_PROTOCOL_VERSION}+flyte-rs.{RUNTIME_VERSION}")
}

/// Where shared memory is mounted when the task does not say (flytekit's default).
pub(super) const SHARED_MEMORY_MOUNT_PATH: &str = "/dev/shm";
/// The shared memory volume's name when the task does not say (flytekit's default).
pub(super) const SHARED_MEMORY_MOUNT_NAME: &str = "flyte-shared-memory";

fn non_empty(s: &str, default: &str) -> String {
    if s.is_empty() { default } else { s }.to_string()
}

/// What registration adds to a template: the id's project, domain and version, and
/// optionally another image and extra environment (as `pyflyte package --image/--env`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SerializationSettings {
    /// Project of the task id (empty in a registration package: filled at registration).
    pub project: String,
    /// Domain of the task id.
    pub domain: String,
    /// Version of the task id.
    pub version: String,
    /// Replaces the task type's image when set.
    pub image: Option<String>,
    /// Added to every container's environment.
    pub env: Vec<(String, String)>,
}

/// Why a task instance does not make a valid template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// A resource quantity Kubernetes would refuse.
    #[error("task `{task}`: {source}")]
    Quantity {
        /// The task.
        task: String,
        /// Which quantity.
        source: QuantityError,
    },
    /// The configuration did not serialize into `custom`.
    #[error("task `{task}`: {source}")]
    Custom {
        /// The task.
        task: String,
        /// Why.
        source: CustomError,
    },
    /// The interface is wrong: missing, declared twice, or a name used twice.
    #[error("task `{task}`: {message}")]
    Interface {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
    /// The resolver cannot name this task in a template.
    #[error("task `{task}`: resolver `{resolver}`: {message}")]
    Resolver {
        /// The task.
        task: String,
        /// The resolver.
        resolver: &'static str,
        /// Why.
        message: String,
    },
    /// The task does not run in a container, so it cannot be named for one.
    #[error("task `{task}` does not run in a container: {why}")]
    NoContainer {
        /// The task.
        task: String,
        /// Who runs it instead.
        why: &'static str,
    },
    /// A reference task has no template: it is registered already, elsewhere.
    #[error("task `{task}` is a reference to {id}, registered already; it has no template here")]
    Reference {
        /// The task.
        task: String,
        /// `project/domain/name@version`.
        id: String,
    },
    /// The task type's own check of this instance failed ([`ContainerTask::validate`]).
    #[error("task `{task}`: {message}")]
    Invalid {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
    /// The task has no name.
    #[error("a task of type `{task_type}` has an empty name")]
    EmptyName {
        /// Its task type.
        task_type: &'static str,
    },
}

/// The id of task `name` under `settings` (project, domain and version as registration sets them).
pub(crate) fn task_id(name: &str, settings: &SerializationSettings) -> Identifier {
    Identifier {
        resource_type: ResourceType::Task as i32,
        project: settings.project.clone(),
        domain: settings.domain.clone(),
        name: name.to_string(),
        version: settings.version.clone(),
        org: String::new(),
    }
}

/// The metadata every template of ours carries: the runtime, no retries, no deck.
pub(crate) fn base_metadata() -> TaskMetadata {
    TaskMetadata {
        runtime: Some(RuntimeMetadata {
            r#type: RuntimeType::FlyteSdk as i32,
            version: runtime_version(),
            flavor: RUNTIME_FLAVOR.to_string(),
        }),
        retries: Some(RetryStrategy::default()),
        generates_deck: Some(false),
        metadata: Some(K8sObjectMetadata::default()),
        ..Default::default()
    }
}

/// Checks that no name is declared twice on one side of an interface.
pub(crate) fn check_unique(
    task: &str,
    which: &str,
    vars: &[(String, LiteralType)],
) -> Result<(), DefinitionError> {
    let mut seen = BTreeSet::new();
    for (name, _) in vars {
        if !seen.insert(name.as_str()) {
            return Err(DefinitionError::Interface {
                task: task.to_string(),
                message: format!("{which} `{name}` is declared twice"),
            });
        }
    }
    Ok(())
}

/// The admin `TaskSpec` of a template, with `docs` as its description.
pub(crate) fn spec_with_docs(template: TaskTemplate, docs: Option<&str>) -> TaskSpec {
    let description = docs.map(|text| DescriptionEntity {
        short_description: text.lines().next().unwrap_or_default().to_string(),
        long_description: Some(Description {
            content: Some(description::Content::Value(text.to_string())),
            ..Default::default()
        }),
        ..Default::default()
    });
    TaskSpec {
        template: Some(template),
        description,
    }
}

pub(crate) fn variable_map(vars: &[(String, LiteralType)]) -> VariableMap {
    VariableMap {
        variables: vars
            .iter()
            .map(|(name, t)| {
                (
                    name.clone(),
                    Variable {
                        r#type: Some(t.clone()),
                        description: name.clone(),
                    },
                )
            })
            .collect(),
    }
}

/// The default container args: pyflyte-execute's flags, the resolver, and its loader args
/// (for the task-template resolver: the template path and the executor's path).
///
/// ```
/// let args = flyte_runtime::task::default_args(
///     "my-binary",
///     flyte_runtime::execute::resolvers::TEMPLATE,
///     &["{{.taskTemplatePath}}".to_string(), "my_crate::MyExecutor".to_string()],
/// );
/// assert_eq!(args[..2], ["my-binary", "execute"]);
/// assert_eq!(args[args.len() - 3..], ["--", "{{.taskTemplatePath}}", "my_crate::MyExecutor"]);
/// ```
pub fn default_args(entrypoint: &str, resolver: &str, loader_args: &[String]) -> Vec<String> {
    let flags = crate::execute::EntrypointArgs::placeholders(resolver, loader_args.to_vec());
    [entrypoint.to_string(), "execute".to_string()]
        .into_iter()
        .chain(flags.to_argv())
        .collect()
}

impl<T: ContainerTask> TaskInstance<T> {
    fn interface_side(
        &self,
        which: &str,
        fixed: Option<Vec<(&'static str, LiteralType)>>,
        declared: &[(String, LiteralType)],
    ) -> Result<Vec<(String, LiteralType)>, DefinitionError> {
        let err = |message: String| DefinitionError::Interface {
            task: self.name.clone(),
            message,
        };
        let vars = match fixed {
            Some(fixed) if declared.is_empty() => {
                fixed.into_iter().map(|(n, t)| (n.to_string(), t)).collect()
            }
            Some(_) => {
                return Err(err(format!(
                    "task type `{}` fixes its {which}; they cannot be declared per instance",
                    T::TASK_TYPE
                )))
            }
            None => declared.to_vec(),
        };
        check_unique(&self.name, which, &vars)?;
        Ok(vars)
    }

    /// The typed interface (fixed by the task type, or declared on this instance).
    pub fn interface(&self) -> Result<TypedInterface, DefinitionError> {
        let inputs = self.interface_side("inputs", T::Inputs::variables(), &self.inputs)?;
        let outputs = self.interface_side("outputs", T::Outputs::variables(), &self.outputs)?;
        if let Some((name, _)) = outputs
            .iter()
            .find(|(o, _)| inputs.iter().any(|(i, _)| i == o))
        {
            return Err(DefinitionError::Interface {
                task: self.name.clone(),
                message: format!("output `{name}` has the name of an input"),
            });
        }
        Ok(TypedInterface {
            inputs: Some(variable_map(&inputs)),
            outputs: Some(variable_map(&outputs)),
        })
    }

    /// The loader args that let `T::RESOLVER` find this task at run time (written by the
    /// resolver module, which also reads them).
    fn loader_args(&self) -> Result<Vec<String>, DefinitionError> {
        resolvers::loader_args_for(
            T::RESOLVER,
            &self.name,
            <T::Executor as RegisteredExecutor>::PATH,
        )
        .map_err(|message| DefinitionError::Resolver {
            task: self.name.clone(),
            resolver: T::RESOLVER,
            message,
        })
    }

    fn container(&self, settings: &SerializationSettings) -> Result<Container, DefinitionError> {
        let args = match &self.command {
            Some(args) => args.clone(),
            None => default_args(T::ENTRYPOINT, T::RESOLVER, &self.loader_args()?),
        };
        Ok(Container {
            image: settings.image.clone().unwrap_or_else(T::image),
            command: Vec::new(),
            args,
            resources: Some(Resources {
                requests: self.requests.entries(),
                limits: self.limits.entries(),
            }),
            env: self
                .env
                .iter()
                .chain(settings.env.iter())
                .map(|(key, value)| KeyValuePair {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
            ..Default::default()
        })
    }

    fn metadata(&self) -> TaskMetadata {
        let cache = self.cache.clone().unwrap_or_default();
        TaskMetadata {
            discoverable: self.cache.is_some(),
            timeout: self.timeout.map(|t| prost_types::Duration {
                seconds: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
                nanos: t.subsec_nanos() as i32,
            }),
            retries: Some(RetryStrategy {
                retries: self.retries,
            }),
            discovery_version: cache.version,
            cache_serializable: cache.serialize,
            cache_ignore_input_vars: cache.ignore_input_vars,
            interruptible_value: self
                .interruptible
                .map(crate::proto::core::task_metadata::InterruptibleValue::Interruptible),
            tags: self.tags.clone().into_iter().collect(),
            pod_template_name: self.pod_template_name.clone().unwrap_or_default(),
            ..base_metadata()
        }
    }

    fn validate(&self) -> Result<(), DefinitionError> {
        if self.name.is_empty() {
            return Err(DefinitionError::EmptyName {
                task_type: T::TASK_TYPE,
            });
        }
        for (which, r) in [("requests", &self.requests), ("limits", &self.limits)] {
            r.validate(which)
                .map_err(|source| DefinitionError::Quantity {
                    task: self.name.clone(),
                    source,
                })?;
        }
        if let Some(sm) = self
            .shared_memory
            .as_ref()
            .filter(|s| !s.size_limit.is_empty())
        {
            super::resources::check_quantity(
                "shared_memory.size_limit".into(),
                &sm.size_limit,
                true,
            )
            .map_err(|source| DefinitionError::Quantity {
                task: self.name.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// The `TaskTemplate` Flyte registers and propeller runs.
    pub fn template(
        &self,
        settings: &SerializationSettings,
    ) -> Result<TaskTemplate, DefinitionError> {
        self.validate()?;
        let custom = self
            .config
            .get_custom()
            .map_err(|source| DefinitionError::Custom {
                task: self.name.clone(),
                source,
            })?;
        let interface = self.interface()?;
        self.config
            .validate(&interface)
            .map_err(|message| DefinitionError::Invalid {
                task: self.name.clone(),
                message,
            })?;
        let container = self.container(settings)?;
        let target = match &self.pod_template {
            Some(pod) => task_template::Target::K8sPod(k8s_pod(pod, &container)),
            None => task_template::Target::Container(container),
        };
        let extended = ExtendedResources {
            gpu_accelerator: self.accelerator.as_ref().map(|device| GpuAccelerator {
                device: device.clone(),
                partition_size_value: None::<gpu_accelerator::PartitionSizeValue>,
            }),
            // propeller refuses shared memory without a name or path; flytekit's defaults.
            shared_memory: self.shared_memory.as_ref().map(|s| SharedMemory {
                mount_path: non_empty(&s.mount_path, SHARED_MEMORY_MOUNT_PATH),
                mount_name: non_empty(&s.mount_name, SHARED_MEMORY_MOUNT_NAME),
                size_limit: s.size_limit.clone(),
            }),
        };
        Ok(TaskTemplate {
            id: Some(task_id(&self.name, settings)),
            r#type: T::TASK_TYPE.to_string(),
            metadata: Some(self.metadata()),
            interface: Some(interface),
            // flytekit omits an empty `custom` (a task type without configuration).
            custom: (!custom.fields.is_empty()).then_some(custom),
            target: Some(target),
            task_type_version: T::TASK_TYPE_VERSION,
            security_context: (!self.secrets.is_empty()).then(|| SecurityContext {
                secrets: self.secrets.iter().map(|s| s.to_proto()).collect(),
                ..Default::default()
            }),
            extended_resources: (extended != ExtendedResources::default()).then_some(extended),
            // propeller's BuildRawPod refuses a k8s_pod target without it.
            config: self
                .pod_template
                .as_ref()
                .map(|p| {
                    [(
                        crate::pod::PRIMARY_CONTAINER_KEY.to_string(),
                        p.primary_container_name.clone(),
                    )]
                    .into()
                })
                .unwrap_or_default(),
        })
    }

    /// The admin `TaskSpec` of a registration package: the template and its description.
    pub fn task_spec(&self, settings: &SerializationSettings) -> Result<TaskSpec, DefinitionError> {
        Ok(spec_with_docs(
            self.template(settings)?,
            self.docs.as_deref(),
        ))
    }
}

fn k8s_resources(entries: &[crate::proto::core::resources::ResourceEntry]) -> Json {
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
fn k8s_pod(pod: &super::instance::PodTemplate, c: &Container) -> K8sPod {
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
