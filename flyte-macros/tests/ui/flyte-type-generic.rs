#[derive(flyte_runtime::FlyteType)]
pub struct Wrapper<T> {
    pub value: T,
}

fn main() {}
