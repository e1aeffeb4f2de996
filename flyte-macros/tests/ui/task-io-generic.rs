use flyte_runtime::prelude::*;

#[derive(TaskIo)]
pub struct Inputs<T> {
    pub value: T,
}

fn main() {}
