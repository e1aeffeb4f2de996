//! Wire types of the Flyte IDL: our own `.proto` subset of `flyteidl.core` and
//! `flyteidl.admin` (same packages, names and field numbers as flyteidl 1.16.8), compiled by
//! prost. Nothing here knows about Rust-facing task APIs; that lives in `flyte-runtime`.
//!
//! ```
//! use flyte_idl::core::{literal, scalar, primitive, Literal, Primitive, Scalar};
//! use prost::Message;
//!
//! let lit = Literal {
//!     value: Some(literal::Value::Scalar(Box::new(Scalar {
//!         value: Some(scalar::Value::Primitive(Primitive {
//!             value: Some(primitive::Value::Integer(42)),
//!         })),
//!     }))),
//!     ..Default::default()
//! };
//! let bytes = lit.encode_to_vec();
//! assert_eq!(Literal::decode(bytes.as_slice()).unwrap(), lit);
//! ```

#![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]

/// `flyteidl.core`: templates, types, literals, interfaces, errors.
#[allow(missing_docs)]
pub mod core {
    include!(concat!(env!("OUT_DIR"), "/flyteidl.core.rs"));
}

/// `flyteidl.admin`: what FlyteAdmin registers (`TaskSpec`, `WorkflowSpec`, `LaunchPlan`).
#[allow(missing_docs)]
pub mod admin {
    include!(concat!(env!("OUT_DIR"), "/flyteidl.admin.rs"));
}

/// The encoded `google.protobuf.FileDescriptorSet` of every message defined here, for tools
/// and the conformance test that checks it against flyteidl's own descriptors.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/flyteidl_descriptor_set.bin"));
