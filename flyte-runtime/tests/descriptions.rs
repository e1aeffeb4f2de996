//! Doc comments become descriptions, as flytekit's docstrings do: a `#[derive(TaskIo)]`
//! field's `///` is its interface variable's `description` (a field without one is described
//! by its name, as flytekit describes a variable its docstring says nothing of), kept by maps
//! and their elements; a `#[derive(FlyteType)]` struct field's `///` is the `description` of
//! its property in the struct's JSON schema.

use flyte_runtime::__private::execute::{all_element_inputs, MapOver};
use flyte_runtime::prelude::*;
use flyte_runtime::proto::core::{LiteralMap, LiteralType, TaskTemplate, VariableMap};
use flyte_runtime::task::registry::TaskPlugins;
use flyte_runtime::task::{map_template, SerializationSettings, TaskIo};
use flyte_runtime::types::struct_value::struct_to_json_object;

/// The inputs.
#[derive(TaskIo)]
pub struct DocIn {
    /// How many items to take.
    ///
    /// At most 100;
    ///   a negative count takes none.
    pub count: i64,
    // No doc comment: described by its name.
    #[allow(missing_docs)]
    pub label: String,
    /// The scale, renamed.
    #[flyte(rename = "scale_factor")]
    pub scale: f64,
}

/// The outputs.
#[derive(TaskIo)]
pub struct DocOut {
    /// The items taken.
    pub items: Vec<i64>,
}

/// Inputs written by hand, without `DESCRIPTIONS`: the default describes each by its name.
pub struct HandIn {
    /// Not read: a hand-written impl has no descriptions unless it says them.
    pub n: i64,
}

impl TaskIo for HandIn {
    const NAMES: &'static [&'static str] = &["n"];
    fn variables() -> Option<Vec<(&'static str, LiteralType)>> {
        Some(vec![("n", i64::literal_type())])
    }
    fn from_literal_map(map: &LiteralMap) -> Result<Self, flyte_runtime::types::TypeError> {
        Ok(Self {
            n: flyte_runtime::types::read_variable(map, "n")?,
        })
    }
    fn to_literal_map(&self) -> LiteralMap {
        let mut map = LiteralMap::default();
        map.literals.insert("n".into(), self.n.to_literal());
        map
    }
}

/// Fixed inputs and outputs.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "described", image = "example.com/img:1", executor = Takes, inputs = DocIn, outputs = DocOut)]
pub struct Described {}

/// Takes `count` items.
#[derive(Default)]
pub struct Takes;

#[shim_executor]
impl ShimTaskExecutor for Takes {
    type Task = Described;
    fn execute_from_model(
        &self,
        _: &ExecutionContext,
        _: Described,
        i: DocIn,
    ) -> Result<DocOut, TaskError> {
        Ok(DocOut {
            items: (0..i.count).collect(),
        })
    }
}

/// Fixed inputs, outputs declared per instance.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "described-half", image = "example.com/img:1", executor = Half, inputs = DocIn)]
pub struct HalfDescribed {}

/// Returns nothing.
#[derive(Default)]
pub struct Half;

#[shim_executor]
impl ShimTaskExecutor for Half {
    type Task = HalfDescribed;
    fn execute_from_model(
        &self,
        _: &ExecutionContext,
        _: HalfDescribed,
        _: DocIn,
    ) -> Result<Literals, TaskError> {
        Ok(Literals::new())
    }
}

/// Inputs written by hand.
#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "described-by-hand", image = "example.com/img:1", executor = ByHand, inputs = HandIn)]
pub struct ByHandTask {}

/// Returns nothing.
#[derive(Default)]
pub struct ByHand;

#[shim_executor]
impl ShimTaskExecutor for ByHand {
    type Task = ByHandTask;
    fn execute_from_model(
        &self,
        _: &ExecutionContext,
        _: ByHandTask,
        _: HandIn,
    ) -> Result<Literals, TaskError> {
        Ok(Literals::new())
    }
}

const COUNT_DOC: &str = "How many items to take.\n\nAt most 100;\n  a negative count takes none.";

