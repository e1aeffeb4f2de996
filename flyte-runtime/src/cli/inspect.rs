//! `inspect FILE [--format text|json] [--as MESSAGE]`: what a registration package holds
//! (each entity's kind, name, task type, image and interface), or one `.pb` as protobuf JSON.
//!
//! It reads what `package` or `pyflyte package` wrote (see [`crate::package`]) and the files
//! of a run (`template.pb`, `inputs.pb`, `outputs.pb`, `error.pb`) from the binary alone,
//! without Python. An entity of a package that does not decode is listed as not decoded,
//! with the reason; the other entities are still listed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Value as PbValue};
use serde::Serialize;

use crate::contract::{ERROR_PB, INPUTS_PB, OUTPUTS_PB, TASK_PB, TEMPLATE_PB};
use crate::package::EntityKind;
use crate::proto::{admin, core};
use crate::types::describe::{describe_literal, describe_type};

/// Arguments of `inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// A registration package (the `.tgz` of `package` or `pyflyte package`), or one `.pb`:
    /// `template.pb` or `task.pb`, `inputs.pb` or `outputs.pb`, `error.pb`, or a package's
    /// `N_NAME_K.pb` (K: 1 task, 2 workflow, 3 launch plan); any other name needs `--as`.
    pub file: PathBuf,
    /// How a package's entities are listed (a single `.pb` is always protobuf JSON).
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// What a single `.pb` holds, instead of what its name says.
    #[arg(long = "as", value_enum, value_name = "MESSAGE")]
    pub as_message: Option<PbMessage>,
}

/// How `inspect` lists a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// One block per entity, to read.
    Text,
    /// The same as one JSON document (`{"package", "entities", "other_files"}`).
    Json,
}

/// What a single `.pb` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PbMessage {
    /// `flyteidl.core.TaskTemplate` (`template.pb`, `task.pb`).
    Template,
    /// `flyteidl.admin.TaskSpec` (a package's `N_NAME_1.pb`).
    #[value(name = "taskspec", alias = "task-spec")]
    TaskSpec,
    /// `flyteidl.admin.WorkflowSpec` (a package's `N_NAME_2.pb`).
    Workflow,
    /// `flyteidl.core.WorkflowTemplate` (a `WorkflowSpec`'s template alone).
    WorkflowTemplate,
    /// `flyteidl.admin.LaunchPlan` (a package's `N_NAME_3.pb`).
    LaunchPlan,
    /// `flyteidl.core.LiteralMap` (`inputs.pb`, `outputs.pb`).
    Literals,
    /// `flyteidl.core.ErrorDocument` (`error.pb`).
    Error,
}

impl PbMessage {
    fn full_name(self) -> &'static str {
        match self {
            PbMessage::Template => "flyteidl.core.TaskTemplate",
            PbMessage::TaskSpec => "flyteidl.admin.TaskSpec",
            PbMessage::Workflow => "flyteidl.admin.WorkflowSpec",
            PbMessage::WorkflowTemplate => "flyteidl.core.WorkflowTemplate",
            PbMessage::LaunchPlan => "flyteidl.admin.LaunchPlan",
            PbMessage::Literals => "flyteidl.core.LiteralMap",
            PbMessage::Error => "flyteidl.core.ErrorDocument",
        }
    }

    /// What a file of this name holds, if its name says.
    fn from_file_name(name: &str) -> Option<PbMessage> {
        match name {
            TEMPLATE_PB | TASK_PB => Some(PbMessage::Template),
            INPUTS_PB | OUTPUTS_PB => Some(PbMessage::Literals),
            ERROR_PB => Some(PbMessage::Error),
            _ => entity_of_file_name(name).map(|(kind, _)| match kind {
                EntityKind::Task => PbMessage::TaskSpec,
                EntityKind::Workflow => PbMessage::Workflow,
                EntityKind::LaunchPlan => PbMessage::LaunchPlan,
            }),
        }
    }
}

/// Why `inspect` printed nothing.
#[derive(Debug, thiserror::Error)]
enum InspectError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} is not a registration package (a gzipped tar of .pb files): {reason}")]
    NotAPackage { file: String, reason: String },
    #[error("--as is for a single .pb; {file} is a registration package (gzip)")]
    AsOnPackage { file: String },
    #[error(
        "cannot tell what {file} holds from its name ({TEMPLATE_PB} or {TASK_PB}, {INPUTS_PB} \
         or {OUTPUTS_PB}, {ERROR_PB}, a package's N_NAME_K.pb, or a .tgz package): say it with \
         --as template|taskspec|workflow|workflow-template|launch-plan|literals|error"
    )]
    UnknownName { file: String },
    #[error("{file}: {source}{hint}")]
    Decode {
        file: String,
        source: crate::proto::json::ProtoJsonError,
        hint: &'static str,
    },
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

