//! The prebuilt image (`cargo flyte image -p flyte-examples`, run by the test command before the tests)
//! through the machine's Docker engine, each task run as a Flyte 1.16 cluster runs its pod:
//! `flyte-examples run … --container IMAGE`, whose `docker run` is derived from the pod model
//! of `flyte_runtime::__private::pod` (nothing a pod lacks: no tmpfs, the image's own user and
//! filesystem). Storage is a real S3 server (moto) on 127.0.0.1, reached from the container
//! by a host name, as a pod reaches its blob store: through `/etc/hosts` (a pod's
//! `hostAliases`) or through a DNS server the test starts (dnsmasq; a pod's `dnsConfig`). The
//! pods use the node's network (k8s plugin `enable-host-networking-pod`), since the server
//! listens on loopback only.
//!
//! The last test runs the Python workflow over these task types (`tests/python/rust_wf`) with
//! `FLYTE_RS_DOCKER=1`: flytekit's local run starting each Rust task in its image.
//!
//! Each test names the Flyte source function it models (flyteplugins / flytepropeller at
//! v1.16.8). Without a Docker engine these tests print one SKIP line and pass, except under
//! CI (`CI=true`), which has an engine and must run them.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use flyte_runtime::proto::core::{literal, ErrorDocument, LiteralMap};
use flyte_runtime::storage::Storage;
use flyte_runtime::types::read_variable;
use flyte_tests::block_on;
use flyte_tests::dns::Dns;
use flyte_tests::moto::Moto;
use flyte_tests::pod::scratch;
use prost::Message;
use serde_json::Value as Json;

/// The tag `cargo flyte image` gives the examples' image (the templates' `flyte-examples:{version}`).
fn image() -> String {
    format!("flyte-examples:{}", env!("CARGO_PKG_VERSION"))
}

/// The single-label name the pods reach the S3 server by (moto reads a dotted `Host` as a
/// bucket sub-domain).
const S3_HOST: &str = "flytes3";

/// Whether the engine is there; under CI its absence is a failure.
fn docker_ready(test: &str) -> bool {
    if !flyte_tests::docker::engine_ready(test) {
        return false;
    }
    let built = Command::new("docker")
        .args(["image", "inspect", &image()])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        built,
        "image {} is missing: build it with `cargo run -p cargo-flyte -- image -p flyte-examples` (the test command does)",
        image()
    );
    true
}

