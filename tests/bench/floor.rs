//! The cold-start floor: the least a task process can do — read the template and the
//! inputs files and write an empty `outputs.pb` — with nothing but std, for `bench.py` to
//! compare the real entrypoint against.
//!
//! `flyte-floor TEMPLATE INPUTS OUTPUT_PREFIX`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, template, inputs, prefix] = &args[..] else {
        eprintln!("usage: flyte-floor TEMPLATE INPUTS OUTPUT_PREFIX");
        return ExitCode::from(2);
    };
    let read = std::fs::read(template).and_then(|t| std::fs::read(inputs).map(|i| (t, i)));
    let result = read.and_then(|_| {
        std::fs::create_dir_all(prefix)?;
        std::fs::write(std::path::Path::new(prefix).join("outputs.pb"), [])
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flyte-floor: {e}");
            ExitCode::FAILURE
        }
    }
}
