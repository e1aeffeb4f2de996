//! `flyte-examples`: the example task types' binary. Everything is `flyte-runtime`'s command
//! line: `list`, `run TASK --input NAME=VALUE …`, and `execute` (what the pod runs).

use flyte_examples as _; // links the crate whose tasks and executors register themselves

fn main() -> std::process::ExitCode {
    flyte_runtime::cli::main()
}
