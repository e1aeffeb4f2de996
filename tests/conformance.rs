//! Our `proto/` against flyteidl 1.16.8: every message, field and enum value we define must
//! match flyteidl's descriptor (name, number, type, repeated, referenced type, oneof).
//! The expected side comes from the flyteidl package on PyPI, not from a copy of it.

use prost::Message;
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorSet};
use serde_json::{json, Map, Value};

fn describe_enum(e: &EnumDescriptorProto) -> Value {
    let values: Vec<Value> = e
        .value
        .iter()
        .map(|v| json!({"name": v.name(), "number": v.number()}))
        .collect();
    json!({"kind": "enum", "values": values})
}

fn describe_message(m: &DescriptorProto) -> Value {
    let fields: Vec<Value> = m
        .field
        .iter()
        .map(|f| {
            let oneof = f
                .oneof_index
                .and_then(|i| m.oneof_decl.get(i as usize))
                .map(|o| o.name().to_string())
                .unwrap_or_default();
            json!({
                "name": f.name(),
                "number": f.number(),
                "type": f.r#type,
                "repeated": f.label == Some(3),
                "type_name": f.type_name().trim_start_matches('.'),
                "oneof": oneof,
            })
        })
        .collect();
    json!({"kind": "message", "fields": fields})
}

fn collect(prefix: &str, m: &DescriptorProto, out: &mut Map<String, Value>) {
    let name = format!("{prefix}.{}", m.name());
    out.insert(name.clone(), describe_message(m));
    for e in &m.enum_type {
        out.insert(format!("{name}.{}", e.name()), describe_enum(e));
    }
    for n in &m.nested_type {
        collect(&name, n, out);
    }
}

fn ours() -> Map<String, Value> {
    let set = FileDescriptorSet::decode(flyte_idl::FILE_DESCRIPTOR_SET).expect("descriptor set");
    let mut out = Map::new();
    for file in set
        .file
        .iter()
        .filter(|f| f.package().starts_with("flyteidl."))
    {
        for e in &file.enum_type {
            out.insert(format!("{}.{}", file.package(), e.name()), describe_enum(e));
        }
        for m in &file.message_type {
            collect(file.package(), m, &mut out);
        }
    }
    out
}

/// Lists every difference between one of our definitions and flyteidl's.
fn differences(name: &str, ours: &Value, theirs: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    if theirs.is_null() {
        return vec![format!(
            "{name}: flyteidl 1.16.8 has no such message or enum"
        )];
    }
    let (key, id) = if ours["kind"] == "enum" {
        ("values", "name")
    } else {
        ("fields", "name")
    };
    if ours["kind"] != theirs["kind"] {
        return vec![format!(
            "{name}: ours is a {}, flyteidl's a {}",
            ours["kind"], theirs["kind"]
        )];
    }
    let theirs_items = theirs[key].as_array().cloned().unwrap_or_default();
    for item in ours[key].as_array().into_iter().flatten() {
        let item_name = item[id].as_str().unwrap_or_default();
        match theirs_items.iter().find(|t| t[id] == item[id]) {
            None => diffs.push(format!("{name}.{item_name}: not in flyteidl 1.16.8")),
            Some(t) if t != item => {
                diffs.push(format!("{name}.{item_name}: ours {item}, flyteidl {t}"))
            }
            Some(_) => {}
        }
    }
    diffs
}

#[test]
fn every_definition_matches_flyteidl_1_16_8() {
    let ours = ours();
    assert!(
        ours.len() > 60,
        "expected the whole subset, found {} definitions",
        ours.len()
    );
    let names: Vec<&String> = ours.keys().collect();
    let stdout = flyte_tests::run_python(
        "describe_flyteidl.py",
        &[],
        &serde_json::to_vec(&names).expect("names serialize"),
    );
    let theirs: Map<String, Value> =
        serde_json::from_slice(&stdout).expect("describe_flyteidl.py prints JSON");
    let mut diffs = Vec::new();
    let mut fields = 0;
    for (name, def) in &ours {
        fields += def["fields"]
            .as_array()
            .or(def["values"].as_array())
            .map_or(0, Vec::len);
        diffs.extend(differences(
            name,
            def,
            theirs.get(name).unwrap_or(&Value::Null),
        ));
    }
    assert!(
        diffs.is_empty(),
        "{} mismatches with flyteidl 1.16.8:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    println!(
        "conformance: {} definitions, {fields} fields and enum values match flyteidl 1.16.8",
        ours.len()
    );
}

#[test]
fn the_comparison_catches_a_wrong_field_number() {
    // The check itself must be able to fail: a field renumbered in a copy of ours is reported.
    let ours = ours();
    let mut broken = ours["flyteidl.core.Binary"].clone();
    broken["fields"][1]["number"] = json!(7);
    let diffs = differences(
        "flyteidl.core.Binary",
        &broken,
        &ours["flyteidl.core.Binary"],
    );
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(
        diffs[0].starts_with("flyteidl.core.Binary.tag:"),
        "{diffs:?}"
    );
}