/// One entity of a package, as listed.
#[derive(Debug, Clone, Serialize)]
struct Entity {
    /// Its file in the archive.
    file: String,
    /// `task`, `workflow`, `launch plan` (from the file name's mark).
    kind: &'static str,
    /// The entity's name (its id's; the file name's when it does not decode).
    name: String,
    /// Its id's version, when set (`package --version`).
    version: Option<String>,
    /// A task's type.
    task_type: Option<String>,
    /// A task's image (its container's, or its pod's primary container's).
    image: Option<String>,
    /// A launch plan's workflow.
    workflow: Option<String>,
    /// A workflow's nodes, described.
    nodes: Option<Vec<String>>,
    /// Inputs, each with its type (and for a launch plan, its default or `required`).
    inputs: Option<BTreeMap<String, String>>,
    /// Outputs, each with its type (a launch plan's only when its closure lists them).
    outputs: Option<BTreeMap<String, String>>,
    /// Why it was not decoded.
    not_decoded: Option<String>,
}

/// A package, as listed.
#[derive(Debug, Clone, Serialize)]
struct Listing {
    package: String,
    entities: Vec<Entity>,
    /// Files that are not entities (e.g. the source archive of a fast-registered package).
    other_files: Vec<String>,
}

/// `N_NAME_K.pb` (flytekit's package file name): the kind its mark K says, and NAME.
fn entity_of_file_name(file: &str) -> Option<(EntityKind, &str)> {
    let stem = file.strip_suffix(".pb")?;
    let (index, rest) = stem.split_once('_')?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (name, mark) = rest.rsplit_once('_')?;
    let kind = [
        EntityKind::Task,
        EntityKind::Workflow,
        EntityKind::LaunchPlan,
    ]
    .into_iter()
    .find(|k| mark == k.mark().to_string())?;
    (!name.is_empty()).then_some((kind, name))
}

