//! [`StorageUri`]: a URI or local path split into the store it lives in and the object's key.

use std::fmt;

use object_store::path::Path;

use super::error::StorageError;

/// The kind of store a URI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// A local path or `file://` URI.
    Local,
    /// `s3://bucket/key`.
    S3,
    /// `gs://bucket/key`.
    Gcs,
    /// `memory://bucket/key`: a store that lives as long as the [`Storage`](super::Storage).
    Memory,
}

impl Scheme {
    /// The URI scheme (`file`, `s3`, `gs`, `memory`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Local => "file",
            Scheme::S3 => "s3",
            Scheme::Gcs => "gs",
            Scheme::Memory => "memory",
        }
    }
}

/// A parsed storage location.
///
/// ```
/// use flyte_runtime::storage::{Scheme, StorageUri};
///
/// let u = StorageUri::parse("s3://my-bucket/metadata/run/inputs.pb").unwrap();
/// assert_eq!((u.scheme, u.bucket.as_str(), u.key.as_ref()), (Scheme::S3, "my-bucket", "metadata/run/inputs.pb"));
/// assert_eq!(StorageUri::parse("/tmp/x/inputs.pb").unwrap().scheme, Scheme::Local);
/// assert!(StorageUri::parse("ftp://host/file").unwrap_err().to_string().contains("ftp"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageUri {
    /// The store kind.
    pub scheme: Scheme,
    /// The bucket (empty for local paths).
    pub bucket: String,
    /// The object's key inside the bucket (for local paths, the absolute path).
    pub key: Path,
    /// For a local path or `file://` URI: the absolute path on this machine.
    pub local_path: Option<std::path::PathBuf>,
    /// The text it was parsed from.
    pub original: String,
}

impl StorageUri {
    /// Parses a URI (`s3://`, `gs://`, `file://`, `memory://`) or a local path (absolute,
    /// or relative to the current directory).
    pub fn parse(uri: &str) -> Result<Self, StorageError> {
        let invalid = |reason: String| StorageError::InvalidUri {
            uri: uri.to_string(),
            reason,
        };
        if uri.is_empty() {
            return Err(invalid("it is empty".into()));
        }
        let Some((scheme, rest)) = uri.split_once("://") else {
            return Self::local(uri, std::path::Path::new(uri));
        };
        let scheme = match scheme {
            "s3" | "s3a" => Scheme::S3,
            "gs" | "gcs" => Scheme::Gcs,
            "memory" => Scheme::Memory,
            "file" => {
                // file:///abs/path (an empty host) or file://localhost/abs/path
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                if !path.starts_with('/') {
                    return Err(invalid("a file:// URI needs an absolute path".into()));
                }
                return Self::local(uri, std::path::Path::new(path));
            }
            other => {
                return Err(invalid(format!(
                    "scheme `{other}` is not supported; use s3://, gs://, file://, memory:// or a local path"
                )))
            }
        };
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid("the bucket name is missing".into()));
        }
        let key = Path::parse(key).map_err(|e| invalid(format!("bad object key: {e}")))?;
        Ok(Self {
            scheme,
            bucket: bucket.to_string(),
            key,
            local_path: None,
            original: uri.to_string(),
        })
    }

    fn local(uri: &str, path: &std::path::Path) -> Result<Self, StorageError> {
        let invalid = |reason: String| StorageError::InvalidUri {
            uri: uri.to_string(),
            reason,
        };
        let abs = resolved(path).map_err(|e| invalid(e.to_string()))?;
        let key = Path::from_absolute_path(&abs).map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            scheme: Scheme::Local,
            bucket: String::new(),
            key,
            local_path: Some(abs),
            original: uri.to_string(),
        })
    }
}

/// `path` made absolute with its `.` and `..` parts resolved, as a shell user means them
/// (`../data/x.csv` from a subfolder): the longest part that exists through the file system
/// (so `link/..` is where the kernel goes, not the link's folder), the rest by name (an
/// output not written yet). An object key cannot hold `..`.
fn resolved(path: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    use std::path::Component;
    let abs = std::path::absolute(path)?;
    if !abs
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
    {
        return Ok(abs);
    }
    let parts: Vec<Component<'_>> = abs.components().collect();
    for existing in (1..=parts.len()).rev() {
        let head: std::path::PathBuf = parts[..existing].iter().collect();
        let Ok(mut out) = std::fs::canonicalize(&head) else {
            continue;
        };
        for part in &parts[existing..] {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return Ok(out);
    }
    Ok(abs)
}

impl fmt::Display for StorageUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        let u = StorageUri::parse("gs://b/a/b.pb").unwrap();
        assert_eq!((u.scheme, u.bucket.as_str()), (Scheme::Gcs, "b"));
        let u = StorageUri::parse("file:///tmp/a.pb").unwrap();
        assert_eq!((u.scheme, u.key.as_ref()), (Scheme::Local, "tmp/a.pb"));
        let u = StorageUri::parse("memory://m/k").unwrap();
        assert_eq!((u.scheme, u.key.as_ref()), (Scheme::Memory, "k"));
        let rel = StorageUri::parse("some/relative.pb").unwrap();
        assert!(rel.key.as_ref().ends_with("some/relative.pb"));
    }

    #[test]
    fn dot_dot_in_a_local_path_is_resolved() {
        let base = std::env::temp_dir().join(format!("flyte-rs-uri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir(&base).unwrap();
        let dir = base.as_path();
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(dir.join("hello.txt"), "hi").unwrap();
        let real = std::fs::canonicalize(dir).unwrap();
        let up = StorageUri::parse(&format!("{}/../hello.txt", sub.display())).unwrap();
        assert_eq!(up.local_path.unwrap(), real.join("hello.txt"));
        let uri = StorageUri::parse(&format!("file://{}/./../out/new.pb", sub.display())).unwrap();
        assert_eq!(uri.local_path.unwrap(), real.join("out/new.pb"));
        // A link's `..` is the kernel's: the folder above the link's target.
        std::os::unix::fs::symlink(&sub, dir.join("link")).unwrap();
        std::fs::create_dir(sub.join("inner")).unwrap();
        let through = StorageUri::parse(&format!("{}/link/inner/../x", dir.display()));
        assert_eq!(through.unwrap().local_path.unwrap(), real.join("sub/x"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn rejects_what_it_cannot_address() {
        for bad in [
            "",
            "s3:///key",
            "file://rel/path",
            "abfs://c/k",
            "s3://b/a//b",
        ] {
            let e = StorageUri::parse(bad).unwrap_err().to_string();
            assert!(e.contains("invalid storage URI"), "{bad}: {e}");
        }
    }
}
