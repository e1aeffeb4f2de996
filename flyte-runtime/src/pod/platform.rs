//! What the cluster knows that the template does not: the execution's identity and where its
//! files are ([`PodRun`], [`NodeLayout`]), and the operator's configuration of the k8s plugin and propeller
//! ([`Platform`]), with flyteplugins 1.16's defaults.

use std::collections::BTreeMap;

use super::model::{DnsConfig, HostAlias};
use super::names;
use super::placeholders::Placeholders;
use super::quantity::Quantity;
use crate::contract::metadata::{single_task_workflow_name, SAFE_TO_EVICT_ANNOTATION};
use crate::contract::{INPUTS_PB, TASK_PB};
use crate::proto::core::LiteralMap;

/// Literal offloading as propeller's `literal-offloading-config` turns it on: propeller then
/// sets `_F_L_MIN_SIZE_MB` and `_F_L_MAX_SIZE_MB` in every task pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiteralOffloading {
    /// Outputs of at least this many MiB are offloaded (`min-size-in-mb-for-offloading`, 10).
    pub min_size_mb: i64,
    /// Outputs of at least this many MiB fail the task (`max-size-in-mb-for-offloading`, 1000).
    pub max_size_mb: i64,
}

impl Default for LiteralOffloading {
    fn default() -> Self {
        Self {
            min_size_mb: 10,
            max_size_mb: 1000,
        }
    }
}

/// One of flyteadmin's `task_resources` sets (`flyteadmin/pkg/runtime/interfaces/
/// task_resource_configuration.go`, `TaskResourceSet`; the YAML keys are `cpu`, `memory`,
/// `ephemeralStorage`, `gpu`). A zero is unset: no default, or no ceiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskResourceSet {
    /// `cpu`.
    pub cpu: Quantity,
    /// `memory`.
    pub memory: Quantity,
    /// `ephemeralStorage`.
    pub ephemeral_storage: Quantity,
    /// `gpu`.
    pub gpu: Quantity,
}

impl TaskResourceSet {
    /// A set of `cpu`, `memory`, `ephemeralStorage` and `gpu`; `"0"` is unset.
    pub fn new(cpu: &str, memory: &str, ephemeral_storage: &str, gpu: &str) -> Self {
        Self {
            cpu: quantity(cpu),
            memory: quantity(memory),
            ephemeral_storage: quantity(ephemeral_storage),
            gpu: quantity(gpu),
        }
    }
}

/// flyteadmin's platform task resources (`GetTaskResources`: the config's `task_resources`,
/// which a project's or domain's `TASK_RESOURCE` matchable attribute replaces whole; those
/// attributes are not modelled). flyteadmin fills a container task's missing requests and
/// limits from [`defaults`](Self::defaults) and clamps them to [`limits`](Self::limits) at
/// launch (`setCompiledTaskDefaults`), and passes both to propeller as the platform
/// resources, which propeller defaults and clamps to again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskResources {
    /// `task_resources.defaults`: the request of a task that sets neither request nor limit.
    pub defaults: TaskResourceSet,
    /// `task_resources.limits`: a ceiling only, never a default limit; zero is no ceiling.
    pub limits: TaskResourceSet,
}

impl Default for TaskResources {
    /// The compiled-in values (`flyteadmin/pkg/runtime/task_resource_provider.go`,
    /// v1.16.8): defaults cpu 2, memory 200Mi; limits cpu 2, memory 1Gi, gpu 1.
    fn default() -> Self {
        Self {
            defaults: TaskResourceSet::new("2", "200Mi", "0", "0"),
            limits: TaskResourceSet::new("2", "1Gi", "0", "1"),
        }
    }
}

