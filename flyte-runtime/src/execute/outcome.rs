//! [`Outcome`]: how a run ended, and the exit code pyflyte-execute gives for it.

use std::process::ExitCode;

use super::failure::Failure;
use crate::storage::StorageError;

/// Exit code when neither `outputs.pb` nor an error document could be written.
pub const EXIT_UNREPORTED: u8 = 3;

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// `outputs.pb` was written.
    Succeeded,
    /// The run failed and its error document was written.
    Failed(Failure),
    /// The run failed and not even the error document could be written.
    Unreported(Failure, StorageError),
}

impl Outcome {
    /// The process exit code, as pyflyte-execute: 0 once an error document is written
    /// (Flyte reads the failure from it), 1 then with `FLYTE_FAIL_ON_ERROR=true`, and
    /// [`EXIT_UNREPORTED`] when nothing could be written.
    pub fn exit_code(&self, fail_on_error: bool) -> ExitCode {
        match self {
            Outcome::Succeeded => ExitCode::SUCCESS,
            Outcome::Failed(_) if fail_on_error => ExitCode::FAILURE,
            Outcome::Failed(_) => ExitCode::SUCCESS,
            Outcome::Unreported(..) => ExitCode::from(EXIT_UNREPORTED),
        }
    }
}
