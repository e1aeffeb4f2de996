//! [`ExecutionContext`]: what an executor may know about the run it is part of: execution
//! and task ids from `FLYTE_INTERNAL_*` (or their short forms), the attempt number, where
//! raw outputs go, and a scratch directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::checkpoint::Checkpoint;
use super::scratch::ScratchDir;
use super::secrets::Secrets;
use super::task_error::TaskError;
use super::unique_name::unique_name;
use crate::contract::env::{self, PodEnv};
use crate::deck::{Deck, Decks};
use crate::storage::Storage;
use crate::types::{FlyteDirectory, FlyteFile};

/// Identifiers and places of one task run.
#[derive(Debug, Clone)]
pub struct ExecutionContext {
    /// Execution project (`FLYTE_INTERNAL_EXECUTION_PROJECT` / `_F_PRJ`).
    pub execution_project: String,
    /// Execution domain (`FLYTE_INTERNAL_EXECUTION_DOMAIN` / `_F_DM`).
    pub execution_domain: String,
    /// Execution name (`FLYTE_INTERNAL_EXECUTION_ID` / `_F_NM`).
    pub execution_name: String,
    /// Workflow (`FLYTE_INTERNAL_EXECUTION_WORKFLOW` / `_F_WF`).
    pub workflow: String,
    /// Launch plan (`FLYTE_INTERNAL_EXECUTION_LAUNCHPLAN` / `_F_LP`).
    pub launch_plan: String,
    /// Task project (`FLYTE_INTERNAL_TASK_PROJECT` / `_F_TK_PRJ`).
    pub task_project: String,
    /// Task domain (`FLYTE_INTERNAL_TASK_DOMAIN` / `_F_TK_DM`).
    pub task_domain: String,
    /// Task name (`FLYTE_INTERNAL_TASK_NAME` / `_F_TK_NM`).
    pub task_name: String,
    /// Task version (`FLYTE_INTERNAL_TASK_VERSION` / `_F_TK_V`).
    pub task_version: String,
    /// Attempt number, from 0 (`FLYTE_ATTEMPT_NUMBER`).
    pub attempt: u32,
    /// Worker name (`FLYTE_INTERNAL_WORKER_NAME` / `_F_WN`), for distributed tasks.
    pub worker: String,
    /// Where large raw outputs (files, tables) are written (`--raw-output-data-prefix`).
    pub raw_output_prefix: String,
    /// The run's local folder for temporary files ([`scratch_dir`](Self::scratch_dir)).
    pub(crate) scratch: Arc<ScratchDir>,
    /// The task's secrets (values are read on demand, never logged).
    pub secrets: Secrets,
    /// The storage the run reads and writes through (for raw outputs, files, tables).
    pub storage: Storage,
    /// This attempt's checkpoint and the previous attempt's.
    pub checkpoint: Checkpoint,
    /// The run's deck, which [`deck`](Self::deck) adds sections to.
    pub(crate) decks: Decks,
}

impl ExecutionContext {
    /// [`new`](Self::new) with the process environment now (a program of the author's, a
    /// test); a run is given its environment's snapshot instead.
    pub fn from_env(raw_output_prefix: &str, scratch: ScratchDir) -> Self {
        Self::new(&PodEnv::from_env(), raw_output_prefix, scratch)
    }

    /// A run's context in the environment `pod`: the ids as flytekit reads them (long name,
    /// then short form), and the secrets looked up there.
    pub fn new(pod: &PodEnv, raw_output_prefix: &str, scratch: ScratchDir) -> Self {
        let var = |v: env::VarName| pod.get(v).unwrap_or_default().to_string();
        Self {
            execution_project: var(env::EXECUTION_PROJECT),
            execution_domain: var(env::EXECUTION_DOMAIN),
            execution_name: var(env::EXECUTION_ID),
            workflow: var(env::EXECUTION_WORKFLOW),
            launch_plan: var(env::EXECUTION_LAUNCHPLAN),
            task_project: var(env::TASK_PROJECT),
            task_domain: var(env::TASK_DOMAIN),
            task_name: var(env::TASK_NAME),
            task_version: var(env::TASK_VERSION),
            attempt: pod.number(env::ATTEMPT_NUMBER).unwrap_or(0),
            worker: var(env::WORKER_NAME),
            raw_output_prefix: raw_output_prefix.to_string(),
            scratch: Arc::new(scratch),
            secrets: Secrets::from_pod_env(pod),
            storage: Storage::default(),
            checkpoint: Checkpoint::default(),
            decks: Decks::default(),
        }
    }

