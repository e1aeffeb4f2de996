//! Tables (feature `dataframe`): an Arrow record batch as a deck table, and a preview of a
//! StructuredDataset's first rows read from its first parquet file.

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::block::{Cell, Table};
use crate::storage::Storage;

/// Rows of a table's preview.
const PREVIEW_ROWS: usize = 10;
/// The largest parquet file read for a preview.
const PREVIEW_MAX_FILE_BYTES: u64 = 16 << 20;

/// `batch` as a table of at most `max_rows` rows (the rest counted as left out).
pub(crate) fn batch_table(batch: &RecordBatch, max_rows: usize) -> Table {
    let schema = batch.schema();
    let mut table = Table::new(
        schema
            .fields()
            .iter()
            .map(|f| format!("{} ({})", f.name(), f.data_type())),
    );
    let options = FormatOptions::default().with_null("null");
    let formatters: Vec<Option<ArrayFormatter<'_>>> = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).ok())
        .collect();
    let shown = batch.num_rows().min(max_rows);
    for row in 0..shown {
        table.rows.push(
            formatters
                .iter()
                .map(|f| {
                    Cell::Text(
                        f.as_ref()
                            .map_or_else(|| "?".to_string(), |f| f.value(row).to_string()),
                    )
                })
                .collect(),
        );
    }
    table.left_out = batch.num_rows() - shown;
    table
}

/// The first rows of the table at folder `uri` (its first parquet file, if small enough),
/// with the file's row count; `None` where it cannot be read (the deck then shows its URI
/// and columns).
pub(crate) async fn preview(storage: &Storage, uri: &str) -> Option<Table> {
    let mut names = storage.list(uri).await.ok()?;
    names.sort();
    let file = crate::storage::join(uri, names.first()?);
    let bytes: Bytes = storage
        .read_at_most(&file, PREVIEW_MAX_FILE_BYTES)
        .await
        .ok()?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).ok()?;
    let total = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let mut reader = builder.with_batch_size(PREVIEW_ROWS).build().ok()?;
    let batch = reader.next()?.ok()?;
    let mut table = batch_table(&batch, PREVIEW_ROWS);
    table.left_out = total.saturating_sub(table.rows.len());
    Some(table)
}
