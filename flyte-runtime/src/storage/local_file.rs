//! Writing a local file atomically: a staging file beside it, then a rename.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` so that a reader sees the old file or the whole new one, never
/// a part: the bytes go to a staging file in the same folder, are flushed to disk, and the
/// staging file is renamed over `path`. Missing parent folders are created.
///
/// ```
/// let path = std::env::temp_dir().join("flyte-rs-doc-atomic.pb");
/// flyte_runtime::storage::write_local_atomically(&path, b"whole").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"whole");
/// ```
pub fn write_local_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_staged(path, bytes, true)
}

/// Writes `bytes` to a staging file beside `path` (named for this process and write, so
/// concurrent writers never share one), flushed to disk first when `sync`, then renames it
/// over `path`. Creates missing parent folders.
pub(crate) fn write_staged(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    std::fs::create_dir_all(dir)?;
    let staging = dir.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&staging)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        std::fs::rename(&staging, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    result
}
