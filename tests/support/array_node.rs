//! A model of flytepropeller 1.16's ArrayNode around a map's elements, for tests: the node's
//! `inputs.pb` (the whole lists) and the element template, one process per element with
//! propeller's index variables and its own output prefix (at most `parallelism` at a time),
//! each element's result read as propeller reads a pod's, and the lists gathered in index
//! order. The rules themselves are `flyte_runtime::__private::pod`'s (`element_template`, `gather`, …).

use std::path::PathBuf;
use std::process::Command;

use flyte_runtime::__private::pod::{
    element_env, element_literals, element_output_prefix, element_template, gather, list_length,
    read_results, ArrayVerdict, ContainerExit, Placeholders, TaskResult,
};
use flyte_runtime::proto::core::{LiteralMap, TaskTemplate};
use flyte_runtime::storage::Storage;
use prost::Message;

use crate::pod::{container_args, scratch};

/// An ArrayNode's run folder: `inputs.pb`, `template.pb` (the element template), each
/// element's outputs under `out/<index>/0`, and the gathered `outputs.pb`.
#[derive(Debug)]
pub struct ArrayNode {
    /// The node's folder.
    pub dir: PathBuf,
    /// The map's template (list inputs and outputs).
    pub map: TaskTemplate,
    /// The inputs bound whole.
    pub bound: Vec<String>,
    /// The node's inputs (whole lists).
    pub inputs: LiteralMap,
}

/// How the node ended.
#[derive(Debug)]
pub struct NodeRun {
    /// Each element's result, in index order (empty when the node failed before starting).
    pub elements: Vec<TaskResult>,
    /// Each element's stderr, in index order.
    pub stderr: Vec<String>,
    /// The node's verdict, or why it never started (propeller's own check of the lists).
    pub verdict: Result<ArrayVerdict, String>,
}

impl ArrayNode {
    /// Writes the node's inputs and element template into a new folder.
    pub fn new(name: &str, map: TaskTemplate, bound: &[&str], inputs: LiteralMap) -> Self {
        let dir = scratch(name);
        std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).expect("write inputs");
        let element = element_template(&map);
        std::fs::write(
            dir.join("template.pb"),
            flyte_runtime::proto::encode_task_template(&element),
        )
        .expect("write template");
        Self {
            dir,
            map,
            bound: bound.iter().map(|b| b.to_string()).collect(),
            inputs,
        }
    }

    /// The placeholders of element `index`'s pod (its `{{.inputs.NAME}}` are its own items,
    /// or the whole inputs when the lists are too short for it, so that an element started
    /// by hand can still report that itself).
    pub fn placeholders(&self, index: usize) -> Placeholders {
        let under = |n: &str| self.dir.join(n).display().to_string();
        let bound: Vec<&str> = self.bound.iter().map(String::as_str).collect();
        Placeholders {
            inputs: element_literals(&self.inputs, &bound, index)
                .unwrap_or_else(|_| self.inputs.clone()),
            input: under("inputs.pb"),
            output_prefix: element_output_prefix(&under("out"), index, 0),
            raw_output_data_prefix: format!("{}/{index}", under("raw")),
            checkpoint_output_prefix: format!("{}/{index}", under("checkpoint")),
            prev_checkpoint_prefix: String::new(),
            task_template_path: under("template.pb"),
            ..Placeholders::default()
        }
    }

    /// Runs every element with `bin`, `parallelism` at a time, and gathers their outputs as
    /// propeller does with at least `needed` successes (see `pod::min_successes`).
    pub fn run(&self, bin: &str, parallelism: usize, needed: impl Fn(usize) -> usize) -> NodeRun {
        let bound: Vec<&str> = self.bound.iter().map(String::as_str).collect();
        let n = match list_length(&self.inputs, &bound) {
            Ok(n) => n,
            Err(e) => {
                return NodeRun {
                    elements: Vec::new(),
                    stderr: Vec::new(),
                    verdict: Err(e),
                }
            }
        };
        let element = element_template(&self.map);
        let args = container_args(&self.map);
        let mut elements = Vec::with_capacity(n);
        let mut stderr = Vec::with_capacity(n);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let storage = Storage::default();
        for batch in (0..n).collect::<Vec<_>>().chunks(parallelism.max(1)) {
            let children: Vec<_> = batch
                .iter()
                .map(|&i| {
                    let p = self.placeholders(i);
                    let argv = p.render(&args).expect("propeller renders the args");
                    let child = Command::new(bin)
                        .args(&argv[1..])
                        .envs(element_env(i))
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .expect("start the element");
                    (p, child)
                })
                .collect();
            for (p, child) in children {
                let out = child.wait_with_output().expect("the element ran");
                let exit = ContainerExit {
                    name: "primary".to_string(),
                    code: out.status.code().unwrap_or(-1),
                    oom_killed: false,
                };
                let result = runtime
                    .block_on(read_results(
                        &storage,
                        &p.output_prefix,
                        &element,
                        exit,
                        u64::MAX,
                        "",
                    ))
                    .expect("the element's results are readable");
                elements.push(result);
                stderr.push(String::from_utf8_lossy(&out.stderr).into_owned());
            }
        }
        let verdict = gather(&elements, &self.map, needed(n));
        if let ArrayVerdict::Succeeded(gathered) = &verdict {
            std::fs::write(self.dir.join("outputs.pb"), gathered.encode_to_vec())
                .expect("write the gathered outputs");
        }
        NodeRun {
            elements,
            stderr,
            verdict: Ok(verdict),
        }
    }
}
