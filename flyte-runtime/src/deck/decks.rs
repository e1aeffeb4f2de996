//! [`Decks`]: the decks of one run, shared by the engine (which fills the default sections and
//! writes the page at the end) and the executor's [`Deck`](super::Deck) handles (which add
//! their own sections and may publish the page mid-run). The page is rendered within the
//! run's size limit, section by section; what does not fit is cut with a note.

use std::sync::{Arc, Mutex, MutexGuard};

use super::block::{push_note, row_len, Block, NOTE_ROOM};
use super::page;
use super::timeline::{self, Step};
use crate::storage::{Storage, StorageError};

/// The section of the run's steps.
pub const TIMELINE: &str = "Timeline";
/// The section of the inputs read.
pub const INPUT: &str = "Input";
/// The section of the outputs returned.
pub const OUTPUT: &str = "Output";
/// The section of the task type's configuration (the template's `custom`).
pub const CONFIGURATION: &str = "Configuration";
/// The section of a failed run's error.
pub const ERROR: &str = "Error";

/// The default largest deck, in bytes (4 MiB): `FLYTE_RS_MAX_DECK_BYTES` sets another.
pub const DEFAULT_MAX_DECK_BYTES: u64 = 4 << 20;
/// The smallest limit taken: a smaller one is raised to it (the page's own skeleton and
/// notes take a few KiB).
pub const MIN_DECK_BYTES: u64 = 16 << 10;

/// Where a run's deck goes.
#[derive(Debug, Clone)]
struct Target {
    storage: Storage,
    uri: String,
}

