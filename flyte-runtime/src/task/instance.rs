//! [`TaskInstance`]: one named task of a task type, with everything Flyte schedules it by
//! (interface, resources, env, secrets, retries, timeout, cache, pod template, …). Built
//! with a builder; every problem is reported when the template is built, naming the task.

use std::collections::BTreeMap;
use std::time::Duration;

use super::container_task::ContainerTask;
use super::resources::Resources;
use super::secrets::SecretRequest;
use crate::proto::core::LiteralType;
use crate::types::FlyteType;

/// Caching of a task's outputs by its inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cache {
    /// Bump to invalidate earlier cached outputs.
    pub version: String,
    /// Let only one execution with the same inputs run at a time.
    pub serialize: bool,
    /// Inputs left out of the cache key.
    pub ignore_input_vars: Vec<String>,
}

/// A Kubernetes pod template for the task's pod: the primary container (named
/// `primary_container_name`) gets the task's image, args, env and resources.
///
/// The template's `k8s_pod` is this spec read into the pod model
/// ([`pod::PodSpec`](crate::pod::PodSpec)) with the task's container merged in, as flytekit
/// merges it; everything the merge does not set is written as given, explicit `false`, `""`
/// and `[]` included (see [`Verbatim`](crate::pod::Verbatim)). A spec that is not a
/// Kubernetes `PodSpec` (a container without a name, a quantity that is not one, …) fails
/// the template.
#[derive(Debug, Clone, PartialEq)]
pub struct PodTemplate {
    /// The name of the container the task runs in.
    pub primary_container_name: String,
    /// A Kubernetes `PodSpec` as JSON, with Kubernetes' field names, as `kubectl` and
    /// flytekit's `V1PodSpec` write it (`{"containers": [...], "nodeSelector": {...}}`);
    /// `null` for an empty one. (A typed [`pod::PodSpec`](crate::pod::PodSpec) becomes this
    /// with `serde_json::to_value`.)
    pub pod_spec: serde_json::Value,
    /// Pod labels.
    pub labels: BTreeMap<String, String>,
    /// Pod annotations.
    pub annotations: BTreeMap<String, String>,
}

/// Shared memory mounted into the task's container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedMemory {
    /// Where it is mounted (`/dev/shm`, flytekit's default, when empty).
    pub mount_path: String,
    /// The volume name (`flyte-shared-memory`, flytekit's default, when empty).
    pub mount_name: String,
    /// The size limit (a quantity, e.g. `"2Gi"`); empty for no limit.
    pub size_limit: String,
}

/// One named task of task type `T`.
///
/// ```
/// use flyte_runtime::task::{Literals, Resources, TaskInstance};
/// # use flyte_runtime::prelude::*;
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # #[container_task(task_type = "echo-config", image = "example.com/echo:1", executor = Exec)]
/// # pub struct EchoConfig { pub setting: String }
/// # #[derive(Default)] pub struct Exec;
/// # #[shim_executor]
/// # impl ShimTaskExecutor for Exec {
/// #     type Task = EchoConfig;
/// #     fn execute_from_model(&self, _: &ExecutionContext, t: EchoConfig, _: Literals) -> Result<Literals, TaskError> {
/// #         Ok(Literals::new().with("out", &t.setting))
/// #     }
/// # }
/// let task = TaskInstance::new("demo.echo_config", EchoConfig { setting: "x".into() })
///     .input::<String>("input_name")
///     .output::<String>("out")
///     .requests(Resources::new().cpu("1").mem("500Mi"))
///     .retries(3);
/// let template = task.template(&Default::default()).unwrap();
/// assert_eq!(template.r#type, "echo-config");
/// ```
#[derive(Debug, Clone)]
pub struct TaskInstance<T: ContainerTask> {
    pub(crate) name: String,
    pub(crate) config: T,
    pub(crate) inputs: Vec<(String, LiteralType)>,
    pub(crate) outputs: Vec<(String, LiteralType)>,
    pub(crate) requests: Resources,
    pub(crate) limits: Resources,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) secrets: Vec<SecretRequest>,
    pub(crate) retries: u32,
    pub(crate) timeout: Option<Duration>,
    pub(crate) cache: Option<Cache>,
    pub(crate) interruptible: Option<bool>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) pod_template: Option<PodTemplate>,
    pub(crate) pod_template_name: Option<String>,
    pub(crate) accelerator: Option<String>,
    pub(crate) shared_memory: Option<SharedMemory>,
    pub(crate) docs: Option<String>,
    pub(crate) command: Option<Vec<String>>,
    pub(crate) enable_deck: Option<bool>,
}

impl<T: ContainerTask> TaskInstance<T> {
    /// A task named `name` (unique in the binary; e.g. `module.task`) configured by `config`.
    pub fn new(name: impl Into<String>, config: T) -> Self {
        Self {
            name: name.into(),
            config,
            inputs: Vec::new(),
            outputs: Vec::new(),
            requests: Resources::default(),
            limits: Resources::default(),
            env: Vec::new(),
            secrets: Vec::new(),
            retries: 0,
            timeout: None,
            cache: None,
            interruptible: None,
            tags: BTreeMap::new(),
            pod_template: None,
            pod_template_name: None,
            accelerator: None,
            shared_memory: None,
            docs: None,
            command: None,
            enable_deck: None,
        }
    }

