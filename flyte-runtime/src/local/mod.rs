//! The local emulation of propeller: what `run` does, as a library with typed errors.
//!
//! A task runs once through exactly the container's path ([`task_run`]): its files written
//! where the pod propeller would make of its template names them ([`layout`], in the run's
//! [`folder`]), then that pod's `execute` as a process of this binary, or the pod in its
//! image on the Docker engine ([`container`], the folder opened to the image's user and
//! given back, [`open_folder`]), and its results read back as propeller reads them. A map
//! ([`map_run`]) runs its elements as pods (processes or containers) or in this process and
//! gathers them as the ArrayNode does. [`run`] decides which from the [`request`]; the
//! [`report`] says what ran, for the command line (`cli`) to print; every failure is a
//! [`LocalError`] saying which task, file or element.

mod container;
mod error;
mod folder;
mod inputs;
mod layout;
mod map_run;
mod open_folder;
mod report;
mod request;
mod run;
mod task_run;

pub(crate) use container::ContainerChoice;
pub(crate) use error::LocalError;
pub(crate) use folder::{FolderChoice, Tidied};
pub use inputs::InputsError;
pub(crate) use inputs::{read_inputs, syntax, InputText, Inputs};
pub(crate) use report::{MapRun, MapVerdict, Place, Ran, TaskRun};
pub(crate) use request::{MapFlags, RunRequest, What};
pub(crate) use run::run;
