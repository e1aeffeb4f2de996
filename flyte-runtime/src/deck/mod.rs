//! Decks: the HTML page a run leaves beside its outputs (`deck.html` under the output prefix,
//! where propeller and the console look for it), as flytekit's decks. A task's template says
//! whether it makes one (`TaskMetadata.generates_deck`: on unless the task type or the
//! instance turns it off).
//!
//! The page has a tab per section: **Timeline** (the run's steps and their durations), the
//! executor's own sections ([`ExecutionContext::deck`](crate::context::ExecutionContext::deck),
//! a [`Deck`]), then **Configuration** (the template's `custom`), **Input** and **Output**
//! (each value by its literal type), and, for a failed run, **Error**.
//!
//! Safe and bounded: every value, name and message is escaped (but what an executor passes to
//! [`Deck::raw_html`]); the page is self-contained (inline CSS and JavaScript, nothing loaded
//! from the network); it takes at most `FLYTE_RS_MAX_DECK_BYTES` ([`DEFAULT_MAX_DECK_BYTES`]),
//! each section cut with a note where it does not fit; and a deck that cannot be written is
//! logged, never a failure of the run.

mod block;
mod decks;
mod escape;
#[cfg(feature = "dataframe")]
mod frame;
mod handle;
mod markdown;
mod page;
mod render;
pub(crate) mod sections;
mod timeline;

pub(crate) use decks::Decks;
pub use decks::{
    CONFIGURATION, DEFAULT_MAX_DECK_BYTES, ERROR, INPUT, MIN_DECK_BYTES, OUTPUT, TIMELINE,
};
pub use escape::escape;
pub use handle::Deck;
pub(crate) use timeline::Step;
