//! DataFrames as flytekit stores them (feature `dataframe`): a [`StructuredDataset`] is a
//! folder holding parquet files (`00000`, …), which pandas reads with `read_parquet`. Here
//! the rows are Arrow [`RecordBatch`]es.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch, StringArray};
//! use flyte_runtime::{dataframe, storage::Storage};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let batch = RecordBatch::try_from_iter([
//!     ("id", Arc::new(Int64Array::from(vec![1, 2])) as _),
//!     ("name", Arc::new(StringArray::from(vec!["a", "b"])) as _),
//! ]).unwrap();
//! let storage = Storage::default();
//! let sd = dataframe::write_parquet(&storage, "memory://b/raw/t1", &batch).await.unwrap();
//! assert_eq!(sd.columns().len(), 2);
//! let back = dataframe::read_parquet(&storage, &sd).await.unwrap();
//! assert_eq!(back, vec![batch]);
//! # });
//! ```

use arrow_array::RecordBatch;
use arrow_schema::DataType;
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::proto::core::{literal_type, LiteralType, SimpleType};
use crate::storage::{join, Storage, StorageError};
use crate::types::structured_dataset::PARQUET;
use crate::types::StructuredDataset;

/// The name of the one parquet file in a folder we write (as flytekit's pandas encoder).
pub const PART_NAME: &str = "00000";

/// Why a table could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataFrameError {
    /// Reading or writing the folder failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The rows did not encode as parquet, or a file did not decode.
    #[error("parquet file `{uri}`: {source}")]
    Parquet {
        /// The file.
        uri: String,
        /// Why.
        source: parquet::errors::ParquetError,
    },
    /// The table is not parquet.
    #[error("table `{uri}` is in format `{format}`; only parquet is read")]
    Format {
        /// The table's folder.
        uri: String,
        /// Its format.
        format: String,
    },
    /// The folder holds no files.
    #[error("table `{uri}` holds no parquet files")]
    Empty {
        /// The table's folder.
        uri: String,
    },
}

/// The Flyte type of an Arrow column type, as flytekit types pandas columns (`None` for a
/// type Flyte has no simple type for; such a column is written but not stated).
///
/// ```
/// use arrow_schema::DataType;
/// use flyte_runtime::dataframe::column_type;
/// use flyte_runtime::proto::core::{literal_type::Type, SimpleType};
///
/// let t = column_type(&DataType::Utf8).unwrap();
/// assert_eq!(t.r#type, Some(Type::Simple(SimpleType::String as i32)));
/// ```
pub fn column_type(t: &DataType) -> Option<LiteralType> {
    let simple = match t {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => SimpleType::Integer,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => SimpleType::Float,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => SimpleType::String,
        DataType::Boolean => SimpleType::Boolean,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => SimpleType::Binary,
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => SimpleType::Datetime,
        DataType::Duration(_) => SimpleType::Duration,
        _ => return None,
    };
    Some(LiteralType {
        r#type: Some(literal_type::Type::Simple(simple as i32)),
        ..Default::default()
    })
}

/// Encodes `batch` as one parquet file (snappy, as pandas writes).
pub fn encode_parquet(batch: &RecordBatch) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let mut writer = parquet_writer(batch.schema())?;
    writer.write(batch)?;
    writer.finish()?;
    Ok(std::mem::take(writer.inner_mut()))
}

/// Rows encoded at a time by [`write_parquet`]: the encoder hands its output to the upload
/// between slices.
const SLICE_ROWS: usize = 64 * 1024;

/// The parquet encoding of a batch, produced as it goes: each item is what the encoder has
/// written since the last one (whole row groups, then the footer). What fails mid-way is an
/// `InvalidInput` I/O error (not retried), the writer having accepted the schema up front.
struct Encoding<'a> {
    writer: Option<ArrowWriter<Vec<u8>>>,
    batch: &'a RecordBatch,
    offset: usize,
    started: bool,
}

/// A parquet writer for `schema` into memory (snappy, as pandas writes).
fn parquet_writer(
    schema: arrow_schema::SchemaRef,
) -> Result<ArrowWriter<Vec<u8>>, parquet::errors::ParquetError> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    ArrowWriter::try_new(Vec::new(), schema, Some(props))
}

