//! Values as HTML, by their literal: scalars as text, structs (protobuf or msgpack) as tables
//! of fields, lists and maps bounded, files and directories as their URIs, a table
//! (StructuredDataset) as its URI, format and columns, or a preview of its first rows when one
//! was read. Every text is escaped; each value takes a bounded number of bytes.

use std::collections::BTreeMap;

use super::block::{Cell, Table};
use super::escape::{escape, escape_at_most, push_escaped};
use crate::proto::core::{
    blob_type::BlobDimensionality, literal, primitive, scalar, Literal, LiteralMap, VariableMap,
};
use crate::types::describe::describe_type;

/// Items of a list or map, fields of a struct, shown before "… and N more".
const MAX_ITEMS: usize = 20;
/// Characters of a text shown.
const MAX_TEXT: usize = 2_000;
/// Nesting shown.
const MAX_DEPTH: usize = 6;
/// Bytes of HTML one value may take.
const MAX_VALUE_BYTES: usize = 64 << 10;

/// Previews of tables by URI (read before rendering, where the `dataframe` feature is on).
pub(crate) type Previews = BTreeMap<String, Table>;

/// The variables of `literals` as a table (name, type, value), in name order; the types are
/// the interface's, where it names them.
pub(crate) fn variables_table(
    vars: Option<&VariableMap>,
    literals: &LiteralMap,
    previews: &Previews,
) -> Table {
    let mut table = Table::new(["Name", "Type", "Value"]);
    for (name, lit) in &literals.literals {
        let ty = vars
            .and_then(|v| v.variables.get(name))
            .and_then(|v| v.r#type.as_ref())
            .map(describe_type)
            .unwrap_or_default();
        table = table.row(vec![
            Cell::Text(name.clone()),
            Cell::Text(ty),
            Cell::Html(value_html(lit, previews)),
        ]);
    }
    table
}

/// A literal as HTML, within [`MAX_VALUE_BYTES`] about.
pub(crate) fn value_html(lit: &Literal, previews: &Previews) -> String {
    let mut out = String::new();
    Renderer {
        previews,
        out: &mut out,
    }
    .literal(lit, 0);
    out
}

/// A protobuf `Struct` (a task type's `custom`) as a table of its fields.
pub(crate) fn struct_table(s: &prost_types::Struct) -> Table {
    let mut table = Table::new(["Key", "Value"]);
    for (key, value) in &s.fields {
        let mut out = String::new();
        Renderer {
            previews: &Previews::new(),
            out: &mut out,
        }
        .proto_value(value, 1);
        table = table.row(vec![Cell::Text(key.clone()), Cell::Html(out)]);
    }
    table
}

struct Renderer<'a> {
    previews: &'a Previews,
    out: &'a mut String,
}

