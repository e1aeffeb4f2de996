use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = Exec<u8>)]
pub struct Cfg {
    pub uri: String,
}

#[derive(Default)]
pub struct Exec<T>(std::marker::PhantomData<T>);

#[shim_executor]
impl<T: Send + Sync + Default + 'static> ShimTaskExecutor for Exec<T> {
    type Task = Cfg;
    fn execute_from_model(&self, _: &ExecutionContext, _: Cfg, i: Literals) -> Result<Literals, TaskError> {
        Ok(i)
    }
}

fn main() {}