/// The settings of an official Flyte deployment at v1.16.8, as its chart or config file
/// ships them ([`Platform::preset`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Every setting compiled in (flyteadmin's `task_resource_provider.go`, flyteplugins'
    /// `flytek8s/config/config.go`, flytestdlib's `storage/config.go`).
    CompiledIn,
    /// The `flyte-binary` chart (`charts/flyte-binary/values.yaml`, and its `eks-starter`,
    /// `eks-production` and `gke-starter` values): it sets no `task_resources`, no k8s
    /// plugin resources and no `maxDownloadMBs` (its `configuration.inline` is `{}`), so
    /// it is [`CompiledIn`](Self::CompiledIn).
    FlyteBinary,
    /// The `flyte-core` chart (`charts/flyte-core/values.yaml`: l.1036–1045
    /// `configmap.task_resource_defaults.task_resources`, defaults cpu 100m, memory 500Mi,
    /// limits cpu 2, memory 1Gi, gpu 1; l.1152–1153 k8s plugin `default-cpus: 100m`,
    /// `default-memory: 100Mi`; l.845 `storage.limits.maxDownloadMBs: 10`).
    FlyteCore,
    /// The sandbox (`flytectl demo`: `charts/flyte-sandbox/values.yaml` l.39–49, the same as
    /// `docker/sandbox-bundled/manifests/complete.yaml` l.505–515): defaults cpu 500m,
    /// memory 1Gi; every limit 0, so no ceiling at all. Its other inline setting, the k8s
    /// plugin's `default-env-vars` (the minio endpoint and keys), names the sandbox's own
    /// services and is left to `--platform-env`.
    Sandbox,
}

impl Preset {
    /// Every preset, by [`name`](Self::name).
    pub const ALL: [Preset; 4] = [
        Preset::FlyteBinary,
        Preset::FlyteCore,
        Preset::Sandbox,
        Preset::CompiledIn,
    ];

    /// The name `--platform` takes.
    pub fn name(self) -> &'static str {
        match self {
            Preset::CompiledIn => "compiled-in",
            Preset::FlyteBinary => "flyte-binary",
            Preset::FlyteCore => "flyte-core",
            Preset::Sandbox => "sandbox",
        }
    }

    /// The preset named `name`.
    pub fn from_name(name: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The operator's configuration that shapes a task pod: flyteadmin's `task_resources`,
/// flyteplugins' k8s plugin config and propeller's config. [`Platform::default`] is a
/// Flyte 1.16 installation with every setting compiled in, which is what the `flyte-binary`
/// chart ships ([`Preset::FlyteBinary`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    /// flyteadmin's `task_resources`: the defaults and ceilings of every container task's
    /// resources, and propeller's platform resources.
    pub task_resources: TaskResources,
    /// The k8s plugin's `default-cpus` (`1000m`): a CPU request only where the platform
    /// resources have no `cpu` key (`resolvePlatformDefaults`). flyteadmin always passes
    /// the key, so it never applies to a task launched through flyteadmin; modelled so
    /// that a config that sets it is read, and said to be without effect.
    pub default_cpu: Quantity,
    /// The k8s plugin's `default-memory` (`1024Mi`), like [`default_cpu`](Self::default_cpu).
    pub default_memory: Quantity,
    /// The GPU resource name (`gpu-resource-name`: `nvidia.com/gpu`).
    pub gpu_resource_name: String,
    /// Literal offloading (propeller's default: off).
    pub literal_offloading: Option<LiteralOffloading>,
    /// Added to every task container's environment (`default-env-vars`), e.g. the storage
    /// endpoint and keys of a sandbox.
    pub default_env_vars: Vec<(String, String)>,
    /// Pods on the node's network (`enable-host-networking-pod`).
    pub host_network: bool,
    /// The pods' DNS configuration (`default-pod-dns-config`): copied into a pod that has
    /// none. Propeller leaves `dnsPolicy` alone, so Kubernetes' `ClusterFirst` keeps the
    /// cluster's DNS first and these name servers come after it.
    pub dns_config: Option<DnsConfig>,
    /// Extra `/etc/hosts` entries (a default pod template's `hostAliases`).
    pub host_aliases: Vec<HostAlias>,
    /// The largest `outputs.pb` propeller reads (flytestdlib `storage.limits.maxDownloadMBs`:
    /// 2 MiB by default; flyte-core's chart sets 10).
    pub max_download_bytes: u64,
    /// Annotations of every pod, under the pod's own (`default-annotations`: compiled in,
    /// `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`).
    pub default_annotations: BTreeMap<String, String>,
    /// Labels of every pod, under the pod's own (`default-labels`: none).
    pub default_labels: BTreeMap<String, String>,
    /// The cluster's PodTemplates (propeller's store: every namespace's, watched).
    pub pod_templates: Vec<super::model::PodTemplate>,
    /// The template merged under a task's pod when the task names none
    /// (`default-pod-template-name`; compiled in: none).
    pub default_pod_template_name: String,
}

