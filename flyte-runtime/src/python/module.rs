//! Renders the Python module of everything a binary registers: the shared runtime
//! (`runtime.py`, the same in every module), then a dataclass per struct the interfaces use
//! (see `dataclasses`), per task type a configuration class and a task class, per registered
//! container task a ready-made task object, and per registered map a function returning its
//! reference launch plan. Everything is sorted, nothing depends on the time or the machine:
//! the same binary writes the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use base64::Engine as _;
use prost::Message as _;

use super::annotation::{annotation_with, Named, NoAnnotation};
use super::dataclasses::{reserved_names, Dataclasses};
use super::source::{docstring, identifier, py_str, RUNTIME};
use crate::contract::{LoaderArgs, Resolver};
use crate::proto::core::{LiteralType, VariableMap};
use crate::task::config_schema::{ConfigSchema, ConfigType};
use crate::task::registry::{self, RegistryError};
use crate::task::{default_args, SerializationSettings, TaskKind, TaskTypeInfo};

/// Why the module could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PythonModuleError {
    /// The registry is inconsistent (a duplicate name).
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A registered task's or map's template could not be built.
    #[error("cannot build the template of `{name}`: {message}")]
    Template {
        /// The task or map.
        name: String,
        /// Why.
        message: String,
    },
    /// A variable's type has no Python counterpart.
    #[error("`{name}`: {which} `{var}`: {source}")]
    Type {
        /// The task type, task or map.
        name: String,
        /// `input` or `output`.
        which: &'static str,
        /// The variable.
        var: String,
        /// Which type.
        source: NoAnnotation,
    },
    /// Two entities would get the same Python name.
    #[error("`{first}` and `{second}` would both be `{python}` in Python; rename one")]
    NameClash {
        /// The Python name.
        python: String,
        /// One entity.
        first: String,
        /// The other.
        second: String,
    },
}

fn type_spec(t: &ConfigType) -> String {
    match t {
        ConfigType::Str => "(\"str\",)".into(),
        ConfigType::Int => "(\"int\",)".into(),
        ConfigType::Float => "(\"float\",)".into(),
        ConfigType::Bool => "(\"bool\",)".into(),
        ConfigType::Optional(inner) => format!("(\"optional\", {})", type_spec(inner)),
        ConfigType::List(inner) => format!("(\"list\", {})", type_spec(inner)),
        ConfigType::Map(inner) => format!("(\"map\", {})", type_spec(inner)),
        _ => "(\"any\",)".into(),
    }
}

fn type_hint(t: &ConfigType) -> String {
    match t {
        ConfigType::Str => "str".into(),
        ConfigType::Int => "int".into(),
        ConfigType::Float => "float".into(),
        ConfigType::Bool => "bool".into(),
        ConfigType::Optional(inner) => format!("typing.Optional[{}]", type_hint(inner)),
        ConfigType::List(inner) => format!("typing.List[{}]", type_hint(inner)),
        ConfigType::Map(inner) => format!("typing.Dict[str, {}]", type_hint(inner)),
        _ => "typing.Any".into(),
    }
}

/// A JSON value as a Python default: a literal for a scalar, a factory for a list or map.
fn default_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => py_str(s),
        other => format!(
            "dataclasses.field(default_factory=lambda: json.loads({}))",
            py_str(&other.to_string())
        ),
    }
}

