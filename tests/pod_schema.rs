//! Issue 30: every pod `pod` prints passes what the Kubernetes API server would check before
//! creating it: strict validation against Kubernetes' own schema (`kubernetes-validate`,
//! unknown fields refused) and the API server's rules a schema cannot say (RFC 1123 names,
//! label and annotation keys and values, requests within limits; see
//! `tests/python/validate_pods.py`). All pods are written to one folder and judged by one
//! Python process.
//!
//! The pods: `flyte-examples pod TASK` for every task `flyte-examples list` lists (those
//! propeller makes no pod for are in [`NO_POD`]), the elements of every map it lists (built
//! with the same `build_pod` the binary uses: `pod` does not take a map), [`CLI_CASES`] (the
//! platform flags that add to a pod) and [`built_cases`] (tasks the examples do not register:
//! a pod template with a sidecar and an init container, a clamped request, shared memory…).
//! One more case is one line in either list. The built cases run on a cluster holding the
//! PodTemplates of tests/fixtures/pod_templates (a task may name one); a CLI case merges
//! the default one (`default-pod-template-name`).

use std::path::{Path, PathBuf};
use std::process::Command;

use flyte_examples::adder::{add_task, AddTask};
use flyte_runtime::__private::pod::{
    build_pod, element_env, to_yaml, NodeLayout, Platform, PodRun,
    PodTemplate as ClusterPodTemplate,
};
use flyte_runtime::proto::core::TaskTemplate;
use flyte_runtime::task::{
    PodTemplate, Resources, SerializationSettings, SharedMemory, TaskInstance,
};
use prost::Message;
use serde_json::{json, Value as Json};

/// The Kubernetes version the pods are validated against: flytepropeller and flyteplugins
/// v1.16.8 are built with k8s.io/api v0.34.1, so 1.34's API is the one whose fields their
/// pods may use (kubernetes-validate bundles 1.25 to 1.37).
const KUBERNETES: &str = "1.34";

/// The kubernetes-validate version tests/python/requirements.txt pins.
const KUBERNETES_VALIDATE: &str = "1.37.0";

/// Registered tasks propeller creates no pod for, and why `pod` says so.
const NO_POD: &[(&str, &str)] = &[("examples.echo", "neither `container` nor `k8s_pod`")];

/// The elements of each map whose pods are validated (the last one's name the longest).
const MAP_ELEMENTS: &[usize] = &[0, 1, 9999];

/// `flyte-examples pod ARGS…`: the platform flags that add to a pod, names that must be
/// fixed up or hashed, a retry.
const CLI_CASES: &[(&str, &[&str])] = &[
    ("cli-dns", &["examples.add", "--dns", "10.96.0.10"]),
    (
        "cli-add-host",
        &["examples.add", "--add-host", "minio.flyte:10.0.0.5"],
    ),
    (
        "cli-platform-env",
        &[
            "examples.add",
            "--platform-env",
            "FLYTE_AWS_ENDPOINT=http://minio.flyte:9000",
        ],
    ),
    ("cli-offload", &["examples.add", "--offload-min-mb", "10"]),
    ("cli-host-network", &["examples.add", "--host-network"]),
    (
        "cli-all-platform-flags",
        &[
            "examples.checksum",
            "--dns",
            "10.96.0.10",
            "--add-host",
            "minio.flyte:10.0.0.5",
            "--platform-env",
            "A=b",
            "--host-network",
            "--offload-min-mb",
            "10",
        ],
    ),
    (
        "cli-pod-template-flags",
        &[
            "examples.add_in_pod",
            "--dns",
            "10.96.0.10",
            "--add-host",
            "h:10.0.0.1",
        ],
    ),
    (
        "cli-execution-fixed-up",
        &["examples.add", "--execution", "Foo_1.Bar"],
    ),
    (
        "cli-execution-hashed",
        &[
            "examples.add",
            "--execution",
            "Execution_Name_Far_Longer_Than_Fifty_Characters",
        ],
    ),
    ("cli-retry", &["examples.add", "--attempt", "3"]),
    (
        "cli-default-pod-template",
        &[
            "examples.add",
            "--pod-template",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/pod_templates/base.yaml"
            ),
            "--default-pod-template",
            "base",
        ],
    ),
    (
        "cli-image",
        &["examples.add", "--image", "ghcr.io/org/adder:1.2.3"],
    ),
];

