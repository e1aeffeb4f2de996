//! The runtime of flyte-rs: Flyte task types whose logic runs in a prebuilt container,
//! written in Rust and wire-compatible with flytekit 1.16.
//!
//! - [`types`]: the type engine (Rust values ⇄ Flyte literals, as flytekit writes them).
//! - [`proto`]: the Flyte IDL wire types (our `flyteidl.core`/`flyteidl.admin` subset).
//! - [`task`]: task types, task instances and their templates; [`registry`]: what a binary
//!   holds; [`execute`]: the container entrypoint; [`storage`]: object storage; [`cli`]: the
//!   author's binary (`execute`, `run`, `list`, `template`, `package`).
//! - `dataframe` (feature `dataframe`): tables as parquet, as pandas reads them.

pub mod cli;
#[cfg(feature = "dataframe")]
pub mod dataframe;
pub mod execute;
pub mod package;
pub mod pod;
pub mod prelude;
pub mod proto;
pub mod registry;
pub mod storage;
pub mod task;
pub mod types;

/// `#[derive(FlyteType)]`: a struct as a Flyte dataclass, or a unit-only enum as a Flyte enum.
///
/// Struct fields must all be [`FlyteType`]s. Attributes:
/// - on an enum: `#[flyte(rename_all = "lowercase" | "UPPERCASE" | "snake_case" | "kebab-case"
///   | "SCREAMING_SNAKE_CASE")]`, and on a variant `#[flyte(value = "red")]`;
/// - on a struct field: `#[flyte(default = <expr>)]` (the field may be absent; the schema
///   carries the default), `#[flyte(rename = "name")]`.
///
/// ```
/// use flyte_runtime::types::FlyteType;
///
/// #[derive(flyte_runtime::FlyteType, Debug, PartialEq)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Point { x: 1.0, y: 2.0 };
/// assert_eq!(Point::from_literal(&p.to_literal()).unwrap(), p);
/// ```
pub use flyte_macros::FlyteType;

/// The conversion trait (same name as the derive, as with serde's `Serialize`).
pub use types::FlyteType;

pub use flyte_macros::{container_task, shim_executor, TaskIo};

#[doc(hidden)]
pub mod __private;

/// The README's code, compiled as doc tests (the newcomer's tutorial must build).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
