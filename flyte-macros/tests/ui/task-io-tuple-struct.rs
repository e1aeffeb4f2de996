use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub struct Inputs(pub i64);

fn main() {}
