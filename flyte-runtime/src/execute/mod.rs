//! Running a task as Flyte does: the `execute` entrypoint (resolve, read the inputs, run the
//! executor under supervision, write `outputs.pb` or the error document), one element of a
//! map, in-process runs, serialized tasks, and the error documents.
//!
//! What the executor itself works with is in [`context`](crate::context); the flags and
//! loader args the entrypoint reads are in [`contract`](crate::contract).

mod config;
mod entrypoint;
mod failure;
pub(crate) mod inputs;
mod local;
pub(crate) mod local_map;
pub(crate) mod map_element;
mod outcome;
pub(crate) mod output_limits;
mod panic_capture;
mod pipeline;
pub(crate) mod resolve;
pub(crate) mod run;
mod run_deck;
pub(crate) mod runner;
pub(crate) mod serialized;

pub use config::RunConfig;
pub use entrypoint::execute;
pub use failure::{Failure, Origin};
pub use inputs::DEFAULT_MAX_INPUTS_BYTES;
pub use local::{run_template, LocalRunError};
pub use outcome::{Outcome, EXIT_UNREPORTED};
pub use output_limits::DEFAULT_MAX_OUTPUTS_BYTES;
pub use pipeline::execute_with;

pub(crate) use local_map::run_map_in_process;
pub(crate) use map_element::MapOver;
pub(crate) use runner::Runner;
pub(crate) use serialized::serialize_task;
