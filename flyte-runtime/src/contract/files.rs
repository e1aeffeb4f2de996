//! The files of a node's data, spelt once: what propeller writes for the task (`inputs.pb`,
//! `task.pb`) and what the entrypoint leaves under the output prefix for propeller to read
//! (`outputs.pb`, `error.pb` or a worker's `error-<worker>.pb`, offloaded output literals,
//! the run's deck `deck.html`).
//! The writer (`execute`) and the readers (the local pod, `run`, `inspect`) both name them
//! through [`OutputPrefix`] and the constants here.

/// Joins a prefix and a file name with exactly one `/`, as flytekit does for output files.
///
/// ```
/// assert_eq!(flyte_runtime::contract::join("s3://b/run/", "outputs.pb"), "s3://b/run/outputs.pb");
/// assert_eq!(flyte_runtime::contract::join("/tmp/run", "error.pb"), "/tmp/run/error.pb");
/// ```
pub fn join(prefix: &str, name: &str) -> String {
    format!("{}/{}", prefix.trim_end_matches('/'), name)
}

/// The inputs propeller writes under a node's input prefix (`{{.input}}`).
pub const INPUTS_PB: &str = "inputs.pb";
/// The template propeller writes in a node's data folder (`{{.taskTemplatePath}}`).
pub const TASK_PB: &str = "task.pb";
/// The template a local run writes in its folder (`run`, `run --map`; a cluster's is
/// [`TASK_PB`]).
pub const TEMPLATE_PB: &str = "template.pb";
/// A successful task's outputs (a `LiteralMap`) under its output prefix.
pub const OUTPUTS_PB: &str = "outputs.pb";
/// A failed task's error document (an `ErrorDocument`) under its output prefix.
pub const ERROR_PB: &str = "error.pb";
/// A run's deck (an HTML page) under its output prefix: propeller's `GetDeckPath`, flytekit's
/// `DECK_FILE_NAME`.
pub const DECK_HTML: &str = "deck.html";
/// What ends the name of an offloaded output literal's file, `<output>_offloaded_metadata.pb`.
pub const OFFLOADED_SUFFIX: &str = "_offloaded_metadata.pb";

/// A task's output prefix (`--output-prefix`, `{{.outputPrefix}}`) and the result files
/// under it.
///
/// ```
/// use flyte_runtime::contract::OutputPrefix;
/// let p = OutputPrefix::new("s3://b/run/n0/0/");
/// assert_eq!(p.outputs(), "s3://b/run/n0/0/outputs.pb");
/// assert_eq!(p.error(None), "s3://b/run/n0/0/error.pb");
/// assert_eq!(p.error(Some("w1")), "s3://b/run/n0/0/error-w1.pb");
/// assert_eq!(p.offloaded("o0"), "s3://b/run/n0/0/o0_offloaded_metadata.pb");
/// assert_eq!(p.deck(), "s3://b/run/n0/0/deck.html");
/// assert!(OutputPrefix::is_result_file("error-w1.pb") && !OutputPrefix::is_result_file("inputs.pb"));
/// assert!(OutputPrefix::is_result_file("deck.html"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPrefix(String);

impl OutputPrefix {
    /// The prefix, as given (a URI or a local folder).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self(prefix.into())
    }

    /// The prefix itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A file under the prefix.
    pub fn file(&self, name: &str) -> String {
        join(&self.0, name)
    }

    /// `outputs.pb`.
    pub fn outputs(&self) -> String {
        self.file(OUTPUTS_PB)
    }

    /// The run's deck, `deck.html`.
    pub fn deck(&self) -> String {
        self.file(DECK_HTML)
    }

    /// The error document: `error.pb`, or, for a worker of a task that reports errors per
    /// worker (flytekit's distributed error strategy), `error-<worker>.pb`.
    pub fn error(&self, worker: Option<&str>) -> String {
        match worker.filter(|w| !w.is_empty()) {
            Some(worker) => self.file(&format!("error-{worker}.pb")),
            None => self.file(ERROR_PB),
        }
    }

    /// The file an offloaded output literal named `output` is written to, beside
    /// `outputs.pb`.
    pub fn offloaded(&self, output: &str) -> String {
        self.file(&offloaded_file_name(output))
    }

    /// The offloaded output literals among `names` (files listed under the prefix), as
    /// URIs: what a run whose outputs did not land removes.
    ///
    /// ```
    /// use flyte_runtime::contract::OutputPrefix;
    /// let names = ["outputs.pb", "big_offloaded_metadata.pb", "raw"].map(String::from);
    /// assert_eq!(OutputPrefix::new("/o").offloaded_files(&names), ["/o/big_offloaded_metadata.pb"]);
    /// ```
    pub fn offloaded_files(&self, names: &[String]) -> Vec<String> {
        names
            .iter()
            .filter(|n| is_offloaded_file(n))
            .map(|n| self.file(n))
            .collect()
    }

    /// Whether a file under an output prefix is a run's result (outputs, an error document,
    /// an offloaded output, the deck): what a reused prefix is cleared of before a new run.
    pub fn is_result_file(name: &str) -> bool {
        name == OUTPUTS_PB
            || name == DECK_HTML
            || name == ERROR_PB
            || (name.starts_with("error-") && name.ends_with(".pb"))
            || is_offloaded_file(name)
    }
}

/// The name of the file an offloaded output literal named `output` is written to.
pub fn offloaded_file_name(output: &str) -> String {
    format!("{output}{OFFLOADED_SUFFIX}")
}

/// Whether a file under an output prefix holds an offloaded output literal.
pub fn is_offloaded_file(name: &str) -> bool {
    name.ends_with(OFFLOADED_SUFFIX)
}
