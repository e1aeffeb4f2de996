use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = OtherExec)]
pub struct Cfg {
    pub uri: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "other", image = "example.com/img:1", executor = OtherExec)]
pub struct Other {
    pub uri: String,
}

#[derive(Default)]
pub struct OtherExec;

#[shim_executor]
impl ShimTaskExecutor for OtherExec {
    type Task = Other;
    fn execute_from_model(&self, _: &ExecutionContext, _: Other, i: Literals) -> Result<Literals, TaskError> {
        Ok(i)
    }
}

fn main() {}