impl Encoding<'_> {
    fn new(batch: &RecordBatch) -> Encoding<'_> {
        Encoding {
            writer: None,
            batch,
            offset: 0,
            started: false,
        }
    }

    fn step(&mut self) -> Result<Option<Bytes>, parquet::errors::ParquetError> {
        if !self.started {
            self.started = true;
            self.writer = Some(parquet_writer(self.batch.schema())?);
        }
        let Some(writer) = self.writer.as_mut() else {
            return Ok(None);
        };
        while self.offset < self.batch.num_rows() {
            let rows = SLICE_ROWS.min(self.batch.num_rows() - self.offset);
            writer.write(&self.batch.slice(self.offset, rows))?;
            self.offset += rows;
            if !writer.inner().is_empty() {
                // Taken from under the writer's own buffer, which counts the bytes itself.
                return Ok(Some(Bytes::from(std::mem::take(writer.inner_mut()))));
            }
        }
        let rest = match self.writer.take() {
            Some(mut writer) => {
                writer.finish()?;
                std::mem::take(writer.inner_mut())
            }
            None => Vec::new(),
        };
        Ok((!rest.is_empty()).then(|| Bytes::from(rest)))
    }
}

impl Iterator for Encoding<'_> {
    type Item = std::io::Result<Bytes>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step()
            .map_err(|e| {
                self.writer = None;
                std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("parquet: {e}"))
            })
            .transpose()
    }
}

/// Writes `batch` as the table at folder `uri` (one file, `00000`) and returns the
/// [`StructuredDataset`] that names it, with its columns (all of them, or none if one has
/// no Flyte type). The file is encoded as it is uploaded: each part goes up (a multipart
/// upload, parts in parallel) while the encoder makes the next, so the encoded file is never
/// whole in memory.
pub async fn write_parquet(
    storage: &Storage,
    uri: &str,
    batch: &RecordBatch,
) -> Result<StructuredDataset, DataFrameError> {
    let file = join(uri, PART_NAME);
    // The schema is checked here, with parquet's own error, before anything is sent.
    parquet_writer(batch.schema()).map_err(|source| DataFrameError::Parquet {
        uri: file.clone(),
        source,
    })?;
    storage
        .upload_chunks(&file, || Encoding::new(batch))
        .await?;
    // Columns are stated only when every one has a Flyte type: flytekit's pandas decoder
    // reads just the stated columns, so a partial list would drop the others.
    let columns: Option<Vec<_>> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| column_type(f.data_type()).map(|t| (f.name().clone(), t)))
        .collect();
    Ok(columns
        .unwrap_or_default()
        .into_iter()
        .fold(StructuredDataset::new(uri), |sd, (name, t)| {
            sd.with_column(name, t)
        }))
}

/// Reads every parquet file of the table, in name order, as record batches.
pub async fn read_parquet(
    storage: &Storage,
    sd: &StructuredDataset,
) -> Result<Vec<RecordBatch>, DataFrameError> {
    if !sd.format().is_empty() && sd.format() != PARQUET {
        return Err(DataFrameError::Format {
            uri: sd.uri().to_string(),
            format: sd.format().to_string(),
        });
    }
    let names = storage.list(sd.uri()).await?;
    if names.is_empty() {
        return Err(DataFrameError::Empty {
            uri: sd.uri().to_string(),
        });
    }
    let mut batches = Vec::new();
    for name in names {
        let file = join(sd.uri(), &name);
        // In parallel ranged requests into one buffer, which the decoder slices.
        let bytes: Bytes = storage.read_ranged(&file).await?;
        let parquet_error = |source| DataFrameError::Parquet {
            uri: file.clone(),
            source,
        };
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)
            .and_then(|b| b.build())
            .map_err(parquet_error)?;
        for batch in reader {
            batches.push(batch.map_err(|e| parquet_error(e.into()))?);
        }
    }
    Ok(batches)
}

/// The rows as a text table (what `run` prints for a table output).
pub fn pretty(batches: &[RecordBatch]) -> String {
    match arrow_cast::pretty::pretty_format_batches(batches) {
        Ok(table) => table.to_string(),
        Err(e) => format!("(the table does not print: {e})"),
    }
}
