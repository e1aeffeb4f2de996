//! Logs on stderr via `tracing`: human-readable or JSON; `RUST_LOG` sets the levels.

use tracing_subscriber::EnvFilter;

use crate::context::RedactingWriter;

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
pub fn init_logging(format: LogFormat, default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Secret values read by a run are redacted from every line, whoever logs them.
        .with_writer(|| RedactingWriter(std::io::stderr()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // Err means a subscriber is already installed (a second call): keep that one.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
