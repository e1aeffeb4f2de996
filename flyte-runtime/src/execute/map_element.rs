//! One element of a map (a Flyte ArrayNode), as the `execute` entrypoint runs it under the
//! map resolver ([`Resolver::Map`](crate::contract::Resolver::Map)).
//!
//! Propeller starts one pod per element with the node's own inputs file (the whole lists),
//! `BATCH_JOB_ARRAY_INDEX_VAR_NAME=FLYTE_K8S_ARRAY_INDEX` and `FLYTE_K8S_ARRAY_INDEX=<i>`
//! (flytepropeller `nodes/array/execution_context.go`), an output prefix of the element's own
//! and a template whose outputs are the element types (`arrayTaskReader`). The element takes
//! item `i` of each list input, every bound input whole (flytekit's
//! `ArrayNodeMapTask._literal_map_to_python_input`, propeller's `constructLiteralMap`), and
//! runs the mapped task's executor on them: the same executor code as an unmapped run.
//!
//! Where flytekit falls back to index 0 when the variables are missing, this is an error: a
//! pod of an ArrayNode always has them, and an element that guessed would overwrite
//! another's results.

use std::collections::{BTreeMap, BTreeSet};

use super::failure::Failure;
use crate::contract::env;
use crate::proto::core::literal_type::Type;
use crate::proto::core::{literal, Literal, LiteralMap, TaskTemplate};

/// The variable naming the variable that holds the element's index (propeller sets it to
/// `FLYTE_K8S_ARRAY_INDEX`; AWS Batch to `AWS_BATCH_JOB_ARRAY_INDEX`).
pub const INDEX_VAR_NAME: &str = env::ARRAY_INDEX_VAR_NAME.name;
/// Added to the index (flytekit's `_compute_array_job_index`); 0 when unset.
pub const INDEX_OFFSET: &str = env::ARRAY_INDEX_OFFSET.name;

/// How a map runs its task: which inputs every element gets whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapOver {
    /// The bound inputs (the rest of the inputs declared as lists are indexed).
    pub bound: BTreeSet<String>,
}

/// The element's index from the environment `env` (a lookup such as `std::env::var`):
/// `$BATCH_JOB_ARRAY_INDEX_OFFSET` (0 when unset) plus the value of the variable that
/// `$BATCH_JOB_ARRAY_INDEX_VAR_NAME` names.
///
/// ```
/// use flyte_runtime::__private::execute::array_index;
/// let env = |k: &str| match k {
///     "BATCH_JOB_ARRAY_INDEX_VAR_NAME" => Some("FLYTE_K8S_ARRAY_INDEX".to_string()),
///     "FLYTE_K8S_ARRAY_INDEX" => Some("7".to_string()),
///     _ => None,
/// };
/// assert_eq!(array_index(env).unwrap(), 7);
/// assert!(array_index(|_| None).unwrap_err().message.contains("BATCH_JOB_ARRAY_INDEX_VAR_NAME"));
/// ```
pub fn array_index(env: impl Fn(&str) -> Option<String>) -> Result<usize, Failure> {
    let missing = |message: String| Failure::user("MapIndexMissing", message);
    let var = env(INDEX_VAR_NAME)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            missing(format!(
                "this run is one element of a map, but {INDEX_VAR_NAME} is not set: propeller \
             sets it (to FLYTE_K8S_ARRAY_INDEX) in each element's pod, with the index in the \
             variable it names"
            ))
        })?;
    let var = var.trim();
    let raw = env(var).ok_or_else(|| {
        missing(format!(
            "{INDEX_VAR_NAME} names {var}, which is not set: it should hold this element's index"
        ))
    })?;
    let number = |name: &str, raw: &str| {
        raw.trim().parse::<usize>().map_err(|_| {
            missing(format!(
                "{name} is `{raw}`, not an index (a whole number from 0)"
            ))
        })
    };
    let index = number(var, &raw)?;
    let offset = match env(INDEX_OFFSET) {
        Some(raw) if !raw.trim().is_empty() => number(INDEX_OFFSET, &raw)?,
        _ => 0,
    };
    index.checked_add(offset).ok_or_else(|| {
        missing(format!(
            "{var} ({index}) plus {INDEX_OFFSET} ({offset}) is not an index"
        ))
    })
}

