use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub struct Inputs {
    pub count: u64,
}

fn main() {}
