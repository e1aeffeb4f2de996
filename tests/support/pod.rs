//! Running a task-type binary the way FlytePropeller starts a pod: the template's container
//! args with the placeholders substituted, `args[0]` found on PATH (here: the binary given),
//! and the outcome read back from the output prefix.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use flyte_runtime::__private::pod::Placeholders;
use flyte_runtime::contract::{EntrypointArgs, Resolver};
use flyte_runtime::proto::core::{
    task_template, ContainerError, ErrorDocument, LiteralMap, TaskTemplate,
};
use flyte_runtime::types::FlyteType;
use prost::Message;

/// A fresh, empty folder for one test run (under the system's temporary directory).
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flyte-rs-tests/{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// The template of a task registered in `bin` (via its `template` subcommand).
pub fn template_of(bin: &str, task: &str) -> TaskTemplate {
    let path = scratch("template").join("t.pb");
    let out = Command::new(bin)
        .args(["template", task, "--output"])
        .arg(&path)
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "template {task}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    TaskTemplate::decode(std::fs::read(&path).expect("template written").as_slice())
        .expect("template decodes")
}

/// The container args of a template.
pub fn container_args(t: &TaskTemplate) -> Vec<String> {
    match &t.target {
        Some(task_template::Target::Container(c)) => c.args.clone(),
        other => panic!("template has no container: {other:?}"),
    }
}

/// What a pod run left behind.
#[derive(Debug)]
pub struct PodOutcome {
    /// The process's exit status, stdout and stderr.
    pub output: Output,
    /// Names of the files under the output prefix (sorted), but for the deck.
    pub files: Vec<String>,
    /// The deck (`deck.html`), if written.
    pub deck: Option<String>,
    /// outputs.pb, decoded, if written.
    pub outputs: Option<LiteralMap>,
    /// The error document (`error.pb` or `error-<worker>.pb`), decoded, if written.
    pub error: Option<ContainerError>,
}

impl PodOutcome {
    /// stderr as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The error document, failing the test (with stderr) when there is none.
    pub fn expect_error(&self) -> &ContainerError {
        self.error
            .as_ref()
            .unwrap_or_else(|| panic!("no error document: {}", self.stderr()))
    }
}

/// Lists the files under `dir`, recursively, relative to it.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Starts `bin` with `args` (already substituted; `args[0]` is replaced by `bin`), with
/// extra `env`, and reads back what it wrote under the local `output_prefix`.
pub fn run_pod(
    bin: &str,
    args: &[String],
    env: &[(&str, &str)],
    output_prefix: &Path,
) -> PodOutcome {
    let mut cmd = Command::new(bin);
    cmd.args(&args[1..]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("start the binary");
    read_outcome(output, output_prefix)
}

/// Reads what a run left under a local output prefix.
pub fn read_outcome(output: Output, output_prefix: &Path) -> PodOutcome {
    let files: Vec<String> = list_files(output_prefix)
        .into_iter()
        .filter(|f| f != "deck.html")
        .collect();
    let deck = std::fs::read_to_string(output_prefix.join("deck.html")).ok();
    let outputs = std::fs::read(output_prefix.join("outputs.pb"))
        .ok()
        .map(|b| LiteralMap::decode(b.as_slice()).expect("outputs.pb is a LiteralMap"));
    let error = files
        .iter()
        .find(|f| f.starts_with("error"))
        .map(|f| std::fs::read(output_prefix.join(f)).expect("read error doc"))
        .map(|b| ErrorDocument::decode(b.as_slice()).expect("error.pb is an ErrorDocument"))
        .and_then(|d| d.error);
    PodOutcome {
        output,
        files,
        deck,
        outputs,
        error,
    }
}

/// The placeholder values of a run whose files all live under `prefix` (a local folder or
/// an `s3://` prefix): `inputs.pb`, `template.pb`, and the folders `out`, `raw`, `checkpoint`.
pub fn placeholders_under(prefix: &str) -> Placeholders {
    let p = |n: &str| format!("{}/{n}", prefix.trim_end_matches('/'));
    Placeholders {
        input: p("inputs.pb"),
        output_prefix: p("out"),
        raw_output_data_prefix: p("raw"),
        checkpoint_output_prefix: p("checkpoint"),
        prev_checkpoint_prefix: String::new(),
        task_template_path: p("template.pb"),
        ..Placeholders::default()
    }
}

/// Where `cargo test` puts the workspace's binaries (beside the test binary's `deps/`), e.g.
/// `flyte-examples`, which cargo builds because its package has integration tests.
pub fn workspace_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join(name))
        .expect("target dir");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build --workspace` (the README's test command does)",
        bin.display()
    );
    bin
}

/// A local pod set-up: a folder with template.pb and inputs.pb, and an output prefix.
#[derive(Debug, Clone)]
pub struct LocalPod {
    /// The folder.
    pub dir: PathBuf,
    /// The placeholder values (local paths).
    pub placeholders: Placeholders,
}

impl LocalPod {
    /// Writes `template` and `inputs` (raw bytes, so tests can corrupt them) into a new folder.
    pub fn new(name: &str, template: &[u8], inputs: &[u8]) -> Self {
        let dir = scratch(name);
        std::fs::write(dir.join("template.pb"), template).expect("write template");
        std::fs::write(dir.join("inputs.pb"), inputs).expect("write inputs");
        let placeholders = placeholders_under(&dir.display().to_string());
        Self { dir, placeholders }
    }

    /// The output prefix folder.
    pub fn out(&self) -> PathBuf {
        PathBuf::from(&self.placeholders.output_prefix)
    }

    /// Runs `bin` with the template's args substituted as propeller would.
    pub fn run(&self, bin: &str, args: &[String], env: &[(&str, &str)]) -> PodOutcome {
        let args = self
            .placeholders
            .render(args)
            .expect("propeller renders the args");
        run_pod(bin, &args, env, &self.out())
    }
}

/// The adder's executor path (flyte-examples).
pub const ADD_EXECUTOR: &str = "flyte_examples::adder::AddExecutor";

/// The entrypoint's arguments for a run with the template resolver, as the template's own
/// args give them: the template at `template`, and under `run_dir` the inputs
/// (`inputs.pb`), the output prefix (`out`) and raw data (`raw`).
pub fn template_run_args(template: &str, run_dir: &str, executor: &str) -> EntrypointArgs {
    let under = |n: &str| format!("{}/{n}", run_dir.trim_end_matches('/'));
    EntrypointArgs {
        inputs: under("inputs.pb"),
        output_prefix: under("out"),
        raw_output_data_prefix: Some(under("raw")),
        resolver: Resolver::Template.name().into(),
        loader_args: vec![template.to_string(), executor.to_string()],
        ..EntrypointArgs::default()
    }
}

/// Inputs of `examples.add`.
pub fn add_inputs(a: i64, b: i64, label: &str) -> LiteralMap {
    LiteralMap {
        literals: [
            ("a".to_string(), a.to_literal()),
            ("b".to_string(), b.to_literal()),
            ("label".to_string(), label.to_string().to_literal()),
        ]
        .into(),
    }
}

/// Inputs of `tests.misbehave` (flyte-test-tasks).
pub fn misbehave_inputs(mode: &str, seconds: f64) -> LiteralMap {
    LiteralMap {
        literals: [
            ("mode".to_string(), mode.to_string().to_literal()),
            ("seconds".to_string(), seconds.to_literal()),
        ]
        .into(),
    }
}
