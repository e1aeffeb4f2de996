//! `list`: what this binary holds.

use std::process::ExitCode;

use crate::protocol::Resolver;
use crate::task::registry;
use crate::task::TaskKind;

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
    println!("resolvers:");
    for r in Resolver::ALL {
        println!("  {r:<36} -- {}", r.usage());
    }
    ExitCode::SUCCESS
}
