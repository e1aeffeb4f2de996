//! A local run's folder: where it is (`--dir`, or a new one under the system's temporary
//! directory), and what becomes of it when the run has ended (kept or removed).

use std::path::{Path, PathBuf};

use super::error::LocalError;
use super::inputs::for_each_location;
use crate::proto::core::LiteralMap;

/// Where the user wants the run's folder, and whether it is kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct FolderChoice {
    /// The folder named (`--dir`), always kept.
    pub(crate) dir: Option<PathBuf>,
    /// Keep it after a successful run too (`--keep`).
    pub(crate) keep: bool,
}

/// A run's folder, made and absolute.
#[derive(Debug, Clone)]
pub(crate) struct RunFolder {
    pub(crate) dir: PathBuf,
    given: bool,
    keep: bool,
}

/// What became of a run's folder.
#[derive(Debug)]
pub(crate) enum Tidied {
    /// Kept, and why.
    Kept(String),
    /// Removed.
    Removed,
    /// Not removed, though it was to be.
    NotRemoved(std::io::Error),
}

impl RunFolder {
    /// The folder of a run of `task` as `choice` says (by default a new one,
    /// `flyte-rs-runs/<task>-<time>` under the temporary directory), made.
    pub(crate) fn make(choice: &FolderChoice, task: &str) -> Result<Self, LocalError> {
        let dir = choice.dir.clone().unwrap_or_else(|| {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0);
            std::env::temp_dir()
                .join("flyte-rs-runs")
                .join(format!("{task}-{stamp}"))
        });
        std::fs::create_dir_all(&dir).map_err(|source| LocalError::CreateFolder {
            dir: dir.clone(),
            source,
        })?;
        let dir = std::path::absolute(&dir).map_err(|source| LocalError::Absolute {
            path: dir.clone(),
            source,
        })?;
        Ok(Self {
            dir,
            given: choice.dir.is_some(),
            keep: choice.keep,
        })
    }

    /// Keeps the folder when the user named it (`--dir`) or asked (`--keep`), when the run
    /// failed (`outputs` is then why: what it left is what a user looks at), or when its
    /// outputs are files in it; else removes it, so that runs do not pile up under the
    /// temporary directory.
    pub(crate) fn tidy(&self, outputs: Result<&LiteralMap, &str>) -> Tidied {
        let why_kept = if self.given {
            "given with --dir"
        } else if self.keep {
            "--keep"
        } else {
            match outputs {
                Err(why) => why,
                Ok(outputs) if names_files_in(outputs, &self.dir) => "its outputs are files in it",
                Ok(_) => {
                    return match std::fs::remove_dir_all(&self.dir) {
                        Ok(()) => Tidied::Removed,
                        Err(e) => Tidied::NotRemoved(e),
                    }
                }
            }
        };
        Tidied::Kept(why_kept.to_string())
    }
}

/// Whether a file, directory or table of `outputs` lives under the local folder `dir`.
fn names_files_in(outputs: &LiteralMap, dir: &Path) -> bool {
    let mut inside = false;
    for lit in outputs.literals.values() {
        for_each_location(&mut lit.clone(), &mut |uri| {
            let path = uri.strip_prefix("file://").unwrap_or(uri);
            inside |= Path::new(path).starts_with(dir);
        });
    }
    inside
}
