//! What can stop an image build, each naming what it looked for and how to fix it.

use std::path::PathBuf;

/// Why `cargo flyte image` stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImageError {
    /// A program (cargo, docker, strip) could not be started.
    #[error("cannot run `{program}`: {source}{hint}")]
    Spawn {
        program: String,
        hint: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// A program ran and failed.
    #[error("`{command}` failed ({status}){output}")]
    Failed {
        command: String,
        status: std::process::ExitStatus,
        output: String,
    },
    /// `cargo metadata` printed something that is not its JSON.
    #[error("cannot read `cargo metadata`'s output: {0}")]
    Metadata(#[from] serde_json::Error),
    /// The package asked for is not in the workspace.
    #[error("package `{name}` is not in the workspace of {manifest}; its packages: {known}")]
    NoSuchPackage {
        name: String,
        manifest: String,
        known: String,
    },
    /// No package was named and the workspace does not make the choice.
    #[error("{0}; name one with --package")]
    AmbiguousPackage(String),
    /// The package does not link flyte-runtime, so its binary is not a task-type binary.
    #[error(
        "package `{0}` does not depend on flyte-runtime: its binary would not answer the \
         `execute` command a Flyte pod runs (add `flyte-runtime` and make `main` call \
         `flyte_runtime::cli::main()`)"
    )]
    NotATaskTypeCrate(String),
    /// The binary asked for is not a target of the package.
    #[error("package `{package}` has no binary `{name}`; its binaries: {known}")]
    NoSuchBinary {
        package: String,
        name: String,
        known: String,
    },
    /// The package has no binary, or several and none was named.
    #[error("{0}")]
    AmbiguousBinary(String),
    /// The built binary is dynamically linked and would not start `FROM scratch`.
    #[error(
        "{0} is dynamically linked (it names a program interpreter), so it would not start in \
         an image FROM scratch; is RUSTFLAGS or a `build.rustflags` setting overriding \
         `-C target-feature=+crt-static`?"
    )]
    NotStatic(PathBuf),
    /// A file of the image could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ImageError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| ImageError::Io { path, source }
    }
}
