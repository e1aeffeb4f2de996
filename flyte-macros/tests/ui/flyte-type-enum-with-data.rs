#[derive(flyte_runtime::FlyteType)]
pub enum Color {
    Red,
    Custom(String),
}

fn main() {}