/// A map's inputs checked and taken apart: the template with the indexed inputs declared as
/// their element types, the lists to index (one length), and the inputs every element gets
/// whole.
struct Split {
    template: TaskTemplate,
    /// The indexed inputs' names, in order, and their lists.
    lists: Vec<(String, Vec<Literal>)>,
    /// The bound inputs and the inputs that are not lists.
    whole: BTreeMap<String, Literal>,
}

impl Split {
    /// Every input the template declares as a list and `over` does not bind is indexed; they
    /// must all be lists of one length. Each error is the task's (USER) and names the inputs
    /// and the numbers.
    fn new(
        task: &str,
        template: &TaskTemplate,
        inputs: LiteralMap,
        over: &MapOver,
    ) -> Result<Self, Failure> {
        let mut template = template.clone();
        let declared = template
            .interface
            .as_mut()
            .and_then(|i| i.inputs.as_mut())
            .map(|v| &mut v.variables);
        let mut indexed: Vec<String> = Vec::new();
        if let Some(vars) = declared {
            for (name, var) in vars.iter_mut() {
                if over.bound.contains(name) {
                    continue;
                }
                let element = match var.r#type.as_ref().and_then(|t| t.r#type.as_ref()) {
                    Some(Type::CollectionType(inner)) => inner.as_ref().clone(),
                    _ => continue,
                };
                var.r#type = Some(element);
                indexed.push(name.clone());
            }
        }
        for bound in &over.bound {
            if !inputs.literals.contains_key(bound) {
                return Err(Failure::user(
                    "MapInputMissing",
                    format!("task `{task}`: the map binds input `{bound}`, which the inputs lack"),
                ));
            }
        }
        let mut whole = inputs.literals;
        let mut lists: Vec<(String, Vec<Literal>)> = Vec::with_capacity(indexed.len());
        for name in indexed {
            let Some(lit) = whole.remove(&name) else {
                return Err(Failure::user(
                    "MapInputMissing",
                    format!("task `{task}`: the map's input `{name}` is missing from the inputs"),
                ));
            };
            let Some(literal::Value::Collection(list)) = lit.value else {
                return Err(Failure::user(
                    "MapInputNotAList",
                    format!(
                        "task `{task}`: input `{name}` of the map must be a list (one item per \
                         element), got {}",
                        crate::types::describe::describe_literal(&lit)
                    ),
                ));
            };
            // The first list sets the length every other must have.
            if let Some((first, items)) = lists.first() {
                if items.len() != list.literals.len() {
                    return Err(Failure::user(
                        "MapLengthMismatch",
                        format!(
                            "task `{task}`: the map's list inputs differ in length: `{first}` \
                             has {} items, `{name}` has {}",
                            items.len(),
                            list.literals.len()
                        ),
                    ));
                }
            }
            lists.push((name, list.literals));
        }
        Ok(Self {
            template,
            lists,
            whole,
        })
    }

    /// The lists' length (`None` when nothing is indexed).
    fn len(&self) -> Option<usize> {
        self.lists.first().map(|(_, items)| items.len())
    }
}

