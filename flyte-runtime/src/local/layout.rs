//! Where a local run's files are, as the placeholders of its pods name them: the run
//! folder's layout (or `--storage`'s prefix), a map element's prefixes in the node's folder,
//! and the execution's name.

use std::path::Path;

use crate::contract::{join, INPUTS_PB, TEMPLATE_PB};
use crate::pod::{element_output_prefix, NodeLayout};

/// The execution's name in a local run's pods of `task`: `run-<task>` in lower case, each
/// character Kubernetes does not allow in a name a `-`.
pub(crate) fn execution_name(task: &str) -> String {
    format!(
        "run-{}",
        task.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            .to_lowercase()
    )
}

/// One run's files under `base` (the run folder, or `--storage`): the template and inputs in
/// it, its results beside them, raw data under `raw`, checkpoints under `checkpoint/<attempt>`.
pub(crate) fn run_layout(base: &str, attempt: u32) -> NodeLayout {
    let under = |n: &str| join(base, n);
    let base = base.trim_end_matches('/').to_string();
    NodeLayout {
        input: under(INPUTS_PB),
        input_prefix: base.clone(),
        output_prefix: base,
        raw_output_data_prefix: under("raw"),
        checkpoint_output_prefix: under(&format!("checkpoint/{attempt}")),
        prev_checkpoint_prefix: attempt
            .checked_sub(1)
            .map(|p| under(&format!("checkpoint/{p}"))),
        task_template_path: under(TEMPLATE_PB),
    }
}

/// Element `index`'s files in the map's folder `dir`: the node's inputs and element template,
/// its own output prefix (`out/<index>/0`), raw data (`raw/<index>`) and checkpoint
/// (`checkpoint/<index>`).
pub(crate) fn element_layout(dir: &Path, index: usize) -> NodeLayout {
    let under = |n: &str| dir.join(n).display().to_string();
    NodeLayout {
        input: under(INPUTS_PB),
        input_prefix: dir.display().to_string(),
        output_prefix: element_output_prefix(&under("out"), index, 0),
        raw_output_data_prefix: format!("{}/{index}", under("raw")),
        checkpoint_output_prefix: format!("{}/{index}", under("checkpoint")),
        prev_checkpoint_prefix: None,
        task_template_path: under(TEMPLATE_PB),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_folder_holds_its_files_and_results_side_by_side() {
        let l = run_layout("/runs/r1/", 1);
        assert_eq!(l.input, "/runs/r1/inputs.pb");
        assert_eq!(l.output_prefix, "/runs/r1");
        assert_eq!(l.task_template_path, "/runs/r1/template.pb");
        assert_eq!(l.checkpoint_output_prefix, "/runs/r1/checkpoint/1");
        assert_eq!(
            l.prev_checkpoint_prefix.as_deref(),
            Some("/runs/r1/checkpoint/0")
        );
        let e = element_layout(Path::new("/runs/m"), 3);
        assert_eq!(e.output_prefix, "/runs/m/out/3/0");
        assert_eq!(e.raw_output_data_prefix, "/runs/m/raw/3");
        assert_eq!(execution_name("examples.Add_x"), "run-examples-add-x");
    }
}
