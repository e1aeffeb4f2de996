//! Registration packages, as `pyflyte package` writes them: a gzipped tar of files named
//! `<n>_<name>_<kind>.pb`, where kind 1 is a `flyteidl.admin.TaskSpec`, 2 a
//! `flyteidl.admin.WorkflowSpec` and 3 a `flyteidl.admin.LaunchPlan` (flytekit's marks, which
//! `flytectl` reads to decode each file), and `n` is the entity's index, zero-padded to the
//! width of the count. `flytectl register files --archive PACKAGE` registers them in that
//! order, filling in project, domain and version.
//!
//! The tasks come first, then each map's task template, workflow and launch plan (a
//! workflow is compiled at registration against the tasks registered before it). Reference
//! tasks are not packaged (they are registered already); echo tasks are.
//!
//! ```
//! use flyte_runtime::__private::package::{package_file_name, write_package, EntityKind};
//! use flyte_runtime::task::{EchoTask, SerializationSettings};
//! use flyte_runtime::task::AnyTaskInstance;
//!
//! assert_eq!(package_file_name(3, 12, "demo.add", EntityKind::Task), "03_demo.add_1.pb");
//! let echo = EchoTask::new("demo.echo").input::<i64>("n");
//! let tasks: Vec<&dyn AnyTaskInstance> = vec![&echo];
//! let mut tgz = Vec::new();
//! let listing = write_package(&tasks, &[], &SerializationSettings::default(), 0, &mut tgz).unwrap();
//! assert_eq!(listing[0].file, "0_demo.echo_1.pb");
//! assert_eq!(&tgz[..2], &[0x1f, 0x8b]); // gzip
//! ```

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use prost::Message;

use crate::task::{AnyTaskInstance, MapTask, MapTemplateError, TaskKind};
use crate::task::{DefinitionError, SerializationSettings};

/// What an entity of a package is, and the mark its file name ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// A `TaskSpec` (`_1.pb`).
    Task,
    /// A `WorkflowSpec` (`_2.pb`).
    Workflow,
    /// A `LaunchPlan` (`_3.pb`).
    LaunchPlan,
}

impl EntityKind {
    /// flytekit's mark for the kind.
    pub fn mark(self) -> u8 {
        match self {
            EntityKind::Task => 1,
            EntityKind::Workflow => 2,
            EntityKind::LaunchPlan => 3,
        }
    }

    /// The kind in words.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Task => "task",
            EntityKind::Workflow => "workflow",
            EntityKind::LaunchPlan => "launch plan",
        }
    }
}

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedFile {
    /// Its name in the archive.
    pub file: String,
    /// What it holds.
    pub kind: EntityKind,
    /// The entity's name.
    pub name: String,
    /// The task's type (for a task; a map's task has its task's type).
    pub task_type: Option<&'static str>,
    /// The size of its message, in bytes.
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
    /// A map does not make a valid template.
    #[error(transparent)]
    Map(#[from] MapTemplateError),
    /// Nothing to package.
    #[error("there are no tasks or maps to package (reference tasks are never packaged)")]
    Empty,
}

/// `<n>_<name>_<mark>.pb`, `n` zero-padded to the digits of `count` (as flytekit names them).
pub fn package_file_name(index: usize, count: usize, name: &str, kind: EntityKind) -> String {
    let width = count.to_string().len();
    format!("{index:0width$}_{name}_{}.pb", kind.mark())
}

/// Writes the package of `tasks` (in this order; references left out) and `maps` to `out`,
/// each file stamped with `mtime` (seconds since the epoch), and says what it holds. Every
/// message is built before anything is written, so a bad task leaves `out` untouched.
pub fn write_package(
    tasks: &[&dyn AnyTaskInstance],
    maps: &[&MapTask],
    settings: &SerializationSettings,
    mtime: u64,
    out: impl Write,
) -> Result<Vec<PackagedFile>, PackageError> {
    let mut entities: Vec<(EntityKind, String, Option<&'static str>, Vec<u8>)> = Vec::new();
    for task in tasks.iter().filter(|t| t.kind() != TaskKind::Reference) {
        let spec = crate::proto::encode_task_spec(&task.task_spec(settings)?);
        entities.push((
            EntityKind::Task,
            task.name().to_string(),
            Some(task.task_type()),
            spec,
        ));
    }
    for map in maps {
        let (spec, workflow, plan) = map.specs(settings)?;
        let task_name = spec
            .template
            .as_ref()
            .map(|t| crate::task::task_name(t).to_string())
            .unwrap_or_default();
        let task_type = Some(map.task().task_type());
        entities.push((
            EntityKind::Task,
            task_name,
            task_type,
            crate::proto::encode_task_spec(&spec),
        ));
        entities.push((
            EntityKind::Workflow,
            map.name(),
            None,
            workflow.encode_to_vec(),
        ));
        entities.push((
            EntityKind::LaunchPlan,
            map.name(),
            None,
            plan.encode_to_vec(),
        ));
    }
    if entities.is_empty() {
        return Err(PackageError::Empty);
    }
    let count = entities.len();
    let files: Vec<(PackagedFile, Vec<u8>)> = entities
        .into_iter()
        .enumerate()
        .map(|(index, (kind, name, task_type, bytes))| {
            let listed = PackagedFile {
                file: package_file_name(index, count, &name, kind),
                kind,
                name,
                task_type,
                bytes: bytes.len(),
            };
            (listed, bytes)
        })
        .collect();
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