impl Default for Platform {
    fn default() -> Self {
        Self {
            task_resources: TaskResources::default(),
            // Both are valid quantities; a unit test parses them.
            default_cpu: quantity("1000m"),
            default_memory: quantity("1024Mi"),
            gpu_resource_name: "nvidia.com/gpu".to_string(),
            literal_offloading: None,
            default_env_vars: Vec::new(),
            host_network: false,
            dns_config: None,
            host_aliases: Vec::new(),
            max_download_bytes: 2 << 20,
            default_annotations: [(SAFE_TO_EVICT_ANNOTATION.to_string(), "false".to_string())]
                .into(),
            default_labels: BTreeMap::new(),
            pod_templates: Vec::new(),
            default_pod_template_name: String::new(),
        }
    }
}

impl Platform {
    /// The settings `preset` ships (see [`Preset`] for the file each comes from).
    ///
    /// ```
    /// use flyte_runtime::__private::pod::{Platform, Preset};
    ///
    /// let core = Platform::preset(Preset::FlyteCore);
    /// assert_eq!(core.task_resources.defaults.cpu.as_str(), "100m");
    /// assert_eq!(Platform::preset(Preset::FlyteBinary), Platform::default());
    /// assert!(Platform::preset(Preset::Sandbox).task_resources.limits.memory.is_zero());
    /// ```
    pub fn preset(preset: Preset) -> Self {
        let compiled_in = Self::default();
        match preset {
            Preset::CompiledIn | Preset::FlyteBinary => compiled_in,
            Preset::FlyteCore => Self {
                task_resources: TaskResources {
                    defaults: TaskResourceSet::new("100m", "500Mi", "0", "0"),
                    limits: TaskResourceSet::new("2", "1Gi", "0", "1"),
                },
                default_cpu: quantity("100m"),
                default_memory: quantity("100Mi"),
                max_download_bytes: 10 << 20,
                ..compiled_in
            },
            Preset::Sandbox => Self {
                task_resources: TaskResources {
                    defaults: TaskResourceSet::new("500m", "1Gi", "0", "0"),
                    limits: TaskResourceSet::new("0", "0", "0", "0"),
                },
                ..compiled_in
            },
        }
    }
}

fn quantity(s: &str) -> Quantity {
    match s.parse() {
        Ok(q) => q,
        Err(e) => unreachable!("a constant quantity: {e}"),
    }
}

/// Where a node's files are: the paths propeller fills into the placeholders. Propeller's
/// layout under a metadata prefix is [`NodeLayout::under`]; a local run lays out its folder
/// its own way (`run`'s folder, a map element's prefixes) with the same fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeLayout {
    /// `{{.input}}`: the node's `inputs.pb`.
    pub input: String,
    /// `{{.inputPrefix}}`.
    pub input_prefix: String,
    /// `{{.outputPrefix}}`: where the attempt's results go.
    pub output_prefix: String,
    /// `{{.rawOutputDataPrefix}}`.
    pub raw_output_data_prefix: String,
    /// `{{.checkpointOutputPrefix}}`: this attempt's checkpoint.
    pub checkpoint_output_prefix: String,
    /// `{{.prevCheckpointPrefix}}`: the previous attempt's checkpoint, if there is one.
    pub prev_checkpoint_prefix: Option<String>,
    /// `{{.taskTemplatePath}}`.
    pub task_template_path: String,
}