/// The regular files of a gzipped tar, by file name, in archive order.
fn read_package(file: &str, tgz: &[u8]) -> Result<Vec<(String, Vec<u8>)>, InspectError> {
    let not_package = |e: std::io::Error| InspectError::NotAPackage {
        file: file.to_string(),
        reason: e.to_string(),
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut files = Vec::new();
    for entry in archive.entries().map_err(not_package)? {
        let mut entry = entry.map_err(not_package)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(not_package)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(not_package)?;
        files.push((name, bytes));
    }
    Ok(files)
}

fn variables(vars: Option<&core::VariableMap>) -> BTreeMap<String, String> {
    vars.map(|v| {
        v.variables
            .iter()
            .map(|(name, var)| (name.clone(), variable_type(var)))
            .collect()
    })
    .unwrap_or_default()
}

fn variable_type(var: &core::Variable) -> String {
    var.r#type
        .as_ref()
        .map_or_else(|| "no type".to_string(), describe_type)
}

fn id_name(id: Option<&core::Identifier>) -> Option<String> {
    id.map(|i| i.name.clone()).filter(|n| !n.is_empty())
}

fn id_version(id: Option<&core::Identifier>) -> Option<String> {
    id.map(|i| i.version.clone()).filter(|v| !v.is_empty())
}

/// A task's image: its container's, or its pod's primary container's.
fn image(template: &core::TaskTemplate) -> Option<String> {
    use core::task_template::Target;
    match &template.target {
        Some(Target::Container(c)) => Some(c.image.clone()),
        Some(Target::K8sPod(pod)) => {
            let primary = template.config.get(crate::pod::PRIMARY_CONTAINER_KEY)?;
            let spec = crate::types::struct_value::struct_to_json_object(pod.pod_spec.as_ref()?);
            spec.get("containers")?
                .as_array()?
                .iter()
                .find(|c| c.get("name").and_then(|n| n.as_str()) == Some(primary.as_str()))?
                .get("image")?
                .as_str()
                .map(str::to_string)
        }
        Some(Target::Sql(_)) | None => None,
    }
}

/// A node's id and what it runs: `n0: task NAME`, `n0: array node over task NAME`.
fn describe_node(node: &core::Node) -> String {
    format!("{}: {}", node.id, node_target(node))
}

/// The task a node runs (through an ArrayNode, the task of its sub-node).
fn node_target(node: &core::Node) -> String {
    use core::node::Target;
    match &node.target {
        Some(Target::TaskNode(t)) => match &t.reference {
            Some(core::task_node::Reference::ReferenceId(id)) => format!("task {}", id.name),
            None => "a task node without a task".to_string(),
        },
        Some(Target::ArrayNode(a)) => match a.node.as_deref() {
            Some(sub) => format!("array node over {}", node_target(sub)),
            None => "an array node without a sub-node".to_string(),
        },
        None => "a node of a kind flyte-rs does not read".to_string(),
    }
}

/// An entity described from its file name and bytes.
fn entity(file: String, kind: EntityKind, file_name: &str, bytes: &[u8]) -> Entity {
    let mut e = Entity {
        file,
        kind: kind.as_str(),
        name: file_name.to_string(),
        version: None,
        task_type: None,
        image: None,
        workflow: None,
        nodes: None,
        inputs: None,
        outputs: None,
        not_decoded: None,
    };
    let decoded = match kind {
        EntityKind::Task => admin::TaskSpec::decode(bytes).map(|spec| {
            let Some(t) = spec.template else {
                e.not_decoded = Some("the TaskSpec holds no template".to_string());
                return;
            };
            e.name = id_name(t.id.as_ref()).unwrap_or(e.name.clone());
            e.version = id_version(t.id.as_ref());
            e.task_type = Some(t.r#type.clone());
            e.image = image(&t);
            let interface = t.interface.as_ref();
            e.inputs = Some(variables(interface.and_then(|i| i.inputs.as_ref())));
            e.outputs = Some(variables(interface.and_then(|i| i.outputs.as_ref())));
        }),
        EntityKind::Workflow => admin::WorkflowSpec::decode(bytes).map(|spec| {
            let Some(t) = spec.template else {
                e.not_decoded = Some("the WorkflowSpec holds no template".to_string());
                return;
            };
            e.name = id_name(t.id.as_ref()).unwrap_or(e.name.clone());
            e.version = id_version(t.id.as_ref());
            e.nodes = Some(t.nodes.iter().map(describe_node).collect());
            let interface = t.interface.as_ref();
            e.inputs = Some(variables(interface.and_then(|i| i.inputs.as_ref())));
            e.outputs = Some(variables(interface.and_then(|i| i.outputs.as_ref())));
        }),
        EntityKind::LaunchPlan => admin::LaunchPlan::decode(bytes).map(|plan| {
            e.name = id_name(plan.id.as_ref()).unwrap_or(e.name.clone());
            e.version = id_version(plan.id.as_ref());
            let spec = plan.spec.unwrap_or_default();
            e.workflow = id_name(spec.workflow_id.as_ref());
            let mut inputs = BTreeMap::new();
            for (name, p) in spec
                .default_inputs
                .map(|d| d.parameters)
                .unwrap_or_default()
            {
                let t = p
                    .var
                    .as_ref()
                    .map_or_else(|| "no type".to_string(), variable_type);
                let behavior = match &p.behavior {
                    Some(core::parameter::Behavior::Default(l)) => {
                        format!("default {}", describe_literal(l))
                    }
                    Some(core::parameter::Behavior::Required(true)) => "required".to_string(),
                    Some(core::parameter::Behavior::Required(false)) | None => {
                        "optional".to_string()
                    }
                };
                inputs.insert(name, format!("{t}, {behavior}"));
            }
            for (name, l) in spec.fixed_inputs.map(|f| f.literals).unwrap_or_default() {
                inputs.insert(name, format!("fixed {}", describe_literal(&l)));
            }
            e.inputs = Some(inputs);
            // flytekit leaves the closure empty (Flyte fills it in at registration).
            e.outputs = plan
                .closure
                .and_then(|c| c.expected_outputs)
                .filter(|o| !o.variables.is_empty())
                .map(|o| variables(Some(&o)));
        }),
    };
    if let Err(err) = decoded {
        e.not_decoded = Some(format!("not a {}: {err}", full_name_of(kind)));
    }
    e
}

fn full_name_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Task => "flyteidl.admin.TaskSpec",
        EntityKind::Workflow => "flyteidl.admin.WorkflowSpec",
        EntityKind::LaunchPlan => "flyteidl.admin.LaunchPlan",
    }
}

