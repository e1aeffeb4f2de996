use flyte_runtime::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
#[container_task(task_type = "demo", image = "example.com/img:1")]
pub struct Cfg {
    pub uri: String,
}

fn main() {}