impl Renderer<'_> {
    fn full(&self) -> bool {
        self.out.len() >= MAX_VALUE_BYTES
    }

    fn text(&mut self, s: &str) {
        self.out.push_str(&escape_at_most(s, MAX_TEXT));
    }

    fn code(&mut self, s: &str) {
        self.out.push_str("<code>");
        self.text(s);
        self.out.push_str("</code>");
    }

    fn more(&mut self, shown: usize, total: usize) {
        if shown < total {
            self.out.push_str(&format!(
                "<span class=\"deck-note\">… and {} more</span>",
                total - shown
            ));
        }
    }

    /// A list of items, each rendered by `item`, bounded.
    fn list<T>(&mut self, items: &[T], depth: usize, item: impl Fn(&mut Self, &T, usize)) {
        if depth >= MAX_DEPTH {
            self.out.push_str(&format!("[{} items]", items.len()));
            return;
        }
        self.out.push_str("<ol class=\"deck-list\" start=\"0\">");
        let mut shown = 0;
        for it in items.iter().take(MAX_ITEMS) {
            if self.full() {
                break;
            }
            self.out.push_str("<li>");
            item(self, it, depth + 1);
            self.out.push_str("</li>");
            shown += 1;
        }
        self.out.push_str("</ol>");
        self.more(shown, items.len());
    }

    /// Key-value pairs as a table, bounded.
    fn pairs<'k, T: 'k>(
        &mut self,
        pairs: impl ExactSizeIterator<Item = (&'k str, &'k T)>,
        depth: usize,
        value: impl Fn(&mut Self, &T, usize),
    ) {
        let total = pairs.len();
        if depth >= MAX_DEPTH {
            self.out.push_str(&format!("{{{total} entries}}"));
            return;
        }
        self.out.push_str("<table><tbody>");
        let mut shown = 0;
        for (k, v) in pairs.take(MAX_ITEMS) {
            if self.full() {
                break;
            }
            self.out.push_str("<tr><th>");
            self.text(k);
            self.out.push_str("</th><td>");
            value(self, v, depth + 1);
            self.out.push_str("</td></tr>");
            shown += 1;
        }
        self.out.push_str("</tbody></table>");
        self.more(shown, total);
    }

    fn literal(&mut self, lit: &Literal, depth: usize) {
        match &lit.value {
            Some(literal::Value::Scalar(s)) => self.scalar(s, depth),
            Some(literal::Value::Collection(c)) => {
                self.list(&c.literals, depth, |r, l, d| r.literal(l, d))
            }
            Some(literal::Value::Map(m)) => self.pairs(
                m.literals.iter().map(|(k, v)| (k.as_str(), v)),
                depth,
                |r, l, d| r.literal(l, d),
            ),
            Some(literal::Value::OffloadedMetadata(o)) => {
                self.out.push_str("offloaded to ");
                self.code(&o.uri);
                self.out.push_str(&format!(" ({} bytes)", o.size_bytes));
            }
            None => self.out.push_str("<i>empty</i>"),
        }
    }

    fn scalar(&mut self, s: &crate::proto::core::Scalar, depth: usize) {
        match &s.value {
            Some(scalar::Value::Primitive(p)) => match &p.value {
                Some(primitive::Value::Integer(i)) => self.out.push_str(&i.to_string()),
                Some(primitive::Value::FloatValue(f)) => self.out.push_str(&f.to_string()),
                Some(primitive::Value::StringValue(v)) => self.text(v),
                Some(primitive::Value::Boolean(b)) => self.out.push_str(&b.to_string()),
                Some(primitive::Value::Datetime(t)) => self.text(&t.to_string()),
                Some(primitive::Value::Duration(d)) => self.text(&d.to_string()),
                None => self.out.push_str("<i>empty</i>"),
            },
            Some(scalar::Value::Blob(b)) => {
                let dir = b
                    .metadata
                    .as_ref()
                    .and_then(|m| m.r#type.as_ref())
                    .is_some_and(|t| t.dimensionality == BlobDimensionality::Multipart as i32);
                let format = b
                    .metadata
                    .as_ref()
                    .and_then(|m| m.r#type.as_ref())
                    .map(|t| t.format.as_str())
                    .unwrap_or("");
                self.out.push_str(if dir { "directory " } else { "file " });
                self.code(&b.uri);
                if !format.is_empty() {
                    self.out.push_str(" (format ");
                    self.text(format);
                    self.out.push(')');
                }
            }
            Some(scalar::Value::StructuredDataset(sd)) => {
                self.out.push_str("table ");
                self.code(&sd.uri);
                let ty = sd
                    .metadata
                    .as_ref()
                    .and_then(|m| m.structured_dataset_type.as_ref());
                if let Some(format) = ty.map(|t| t.format.as_str()).filter(|f| !f.is_empty()) {
                    self.out.push_str(" (format ");
                    self.text(format);
                    self.out.push(')');
                }
                match self.previews.get(&sd.uri) {
                    Some(preview) => {
                        let mut html = String::new();
                        super::block::Block::Table(preview.clone())
                            .render(&mut html, MAX_VALUE_BYTES / 2);
                        self.out.push_str(&html);
                    }
                    None => {
                        let columns = ty.map(|t| t.columns.as_slice()).unwrap_or_default();
                        if !columns.is_empty() {
                            self.pairs(
                                columns.iter().map(|c| (c.name.as_str(), c)),
                                depth,
                                |r, c, _| {
                                    let t = c.literal_type.as_ref().map(describe_type);
                                    r.text(&t.unwrap_or_default())
                                },
                            );
                        }
                    }
                }
            }
            Some(scalar::Value::Binary(b)) if b.tag == "msgpack" => {
                match rmpv::decode::read_value(&mut b.value.as_slice()) {
                    Ok(v) => self.msgpack(&v, depth),
                    Err(_) => self
                        .out
                        .push_str(&format!("{} bytes of msgpack", b.value.len())),
                }
            }
            Some(scalar::Value::Binary(b)) => {
                self.out.push_str(&format!("{} bytes", b.value.len()));
                if !b.tag.is_empty() {
                    self.out.push_str(" tagged ");
                    self.code(&b.tag);
                }
            }
            Some(scalar::Value::Generic(g)) => self.pairs(
                g.fields.iter().map(|(k, v)| (k.as_str(), v)),
                depth,
                |r, v, d| r.proto_value(v, d),
            ),
            Some(scalar::Value::Union(u)) => match &u.value {
                Some(v) => self.literal(v, depth),
                None => self.out.push_str("<i>empty</i>"),
            },
            Some(scalar::Value::NoneType(_)) => self.out.push_str("None"),
            Some(scalar::Value::Error(e)) => {
                self.out.push_str("error ");
                self.code(&e.message);
            }
            Some(scalar::Value::Schema(s)) => {
                self.out.push_str("schema ");
                self.code(&s.uri);
            }
            None => self.out.push_str("<i>empty</i>"),
        }
    }

    fn proto_value(&mut self, v: &prost_types::Value, depth: usize) {
        use prost_types::value::Kind;
        match &v.kind {
            Some(Kind::NullValue(_)) | None => self.out.push_str("null"),
            Some(Kind::NumberValue(n)) => self.out.push_str(&n.to_string()),
            Some(Kind::StringValue(s)) => self.text(s),
            Some(Kind::BoolValue(b)) => self.out.push_str(&b.to_string()),
            Some(Kind::StructValue(s)) => self.pairs(
                s.fields.iter().map(|(k, v)| (k.as_str(), v)),
                depth,
                |r, v, d| r.proto_value(v, d),
            ),
            Some(Kind::ListValue(l)) => self.list(&l.values, depth, |r, v, d| r.proto_value(v, d)),
        }
    }

    fn msgpack(&mut self, v: &rmpv::Value, depth: usize) {
        use rmpv::Value;
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Boolean(b) => self.out.push_str(&b.to_string()),
            Value::Integer(i) => self.out.push_str(&i.to_string()),
            Value::F32(f) => self.out.push_str(&f.to_string()),
            Value::F64(f) => self.out.push_str(&f.to_string()),
            Value::String(s) => self.text(&String::from_utf8_lossy(s.as_bytes())),
            Value::Binary(b) => self.out.push_str(&format!("{} bytes", b.len())),
            Value::Array(items) => self.list(items, depth, |r, v, d| r.msgpack(v, d)),
            Value::Map(entries) => {
                let keys: Vec<String> = entries
                    .iter()
                    .map(|(k, _)| match k {
                        Value::String(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                        other => other.to_string(),
                    })
                    .collect();
                self.pairs(
                    keys.iter()
                        .map(String::as_str)
                        .zip(entries.iter().map(|(_, v)| v)),
                    depth,
                    |r, v, d| r.msgpack(v, d),
                )
            }
            Value::Ext(t, b) => self
                .out
                .push_str(&format!("extension {t}, {} bytes", b.len())),
        }
    }
}

/// `text` as a preformatted block, escaped.
pub(crate) fn pre(text: &str) -> String {
    let mut out = String::from("<pre>");
    push_escaped(&mut out, text);
    out.push_str("</pre>");
    out
}

/// A table of (key, value) texts.
pub(crate) fn key_values<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Table {
    pairs
        .iter()
        .fold(Table::new(["Key", "Value"]), |t, (k, v)| {
            t.row(vec![
                Cell::Text(k.as_ref().to_string()),
                Cell::Html(escape(v.as_ref())),
            ])
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FlyteType;

    #[test]
    fn strings_are_escaped_and_lists_bounded() {
        let html = value_html(
            &"<script>alert(1)</script>".to_string().to_literal(),
            &Previews::new(),
        );
        assert_eq!(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
        let list: Vec<i64> = (0..100).collect();
        let html = value_html(&list.to_literal(), &Previews::new());
        assert!(
            html.contains("<li>19</li>") && !html.contains("<li>20</li>"),
            "{html}"
        );
        assert!(html.contains("and 80 more"), "{html}");
    }

    #[test]
    fn a_value_takes_a_bounded_number_of_bytes() {
        let list: Vec<Vec<String>> = (0..50).map(|_| vec!["x".repeat(5_000); 50]).collect();
        let html = value_html(&list.to_literal(), &Previews::new());
        assert!(
            html.len() < MAX_VALUE_BYTES + 4 * MAX_TEXT,
            "{}",
            html.len()
        );
    }

    #[test]
    fn a_struct_is_a_table_of_its_fields() {
        let s = prost_types::Struct {
            fields: [(
                "query<".to_string(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue("select <1>".into())),
                },
            )]
            .into(),
        };
        let mut out = String::new();
        super::super::block::Block::Table(struct_table(&s)).render(&mut out, 10_000);
        assert!(
            out.contains("<td>query&lt;</td><td>select &lt;1&gt;</td>"),
            "{out}"
        );
    }
}