/// What a package holds: its `.pb` entities (kind from the file name's mark) and other files.
fn list_package(file: &str, tgz: &[u8]) -> Result<Listing, InspectError> {
    let mut listing = Listing {
        package: file.to_string(),
        entities: Vec::new(),
        other_files: Vec::new(),
    };
    for (name, bytes) in read_package(file, tgz)? {
        match entity_of_file_name(&name) {
            Some((kind, entity_name)) => {
                let entity_name = entity_name.to_string();
                listing
                    .entities
                    .push(entity(name, kind, &entity_name, &bytes));
            }
            None => listing.other_files.push(name),
        }
    }
    Ok(listing)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A listing as text: a summary line, then one block per entity.
fn listing_text(listing: &Listing) -> String {
    let count = |kind: EntityKind| {
        listing
            .entities
            .iter()
            .filter(|e| e.kind == kind.as_str())
            .count()
    };
    let mut kinds = Vec::new();
    for (kind, one, many) in [
        (EntityKind::Task, "task", "tasks"),
        (EntityKind::Workflow, "workflow", "workflows"),
        (EntityKind::LaunchPlan, "launch plan", "launch plans"),
    ] {
        let n = count(kind);
        if n > 0 {
            kinds.push(plural(n, one, many));
        }
    }
    let mut out = format!(
        "{}: a registration package of {}",
        listing.package,
        plural(listing.entities.len(), "entity", "entities")
    );
    if !kinds.is_empty() {
        let _ = write!(out, " ({})", kinds.join(", "));
    }
    out.push('\n');
    for e in &listing.entities {
        let _ = write!(out, "\n{}  {} {}", e.file, e.kind, e.name);
        if let Some(v) = &e.version {
            let _ = write!(out, " (version {v})");
        }
        out.push('\n');
        if let Some(why) = &e.not_decoded {
            let _ = writeln!(out, "  not decoded: {why}");
            continue;
        }
        let mut field = |label: &str, lines: Vec<String>| {
            for (i, line) in lines.iter().enumerate() {
                let label = if i == 0 { label } else { "" };
                let _ = writeln!(out, "  {label:<9} {line}");
            }
        };
        if let Some(t) = &e.task_type {
            field("type", vec![t.clone()]);
            field(
                "image",
                vec![e
                    .image
                    .clone()
                    .unwrap_or_else(|| "none (no container)".to_string())],
            );
        }
        if let Some(w) = &e.workflow {
            field("workflow", vec![w.clone()]);
        }
        if let Some(nodes) = &e.nodes {
            field(
                "nodes",
                if nodes.is_empty() {
                    vec!["none".to_string()]
                } else {
                    nodes.clone()
                },
            );
        }
        for (label, vars) in [("inputs", &e.inputs), ("outputs", &e.outputs)] {
            if let Some(vars) = vars {
                let lines = if vars.is_empty() {
                    vec!["none".to_string()]
                } else {
                    vars.iter().map(|(n, t)| format!("{n}: {t}")).collect()
                };
                field(label, lines);
            }
        }
        if e.kind == EntityKind::LaunchPlan.as_str() && e.outputs.is_none() {
            field(
                "outputs",
                vec!["its workflow's (Flyte fills them in at registration)".to_string()],
            );
        }
    }
    if !listing.other_files.is_empty() {
        let _ = writeln!(
            out,
            "\nother files (not entities): {}",
            listing.other_files.join(", ")
        );
    }
    out
}

/// How many fields of `bytes`, read as `full_name`, are not in our IDL subset (at any depth).
fn unknown_fields(full_name: &str, bytes: &[u8]) -> usize {
    fn in_message(m: &DynamicMessage) -> usize {
        m.unknown_fields().count() + m.fields().map(|(_, v)| in_value(v)).sum::<usize>()
    }
    fn in_value(v: &PbValue) -> usize {
        match v {
            PbValue::Message(m) => in_message(m),
            PbValue::List(values) => values.iter().map(in_value).sum(),
            PbValue::Map(map) => map.values().map(in_value).sum(),
            _ => 0,
        }
    }
    DescriptorPool::decode(crate::proto::FILE_DESCRIPTOR_SET)
        .ok()
        .and_then(|pool| pool.get_message_by_name(full_name))
        .and_then(|d| DynamicMessage::decode(d, bytes).ok())
        .map_or(0, |m| in_message(&m))
}

/// A single `.pb` as pretty protobuf JSON (and a note on stderr about fields left out).
fn pb_json(
    file: &str,
    bytes: &[u8],
    message: PbMessage,
    by_name: bool,
) -> Result<String, InspectError> {
    let full_name = message.full_name();
    let json =
        crate::proto::json::to_json(full_name, bytes).map_err(|source| InspectError::Decode {
            file: file.to_string(),
            source,
            hint: if by_name {
                " (what its name says it holds; another --as may fit)"
            } else {
                ""
            },
        })?;
    let unknown = unknown_fields(full_name, bytes);
    if unknown > 0 {
        eprintln!(
            "note: {file}: {} not in flyte-rs's Flyte IDL subset, left out (or it is not a \
             `{full_name}`: see --as)",
            plural(unknown, "field is", "fields are")
        );
    }
    let mut text = serde_json::to_string_pretty(&json)?;
    text.push('\n');
    Ok(text)
}

/// What `inspect` prints for `args`.
fn try_inspect(args: &InspectArgs) -> Result<String, InspectError> {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|source| InspectError::Read {
        file: file.clone(),
        source,
    })?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let gzip = bytes.starts_with(&[0x1f, 0x8b]);
    if gzip {
        if args.as_message.is_some() {
            return Err(InspectError::AsOnPackage { file });
        }
        let listing = list_package(&file, &bytes)?;
        return match args.format {
            InspectFormat::Text => Ok(listing_text(&listing)),
            InspectFormat::Json => {
                let mut text = serde_json::to_string_pretty(&listing)?;
                text.push('\n');
                Ok(text)
            }
        };
    }
    if args.as_message.is_none() && is_package_name(&args.file) {
        return Err(InspectError::NotAPackage {
            file,
            reason: "it does not start with gzip's magic bytes".to_string(),
        });
    }
    match (args.as_message, PbMessage::from_file_name(&name)) {
        (Some(message), _) => pb_json(&file, &bytes, message, false),
        (None, Some(message)) => pb_json(&file, &bytes, message, true),
        (None, None) => Err(InspectError::UnknownName { file }),
    }
}

