//! `echo`: the seeds' Echo task — task type `echo`, outputs equal to inputs, no container
//! in the template. Propeller's echo plugin runs it by copying inputs to outputs; `run`
//! does the same locally.

use flyte_runtime::prelude::*;

/// `examples.echo`: passes a count and a label through.
pub fn echo_task() -> EchoTask {
    EchoTask::new("examples.echo")
        .input::<i64>("count")
        .input::<String>("label")
        .docs("Outputs its inputs unchanged (propeller's echo plugin; no pod).")
}

register_task!(echo_task);
