//! The Flyte IDL wire types (from the `flyte-idl` crate), kept apart from the Rust-facing API:
//! `core` (templates, literals, types, errors) and `admin` (`TaskSpec`).

pub use flyte_idl::{admin, core, FILE_DESCRIPTOR_SET};
pub use prost::Message;
