//! The README's five-minute tutorial, done as a newcomer does it: a crate of its own outside
//! this repository, depending on flyte-runtime as `cargo package` packs it, its image built
//! by `cargo flyte image`, and both of its tasks run in that image as propeller runs a pod.
//!
//! The packed crates are used through `[patch.crates-io]` (the unpacked `.crate` files, so
//! what is built is exactly what would be published: the `.proto` files and the build
//! script from the package), with this workspace's `Cargo.lock` so that the release build
//! shares its dependencies with the image build the test command already made.
//!
//! The crate then grows as an author grows it (`tests/author/csv_stats.rs`: a CSV summary with
//! an optional input, a struct output, a checked configuration and a map over files), and
//! that is driven as a user would: a `..` path from a subfolder, a configuration its task type
//! refuses (from `run`, `execute` and Python), a flytekit workflow of its ready-made and
//! Python-made tasks (`tests/author/workflow.py`), and the map over relative file paths in
//! the image, one element failing.
//!
//! Needs the Docker engine; without one this test prints a SKIP line and passes, except
//! under CI (`CI` set), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_tests::workspace_root;
use prost::Message;

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

/// The README from its tutorial's heading on.
fn tutorial_section() -> Result<String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
    let (_, after) = readme
        .split_once("## Your first task type in five minutes")
        .ok_or("README.md has no tutorial heading")?;
    Ok(after.to_string())
}

/// The README's tutorial code: the first `rust` block after its heading.
fn tutorial_code() -> Result<String> {
    let after = tutorial_section()?;
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
    std::fs::write(
        dir.join("src/main.rs"),
        format!("{}\nmod csv_stats;\n", tutorial_code()?),
    )?;
    std::fs::copy(author_file("csv_stats.rs"), dir.join("src/csv_stats.rs"))?;
    std::fs::create_dir_all(dir.join("data"))?;
    std::fs::write(
        dir.join("data/january.csv"),
        "day,amount,tax\n1,10.5,2\n2,20,4\n3,1.5,0.5\n",
    )?;
    std::fs::write(dir.join("data/february.csv"), "day,amount,tax\n1,7,1\n")?;
    std::fs::write(dir.join("data/broken.csv"), "day,amount,tax\n1,ten,2\n")?;
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(dir.join("letter.txt"), "Dear Grace,\nthe engine runs.\n")?;
    Ok(())
}

/// The README's local runs of the tutorial (the shell block after its code that runs
/// `greetings.hello` without `--container`), each line done in the crate's folder as a
/// reader would: `cargo run -- ARGS` is the built binary with ARGS, any other command a shell
/// line; each `#   ` line under a command must be a line of what it printed (`…` stands for
/// anything). The run folders they leave are removed.
fn readme_local_runs(binary: &Path, krate: &Path) -> Result {
    let after = tutorial_section()?;
    let block = after
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split_once("\n```").map(|(b, _)| b))
        .find(|b| b.contains("cargo run -- run greetings.hello") && !b.contains("--container"))
        .ok_or("the tutorial has no block of local runs")?;
    let mut said = String::new();
    let mut commands = 0;
    for line in block.lines() {
        if let Some(expected) = line.strip_prefix("#   ") {
            let parts: Vec<&str> = expected.split('…').collect();
            let matches = |l: &str| {
                let mut rest = l.trim();
                parts
                    .iter()
                    .enumerate()
                    .all(|(k, part)| match rest.find(part) {
                        Some(at) if k > 0 || at == 0 => {
                            rest = &rest[at + part.len()..];
                            true
                        }
                        _ => false,
                    })
                    && (parts.last().is_some_and(|p| p.is_empty()) || rest.is_empty())
            };
            assert!(
                said.lines().any(matches),
                "README: {expected:?} is not a line of what the command printed:\n{said}"
            );
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // The command, without its trailing comment.
        let command = line.split("  #").next().unwrap_or(line).trim();
        let out = match command.strip_prefix("cargo run -- ") {
            Some(args) => Command::new(binary)
                .current_dir(krate)
                .args(args.split_whitespace())
                .output()?,
            None => Command::new("sh")
                .current_dir(krate)
                .args(["-c", command])
                .output()?,
        };
        said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        println!("$ {command}\n{said}");
        for kept in said.lines().filter_map(|l| {
            l.trim()
                .strip_prefix("the run's files are in ")
                .and_then(|rest| rest.split_once(" (kept: "))
        }) {
            std::fs::remove_dir_all(kept.0)?;
        }
        commands += 1;
    }
    assert!(
        commands >= 3,
        "the block of local runs ran {commands} command(s)"
    );
    Ok(())
}