fn config_class(class: &str, schema: &ConfigSchema, task_type: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "@dataclasses.dataclass\nclass {class}(RustConfig):");
    let mut doc = if schema.doc.is_empty() {
        format!("The configuration of task type `{task_type}`.")
    } else {
        schema.doc.to_string()
    };
    if let Some(why) = schema.opaque {
        let _ = write!(
            doc,
            "\n\nIts fields are not described ({why}): give them as keyword arguments; the \
             executor checks them."
        );
    }
    out.push_str(&docstring(&doc, "    "));
    if schema.opaque.is_some() {
        let _ = writeln!(
            out,
            "\n    def __init__(self, **fields):\n        self._opaque = dict(fields)\n\n    \
             def to_custom(self):\n        return dict(self._opaque)\n"
        );
        return out;
    }
    // Fields without a default first (a dataclass requires it); each keeps its doc.
    let (required, defaulted): (Vec<_>, Vec<_>) = schema
        .fields
        .iter()
        .partition(|f| f.default.is_none() && !matches!(f.ty, ConfigType::Optional(_)));
    for f in required.iter().chain(defaulted.iter()) {
        let name = identifier(f.name);
        let default = match (&f.default, &f.ty) {
            (Some(v), _) => format!(" = {}", default_value(v)),
            (None, ConfigType::Optional(_)) => " = None".into(),
            (None, _) => String::new(),
        };
        let _ = writeln!(out, "\n    {name}: {}{default}", type_hint(&f.ty));
        if !f.doc.is_empty() {
            out.push_str(&docstring(f.doc, "    "));
        }
    }
    let fields: Vec<String> = schema
        .fields
        .iter()
        .map(|f| {
            format!(
                "\n        ({}, {}, {}, {}),",
                py_str(&identifier(f.name)),
                py_str(f.key),
                type_spec(&f.ty),
                if f.skip_if_none { "True" } else { "False" }
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n    _FIELDS: typing.ClassVar[typing.Tuple] = ({}\n    )",
        fields.concat()
    );
    out
}

/// The Python types of `vars` (`named` names the module's dataclasses).
fn interface_dict(
    name: &str,
    which: &'static str,
    vars: &[(String, LiteralType)],
    named: Named,
) -> Result<String, PythonModuleError> {
    let entries = vars
        .iter()
        .map(|(var, t)| {
            annotation_with(t, named)
                .map(|a| format!("({}, {a})", py_str(var)))
                .map_err(|source| PythonModuleError::Type {
                    name: name.to_string(),
                    which,
                    var: var.clone(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("collections.OrderedDict([{}])", entries.join(", ")))
}

fn variables(map: Option<&VariableMap>) -> Vec<(String, LiteralType)> {
    // A VariableMap (a protobuf map) has no order; sorted by name, the module is the same
    // every time.
    let mut vars: Vec<(String, LiteralType)> = map
        .map(|m| {
            m.variables
                .iter()
                .map(|(k, v)| (k.clone(), v.r#type.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    vars
}

/// The Python inputs and outputs of a template (`name` names it in errors).
fn template_interface(
    name: &str,
    template: &crate::proto::core::TaskTemplate,
    named: Named,
) -> Result<(String, String), PythonModuleError> {
    let interface = template.interface.as_ref();
    Ok((
        interface_dict(
            name,
            "input",
            &variables(interface.and_then(|i| i.inputs.as_ref())),
            named,
        )?,
        interface_dict(
            name,
            "output",
            &variables(interface.and_then(|i| i.outputs.as_ref())),
            named,
        )?,
    ))
}

/// A side of the interface a task type fixes: its Python types, and its Flyte types as the
/// binary writes them (a struct's JSON schema, say, which no Python type carries) with their
/// descriptions, base64 of their VariableMap. `None` for both where each task declares its own.
fn fixed_side(
    task_type: &str,
    which: &'static str,
    vars: &Option<Vec<(&'static str, LiteralType)>>,
    descriptions: &BTreeMap<&'static str, &'static str>,
    named: Named,
) -> Result<(String, String), PythonModuleError> {
    let Some(vars) = vars else {
        return Ok(("None".to_string(), "None".to_string()));
    };
    let vars: Vec<(String, LiteralType)> = vars
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let flyte = base64::engine::general_purpose::STANDARD
        .encode(crate::task::described_variable_map(&vars, descriptions).encode_to_vec());
    Ok((
        interface_dict(task_type, which, &vars, named)?,
        py_str(&flyte),
    ))
}

fn task_class(
    info: &TaskTypeInfo,
    class: &str,
    config: &str,
    named: Named,
) -> Result<String, PythonModuleError> {
    let loader = LoaderArgs::Template {
        template: LoaderArgs::TEMPLATE_PATH.to_string(),
        executor: info.executor_path.to_string(),
    };
    let args = default_args(
        info.entrypoint,
        Resolver::Template.name(),
        &loader.to_args(),
    );
    let (inputs, input_types) = fixed_side(
        info.task_type,
        "input",
        &info.inputs,
        &info.input_descriptions,
        named,
    )?;
    let (outputs, output_types) = fixed_side(
        info.task_type,
        "output",
        &info.outputs,
        &info.output_descriptions,
        named,
    )?;
    let per_instance = match (&info.inputs, &info.outputs) {
        (None, None) => "Each task declares its inputs and outputs (`inputs=`, `outputs=`).",
        (None, Some(_)) => "Each task declares its inputs (`inputs=`); the outputs are fixed.",
        (Some(_), None) => "Each task declares its outputs (`outputs=`); the inputs are fixed.",
        (Some(_), Some(_)) => "The inputs and outputs are fixed by the task type.",
    };
    let doc = format!(
        "Task type `{}`, run by `{}` in image `{}`.\n\n\
         Give the configuration as `config={config}(...)` or as its fields. {per_instance}\n\
         Task options: container_image, requests, limits, environment, secret_requests,\n\
         retries, timeout, cache, cache_version, cache_serialize, cache_ignore_input_vars,\n\
         interruptible, pod_template, pod_template_name, accelerator, shared_memory, docs,\n\
         enable_deck (its runs leave a deck, `TaskMetadata.generates_deck`; default {}).",
        info.task_type,
        info.executor_path,
        info.image,
        if info.enable_deck {
            "True"
        } else {
            "False, as the task type says"
        }
    );
    let mut out = format!("class {class}(RustTask):\n");
    out.push_str(&docstring(&doc, "    "));
    let _ = write!(
        out,
        "\n    _TASK_TYPE = {}\n    _TASK_TYPE_VERSION = {}\n    _IMAGE = {}\n    _ARGS = [{}]\n    \
         _CONFIG = {config}\n    _INPUTS = {inputs}\n    _OUTPUTS = {outputs}\n    \
         _INPUT_TYPES = {input_types}\n    _OUTPUT_TYPES = {output_types}\n    _ENABLE_DECK = {}\n",
        py_str(info.task_type),
        info.task_type_version,
        py_str(&info.image),
        args.iter().map(|a| py_str(a)).collect::<Vec<_>>().join(", "),
        if info.enable_deck { "True" } else { "False" },
    );
    Ok(out)
}

/// Claims Python names, reporting two entities that would share one.
#[derive(Default)]
struct Names(std::collections::BTreeMap<String, String>);

impl Names {
    fn claim(&mut self, python: String, entity: &str) -> Result<String, PythonModuleError> {
        match self.0.insert(python.clone(), entity.to_string()) {
            Some(first) if first != entity => Err(PythonModuleError::NameClash {
                python,
                first,
                second: entity.to_string(),
            }),
            _ => Ok(python),
        }
    }
}

/// A section of the module: a ruled comment line, then its code.
fn section(title: &str, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    format!(
        "\n\n# -- {title} {}\n{code}",
        "-".repeat(80usize.saturating_sub(title.chars().count() + 6))
    )
}

/// The configuration class and the task class of one task type.
fn task_type(
    entry: &registry::TaskTypeEntry,
    info: &TaskTypeInfo,
    names: &mut Names,
    named: Named,
) -> Result<(Vec<String>, String), PythonModuleError> {
    let rust_name = entry
        .rust_type
        .rsplit("::")
        .next()
        .unwrap_or(entry.rust_type);
    let class = names.claim(identifier(rust_name), entry.rust_type)?;
    let config = names.claim(format!("{class}Config"), entry.rust_type)?;
    let code = format!(
        "\n\n{}\n\n{}",
        config_class(&config, &info.config, info.task_type),
        task_class(info, &class, &config, named)?
    );
    Ok((vec![class, config], code))
}

/// A registered container task as a ready-made task object carrying the binary's template.
fn ready_made(
    registered: &registry::RegisteredInstance,
    binary: &str,
    names: &mut Names,
    named: Named,
) -> Result<(String, String), PythonModuleError> {
    let task = &registered.instance;
    let name = task.name().to_string();
    let spec = task
        .task_spec(&SerializationSettings::default())
        .map_err(|e| PythonModuleError::Template {
            name: name.clone(),
            message: e.to_string(),
        })?;
    let template = spec.template.unwrap_or_default();
    let (inputs, outputs) = template_interface(&name, &template, named)?;
    let docs = spec
        .description
        .and_then(|d| d.long_description)
        .and_then(|d| match d.content {
            Some(crate::proto::admin::description::Content::Value(text)) => Some(text),
            _ => None,
        })
        .map(|text| format!("    docs={},\n", py_str(&text)))
        .unwrap_or_default();
    let bytes = crate::proto::encode_task_template(&template);
    let python = names.claim(identifier(&name), &name)?;
    let code = format!(
        "\n#: `{name}` ({}), registered in {binary} at {}.\n{python} = RegisteredTask(\n    {},\n    \
         template={},\n    inputs={inputs},\n    outputs={outputs},\n{docs})\n",
        task.task_type(),
        registered.registered_at,
        py_str(&name),
        py_str(&base64::engine::general_purpose::STANDARD.encode(bytes)),
    );
    Ok((python, code))
}

/// A registered map as a function returning its reference launch plan.
fn map_launch_plan(
    map: &crate::task::MapTask,
    binary: &str,
    names: &mut Names,
    named: Named,
) -> Result<(String, String), PythonModuleError> {
    let name = map.name();
    let template = map
        .template(&SerializationSettings::default())
        .map_err(|e| PythonModuleError::Template {
            name: name.clone(),
            message: e.to_string(),
        })?;
    let (inputs, outputs) = template_interface(&name, &template, named)?;
    let python = names.claim(identifier(&name), &name)?;
    let doc = format!(
        "The map `{name}` over `{}` (registered by `{binary} package`), as a reference launch plan.\n\n\
         Its launch plan must be registered in `project`/`domain` at `version`. A workflow\n\
         calls it like a task; locally, flytekit cannot run a reference launch plan.",
        map.task().name()
    );
    // flytekit would describe each variable by its name; the registered launch plan
    // describes them as the map's template does.
    let interface = template.interface.as_ref();
    let code = format!(
        "\ndef {python}(project: str, domain: str, version: str) -> ReferenceLaunchPlan:\n{}    \
         return _described_reference(\n        ReferenceLaunchPlan(project, domain, {}, version,\n                            \
         inputs={inputs},\n                            outputs={outputs}),\n        \
         {},\n        {})\n\n",
        docstring(&doc, "    "),
        py_str(&name),
        descriptions_dict(interface.and_then(|i| i.inputs.as_ref())),
        descriptions_dict(interface.and_then(|i| i.outputs.as_ref())),
    );
    Ok((python, code))
}

/// Each variable's description, as a Python dict sorted by name.
fn descriptions_dict(map: Option<&VariableMap>) -> String {
    let sorted: BTreeMap<&str, &str> = map
        .into_iter()
        .flat_map(|m| m.variables.iter())
        .map(|(k, v)| (k.as_str(), v.description.as_str()))
        .collect();
    let entries: Vec<String> = sorted
        .iter()
        .map(|(k, d)| format!("{}: {}", py_str(k), py_str(d)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// The code of the task types, ready-made tasks and maps the binary registers.
struct Entities {
    /// Their sections of the module.
    body: String,
    /// The Python names they export.
    exported: BTreeSet<String>,
    /// The task types' crate versions.
    versions: BTreeSet<&'static str>,
    /// Every Python name they take.
    names: Names,
}

/// The code of everything the binary registers (`named` names the structs' dataclasses).
fn entities(binary: &str, named: Named) -> Result<Entities, PythonModuleError> {
    let mut names = Names::default();
    let mut exported = BTreeSet::new();
    let mut versions = BTreeSet::new();
    let mut body = String::new();

    for entry in registry::task_types() {
        let info = (entry.describe)();
        versions.insert(info.version);
        let (classes, code) = task_type(entry, &info, &mut names, named)?;
        body.push_str(&section(
            &format!("task type `{}` ({})", info.task_type, entry.rust_type),
            &code,
        ));
        exported.extend(classes);
    }

    let mut ready = String::new();
    for registered in registry::instances()? {
        if matches!(registered.instance.kind(), TaskKind::Container { .. }) {
            let (python, code) = ready_made(&registered, binary, &mut names, named)?;
            ready.push_str(&code);
            exported.insert(python);
        }
    }
    body.push_str(&section(
        "ready-made tasks (registered in the binary)",
        &ready,
    ));

    let mut launch_plans = String::new();
    for registered in registry::maps()? {
        let (python, code) = map_launch_plan(&registered.map, binary, &mut names, named)?;
        launch_plans.push_str(&code);
        exported.insert(python);
    }
    body.push_str(&section("maps (registered launch plans)", &launch_plans));
    Ok(Entities {
        body,
        exported,
        versions,
        names,
    })
}

/// The Python module of everything this binary registers; `binary` (the program's name) goes
/// into its header with the task types' crate versions.
pub fn python_module(binary: &str) -> Result<String, PythonModuleError> {
    // Written once with every struct a dict, to find the structs and the names taken; then
    // with a dataclass for each struct, defined before the classes whose types use it.
    let structs = std::cell::RefCell::new(Vec::new());
    let first = entities(binary, &|t| {
        if t.metadata.is_some() {
            structs.borrow_mut().push(t.clone());
        }
        None
    })?;
    let mut taken = reserved_names(RUNTIME);
    taken.extend(first.names.0.into_keys());
    taken.extend(["BINARY".to_string(), "VERSION".to_string()]);
    let dataclasses = Dataclasses::new(structs.borrow().iter(), &taken, binary);
    let Entities {
        body,
        mut exported,
        versions,
        ..
    } = entities(binary, &|t| dataclasses.class_of(t))?;
    exported.extend(dataclasses.names().cloned());
    let body = format!(
        "{}{body}",
        section("struct dataclasses", dataclasses.code())
    );

    let version = versions.into_iter().collect::<Vec<_>>().join(", ");
    let all = exported
        .iter()
        .map(|e| format!("    {},\n", py_str(e)))
        .collect::<String>();
    Ok(format!(
        "# Generated by `{binary} python-module` ({binary} {version}, flyte-rs {}). Do not edit:\n\
         # regenerate it with the binary whose tasks it describes.\n\
         \"\"\"Flyte task types of `{binary}` {version} for flytekit 1.16 workflows.\n\n\
         Each task type has a configuration class and a task class; tasks run in the task type's\n\
         image on a cluster, and locally through `{binary}` itself (on PATH, or named by\n\
         FLYTE_RS_BINARY; FLYTE_RS_DOCKER=1 runs the image instead).\n\"\"\"\n\
         \n{}{body}\n\n__all__ = [\n    \"RustConfigError\",\n    \"RustTaskError\",\n{all}]\n",
        crate::task::RUNTIME_VERSION,
        RUNTIME.replacen(
            "# -- settings --\n",
            &format!(
                "#: The binary that wrote this module, and its version.\nBINARY = {}\nVERSION = {}\n",
                py_str(binary),
                py_str(&version)
            ),
            1,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_python_identifiers() {
        assert_eq!(
            identifier("examples.map_add_label"),
            "examples_map_add_label"
        );
        assert_eq!(identifier("3d-render"), "_3d_render");
        assert_eq!(identifier("class"), "class_");
        assert_eq!(identifier(""), "_");
    }

    #[test]
    fn defaults_are_python_values_and_mutable_ones_factories() {
        assert_eq!(default_value(&serde_json::json!(true)), "True");
        assert_eq!(default_value(&serde_json::json!(null)), "None");
        assert_eq!(default_value(&serde_json::json!("a\"b")), "\"a\\\"b\"");
        assert_eq!(default_value(&serde_json::json!(1.5)), "1.5");
        assert_eq!(
            default_value(&serde_json::json!([1])),
            "dataclasses.field(default_factory=lambda: json.loads(\"[1]\"))"
        );
    }

    #[test]
    fn docstrings_escape_quotes_and_keep_one_line_short() {
        assert_eq!(
            docstring("One line.", "    "),
            "    \"\"\"One line.\"\"\"\n"
        );
        assert_eq!(
            docstring("Say \"\"\"hi\"\"\".\n\nMore.", ""),
            "\"\"\"Say \\\"\\\"\\\"hi\\\"\\\"\\\".\n\nMore.\n\"\"\"\n"
        );
    }

    #[test]
    fn a_task_class_takes_its_deck_default_from_the_task_type() {
        let info = |enable_deck| TaskTypeInfo {
            task_type: "t",
            task_type_version: 0,
            version: "0.1.0",
            image: "i".into(),
            entrypoint: "bin",
            executor_path: "x",
            inputs: None,
            outputs: None,
            input_descriptions: BTreeMap::new(),
            output_descriptions: BTreeMap::new(),
            config: ConfigSchema::default(),
            enable_deck,
        };
        let class = |on| task_class(&info(on), "T", "TConfig", &|_| None).expect("class");
        assert!(class(true).contains("\n    _ENABLE_DECK = True\n"));
        let off = class(false);
        assert!(off.contains("\n    _ENABLE_DECK = False\n"), "{off}");
        assert!(
            off.contains("default False, as the task type says"),
            "{off}"
        );
    }

    #[test]
    fn two_entities_with_one_python_name_are_refused() {
        let mut names = Names::default();
        assert!(names.claim("a_b".into(), "a.b").is_ok());
        assert!(names.claim("a_b".into(), "a.b").is_ok());
        let e = names.claim("a_b".into(), "a-b").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`a.b` and `a-b` would both be `a_b` in Python; rename one"
        );
    }
}
