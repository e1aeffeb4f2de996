//! Building the `TaskTemplate` (and admin `TaskSpec`) of a task instance in the shape
//! flytekit writes for a `PythonCustomizedContainerTask`: interface, metadata, custom,
//! target (container or pod), extended resources and secrets. The container itself is
//! [`container`](super::container)'s job, the pod template's pod [`pod_template`](super::pod_template)'s.

use super::any_instance::{AnyTaskInstance, TaskKind};
use super::container_task::{ContainerTask, RegisteredExecutor};
use super::definition_error::DefinitionError;
use super::instance::TaskInstance;
use super::io::{descriptions, TaskIo};
use super::pod_template::k8s_pod;
use super::settings::SerializationSettings;
use super::template_parts::{
    base_metadata, check_unique, described_variable_map, spec_with_docs, task_id,
};
use crate::proto::admin::TaskSpec;
use crate::proto::core::{
    gpu_accelerator, task_template, ExtendedResources, GpuAccelerator, LiteralType, RetryStrategy,
    SecurityContext, SharedMemory, TaskMetadata, TaskTemplate, TypedInterface,
};

/// Where shared memory is mounted when the task does not say (flytekit's default).
const SHARED_MEMORY_MOUNT_PATH: &str = "/dev/shm";
/// The shared memory volume's name when the task does not say (flytekit's default).
const SHARED_MEMORY_MOUNT_NAME: &str = "flyte-shared-memory";

fn non_empty(s: &str, default: &str) -> String {
    if s.is_empty() { default } else { s }.to_string()
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
        // A side declared per instance has no descriptions (its TaskIo, `Literals`, has no
        // names): its variables are described by their names.
        Ok(TypedInterface {
            inputs: Some(described_variable_map(
                &inputs,
                &descriptions::<T::Inputs>(),
            )),
            outputs: Some(described_variable_map(
                &outputs,
                &descriptions::<T::Outputs>(),
            )),
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
            // As flytekit's BoolValue: always there, true or false.
            generates_deck: Some(self.deck_enabled()),
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
            Some(pod) => {
                task_template::Target::K8sPod(k8s_pod(pod, &container).map_err(|message| {
                    DefinitionError::PodTemplate {
                        task: self.name.clone(),
                        message,
                    }
                })?)
            }
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

impl<T: ContainerTask> AnyTaskInstance for TaskInstance<T> {
    fn name(&self) -> &str {
        TaskInstance::name(self)
    }
    fn task_type(&self) -> &'static str {
        T::TASK_TYPE
    }
    fn kind(&self) -> TaskKind {
        TaskKind::Container {
            executor_path: <T::Executor as RegisteredExecutor>::PATH,
        }
    }
    fn template(&self, settings: &SerializationSettings) -> Result<TaskTemplate, DefinitionError> {
        TaskInstance::template(self, settings)
    }
    fn task_spec(&self, settings: &SerializationSettings) -> Result<TaskSpec, DefinitionError> {
        TaskInstance::task_spec(self, settings)
    }
}
