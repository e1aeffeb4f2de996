use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub enum Inputs {
    A,
}

fn main() {}
