//! What flytepropeller 1.16 does around the elements of a map (an ArrayNode), modelled from
//! `flytepropeller/pkg/controller/nodes/array` at tag v1.16.8:
//!
//! - [`element_template`]: the template each element's pod reads at `{{.taskTemplatePath}}`,
//!   the map's with each list output turned into its element type (`arrayTaskReader.Read`);
//! - [`element_env`]: the variables each element's pod gets for its index
//!   (`newArrayExecutionContext`);
//! - [`element_output_prefix`]: where each element writes (`<node dir>/<index>/<attempt>`);
//! - [`element_literals`]: the literals its `{{.inputs.NAME}}` placeholders render
//!   (`constructLiteralMap`);
//! - [`list_length`]: the lists' one length, checked before any element starts (the
//!   handler's `ArrayNodePhaseNone`);
//! - [`gather`]: the node's outputs and verdict from the elements' results, in index order
//!   (`ArrayNodePhaseSucceeding`, `appendLiteral`): a failed element's outputs are none, and
//!   the node fails when fewer than its minimum succeeded.

use crate::proto::core::literal_type::Type;
use crate::proto::core::{literal, Literal, LiteralMap, TaskTemplate};
use crate::storage::join;
use crate::types::literal::{collection_literal, none_literal};

use super::results::{TaskFailure, TaskResult};
use crate::contract::env;

/// The variable naming the index variable, and the index variable propeller names
/// (`execution_context.go`).
pub const INDEX_VARIABLES: [(&str, &str); 1] =
    [(env::ARRAY_INDEX_VAR_NAME.name, env::K8S_ARRAY_INDEX)];

/// The template an element's pod reads: the map's, with each list output declared as its
/// element type (inputs stay lists: the element indexes them itself).
pub fn element_template(map: &TaskTemplate) -> TaskTemplate {
    let mut t = map.clone();
    if let Some(outputs) = t.interface.as_mut().and_then(|i| i.outputs.as_mut()) {
        for var in outputs.variables.values_mut() {
            if let Some(Type::CollectionType(inner)) =
                var.r#type.as_ref().and_then(|t| t.r#type.as_ref())
            {
                var.r#type = Some(inner.as_ref().clone());
            }
        }
    }
    t
}

/// The environment of element `index`'s pod, beside the task's own.
///
/// ```
/// let env = flyte_runtime::__private::pod::element_env(3);
/// assert_eq!(env, [
///     ("BATCH_JOB_ARRAY_INDEX_VAR_NAME".to_string(), "FLYTE_K8S_ARRAY_INDEX".to_string()),
///     ("FLYTE_K8S_ARRAY_INDEX".to_string(), "3".to_string()),
/// ]);
/// ```
pub fn element_env(index: usize) -> Vec<(String, String)> {
    let (name_var, index_var) = INDEX_VARIABLES[0];
    vec![
        (name_var.to_string(), index_var.to_string()),
        (index_var.to_string(), index.to_string()),
    ]
}

/// Where element `index`'s attempt `attempt` writes its outputs under the node's output
/// folder.
pub fn element_output_prefix(node_dir: &str, index: usize, attempt: u32) -> String {
    join(&join(node_dir, &index.to_string()), &attempt.to_string())
}

/// The literals element `index` is given by propeller (`constructLiteralMap`): item `index`
/// of each list input not in `bound`, every other input whole. These are what the element's
/// `{{.inputs.NAME}}` placeholders render (the pod's `{{.input}}` file still holds the whole
/// lists). The error is propeller's.
pub fn element_literals(
    inputs: &LiteralMap,
    bound: &[&str],
    index: usize,
) -> Result<LiteralMap, String> {
    let mut literals = std::collections::BTreeMap::new();
    for (name, lit) in &inputs.literals {
        let item = match &lit.value {
            Some(literal::Value::Collection(c)) if !bound.contains(&name.as_str()) => c
                .literals
                .get(index)
                .ok_or_else(|| {
                    format!("index {index} out of bounds for literal collection {name}")
                })?
                .clone(),
            _ => lit.clone(),
        };
        literals.insert(name.clone(), item);
    }
    Ok(LiteralMap {
        literals: literals.into_iter().collect(),
    })
}

