//! The README's five-minute tutorial, done as a newcomer does it: a crate of its own outside
//! this repository, depending on flyte-runtime as `cargo package` packs it, its image built
//! by `cargo flyte image`, and both of its tasks run in that image as propeller runs a pod.
//!
//! The packed crates are used through `[patch.crates-io]` (the unpacked `.crate` files, so
//! what is built is exactly what would be published: the `.proto` files and the build
//! script from the package), with this workspace's `Cargo.lock` so that the release build
//! shares its dependencies with the image build the test command already made.
//!
//! Needs the Docker engine; without one this test prints a SKIP line and passes, except
//! under CI (`CI` set), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_tests::workspace_root;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs `command`, failing with its output when it fails; prints the command and what it
/// said (`--nocapture` shows the tutorial's transcript).
fn run(command: &mut Command) -> Result<Output> {
    let out = command.output()?;
    println!(
        "$ {command:?}\n{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    if !out.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(out)
}

/// The README's tutorial code: the first `rust` block after its heading.
fn tutorial_code() -> Result<String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    let after = readme
        .split_once("## Your first task type in five minutes")
        .ok_or("README.md has no tutorial heading")?
        .1;
    let block = after
        .split_once("```rust")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .ok_or("the tutorial has no rust block")?
        .0;
    Ok(format!("{block}\n"))
}

/// Packs flyte-idl, flyte-rs-macros, flyte-runtime and cargo-flyte as `cargo package` does,
/// unpacks each `.crate` into `into` and returns the three libraries' folders.
fn packed_crates(into: &Path) -> Result<Vec<(String, PathBuf)>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let names = [
        "flyte-idl",
        "flyte-rs-macros",
        "flyte-runtime",
        "cargo-flyte",
    ];
    let mut command = Command::new(&cargo);
    command.current_dir(workspace_root()).args([
        "package",
        "--no-verify",
        "--allow-dirty",
        // Not --offline: cargo looks each packed crate up in the crates.io index, and offline
        // it only finds what an earlier online run cached, so a fresh machine fails.
        "--locked",
    ]);
    for n in names {
        command.args(["--package", n]);
    }
    run(&mut command)?;
    let version = env!("CARGO_PKG_VERSION");
    let mut unpacked = Vec::new();
    for n in names {
        let file = target_dir()
            .join("package")
            .join(format!("{n}-{version}.crate"));
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(&file)?);
        tar::Archive::new(gz).unpack(into)?;
        let dir = into.join(format!("{n}-{version}"));
        assert!(
            dir.join("Cargo.toml").is_file(),
            "{} did not unpack into {}",
            file.display(),
            dir.display()
        );
        unpacked.push((n.to_string(), dir));
    }
    // What the build script of flyte-idl reads must have been packed with it, and the
    // Dockerfile cargo-flyte embeds with cargo-flyte.
    assert!(unpacked[0].1.join("flyteidl/core/literals.proto").is_file());
    assert!(unpacked[3].1.join("src/Dockerfile").is_file());
    unpacked.pop();
    Ok(unpacked)
}

/// Writes the tutorial crate (`greetings`) into `dir`.
fn write_crate(dir: &Path, crates: &[(String, PathBuf)]) -> Result {
    std::fs::create_dir_all(dir.join("src"))?;
    let mut manifest = String::from(
        "[package]\nname = \"greetings\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nflyte-runtime = \"0.1.0\"\n\
         serde = { version = \"1\", features = [\"derive\"] }\n\n[patch.crates-io]\n",
    );
    for (name, path) in crates {
        manifest.push_str(&format!("{name} = {{ path = {:?} }}\n", path.display()));
    }
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/main.rs"), tutorial_code()?)?;
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(dir.join("letter.txt"), "Dear Grace,\nthe engine runs.\n")?;
    Ok(())
}

fn cargo_flyte() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-flyte"));
    c.env("CARGO_TARGET_DIR", target_dir());
    c
}

#[test]
fn the_tutorial_crate_builds_its_image_and_runs_in_it_from_outside_the_workspace() -> Result {
    if !flyte_tests::docker::engine_ready("tutorial") {
        return Ok(());
    }
    let tmp = tempfile::Builder::new()
        .prefix("flyte-rs-tutorial-")
        .tempdir()?;
    let crates = packed_crates(&tmp.path().join("crates"))?;
    let krate = tmp.path().join("greetings");
    write_crate(&krate, &crates)?;
    let manifest = krate.join("Cargo.toml");

    // A package that is not there is named, with the ones that are.
    let wrong = cargo_flyte()
        .args(["image", "--package", "greeting", "--manifest-path"])
        .arg(&manifest)
        .output()?;
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success(), "{said}");
    assert!(
        said.contains("package `greeting` is not in the workspace") && said.contains("`greetings`"),
        "{said}"
    );

    let tag = format!("flyte-rs-tutorial:{}", std::process::id());
    // As cargo starts a subcommand (`cargo flyte image`): `flyte` comes first.
    let built = run(cargo_flyte()
        .args(["flyte", "image", "--tag", &tag, "--manifest-path"])
        .arg(&manifest))?;
    let said = String::from_utf8_lossy(&built.stdout);
    assert!(said.contains(&format!("image: {tag} (")), "{said}");
    // CARGO_TARGET_DIR is where the build went, not the crate's folder.
    let binary = target_dir().join(format!(
        "{}-unknown-linux-gnu/release/greetings",
        std::env::consts::ARCH
    ));
    assert!(binary.is_file(), "{} was not built", binary.display());
    assert!(!krate.join("target").exists());

    let result = (|| -> Result {
        let hello = run(Command::new(&binary)
            .current_dir(&krate)
            .args(["run", "greetings.hello", "--container", &tag])
            .args(["--input", "name=Ada", "--input", "times=2"]))?;
        let said = String::from_utf8_lossy(&hello.stdout);
        assert!(said.contains("ran in container"), "{said}");
        assert!(
            said.contains(r#"greeting = "Hello, Ada! Hello, Ada!""#),
            "{said}"
        );

        // A relative path: made an absolute file URI, its folder mounted into the pod.
        let sign = run(Command::new(&binary)
            .current_dir(&krate)
            .args(["run", "greetings.sign", "--container", &tag])
            .args(["--input", "text=letter.txt"]))?;
        let said = String::from_utf8_lossy(&sign.stdout);
        assert!(said.contains("lines = 3"), "{said}");
        let uri = said
            .lines()
            .find_map(|l| l.trim().strip_prefix("letter = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .ok_or_else(|| format!("no file output in:\n{said}"))?;
        // A local run's raw output prefix is a folder: the URI is a path or a file:// URI.
        let signed = std::fs::read_to_string(uri.strip_prefix("file://").unwrap_or(uri))?;
        assert_eq!(signed, "Dear Grace,\nthe engine runs.\n-- Ada\n");
        Ok(())
    })();
    let _ = Command::new("docker")
        .args(["image", "rm", "--force", &tag])
        .output();
    result
}