/// The element at `index`: its inputs (item `index` of each list input, bound inputs whole)
/// and the template they fit (those inputs declared as their element types).
///
/// Every input the template declares as a list and `over` does not bind is indexed; they
/// must all be lists of one length, longer than `index`. Each error is the task's (USER)
/// and names the inputs and the numbers.
pub fn element_inputs(
    task: &str,
    template: &TaskTemplate,
    inputs: LiteralMap,
    over: &MapOver,
    index: usize,
) -> Result<(LiteralMap, TaskTemplate), Failure> {
    let split = Split::new(task, template, inputs, over)?;
    if let Some(n) = split.len() {
        if index >= n {
            let names: Vec<&str> = split.lists.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Failure::user(
                "MapIndexOutOfRange",
                format!(
                    "task `{task}`: element index {index} is out of range: the map's lists \
                     ({}) have {n} items",
                    names.join(", ")
                ),
            ));
        }
    }
    let mut literals = split.whole;
    for (name, mut items) in split.lists {
        literals.insert(name, items.swap_remove(index));
    }
    Ok((LiteralMap { literals }, split.template))
}

/// Every element's inputs, in index order, with the template they fit (see
/// [`element_inputs`]). The lists are checked once; each element's inputs are made when the
/// iterator reaches it, its items moved out of the lists, so that n elements cost O(n) time
/// and only the elements in hand cost memory. With no input to index, the one element gets
/// every input.
///
/// ```
/// use flyte_runtime::__private::execute::{all_element_inputs, MapOver};
/// use flyte_runtime::proto::core::{LiteralMap, TaskTemplate, TypedInterface, Variable, VariableMap};
/// use flyte_runtime::types::FlyteType;
///
/// let template = TaskTemplate {
///     interface: Some(TypedInterface {
///         inputs: Some(VariableMap { variables: [("x".to_string(), Variable {
///             r#type: Some(Vec::<i64>::literal_type()), description: "x".into() })].into() }),
///         outputs: None,
///     }),
///     ..Default::default()
/// };
/// let inputs = LiteralMap { literals: [("x".to_string(), vec![1i64, 2, 3].to_literal())].into() };
/// let (elements, element_template) =
///     all_element_inputs("demo", &template, inputs, &MapOver::default()).unwrap();
/// assert_eq!(elements.len(), 3);
/// let elements: Vec<LiteralMap> = elements.collect();
/// assert_eq!(elements[2].literals["x"], 3i64.to_literal());
/// let x = &element_template.interface.unwrap().inputs.unwrap().variables["x"];
/// assert_eq!(x.r#type, Some(i64::literal_type()));
/// ```
pub fn all_element_inputs(
    task: &str,
    template: &TaskTemplate,
    inputs: LiteralMap,
    over: &MapOver,
) -> Result<(ElementInputs, TaskTemplate), Failure> {
    let split = Split::new(task, template, inputs, over)?;
    let left = split.len().unwrap_or(1);
    let elements = ElementInputs {
        lists: split
            .lists
            .into_iter()
            .map(|(name, items)| (name, items.into_iter()))
            .collect(),
        whole: split.whole,
        left,
    };
    Ok((elements, split.template))
}

/// The inputs of a map's elements, one [`LiteralMap`] each, in index order
/// ([`all_element_inputs`]).
#[derive(Debug)]
pub struct ElementInputs {
    lists: Vec<(String, std::vec::IntoIter<Literal>)>,
    whole: BTreeMap<String, Literal>,
    left: usize,
}

impl Iterator for ElementInputs {
    type Item = LiteralMap;

