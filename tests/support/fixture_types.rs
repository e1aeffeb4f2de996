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

/// `@dataclass Point(x: float, y: float)`.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
pub struct Point {
    /// x
    pub x: f64,
    /// y
    pub y: f64,
}

/// `@dataclass Shape`.
#[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
pub struct Shape {
    /// name
    pub name: String,
    /// points
    pub points: Vec<Point>,
    /// tags
    pub tags: HashMap<String, i64>,
    /// color (default RED)
    #[flyte(default = Color::Red)]
    pub color: Color,
    /// note
    pub note: Option<String>,
}

/// `Point { x, y }`.
pub fn point(x: f64, y: f64) -> Point {
    Point { x, y }
}
