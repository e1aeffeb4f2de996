//! Every code block of README.md is compiled or run by the test command, so that the README
//! cannot drift from the code:
//!
//! - `rust` blocks are doc tests of flyte-runtime (`#[doc = include_str!("../../README.md")]`
//!   in its lib.rs); here they are only refused an `ignore`, which rustdoc would skip.
//! - Shell blocks (`sh`): a command of the `flyte-examples` binary that is local and quick
//!   (`cargo run -p flyte-examples -- SUB …` with SUB one of [`RUN_HERE`], not `--container`)
//!   is run here, from the workspace root with the binary cargo built; it must exit 0 and print
//!   each `#   expected` line written under it (`…` stands for anything). Any other command
//!   (the image, Docker, pyflyte, the test command) needs its block to carry a marker
//!   `# (run by PATH)` naming a file that exists and runs it for real: the file must mention
//!   the command's subcommand. Shell set-up (`cd`, `export`, `echo`, `printf`, `cargo
//!   new|add|install`) is neither run alone nor checked, but a block where nothing ran must
//!   carry a marker.
//! - `python` blocks start with `# (from PATH)`: each of their other lines must be a line of
//!   that file, in order (a file the Python tests run).
//! - A block of any other kind fails: its place is docs/.

use std::path::Path;
use std::process::Command;

use flyte_tests::pod::{scratch, workspace_bin};
use flyte_tests::workspace_root;

/// The subcommands of `flyte-examples` this test runs itself.
const RUN_HERE: [&str; 7] = [
    "list",
    "template",
    "run",
    "pod",
    "package",
    "inspect",
    "python-module",
];

/// A fenced block: its first line's number, its info string and its lines.
struct Block {
    line: usize,
    info: String,
    body: Vec<String>,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    line: n + 1,
                    info: info.trim().to_string(),
                    body: Vec::new(),
                })
            }
            (Some(_), Some("")) => out.extend(open.take()),
            (Some(b), _) => b.body.push(line.to_string()),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    out
}

/// The path a marker line names: `# (run by PATH…)` or `# (from PATH…)`.
fn marker(line: &str, kind: &str) -> Option<String> {
    let rest = line
        .trim()
        .strip_prefix("# (")?
        .strip_prefix(kind)?
        .trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | ',' | ':' | ';'))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// Shell words of one command line (quotes honoured, a `#` word ends the line).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => (quote, started) = (Some(c), true),
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// What one part of a command (between `&&`, `|`, `;`) is.
enum Part {
    /// Shell set-up: neither run alone nor checked.
    Setup,
    /// A command of the flyte-examples binary this test runs.
    RunHere,
    /// Anything else, with the words a marker's file must mention.
    Elsewhere(Vec<String>),
}

fn part(words: &[String]) -> Part {
    let w: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .collect();
    let after_dashes = w.iter().position(|x| *x == "--").map(|i| &w[i + 1..]);
    match w.as_slice() {
        [] | ["cd" | "export" | "echo" | "printf", ..] => Part::Setup,
        ["cargo", "new" | "add" | "install", ..] => Part::Setup,
        ["cargo", "run", "-p", "flyte-examples", "--", sub, rest @ ..]
            if RUN_HERE.contains(sub) && !rest.contains(&"--container") =>
        {
            Part::RunHere
        }
        ["cargo", "flyte", sub, ..] => Part::Elsewhere(vec![sub.to_string()]),
        ["cargo", ..] => match after_dashes.and_then(|a| a.first()) {
            Some(sub) => Part::Elsewhere(vec![sub.to_string()]),
            None => Part::Elsewhere(vec![w[1].to_string()]),
        },
        ["bash", script, ..] => Part::Elsewhere(vec![script.to_string()]),
        [program, rest @ ..] => {
            let mut keys = vec![program.rsplit('/').next().unwrap_or(program).to_string()];
            keys.extend(
                rest.first()
                    .filter(|s| !s.starts_with('-'))
                    .map(|s| s.to_string()),
            );
            Part::Elsewhere(keys)
        }
    }
}

/// Whether `text` holds `word` with no letter, digit or `_` on either side.
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !ident(text[..i].chars().next_back()) && !ident(text[i + word.len()..].chars().next())
    })
}

/// Whether some line of `output` holds the pieces of `expected` around its `…`, in order.
fn shows(output: &str, expected: &str) -> bool {
    output.lines().any(|line| {
        let mut rest = line;
        expected.split('…').map(str::trim).all(|piece| {
            rest.find(piece)
                .map(|i| rest = &rest[i + piece.len()..])
                .is_some()
        })
    })
}

/// Runs `command` as the README writes it, `cargo run -p flyte-examples --` being `bin`.
fn run(command: &str, bin: &Path, tmp: &Path) -> Result<String, String> {
    let script = format!(
        "set -eo pipefail\ncargo() {{\n  if [ \"$1 $2 $3 $4\" != 'run -p flyte-examples --' ]; then\n    \
         echo 'tests/readme.rs runs only cargo run -p flyte-examples --' >&2; return 97\n  fi\n  \
         shift 4; \"$FLYTE_EXAMPLES\" \"$@\"\n}}\n{command}\n"
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .current_dir(workspace_root())
        .env("FLYTE_EXAMPLES", bin)
        .env("TMPDIR", tmp) // the run folders
        .output()
        .map_err(|e| format!("cannot start bash: {e}"))?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(said)
    } else {
        Err(format!("exited with {}:\n{said}", out.status))
    }
}

