//! The error of a failed conversion between a Rust value and a Flyte literal, carrying the
//! path of the value at fault (`points[2].x`). No conversion panics; every failure is one of these.

use std::fmt;

/// One step of the path from a task variable down to the value at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A named variable or struct field: `points`, `.x`.
    Field(String),
    /// A position in a collection: `[2]`.
    Index(usize),
    /// A key of a map: `["north"]`.
    Key(String),
}

/// What went wrong, without where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeErrorKind {
    /// The literal (or msgpack value) has another shape than the type asks for.
    #[error("expected {expected}, found {found}")]
    Mismatch {
        /// The Flyte type, as a reader would write it: `INTEGER`, `collection of FLOAT`.
        expected: String,
        /// A short description of what was there instead.
        found: String,
    },
    /// A number that does not fit the Rust type it is read into.
    #[error("{value} does not fit in {target} ({range})")]
    OutOfRange {
        /// The value as written in the literal.
        value: String,
        /// The Rust type.
        target: &'static str,
        /// The accepted range.
        range: String,
    },
    /// A struct field that the type requires is absent.
    #[error("missing field (expected {expected})")]
    MissingField {
        /// The field's Flyte type.
        expected: String,
    },
    /// A string that is not one of the enum's values.
    #[error("{found:?} is not one of the values of enum {name} ({values})")]
    UnknownVariant {
        /// The enum's Rust name.
        name: &'static str,
        /// The value found.
        found: String,
        /// The accepted values, comma separated.
        values: String,
    },
    /// Bytes that are not valid msgpack (or other encoded payload).
    #[error("cannot decode {format}: {message}")]
    Decode {
        /// The payload format, e.g. `msgpack`.
        format: &'static str,
        /// The decoder's message.
        message: String,
    },
}

/// A conversion error with the path of the value at fault.
///
/// ```
/// use flyte_runtime::types::{FlyteType, TypeError};
/// use flyte_runtime::types::literal::string_literal;
///
/// let err = i64::from_literal(&string_literal("forty-two")).unwrap_err().at_field("a");
/// assert_eq!(err.to_string(), "at `a`: expected INTEGER, found string \"forty-two\"");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    path: Vec<PathSegment>,
    kind: TypeErrorKind,
}

impl TypeError {
    /// An error at the value itself (empty path).
    pub fn new(kind: TypeErrorKind) -> Self {
        Self {
            path: Vec::new(),
            kind,
        }
    }

    /// A shape mismatch.
    pub fn mismatch(expected: impl Into<String>, found: impl Into<String>) -> Self {
        Self::new(TypeErrorKind::Mismatch {
            expected: expected.into(),
            found: found.into(),
        })
    }

    /// Places this error under the named variable or field.
    #[must_use]
    pub fn at_field(mut self, name: &str) -> Self {
        self.path.insert(0, PathSegment::Field(name.to_string()));
        self
    }

    /// Places this error under position `index` of a collection.
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.insert(0, PathSegment::Index(index));
        self
    }

    /// Places this error under key `key` of a map.
    #[must_use]
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.insert(0, PathSegment::Key(key.to_string()));
        self
    }

    /// The path from the outermost value to the one at fault.
    pub fn path(&self) -> &[PathSegment] {
        &self.path
    }

    /// The path written as `points[2].x` (empty for the value itself).
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                PathSegment::Field(name) if out.is_empty() => out.push_str(name),
                PathSegment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
                PathSegment::Key(k) => out.push_str(&format!("[{k:?}]")),
            }
        }
        out
    }

    /// What went wrong, without where.
    pub fn kind(&self) -> &TypeErrorKind {
        &self.kind
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "at `{}`: {}", self.path_string(), self.kind)
        }
    }
}

impl std::error::Error for TypeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_reads_like_rust_access() {
        let err = TypeError::mismatch("FLOAT", "string \"a\"")
            .at_field("x")
            .at_index(2)
            .at_field("points")
            .at_key("north")
            .at_field("shapes");
        assert_eq!(err.path_string(), "shapes[\"north\"].points[2].x");
        assert_eq!(
            err.to_string(),
            "at `shapes[\"north\"].points[2].x`: expected FLOAT, found string \"a\""
        );
    }
}
