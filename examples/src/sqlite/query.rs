//! The query template: SQL with `{{ .inputs.NAME }}` placeholders (flytekit's syntax, spaces
//! optional). Each placeholder becomes a bound parameter (`?1`, `?2`, …) and the input's
//! value is bound to it, so no input can change the statement: a string is always a string
//! value, a number always a number. For logs, [`Query::display`] shows the statement with
//! the values written in as SQL literals (strings quoted, quotes doubled).

use std::collections::BTreeMap;

use rusqlite::types::Value;

/// A parsed query template.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTemplate {
    /// The SQL with each placeholder replaced by `?N`.
    pub sql: String,
    /// The input each `?N` binds (index `N - 1`).
    pub params: Vec<String>,
}

/// Why a query template does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A `{{` with no `}}`.
    #[error("query_template: `{{{{` at byte {at} is never closed with `}}}}`")]
    Unclosed {
        /// Byte offset of the `{{`.
        at: usize,
    },
    /// A placeholder that is not `.inputs.NAME`.
    #[error("query_template: placeholder `{{{{{text}}}}}` is not `{{{{ .inputs.NAME }}}}`")]
    Placeholder {
        /// What was inside the braces.
        text: String,
    },
    /// A placeholder inside a quoted string or identifier, where a bound value cannot go.
    #[error(
        "query_template: placeholder `{{{{ .inputs.{name} }}}}` is inside quotes; write it bare \
         (values are bound as parameters, so strings need no quotes)"
    )]
    Quoted {
        /// The input.
        name: String,
    },
    /// The query is empty.
    #[error("query_template is empty")]
    Empty,
}

impl QueryTemplate {
    /// Parses `template`.
    ///
    /// ```
    /// use flyte_examples::sqlite::QueryTemplate;
    ///
    /// let q = QueryTemplate::parse("select * from t where a > {{ .inputs.min }} limit {{.inputs.n}}").unwrap();
    /// assert_eq!(q.sql, "select * from t where a > ?1 limit ?2");
    /// assert_eq!(q.params, ["min", "n"]);
    /// ```
    pub fn parse(template: &str) -> Result<Self, QueryError> {
        if template.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        let mut sql = String::with_capacity(template.len());
        let mut params: Vec<String> = Vec::new();
        let mut quote: Option<char> = None;
        let mut rest = template;
        let mut offset = 0;
        while !rest.is_empty() {
            if rest.starts_with("{{") {
                let close = rest.find("}}").ok_or(QueryError::Unclosed { at: offset })?;
                let inner = rest[2..close].trim();
                let name = inner
                    .strip_prefix(".inputs.")
                    .filter(|n| is_identifier(n))
                    .ok_or_else(|| QueryError::Placeholder {
                        text: rest[2..close].to_string(),
                    })?;
                if quote.is_some() {
                    return Err(QueryError::Quoted {
                        name: name.to_string(),
                    });
                }
                // One parameter per input, however often it appears.
                let index = match params.iter().position(|p| p == name) {
                    Some(i) => i,
                    None => {
                        params.push(name.to_string());
                        params.len() - 1
                    }
                };
                sql.push_str(&format!("?{}", index + 1));
                rest = &rest[close + 2..];
                offset += close + 2;
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            sql.push(c);
            rest = &rest[c.len_utf8()..];
            offset += c.len_utf8();
        }
        Ok(Self { sql, params })
    }

    /// The values to bind, in parameter order, from the inputs by name.
    pub fn bind<'a>(&self, values: &'a BTreeMap<String, Value>) -> Result<Vec<&'a Value>, String> {
        self.params
            .iter()
            .map(|p| {
                values
                    .get(p)
                    .ok_or_else(|| format!("query_template uses input `{p}`, which was not given"))
            })
            .collect()
    }

    /// The statement with the values written in as SQL literals (for logs and messages; the
    /// query that runs binds them instead).
    ///
    /// ```
    /// use rusqlite::types::Value;
    /// use flyte_examples::sqlite::QueryTemplate;
    ///
    /// let q = QueryTemplate::parse("select * from t where name = {{.inputs.name}}").unwrap();
    /// let values = [("name".to_string(), Value::Text("O'Brien".into()))].into();
    /// assert_eq!(q.display(&values), "select * from t where name = 'O''Brien'");
    /// ```
    pub fn display(&self, values: &BTreeMap<String, Value>) -> String {
        let mut out = self.sql.clone();
        // From the highest index down, so `?1` does not clip `?10`.
        for (i, name) in self.params.iter().enumerate().rev() {
            let literal = values
                .get(name)
                .map_or_else(|| "NULL".to_string(), sql_literal);
            out = out.replace(&format!("?{}", i + 1), &literal);
        }
        out
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value as an SQL literal: strings quoted with quotes doubled, blobs as `X'..'`.
pub fn sql_literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => format!("{f:?}"),
        Value::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Blob(b) => format!(
            "X'{}'",
            b.iter().map(|x| format!("{x:02X}")).collect::<String>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_parameters_reused_by_name() {
        let q =
            QueryTemplate::parse("select {{.inputs.a}}, {{ .inputs.b }}, {{  .inputs.a  }} from t")
                .unwrap();
        assert_eq!(q.sql, "select ?1, ?2, ?1 from t");
        assert_eq!(q.params, ["a", "b"]);
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        let cases = [
            ("select {{.inputs.a", "is never closed"),
            ("select {{ .outputs.a }}", "is not `{{ .inputs.NAME }}`"),
            ("select {{ .inputs.a b }}", "is not `{{ .inputs.NAME }}`"),
            ("select '{{ .inputs.a }}'", "is inside quotes"),
            ("select \"{{.inputs.a}}\"", "is inside quotes"),
            ("   ", "is empty"),
        ];
        for (template, expected) in cases {
            let e = QueryTemplate::parse(template).unwrap_err().to_string();
            assert!(e.contains(expected), "{template:?}: {e}");
        }
    }

    #[test]
    fn quotes_are_tracked_across_doubled_quotes() {
        // 'it''s' is one string literal; the placeholder after it is outside quotes.
        let q = QueryTemplate::parse("select 'it''s', {{.inputs.x}}").unwrap();
        assert_eq!(q.sql, "select 'it''s', ?1");
    }

    #[test]
    fn display_writes_safe_literals() {
        let q = QueryTemplate::parse(
            "select * from t where a = {{.inputs.s}} and b < {{.inputs.n}} and c = {{.inputs.f}}",
        )
        .unwrap();
        let values = [
            ("s".to_string(), Value::Text("x'; drop table t; --".into())),
            ("n".to_string(), Value::Integer(-3)),
            ("f".to_string(), Value::Real(0.5)),
        ]
        .into();
        assert_eq!(
            q.display(&values),
            "select * from t where a = 'x''; drop table t; --' and b < -3 and c = 0.5"
        );
    }
}
