use flyte_runtime::prelude::*;

pub struct Opaque;

#[derive(TaskIo)]
pub struct Inputs {
    pub a: i64,
    pub b: Opaque,
}

fn main() {}
