use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub struct Inputs {
    pub a: i64,
    #[flyte(rename = "a")]
    pub b: i64,
}

fn main() {}
