use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = inner::Exec)]
pub struct Cfg {
    pub uri: String,
}

#[derive(Default)]
pub struct Exec;

mod inner {
    pub use super::Exec;
    use flyte_runtime::prelude::*;

    #[shim_executor]
    impl ShimTaskExecutor for super::Exec {
        type Task = super::Cfg;
        fn execute_from_model(&self, _: &ExecutionContext, _: super::Cfg, i: Literals) -> Result<Literals, TaskError> {
            Ok(i)
        }
    }
}

fn main() {}
