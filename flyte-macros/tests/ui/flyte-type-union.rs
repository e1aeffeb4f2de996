#[derive(flyte_runtime::FlyteType)]
pub union Bits {
    pub i: i64,
    pub f: f64,
}

fn main() {}
