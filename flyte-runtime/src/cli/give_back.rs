//! `give-back`, a hidden subcommand of every task-type binary: inside the image, as root, it
//! hands a run folder's files to the user who ran `run --container` (started by `run`
//! itself once the container has ended; only root may give a file away).

use std::path::{Path, PathBuf};

use clap::Args;

/// Arguments of the hidden `give-back` subcommand (run inside the image, as root).
#[derive(Debug, Clone, Args)]
pub struct GiveBackArgs {
    /// The user id that gets the files.
    #[arg(long)]
    pub uid: u32,
    /// The group id that gets the files.
    #[arg(long)]
    pub gid: u32,
    /// The folder, whose every entry (at any depth, links not followed) is given.
    pub dir: PathBuf,
}

/// `give-back`: hands every entry under `dir` to `uid:gid`.
pub(crate) fn give_back(args: GiveBackArgs) -> std::process::ExitCode {
    match chown_tree(&args.dir, args.uid, args.gid) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(unix)]
fn chown_tree(dir: &Path, uid: u32, gid: u32) -> Result<(), String> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        std::os::unix::fs::lchown(&path, Some(uid), Some(gid))
            .map_err(|e| format!("cannot give {} to {uid}:{gid}: {e}", path.display()))?;
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            let entries =
                std::fs::read_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            for entry in entries {
                pending.push(
                    entry
                        .map_err(|e| format!("{}: {e}", path.display()))?
                        .path(),
                );
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn chown_tree(_: &Path, _: u32, _: u32) -> Result<(), String> {
    Err("giving files away needs a Unix system".to_string())
}