    /// The section `name` of the run's deck (flytekit's `Deck(name)`), to add markdown,
    /// tables and key-value lists to, and to [`publish`](Deck::publish) mid-run. Outside a
    /// run, or when the task's decks are off, what it is given goes nowhere.
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
    /// ctx.deck("Summary").markdown("**3** rows").key_values([("source", "<db>")]);
    /// ```
    pub fn deck(&self, name: &str) -> Deck {
        Deck::new(self.decks.clone(), name)
    }

    /// Uses `decks` (the run's).
    #[must_use]
    pub(crate) fn with_decks(mut self, decks: Decks) -> Self {
        self.decks = decks;
        self
    }

    /// A fresh, unique URI under the raw output prefix, for a file or folder this run
    /// writes (flytekit's `get_random_remote_path`): `<raw prefix>/<32 hex digits>`.
    ///
    /// ```
    /// let ctx = flyte_runtime::context::ExecutionContext::from_env(
    ///     "s3://b/raw",
    ///     flyte_runtime::context::ScratchDir::private(),
    /// );
    /// let (a, b) = (ctx.new_raw_output_uri(), ctx.new_raw_output_uri());
    /// assert!(a.starts_with("s3://b/raw/") && a.len() == "s3://b/raw/".len() + 32);
    /// assert_ne!(a, b);
    /// ```
    pub fn new_raw_output_uri(&self) -> String {
        crate::storage::join(&self.raw_output_prefix, &unique_name())
    }

    /// A private local folder for the run's temporary files, made the first time it is asked
    /// for (a run that needs none makes none) and, in the entrypoint, removed with everything
    /// in it when the run ends. Fails, naming each place tried, where none is writable.
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// let dir = std::env::temp_dir().join("flyte-rs-doc-scratch");
    /// let ctx = ExecutionContext::from_env("s3://b/raw", ScratchDir::at(dir.clone()));
    /// assert_eq!(ctx.scratch_dir().unwrap(), dir);
    /// assert!(dir.is_dir());
    /// ```
    pub fn scratch_dir(&self) -> std::io::Result<&Path> {
        self.scratch.path()
    }

    /// Downloads `file` into the scratch folder (a large file in parallel ranged requests,
    /// in bounded memory: [`Storage::download`]), and returns its local path
    /// (`<scratch>/inputs/<unique>/<file name>`).
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// use flyte_runtime::types::FlyteFile;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
    /// ctx.storage.write("memory://b/in/doc.txt", "text").await.unwrap();
    /// let path = ctx.download(&FlyteFile::new("memory://b/in/doc.txt")).await.unwrap();
    /// assert!(path.ends_with("doc.txt"));
    /// assert_eq!(std::fs::read_to_string(path).unwrap(), "text");
    /// # });
    /// ```
    pub async fn download(&self, file: &FlyteFile) -> Result<PathBuf, TaskError> {
        let name = file
            .uri()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("file");
        let dest = self
            .scratch_dir()?
            .join("inputs")
            .join(unique_name())
            .join(name);
        self.storage.download(file.uri(), &dest).await?;
        Ok(dest)
    }

    /// Uploads the local file at `path` (a large file as a multipart upload, parts in
    /// parallel, in bounded memory: [`Storage::upload`]) to a fresh place under the raw
    /// output prefix (`<raw prefix>/<unique>/<file name>`, as flytekit uploads a file
    /// output), and returns it as a [`FlyteFile`] to return as an output.
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
    /// let local = ctx.scratch_dir().unwrap().join("report.csv");
    /// std::fs::write(&local, "a,b\n1,2\n").unwrap();
    /// let out = ctx.upload(&local).await.unwrap();
    /// assert!(out.uri().starts_with("memory://b/raw/") && out.uri().ends_with("/report.csv"));
    /// assert_eq!(ctx.storage.read(out.uri()).await.unwrap(), "a,b\n1,2\n");
    /// # });
    /// ```
    pub async fn upload(&self, path: &Path) -> Result<FlyteFile, TaskError> {
        let name = path
            .file_name()
            .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
        let uri = crate::storage::join(&self.new_raw_output_uri(), &name);
        self.storage.upload(path, &uri).await?;
        Ok(FlyteFile::new(uri))
    }