/// The number of elements: the one length of the list inputs not in `bound`; all bound gives
/// one element. The message of an error is propeller's.
pub fn list_length(inputs: &LiteralMap, bound: &[&str]) -> Result<usize, String> {
    let mut size: Option<usize> = None;
    for (name, lit) in &inputs.literals {
        if bound.contains(&name.as_str()) {
            continue;
        }
        if let Some(literal::Value::Collection(c)) = &lit.value {
            match size {
                None => size = Some(c.literals.len()),
                Some(n) if n != c.literals.len() => {
                    return Err(format!(
                        "input arrays have different lengths: expecting '{n}' found '{}'",
                        c.literals.len()
                    ))
                }
                Some(_) => {}
            }
        }
    }
    match size {
        Some(n) => Ok(n),
        None if bound.len() == inputs.literals.len() => Ok(1),
        None => Err("no input array provided".to_string()),
    }
}

/// How the node ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayVerdict {
    /// Enough elements succeeded: each output a list in index order, none where an element
    /// failed.
    Succeeded(LiteralMap),
    /// Fewer than the minimum succeeded.
    Failed {
        /// How many succeeded.
        succeeded: usize,
        /// How many had to.
        needed: usize,
    },
}

/// The minimum of successes: `min_successes` if set, else `ceil(ratio × n)`, else all.
pub fn min_successes(
    n: usize,
    min_successes: Option<u32>,
    min_success_ratio: Option<f32>,
) -> usize {
    match (min_successes, min_success_ratio) {
        (Some(m), _) => m as usize,
        (None, Some(r)) => (f64::from(r) * n as f64).ceil() as usize,
        (None, None) => n,
    }
}

/// The node's verdict and outputs (one list per output the map's template declares) from
/// its elements' results, in index order.
pub fn gather(results: &[TaskResult], map: &TaskTemplate, needed: usize) -> ArrayVerdict {
    let mut gathering = Gathering::new(map, results.len());
    for (index, result) in results.iter().enumerate() {
        gathering.add(index, result.clone());
    }
    gathering.finish(needed)
}

/// The node's outputs gathered as its elements end, in any order (propeller's
/// `appendLiteral` into each output's list at the element's index): each output a list
/// with none in the place of an element that failed or has not ended. Keeps one literal per
/// element and output, not the elements' results.
///
/// ```
/// use flyte_runtime::__private::pod::{ArrayVerdict, Gathering, TaskResult};
/// use flyte_runtime::proto::core::{LiteralMap, TaskTemplate, TypedInterface, Variable, VariableMap};
/// use flyte_runtime::types::FlyteType;
///
/// let map = TaskTemplate {
///     interface: Some(TypedInterface {
///         inputs: None,
///         outputs: Some(VariableMap { variables: [("y".to_string(), Variable {
///             r#type: Some(Vec::<Option<i64>>::literal_type()), description: "y".into() })].into() }),
///     }),
///     ..Default::default()
/// };
/// let mut g = Gathering::new(&map, 2);
/// g.add(1, TaskResult::Succeeded(LiteralMap { literals: [("y".to_string(), 7i64.to_literal())].into() }));
/// assert_eq!(g.succeeded(), 1);
/// let ArrayVerdict::Succeeded(out) = g.finish(1) else { panic!() };
/// assert_eq!(Vec::<Option<i64>>::from_literal(&out.literals["y"]).unwrap(), [None, Some(7)]);
/// ```
#[derive(Debug)]
pub struct Gathering {
    /// Each output's name and list, one slot per element.
    columns: Vec<(String, Vec<Literal>)>,
    n: usize,
    succeeded: usize,
    failures: Vec<(usize, TaskFailure)>,
}

