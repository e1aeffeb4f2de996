//! The Rust twins of the Python types in `fixtures/make_fixtures.py`'s type table.

use std::collections::HashMap;

/// `Color(enum.Enum)`: RED = "red", GREEN = "green".
#[derive(flyte_runtime::FlyteType, Debug, PartialEq, Clone, Copy)]
#[flyte(rename_all = "lowercase")]
pub enum Color {
    /// "red"
    Red,
    /// "green"
    Green,
}

/// `@dataclass Point(x: float, y: float)`. The twins' fields have no doc comments: a field's
/// doc is its description in the schema, and the dataclasses' fields have none.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
#[allow(missing_docs)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// `@dataclass Shape`.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
#[allow(missing_docs)]
pub struct Shape {
    pub name: String,
    pub points: Vec<Point>,
    pub tags: HashMap<String, i64>,
    // Default RED, as the dataclass's.
    #[flyte(default = Color::Red)]
    pub color: Color,
    pub note: Option<String>,
}

/// `Point { x, y }`.
pub fn point(x: f64, y: f64) -> Point {
    Point { x, y }
}