#[derive(Debug, Default)]
struct State {
    /// Whether the task makes a deck (its template's `generates_deck`).
    enabled: bool,
    max_bytes: usize,
    title: String,
    target: Option<Target>,
    steps: Vec<Step>,
    /// The author's sections, in the order they were first named.
    user: Vec<(String, Vec<Block>)>,
    /// The default sections after the author's ([`CONFIGURATION`], [`INPUT`], [`OUTPUT`],
    /// [`ERROR`]), in that order.
    defaults: Vec<(&'static str, Vec<Block>)>,
    /// Bytes the author's blocks hold, and the blocks left out for want of room.
    held: usize,
    dropped: usize,
}

/// The decks of one run (cheap to clone: clones share them). Off unless the engine turned
/// them on, so a context made outside a run takes sections and writes nothing.
#[derive(Clone, Default)]
pub(crate) struct Decks(Arc<Mutex<State>>);

impl std::fmt::Debug for Decks {
    /// Whether they are on and their sections' names, not their content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Decks")
            .field("enabled", &state.enabled)
            .field(
                "sections",
                &state.user.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Decks {
    /// The decks of a run titled `title`, written to `uri` through `storage`, of at most
    /// `max_bytes`; off until [`enable`](Self::enable).
    pub(crate) fn new(title: &str, storage: Storage, uri: String, max_bytes: u64) -> Self {
        let max = max_bytes.max(MIN_DECK_BYTES);
        Self(Arc::new(Mutex::new(State {
            max_bytes: usize::try_from(max).unwrap_or(usize::MAX),
            title: title.to_string(),
            target: Some(Target { storage, uri }),
            ..State::default()
        })))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding it leaves whole values behind (each change is one push).
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Turns the decks on or off (the task's template says which).
    pub(crate) fn enable(&self, on: bool) {
        self.lock().enabled = on;
    }

    /// Whether the run makes a deck.
    pub(crate) fn enabled(&self) -> bool {
        self.lock().enabled
    }

    /// Where the deck goes, if anywhere.
    pub(crate) fn uri(&self) -> Option<String> {
        self.lock().target.as_ref().map(|t| t.uri.clone())
    }

    /// Records a step of the run for the Timeline.
    pub(crate) fn step(&self, step: Step) {
        self.lock().steps.push(step);
    }

    /// Adds `block` to the author's section `name` (made where it is first named). A block
    /// that would make the held sections larger than the limit is left out (a table keeps the
    /// rows that fit), and counted for the page's note.
    pub(crate) fn push(&self, name: &str, block: Block) {
        let mut state = self.lock();
        if !state.enabled {
            return;
        }
        let room = state.max_bytes.saturating_sub(state.held);
        let block = match block {
            b if b.len() <= room => Some(b),
            Block::Table(mut t) => {
                let mut used = t.len() - t.rows.iter().map(|r| row_len(r)).sum::<usize>();
                let keep = t
                    .rows
                    .iter()
                    .take_while(|r| {
                        used += row_len(r);
                        used <= room
                    })
                    .count();
                t.left_out += t.rows.len() - keep;
                t.rows.truncate(keep);
                Some(Block::Table(t))
            }
            Block::Html(_) => None,
        };
        let Some(block) = block else {
            state.dropped += 1;
            return;
        };
        state.held += block.len();
        match state.user.iter_mut().find(|(n, _)| n == name) {
            Some((_, blocks)) => blocks.push(block),
            None => state.user.push((name.to_string(), vec![block])),
        }
    }

    /// Sets a default section (one of [`CONFIGURATION`], [`INPUT`], [`OUTPUT`], [`ERROR`]).
    pub(crate) fn set_default(&self, name: &'static str, blocks: Vec<Block>) {
        let mut state = self.lock();
        let order = [CONFIGURATION, INPUT, OUTPUT, ERROR];
        let rank = |n: &str| order.iter().position(|o| *o == n).unwrap_or(order.len());
        state.defaults.retain(|(n, _)| *n != name);
        let at = state
            .defaults
            .iter()
            .position(|(n, _)| rank(n) > rank(name))
            .unwrap_or(state.defaults.len());
        state.defaults.insert(at, (name, blocks));
    }

    /// The page as it stands: Timeline, the author's sections, then the defaults; each
    /// section within what is left of the limit, cut with a note where it does not fit.
    pub(crate) fn render(&self) -> String {
        let state = self.lock();
        let timeline = timeline::blocks(&state.steps);
        let mut sections: Vec<(&str, &[Block])> = vec![(TIMELINE, &timeline)];
        sections.extend(state.user.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        sections.extend(state.defaults.iter().map(|(n, b)| (*n, b.as_slice())));
        let overhead = page::overhead(&state.title, sections.iter().map(|(n, _)| *n))
            + NOTE_ROOM * (sections.len() + 1);
        let mut left = state.max_bytes.saturating_sub(overhead);
        let mut tabs = Vec::with_capacity(sections.len());
        for (i, (name, blocks)) in sections.iter().enumerate() {
            let mut body = String::new();
            let mut cut = 0;
            for block in blocks.iter() {
                let before = body.len();
                if !block.render(&mut body, left) {
                    cut += 1;
                }
                left = left.saturating_sub(body.len() - before);
            }
            if cut > 0 {
                push_note(
                    &mut body,
                    &format!(
                        "This section is cut ({cut} part(s) shortened or left out): a deck is \
                         limited to {} bytes (FLYTE_RS_MAX_DECK_BYTES).",
                        state.max_bytes
                    ),
                );
            }
            if i == 0 && state.dropped > 0 {
                push_note(
                    &mut body,
                    &format!(
                        "{} part(s) the task added were left out: a deck is limited to {} bytes \
                         (FLYTE_RS_MAX_DECK_BYTES).",
                        state.dropped, state.max_bytes
                    ),
                );
            }
            tabs.push((name.to_string(), body));
        }
        page::page(&state.title, &tabs)
    }

    /// Renders the page and writes it where the run's deck goes (a rendering that panics is
    /// caught); returns its URI, `None` when the decks are off or go nowhere.
    pub(crate) async fn write(&self) -> Result<Option<String>, DeckWriteError> {
        let target = {
            let state = self.lock();
            state.target.clone().filter(|_| state.enabled)
        };
        let Some(target) = target else {
            return Ok(None);
        };
        let html = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.render()))
            .map_err(|_| DeckWriteError::Render)?;
        target
            .storage
            .write_with_content_type(&target.uri, html.into_bytes(), "text/html")
            .await
            .map_err(DeckWriteError::Storage)?;
        Ok(Some(target.uri))
    }
}

/// Why a deck was not written (logged; it never fails the run).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DeckWriteError {
    /// Rendering the page panicked.
    #[error("rendering the deck failed")]
    Render,
    /// The store refused it.
    #[error(transparent)]
    Storage(StorageError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::block::{Cell, Table};

    fn decks(max: u64) -> Decks {
        let d = Decks::new("t", Storage::default(), "memory://b/deck.html".into(), max);
        d.enable(true);
        d
    }

    #[test]
    fn sections_come_timeline_first_then_the_authors_then_the_defaults() {
        let d = decks(DEFAULT_MAX_DECK_BYTES);
        d.set_default(OUTPUT, vec![Block::Html("<p>o</p>".into())]);
        d.set_default(INPUT, vec![Block::Html("<p>i</p>".into())]);
        d.push("Mine", Block::Html("<p>m</p>".into()));
        d.push("Mine", Block::Html("<p>m2</p>".into()));
        let html = d.render();
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} in {html}"));
        assert!(at("<li>Timeline</li>") < at("<li>Mine</li>"));
        assert!(at("<li>Mine</li>") < at("<li>Input</li>"));
        assert!(at("<li>Input</li>") < at("<li>Output</li>"));
        assert!(html.contains("<p>m</p><p>m2</p>"));
    }

    #[test]
    fn a_page_over_the_limit_is_cut_to_it_with_a_note() {
        let d = decks(MIN_DECK_BYTES);
        let big = (0..1_000).fold(Table::new(["i"]), |t, i| {
            t.row(vec![Cell::Text(format!("row {i} {}", "x".repeat(50)))])
        });
        d.push("Big", Block::Table(big.clone()));
        d.set_default(INPUT, vec![Block::Table(big)]);
        d.push("Big", Block::Html("y".repeat(100_000)));
        let html = d.render();
        assert!(html.len() as u64 <= MIN_DECK_BYTES, "{}", html.len());
        assert!(html.contains("FLYTE_RS_MAX_DECK_BYTES"), "{html}");
        assert!(html.contains("of 1000 rows"), "{html}");
    }

    #[test]
    fn decks_that_are_off_take_nothing_and_write_nothing() {
        let d = Decks::new(
            "t",
            Storage::default(),
            "memory://b/off/deck.html".into(),
            1 << 20,
        );
        d.push("Mine", Block::Html("<p>m</p>".into()));
        assert!(!d.render().contains("Mine"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(d.write()).unwrap(), None);
    }
}
