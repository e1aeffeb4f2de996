use flyte_runtime::prelude::*;

#[shim_executor]
pub struct Exec;

fn main() {}