/// A pod template with an init container and a sidecar (whose request above its limit
/// propeller clamps, `ResourceCustomizationModeEnsureExistingResourcesInRange`), merged into
/// the task's container `adder`.
fn sidecar_and_init_container() -> TaskInstance<AddTask> {
    add_task().pod_template(PodTemplate {
        primary_container_name: "adder".to_string(),
        pod_spec: json!({
            "initContainers": [{
                "name": "fetch",
                "image": "busybox:1.36",
                "command": ["sh", "-c", "echo ready > /scratch/ready"],
                "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
            }],
            "containers": [
                {"name": "adder", "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]},
                {
                    "name": "log-shipper",
                    "image": "fluent/fluent-bit:3.0",
                    "resources": {"requests": {"cpu": "2", "memory": "512Mi"},
                                  "limits": {"cpu": "500m", "memory": "256Mi"}},
                },
            ],
            "volumes": [{"name": "scratch", "emptyDir": {}}],
            "nodeSelector": {"pool": "batch"},
            "tolerations": [{"key": "batch", "operator": "Exists", "effect": "NoSchedule"}],
        }),
        labels: [("app.kubernetes.io/name".to_string(), "adder".to_string())].into(),
        annotations: [("example.com/owner".to_string(), "team-a".to_string())].into(),
    })
}

/// Pods of tasks the examples do not register, built in this process by the `build_pod`
/// the binary uses: (name, the task's template).
fn built_cases() -> Vec<(&'static str, TaskTemplate)> {
    vec![
        (
            "sidecar-and-init-container",
            template(sidecar_and_init_container()),
        ),
        (
            "clamped-request",
            template(
                add_task()
                    .requests(Resources::new().cpu("4").mem("2Gi"))
                    .limits(Resources::new().cpu("2").mem("1Gi")),
            ),
        ),
        (
            "named-pod-template",
            template(add_task().pod_template_name("gpu")),
        ),
        (
            "request-only",
            template(add_task().requests(Resources::new().cpu("250m").mem("64Mi"))),
        ),
        (
            "gpu-and-ephemeral-storage",
            template(
                add_task()
                    .accelerator("nvidia-tesla-t4")
                    .requests(Resources::new().gpu("1").ephemeral_storage("1Gi")),
            ),
        ),
        (
            "shared-memory",
            template(add_task().shared_memory(SharedMemory::default())),
        ),
        (
            "shared-memory-sized",
            template(add_task().shared_memory(SharedMemory {
                mount_path: "/dev/shm".into(),
                mount_name: "shm".into(),
                size_limit: "2Gi".into(),
            })),
        ),
        ("interruptible", template(add_task().interruptible(true))),
        (
            "env-and-retries",
            template(add_task().env("MODE", "fast").retries(3)),
        ),
    ]
}

fn settings() -> SerializationSettings {
    SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: "local".into(),
        ..SerializationSettings::default()
    }
}

fn template(task: TaskInstance<AddTask>) -> TaskTemplate {
    task.template(&settings()).expect("the task's template")
}

fn examples_bin() -> PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

fn examples(args: &[&str]) -> std::process::Output {
    Command::new(examples_bin())
        .args(args)
        .output()
        .expect("run flyte-examples")
}

/// The registered tasks and maps, from `flyte-examples list`.
fn listed() -> (Vec<String>, Vec<String>) {
    let out = examples(&["list"]);
    assert!(out.status.success(), "list failed");
    let text = String::from_utf8(out.stdout).expect("list prints text");
    let (mut tasks, mut maps) = (Vec::new(), Vec::new());
    let mut section = "";
    for line in text.lines() {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap_or_default();
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match section {
            // `<index>  <name>  <type>  …`
            "tasks" => tasks.push(words[1].to_string()),
            "maps" => maps.push(words[0].to_string()),
            _ => {}
        }
    }
    assert!(!tasks.is_empty(), "no tasks in `list`:\n{text}");
    (tasks, maps)
}

/// The pod of element `index` of the map whose template is `map`, as `run --container` builds
/// it (local/map_run.rs `element_run`): node `n<index>` of the ArrayNode `n0`.
fn element_pod(map_name: &str, map: &TaskTemplate, index: usize) -> String {
    let prefix = format!("s3://my-s3-bucket/metadata/propeller/run/n0/data/{index}");
    let run = PodRun::new(
        NodeLayout::under(&prefix, 0),
        "local",
        format!("n{index}"),
        0,
    )
    .in_array("n0", 0)
    .in_workflow(map_name)
    .with_execution_env(element_env(index));
    let pod = build_pod(map, &run, &Platform::default())
        .unwrap_or_else(|e| panic!("{map_name}[{index}]: {e}"));
    to_yaml(&pod).expect("the pod as YAML")
}

/// Writes `yaml` as `<dir>/<name>.yaml` (the report names the pod by the file's stem).
fn write(dir: &Path, name: &str, yaml: &[u8], written: &mut Vec<String>) {
    assert!(
        !written.iter().any(|w| w == name),
        "two cases are named {name}"
    );
    std::fs::write(dir.join(format!("{name}.yaml")), yaml).expect("write the pod");
    written.push(name.to_string());
}