/// Each variable's description, by name.
fn descriptions(vars: Option<&VariableMap>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vars
        .map(|m| {
            m.variables
                .iter()
                .map(|(n, v)| (n.clone(), v.description.clone()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = want
        .iter()
        .map(|(n, d)| (n.to_string(), d.to_string()))
        .collect();
    out.sort();
    out
}

fn inputs_of(t: &TaskTemplate) -> Vec<(String, String)> {
    descriptions(t.interface.as_ref().and_then(|i| i.inputs.as_ref()))
}

fn outputs_of(t: &TaskTemplate) -> Vec<(String, String)> {
    descriptions(t.interface.as_ref().and_then(|i| i.outputs.as_ref()))
}

#[test]
fn the_derive_reads_each_fields_doc_comment_in_declaration_order() {
    assert_eq!(DocIn::NAMES, ["count", "label", "scale_factor"]);
    assert_eq!(DocIn::DESCRIPTIONS, [COUNT_DOC, "", "The scale, renamed."]);
    assert!(HandIn::DESCRIPTIONS.is_empty());
}

#[test]
fn a_documented_variable_is_described_by_its_doc_comment_another_by_its_name() {
    let t = TaskInstance::new("d.take", Described {})
        .template(&SerializationSettings::default())
        .expect("valid task");
    let want_inputs = pairs(&[
        ("count", COUNT_DOC),
        ("label", "label"),
        ("scale_factor", "The scale, renamed."),
    ]);
    assert_eq!(inputs_of(&t), want_inputs);
    assert_eq!(outputs_of(&t), pairs(&[("items", "The items taken.")]));

    // A side declared per instance is described by its names; the fixed side keeps its docs.
    let half = TaskInstance::new("d.half", HalfDescribed {})
        .output::<i64>("total")
        .template(&SerializationSettings::default())
        .expect("valid task");
    assert_eq!(inputs_of(&half), want_inputs);
    assert_eq!(outputs_of(&half), pairs(&[("total", "total")]));

    // A TaskIo written by hand, without DESCRIPTIONS.
    let hand = TaskInstance::new("d.hand", ByHandTask {})
        .template(&SerializationSettings::default())
        .expect("valid task");
    assert_eq!(inputs_of(&hand), pairs(&[("n", "n")]));
}

#[test]
fn the_task_types_description_carries_the_docs_for_tools_outside_rust() {
    let info = (TaskPlugins::for_task_type("described")
        .expect("registered")
        .describe)();
    assert_eq!(
        info.input_descriptions.into_iter().collect::<Vec<_>>(),
        [
            ("count", COUNT_DOC),
            ("scale_factor", "The scale, renamed.")
        ]
    );
    assert_eq!(
        info.output_descriptions.into_iter().collect::<Vec<_>>(),
        [("items", "The items taken.")]
    );
}

#[test]
fn maps_and_their_elements_keep_the_descriptions() {
    let settings = SerializationSettings::default();
    let task = TaskInstance::new("d.take", Described {});
    let want_inputs = pairs(&[
        ("count", COUNT_DOC),
        ("label", "label"),
        ("scale_factor", "The scale, renamed."),
    ]);
    let want_outputs = pairs(&[("items", "The items taken.")]);

    let inner = task.template(&settings).expect("valid task");
    let map = map_template(&inner, &["label"]).expect("mappable");
    assert_eq!(inputs_of(&map), want_inputs);
    assert_eq!(outputs_of(&map), want_outputs);

    let map_task = TaskInstance::new("d.take", Described {})
        .map()
        .bound("label")
        .min_success_ratio(0.5);
    let (spec, workflow, plan) = map_task.specs(&settings).expect("valid map");
    let template = spec.template.expect("a template");
    assert_eq!(inputs_of(&template), want_inputs);
    assert_eq!(outputs_of(&template), want_outputs);
    let wf = workflow.template.expect("a workflow");
    let wf_interface = wf.interface.as_ref();
    assert_eq!(
        descriptions(wf_interface.and_then(|i| i.inputs.as_ref())),
        want_inputs
    );
    assert_eq!(
        descriptions(wf_interface.and_then(|i| i.outputs.as_ref())),
        want_outputs
    );
    let mut params: Vec<(String, String)> = plan
        .spec
        .and_then(|s| s.default_inputs)
        .map(|p| {
            p.parameters
                .into_iter()
                .map(|(n, p)| (n, p.var.map(|v| v.description).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    params.sort();
    assert_eq!(params, want_inputs);

    // The element's template: element types again, the same descriptions.
    let inputs = LiteralMap {
        literals: [
            ("count".to_string(), vec![1_i64, 2].to_literal()),
            ("label".to_string(), "l".to_string().to_literal()),
            ("scale_factor".to_string(), vec![0.5_f64, 2.0].to_literal()),
        ]
        .into(),
    };
    let over = MapOver {
        bound: ["label".to_string()].into(),
    };
    let (_, element) = all_element_inputs("d.take", &template, inputs, &over).expect("splits");
    let element_inputs = element.interface.as_ref().and_then(|i| i.inputs.as_ref());
    assert_eq!(
        element_inputs.map(|m| m.variables["count"].r#type.clone()),
        Some(Some(i64::literal_type()))
    );
    assert_eq!(descriptions(element_inputs), want_inputs);
}

/// A point.
#[derive(FlyteType, Debug, PartialEq)]
pub struct Point {
    /// Distance east of the origin, in metres.
    pub x: f64,
    // No doc comment: no description.
    #[allow(missing_docs)]
    pub y: f64,
    /// How sure the reading is.
    #[flyte(default = 1.0)]
    pub confidence: f64,
    /// The nested one.
    pub inner: Option<Inner>,
}

/// Nested.
#[derive(FlyteType, Debug, PartialEq)]
pub struct Inner {
    /// Its note.
    pub note: String,
}

#[test]
fn a_struct_fields_doc_comment_is_its_propertys_description_in_the_schema() {
    let schema = Point::json_schema();
    let props = &schema["properties"];
    assert_eq!(
        props["x"],
        serde_json::json!({"type": "number", "description": "Distance east of the origin, in metres."})
    );
    assert_eq!(props["y"], serde_json::json!({"type": "number"}));
    assert_eq!(
        props["confidence"],
        serde_json::json!({"type": "number", "default": 1.0, "description": "How sure the reading is."})
    );
    assert_eq!(props["inner"]["description"], "The nested one.");
    assert_eq!(
        props["inner"]["anyOf"][0]["properties"]["note"]["description"],
        "Its note."
    );
    // Descriptions change nothing else: the same required fields, the same title.
    assert_eq!(schema["required"], serde_json::json!(["x", "y"]));
    assert_eq!(schema["title"], "Point");

    // The schema is the literal type's metadata, as flytekit writes a dataclass's.
    let metadata = Point::literal_type().metadata.expect("a schema");
    let metadata = serde_json::Value::Object(struct_to_json_object(&metadata));
    assert_eq!(
        metadata["properties"]["x"]["description"],
        "Distance east of the origin, in metres."
    );
    assert_eq!(metadata["properties"]["y"].get("description"), None);
}
