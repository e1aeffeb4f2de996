//! A task's inputs and outputs as Rust values: [`TaskIo`] maps a struct (one field per
//! variable, via `#[derive(TaskIo)]`) or a dynamic [`Literals`] map (interface declared per
//! instance, as SQLite3Task's `inputs=`) to and from a `LiteralMap`.

use std::collections::BTreeMap;

use crate::proto::core::{LiteralMap, LiteralType};
use crate::types::{read_variable, FlyteType, TypeError};

/// The inputs or the outputs of a task type.
pub trait TaskIo: Sized + Send + 'static {
    /// The variable names, in declaration order (empty when declared per instance).
    const NAMES: &'static [&'static str];

    /// Each variable's description, in the order of [`NAMES`](Self::NAMES): its doc comment
    /// (`#[derive(TaskIo)]` reads a field's `///`), or `""` for none. A variable without one
    /// (every variable, by default) is described by its name, as flytekit describes a
    /// variable its docstring says nothing of.
    const DESCRIPTIONS: &'static [&'static str] = &[];

    /// The variables and their types, or `None` when each instance declares its own.
    fn variables() -> Option<Vec<(&'static str, LiteralType)>>;

    /// Reads the values from a literal map; errors name the variable.
    fn from_literal_map(map: &LiteralMap) -> Result<Self, TypeError>;

    /// Writes the values into a literal map.
    fn to_literal_map(&self) -> LiteralMap;
}

/// The variables of `T` that have a description ([`TaskIo::DESCRIPTIONS`]), by name.
pub(crate) fn descriptions<T: TaskIo>() -> BTreeMap<&'static str, &'static str> {
    T::NAMES
        .iter()
        .zip(T::DESCRIPTIONS)
        .filter(|(_, d)| !d.is_empty())
        .map(|(n, d)| (*n, *d))
        .collect()
}

/// No variables: a task without inputs (or outputs).
impl TaskIo for () {
    const NAMES: &'static [&'static str] = &[];
    fn variables() -> Option<Vec<(&'static str, LiteralType)>> {
        Some(Vec::new())
    }
    fn from_literal_map(_: &LiteralMap) -> Result<Self, TypeError> {
        Ok(())
    }
    fn to_literal_map(&self) -> LiteralMap {
        LiteralMap::default()
    }
}

/// Inputs or outputs whose names and types each task instance declares.
///
/// ```
/// use flyte_runtime::task::Literals;
///
/// let mut out = Literals::new();
/// out.set("total", &42_i64);
/// assert_eq!(out.get::<i64>("total").unwrap(), 42);
/// assert_eq!(out.get::<String>("total").unwrap_err().to_string(), "at `total`: expected STRING, found integer 42");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Literals {
    map: LiteralMap,
}

impl Literals {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of variable `name` as `T`.
    pub fn get<T: FlyteType>(&self, name: &str) -> Result<T, TypeError> {
        read_variable(&self.map, name)
    }

    /// Sets variable `name`.
    pub fn set<T: FlyteType>(&mut self, name: &str, value: &T) -> &mut Self {
        self.map
            .literals
            .insert(name.to_string(), value.to_literal());
        self
    }

    /// The same, by value (for building in one expression).
    #[must_use]
    pub fn with<T: FlyteType>(mut self, name: &str, value: &T) -> Self {
        self.set(name, value);
        self
    }

    /// The underlying literal map.
    pub fn literal_map(&self) -> &LiteralMap {
        &self.map
    }

    /// Wraps a literal map.
    pub fn from_map(map: LiteralMap) -> Self {
        Self { map }
    }
}

impl TaskIo for Literals {
    const NAMES: &'static [&'static str] = &[];
    fn variables() -> Option<Vec<(&'static str, LiteralType)>> {
        None
    }
    fn from_literal_map(map: &LiteralMap) -> Result<Self, TypeError> {
        Ok(Self { map: map.clone() })
    }
    fn to_literal_map(&self) -> LiteralMap {
        self.map.clone()
    }
}
