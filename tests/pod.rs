//! `<binary> pod TASK`: the Kubernetes Pod propeller 1.16 would create, checked against
//! Kubernetes' own model (the official Python client's `V1Pod`: every field name and type
//! must survive its round trip) and against the rules of propeller's source, each test
//! naming the function it models (flyteplugins / flytepropeller v1.16.8).

use std::process::Command;

use flyte_runtime::__private::pod::{build_pod, Platform, PodError, PodRun};
use flyte_runtime::proto::core::TaskTemplate;
use serde_json::{json, Value as Json};

fn examples_bin() -> std::path::PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

/// `flyte-examples pod ARGS…` loaded into `V1Pod`; returns the pod as the model holds it.
fn pod(args: &[&str]) -> Json {
    let out = Command::new(examples_bin())
        .arg("pod")
        .args(args)
        .output()
        .expect("run flyte-examples pod");
    assert!(
        out.status.success(),
        "pod {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked = flyte_tests::run_python("check_pod.py", &[], &out.stdout);
    let checked: Json = serde_json::from_slice(&checked).expect("check_pod.py prints JSON");
    assert_eq!(
        checked["equal"], true,
        "V1Pod dropped or changed a field:\nprinted: {:#}\nmodel:   {:#}",
        checked["printed"], checked["pod"]
    );
    checked["pod"].clone()
}

fn env_names(container: &Json) -> Vec<String> {
    container["env"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|v| v["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Models: k8s_resource_adds.go `DecorateEnvVars` (the order; `GetContextEnvVars`' workflow
/// id first), flyteadmin's `setCompiledTaskDefaults` (its compiled-in defaults), template.go
/// `render`, pod_helper.go `UpdatePod` (`restartPolicy: Never`), plugin_manager.go
/// `addObjectMetadata` (the default annotation, the execution's and the node's labels).
#[test]
fn the_adders_pod_is_a_kubernetes_pod_in_propellers_shape() {
    let p = pod(&["examples.add", "--prefix", "s3://b/meta/n0/data"]);
    assert_eq!(p["kind"], "Pod");
    assert_eq!(p["metadata"]["name"], "local-n0-0");
    assert_eq!(
        p["metadata"]["annotations"]["primary_container_name"],
        "local-n0-0"
    );
    assert_eq!(p["spec"]["restartPolicy"], "Never");
    let c = &p["spec"]["containers"][0];
    assert_eq!(
        c["name"], "local-n0-0",
        "the container is named after the pod"
    );
    assert_eq!(c["terminationMessagePolicy"], "FallbackToLogsOnError");
    let args: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        args[..4],
        [
            "flyte-examples",
            "execute",
            "--inputs",
            "s3://b/meta/n0/data/inputs.pb"
        ]
    );
    let after = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
    assert_eq!(after("--output-prefix"), "s3://b/meta/n0/data/0");
    assert_eq!(
        after("--prev-checkpoint"),
        "\"\"",
        "propeller's empty previous checkpoint"
    );
    assert_eq!(args[args.len() - 2], "s3://b/meta/n0/data/task.pb");
    assert_eq!(
        env_names(c),
        [
            "FLYTE_INTERNAL_EXECUTION_WORKFLOW",
            "FLYTE_INTERNAL_EXECUTION_ID",
            "FLYTE_INTERNAL_EXECUTION_PROJECT",
            "FLYTE_INTERNAL_EXECUTION_DOMAIN",
            "FLYTE_ATTEMPT_NUMBER",
            "FLYTE_INTERNAL_TASK_PROJECT",
            "FLYTE_INTERNAL_TASK_DOMAIN",
            "FLYTE_INTERNAL_TASK_NAME",
            "FLYTE_INTERNAL_TASK_VERSION",
        ]
    );
    assert_eq!(
        c["resources"],
        json!({"requests": {"cpu": "2", "memory": "200Mi"}, "limits": {"cpu": "2", "memory": "200Mi"}}),
        "neither requests nor limits: flyteadmin's compiled-in task_resources.defaults, which \
         flyte-binary ships (the k8s plugin's default-cpus/default-memory never apply)"
    );
    assert_eq!(
        c["env"][0]["value"], "flytesnacks:development:.flytegen.examples.add",
        "a task launched on its own runs in the workflow flyteadmin generates for it"
    );
    assert!(p["spec"].get("volumes").is_none());
    assert_eq!(
        p["metadata"]["annotations"]["cluster-autoscaler.kubernetes.io/safe-to-evict"],
        "false"
    );
    assert_eq!(
        p["metadata"]["labels"],
        json!({
            "domain": "development",
            "execution-id": "local",
            "interruptible": "false",
            "node-id": "n0",
            "project": "flytesnacks",
            "shard-key": "8",
            "task-name": "examples-add",
            "workflow-name": "flytegen-examples-add",
        })
    );

    // A retry: the previous attempt's checkpoint, the attempt's own output prefix.
    let p = pod(&[
        "examples.add",
        "--prefix",
        "s3://b/meta/n0/data",
        "--attempt",
        "2",
    ]);
    let args: Vec<&str> = p["spec"]["containers"][0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let after = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
    assert_eq!(
        after("--prev-checkpoint"),
        "s3://b/meta/n0/data/checkpoints/1"
    );
    assert_eq!(after("--output-prefix"), "s3://b/meta/n0/data/2");
    assert_eq!(p["metadata"]["name"], "local-n0-2");
}

/// Models: taskexec_context.go `ComputeRawOutputPrefix` (`FixedLengthUniqueIDForParts`),
/// plugin_manager.go `addObjectMetadata` (the DNS-1123 fix-up only of an invalid name),
/// container_helper.go `BuildRawContainer` (the container named after a generated name
/// that is a DNS-1123 label, else four characters: random in propeller, derived here).
#[test]
fn the_pod_is_named_as_propeller_names_it() {
    let p = pod(&["examples.add", "--execution", "Foo_1"]);
    assert_eq!(p["metadata"]["name"], "foo1-n0-0");
    let c = &p["spec"]["containers"][0];
    let container = c["name"].as_str().unwrap();
    assert_eq!(container.len(), 4, "{container}");
    assert_eq!(
        p["metadata"]["annotations"]["primary_container_name"],
        container
    );
    assert_eq!(
        c["env"][1]["value"], "Foo_1",
        "the execution's name as it is"
    );

    // Over 50 characters: `f` and the base32 of the FNV-32a of the whole name.
    let long = "x".repeat(46);
    let p = pod(&["examples.add", "--execution", &long]);
    let name = p["metadata"]["name"].as_str().unwrap();
    assert_eq!(name, "fdtinzoy");
    assert_eq!(p["spec"]["containers"][0]["name"], name);
}

/// Models: `GetLiteralOffloadingEnvVars` and the k8s plugin's `default-env-vars` (after the
/// execution's variables), `default-pod-dns-config` (`UpdatePod` copies it into a pod that
/// has none and sets no `dnsPolicy`: Kubernetes keeps `ClusterFirst`),
/// `enable-host-networking-pod`.
#[test]
fn platform_settings_land_where_propeller_puts_them() {
    let p = pod(&[
        "examples.add",
        "--offload-min-mb",
        "10",
        "--platform-env",
        "FLYTE_AWS_ENDPOINT=http://minio.flyte:9000",
        "--dns",
        "10.96.0.10",
        "--add-host",
        "minio.flyte:10.0.0.5",
        "--host-network",
    ]);
    let c = &p["spec"]["containers"][0];
    let names = env_names(c);
    assert_eq!(
        names[9..],
        ["_F_L_MIN_SIZE_MB", "_F_L_MAX_SIZE_MB", "FLYTE_AWS_ENDPOINT"]
    );
    assert_eq!(c["env"][10]["value"], "1000", "propeller's default maximum");
    assert_eq!(p["spec"]["hostNetwork"], true);
    assert!(
        p["spec"]["dnsPolicy"].is_null(),
        "propeller sets no dnsPolicy: {}",
        p["spec"]["dnsPolicy"]
    );
    assert_eq!(p["spec"]["dnsConfig"]["nameservers"], json!(["10.96.0.10"]));
    assert_eq!(
        p["spec"]["hostAliases"],
        json!([{"ip": "10.0.0.5", "hostnames": ["minio.flyte"]}])
    );
}

/// Models: webhook/k8s_secrets.go `K8sSecretInjector.Inject` and webhook/utils.go: a secret
/// without a mount requirement is a file from a secret volume (named by flyteplugins'
/// base32 of `<group>_<version>`), with the two variables that say where.
#[test]
fn a_requested_secret_is_a_file_from_a_secret_volume() {
    let p = pod(&["examples.checksum"]);
    assert_eq!(p["metadata"]["labels"]["inject-flyte-secrets"], "true");
    assert_eq!(
        p["spec"]["volumes"],
        json!([{"name": "mnugky2lon1w1xy", "secret": {"secretName": "checksum", "items": [{"key": "key", "path": "key"}], "optional": true}}])
    );
    let c = &p["spec"]["containers"][0];
    assert_eq!(
        c["volumeMounts"],
        json!([{"name": "mnugky2lon1w1xy", "mountPath": "/etc/flyte/secrets/checksum", "readOnly": true}])
    );
    let names = env_names(c);
    assert_eq!(
        names[9..],
        ["FLYTE_SECRETS_DEFAULT_DIR", "FLYTE_SECRETS_FILE_PREFIX"]
    );
    assert_eq!(c["env"][9]["value"], "/etc/flyte/secrets");
    assert_eq!(c["env"][10]["value"], "");
    assert!(!names.iter().any(|n| n.starts_with("_FSEC_")), "{names:?}");
}

/// Models: pod_helper.go `BuildRawPod` for a `k8s_pod` target (the primary container named
/// by `config.primary_container_name`) and `ApplyFlytePodConfiguration`.
#[test]
fn a_pod_template_keeps_its_own_containers_volumes_and_labels() {
    let p = pod(&["examples.add_in_pod"]);
    assert_eq!(p["metadata"]["labels"]["app"], "adder");
    assert_eq!(
        p["metadata"]["annotations"]["primary_container_name"],
        "adder"
    );
    let c = &p["spec"]["containers"][0];
    assert_eq!(c["name"], "adder");
    assert_eq!(env_names(c)[0], "SCRATCH", "the template's env comes first");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/scratch");
    assert_eq!(
        p["spec"]["volumes"],
        json!([{"name": "scratch", "emptyDir": {}}])
    );
    assert_eq!(
        c["resources"]["limits"]["cpu"], "2",
        "flyteadmin leaves a k8s_pod target; propeller defaults it to the same task_resources"
    );
}

/// `flyte-examples pod ARGS…`: its stdout and stderr.
fn pod_output(args: &[&str]) -> (String, String) {
    let out = Command::new(examples_bin())
        .arg("pod")
        .args(args)
        .output()
        .expect("run flyte-examples pod");
    assert!(
        out.status.success(),
        "pod {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Models: flyteadmin's `setCompiledTaskDefaults` with `task_resources` from an operator's
/// config file (`--platform-config`, keys as flyteadmin's config spells them, laid over the
/// compiled-in values; an unknown key ignored, as flytestdlib's non-strict loader does) and
/// with the presets of the official deployments; `pod` says in a comment what was defaulted
/// or clamped, and by which setting.
#[test]
fn set_compiled_task_defaults_with_a_platform_config() {
    let dir = flyte_tests::pod::scratch("pod-platform-config");
    let config = dir.join("flyte.yaml");
    std::fs::write(
        &config,
        "task_resources:\n  defaults:\n    cpu: 500m\n    memory: 2Gi\n    storage: 1Gi\n  limits:\n    memory: 1Gi\n\
         plugins:\n  k8s:\n    default-cpus: 100m\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let p = pod(&["examples.add", "--platform-config", config]);
    assert_eq!(
        p["spec"]["containers"][0]["resources"],
        json!({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}),
        "cpu from the file's default (not default-cpus); memory's 2Gi default clamped to the 1Gi ceiling"
    );
    let (yaml, stderr) = pod_output(&["examples.add", "--platform-config", config]);
    assert!(
        yaml.contains(&format!(
            "# Resources: flyteadmin's task_resources (preset `flyte-binary` + {config}), at launch:\n"
        )),
        "{yaml}"
    );
    assert!(
        yaml.contains(
            "#   memory request: unset → 1Gi (defaulted to task_resources.defaults.memory, \
             clamped to task_resources.limits.memory)\n"
        ),
        "{yaml}"
    );
    assert!(
        stderr.contains("task_resources.defaults.storage: not a setting flyte-rs models; ignored"),
        "{stderr}"
    );

    for (preset, cpu, memory) in [
        ("flyte-core", "100m", "500Mi"),
        ("sandbox", "500m", "1Gi"),
        ("compiled-in", "2", "200Mi"),
    ] {
        let p = pod(&["examples.add", "--platform", preset]);
        let r = &p["spec"]["containers"][0]["resources"];
        assert_eq!(
            r["requests"],
            json!({"cpu": cpu, "memory": memory}),
            "{preset}"
        );
        assert_eq!(
            r["limits"],
            json!({"cpu": cpu, "memory": memory}),
            "{preset}"
        );
    }
}

/// Models: pod_helper.go `BuildRawPod`: propeller refuses a `k8s_pod` target whose config
/// lacks `primary_container_name`, and one that names a container the spec lacks.
#[test]
fn propeller_refuses_a_pod_template_without_its_primary_container() {
    let t_path = flyte_tests::pod::scratch("pod-refused").join("t.pb");
    let written = Command::new(examples_bin())
        .args(["template", "examples.add_in_pod", "--output"])
        .arg(&t_path)
        .status()
        .unwrap();
    assert!(written.success());
    let template: TaskTemplate =
        prost::Message::decode(std::fs::read(&t_path).unwrap().as_slice()).unwrap();
    let run = PodRun::under("s3://b/x", 0);
    assert!(build_pod(&template, &run, &Platform::default()).is_ok());

    let mut no_key = template.clone();
    no_key.config.clear();
    let e = build_pod(&no_key, &run, &Platform::default()).unwrap_err();
    assert!(matches!(e, PodError::NoPrimaryContainerName(_)), "{e}");
    assert!(
        e.to_string()
            .contains("config missing [primary_container_name] key"),
        "{e}"
    );

    let mut wrong = template;
    wrong
        .config
        .insert("primary_container_name".into(), "nope".into());
    let e = build_pod(&wrong, &run, &Platform::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid TaskSpecification, primary container [nope] not defined"
    );
}

fn pod_template_fixture(name: &str) -> String {
    format!(
        "{}/fixtures/pod_templates/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Models: pod_helper.go `getBasePodTemplate` and `MergeWithBasePodTemplate` through the
/// binary: a task's named PodTemplate is merged under its pod (`primary` into the task's
/// container, slices the template's first, its labels under the pod's); a missing one is
/// refused with propeller's message; without a name, `default-pod-template-name` (flag or
/// `--platform-config`) is merged.
#[test]
fn pod_templates_from_files_are_merged_as_propeller_merges_them() {
    let gpu = pod_template_fixture("gpu");
    let base = pod_template_fixture("base");
    let test_tasks = flyte_tests::pod::workspace_bin("flyte-test-tasks");

    let out = Command::new(&test_tasks)
        .args(["pod", "tests.on_named_pod_template", "--pod-template", &gpu])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked = flyte_tests::run_python("check_pod.py", &[], &out.stdout);
    let checked: Json = serde_json::from_slice(&checked).unwrap();
    assert_eq!(checked["equal"], true, "{checked:#}");
    let named = &checked["pod"];
    assert_eq!(named["metadata"]["labels"]["pool"], "gpu");
    assert_eq!(named["spec"]["nodeSelector"], json!({"pool": "gpu"}));
    let c = &named["spec"]["containers"][0];
    let env = env_names(c);
    assert_eq!(&env[..2], ["FROM_TEMPLATE", "PRIMARY"], "{env:?}");
    assert_ne!(
        c["image"], "docker.io/rwgrim/docker-noop",
        "the task's image wins"
    );

    let out = Command::new(&test_tasks)
        .args([
            "pod",
            "tests.on_named_pod_template",
            "--pod-template",
            &base,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PodTemplate 'gpu' does not exist"),
        "{stderr}"
    );

    let flagged = pod(&[
        "examples.add",
        "--pod-template",
        &base,
        "--pod-template",
        &gpu,
        "--default-pod-template",
        "base",
    ]);
    let config = flyte_tests::pod::scratch("pod-template-config").join("platform.yaml");
    std::fs::write(
        &config,
        "plugins:\n  k8s:\n    default-pod-template-name: base\n",
    )
    .unwrap();
    let configured = pod(&[
        "examples.add",
        "--pod-template",
        &base,
        "--platform-config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(flagged, configured);
    assert_eq!(flagged["metadata"]["labels"]["team"], "ml");
    assert_eq!(
        flagged["metadata"]["annotations"]["example.com/template"],
        "base"
    );
    let containers = flagged["spec"]["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1, "the template's `unused` is dropped");
    let c = &containers[0];
    assert_eq!(env_names(c)[0], "FROM_TEMPLATE");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/cache");
    assert_eq!(
        c["resources"]["requests"]["ephemeral-storage"], "1Gi",
        "the template's resources fill a missing key"
    );
    assert_eq!(flagged["spec"]["volumes"][0]["name"], "cache");
    assert_eq!(flagged["spec"]["tolerations"][0]["key"], "ml");
    assert_eq!(
        pod(&["examples.add", "--pod-template", &base])["metadata"]["labels"].get("team"),
        None,
        "no default name: no template"
    );
}