    /// Downloads every file of `dir`, at any depth, into a fresh folder of the scratch folder,
    /// many files at once within one bound of memory ([`Storage::download_files`]), and
    /// returns that folder (`<scratch>/inputs/<unique>/<directory name>`).
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// use flyte_runtime::types::FlyteDirectory;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
    /// ctx.storage.write("memory://b/in/docs/a.txt", "A").await.unwrap();
    /// ctx.storage.write("memory://b/in/docs/more/b.txt", "B").await.unwrap();
    /// let local = ctx.download_dir(&FlyteDirectory::new("memory://b/in/docs")).await.unwrap();
    /// assert!(local.ends_with("docs"));
    /// assert_eq!(std::fs::read_to_string(local.join("more/b.txt")).unwrap(), "B");
    /// # });
    /// ```
    pub async fn download_dir(&self, dir: &FlyteDirectory) -> Result<PathBuf, TaskError> {
        let uri = dir.uri().trim_end_matches('/');
        let name = uri
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty() && !n.contains(':'))
            .unwrap_or("directory");
        let dest = self
            .scratch_dir()?
            .join("inputs")
            .join(unique_name())
            .join(name);
        std::fs::create_dir_all(&dest)?;
        let files = self
            .storage
            .list_all(uri)
            .await?
            .into_iter()
            .map(|rel| match local_path_under(&dest, &rel) {
                Some(local) => Ok((crate::storage::join(uri, &rel), local)),
                None => Err(TaskError::new(format!(
                    "directory {uri} holds `{rel}`, which is not a plain relative path; \
                     it was not downloaded"
                ))
                .with_code("InvalidDirectoryEntry")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.storage.download_files(files).await?;
        Ok(dest)
    }

    /// Uploads every file under the local folder `path` (at any depth, many at once within one
    /// bound of memory: [`Storage::upload_files`]; links to folders are left out) to a
    /// fresh place under the raw output prefix (`<raw prefix>/<unique>/<folder name>/…`, as
    /// flytekit uploads a directory output), and returns it as a [`FlyteDirectory`].
    ///
    /// ```
    /// use flyte_runtime::context::{ExecutionContext, ScratchDir};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
    /// let local = ctx.scratch_dir().unwrap().join("report");
    /// std::fs::create_dir_all(local.join("parts")).unwrap();
    /// std::fs::write(local.join("index.txt"), "i").unwrap();
    /// std::fs::write(local.join("parts/0.csv"), "a,b").unwrap();
    /// let out = ctx.upload_dir(&local).await.unwrap();
    /// assert!(out.uri().ends_with("/report"));
    /// assert_eq!(ctx.storage.list_all(out.uri()).await.unwrap(), ["index.txt", "parts/0.csv"]);
    /// # });
    /// ```
    pub async fn upload_dir(&self, path: &Path) -> Result<FlyteDirectory, TaskError> {
        let name = path.file_name().map_or_else(
            || "directory".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let prefix = crate::storage::join(&self.new_raw_output_uri(), &name);
        let files = files_under(path)?
            .into_iter()
            .map(|(rel, file)| (file, crate::storage::join(&prefix, &rel)));
        self.storage.upload_files(files).await?;
        Ok(FlyteDirectory::new(prefix))
    }

    /// Uses `storage`.
    #[must_use]
    pub fn with_storage(mut self, storage: Storage) -> Self {
        self.storage = storage;
        self
    }

    /// Uses `checkpoint`.
    #[must_use]
    pub fn with_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.checkpoint = checkpoint;
        self
    }
}

/// `rel` (a `/`-separated name from a listing) as a path under `dest`, or `None` when it
/// could climb out of it (`..`, an absolute path, an empty part).
fn local_path_under(dest: &Path, rel: &str) -> Option<PathBuf> {
    let mut path = dest.to_path_buf();
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// The files under `root` at any depth, as (`/`-separated relative name, path), sorted; a
/// link to a file counts as that file, a link to a folder is left out (it can make a loop).
fn files_under(root: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), root.to_path_buf())];
    while let Some((rel, dir)) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push((child_rel, path));
            } else if kind.is_symlink() && std::fs::metadata(&path)?.is_dir() {
                // Not followed: a link to a folder can make a loop.
                tracing::warn!(link = %path.display(), "a link to a folder is not uploaded");
            } else {
                found.push((child_rel, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod directory_tests {
    use super::*;

    #[test]
    fn listed_names_that_could_climb_out_are_refused() {
        let d = Path::new("/s");
        assert_eq!(
            local_path_under(d, "a/b.txt"),
            Some(PathBuf::from("/s/a/b.txt"))
        );
        for bad in ["../x", "a/../../x", "/abs", "a//b", "./a", ""] {
            assert_eq!(local_path_under(d, bad), None, "{bad:?}");
        }
    }
}