fn examples_bin() -> PathBuf {
    flyte_tests::pod::workspace_bin("flyte-examples")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// How a pod finds the S3 server's host name.
enum Names<'a> {
    /// An `/etc/hosts` entry (`hostAliases`).
    Hosts,
    /// A name server (`dnsConfig`).
    Dns(&'a Dns),
}

/// A cluster for the tests: moto with bucket `flyte`, pods that reach it as `flytes3`.
struct Cluster {
    moto: Moto,
    storage: Storage,
}

impl Cluster {
    fn start() -> Self {
        let moto = Moto::start();
        moto.create_bucket("flyte");
        let storage = moto.storage();
        Self { moto, storage }
    }

    /// A fresh prefix for one run.
    fn prefix(&self, name: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        format!(
            "s3://flyte/runs/{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// `flyte-examples run TASK --container IMAGE --storage PREFIX …`: this process reaches
    /// moto at 127.0.0.1 (as propeller does through its own config); the pod gets the
    /// platform's storage settings naming `flytes3`.
    fn run(
        &self,
        task: &str,
        prefix: &str,
        names: &Names<'_>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Output {
        let endpoint = format!("http://{S3_HOST}:{}", self.moto.port);
        let mut cmd = Command::new(examples_bin());
        cmd.args(["run", task, "--container", &image(), "--storage", prefix])
            .args(["--dir"])
            .arg(scratch(&format!("cluster-{}", task.replace('.', "-"))))
            .arg("--host-network")
            .arg("--platform-env")
            .arg(format!("FLYTE_AWS_ENDPOINT={endpoint}"))
            .args(["--platform-env", "FLYTE_AWS_ACCESS_KEY_ID=test"])
            .args(["--platform-env", "FLYTE_AWS_SECRET_ACCESS_KEY=test"]);
        match names {
            Names::Hosts => cmd.args(["--add-host", &format!("{S3_HOST}:127.0.0.1")]),
            Names::Dns(dns) => cmd.args(["--dns", &dns.address]),
        };
        let out = cmd
            .args(extra)
            .envs(self.moto.env())
            .envs(env.iter().copied())
            .output()
            .expect("run flyte-examples");
        eprintln!("{}{}", text(&out.stdout), text(&out.stderr));
        out
    }

    fn read(&self, uri: &str) -> Vec<u8> {
        block_on(self.storage.read(uri))
            .unwrap_or_else(|e| panic!("cannot read {uri}: {e}"))
            .to_vec()
    }

    fn exists(&self, uri: &str) -> bool {
        block_on(self.storage.exists(uri)).expect("check")
    }

    fn put(&self, uri: &str, bytes: Vec<u8>) {
        block_on(self.storage.write(uri, bytes)).expect("upload");
    }

    /// The run's `outputs.pb` and template copied into a local folder for flytekit.
    fn local_copy(&self, prefix: &str) -> PathBuf {
        let dir = scratch("cluster-copy");
        for name in ["outputs.pb", "template.pb"] {
            std::fs::write(dir.join(name), self.read(&format!("{prefix}/{name}"))).unwrap();
        }
        dir
    }

    fn error(&self, prefix: &str) -> flyte_runtime::proto::core::ContainerError {
        ErrorDocument::decode(self.read(&format!("{prefix}/error.pb")).as_slice())
            .expect("error.pb decodes")
            .error
            .expect("an error")
    }
}

/// flytekit's TypeEngine reading outputs (`read_outputs.py`), values as Python reprs.
fn flytekit_reads(
    dir: &Path,
    env: &[(&str, String)],
) -> std::collections::BTreeMap<String, String> {
    let read = flyte_tests::run_python_with_env(
        "read_outputs.py",
        &[
            &dir.join("template.pb").display().to_string(),
            &dir.join("outputs.pb").display().to_string(),
        ],
        b"",
        env,
    );
    serde_json::from_slice(&read).expect("read_outputs.py prints JSON")
}

/// Models: template.go `render` (the args), k8s_resource_adds.go `DecorateEnvVars` (storage
/// settings as the platform's default env), handler.go `ValidateOutput`; the name through
/// `/etc/hosts` (a pod's `hostAliases`).
#[test]
fn the_adder_runs_as_a_pod_with_storage_reached_through_etc_hosts() {
    if !docker_ready("adder on the cluster") {
        return;
    }
    let c = Cluster::start();
    let prefix = c.prefix("add");
    let out = c.run(
        "examples.add",
        &prefix,
        &Names::Hosts,
        &["-i", "a=40", "-i", "b=2", "-i", "label=sum"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("ran in container"),
        "{}",
        text(&out.stdout)
    );
    let read = flytekit_reads(&c.local_copy(&prefix), &[]);
    assert_eq!(read["total"], "42");
    assert_eq!(read["message"], "'sum=42'");
    assert!(!c.exists(&format!("{prefix}/error.pb")));
}

/// Models: pod_helper.go `UpdatePod` (the k8s plugin's `default-pod-dns-config`): the
/// storage endpoint's name resolved by a DNS server, in the static image.
#[test]
fn the_adder_reaches_storage_by_a_name_its_dns_server_resolves() {
    if !docker_ready("adder with cluster DNS") {
        return;
    }
    let dns = Dns::serve(S3_HOST);
    let c = Cluster::start();
    let prefix = c.prefix("add-dns");
    let out = c.run(
        "examples.add",
        &prefix,
        &Names::Dns(&dns),
        &["-i", "a=1", "-i", "b=2", "-i", "label=x"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outputs = LiteralMap::decode(c.read(&format!("{prefix}/outputs.pb")).as_slice()).unwrap();
    assert_eq!(read_variable::<i64>(&outputs, "total").unwrap(), 3);

    // With a name server that does not know the name, the same pod cannot reach its
    // storage: the check is real.
    drop(dns);
    let prefix = c.prefix("add-nodns");
    let out = c.run(
        "examples.add",
        &prefix,
        &Names::Dns(&Dns::serve("elsewhere")),
        &["-i", "a=1", "-i", "b=2", "-i", "label=x"],
        &[],
    );
    assert!(
        !out.status.success(),
        "a pod that cannot resolve its storage cannot succeed"
    );
    assert!(
        text(&out.stdout).contains("exit code (3)"),
        "the entrypoint exits 3 when it cannot write even its error document: {}",
        text(&out.stdout)
    );
}

/// Models: the pod as container_helper.go `BuildRawContainer` makes it (no `/tmp` volume,
/// the image's user): the sqlite task copies its database from S3 into its scratch folder,
/// which the image's own `/tmp` (mode 1777) must hold.
#[test]
fn sqlite_reads_its_database_from_s3_with_no_tmpfs() {
    if !docker_ready("sqlite on the cluster") {
        return;
    }
    let c = Cluster::start();
    let db = flyte_tests::workspace_root().join("examples/data/demo.sqlite");
    c.put("s3://flyte/data/demo.sqlite", std::fs::read(&db).unwrap());
    let prefix = c.prefix("sqlite");
    let out = c.run(
        "examples.sqlite_demo",
        &prefix,
        &Names::Hosts,
        &["-i", "limit=7"],
        &[("FLYTE_EXAMPLES_DEMO_DB", "s3://flyte/data/demo.sqlite")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = c.local_copy(&prefix);
    let read = flyte_tests::run_python_with_env(
        "read_table.py",
        &[
            &dir.join("outputs.pb").display().to_string(),
            &db.display().to_string(),
            "SELECT TrackId, Name, Composer, Milliseconds, UnitPrice FROM tracks ORDER BY TrackId LIMIT ?1",
            "[7]",
        ],
        b"",
        &c.moto.env(),
    );
    let read: Json = serde_json::from_slice(&read).unwrap();
    assert_eq!(read["equal"], true, "{read:#}");
    assert_eq!(read["flytekit"]["shape"], serde_json::json!([7, 5]));
}

/// Models: webhook/k8s_secrets.go `K8sSecretInjector.Inject`: a secret without a mount
/// requirement is a file under `/etc/flyte/secrets`, not a variable.
#[test]
fn checksum_reads_its_secret_from_the_webhooks_file() {
    if !docker_ready("checksum on the cluster") {
        return;
    }
    let c = Cluster::start();
    c.put(
        "s3://flyte/data/note.txt",
        b"what do ya want for nothing?".to_vec(),
    );
    let prefix = c.prefix("checksum");
    let out = c.run(
        "examples.checksum",
        &prefix,
        &Names::Hosts,
        &["-i", "file=s3://flyte/data/note.txt"],
        // The stand-in for the Kubernetes secret `checksum`, key `key`.
        &[("_FSEC_CHECKSUM_KEY", "Jefe\n")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outputs = LiteralMap::decode(c.read(&format!("{prefix}/outputs.pb")).as_slice()).unwrap();
    let digest: String = read_variable(&outputs, "digest").unwrap();
    // RFC 4231, test case 2 (the file's trailing newline stripped, as flytekit strips it).
    assert_eq!(
        digest,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let logs = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!logs.contains("Jefe"), "the secret leaked: {logs}");
}

/// Models: pod_helper.go `BuildRawPod` (a `k8s_pod` target named by
/// `config.primary_container_name`) and `ApplyFlytePodConfiguration`; the template's
/// `emptyDir` becomes the container's scratch volume.
#[test]
fn a_pod_template_task_runs_in_its_primary_container() {
    if !docker_ready("pod template on the cluster") {
        return;
    }
    let c = Cluster::start();
    let prefix = c.prefix("pod-template");
    let out = c.run(
        "examples.add_in_pod",
        &prefix,
        &Names::Hosts,
        &["-i", "a=1", "-i", "b=2", "-i", "label=p"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let read = flytekit_reads(&c.local_copy(&prefix), &[]);
    assert_eq!(read["total"], "103");
}

/// Models: propeller's `GetLiteralOffloadingEnvVars` (`_F_L_MIN_SIZE_MB`) and flytekit's
/// entrypoint offloading; remote_file_output_reader.go's `maxDownloadMBs` check without it.
#[test]
fn a_large_output_is_offloaded_and_read_back_by_flytekit_or_refused_without_offloading() {
    if !docker_ready("offloading on the cluster") {
        return;
    }
    let c = Cluster::start();
    let prefix = c.prefix("squares");
    let n = 300_000i64;
    let out = c.run(
        "examples.squares",
        &prefix,
        &Names::Hosts,
        &["-i", &format!("n={n}"), "--offload-min-mb", "1"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outputs = LiteralMap::decode(c.read(&format!("{prefix}/outputs.pb")).as_slice()).unwrap();
    let Some(literal::Value::OffloadedMetadata(meta)) = &outputs.literals["squares"].value else {
        panic!(
            "squares is not offloaded: {:?}",
            outputs.literals["squares"].value.is_some()
        )
    };
    assert_eq!(meta.uri, format!("{prefix}/squares_offloaded_metadata.pb"));
    assert!(meta.size_bytes > 1 << 20, "{}", meta.size_bytes);
    assert!(meta.inferred_type.is_some());
    assert!(c.read(&format!("{prefix}/outputs.pb")).len() < 1024);
    // flytekit follows the reference to S3 and gets the whole list.
    let dir = c.local_copy(&prefix);
    let check = flyte_tests::run_python_with_env(
        "read_outputs.py",
        &[
            &dir.join("template.pb").display().to_string(),
            &dir.join("outputs.pb").display().to_string(),
        ],
        b"",
        &c.moto.env(),
    );
    let read: std::collections::BTreeMap<String, String> = serde_json::from_slice(&check).unwrap();
    let values: Vec<i64> = serde_json::from_str(&read["squares"]).expect("a list of integers");
    assert_eq!(values.len(), n as usize);
    assert_eq!(values[299_999], 299_999 * 299_999);

    // Offloading off: the task fails with a USER error instead of leaving propeller an
    // outputs.pb it would refuse.
    let prefix = c.prefix("squares-big");
    let out = c.run(
        "examples.squares",
        &prefix,
        &Names::Hosts,
        &["-i", &format!("n={n}")],
        &[],
    );
    assert!(!out.status.success());
    let e = c.error(&prefix);
    assert_eq!(e.code, "USER:OutputSizeExceeded");
    assert!(
        e.message.contains("`squares`") && e.message.contains("2.0 MiB"),
        "{}",
        e.message
    );
    assert!(!c.exists(&format!("{prefix}/outputs.pb")));
}

/// Models: template.go `render` (`{{.prevCheckpointPrefix}}` is `""` on attempt 0, the
/// previous attempt's prefix after) and flytekit's `normalize_inputs`; the checkpoint goes
/// through S3.
#[test]
fn a_retry_resumes_from_the_previous_attempts_checkpoint() {
    if !docker_ready("checkpoint on the cluster") {
        return;
    }
    let c = Cluster::start();
    let prefix = c.prefix("resume");
    let args = ["-i", "n=5000", "-i", "interrupt_at=2500"];
    let first = c.run(
        "examples.resumable_count",
        &prefix,
        &Names::Hosts,
        &args,
        &[],
    );
    assert!(!first.status.success());
    let e = c.error(&prefix);
    assert_eq!(e.code, "USER:Interrupted");
    assert_eq!(e.kind, 1, "recoverable: propeller retries it");
    assert!(c.exists(&format!("{prefix}/checkpoint/0/_chkpt")));

    let retry = c.run(
        "examples.resumable_count",
        &prefix,
        &Names::Hosts,
        &[&args[..], &["--attempt", "1"]].concat(),
        &[],
    );
    assert!(retry.status.success(), "{}", text(&retry.stderr));
    let outputs = LiteralMap::decode(c.read(&format!("{prefix}/outputs.pb")).as_slice()).unwrap();
    assert_eq!(
        read_variable::<i64>(&outputs, "resumed_from").unwrap(),
        2500
    );
    assert_eq!(
        read_variable::<i64>(&outputs, "total").unwrap(),
        4999 * 5000 / 2
    );
    assert!(
        !c.exists(&format!("{prefix}/error.pb")),
        "the first attempt's error is gone"
    );
}

/// Models: handler.go `ValidateOutput` (error.pb first, then outputs.pb) and
/// pod_helper.go `DeterminePrimaryContainerPhase` (a non-zero exit fails the task from the
/// pod's status, whatever files exist); a reused run folder is cleared first.
/// The entries under `dir` (at any depth) that `uid` does not own.
fn owned_by_others(dir: &Path, uid: u32) -> Vec<PathBuf> {
    let mut others = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.uid() != uid {
            others.push(path.clone());
        }
        if meta.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    others
}

#[test]
fn results_are_read_as_propeller_reads_them_from_a_reused_folder() {
    if !docker_ready("results on the cluster") {
        return;
    }
    let dir = scratch("stale");
    let run = |extra: &[&str]| {
        let out = Command::new(examples_bin())
            .args(["run", "examples.add", "--container", &image(), "--dir"])
            .arg(&dir)
            .args(extra)
            .output()
            .expect("run");
        eprintln!("{}{}", text(&out.stdout), text(&out.stderr));
        out
    };
    let before = std::fs::metadata(&dir).unwrap();
    assert!(run(&["-i", "a=1", "-i", "b=2", "-i", "label=ok"])
        .status
        .success());
    assert!(dir.join("outputs.pb").exists());
    // The container wrote as the image's user (65532); the folder comes back to its owner,
    // with its mode, and so does everything the container made in it.
    let strangers = owned_by_others(&dir, before.uid());
    assert!(strangers.is_empty(), "not given back: {strangers:?}");
    assert_eq!(
        std::fs::metadata(&dir).unwrap().mode() & 0o7777,
        before.mode() & 0o7777,
        "the run folder got its mode back"
    );
    // The same folder, a failing run: the old outputs.pb must not pass for this run's.
    let max = i64::MAX.to_string();
    let out = run(&["-i", &format!("a={max}"), "-i", "b=1", "-i", "label=x"]);
    assert!(!out.status.success());
    assert!(
        !dir.join("outputs.pb").exists(),
        "the stale outputs.pb was removed"
    );
    assert!(
        text(&out.stdout).contains("USER:OverflowError"),
        "{}",
        text(&out.stdout)
    );
    // Exit 1 after the error document (FLYTE_FAIL_ON_ERROR): propeller reads the pod's
    // status, not the document.
    let out = run(&[
        "-i",
        &format!("a={max}"),
        "-i",
        "b=1",
        "-i",
        "label=x",
        "--platform-env",
        "FLYTE_FAIL_ON_ERROR=true",
    ]);
    assert!(!out.status.success());
    assert!(dir.join("error.pb").exists());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("failed: Error: [run-examples-add-n0-0] terminated with exit code (1)"),
        "{stdout}"
    );
    // And a good run after the failures leaves no error document behind.
    assert!(run(&["-i", "a=2", "-i", "b=2", "-i", "label=ok"])
        .status
        .success());
    assert!(!dir.join("error.pb").exists());
}

#[test]
fn the_image_is_the_binary_certificates_and_tmp_run_as_non_root_without_entrypoint() {
    if !docker_ready("image contents") {
        return;
    }
    let inspect = Command::new("docker")
        .args(["image", "inspect", &image()])
        .output()
        .unwrap();
    let config: Json = serde_json::from_slice(&inspect.stdout).unwrap();
    let config = &config[0]["Config"];
    assert_eq!(config["User"], "65532:65532");
    assert_eq!(config["Entrypoint"], Json::Null);
    assert_eq!(config["Cmd"], Json::Null);

    // Every entry of every layer, from `docker save`.
    let dir = scratch("image-save");
    let tar_path = dir.join("image.tar");
    let saved = Command::new("docker")
        .args(["save", "--output"])
        .arg(&tar_path)
        .arg(image())
        .status()
        .unwrap();
    assert!(saved.success());
    let mut outer = tar::Archive::new(std::fs::File::open(&tar_path).unwrap());
    let mut blobs = std::collections::BTreeMap::new();
    for entry in outer.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        blobs.insert(name, bytes);
    }
    let manifest: Json = serde_json::from_slice(&blobs["manifest.json"]).unwrap();
    let (mut files, mut tmp_mode) = (Vec::new(), None);
    for layer in manifest[0]["Layers"].as_array().expect("layers") {
        let bytes = &blobs[layer.as_str().unwrap()];
        let mut layer = tar::Archive::new(bytes.as_slice());
        for e in layer.entries().unwrap() {
            let e = e.unwrap();
            let path = e.path().unwrap().display().to_string();
            if e.header().entry_type().is_file() {
                files.push(path);
            } else if path.trim_end_matches('/') == "tmp" {
                tmp_mode = e.header().mode().ok().map(|m| m & 0o7777);
            }
        }
    }
    files.sort();
    assert_eq!(
        files,
        [
            "etc/ssl/certs/ca-certificates.crt",
            "usr/local/bin/flyte-examples"
        ]
    );
    assert_eq!(
        tmp_mode,
        Some(0o1777),
        "/tmp is writable by every user, sticky"
    );
}

/// A map through the image: each element the pod propeller makes for it (node `n<index>`
/// of the ArrayNode `n0`, the pod `<execution>-n0-0-n<index>-0`, the index variables in its
/// execution environment), one container each;
/// the failing element is none under the ratio, and the folder comes back to its owner.
#[test]
fn a_map_runs_one_container_per_element() {
    if !docker_ready("a map in containers") {
        return;
    }
    let dir = scratch("map-containers");
    let before = std::fs::metadata(&dir).unwrap();
    let out = Command::new(examples_bin())
        .args([
            "run",
            "examples.add",
            "--map",
            "--container",
            &image(),
            "--bound",
            "label",
        ])
        .args([
            "-i",
            "a=[1,9223372036854775807,3]",
            "-i",
            "b=[10,20,30]",
            "-i",
            "label=s",
        ])
        .args(["--min-success-ratio", "0.5", "--dir"])
        .arg(&dir)
        .output()
        .expect("run");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("ran in containers of flyte-examples:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("element 1 failed: USER:OverflowError"),
        "{stdout}"
    );
    assert!(stdout.contains("total = [11,null,33]"), "{stdout}");
    assert!(dir.join("out/2/0/outputs.pb").exists());
    let strangers = owned_by_others(&dir, before.uid());
    assert!(strangers.is_empty(), "not given back: {strangers:?}");
}

/// A map over local files given as relative paths, from the folder that holds them: each
/// path is made absolute and its folder mounted, as for a single file input; the element
/// whose file is missing fails, and its line says which file it was given.
#[test]
fn a_map_over_relative_file_paths_runs_in_containers() {
    if !docker_ready("a map over files in containers") {
        return;
    }
    let dir = scratch("map-files-containers");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("a.txt"), "what do ya want for nothing?").unwrap();
    std::fs::write(data.join("b.txt"), "what do ya want for nothing?").unwrap();
    let out = Command::new(examples_bin())
        .current_dir(&dir)
        .env("_FSEC_CHECKSUM_KEY", "Jefe")
        .args(["run", "examples.checksum", "--map", "--container", &image()])
        .args([
            "-i",
            r#"file=["data/a.txt","data/missing.txt","./data/../data/b.txt"]"#,
        ])
        .args(["--min-success-ratio", "0.5", "--dir", "run"])
        .output()
        .expect("run");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    // The failed element's line names its file (a long path cut in the middle, its end kept).
    let failed_inputs = stdout
        .lines()
        .skip_while(|l| !l.starts_with("  element 1 failed: "))
        .nth(1)
        .unwrap_or_default();
    assert!(
        failed_inputs.starts_with("    its inputs: file=\"file:///")
            && failed_inputs.ends_with("/data/missing.txt\""),
        "{stdout}"
    );
    assert!(stdout.contains("2 succeeded, 2 needed"), "{stdout}");
    // RFC 4231, test case 2, for each file that is there.
    let digest = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assert!(
        stdout.contains(&format!("digest = [\"{digest}\",null,\"{digest}\"]")),
        "{stdout}"
    );
}

#[test]
fn the_python_workflow_runs_its_rust_tasks_in_their_image() {
    if !docker_ready("the_python_workflow_runs_its_rust_tasks_in_their_image") {
        return;
    }
    // FLYTE_RS_DOCKER=1: each Rust task in its own image, started by the binary's `run
    // --container`; the binary is a wrapper that logs how it was called, to show that every
    // task went to the image.
    let data = flyte_tests::workspace_root().join("examples/data");
    let wrapper_dir = scratch("docker-wrapper");
    let calls = wrapper_dir.join("calls.log");
    let wrapper = wrapper_dir.join("flyte-examples");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            calls.display(),
            examples_bin().display()
        ),
    )
    .expect("wrapper");
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("wrapper mode");
    let (got, expected) = flyte_tests::python_wf::run_workflow(
        "docker",
        &[
            ("FLYTE_RS_DOCKER", "1".to_string()),
            ("FLYTE_RS_DOCKER_VOLUMES", data.display().to_string()),
            ("FLYTE_RS_BINARY", wrapper.display().to_string()),
        ],
    );
    let calls = std::fs::read_to_string(&calls).unwrap_or_default();
    // Each task made in Python had its configuration checked by the binary when it was
    // made (`run --template FILE --check`, on the host); the runs are the other calls.
    let (checks, lines): (Vec<&str>, Vec<&str>) =
        calls.lines().partition(|l| l.ends_with(" --check"));
    assert_eq!(
        checks.len(),
        3,
        "the workflow's three tasks made in Python, each checked once: {calls}"
    );
    assert_eq!(
        lines.len(),
        4,
        "the workflow's four Rust tasks, each a call: {calls}"
    );
    for line in &lines {
        assert!(
            line.starts_with("run --template ") && line.contains(" --container flyte-examples:"),
            "a task did not run in its image: {line}"
        );
    }
    flyte_tests::python_wf::check_report(&got, &expected);
}
