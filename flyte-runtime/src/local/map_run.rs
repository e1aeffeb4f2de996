//! A map over lists run locally as propeller runs an ArrayNode.
//!
//! The map's template is made from the task's; the run folder gets the node's `inputs.pb`
//! (the whole lists) and the element template; each element is this binary's `execute`,
//! started as its pod's command with propeller's index variables and its own output prefix
//! (`out/<index>/0`), at most the map's concurrency at a time (each a cold start, as pods
//! are); each element's result is read as propeller reads a pod's, and the lists are
//! gathered in index order with none for a failed element, the node failing when fewer than
//! its minimum succeeded. In a container, each element is instead the pod propeller would
//! make for it, run on the Docker engine as a single run's is; in process, each element is
//! the same supervised run in this process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use prost::Message;

use super::container::{read_only_mounts, run_pod};
use super::error::LocalError;
use super::folder::RunFolder;
use super::inputs::{read_inputs, Inputs};
use super::layout::{element_layout, execution_name};
use super::open_folder::Opened;
use super::report::{FailedElement, MapRun, MapVerdict, Ran};
use super::request::RunRequest;
use crate::contract::{PodEnv, INPUTS_PB, OUTPUTS_PB, TEMPLATE_PB};
use crate::execute::{run_map_in_process, MapOver, Runner};
use crate::pod::{
    build_pod, element_env, element_literals, element_template, list_length, min_successes,
    primary_container, read_results, ArrayVerdict, ContainerExit, DockerOptions, Gathering, PodRun,
    TaskFailure, TaskResult,
};
use crate::proto::core::task_template::Target;
use crate::proto::core::{LiteralMap, TaskTemplate};
use crate::storage::{write_local_atomically, Storage};
use crate::task::{MapTask, SerializationSettings, SuccessCriterion};
use crate::types::json_literal::literal_to_json;

/// How one element's process ended.
struct Ended {
    code: i32,
    oom_killed: bool,
    /// Its stderr (the end of its logs, in a container).
    stderr: String,
}

/// The folder of a map named `task` on the command line: a map takes its lists as text.
pub(crate) fn map_folder(request: &RunRequest, task: &str) -> Result<RunFolder, LocalError> {
    if matches!(request.inputs, Inputs::Pb(_)) {
        return Err(LocalError::MapWithInputsPb {
            task: task.to_string(),
        });
    }
    RunFolder::make(&request.folder, task)
}

/// Runs `map_task` (named `task` on the command line) with the inputs of `request` in the
/// folder `folder`, in the caller's environment `env`.
pub(crate) fn run_map(
    request: &RunRequest,
    task: &str,
    map_task: &MapTask,
    folder: RunFolder,
    env: &PodEnv,
) -> Result<Ran, LocalError> {
    let dir = folder.dir.as_path();
    if request.storage.is_some() {
        return Err(LocalError::MapWithStorage);
    }
    let map = map_task.template(&SerializationSettings::default())?;
    let bound: Vec<&str> = map_task.bound_inputs().iter().map(String::as_str).collect();
    let vars = map
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let inputs = match &request.inputs {
        Inputs::Text(text) => read_inputs(task, text, &vars)?,
        Inputs::Pb(_) => {
            return Err(LocalError::MapWithInputsPb {
                task: task.to_string(),
            })
        }
    };
    let n = list_length(&inputs, &bound).map_err(|reason| LocalError::Lists { reason })?;
    let needed = match map_task.success() {
        SuccessCriterion::All => min_successes(n, None, None),
        SuccessCriterion::Ratio(r) => min_successes(n, None, Some(r)),
        SuccessCriterion::Count(m) => min_successes(n, Some(m), None),
    };
    let out_dir = dir.join("out");
    if out_dir.exists() {
        // A reused folder must not report an earlier run's elements.
        std::fs::remove_dir_all(&out_dir).map_err(|source| LocalError::Clear {
            path: out_dir.clone(),
            source,
        })?;
    }
    let element = element_template(&map);
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        write_local_atomically(&path, bytes).map_err(|source| LocalError::Write { path, source })
    };
    write(TEMPLATE_PB, &crate::proto::encode_task_template(&element))?;
    write(INPUTS_PB, &inputs.encode_to_vec())?;
    // The map's own bound (0: none), else the machine's CPUs, as the workflow's
    // parallelism would bound it on a cluster.
    let concurrency = match map_task.concurrency_limit() {
        Some(0) => n,
        Some(limit) => limit as usize,
        None => std::thread::available_parallelism().map_or(1, |p| p.get()),
    }
    .clamp(1, n.max(1));
    let node = Node {
        request,
        task,
        map_task,
        map: &map,
        element: &element,
        inputs: &inputs,
        bound: &bound,
        n,
        concurrency,
        needed,
    };
    if request.map.in_process {
        return node.in_process(folder, env);
    }
    node.as_pods(folder, env)
}

