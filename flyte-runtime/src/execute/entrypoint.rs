//! The `execute` entrypoint as a process: what FlytePropeller's pod runs. It starts the
//! runner, runs the [pipeline](super::pipeline) until it ends or the process is asked to
//! stop, and turns the [`Outcome`] into pyflyte-execute's exit code.
//!
//! The executor runs in its own tokio task, supervised: a SIGTERM (or SIGINT) or the
//! template's timeout — even against an executor that blocks its thread — writes an error
//! document before the process exits.

use std::process::ExitCode;

use tracing::{error, warn};

use super::config::RunConfig;
use super::outcome::EXIT_UNREPORTED;
use super::pipeline::execute_with;
use super::runner::Runner;
use crate::contract::{EntrypointArgs, PodEnv};
use crate::storage::Storage;

/// Runs the entrypoint to its end on a fresh runtime, in the environment `env` (the
/// binary's snapshot), and returns the exit code.
pub fn execute(args: EntrypointArgs, env: &PodEnv) -> ExitCode {
    let runner = match Runner::new() {
        Ok(r) => r,
        Err(e) => {
            error!(error = %e, "cannot start the async runtime");
            return ExitCode::from(EXIT_UNREPORTED);
        }
    };
    let storage = Storage::from_pod_env(env);
    let config = RunConfig::new(args, env.clone());
    let fail_on_error = config.fail_on_error();
    let outcome = runner.block_on(execute_with(config, storage, shutdown_signal()));
    runner.finish();
    outcome.exit_code(fail_on_error)
}

/// Completes when the process is asked to stop (SIGTERM, SIGINT); returns its name.
pub(crate) async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            },
            _ => {
                warn!("cannot listen for SIGTERM; a stop will not write an error document");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
