//! `cargo flyte image`: the static build, the staged context and `docker build`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo::{self, BuildRequest};
use crate::dockerfile::DOCKERFILE;
use crate::elf;
use crate::error::ImageError;
use crate::selection::select;

/// What to build an image of.
pub(crate) struct ImageRequest {
    pub(crate) manifest_path: Option<PathBuf>,
    pub(crate) package: Option<String>,
    pub(crate) bin: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) profile: String,
    pub(crate) ca_certificates: PathBuf,
    /// `--locked`, `--offline`: passed to every cargo command.
    pub(crate) cargo_flags: Vec<String>,
}

/// A built image.
pub(crate) struct Built {
    pub(crate) tag: String,
    pub(crate) size: u64,
}

/// Builds the binary statically, stages it with the CA certificates, a `/tmp` of mode 1777
/// and the Dockerfile under `<target dir>/flyte-image/<binary>/`, and builds the image.
pub(crate) fn build(request: &ImageRequest) -> Result<Built, ImageError> {
    let manifest = request.manifest_path.as_deref();
    let workspace = cargo::workspace(manifest, &request.cargo_flags)?;
    let selected = select(
        &workspace,
        manifest,
        request.package.as_deref(),
        request.bin.as_deref(),
    )?;
    let package = selected.package;
    let tag = request
        .tag
        .clone()
        .unwrap_or_else(|| format!("{}:{}", selected.bin, package.version));
    if !request.ca_certificates.is_file() {
        return Err(ImageError::Io {
            path: request.ca_certificates.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no CA certificates there (the image needs them for S3 or GCS over TLS; \
                 name the bundle with --ca-certificates)",
            ),
        });
    }
    eprintln!(
        "image: building {} ({} {}), static, profile {}",
        selected.bin, package.name, package.version, request.profile
    );
    let binary = cargo::build_static(
        &BuildRequest {
            manifest: &package.manifest_path,
            package: &package.name,
            bin: &selected.bin,
            profile: &request.profile,
            cargo_flags: &request.cargo_flags,
        },
        &workspace.target_directory,
    )?;
    let context = workspace
        .target_directory
        .join("flyte-image")
        .join(&selected.bin);
    stage(&context, &binary, &request.ca_certificates)?;
    let mut docker = Command::new("docker");
    docker
        .args(["build", "--quiet", "--tag", &tag, "--file"])
        .arg(context.join("Dockerfile"))
        .arg(&context);
    cargo::output(&mut docker)?;
    let size = cargo::output(Command::new("docker").args([
        "image",
        "inspect",
        "--format",
        "{{.Size}}",
        &tag,
    ]))?;
    Ok(Built {
        size: String::from_utf8_lossy(&size).trim().parse().unwrap_or(0),
        tag,
    })
}

/// The build context: `bin/<binary>` (stripped when `strip` is there), `rootfs/tmp`
/// (mode 1777, copied as a child so that the mode survives), the CA certificates and the
/// Dockerfile. An earlier context is replaced whole.
fn stage(context: &Path, binary: &Path, ca: &Path) -> Result<(), ImageError> {
    if context.exists() {
        std::fs::remove_dir_all(context).map_err(ImageError::io(context))?;
    }
    let bin_dir = context.join("bin");
    let tmp = context.join("rootfs").join("tmp");
    for dir in [&bin_dir, &tmp] {
        std::fs::create_dir_all(dir).map_err(ImageError::io(dir))?;
    }
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o1777))
        .map_err(ImageError::io(&tmp))?;
    let name = binary.file_name().unwrap_or(binary.as_os_str());
    let staged = bin_dir.join(name);
    std::fs::copy(binary, &staged).map_err(ImageError::io(binary))?;
    if elf::needs_interpreter(&staged)? {
        return Err(ImageError::NotStatic(binary.to_path_buf()));
    }
    // Symbols are not needed to run; a missing `strip` only makes the image larger.
    match Command::new("strip").arg(&staged).status() {
        Ok(s) if s.success() => {}
        _ => eprintln!("image: `strip` did not run; the binary keeps its symbols"),
    }
    let certs = context.join("ca-certificates.crt");
    std::fs::copy(ca, &certs).map_err(ImageError::io(ca))?;
    let dockerfile = context.join("Dockerfile");
    std::fs::write(&dockerfile, DOCKERFILE).map_err(ImageError::io(&dockerfile))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_holds_the_binary_tmp_certificates_and_dockerfile() -> Result<(), ImageError> {
        let dir = tempfile::tempdir().map_err(ImageError::io("tempdir"))?;
        let binary = dir.path().join("task-bin");
        let ca = dir.path().join("ca.crt");
        // Not an ELF file: staging must refuse it as "not static" rather than ship it.
        std::fs::write(&binary, b"#!/bin/sh\n").map_err(ImageError::io(&binary))?;
        std::fs::write(&ca, b"CERT").map_err(ImageError::io(&ca))?;
        let context = dir.path().join("ctx");
        std::fs::create_dir_all(context.join("stale")).map_err(ImageError::io(&context))?;
        let refused = stage(&context, &binary, &ca);
        assert!(
            matches!(refused, Err(ImageError::NotStatic(_))),
            "{refused:?}"
        );
        assert!(
            !context.join("stale").exists(),
            "an earlier context is replaced"
        );
        let tmp_mode = std::fs::metadata(context.join("rootfs/tmp"))
            .map_err(ImageError::io("rootfs/tmp"))?
            .permissions()
            .mode();
        assert_eq!(tmp_mode & 0o7777, 0o1777);
        assert!(context.join("bin/task-bin").is_file());
        Ok(())
    }
}
