//! `list`: what this binary holds.

use std::process::ExitCode;

use crate::contract::Resolver;
use crate::task::registry;
use crate::task::{SuccessCriterion, TaskKind};

pub(crate) fn list() -> ExitCode {
    println!("task types:");
    for t in registry::task_types() {
        println!(
            "  {:<16} {}  (executor {}, image {})",
            t.task_type,
            t.rust_type,
            t.executor_path,
            (t.image)()
        );
    }
    let executors = match registry::executors() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("executors:");
    for e in executors {
        println!("  {}  (task type {})", e.path, e.task_type);
    }
    let instances = match registry::instances() {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("tasks (class-storage index, name, task type, how it runs):");
    for (index, i) in instances.iter().enumerate() {
        let runs = match i.instance.kind() {
            TaskKind::Container { executor_path } => format!("container, {executor_path}"),
            TaskKind::Echo => "propeller's echo plugin".to_string(),
            TaskKind::Reference => "reference to a registered task".to_string(),
        };
        println!(
            "  {index:>3}  {:<28} {:<15} {runs}  (registered at {})",
            i.instance.name(),
            i.instance.task_type(),
            i.registered_at
        );
    }
    let maps = match registry::maps() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("maps (name, mapped task, bound inputs, concurrency, success criterion):");
    for m in &maps {
        let map = &m.map;
        let bound = if map.bound_inputs().is_empty() {
            "-".to_string()
        } else {
            map.bound_inputs().join(",")
        };
        let concurrency = map
            .concurrency_limit()
            .map_or_else(|| "workflow's".to_string(), |n| n.to_string());
        let success = match map.success() {
            SuccessCriterion::All => "all".to_string(),
            SuccessCriterion::Ratio(r) => format!("ratio {r}"),
            SuccessCriterion::Count(n) => format!("{n} element(s)"),
        };
        println!(
            "  {:<28} {:<24} bound {bound}, concurrency {concurrency}, succeeds with {success}  (registered at {})",
            map.name(),
            map.task().name(),
            m.registered_at
        );
    }
    println!("resolvers:");
    for r in Resolver::ALL {
        println!("  {r:<36} -- {}", r.usage());
    }
    ExitCode::SUCCESS
}