fn is_package_name(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

pub(crate) fn inspect(args: InspectArgs) -> ExitCode {
    let result = try_inspect(&args).and_then(|text| {
        use std::io::Write;
        std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(InspectError::Stdout)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_file_names_give_kind_and_name_as_flytekit_writes_them() {
        assert_eq!(
            entity_of_file_name("03_demo.my_task_1.pb"),
            Some((EntityKind::Task, "demo.my_task"))
        );
        assert_eq!(
            entity_of_file_name("9_wf_2.pb"),
            Some((EntityKind::Workflow, "wf"))
        );
        assert_eq!(
            entity_of_file_name("10_examples.map_add_label_3.pb"),
            Some((EntityKind::LaunchPlan, "examples.map_add_label"))
        );
        for not in [
            "x_1.pb",
            "1_a_4.pb",
            "1__1.pb",
            "1_a_1.json",
            "outputs.pb",
            "_a_1.pb",
        ] {
            assert_eq!(entity_of_file_name(not), None, "{not}");
        }
        assert_eq!(
            PbMessage::from_file_name("outputs.pb"),
            Some(PbMessage::Literals)
        );
        assert_eq!(
            PbMessage::from_file_name("1_a_3.pb"),
            Some(PbMessage::LaunchPlan)
        );
        assert_eq!(PbMessage::from_file_name("add_task.pb"), None);
    }

    #[test]
    fn an_entity_that_does_not_decode_is_listed_with_the_reason() {
        let e = entity(
            "0_a_1.pb".to_string(),
            EntityKind::Task,
            "a",
            &[0xff, 0xff, 0xff],
        );
        assert_eq!((e.kind, e.name.as_str()), ("task", "a"));
        let why = e.not_decoded.unwrap_or_default();
        assert!(why.starts_with("not a flyteidl.admin.TaskSpec"), "{why}");
    }

    #[test]
    fn unknown_fields_are_counted_at_any_depth() {
        let t = core::TaskTemplate {
            r#type: "x".to_string(),
            ..Default::default()
        };
        let mut bytes = t.encode_to_vec();
        assert_eq!(unknown_fields("flyteidl.core.TaskTemplate", &bytes), 0);
        // Field 99, varint 1: not in TaskTemplate.
        bytes.extend([0x98, 0x06, 0x01]);
        assert_eq!(unknown_fields("flyteidl.core.TaskTemplate", &bytes), 1);
    }
}