    /// The task's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The task type's configuration.
    pub fn config(&self) -> &T {
        &self.config
    }

    /// Declares an input of type `V` (for task types whose interface is per instance).
    #[must_use]
    pub fn input<V: FlyteType>(mut self, name: &str) -> Self {
        self.inputs.push((name.to_string(), V::literal_type()));
        self
    }

    /// Declares an input by its Flyte type.
    #[must_use]
    pub fn input_type(mut self, name: &str, t: LiteralType) -> Self {
        self.inputs.push((name.to_string(), t));
        self
    }

    /// Declares an output of type `V` (for task types whose interface is per instance).
    #[must_use]
    pub fn output<V: FlyteType>(mut self, name: &str) -> Self {
        self.outputs.push((name.to_string(), V::literal_type()));
        self
    }

    /// Declares an output by its Flyte type.
    #[must_use]
    pub fn output_type(mut self, name: &str, t: LiteralType) -> Self {
        self.outputs.push((name.to_string(), t));
        self
    }

    /// Resource requests.
    #[must_use]
    pub fn requests(mut self, r: Resources) -> Self {
        self.requests = r;
        self
    }

    /// Resource limits.
    #[must_use]
    pub fn limits(mut self, r: Resources) -> Self {
        self.limits = r;
        self
    }

    /// An environment variable of the container.
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// A secret the task reads at run time.
    #[must_use]
    pub fn secret(mut self, s: SecretRequest) -> Self {
        self.secrets.push(s);
        self
    }

    /// How often Flyte retries a recoverable failure.
    #[must_use]
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// The longest one attempt may run.
    #[must_use]
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    /// Caches outputs by inputs, under `version`.
    #[must_use]
    pub fn cache(mut self, version: impl Into<String>) -> Self {
        self.cache = Some(Cache {
            version: version.into(),
            ..self.cache.unwrap_or_default()
        });
        self
    }

    /// Lets only one execution with the same inputs run at a time (needs [`cache`](Self::cache)).
    #[must_use]
    pub fn cache_serialize(mut self, on: bool) -> Self {
        self.cache.get_or_insert_with(Cache::default).serialize = on;
        self
    }

    /// Leaves these inputs out of the cache key (needs [`cache`](Self::cache)).
    #[must_use]
    pub fn cache_ignore_input_vars(mut self, names: &[&str]) -> Self {
        self.cache
            .get_or_insert_with(Cache::default)
            .ignore_input_vars = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Whether the task may run on interruptible (spot) nodes.
    #[must_use]
    pub fn interruptible(mut self, on: bool) -> Self {
        self.interruptible = Some(on);
        self
    }

    /// A tag of the task's metadata.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Runs the task in a pod built from this template (the template then carries `k8s_pod`).
    #[must_use]
    pub fn pod_template(mut self, p: PodTemplate) -> Self {
        self.pod_template = Some(p);
        self
    }

    /// Runs the task with a pod template registered on the cluster under this name.
    #[must_use]
    pub fn pod_template_name(mut self, name: impl Into<String>) -> Self {
        self.pod_template_name = Some(name.into());
        self
    }

    /// A GPU accelerator device (e.g. `nvidia-tesla-t4`).
    #[must_use]
    pub fn accelerator(mut self, device: impl Into<String>) -> Self {
        self.accelerator = Some(device.into());
        self
    }

    /// Shared memory for the container.
    #[must_use]
    pub fn shared_memory(mut self, s: SharedMemory) -> Self {
        self.shared_memory = Some(s);
        self
    }

    /// A description of the task, registered with it.
    #[must_use]
    pub fn docs(mut self, text: impl Into<String>) -> Self {
        self.docs = Some(text.into());
        self
    }

    /// Whether this task's runs leave a deck (flytekit's `enable_deck`), over its task type's
    /// [`ENABLE_DECK`](ContainerTask::ENABLE_DECK): the template's
    /// `TaskMetadata.generates_deck`.
    #[must_use]
    pub fn enable_deck(mut self, on: bool) -> Self {
        self.enable_deck = Some(on);
        self
    }

    /// Whether this task's runs leave a deck: [`enable_deck`](Self::enable_deck), else its
    /// task type's.
    pub fn deck_enabled(&self) -> bool {
        self.enable_deck.unwrap_or(T::ENABLE_DECK)
    }

    /// Replaces the container's args (flytekit's `set_command_fn`).
    #[must_use]
    pub fn command(mut self, args: Vec<String>) -> Self {
        self.command = Some(args);
        self
    }

    /// Back to the default args (flytekit's `reset_command_fn`).
    #[must_use]
    pub fn reset_command(mut self) -> Self {
        self.command = None;
        self
    }
}
