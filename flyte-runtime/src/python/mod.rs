//! The Python side of a task-type binary: `BIN python-module --output FILE.py` writes one
//! self-contained flytekit module (it needs only flytekit 1.16) with, for each task type this
//! binary registers, a configuration class and a task class, the registered task instances
//! as ready-made task objects, a reference launch plan for each registered map, and a
//! dataclass for each struct their interfaces use.
//!
//! A Python workflow then uses Rust task types as it uses flytekit's own prebuilt ones:
//!
//! ```python
//! from flyte_examples_tasks import SqliteTask
//! top = SqliteTask("top_tracks", uri="/data/demo.sqlite",
//!                  query_template="SELECT * FROM tracks LIMIT {{ .inputs.n }}", inputs={"n": int})
//! ```
//!
//! flytekit serializes such a task into the template our `execute` entrypoint runs
//! (`custom` byte for byte what Rust's `get_custom` writes for the same configuration; the
//! args those of the task-template resolver), and runs it locally through the binary itself:
//! template and inputs in a folder, the container's args with propeller's placeholders
//! filled, the outputs read back with flytekit's TypeEngine.

mod annotation;
mod dataclasses;
mod module;
mod source;

pub use annotation::{annotation, NoAnnotation};
pub use module::{python_module, PythonModuleError};