/// The map node being run.
struct Node<'a> {
    request: &'a RunRequest,
    task: &'a str,
    map_task: &'a MapTask,
    /// The map's template and its elements'.
    map: &'a TaskTemplate,
    element: &'a TaskTemplate,
    /// The node's inputs (the whole lists) and the inputs bound to one value.
    inputs: &'a LiteralMap,
    bound: &'a [&'a str],
    n: usize,
    concurrency: usize,
    needed: usize,
}

impl Node<'_> {
    /// Every element in this process.
    fn in_process(&self, folder: RunFolder, env: &PodEnv) -> Result<Ran, LocalError> {
        let executor_path =
            self.map_task
                .task()
                .kind()
                .executor_path()
                .ok_or_else(|| LocalError::NoExecutor {
                    task: self.map_task.task().name().to_string(),
                })?;
        let over = MapOver {
            bound: self.bound.iter().map(|b| b.to_string()).collect(),
        };
        let started = std::time::Instant::now();
        let mut gathering = Gathering::new(self.map, self.n);
        run_map_in_process(
            self.element,
            &over,
            self.inputs.clone(),
            executor_path,
            self.concurrency,
            &folder.dir,
            env,
            |i, r| {
                gathering.add(
                    i,
                    match r {
                        Ok(outputs) => TaskResult::Succeeded(outputs),
                        Err(f) => {
                            let doc = f.to_error_document("", std::time::SystemTime::now());
                            TaskResult::Failed(TaskFailure::from_document(
                                doc.error.unwrap_or_default(),
                            ))
                        }
                    },
                )
            },
        )
        .map_err(LocalError::InProcess)?;
        let took = started.elapsed();
        Ok(self.report(gathering, took, " in this process", Vec::new(), folder))
    }

    /// Element `i`'s pod: node `n<index>` of the ArrayNode `n0` (attempt 0) of the map's
    /// workflow, which is named after the map (its unique id `n0-0-n<index>`, as propeller's
    /// `buildArrayNodeContext` makes it), the index variables in its execution environment,
    /// its items of the lists for `{{.inputs.NAME}}`.
    fn element_run(&self, dir: &Path, i: usize) -> Result<PodRun, LocalError> {
        let items = element_literals(self.inputs, self.bound, i)
            .map_err(|reason| LocalError::ElementInputs { index: i, reason })?;
        Ok(PodRun::new(
            element_layout(dir, i),
            execution_name(self.task),
            format!("n{i}"),
            0,
        )
        // The map's workflow's one node (`workflow::NODE_ID`), a top-level node.
        .in_array("n0", 0)
        .in_workflow(self.map_task.name())
        .with_execution_env(element_env(i))
        .with_inputs(items))
    }

    /// Element `i` as the pod propeller would make for it, in a container of `image`.
    fn in_container(&self, dir: &Path, i: usize, env: &PodEnv) -> Result<Ended, LocalError> {
        let Some(choice) = &self.request.container else {
            unreachable!("in_container is called for a container run")
        };
        let run = self.element_run(dir, i)?;
        let pod = build_pod(self.map, &run, &self.request.platform).map_err(|source| {
            LocalError::ElementPod {
                index: i,
                source: Box::new(source),
            }
        })?;
        let mut mounts = vec![(dir.to_path_buf(), false)];
        mounts.extend(read_only_mounts(&choice.volumes, self.inputs)?);
        let options = DockerOptions {
            mounts,
            secrets_dir: dir.join("secrets").join(i.to_string()),
            harden: choice.harden,
            name: format!("flyte-rs-{}-{}", run.pod_name(), std::process::id()),
            env: env.clone(),
        };
        let primary = primary_container(&pod, self.map)
            .ok_or(LocalError::ElementNoPrimaryContainer { index: i })?;
        let ran = run_pod(&pod, &primary.name, &choice.image, &options)?;
        Ok(Ended {
            code: ran.exit.code,
            oom_killed: ran.exit.oom_killed,
            stderr: ran.logs_tail,
        })
    }

    /// Element `i` as a process of this binary (`exe`): its pod's args, rendered.
    fn as_process(
        &self,
        dir: &Path,
        i: usize,
        exe: &Path,
        args: &[String],
    ) -> Result<Ended, LocalError> {
        let argv = self.element_run(dir, i)?.placeholders().render(args)?;
        let out = Command::new(exe)
            .args(argv.iter().skip(1))
            .envs(element_env(i))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|source| LocalError::StartElement { index: i, source })?;
        Ok(Ended {
            code: out.status.code().unwrap_or(-1),
            oom_killed: false,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Every element as a pod: a process of this binary, or a container.
    fn as_pods(&self, folder: RunFolder, env: &PodEnv) -> Result<Ran, LocalError> {
        let dir = folder.dir.as_path();
        let n = self.n;
        let Some(Target::Container(container)) = &self.map.target else {
            return Err(LocalError::NoContainer {
                task: self.task.to_string(),
            });
        };
        let exe = std::env::current_exe().map_err(|source| LocalError::CurrentExe {
            what: "the elements",
            source,
        })?;
        let opened = match &self.request.container {
            Some(_) => Some(Opened::open(dir)?),
            None => None,
        };
        let started = std::time::Instant::now();
        let ended: Vec<Mutex<Option<Result<Ended, LocalError>>>> =
            (0..n).map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..self.concurrency {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let result = match &self.request.container {
                        Some(_) => self.in_container(dir, i, env),
                        None => self.as_process(dir, i, &exe, &container.args),
                    };
                    if let Ok(mut slot) = ended[i].lock() {
                        *slot = Some(result);
                    }
                });
            }
        });
        let took = started.elapsed();
        let mut warnings = Vec::new();
        if let (Some(opened), Some(choice)) = (opened, &self.request.container) {
            warnings = opened.give_back(
                &choice.image,
                container.args.first().map_or("", String::as_str),
            );
        }

        let runtime = Runner::new().map_err(LocalError::Runtime)?;
        let storage = Storage::default();
        let mut results = Vec::with_capacity(n);
        for (i, slot) in ended.into_iter().enumerate() {
            let ended = slot
                .into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(LocalError::ElementDidNotRun { index: i }))?;
            let exit = ContainerExit {
                name: format!("element-{i}"),
                code: ended.code,
                oom_killed: ended.oom_killed,
            };
            let tail: Vec<&str> = ended.stderr.lines().rev().take(20).collect();
            let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
            let result = runtime
                .block_on(read_results(
                    &storage,
                    &element_layout(dir, i).output_prefix,
                    self.element,
                    exit,
                    self.request.platform.max_download_bytes,
                    &tail,
                ))
                .map_err(|source| LocalError::ReadElementResults {
                    index: i,
                    source: Box::new(source),
                })?;
            results.push(result);
        }
        runtime.finish();
        let place = match &self.request.container {
            Some(choice) => format!(" in containers of {}", choice.image),
            None => String::new(),
        };
        let mut gathering = Gathering::new(self.map, n);
        for (i, result) in results.into_iter().enumerate() {
            gathering.add(i, result);
        }
        Ok(self.report(gathering, took, &place, warnings, folder))
    }

    /// How the map's elements ended: their outputs gathered as propeller does (none for a
    /// failed element) into the folder's `outputs.pb`, or why the node failed.
    fn report(
        &self,
        gathering: Gathering,
        took: std::time::Duration,
        place: &str,
        warnings: Vec<String>,
        folder: RunFolder,
    ) -> Ran {
        let n = gathering.len();
        let succeeded = gathering.succeeded();
        let failed = gathering
            .failures()
            .iter()
            .map(|(i, f)| FailedElement {
                index: *i,
                failure: f.clone(),
                inputs: element_summary(self.inputs, self.bound, *i),
            })
            .collect();
        let verdict = match gathering.finish(self.needed) {
            ArrayVerdict::Succeeded(gathered) => {
                let path = folder.dir.join(OUTPUTS_PB);
                write_local_atomically(&path, &gathered.encode_to_vec())
                    .map_err(|source| LocalError::Write { path, source })
                    .map(|()| MapVerdict::Succeeded {
                        outputs: gathered,
                        all: succeeded == n,
                    })
            }
            ArrayVerdict::Failed { succeeded, needed } => {
                Ok(MapVerdict::Failed { succeeded, needed })
            }
        };
        Ran::Map(MapRun {
            map: self.map_task.name().to_string(),
            task: self.map_task.task().name().to_string(),
            elements: n,
            concurrency: self.concurrency,
            place: place.to_string(),
            took,
            succeeded,
            needed: self.needed,
            failed,
            warnings,
            verdict,
            folder,
        })
    }
}

/// What element `index` was given, abbreviated for a line of a map of thousands: each input
/// the map goes over, `name=value` as JSON, a long value cut in the middle with `…` (the end
/// of a path, its file name, is what tells elements apart).
fn element_summary(inputs: &LiteralMap, bound: &[&str], index: usize) -> String {
    const HEAD: usize = 24;
    const TAIL: usize = 56;
    let Ok(element) = element_literals(inputs, bound, index) else {
        return "(out of the lists' bounds)".to_string();
    };
    let mut names: Vec<&String> = element
        .literals
        .keys()
        .filter(|n| !bound.contains(&n.as_str()))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let value = literal_to_json(&element.literals[name]).to_string();
            let chars: Vec<char> = value.chars().collect();
            if chars.len() <= HEAD + TAIL + 1 {
                return format!("{name}={value}");
            }
            let head: String = chars[..HEAD].iter().collect();
            let tail: String = chars[chars.len() - TAIL..].iter().collect();
            format!("{name}={head}…{tail}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
