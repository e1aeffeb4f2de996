//! How `run` prints a task's (or a map's) outputs.

use prost::Message;

use crate::execute::Runner;
use crate::proto::core::{literal, Literal, LiteralMap};
use crate::storage::Storage;
use crate::types::json_literal::literal_to_json;

/// Prints each output: a value as JSON (an offloaded one read from where it was written), a
/// table (feature `dataframe`) as its rows.
pub(super) fn print_outputs(runtime: &Runner, storage: &Storage, outputs: &LiteralMap) {
    for (name, lit) in &outputs.literals {
        let offloaded = match &lit.value {
            Some(literal::Value::OffloadedMetadata(meta)) => {
                println!(
                    "  {name}: offloaded to {} ({} bytes)",
                    meta.uri, meta.size_bytes
                );
                runtime
                    .block_on(storage.read(&meta.uri))
                    .ok()
                    .and_then(|b| Literal::decode(b).ok())
            }
            _ => None,
        };
        let lit = offloaded.as_ref().unwrap_or(lit);
        println!("  {name} = {}", literal_to_json(lit));
        #[cfg(feature = "dataframe")]
        {
            // A table, or a list of them (a map's output), printed as rows.
            let items = match &lit.value {
                Some(literal::Value::Collection(c)) => c.literals.iter().collect(),
                _ => vec![lit],
            };
            for table in items.into_iter().filter_map(|t| table_of(storage, t)) {
                println!("{table}");
            }
        }
    }
}

#[cfg(feature = "dataframe")]
fn table_of(storage: &Storage, lit: &Literal) -> Option<String> {
    use crate::types::{FlyteType, StructuredDataset};
    let sd = StructuredDataset::from_literal(lit).ok()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    Some(
        match runtime.block_on(crate::dataframe::read_parquet(storage, &sd)) {
            Ok(batches) => crate::dataframe::pretty(&batches),
            Err(e) => format!("  (cannot read the table: {e})"),
        },
    )
}
