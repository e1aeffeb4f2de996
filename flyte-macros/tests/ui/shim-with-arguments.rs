use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = Exec)]
pub struct Cfg {
    pub uri: String,
}

#[derive(Default)]
pub struct Exec;

#[shim_executor(fast)]
impl ShimTaskExecutor for Exec {
    type Task = Cfg;
    fn execute_from_model(&self, _: &ExecutionContext, _: Cfg, i: Literals) -> Result<Literals, TaskError> {
        Ok(i)
    }
}

fn main() {}
