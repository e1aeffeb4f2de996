//! `cargo expand` of the real examples crate against the expansion snapshots
//! (`tests/expand/*.expanded.rs`, made by calling the macros on the adder's items).
//!
//! rustc's own expansion (`cargo +nightly rustc -- -Zunpretty=expanded`, what `cargo expand`
//! prints) must hold every line the snapshots show the macros generating for the adder, so
//! the snapshots cannot drift from what a build of `examples/src/adder.rs` really gets.
//! Lines that invoke a macro (`inventory::submit!`, `env!`, `vec!` …) are left out: rustc
//! expands those further, and the snapshots show them as written. Whitespace and a line's
//! trailing comma are ignored (rustc and prettyplease lay code out differently).
//!
//! Needs the nightly toolchain (`-Z` flags); where `rustup run nightly` finds none, the test
//! prints a SKIP line and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The lines of a snapshot that rustc's expansion must hold: from the first generated
/// `const _` block on, without macro invocations (and the lines they span), without lone
/// closing brackets.
fn generated_lines(snapshot: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut started = false;
    let mut skipping: i64 = 0;
    for line in snapshot.lines() {
        let t = line.trim();
        started |= t.starts_with("const _: () = {");
        if !started {
            continue;
        }
        let depth: i64 = t
            .chars()
            .map(|c| match c {
                '(' | '[' | '{' => 1,
                ')' | ']' | '}' => -1,
                _ => 0,
            })
            .sum();
        if skipping > 0 {
            skipping += depth;
            continue;
        }
        if t.contains('!') && !t.contains("!=") {
            skipping = depth.max(0);
            continue;
        }
        // rustc drops the trailing comma of a last argument or field; prettyplease keeps it.
        let s = squeeze(t.strip_suffix(',').unwrap_or(t));
        if s.chars().any(|c| c.is_alphanumeric()) {
            lines.push(s);
        }
    }
    lines
}

#[test]
fn cargo_expand_of_the_adder_holds_what_the_snapshots_show() {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nightly {
        eprintln!("SKIP cargo expand: no nightly toolchain here (`rustup run nightly` failed)");
        return;
    }
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("expand");
    let out = Command::new("rustup")
        .args(["run", "nightly", "cargo", "rustc", "--quiet", "--locked"])
        .args(["-p", "flyte-examples", "--lib", "--profile", "check"])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Zunpretty=expanded"])
        // The outer (stable) cargo's choices must not reach the nightly one.
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("rustup runs");
    assert!(
        out.status.success(),
        "cargo +nightly rustc -Zunpretty=expanded failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expanded = String::from_utf8_lossy(&out.stdout);
    assert!(
        expanded.contains("pub mod adder"),
        "the expansion has no adder module"
    );
    let whole = squeeze(&expanded);
    for name in ["container_task", "shim_executor", "task_io"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/expand")
            .join(format!("{name}.expanded.rs"));
        let snapshot = std::fs::read_to_string(&path).expect("snapshot");
        let lines = generated_lines(&snapshot);
        assert!(lines.len() > 5, "{name}: too little to compare: {lines:?}");
        let missing: Vec<&String> = lines.iter().filter(|l| !whole.contains(*l)).collect();
        assert!(
            missing.is_empty(),
            "{name}: rustc's expansion of examples/src/adder.rs lacks these lines of {}:\n{}",
            path.display(),
            missing
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn macro_lines_and_what_they_span_are_left_out() {
    let lines = generated_lines(
        "pub struct In;\nconst _: () = {\n    impl A for B {\n        const N: u8 = 1;\n    }\n    \
         inventory::submit! {\n        Entry { x: 1 }\n    }\n    let x = vec![\n        1,\n    ];\n    \
         fn f() {}\n};\n",
    );
    assert_eq!(
        lines,
        ["const_:()={", "implAforB{", "constN:u8=1;", "fnf(){}"]
    );
}
