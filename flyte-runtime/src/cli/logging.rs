//! Logs on stderr via `tracing`: human-readable or JSON; `RUST_LOG` sets the levels.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::context::RedactingWriter;
use crate::contract::env::{self, PodEnv};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event (for log collectors).
    Json,
}

/// Installs the global subscriber (once; later calls do nothing). Levels from `RUST_LOG`,
/// else `default_level` (`info` for `execute`, `warn` for interactive commands).
///
/// `RUST_LOG` takes a default level and `target=level` directives, comma-separated
/// (`warn,flyte_runtime=debug`); span and field filters (`[span{field}]`) are not supported, and a
/// value that does not parse leaves the default (with a warning). This is
/// `tracing-subscriber`'s `Targets` filter rather than its regex-based `EnvFilter`: the regex
/// engine's Unicode tables were a third of the pointers every start of the binary relocates.
pub fn init_logging(format: LogFormat, default_level: &str, env: &PodEnv) {
    let default = default_level.parse::<Targets>().unwrap_or_default();
    let (filter, refused) = match env.get(env::RUST_LOG) {
        Some(value) if !value.trim().is_empty() => match value.parse::<Targets>() {
            Ok(targets) => (targets, None),
            Err(e) => (default, Some((value, e))),
        },
        _ => (default, None),
    };
    // Secret values read by a run are redacted from every line, whoever logs them.
    let writer = || RedactingWriter(std::io::stderr());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let registry = tracing_subscriber::registry().with(filter);
    // Err means a subscriber is already installed (a second call): keep that one.
    let installed = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(ansi),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(writer)
                    .with_ansi(false),
            )
            .try_init(),
    };
    if let (Ok(()), Some((value, e))) = (installed, refused) {
        tracing::warn!("RUST_LOG={value:?} is not a list of LEVEL or TARGET=LEVEL directives ({e}); logging at `{default_level}`");
    }
}