/// A pod the API server would refuse twice over: a field Kubernetes does not have
/// (`spec.containers[0].restartPolicyy`), and a name with `_` and an upper-case letter.
fn invalid_pod(valid: &str) -> String {
    let mut pod: Json = serde_yaml_ng::from_str(valid).expect("the pod is YAML");
    pod["metadata"]["name"] = json!("Not_A_Valid_Name");
    pod["spec"]["containers"][0]["restartPolicyy"] = json!("Never");
    serde_yaml_ng::to_string(&pod).expect("YAML")
}

const INVALID: &str = "deliberately-invalid";

#[test]
fn every_pod_passes_kubernetes_validation() {
    let dir = flyte_tests::pod::scratch("pod-schema");
    let mut written = Vec::new();

    let (tasks, maps) = listed();
    for task in &tasks {
        let out = examples(&["pod", task]);
        if let Some((_, why)) = NO_POD.iter().find(|(t, _)| t == task) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && stderr.contains(why),
                "{task} is listed as making no pod, but `pod` said: {stderr}"
            );
            continue;
        }
        assert!(
            out.status.success(),
            "pod {task}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        write(&dir, task, &out.stdout, &mut written);
    }
    for map in &maps {
        let t_path = dir.join(format!("{map}.pb"));
        let out = Command::new(examples_bin())
            .args(["template", map, "--output"])
            .arg(&t_path)
            .output()
            .expect("run flyte-examples template");
        assert!(out.status.success(), "template {map}");
        let template = TaskTemplate::decode(std::fs::read(&t_path).unwrap().as_slice())
            .expect("the map's template");
        for &i in MAP_ELEMENTS {
            let yaml = element_pod(map, &template, i);
            write(
                &dir,
                &format!("{map}-element-{i}"),
                yaml.as_bytes(),
                &mut written,
            );
        }
    }
    for (name, args) in CLI_CASES {
        let out = examples(&[&["pod"], *args].concat());
        assert!(
            out.status.success(),
            "pod {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        write(&dir, name, &out.stdout, &mut written);
    }
    let platform = Platform {
        pod_templates: ["base", "gpu"]
            .iter()
            .map(|n| {
                let file = format!(
                    "{}/fixtures/pod_templates/{n}.yaml",
                    env!("CARGO_MANIFEST_DIR")
                );
                ClusterPodTemplate::from_yaml(&std::fs::read_to_string(file).unwrap()).unwrap()
            })
            .collect(),
        ..Platform::default()
    };
    for (name, t) in built_cases() {
        let pod = build_pod(&t, &PodRun::under("s3://b/meta/n0/data", 0), &platform)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        write(&dir, name, to_yaml(&pod).unwrap().as_bytes(), &mut written);
    }
    let add = std::fs::read_to_string(dir.join("examples.add.yaml")).expect("the adder's pod");
    write(&dir, INVALID, invalid_pod(&add).as_bytes(), &mut written);

    let expected = tasks.len() - NO_POD.len()
        + maps.len() * MAP_ELEMENTS.len()
        + CLI_CASES.len()
        + built_cases().len()
        + 1;
    assert_eq!(written.len(), expected);

    let files: Vec<String> = written
        .iter()
        .map(|n| dir.join(format!("{n}.yaml")).display().to_string())
        .collect();
    let mut args = vec!["--kubernetes-version", KUBERNETES];
    args.extend(files.iter().map(String::as_str));
    let report = flyte_tests::run_python("validate_pods.py", &args, b"");
    let report: Json = serde_json::from_slice(&report).expect("validate_pods.py prints JSON");
    assert_eq!(report["kubernetes"], KUBERNETES);
    assert_eq!(
        report["package"], KUBERNETES_VALIDATE,
        "the venv's kubernetes-validate is not the pinned one: run `bash tests/setup.sh`"
    );
    let pods = report["pods"].as_object().expect("pods");
    assert_eq!(
        pods.len(),
        expected,
        "every written pod is validated, and nothing else"
    );

    // The check can fail: both of the invalid pod's faults are reported.
    let faults: Vec<&str> = pods[INVALID]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        faults
            .iter()
            .any(|e| e.contains("strict") && e.contains("'restartPolicyy' was unexpected")),
        "the unknown field is not reported: {faults:?}"
    );
    assert!(
        faults
            .iter()
            .any(|e| e.starts_with("metadata.name 'Not_A_Valid_Name'")),
        "the invalid name is not reported: {faults:?}"
    );

    let failures: Vec<String> = pods
        .iter()
        .filter(|(name, errors)| *name != INVALID && !errors.as_array().unwrap().is_empty())
        .map(|(name, errors)| format!("{name} ({}.yaml): {errors:#}", dir.join(name).display()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} pods would be refused by Kubernetes {KUBERNETES}:\n{}",
        failures.len(),
        expected - 1,
        failures.join("\n")
    );
}
