#[derive(flyte_runtime::FlyteType)]
pub struct Pair(pub i64, pub i64);

fn main() {}
