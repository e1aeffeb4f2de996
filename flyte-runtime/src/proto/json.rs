//! Flyte IDL messages as protobuf JSON (the canonical mapping flytekit's `MessageToJson`
//! writes: camelCase names, enums by name, 64-bit integers as strings), read through the
//! descriptors flyte-idl compiles, for people to read (`template --format json|yaml`).

use prost_reflect::{DescriptorPool, DynamicMessage};

/// Why a message could not be shown as JSON.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtoJsonError {
    /// flyte-idl's descriptors did not load (a build fault, not an input's).
    #[error("the Flyte IDL descriptors do not load: {0}")]
    Descriptors(String),
    /// The message type is not in our IDL subset.
    #[error("no message `{0}` in the Flyte IDL subset")]
    UnknownMessage(String),
    /// The bytes are not a message of that type.
    #[error("not a `{name}`: {reason}")]
    Decode {
        /// The message's full name.
        name: String,
        /// What the decoder said.
        reason: String,
    },
    /// The decoded message did not serialize.
    #[error("cannot write `{name}` as JSON: {reason}")]
    Serialize {
        /// The message's full name.
        name: String,
        /// What the serializer said.
        reason: String,
    },
}

/// The message `full_name` (e.g. `flyteidl.core.TaskTemplate`) encoded in `bytes`, as
/// protobuf JSON.
///
/// ```
/// use flyte_runtime::proto::{core::TaskTemplate, json::to_json, Message};
/// let t = TaskTemplate { r#type: "greeter".into(), task_type_version: 2, ..Default::default() };
/// let json = to_json("flyteidl.core.TaskTemplate", &t.encode_to_vec()).unwrap();
/// assert_eq!(json, serde_json::json!({"type": "greeter", "taskTypeVersion": 2}));
/// ```
pub fn to_json(full_name: &str, bytes: &[u8]) -> Result<serde_json::Value, ProtoJsonError> {
    let pool = DescriptorPool::decode(super::FILE_DESCRIPTOR_SET)
        .map_err(|e| ProtoJsonError::Descriptors(e.to_string()))?;
    let descriptor = pool
        .get_message_by_name(full_name)
        .ok_or_else(|| ProtoJsonError::UnknownMessage(full_name.to_string()))?;
    let message =
        DynamicMessage::decode(descriptor, bytes).map_err(|e| ProtoJsonError::Decode {
            name: full_name.to_string(),
            reason: e.to_string(),
        })?;
    serde_json::to_value(&message).map_err(|e| ProtoJsonError::Serialize {
        name: full_name.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_of_another_kind_are_refused_by_name() {
        let e = to_json("flyteidl.core.TaskTemplate", &[0xff, 0xff, 0xff]);
        assert!(
            matches!(&e, Err(ProtoJsonError::Decode { name, .. }) if name == "flyteidl.core.TaskTemplate"),
            "{e:?}"
        );
        let e = to_json("flyteidl.core.Nope", &[]);
        assert!(matches!(e, Err(ProtoJsonError::UnknownMessage(_))), "{e:?}");
    }
}
