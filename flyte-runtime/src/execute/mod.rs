//! Running a task as Flyte does: the `execute` entrypoint (resolve, read the inputs, run the
//! executor under supervision, write `outputs.pb` or the error document), one element of a
//! map, in-process runs, serialized tasks, and the error documents.
//!
//! What the executor itself works with is in [`context`](crate::context); the flags and
//! loader args the entrypoint reads are in [`contract`](crate::contract).

mod config;
mod entrypoint;
mod failure;
mod inputs;
mod local;
mod local_map;
mod map_element;
mod outcome;
mod output_limits;
mod panic_capture;
mod pipeline;
mod resolve;
mod run;
mod runner;
mod serialized;

pub use config::RunConfig;
pub use entrypoint::execute;
pub use failure::{Failure, Origin};
pub use inputs::{DECODED_INPUTS_FACTOR, DEFAULT_MAX_INPUTS_BYTES};
pub use local::{run_template, LocalRunError};
pub use local_map::run_map_in_process;
pub use map_element::{
    all_element_inputs, array_index, element_inputs, ElementInputs, MapOver, INDEX_OFFSET,
    INDEX_VAR_NAME,
};
pub use outcome::{Outcome, EXIT_UNREPORTED};
pub use output_limits::{OutputLimits, DEFAULT_MAX_OUTPUTS_BYTES};
/// The entrypoint's work with the storage and stop signal given: for tests that inject
/// storage faults. Not a stable API.
#[doc(hidden)]
pub use pipeline::execute_with;
pub use resolve::{resolve, ResolveError, ResolvedTask};
pub use run::template_timeout;
pub(crate) use runner::Runner;
pub use runner::TIMEOUT_GRACE;
pub use serialized::{serialize_task, SerializedError, SERIALIZED_FORMAT};
