//! Example prebuilt-container task types built with flyte-rs. The `flyte-examples` binary
//! links them; a test or another binary that wants them registered must refer to this
//! crate (`use flyte_examples as _;`), since inventory only sees linked crates.

pub mod adder;
pub mod checksum;
pub mod echo;
pub mod resumable;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod squares;
