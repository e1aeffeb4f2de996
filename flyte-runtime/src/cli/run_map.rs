//! `run TASK --map -i a=[…] …`: a map over lists run locally as propeller runs an ArrayNode.
//!
//! The map's template is made from the task's ([`map_template`]); the run folder gets the
//! node's `inputs.pb` (the whole lists) and the element template; each element is this
//! binary's `execute`, started as its pod's command with propeller's index variables and
//! its own output prefix (`out/<index>/0`), at most `--concurrency` at a time (each a cold
//! start, as pods are); each element's result is read as propeller reads a pod's, and the
//! lists are gathered in index order with none for a failed element, the node failing when
//! fewer than its minimum succeeded. With `--container IMAGE`, each element is instead the
//! pod propeller would make for it, run on the Docker engine as `run --container` runs one.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use prost::Message;

use super::inputs::inputs_from_args;
use super::outputs::print_outputs;
use super::run_args::{execution_name, RunArgs};
use super::run_folder::tidy_run_folder;
use crate::contract::{PodEnv, INPUTS_PB, OUTPUTS_PB, TEMPLATE_PB};
use crate::execute::{run_map_in_process, MapOver, Runner};
use crate::pod::{
    build_pod, element_env, element_literals, element_output_prefix, element_template, list_length,
    min_successes, primary_container, read_results, ArrayVerdict, ContainerExit, DockerOptions,
    Gathering, Placeholders, PodRun, TaskFailure, TaskResult,
};
use crate::proto::core::task_template::Target;
use crate::proto::core::LiteralMap;
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

/// Runs `map_task` (named `task` on the command line) with the inputs of `args` in the
/// folder `dir`, in the caller's environment `env`.
pub(super) fn run_map(
    args: &RunArgs,
    task: &str,
    map_task: &MapTask,
    dir: &Path,
    env: &PodEnv,
) -> Result<ExitCode, String> {
    if args.storage.is_some() {
        return Err(
            "--map keeps the node's files in the run folder; --storage does not combine with \
             it yet"
                .to_string(),
        );
    }
    let map = map_task
        .template(&SerializationSettings::default())
        .map_err(|e| e.to_string())?;
    let bound: Vec<&str> = map_task.bound_inputs().iter().map(String::as_str).collect();
    let vars = map
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let inputs = inputs_from_args(task, &args.inputs, &vars)?;
    let n = list_length(&inputs, &bound).map_err(|e| format!("the map cannot start: {e}"))?;
    let needed = match map_task.success() {
        SuccessCriterion::All => min_successes(n, None, None),
        SuccessCriterion::Ratio(r) => min_successes(n, None, Some(r)),
        SuccessCriterion::Count(m) => min_successes(n, Some(m), None),
    };
    let max_download_bytes = args.platform.platform(env)?.max_download_bytes;

    let out_dir = dir.join("out");
    if out_dir.exists() {
        // A reused folder must not report an earlier run's elements.
        std::fs::remove_dir_all(&out_dir)
            .map_err(|e| format!("cannot clear {}: {e}", out_dir.display()))?;
    }
    let element = element_template(&map);
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        write_local_atomically(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
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
    if args.in_process {
        let executor_path =
            map_task.task().kind().executor_path().ok_or_else(|| {
                format!("task `{}` has no executor to run", map_task.task().name())
            })?;
        let over = MapOver {
            bound: bound.iter().map(|b| b.to_string()).collect(),
        };
        let started = std::time::Instant::now();
        let mut gathering = Gathering::new(&map, n);
        let node_inputs = inputs.clone();
        run_map_in_process(
            &element,
            &over,
            inputs,
            executor_path,
            concurrency,
            dir,
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
        .map_err(|e| format!("the map cannot start: {e}"))?;
        let ran = Ran {
            gathering,
            concurrency,
            took: started.elapsed(),
            place: " in this process",
            inputs: &node_inputs,
            bound: &bound,
        };
        return report(args, map_task, ran, needed, dir);
    }

    let Some(Target::Container(container)) = &map.target else {
        return Err(format!("task `{task}` has no container to run"));
    };
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this binary to start the elements: {e}"))?;
    let under = |n: &str| dir.join(n).display().to_string();
    let output_prefix = |i: usize| element_output_prefix(&under("out"), i, 0);
    // Element `i`'s placeholders; its `{{.inputs.NAME}}` render its own items, as propeller
    // renders them from the literals it gives the element.
    let placeholders = |i: usize| -> Result<Placeholders, String> {
        Ok(Placeholders {
            input: under(INPUTS_PB),
            input_prefix: dir.display().to_string(),
            output_prefix: output_prefix(i),
            raw_output_data_prefix: format!("{}/{i}", under("raw")),
            checkpoint_output_prefix: format!("{}/{i}", under("checkpoint")),
            task_template_path: under("template.pb"),
            inputs: element_literals(&inputs, &bound, i)?,
            ..Placeholders::default()
        })
    };
    let platform = args.platform.platform(env)?;
    // In a container: each element is the pod propeller would make for it (its node id
    // `<node>-n<index>`, the index variables in its execution environment).
    let in_container = |i: usize, image: &str| -> Result<Ended, String> {
        let mut run = PodRun::under(&dir.display().to_string(), 0);
        run.execution = execution_name(task);
        run.node_id = format!("n0-n{i}");
        run.execution_env = element_env(i);
        run.placeholders = Placeholders {
            generated_name: run.pod_name(),
            namespace: run.namespace.clone(),
            ..placeholders(i)?
        };
        let pod = build_pod(&map, &run, &platform)
            .map_err(|e| format!("propeller would not start element {i}'s pod: {e}"))?;
        let mut mounts = vec![(dir.to_path_buf(), false)];
        mounts.extend(super::container::read_only_mounts(&args.volumes, &inputs)?);
        let options = DockerOptions {
            mounts,
            secrets_dir: dir.join("secrets").join(i.to_string()),
            harden: args.harden,
            name: format!("flyte-rs-{}-{}", run.pod_name(), std::process::id()),
            env: env.clone(),
        };
        let primary = primary_container(&pod, &map)
            .ok_or_else(|| format!("element {i}'s pod has no primary container to run"))?;
        let ran = super::container::run_pod(&pod, &primary.name, image, &options)?;
        Ok(Ended {
            code: ran.exit.code,
            oom_killed: ran.exit.oom_killed,
            stderr: ran.logs_tail,
        })
    };
    let opened = match &args.container {
        Some(_) => Some(super::give_back::Opened::open(dir)?),
        None => None,
    };
    let started = std::time::Instant::now();
    let ended: Vec<Mutex<Option<Result<Ended, String>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..concurrency {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let result = match &args.container {
                    Some(image) => in_container(i, image),
                    None => placeholders(i)
                        .and_then(|p| p.render(&container.args).map_err(|e| e.to_string()))
                        .and_then(|argv| {
                            Command::new(&exe)
                                .args(argv.iter().skip(1))
                                .envs(element_env(i))
                                .stdin(Stdio::null())
                                .stdout(Stdio::null())
                                .stderr(Stdio::piped())
                                .output()
                                .map_err(|e| format!("cannot start element {i}: {e}"))
                        })
                        .map(|out| Ended {
                            code: out.status.code().unwrap_or(-1),
                            oom_killed: false,
                            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                        }),
                };
                if let Ok(mut slot) = ended[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    let took = started.elapsed();
    if let (Some(opened), Some(image)) = (opened, &args.container) {
        opened.give_back(image, container.args.first().map_or("", String::as_str));
    }

    let runtime = Runner::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let storage = Storage::default();
    let mut results = Vec::with_capacity(n);
    for (i, slot) in ended.into_iter().enumerate() {
        let ended = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err(format!("element {i} did not run")))?;
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
                &output_prefix(i),
                &element,
                exit,
                max_download_bytes,
                &tail,
            ))
            .map_err(|e| format!("cannot read element {i}'s results: {e}"))?;
        results.push(result);
    }
    runtime.finish();
    let place = match &args.container {
        Some(image) => format!(" in containers of {image}"),
        None => String::new(),
    };
    let mut gathering = Gathering::new(&map, n);
    for (i, result) in results.into_iter().enumerate() {
        gathering.add(i, result);
    }
    let ran = Ran {
        gathering,
        concurrency,
        took,
        place: &place,
        inputs: &inputs,
        bound: &bound,
    };
    report(args, map_task, ran, needed, dir)
}

/// How a map's elements ran.
struct Ran<'a> {
    /// The elements' outputs and failures.
    gathering: Gathering,
    /// How many ran at once.
    concurrency: usize,
    /// The time from the first start to the last end.
    took: std::time::Duration,
    /// Where they ran (` in containers of IMAGE`, …).
    place: &'a str,
    /// The node's inputs (the whole lists) and the inputs bound to one value, to say what
    /// a failed element was given.
    inputs: &'a LiteralMap,
    bound: &'a [&'a str],
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

