//! [`Deck`]: an executor's own section of the run's deck, from
//! [`ExecutionContext::deck`](crate::context::ExecutionContext::deck).

use super::block::{Block, Cell, Table};
use super::decks::Decks;
use super::markdown;
use super::render::key_values;

/// A section of the run's deck, named by the executor (flytekit's `Deck(name)`), to which it
/// adds markdown, tables, key-value lists and, named as such, raw HTML. What it is given is
/// escaped (but for [`raw_html`](Self::raw_html)); what does not fit the deck's size limit
/// is cut with a note. A task whose decks are off takes it all and writes nothing.
///
/// Every handle of one name adds to the same section (flytekit's second `Deck` of a name
/// replaces the first's content instead). The sections come after the Timeline, in the order
/// they were first named, before the default Configuration, Input and Output.
///
/// ```
/// use flyte_runtime::context::{ExecutionContext, ScratchDir};
/// let ctx = ExecutionContext::from_env("memory://b/raw", ScratchDir::private());
/// ctx.deck("Query")
///     .markdown("Ran **one** query on `db.sqlite`")
///     .table(["name", "rows"], [["users", "3"], ["<orders>", "5"]])
///     .key_values([("database", "db.sqlite")]);
/// ```
#[derive(Debug, Clone)]
pub struct Deck {
    decks: Decks,
    name: String,
}

/// Rows of an author's table or record batch kept at most (the rest counted in its note).
const MAX_ROWS: usize = 10_000;

impl Deck {
    pub(crate) fn new(decks: Decks, name: &str) -> Self {
        Self {
            decks,
            name: name.to_string(),
        }
    }

    /// The section's name (its tab).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds `text` as markdown (CommonMark with tables). Raw HTML in it is shown as text,
    /// images become links to them, and links keep only `http`, `https` and `mailto` targets.
    pub fn markdown(&self, text: &str) -> &Self {
        self.add(Block::Html(markdown::to_html(text)))
    }

    /// Adds a table of texts: its column `headers`, then `rows` (each cell escaped).
    pub fn table<H, R, C>(
        &self,
        headers: impl IntoIterator<Item = H>,
        rows: impl IntoIterator<Item = R>,
    ) -> &Self
    where
        H: Into<String>,
        R: IntoIterator<Item = C>,
        C: Into<String>,
    {
        let mut table = Table::new(headers);
        for row in rows {
            if table.rows.len() == MAX_ROWS {
                table.left_out += 1;
                continue;
            }
            table
                .rows
                .push(row.into_iter().map(|c| Cell::Text(c.into())).collect());
        }
        self.add(Block::Table(table))
    }

    /// Adds a two-column table of keys and values (each escaped).
    pub fn key_values<K: Into<String>, V: Into<String>>(
        &self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> &Self {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.add(Block::Table(key_values(&pairs)))
    }

    /// Adds an Arrow record batch as a table (its columns as headers, with their types; each
    /// value as Arrow prints it, escaped).
    #[cfg(feature = "dataframe")]
    #[cfg_attr(docsrs, doc(cfg(feature = "dataframe")))]
    pub fn record_batch(&self, batch: &arrow_array::RecordBatch) -> &Self {
        self.add(Block::Table(super::frame::batch_table(batch, MAX_ROWS)))
    }

    /// Adds `html` as it is, unescaped: the one way to put the author's own HTML in the
    /// page. What it shows is the author's to make safe; it should load nothing from the
    /// network (the rest of the page does not).
    pub fn raw_html(&self, html: impl Into<String>) -> &Self {
        self.add(Block::Html(html.into()))
    }

    /// Writes the deck as it stands now (flytekit's `Deck.publish`), for a long task to show
    /// its progress before it ends; the run writes it again when it ends. A failure is logged
    /// (a deck never fails the task), as is a call while the task's decks are off.
    pub async fn publish(&self) {
        if !self.decks.enabled() {
            tracing::warn!(
                deck = %self.name,
                "publish() was called, but this task's decks are off (its template's generates_deck is false)"
            );
            return;
        }
        match self.decks.write().await {
            Ok(Some(uri)) => tracing::info!(%uri, "deck published"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot publish the deck"),
        }
    }

    fn add(&self, block: Block) -> &Self {
        self.decks.push(&self.name, block);
        self
    }
}
