#[derive(flyte_runtime::FlyteType)]
pub enum Never {}

fn main() {}