/// The problems of README text `readme`; runs its runnable commands with `bin`.
fn check(readme: &str, bin: &Path, tmp: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for block in blocks(readme) {
        let at = format!("README.md:{} (```{})", block.line, block.info);
        match block.info.split([',', ' ']).next().unwrap_or("") {
            "rust" if block.info.contains("ignore") => {
                problems.push(format!("{at}: `ignore` keeps rustdoc from compiling it"))
            }
            "rust" => {}
            "python" => problems.extend(python_block(&block.body).map(|p| format!("{at}: {p}"))),
            "sh" | "bash" | "shell" => problems.extend(
                shell_block(&block.body, bin, tmp)
                    .into_iter()
                    .map(|p| format!("{at}: {p}")),
            ),
            other => problems.push(format!(
                "{at}: a `{other}` block is neither compiled nor run; show it as a command \
                 whose output is checked, or move it to docs/"
            )),
        }
    }
    problems
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(workspace_root().join(path)).ok()
}

/// A `python` block's problem: a line not in the file its `# (from PATH)` names.
fn python_block(body: &[String]) -> Option<String> {
    let Some(path) = body.first().and_then(|l| marker(l, "from")) else {
        return Some("its first line must be `# (from PATH)`".into());
    };
    let Some(text) = read(&path) else {
        return Some(format!("{path} does not exist"));
    };
    let mut lines = text.lines().map(str::trim_end);
    body[1..]
        .iter()
        .map(|l| l.trim_end())
        .filter(|l| !l.trim().is_empty() && l.trim() != "…")
        .find(|l| !lines.any(|f| f == *l))
        .map(|l| format!("`{l}` is not in {path} (in this order)"))
}

/// A shell block's problems; runs the commands this test runs.
fn shell_block(body: &[String], bin: &Path, tmp: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let markers: Vec<String> = body.iter().filter_map(|l| marker(l, "run by")).collect();
    let mut files = Vec::new();
    for m in &markers {
        match read(m) {
            Some(text) => files.push(text),
            None => problems.push(format!("{m} does not exist")),
        }
    }
    let mut ran = 0;
    let mut lines = body.iter().peekable();
    while let Some(first) = lines.next() {
        let mut command = first.trim_end().to_string();
        while command.ends_with('\\') {
            command.pop();
            command.push(' ');
            command.push_str(lines.next().map_or("", |l| l.trim()));
        }
        let mut expected = Vec::new();
        while let Some(l) = lines.peek().and_then(|l| l.strip_prefix("#   ")) {
            expected.push(l.trim().to_string());
            lines.next();
        }
        let parts: Vec<Part> = words(&command)
            .split(|w| matches!(w.as_str(), "&&" | "||" | "|" | ";"))
            .map(part)
            .collect();
        let elsewhere: Vec<&String> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Elsewhere(keys) => Some(keys),
                _ => None,
            })
            .flatten()
            .collect();
        let unmarked: Vec<&&String> = elsewhere
            .iter()
            .filter(|key| !files.iter().any(|f| mentions(f, key)))
            .collect();
        if !unmarked.is_empty() {
            problems.push(format!(
                "`{command}` is not run here, and no `# (run by PATH)` of its block names a \
                 file that mentions {unmarked:?}"
            ));
        } else if elsewhere.is_empty() && parts.iter().any(|p| matches!(p, Part::RunHere)) {
            ran += 1;
            match run(&command, bin, tmp) {
                Err(e) => problems.push(format!("`{command}` {e}")),
                Ok(said) => problems.extend(
                    expected
                        .iter()
                        .filter(|e| !shows(&said, e))
                        .map(|e| format!("`{command}` did not print `{e}`:\n{said}")),
                ),
            }
        }
    }
    if ran == 0 && markers.is_empty() {
        problems.push(
            "nothing in it is run here; name the test that runs it with `# (run by PATH)`".into(),
        );
    }
    problems
}

#[test]
fn every_code_block_of_the_readme_is_compiled_or_run() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let tmp = scratch("readme");
    let problems = check(&readme, &workspace_bin("flyte-examples"), &tmp);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn a_block_neither_run_nor_marked_is_refused() {
    let bin = Path::new("/nonexistent"); // nothing in these blocks runs
    let readme = "```sh\ndocker run --rm flyte-examples:0.1.0\n```\n\n```text\nout\n```\n";
    let problems = check(readme, bin, bin);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("docker run"), "{problems:#?}");
    assert!(
        problems[1].contains("nothing in it is run here"),
        "{problems:#?}"
    );
    assert!(problems[2].contains("`text` block"), "{problems:#?}");
    // A marker naming a file that does not mention the command is no excuse.
    let readme = "```sh\n# (run by tests/run.sh)\nkubectl apply -f pod.yaml\n```\n";
    let problems = check(readme, bin, bin);
    assert!(
        problems.len() == 1 && problems[0].contains("\"kubectl\""),
        "{problems:#?}"
    );
}