impl NodeLayout {
    /// The files of attempt `attempt` of a node whose data is under `prefix`, as propeller
    /// lays them out: the inputs at `<prefix>/inputs.pb`, the template at
    /// `<prefix>/task.pb`, and per attempt `<prefix>/<attempt>` for outputs,
    /// `<prefix>/raw/<attempt>` for raw data and `<prefix>/checkpoints/<attempt>` for
    /// checkpoints (the previous attempt's is `{{.prevCheckpointPrefix}}`).
    pub fn under(prefix: &str, attempt: u32) -> Self {
        let p = |n: &str| format!("{}/{n}", prefix.trim_end_matches('/'));
        Self {
            input: p(INPUTS_PB),
            input_prefix: prefix.trim_end_matches('/').to_string(),
            output_prefix: p(&attempt.to_string()),
            raw_output_data_prefix: p(&format!("raw/{attempt}")),
            checkpoint_output_prefix: p(&format!("checkpoints/{attempt}")),
            prev_checkpoint_prefix: attempt
                .checked_sub(1)
                .map(|prev| p(&format!("checkpoints/{prev}"))),
            task_template_path: p(TASK_PB),
        }
    }
}

/// One run of a task as propeller starts it: the execution's identity, the node's place in
/// its workflow, where its files are and its inputs; the names and placeholders are
/// computed from them ([`PodRun::generated_name`], [`PodRun::pod_name`],
/// [`PodRun::placeholders`]).
///
/// ```
/// use flyte_runtime::__private::pod::{NodeLayout, PodRun};
///
/// let run = PodRun::under("s3://bucket/metadata/run-1", 0);
/// assert_eq!(run.placeholders().input, "s3://bucket/metadata/run-1/inputs.pb");
/// assert_eq!(run.placeholders().output_prefix, "s3://bucket/metadata/run-1/0");
/// assert_eq!(run.pod_name(), "local-n0-0");
/// // Element 3 of the map at node n0, its attempt 1, in the ArrayNode's attempt 0.
/// let element =
///     PodRun::new(NodeLayout::under("s3://b/n0/0/3", 1), "exec", "n3", 1).in_array("n0", 0);
/// assert_eq!(element.node_unique_id(), "n0-0-n3");
/// assert_eq!(element.placeholders().generated_name, "exec-n0-0-n3-1");
/// // Kubernetes refuses `Foo_1-n0-0`: propeller fixes the pod's name up, not the generated name.
/// let run = PodRun::new(NodeLayout::under("s3://b/n0", 0), "Foo_1", "n0", 0);
/// assert_eq!(run.generated_name(), "Foo_1-n0-0");
/// assert_eq!(run.pod_name(), "foo1-n0-0");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PodRun {
    /// Execution project.
    pub project: String,
    /// Execution domain.
    pub domain: String,
    /// Execution name.
    pub execution: String,
    /// The name of the workflow the node is in; none for a task launched on its own, whose
    /// workflow flyteadmin generates, `.flytegen.<task>` (see
    /// [`workflow_name`](Self::workflow_name)).
    pub workflow: Option<String>,
    /// The node's id in its workflow (`n0`; an ArrayNode element's is `n<index>`), the
    /// pod's `node-id` label.
    pub node_id: String,
    /// The node's parent, for a node inside another (an ArrayNode's element): the parent's
    /// unique id and its attempt, from which the node's unique id is made
    /// ([`node_unique_id`](Self::node_unique_id)).
    pub parent: Option<(String, u32)>,
    /// The attempt (retry) number, from 0.
    pub attempt: u32,
    /// The Kubernetes namespace (`<project>-<domain>` by default).
    pub namespace: String,
    /// Environment given to this execution (`pyflyte run --env`, a launch plan's envs).
    pub execution_env: Vec<(String, String)>,
    /// Where the node's files are.
    pub layout: NodeLayout,
    /// The inputs, for `{{.inputs.NAME}}` (when empty, those are left as they are).
    pub inputs: LiteralMap,
}

