//! The Flyte IDL wire types (from the `flyte-idl` crate), kept apart from the Rust-facing API:
//! `core` (templates, literals, types, errors) and `admin` (`TaskSpec`); and the canonical
//! encoding of the two messages we hand to Flyte; [`json`] shows any of them as protobuf JSON.

pub mod json;

pub use flyte_idl::{admin, core, FILE_DESCRIPTOR_SET};
pub use prost::Message;

/// A `TaskTemplate`'s bytes in field-number order, as flyteidl's own (deterministic)
/// serializer writes them. prost writes a oneof where it is declared, which puts a
/// `k8s_pod` target (field 17) before `config` (16); here the target is written last when
/// its number is above 16.
///
/// ```
/// use flyte_runtime::proto::{core::{task_template::Target, K8sPod, TaskTemplate}, encode_task_template};
/// let t = TaskTemplate {
///     target: Some(Target::K8sPod(K8sPod::default())),
///     config: [("primary_container_name".to_string(), "p".to_string())].into(),
///     ..Default::default()
/// };
/// let bytes = encode_task_template(&t);
/// assert_eq!(bytes[0], 0x82, "config (16) first");
/// assert_eq!(<TaskTemplate as prost::Message>::decode(bytes.as_slice()).unwrap(), t);
/// ```
pub fn encode_task_template(t: &core::TaskTemplate) -> Vec<u8> {
    use core::task_template::Target;
    match &t.target {
        Some(target @ (Target::K8sPod(_) | Target::Sql(_))) => {
            let rest = core::TaskTemplate {
                target: None,
                ..t.clone()
            };
            let mut bytes = rest.encode_to_vec();
            target.encode(&mut bytes);
            bytes
        }
        _ => t.encode_to_vec(),
    }
}

/// A `TaskSpec`'s bytes with its template in [canonical order](encode_task_template).
pub fn encode_task_spec(spec: &admin::TaskSpec) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Some(template) = &spec.template {
        let inner = encode_task_template(template);
        prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut bytes);
        prost::encoding::encode_varint(inner.len() as u64, &mut bytes);
        bytes.extend(inner);
    }
    let rest = admin::TaskSpec {
        template: None,
        ..spec.clone()
    };
    rest.encode(&mut bytes)
        .unwrap_or_else(|e| unreachable!("a Vec grows as needed: {e}"));
    bytes
}
