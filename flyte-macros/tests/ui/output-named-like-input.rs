use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub struct In {
    pub a: i64,
    pub label: String,
}

#[derive(TaskIo)]
pub struct Out {
    pub label: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = Exec, inputs = In, outputs = Out)]
pub struct Cfg {
    pub offset: i64,
}

#[derive(Default)]
pub struct Exec;

#[shim_executor]
impl ShimTaskExecutor for Exec {
    type Task = Cfg;
    fn execute_from_model(&self, _: &ExecutionContext, _: Cfg, i: In) -> Result<Out, TaskError> {
        Ok(Out { label: i.label })
    }
}

fn main() {}
