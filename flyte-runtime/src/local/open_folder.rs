//! Before `run --container`, the run folder is opened to the image's user; after, it goes
//! back to the user who ran it.
//!
//! The image runs as its own non-root user (as a pod does), so the folder and the folders in
//! it are opened to that user (mode 0777) and what the task writes there is that user's.
//! Afterwards each folder gets its mode back, and whatever the container's user owns is
//! handed back to the caller's user and group by the image's own binary, started once more
//! as root with no network (its hidden `give-back` subcommand): only root may give a file
//! away, and the image holds nothing else that could.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::LocalError;

/// The run folder as it was before it was opened to the container: its mode, and its
/// owner's ids (the caller's, since the caller made it).
#[cfg(unix)]
pub(crate) struct Opened {
    dir: PathBuf,
    /// Each folder opened (the run folder and those an earlier run left), with its mode.
    modes: Vec<(PathBuf, u32)>,
    uid: u32,
    gid: u32,
}

#[cfg(unix)]
impl Opened {
    /// Opens `dir` and every folder in it to the container's user (mode 0777; a reused run
    /// folder holds an earlier run's), remembering how each was.
    pub(crate) fn open(dir: &Path) -> Result<Self, LocalError> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LocalError::Io { path, source }
        };
        let meta = std::fs::metadata(dir).map_err(io(dir))?;
        let mut modes = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(path) = pending.pop() {
            let m = std::fs::symlink_metadata(&path).map_err(io(&path))?;
            if !m.is_dir() {
                continue;
            }
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).map_err(
                |source| LocalError::OpenToContainer {
                    path: path.clone(),
                    source,
                },
            )?;
            modes.push((path.clone(), m.mode() & 0o7777));
            let entries = std::fs::read_dir(&path).map_err(io(&path))?;
            pending.extend(entries.flatten().map(|e| e.path()));
        }
        Ok(Opened {
            dir: dir.to_path_buf(),
            modes,
            uid: meta.uid(),
            gid: meta.gid(),
        })
    }

    /// Gives the folder back: entries the container's user made are handed to the folder's
    /// owner (by `binary` in `image`, as root), and the folder gets its mode back. Returns
    /// what could not be done, for a warning; the run's result stands either way.
    pub(crate) fn give_back(self, image: &str, binary: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        use std::os::unix::fs::PermissionsExt;
        if let Some(stranger) = first_not_owned_by(&self.dir, self.uid) {
            let dir = self.dir.display().to_string();
            let given = Command::new("docker")
                .args(["run", "--rm", "--user", "0:0", "--network", "none"])
                .args(["--volume", &format!("{dir}:{dir}")])
                .args([image, binary, "give-back"])
                .args([
                    "--uid",
                    &self.uid.to_string(),
                    "--gid",
                    &self.gid.to_string(),
                ])
                .arg(&dir)
                .output();
            match given {
                Ok(o) if o.status.success() => {}
                Ok(o) => warnings.push(format!(
                    "{} is still owned by the container's user; giving it back failed: {}",
                    stranger.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                )),
                Err(e) => warnings.push(format!(
                    "{} is still owned by the container's user (cannot start docker: {e})",
                    stranger.display()
                )),
            }
        }
        for (dir, mode) in &self.modes {
            if let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(*mode)) {
                warnings.push(format!(
                    "{} keeps mode 0777 (cannot restore {mode:o}: {e})",
                    dir.display()
                ));
            }
        }
        warnings
    }
}

/// The first entry under `dir` (at any depth) that `uid` does not own.
#[cfg(unix)]
fn first_not_owned_by(dir: &Path, uid: u32) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.uid() != uid {
            return Some(path);
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).ok()?.flatten() {
                pending.push(entry.path());
            }
        }
    }
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_opened_and_gets_its_mode_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("flyte-rs-give-back-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        std::fs::set_permissions(dir.join("sub"), std::fs::Permissions::from_mode(0o700)).unwrap();
        let opened = Opened::open(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!((mode(&dir), mode(&dir.join("sub"))), (0o777, 0o777));
        // Everything is ours here, so no container is started.
        assert_eq!(first_not_owned_by(&dir, opened.uid), None);
        assert!(opened
            .give_back("no-such-image", "no-such-binary")
            .is_empty());
        assert_eq!((mode(&dir), mode(&dir.join("sub"))), (0o750, 0o700));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
