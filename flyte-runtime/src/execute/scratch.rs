//! The run's private scratch folder ([`ExecutionContext::scratch_dir`](crate::context::ExecutionContext::scratch_dir)).

use tracing::warn;

/// The run's private scratch folder, removed with everything in it when the run ends.
pub(super) struct ScratchDir {
    pub(super) path: std::path::PathBuf,
    owned: bool,
}

impl ScratchDir {
    /// A private folder under the first writable of `TMPDIR` (the system's temporary
    /// directory), `/tmp` and `/var/tmp`. An image without a writable one gets a warning that
    /// names each place and why, and executors that need scratch space fail naming the path.
    pub(super) fn create() -> Self {
        let name = format!("flyte-rs-{}", crate::context::unique_name());
        let mut tried = Vec::new();
        let candidates = [
            std::env::temp_dir(),
            std::path::PathBuf::from("/tmp"),
            std::path::PathBuf::from("/var/tmp"),
        ];
        for base in &candidates {
            if tried
                .iter()
                .any(|(b, _): &(std::path::PathBuf, String)| b == base)
            {
                continue;
            }
            let path = base.join(&name);
            match std::fs::create_dir_all(&path) {
                Ok(()) => return Self { path, owned: true },
                Err(e) => tried.push((base.clone(), e.to_string())),
            }
        }
        let tried: Vec<String> = tried
            .iter()
            .map(|(b, e)| format!("{}: {e}", b.display()))
            .collect();
        warn!(
            tried = %tried.join("; "),
            "no writable scratch folder: give the image a /tmp of mode 1777, or the pod an emptyDir volume and TMPDIR pointing at it"
        );
        Self {
            path: std::env::temp_dir().join(name),
            owned: false,
        }
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if self.owned {
            if let Err(e) = std::fs::remove_dir_all(&self.path) {
                warn!(path = %self.path.display(), error = %e, "cannot remove the scratch folder");
            }
        }
    }
}