impl PodRun {
    /// Attempt `attempt` of the top-level node `node_id` of execution `execution` (in the
    /// default project and domain, `flytesnacks`/`development`), its files where `layout`
    /// says.
    pub fn new(
        layout: NodeLayout,
        execution: impl Into<String>,
        node_id: impl Into<String>,
        attempt: u32,
    ) -> Self {
        Self {
            project: "flytesnacks".to_string(),
            domain: "development".to_string(),
            execution: execution.into(),
            workflow: None,
            node_id: node_id.into(),
            parent: None,
            attempt,
            namespace: "flytesnacks-development".to_string(),
            execution_env: Vec::new(),
            layout,
            inputs: LiteralMap::default(),
        }
    }

    /// Attempt `attempt` of node `n0` of execution `local`, its files under `prefix` as
    /// propeller lays them out ([`NodeLayout::under`]).
    pub fn under(prefix: &str, attempt: u32) -> Self {
        Self::new(NodeLayout::under(prefix, attempt), "local", "n0", attempt)
    }

    /// This run with `inputs` (what `{{.inputs.NAME}}` renders).
    pub fn with_inputs(self, inputs: LiteralMap) -> Self {
        Self { inputs, ..self }
    }

    /// This run with `env` as the execution's environment.
    pub fn with_execution_env(self, env: Vec<(String, String)>) -> Self {
        Self {
            execution_env: env,
            ..self
        }
    }

    /// This run in workflow `workflow` (its name).
    pub fn in_workflow(self, workflow: impl Into<String>) -> Self {
        Self {
            workflow: Some(workflow.into()),
            ..self
        }
    }

    /// This run as an element of the ArrayNode whose unique id is `array` (`n0` at the top
    /// level), in the ArrayNode's attempt `array_attempt` (the ArrayNode's
    /// `buildArrayNodeContext`: `CreateParentInfo`).
    pub fn in_array(self, array: impl Into<String>, array_attempt: u32) -> Self {
        Self {
            parent: Some((array.into(), array_attempt)),
            ..self
        }
    }

    /// The workflow's name: [`workflow`](Self::workflow), else the one flyteadmin generates
    /// for task `task` launched on its own.
    pub fn workflow_name(&self, task: &str) -> String {
        self.workflow
            .clone()
            .unwrap_or_else(|| single_task_workflow_name(task))
    }

    /// The node's id unique in its execution (`common.GenerateUniqueID`): the node's id at
    /// the top level, else `<parent's unique id>-<parent's attempt>-<node id>`, hashed to
    /// `f` and 7 characters when over 20.
    pub fn node_unique_id(&self) -> String {
        let parent = self.parent.as_ref().map(|(id, a)| (id.as_str(), *a));
        names::generate_unique_id(parent, &self.node_id)
    }

    /// The task execution's generated name (`GetGeneratedName`, `{{.generatedName}}`):
    /// `<execution>-<node unique id>-<attempt>`, hashed to `f` and 7 characters when over
    /// 50, never lower-cased.
    pub fn generated_name(&self) -> String {
        names::generated_name(&self.execution, &self.node_unique_id(), self.attempt)
    }

    /// The pod's name: the generated name, made a valid DNS-1123 subdomain only when it is
    /// not one (`addObjectMetadata`).
    pub fn pod_name(&self) -> String {
        names::pod_name(&self.generated_name())
    }

    /// The values propeller fills into the container's `command` and `args`: the layout's
    /// paths, the generated name ([`generated_name`](Self::generated_name)), the namespace
    /// and the inputs.
    pub fn placeholders(&self) -> Placeholders {
        let l = &self.layout;
        Placeholders {
            input: l.input.clone(),
            input_prefix: l.input_prefix.clone(),
            output_prefix: l.output_prefix.clone(),
            raw_output_data_prefix: l.raw_output_data_prefix.clone(),
            checkpoint_output_prefix: l.checkpoint_output_prefix.clone(),
            prev_checkpoint_prefix: l.prev_checkpoint_prefix.clone().unwrap_or_default(),
            task_template_path: l.task_template_path.clone(),
            generated_name: self.generated_name(),
            namespace: self.namespace.clone(),
            inputs: self.inputs.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn defaults_parse() {
        let p = super::Platform::default();
        assert_eq!(p.default_cpu.millis(), 1000);
        assert_eq!(p.default_memory.whole_units(), Some(1 << 30));
    }
}
