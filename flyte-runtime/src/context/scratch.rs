//! [`ScratchDir`]: a run's local folder for temporary files, made only when an executor first
//! asks for it ([`ExecutionContext::scratch_dir`](super::ExecutionContext::scratch_dir)).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tracing::warn;

/// A run's scratch folder, made on first use.
///
/// ```
/// use flyte_runtime::context::ScratchDir;
/// let scratch = ScratchDir::private();
/// let path = scratch.path().unwrap().to_path_buf();
/// assert!(path.is_dir());
/// drop(scratch); // a private folder goes with everything in it
/// assert!(!path.exists());
/// ```
#[derive(Debug)]
pub struct ScratchDir {
    place: Place,
    made: OnceLock<Result<PathBuf, String>>,
}

#[derive(Debug)]
enum Place {
    /// A fresh folder under the first writable temporary directory, removed on drop.
    Private,
    /// This folder, left in place.
    At(PathBuf),
}

impl ScratchDir {
    /// A private folder (`flyte-rs-<unique>`) under the first writable of `TMPDIR` (the
    /// system's temporary directory), `/tmp` and `/var/tmp`, removed with everything in it
    /// when this is dropped. Where none is writable, [`path`](Self::path) fails naming each
    /// place and why.
    pub fn private() -> Self {
        Self {
            place: Place::Private,
            made: OnceLock::new(),
        }
    }

    /// The folder `path` (made on first use if missing), left in place afterwards.
    pub fn at(path: PathBuf) -> Self {
        Self {
            place: Place::At(path),
            made: OnceLock::new(),
        }
    }

    /// The folder, made the first time it is asked for.
    pub fn path(&self) -> io::Result<&Path> {
        let made = self.made.get_or_init(|| match &self.place {
            Place::At(path) => std::fs::create_dir_all(path)
                .map(|()| path.clone())
                .map_err(|e| format!("cannot make the scratch folder {}: {e}", path.display())),
            Place::Private => make_private(),
        });
        match made {
            Ok(path) => Ok(path),
            Err(message) => Err(io::Error::other(message.clone())),
        }
    }
}

fn make_private() -> Result<PathBuf, String> {
    let name = format!("flyte-rs-{}", super::unique_name::unique_name());
    let mut tried: Vec<(PathBuf, String)> = Vec::new();
    for base in [
        std::env::temp_dir(),
        PathBuf::from("/tmp"),
        PathBuf::from("/var/tmp"),
    ] {
        if tried.iter().any(|(b, _)| *b == base) {
            continue;
        }
        let path = base.join(&name);
        match std::fs::create_dir_all(&path) {
            Ok(()) => return Ok(path),
            Err(e) => tried.push((base, e.to_string())),
        }
    }
    let tried: Vec<String> = tried
        .iter()
        .map(|(b, e)| format!("{}: {e}", b.display()))
        .collect();
    let message = format!(
        "no writable scratch folder ({}): give the image a /tmp of mode 1777, or the pod an \
         emptyDir volume and TMPDIR pointing at it",
        tried.join("; ")
    );
    warn!("{message}");
    Err(message)
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let (Place::Private, Some(Ok(path))) = (&self.place, self.made.get()) {
            if let Err(e) = std::fs::remove_dir_all(path) {
                warn!(path = %path.display(), error = %e, "cannot remove the scratch folder");
            }
        }
    }
}
