//! The run's deck, as the engine keeps it: made off for each run, turned on by the task's
//! template (`generates_deck`), its Timeline fed by each step, its default sections filled
//! as the run goes, and written after `outputs.pb` or the error document. Writing it never
//! changes how the run ended: a failure is logged.

use std::future::Future;
use std::time::{Instant, SystemTime};

use tracing::{info, warn};

use super::config::RunConfig;
use super::failure::{Failure, Origin};
use crate::contract::OutputPrefix;
use crate::deck::{sections, Decks, Step, ERROR};
use crate::proto::core::TaskTemplate;
use crate::storage::Storage;

/// The decks of the run of `config`, off until the task is known
/// ([`start`]).
pub(super) fn decks_for(config: &RunConfig, storage: &Storage) -> Decks {
    let prefix = OutputPrefix::new(&config.args.output_prefix);
    Decks::new(
        "Flyte deck",
        storage.clone(),
        prefix.deck(),
        config.max_deck_bytes(),
    )
}

/// Whether `template` asks for a deck (`TaskMetadata.generates_deck` true, as propeller
/// reads it; absent or false: none).
pub(super) fn generates_deck(template: &TaskTemplate) -> bool {
    template
        .metadata
        .as_ref()
        .and_then(|m| m.generates_deck)
        .unwrap_or(false)
}

/// Turns the decks on if `template` asks for one, with its configuration.
pub(super) fn start(decks: &Decks, template: &TaskTemplate) {
    decks.enable(generates_deck(template));
    if decks.enabled() {
        decks.set_default(
            crate::deck::CONFIGURATION,
            sections::configuration(template.custom.as_ref()),
        );
    }
}

/// Runs `step`, recorded on the Timeline as `name` (done or failed).
pub(super) async fn timed<T, E>(
    decks: &Decks,
    name: impl Into<String>,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let (started, at) = (SystemTime::now(), Instant::now());
    let r = step.await;
    decks.step(Step {
        name: name.into(),
        started,
        took: at.elapsed(),
        ok: r.is_ok(),
    });
    r
}

/// The Error section of a failed run.
pub(super) fn set_error(decks: &Decks, failure: &Failure) {
    if decks.enabled() {
        let kind = match failure.origin {
            Origin::User => "user",
            Origin::System => "system",
        };
        decks.set_default(
            ERROR,
            sections::error(&failure.code(), kind, failure.recoverable, &failure.message),
        );
    }
}

/// Writes the deck, if the task makes one; a failure is logged and changes nothing else.
pub(super) async fn write(decks: &Decks) {
    match decks.write().await {
        Ok(Some(uri)) => info!(%uri, "deck written"),
        Ok(None) => {}
        Err(e) => {
            warn!(uri = decks.uri().unwrap_or_default(), error = %e, "cannot write the deck; the run's result stands")
        }
    }
}