/// Says how the map's elements ended, gathers their outputs as propeller does (none for a
/// failed element) into `<dir>/outputs.pb` and prints them, or says why the node failed.
fn report(
    args: &RunArgs,
    map_task: &MapTask,
    ran: Ran<'_>,
    needed: usize,
    dir: &Path,
) -> Result<ExitCode, String> {
    let (inputs, bound) = (ran.inputs, ran.bound);
    let gathering = ran.gathering;
    let n = gathering.len();
    let succeeded = gathering.succeeded();
    println!(
        "map {} of task {} over {n} element(s), {} at a time, ran{} in {:.0} ms in {}: \
         {succeeded} succeeded, {needed} needed",
        map_task.name(),
        map_task.task().name(),
        ran.concurrency,
        ran.place,
        ran.took.as_secs_f64() * 1e3,
        dir.display()
    );
    for (i, f) in gathering.failures() {
        println!("  element {i} failed: {}: {}", f.code, f.message);
        println!("    its inputs: {}", element_summary(inputs, bound, *i));
    }
    match gathering.finish(needed) {
        ArrayVerdict::Succeeded(gathered) => {
            let path = dir.join(OUTPUTS_PB);
            write_local_atomically(&path, &gathered.encode_to_vec())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let runtime =
                Runner::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
            print_outputs(&runtime, &Storage::default(), &gathered);
            runtime.finish();
            // An element that failed leaves its error document to look at.
            let kept = if succeeded == n {
                Ok(&gathered)
            } else {
                Err("an element failed")
            };
            tidy_run_folder(args, dir, kept);
            Ok(ExitCode::SUCCESS)
        }
        ArrayVerdict::Failed { succeeded, needed } => {
            println!("  failed: {succeeded} of {n} element(s) succeeded, {needed} needed");
            tidy_run_folder(args, dir, Err("the map failed"));
            Ok(ExitCode::FAILURE)
        }
    }
}
