//! Running cargo: the workspace as `cargo metadata` describes it, and the static build.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::error::ImageError;

/// The workspace, as much of `cargo metadata --no-deps` as the image needs.
#[derive(Debug, Deserialize)]
pub(crate) struct Workspace {
    /// The workspace's member packages.
    pub(crate) packages: Vec<Package>,
    /// Where cargo puts its builds (`CARGO_TARGET_DIR` and `build.target-dir` included).
    pub(crate) target_directory: PathBuf,
}

/// One member package.
#[derive(Debug, Deserialize)]
pub(crate) struct Package {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) manifest_path: PathBuf,
    pub(crate) targets: Vec<Target>,
    pub(crate) dependencies: Vec<Dependency>,
}

/// One build target of a package.
#[derive(Debug, Deserialize)]
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) kind: Vec<String>,
}

/// One dependency of a package (as written in its manifest).
#[derive(Debug, Deserialize)]
pub(crate) struct Dependency {
    pub(crate) name: String,
}

impl Package {
    /// The names of the package's binary targets.
    pub(crate) fn binaries(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter(|t| t.kind.iter().any(|k| k == "bin"))
            .map(|t| t.name.as_str())
            .collect()
    }

    /// Whether the package depends on flyte-runtime (by any section).
    pub(crate) fn uses_flyte_runtime(&self) -> bool {
        self.dependencies.iter().any(|d| d.name == "flyte-runtime")
    }
}

/// The cargo the user runs (`CARGO` when started by cargo, else `cargo` on `PATH`).
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo metadata --no-deps` of the workspace that holds `manifest` (or the current
/// directory's).
pub(crate) fn workspace(
    manifest: Option<&Path>,
    cargo_flags: &[String],
) -> Result<Workspace, ImageError> {
    let mut command = cargo();
    command.args(["metadata", "--no-deps", "--format-version", "1"]);
    command.args(cargo_flags);
    if let Some(m) = manifest {
        command.arg("--manifest-path").arg(m);
    }
    let stdout = output(&mut command)?;
    Ok(serde_json::from_slice(&stdout)?)
}

/// The host's gnu target (the image runs on the build machine's architecture).
pub(crate) fn gnu_target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// The folder of `profile`'s builds under `<target dir>/<target>/`.
pub(crate) fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "bench" => "release",
        other => other,
    }
}

/// What `build` is asked to build.
pub(crate) struct BuildRequest<'a> {
    pub(crate) manifest: &'a Path,
    pub(crate) package: &'a str,
    pub(crate) bin: &'a str,
    pub(crate) profile: &'a str,
    pub(crate) cargo_flags: &'a [String],
}

/// Builds the binary statically for the gnu target and returns its path.
///
/// `+crt-static` goes into `RUSTFLAGS`, after any the user set: with `--target`, RUSTFLAGS
/// reach the target's crates only, not build scripts or proc macros (which cannot be
/// static). The same flags as `tests/bench/run.sh`, so the two builds share their
/// artifacts.
pub(crate) fn build_static(
    request: &BuildRequest<'_>,
    target_dir: &Path,
) -> Result<PathBuf, ImageError> {
    let target = gnu_target();
    let rustflags = match std::env::var("RUSTFLAGS") {
        Ok(user) if !user.trim().is_empty() => format!("{user} -C target-feature=+crt-static"),
        _ => "-C target-feature=+crt-static".to_string(),
    };
    let mut command = cargo();
    command
        .env("RUSTFLAGS", rustflags)
        .args(["build", "--manifest-path"])
        .arg(request.manifest)
        .args(["--profile", request.profile])
        .args(["--package", request.package, "--bin", request.bin])
        .args(["--target", &target])
        .args(request.cargo_flags);
    run(&mut command)?;
    Ok(target_dir
        .join(&target)
        .join(profile_dir(request.profile))
        .join(request.bin))
}

/// Runs `command` with its output going to ours.
pub(crate) fn run(command: &mut Command) -> Result<(), ImageError> {
    let status = command.status().map_err(spawn_error(command))?;
    if status.success() {
        Ok(())
    } else {
        Err(ImageError::Failed {
            command: describe(command),
            status,
            output: String::new(),
        })
    }
}

/// Runs `command` and returns its standard output; its errors are shown on failure.
pub(crate) fn output(command: &mut Command) -> Result<Vec<u8>, ImageError> {
    let out = command.output().map_err(spawn_error(command))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(ImageError::Failed {
            command: describe(command),
            status: out.status,
            output: format!(":\n{}", String::from_utf8_lossy(&out.stderr).trim_end()),
        })
    }
}

fn spawn_error(command: &Command) -> impl FnOnce(std::io::Error) -> ImageError {
    let program = command.get_program().to_string_lossy().into_owned();
    let hint = match program.as_str() {
        "docker" => " (the image is built by the Docker engine's `docker build`)",
        _ => "",
    };
    move |source| ImageError::Spawn {
        program,
        hint,
        source,
    }
}

/// `program arg …`, for messages.
fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_map_to_cargos_folders() {
        assert_eq!(profile_dir("release"), "release");
        assert_eq!(profile_dir("dev"), "debug");
        assert_eq!(profile_dir("image"), "image");
    }

    #[test]
    fn metadata_reads_what_the_image_needs() -> Result<(), serde_json::Error> {
        let ws: Workspace = serde_json::from_str(
            r#"{"packages":[{"name":"greetings","version":"0.2.0",
                "manifest_path":"/w/Cargo.toml","id":"x",
                "targets":[{"name":"greetings","kind":["bin"]},{"name":"g","kind":["lib"]}],
                "dependencies":[{"name":"flyte-runtime","req":"^0.1"}]}],
                "target_directory":"/t","workspace_members":[]}"#,
        )?;
        assert_eq!(ws.packages[0].binaries(), ["greetings"]);
        assert!(ws.packages[0].uses_flyte_runtime());
        assert_eq!(ws.target_directory, PathBuf::from("/t"));
        Ok(())
    }
}