/// A file of the grown crate (`cargo-flyte/tests/author/`).
fn author_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/author")
        .join(name)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The grown crate's task types as a user drives them: from the command line, from a
/// flytekit workflow, and in the image `tag`.
fn the_grown_crate(binary: &Path, krate: &Path, tag: &str) -> Result {
    // A relative path with `..`, from a subfolder of the data.
    let sub = krate.join("data/sub");
    std::fs::create_dir_all(&sub)?;
    let sales = run(Command::new(binary).current_dir(&sub).args([
        "run",
        "stats.sales",
        "-i",
        "table=../january.csv",
        "--dir",
        "run",
    ]))?;
    let said = stdout(&sales);
    assert!(
        said.contains(r#"summary = {"columns":["amount"],"rows":3,"sums":[32.0]}"#),
        "{said}"
    );

    // A configuration the task type refuses: an edited template, checked by `run --check`
    // and by `execute` when it runs (its error document says why).
    let template = krate.join("sales.pb");
    run(Command::new(binary)
        .args(["template", "stats.sales", "--output"])
        .arg(&template))?;
    let mut edited =
        flyte_runtime::proto::core::TaskTemplate::decode(std::fs::read(&template)?.as_slice())?;
    edited.custom.as_mut().ok_or("no custom")?.fields.insert(
        "columns".into(),
        prost_types::Value {
            kind: Some(prost_types::value::Kind::ListValue(
                prost_types::ListValue::default(),
            )),
        },
    );
    let edited_path = krate.join("edited.pb");
    std::fs::write(&edited_path, edited.encode_to_vec())?;
    let why = "the configuration does not pass task type `csv-stats`'s check: columns is empty: \
               name at least one column to sum";
    let checked = Command::new(binary)
        .args(["run", "--check", "--template"])
        .arg(&edited_path)
        .output()?;
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success() && said.contains(why), "{said}");
    let ran = Command::new(binary)
        .current_dir(krate)
        .args([
            "run",
            "-i",
            "table=data/january.csv",
            "--dir",
            "edited-run",
            "--template",
        ])
        .arg(&edited_path)
        .output()?;
    let said = stdout(&ran);
    assert!(
        !ran.status.success()
            && said.contains(&format!(
                "failed: USER:ValidationError: task `stats.sales`: {why}"
            )),
        "{said}"
    );

    // Python: the module of the crate's binary, a workflow of its tasks run locally.
    let module_dir = krate.join("python");
    std::fs::create_dir_all(&module_dir)?;
    run(Command::new(binary)
        .args(["python-module", "--output"])
        .arg(module_dir.join("greetings_tasks.py")))?;
    // From a subfolder of the data, the table named by a relative path with `..`.
    let wf = run(Command::new(flyte_tests::python())
        .current_dir(&sub)
        .arg(author_file("workflow.py"))
        .arg(&module_dir)
        .arg("../january.csv")
        .env("FLYTE_RS_BINARY", binary))?;
    let got: serde_json::Value = serde_json::from_slice(&wf.stdout)?;
    assert_eq!(
        got,
        serde_json::json!({
            "rows": 3,
            "doubled": 6,
            "tax_sum": 6.5,
            "summary_type": "Summary",
            "summary_columns": ["amount"],
            "refused": format!("RustConfigError: task `stats.nothing`: {why}"),
        })
    );

    // The map over files, in the image, from relative paths: one element fails and its line
    // says which file it was given.
    let map = run(Command::new(binary)
        .current_dir(krate)
        .args(["run", "stats.map_sales_min_rows", "--container", tag])
        .args([
            "-i",
            r#"table=["data/january.csv","data/broken.csv","data/february.csv"]"#,
            "--dir",
            "map-run",
        ]))?;
    let said = stdout(&map);
    for line in [
        "2 succeeded, 2 needed",
        "element 1 failed: USER:ValueError: task `stats.map_sales_min_rows-arraynode`: line 2: \
         `ten` in column `amount` is not a number",
    ] {
        assert!(said.contains(line), "{line:?} not in\n{said}");
    }
    // Its next line says which file it was given (a long path cut in the middle).
    let failed_inputs = said
        .lines()
        .skip_while(|l| !l.starts_with("  element 1 failed: "))
        .nth(1)
        .unwrap_or_default();
    assert!(
        failed_inputs.starts_with("    its inputs: table=\"file:///")
            && failed_inputs.ends_with("/data/broken.csv\""),
        "{said}"
    );
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

    readme_local_runs(&binary, &krate)?;
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
        the_grown_crate(&binary, &krate, &tag)
    })();
    let _ = Command::new("docker")
        .args(["image", "rm", "--force", &tag])
        .output();
    result
}
