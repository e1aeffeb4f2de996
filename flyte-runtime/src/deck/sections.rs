//! The default sections the engine fills (flytekit's deck fields, and ours): the inputs and
//! outputs by their literal types, the task type's configuration, a failed run's error.

use std::collections::BTreeSet;

use super::block::{Block, Cell, Table};
use super::render::{pre, struct_table, variables_table, Previews};
use crate::proto::core::{literal, scalar, LiteralMap, VariableMap};
use crate::storage::Storage;

/// The Input or Output section: one row per variable (name, type, value); a table
/// (StructuredDataset) with a preview of its first rows where the `dataframe` feature is on.
pub(crate) async fn variables(
    storage: &Storage,
    vars: Option<&VariableMap>,
    literals: &LiteralMap,
) -> Vec<Block> {
    if literals.literals.is_empty() {
        return vec![Block::Html("<p class=\"deck-note\">none</p>".into())];
    }
    let previews = previews(storage, literals).await;
    vec![Block::Table(variables_table(vars, literals, &previews))]
}

/// Previews of the tables among `literals` (top-level ones).
async fn previews(storage: &Storage, literals: &LiteralMap) -> Previews {
    let uris: BTreeSet<&str> = literals
        .literals
        .values()
        .filter_map(|l| match &l.value {
            Some(literal::Value::Scalar(s)) => match &s.value {
                Some(scalar::Value::StructuredDataset(sd)) => Some(sd.uri.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    #[cfg(feature = "dataframe")]
    {
        let mut previews = Previews::new();
        for uri in uris {
            if let Some(table) = super::frame::preview(storage, uri).await {
                previews.insert(uri.to_string(), table);
            }
        }
        previews
    }
    #[cfg(not(feature = "dataframe"))]
    {
        let _ = (storage, uris);
        Previews::new()
    }
}

/// The Configuration section: the template's `custom` as a table of its fields.
pub(crate) fn configuration(custom: Option<&prost_types::Struct>) -> Vec<Block> {
    match custom {
        Some(s) if !s.fields.is_empty() => vec![Block::Table(struct_table(s))],
        _ => vec![Block::Html(
            "<p class=\"deck-note\">this task type has no configuration</p>".into(),
        )],
    }
}

/// The Error section: where the run failed and why.
pub(crate) fn error(code: &str, kind: &str, recoverable: bool, message: &str) -> Vec<Block> {
    let table = Table::new(["Code", "Kind", "Recoverable"]).row(vec![
        Cell::Text(code.to_string()),
        Cell::Text(kind.to_string()),
        Cell::Text(recoverable.to_string()),
    ]);
    vec![Block::Table(table), Block::Html(pre(message))]
}
