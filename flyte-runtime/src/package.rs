//! Registration packages, as `pyflyte package` writes them: a gzipped tar of files named
//! `<n>_<task name>_1.pb`, each one `flyteidl.admin.TaskSpec` (`1` is flytekit's mark for a
//! task; `n` is the entity's index, zero-padded to the width of the count). `flytectl
//! register files --archive PACKAGE` registers it, filling in project, domain and version.
//!
//! Reference tasks are not packaged (they are registered already); echo tasks are.
//!
//! ```
//! use flyte_runtime::package::{package_file_name, write_package};
//! use flyte_runtime::task::{EchoTask, SerializationSettings};
//! use flyte_runtime::task::AnyTaskInstance;
//!
//! assert_eq!(package_file_name(3, 12, "demo.add"), "03_demo.add_1.pb");
//! let echo = EchoTask::new("demo.echo").input::<i64>("n");
//! let tasks: Vec<&dyn AnyTaskInstance> = vec![&echo];
//! let mut tgz = Vec::new();
//! let listing = write_package(&tasks, &SerializationSettings::default(), 0, &mut tgz).unwrap();
//! assert_eq!(listing[0].file, "0_demo.echo_1.pb");
//! assert_eq!(&tgz[..2], &[0x1f, 0x8b]); // gzip
//! ```

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::task::{AnyTaskInstance, TaskKind};
use crate::task::{DefinitionError, SerializationSettings};

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedTask {
    /// Its name in the archive.
    pub file: String,
    /// The task's name.
    pub task: String,
    /// The task's type.
    pub task_type: &'static str,
    /// The size of its `TaskSpec`, in bytes.
    pub bytes: usize,
}

/// Why a package was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// A task does not make a valid spec.
    #[error(transparent)]
    Definition(#[from] DefinitionError),
    /// Writing the archive failed.
    #[error("writing the package: {0}")]
    Io(#[from] std::io::Error),
    /// Nothing to package.
    #[error("there are no tasks to package (reference tasks are never packaged)")]
    Empty,
}

/// `<n>_<name>_1.pb`, `n` zero-padded to the digits of `count` (as flytekit names them).
pub fn package_file_name(index: usize, count: usize, name: &str) -> String {
    let width = count.to_string().len();
    format!("{index:0width$}_{name}_1.pb")
}

/// Writes the package of `tasks` (in this order; references left out) to `out`, each file
/// stamped with `mtime` (seconds since the epoch), and says what it holds. Every spec is
/// built before anything is written, so a bad task leaves `out` untouched.
pub fn write_package(
    tasks: &[&dyn AnyTaskInstance],
    settings: &SerializationSettings,
    mtime: u64,
    out: impl Write,
) -> Result<Vec<PackagedTask>, PackageError> {
    let packaged: Vec<&&dyn AnyTaskInstance> = tasks
        .iter()
        .filter(|t| t.kind() != TaskKind::Reference)
        .collect();
    if packaged.is_empty() {
        return Err(PackageError::Empty);
    }
    let mut files = Vec::with_capacity(packaged.len());
    for (index, task) in packaged.iter().enumerate() {
        let spec = crate::proto::encode_task_spec(&task.task_spec(settings)?);
        let listed = PackagedTask {
            file: package_file_name(index, packaged.len(), task.name()),
            task: task.name().to_string(),
            task_type: task.task_type(),
            bytes: spec.len(),
        };
        files.push((listed, spec));
    }
    let mut archive = tar::Builder::new(GzEncoder::new(out, Compression::default()));
    for (listed, spec) in &files {
        let mut header = tar::Header::new_ustar();
        header.set_size(spec.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        archive.append_data(&mut header, &listed.file, spec.as_slice())?;
    }
    archive.into_inner()?.finish()?.flush()?;
    Ok(files.into_iter().map(|(listed, _)| listed).collect())
}
