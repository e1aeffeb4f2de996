#[derive(flyte_runtime::FlyteType)]
pub struct Point {
    #[flyte(defualt = 0.0)]
    pub x: f64,
    pub y: f64,
}

fn main() {}
