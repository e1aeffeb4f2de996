use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1", executor = Exec)]
pub struct Cfg<T> {
    pub value: T,
}

#[derive(Default)]
pub struct Exec;

fn main() {}
