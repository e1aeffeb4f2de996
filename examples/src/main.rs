//! `flyte-examples`: example prebuilt-container task types built with flyte-rs.
//!
//! - `flyte-examples list`: the task types, executors and tasks this binary holds.
//! - `flyte-examples demo`: builds the `examples.add` template and runs it in-process,
//!   through the executor the template names, as the container would.

use anyhow::Context;
use flyte_examples::adder;
use flyte_runtime::proto::core::LiteralMap;
use flyte_runtime::registry;
use flyte_runtime::task::{SerializationSettings, TaskIo};

fn list() -> anyhow::Result<()> {
    println!("task types:");
    for t in registry::task_types() {
        println!(
            "  {:<12} {}  (executor {}, image {})",
            t.task_type,
            t.rust_type,
            t.executor_path,
            (t.image)()
        );
    }
    println!("executors:");
    for e in registry::executors()? {
        println!("  {}  (task type {})", e.path, e.task_type);
    }
    println!("tasks:");
    for i in registry::instances()? {
        println!(
            "  {:<16} {}  (registered at {})",
            i.instance.name(),
            i.instance.task_type(),
            i.registered_at
        );
    }
    Ok(())
}

fn demo() -> anyhow::Result<()> {
    let task = registry::instance("examples.add")?;
    let template = task
        .instance
        .template(&SerializationSettings::default())
        .context("building the template of examples.add")?;
    let inputs: LiteralMap = adder::AddInputs {
        a: 40,
        b: 2,
        label: "sum".into(),
    }
    .to_literal_map();
    let scratch = std::env::temp_dir();
    let outputs = flyte_runtime::execute::run_template(&template, &inputs, scratch)?;
    let out = adder::AddOutputs::from_literal_map(&outputs).context("reading the outputs")?;
    println!(
        "examples.add(a=40, b=2, label=\"sum\") -> total={}, message={:?}",
        out.total, out.message
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("list") => list(),
        Some("demo") | None => demo(),
        Some(other) => anyhow::bail!("unknown command `{other}`: expected `list` or `demo`"),
    }
}
