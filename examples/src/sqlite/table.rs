//! Query results as an Arrow table. SQLite types each value, not each column, so a column's
//! type is read off its values as pandas' `read_sql_query` would: integers → Int64; integers
//! and reals → Float64; text → Utf8; blobs → Binary; NULLs are nulls; any other mix is text.

use std::sync::Arc;

use arrow_array::{ArrayRef, BinaryArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use rusqlite::types::Value;

/// Runs `sql` with `params` bound on `conn` and returns the rows as one record batch.
pub fn query_table(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[&Value],
) -> Result<RecordBatch, String> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(|e| format!("the query does not compile: {e}"))?;
    if !stmt.readonly() {
        return Err("the query would change the database; only reading queries run".to_string());
    }
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); names.len()];
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(|e| format!("the query failed: {e}"))?;
    while let Some(row) = rows.next().map_err(|e| format!("the query failed: {e}"))? {
        for (i, column) in columns.iter_mut().enumerate() {
            column.push(row.get::<_, Value>(i).map_err(|e| e.to_string())?);
        }
    }
    to_batch(&names, columns)
}

fn column_type(values: &[Value]) -> DataType {
    let (mut ints, mut reals, mut texts, mut blobs) = (false, false, false, false);
    for v in values {
        match v {
            Value::Null => {}
            Value::Integer(_) => ints = true,
            Value::Real(_) => reals = true,
            Value::Text(_) => texts = true,
            Value::Blob(_) => blobs = true,
        }
    }
    match (ints, reals, texts, blobs) {
        (_, _, false, false) if reals => DataType::Float64,
        (true, false, false, false) => DataType::Int64,
        (false, false, false, true) => DataType::Binary,
        _ => DataType::Utf8,
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// The named columns of values as a record batch.
pub(super) fn to_batch(names: &[String], columns: Vec<Vec<Value>>) -> Result<RecordBatch, String> {
    let mut fields = Vec::with_capacity(names.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(names.len());
    for (name, values) in names.iter().zip(columns) {
        let t = column_type(&values);
        let array: ArrayRef = match t {
            DataType::Int64 => Arc::new(Int64Array::from_iter(values.iter().map(|v| match v {
                Value::Integer(i) => Some(*i),
                _ => None,
            }))),
            DataType::Float64 => {
                Arc::new(Float64Array::from_iter(values.iter().map(|v| match v {
                    Value::Integer(i) => Some(*i as f64),
                    Value::Real(f) => Some(*f),
                    _ => None,
                })))
            }
            DataType::Binary => Arc::new(BinaryArray::from_iter(values.iter().map(|v| match v {
                Value::Blob(b) => Some(b.as_slice()),
                _ => None,
            }))),
            _ => Arc::new(StringArray::from_iter(values.iter().map(text_of))),
        };
        fields.push(Field::new(name, t, true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_follow_the_values() {
        use Value::*;
        assert_eq!(column_type(&[Integer(1), Null]), DataType::Int64);
        assert_eq!(column_type(&[Integer(1), Real(0.5)]), DataType::Float64);
        assert_eq!(column_type(&[Text("a".into()), Null]), DataType::Utf8);
        assert_eq!(column_type(&[Text("a".into()), Integer(2)]), DataType::Utf8);
        assert_eq!(column_type(&[Blob(vec![1])]), DataType::Binary);
        assert_eq!(column_type(&[Null]), DataType::Utf8);
        assert_eq!(column_type(&[]), DataType::Utf8);
    }

    #[test]
    fn a_query_becomes_a_typed_batch() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "create table t (id integer, name text, price real);
             insert into t values (1, 'a', 0.99), (2, null, 1.5), (3, 'c', null);",
        )
        .unwrap();
        let limit = Value::Integer(2);
        let batch = query_table(&conn, "select * from t order by id limit ?1", &[&limit]).unwrap();
        assert_eq!(batch.num_rows(), 2);
        let schema = batch.schema();
        let types: Vec<_> = schema
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        assert_eq!(types, [DataType::Int64, DataType::Utf8, DataType::Float64]);
        assert!(query_table(&conn, "delete from t", &[])
            .unwrap_err()
            .contains("change"));
    }
}