    fn next(&mut self) -> Option<LiteralMap> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut literals = self.whole.clone();
        for (name, items) in &mut self.lists {
            // The lists have one length, checked when they were split.
            literals.insert(name.clone(), items.next()?);
        }
        Some(LiteralMap { literals })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for ElementInputs {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::TypedInterface;
    use crate::types::FlyteType;

    fn template(inputs: &[(&str, crate::proto::core::LiteralType)]) -> TaskTemplate {
        let owned: Vec<_> = inputs
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect();
        TaskTemplate {
            interface: Some(TypedInterface {
                inputs: Some(crate::task::variable_map(&owned)),
                outputs: None,
            }),
            ..Default::default()
        }
    }

    fn map_of(values: &[(&str, crate::proto::core::Literal)]) -> LiteralMap {
        LiteralMap {
            literals: values
                .iter()
                .map(|(n, l)| (n.to_string(), l.clone()))
                .collect(),
        }
    }

    #[test]
    fn the_element_takes_its_items_and_the_bound_inputs_whole() {
        let t = template(&[
            ("a", Vec::<i64>::literal_type()),
            ("b", Vec::<i64>::literal_type()),
            ("label", String::literal_type()),
            ("weights", Vec::<f64>::literal_type()),
        ]);
        let inputs = map_of(&[
            ("a", vec![1i64, 2, 3].to_literal()),
            ("b", vec![10i64, 20, 30].to_literal()),
            ("label", "x".to_string().to_literal()),
            ("weights", vec![0.5f64].to_literal()),
        ]);
        let over = MapOver {
            bound: ["weights".to_string()].into(),
        };
        let (element, t) = element_inputs("t", &t, inputs, &over, 2).unwrap();
        let got = |n: &str| element.literals[n].clone();
        assert_eq!(got("a"), 3i64.to_literal());
        assert_eq!(got("b"), 30i64.to_literal());
        assert_eq!(got("label"), "x".to_string().to_literal());
        assert_eq!(got("weights"), vec![0.5f64].to_literal());
        let vars = &t.interface.unwrap().inputs.unwrap().variables;
        assert_eq!(vars["a"].r#type, Some(i64::literal_type()));
        assert_eq!(vars["weights"].r#type, Some(Vec::<f64>::literal_type()));
    }

    #[test]
    fn lengths_indexes_and_shapes_that_do_not_fit_are_named() {
        let t = template(&[
            ("a", Vec::<i64>::literal_type()),
            ("b", Vec::<i64>::literal_type()),
        ]);
        let run = |a: crate::proto::core::Literal, b: crate::proto::core::Literal, i| {
            element_inputs(
                "t",
                &t,
                map_of(&[("a", a), ("b", b)]),
                &MapOver::default(),
                i,
            )
            .map(|_| ())
            .unwrap_err()
        };
        let three = vec![1i64, 2, 3].to_literal();
        let two = vec![1i64, 2].to_literal();
        let e = run(three.clone(), two.clone(), 0);
        assert_eq!(e.code(), "USER:MapLengthMismatch");
        assert!(
            e.message.contains("`a` has 3 items, `b` has 2"),
            "{}",
            e.message
        );
        let e = run(two.clone(), two.clone(), 2);
        assert_eq!(e.code(), "USER:MapIndexOutOfRange");
        assert!(
            e.message.contains("index 2 is out of range"),
            "{}",
            e.message
        );
        assert!(e.message.contains("(a, b) have 2 items"), "{}", e.message);
        let e = run(5i64.to_literal(), two, 0);
        assert_eq!(e.code(), "USER:MapInputNotAList");
        assert!(e.message.contains("input `a`"), "{}", e.message);
    }

    #[test]
    fn the_index_comes_from_the_variable_named_plus_the_offset() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            array_index(env(&[
                (INDEX_VAR_NAME, "AWS_BATCH_JOB_ARRAY_INDEX"),
                ("AWS_BATCH_JOB_ARRAY_INDEX", "4"),
                (INDEX_OFFSET, "10"),
            ]))
            .unwrap(),
            14
        );
        let e = array_index(env(&[(INDEX_VAR_NAME, "FLYTE_K8S_ARRAY_INDEX")])).unwrap_err();
        assert_eq!(e.code(), "USER:MapIndexMissing");
        assert!(
            e.message
                .contains("FLYTE_K8S_ARRAY_INDEX, which is not set"),
            "{}",
            e.message
        );
        let e = array_index(env(&[
            (INDEX_VAR_NAME, "FLYTE_K8S_ARRAY_INDEX"),
            ("FLYTE_K8S_ARRAY_INDEX", "-1"),
        ]))
        .unwrap_err();
        assert!(e.message.contains("`-1`, not an index"), "{}", e.message);
    }
}