impl Gathering {
    /// A gathering of `n` elements' outputs for the map `map` (whose template declares the
    /// outputs), every slot none.
    pub fn new(map: &TaskTemplate, n: usize) -> Self {
        let names = map
            .interface
            .as_ref()
            .and_then(|i| i.outputs.as_ref())
            .map(|o| o.variables.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        Self {
            columns: names
                .into_iter()
                .map(|name| (name, vec![none_literal(); n]))
                .collect(),
            n,
            succeeded: 0,
            failures: Vec::new(),
        }
    }

    /// Element `index` ended with `result`: its outputs go into their lists' slot `index`
    /// (an output it did not write stays none); a failure is kept to be reported. An index
    /// past the end is ignored, as propeller has no slot for it.
    pub fn add(&mut self, index: usize, result: TaskResult) {
        if index >= self.n {
            return;
        }
        match result {
            TaskResult::Succeeded(mut outputs) => {
                self.succeeded += 1;
                for (name, column) in &mut self.columns {
                    if let Some(lit) = outputs.literals.remove(name.as_str()) {
                        column[index] = lit;
                    }
                }
            }
            TaskResult::Failed(f) => {
                let at = self.failures.partition_point(|(i, _)| *i < index);
                self.failures.insert(at, (index, f));
            }
        }
    }

    /// How many elements the node has.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the node has no elements.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// How many elements succeeded so far.
    pub fn succeeded(&self) -> usize {
        self.succeeded
    }

    /// The elements that failed, in index order, and why.
    pub fn failures(&self) -> &[(usize, TaskFailure)] {
        &self.failures
    }

    /// The node's verdict: its outputs if at least `needed` elements succeeded.
    pub fn finish(self, needed: usize) -> ArrayVerdict {
        if self.succeeded < needed {
            return ArrayVerdict::Failed {
                succeeded: self.succeeded,
                needed,
            };
        }
        let literals = self
            .columns
            .into_iter()
            .map(|(name, items)| (name, collection_literal(items)))
            .collect();
        ArrayVerdict::Succeeded(LiteralMap { literals })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pod::results::{FailureSource, TaskFailure};
    use crate::proto::core::execution_error::ErrorKind;
    use crate::proto::core::scalar;
    use crate::types::FlyteType;

    fn ok(v: i64) -> TaskResult {
        TaskResult::Succeeded(LiteralMap {
            literals: [("y".to_string(), v.to_literal())].into(),
        })
    }

    fn failed() -> TaskResult {
        TaskResult::Failed(TaskFailure {
            code: "USER:ValueError".into(),
            message: "no".into(),
            kind: ErrorKind::User,
            recoverable: false,
            source: FailureSource::ErrorDocument,
        })
    }

    fn map_with_output_y() -> TaskTemplate {
        TaskTemplate {
            interface: Some(crate::proto::core::TypedInterface {
                inputs: None,
                outputs: Some(crate::task::variable_map(&[(
                    "y".to_string(),
                    Vec::<i64>::literal_type(),
                )])),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn outputs_are_lists_in_index_order_with_none_for_failures() {
        let results = [ok(1), failed(), ok(3)];
        let needed = min_successes(3, None, Some(0.5));
        assert_eq!(needed, 2);
        let ArrayVerdict::Succeeded(out) = gather(&results, &map_with_output_y(), needed) else {
            panic!("two of three succeed, and two are needed");
        };
        let Some(literal::Value::Collection(c)) = &out.literals["y"].value else {
            panic!("a list");
        };
        assert_eq!(c.literals[0], 1i64.to_literal());
        assert!(
            matches!(&c.literals[1].value, Some(literal::Value::Scalar(s)) if matches!(s.value, Some(scalar::Value::NoneType(_)))),
            "{:?}",
            c.literals[1]
        );
        assert_eq!(
            gather(&results, &map_with_output_y(), min_successes(3, None, None)),
            ArrayVerdict::Failed {
                succeeded: 2,
                needed: 3
            }
        );
    }

    #[test]
    fn an_element_gets_its_items_and_the_rest_whole() {
        let inputs = LiteralMap {
            literals: [
                ("a".to_string(), vec![1i64, 2].to_literal()),
                ("w".to_string(), vec![7i64].to_literal()),
                ("s".to_string(), 5i64.to_literal()),
            ]
            .into(),
        };
        let e = element_literals(&inputs, &["w"], 1).unwrap();
        assert_eq!(e.literals["a"], 2i64.to_literal());
        assert_eq!(e.literals["w"], vec![7i64].to_literal());
        assert_eq!(e.literals["s"], 5i64.to_literal());
        assert_eq!(
            element_literals(&inputs, &["w"], 2),
            Err("index 2 out of bounds for literal collection a".to_string())
        );
    }

    #[test]
    fn lengths_follow_propellers_rules() {
        let map = |pairs: &[(&str, Literal)]| LiteralMap {
            literals: pairs
                .iter()
                .map(|(n, l)| (n.to_string(), l.clone()))
                .collect(),
        };
        let l3 = vec![1i64, 2, 3].to_literal();
        let l2 = vec![1i64, 2].to_literal();
        assert_eq!(
            list_length(&map(&[("a", l3.clone()), ("b", 5i64.to_literal())]), &[]),
            Ok(3)
        );
        assert_eq!(
            list_length(&map(&[("a", l3.clone()), ("b", l2.clone())]), &[]),
            Err("input arrays have different lengths: expecting '3' found '2'".to_string())
        );
        assert_eq!(
            list_length(&map(&[("a", l3), ("b", l2.clone())]), &["b"]),
            Ok(3)
        );
        assert_eq!(list_length(&map(&[("b", l2)]), &["b"]), Ok(1));
    }
}
