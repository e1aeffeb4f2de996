//! `run TASK --map -i a=[…] …`: a map over lists run locally as propeller runs an ArrayNode.
//!
//! The map's template is made from the task's ([`map_template`]); the run folder gets the
//! node's `inputs.pb` (the whole lists) and the element template; each element is this
//! binary's `execute`, started as its pod's command with propeller's index variables and
//! its own output prefix (`out/<index>/0`), at most `--concurrency` at a time (each a cold
//! start, as pods are); each element's result is read as propeller reads a pod's, and the
//! lists are gathered in index order with none for a failed element, the node failing when
//! fewer than its minimum succeeded.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use prost::Message;

use super::inputs::inputs_from_args;
use super::run::{print_outputs, RunArgs};
use crate::execute::Runner;
use crate::pod::{
    element_env, element_output_prefix, element_template, gather, list_length, min_successes,
    read_results, ArrayVerdict, ContainerExit, Placeholders, TaskResult,
};
use crate::proto::core::task_template::Target;
use crate::storage::{write_local_atomically, Storage};
use crate::task::{map_template, AnyTaskInstance, SerializationSettings};

/// How one element's process ended.
struct Ended {
    code: i32,
    stderr: String,
}

/// Runs the map of `instance` described by `args` in the folder `dir`.
pub(super) fn run_map(
    args: &RunArgs,
    instance: &dyn AnyTaskInstance,
    dir: &Path,
) -> Result<ExitCode, String> {
    if args.container.is_some() || args.storage.is_some() {
        return Err(
            "--map runs its elements as processes of this binary, with the run folder as \
             storage; --container and --storage do not combine with it yet"
                .to_string(),
        );
    }
    let template = instance
        .template(&SerializationSettings::default())
        .map_err(|e| e.to_string())?;
    let bound: Vec<&str> = args.bound.iter().map(String::as_str).collect();
    let map = map_template(&template, &bound).map_err(|e| e.to_string())?;
    let vars = map
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let inputs = inputs_from_args(&args.task, &args.inputs, &vars)?;
    let n = list_length(&inputs, &bound).map_err(|e| format!("the map cannot start: {e}"))?;
    let needed = min_successes(n, args.min_successes, args.min_success_ratio);
    let max_download_bytes = args.platform.platform()?.max_download_bytes;

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
    write("template.pb", &crate::proto::encode_task_template(&element))?;
    write("inputs.pb", &inputs.encode_to_vec())?;

    let Some(Target::Container(container)) = &map.target else {
        return Err(format!("task `{}` has no container to run", args.task));
    };
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this binary to start the elements: {e}"))?;
    let under = |n: &str| dir.join(n).display().to_string();
    let placeholders = |i: usize| Placeholders {
        input: under("inputs.pb"),
        output_prefix: element_output_prefix(&under("out"), i, 0),
        raw_output_data_prefix: format!("{}/{i}", under("raw")),
        checkpoint_output_prefix: format!("{}/{i}", under("checkpoint")),
        task_template_path: under("template.pb"),
        ..Placeholders::default()
    };
    let concurrency = args
        .concurrency
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()))
        .clamp(1, n.max(1));
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
                let result = placeholders(i)
                    .render(&container.args)
                    .map_err(|e| e.to_string())
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
                        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                    });
                if let Ok(mut slot) = ended[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    let took = started.elapsed();

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
            oom_killed: false,
        };
        let tail: Vec<&str> = ended.stderr.lines().rev().take(20).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        let result = runtime
            .block_on(read_results(
                &storage,
                &placeholders(i).output_prefix,
                &element,
                exit,
                max_download_bytes,
                &tail,
            ))
            .map_err(|e| format!("cannot read element {i}'s results: {e}"))?;
        results.push(result);
    }
    let outputs: Vec<String> = map
        .interface
        .as_ref()
        .and_then(|i| i.outputs.as_ref())
        .map(|o| o.variables.keys().cloned().collect())
        .unwrap_or_default();
    let names: Vec<&str> = outputs.iter().map(String::as_str).collect();
    let succeeded = results
        .iter()
        .filter(|r| matches!(r, TaskResult::Succeeded(_)))
        .count();
    println!(
        "map of task {} over {n} element(s), {concurrency} at a time, ran in {:.0} ms in {}: \
         {succeeded} succeeded, {needed} needed",
        args.task,
        took.as_secs_f64() * 1e3,
        dir.display()
    );
    for (i, r) in results.iter().enumerate() {
        if let TaskResult::Failed(f) = r {
            println!("  element {i} failed: {}: {}", f.code, f.message);
        }
    }
    let code = match gather(&results, &names, needed) {
        ArrayVerdict::Succeeded(gathered) => {
            write("outputs.pb", &gathered.encode_to_vec())?;
            print_outputs(&runtime, &storage, &gathered);
            ExitCode::SUCCESS
        }
        ArrayVerdict::Failed { succeeded, needed } => {
            println!("  failed: {succeeded} of {n} element(s) succeeded, {needed} needed");
            ExitCode::FAILURE
        }
    };
    runtime.finish();
    Ok(code)
}
