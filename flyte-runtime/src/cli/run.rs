//! `run TASK --input NAME=VALUE …` (or `run --template FILE`, a task from a template file;
//! `run TASK --map`, a map over lists): the arguments made the local run they ask for, run by
//! [`local`](crate::local), and what it did said on stdout (a failure to run on stderr, with
//! exit code 1).

use std::process::ExitCode;

use super::outputs::print_outputs;
use super::run_args::RunArgs;
use crate::contract::PodEnv;
use crate::execute::Runner;
use crate::local::{LocalError, MapRun, MapVerdict, Place, Ran, TaskRun, Tidied};
use crate::pod::TaskResult;
use crate::proto::core::LiteralMap;
use crate::storage::Storage;

pub(crate) fn run(args: RunArgs, env: &PodEnv) -> ExitCode {
    let Some(what) = args.what() else {
        return fail(LocalError::NoTask);
    };
    let platform = match args.platform.platform(env) {
        Ok(platform) => platform,
        Err(e) => return fail(e),
    };
    match crate::local::run(&args.request(what, platform), env) {
        Ok(Ran::Checked { task, task_type }) => {
            println!(
                "task {task} ({task_type}): its pod starts this binary's execute, and its \
                 configuration passes the task type's check"
            );
            ExitCode::SUCCESS
        }
        Ok(Ran::Task(run)) => say_task(run),
        Ok(Ran::Map(run)) => say_map(run),
        Err(e) => fail(e),
    }
}

/// Says why the run could not run.
fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

/// Says how a task's run went: where it ran, its outputs or its failure, and what became of
/// its folder.
fn say_task(run: TaskRun) -> ExitCode {
    for warning in &run.warnings {
        eprintln!("warning: {warning}");
    }
    let (task, kind, base) = (&run.task, &run.task_type, &run.base);
    match &run.place {
        Place::Echo => println!("task {task} (echo: outputs are the inputs) ran in {base}"),
        Place::Process => println!("task {task} ({kind}) ran in {base}"),
        Place::Container { image, took } => println!(
            "task {task} ({kind}) ran in container {image} in {:.0} ms, in {base}",
            took.as_secs_f64() * 1e3,
        ),
    }
    let code = match &run.result {
        Err(e) => return fail(e),
        Ok(TaskResult::Succeeded(outputs)) => {
            print_outputs(&run.runtime, &run.storage, outputs);
            let tidied = run.folder.tidy(Ok(outputs));
            say_deck(run.deck.as_deref(), &run.folder.dir, &tidied);
            say_tidied(&run.folder.dir, tidied);
            ExitCode::SUCCESS
        }
        Ok(TaskResult::Failed(f)) => {
            println!(
                "  failed: {}: {} ({:?}, {})",
                f.code,
                f.message,
                f.kind,
                if f.recoverable {
                    "recoverable"
                } else {
                    "not recoverable"
                }
            );
            let tidied = run.folder.tidy(Err("the run failed"));
            say_deck(run.deck.as_deref(), &run.folder.dir, &tidied);
            say_tidied(&run.folder.dir, tidied);
            ExitCode::FAILURE
        }
    };
    run.runtime.finish();
    code
}

/// Says how a map's elements ended, prints the gathered outputs (written to the folder's
/// `outputs.pb`), or says why the node failed.
fn say_map(run: MapRun) -> ExitCode {
    for warning in &run.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "map {} of task {} over {} element(s), {} at a time, ran{} in {:.0} ms in {}: \
         {} succeeded, {} needed",
        run.map,
        run.task,
        run.elements,
        run.concurrency,
        run.place,
        run.took.as_secs_f64() * 1e3,
        run.folder.dir.display(),
        run.succeeded,
        run.needed,
    );
    for e in &run.failed {
        println!(
            "  element {} failed: {}: {}",
            e.index, e.failure.code, e.failure.message
        );
        println!("    its inputs: {}", e.inputs);
    }
    match &run.verdict {
        Err(e) => fail(e),
        Ok(MapVerdict::Succeeded { outputs, all }) => {
            if let Err(e) = print_gathered(outputs) {
                return fail(e);
            }
            // An element that failed leaves its error document to look at.
            let kept = if *all {
                Ok(outputs)
            } else {
                Err("an element failed")
            };
            say_tidied(&run.folder.dir, run.folder.tidy(kept));
            ExitCode::SUCCESS
        }
        Ok(MapVerdict::Failed { succeeded, needed }) => {
            println!(
                "  failed: {succeeded} of {} element(s) succeeded, {needed} needed",
                run.elements
            );
            say_tidied(&run.folder.dir, run.folder.tidy(Err("the map failed")));
            ExitCode::FAILURE
        }
    }
}

/// Prints a map's gathered outputs (lists whose items may be files in the local store).
fn print_gathered(outputs: &LiteralMap) -> Result<(), LocalError> {
    let runtime = Runner::new().map_err(LocalError::Runtime)?;
    print_outputs(&runtime, &Storage::default(), outputs);
    runtime.finish();
    Ok(())
}

/// Says where the run's deck is, unless it went with the run folder `dir`.
fn say_deck(deck: Option<&str>, dir: &std::path::Path, tidied: &Tidied) {
    let Some(deck) = deck else { return };
    let removed = matches!(tidied, Tidied::Removed) && std::path::Path::new(deck).starts_with(dir);
    if !removed {
        println!("  deck: {deck}");
    }
}

/// Says what became of a run's folder `dir`.
fn say_tidied(dir: &std::path::Path, tidied: Tidied) {
    match tidied {
        Tidied::Kept(why) => println!("  the run's files are in {} (kept: {why})", dir.display()),
        Tidied::Removed => println!(
            "  removed the run folder {} (keep it with --keep)",
            dir.display()
        ),
        Tidied::NotRemoved(e) => eprintln!(
            "warning: cannot remove the run folder {}: {e}",
            dir.display()
        ),
    }
}
