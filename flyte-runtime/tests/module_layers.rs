//! No import cycles in `flyte-runtime`: between its top-level modules, and between the files
//! of each module. The crate's `src/` is read as text: every `crate::…` and `super::…` path
//! outside comments, strings and `#[cfg(test)]` code is an edge from the file that names it to
//! the module it names. A path to a module's own `mod.rs` counts as an edge to the file that
//! item is re-exported from. The facades (`lib.rs`, `prelude`, `__private`) only re-export and
//! are left out.
//!
//! The layers, bottom to top, are stated as a table of the edges each top-level module may
//! have ([`ALLOWED`]); an edge not in it fails `top_level_edges_are_the_allowed_ones`, so an
//! inversion (a lower layer reaching up) is a visible change to the table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Files by module path (`["execute", "runner"]`, `["execute"]` for `execute/mod.rs`).
type Files = BTreeMap<Vec<String>, String>;

const FACADES: [&str; 2] = ["prelude", "__private"];

/// What each top-level module may use, bottom to top. `contract` (the names that cross the
/// pod boundary) and `proto` (the wire types) use nothing; `local` (the local emulation of
/// propeller: `run`'s work) sits on the run engine and the pod model; the binary's `cli`
/// may use all, and nothing uses `cli` or `local`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("proto", &[]),
    ("contract", &[]),
    ("types", &["proto"]),
    ("workflow", &["proto"]),
    ("storage", &["contract"]),
    ("dataframe", &["proto", "storage", "types"]),
    ("pod", &["contract", "proto", "storage", "types"]),
    ("deck", &["proto", "storage", "types"]),
    (
        "context",
        &["contract", "deck", "proto", "storage", "types"],
    ),
    (
        "task",
        &["context", "contract", "pod", "proto", "types", "workflow"],
    ),
    (
        "execute",
        &[
            "context", "contract", "deck", "proto", "storage", "task", "types",
        ],
    ),
    ("package", &["proto", "task"]),
    ("python", &["contract", "proto", "task", "types"]),
    (
        "local",
        &[
            "contract", "execute", "pod", "proto", "storage", "task", "types",
        ],
    ),
    (
        "cli",
        &[
            "context",
            "contract",
            "dataframe",
            "execute",
            "local",
            "package",
            "pod",
            "proto",
            "python",
            "storage",
            "task",
            "types",
        ],
    ),
];

#[test]
fn top_level_edges_are_the_allowed_ones() {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let graph = top_level_graph(&files);
    let mut refused = Vec::new();
    for (module, uses) in &graph {
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| m == module) else {
            refused.push(format!("`{module}` is not in the table of layers"));
            continue;
        };
        for used in uses.iter().filter(|u| !allowed.contains(&u.as_str())) {
            refused.push(format!("{module} → {used}"));
        }
    }
    assert!(
        refused.is_empty(),
        "edges the table of layers (ALLOWED) does not allow: {}",
        refused.join("; ")
    );
    // The table itself has no cycle.
    let table: BTreeMap<String, BTreeSet<String>> = ALLOWED
        .iter()
        .map(|(m, uses)| (m.to_string(), uses.iter().map(|u| u.to_string()).collect()))
        .collect();
    assert_eq!(find_cycle(&table), None);
}

#[test]
fn top_level_modules_have_no_cycle() {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let graph = top_level_graph(&files);
    assert!(graph.len() > 8, "too few modules found: {:?}", graph.keys());
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle between top-level modules: {}",
            cycle.join(" → ")
        );
    }
    // Evidence for the reader (`cargo test -- --nocapture`): each module and what it uses.
    for (module, uses) in &graph {
        println!(
            "{module} → {}",
            uses.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
}

#[test]
fn files_within_each_module_have_no_cycle() {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let mut checked = 0;
    for module in files.keys().filter(|k| k.len() == 1) {
        let graph = file_graph(&files, &module[0]);
        checked += graph.len();
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "import cycle between the files of `{}`: {}",
                module[0],
                cycle.join(" → ")
            );
        }
    }
    assert!(checked > 30, "too few files checked: {checked}");
}

/// The checker finds a cycle where there is one, at both levels (so the tests above can fail).
#[test]
fn the_checker_finds_cycles() {
    let files: Files = [
        (vec!["a".into()], "mod x; mod y; pub use x::Thing;".into()),
        (vec!["a".into(), "x".into()], "use super::y::Other;".into()),
        (vec!["a".into(), "y".into()], "use super::Thing;".into()),
        (vec!["b".into()], "use crate::a::Thing;".into()),
        (
            vec!["c".into()],
            "// use crate::b::Nothing;\nfn f() { let _ = \"crate::b::X\"; crate::{a::Thing, b::Y}; }".into(),
        ),
        (vec!["d".into()], "use crate::c::Z;\n#[cfg(test)]\nmod tests { use crate::e::W; }".into()),
        (vec!["e".into()], "use crate::d::V;".into()),
    ]
    .into_iter()
    .collect();
    let top = top_level_graph(&files);
    assert_eq!(top["c"], BTreeSet::from(["a".to_string(), "b".to_string()]));
    assert!(top["d"].contains("c") && !top["d"].contains("e"), "{top:?}");
    assert_eq!(find_cycle(&top), None, "{top:?}");
    let mut cyclic = top.clone();
    cyclic.entry("a".into()).or_default().insert("c".into());
    assert!(find_cycle(&cyclic).is_some());
    let inner = file_graph(&files, "a");
    assert_eq!(
        find_cycle(&inner).map(|c| c.len()),
        Some(3),
        "x → y → x through the re-export: {inner:?}"
    );
}

fn read_src(dir: &Path) -> Files {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let mut segments: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if segments.last().is_some_and(|s| s == "mod" || s == "lib") {
                segments.pop();
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.insert(segments, text);
        }
    }
    files
}

/// The code of a file without comments, string contents and its `#[cfg(test)]` tail.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            if in_string {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        in_string = false;
                        out.push('"');
                    }
                    _ => escaped = false,
                }
            } else {
                in_string = c == '"';
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Every path that starts with `crate::` or `super::` (not `$crate::`), groups expanded:
/// `crate::{a::B, c}` gives `crate::a::B` and `crate::c`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = at.checked_sub(1).map(|i| bytes[i] as char);
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
                continue;
            }
            let head = start.trim_end_matches(':').to_string();
            expand(&code[from..], vec![head], &mut found);
        }
    }
    found
}

/// Reads one path (and its groups) from `rest`, each prefixed by `prefix`.
fn expand(rest: &str, prefix: Vec<String>, found: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let mut i = 0;
    let chars: Vec<char> = rest.chars().collect();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    return i + 1;
                }
                let tail: String = chars[i..].iter().collect();
                let used = expand(&tail, path.clone(), found);
                i += used.max(1);
            }
        }
        let ident: String = chars[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if ident.is_empty() {
            found.push(path);
            return i;
        }
        i += ident.chars().count();
        path.push(ident);
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            found.push(path);
            return i;
        }
    }
}

/// `path` (starting `crate` or `super`) as seen from the file at `file`, made absolute.
fn absolute(file: &[String], path: &[String]) -> Vec<String> {
    if path.first().is_some_and(|s| s == "crate") {
        return path[1..].to_vec();
    }
    // `super` of `x/mod.rs` ([x]) is the root; of `x/y.rs` ([x, y]) it is [x].
    let mut base: Vec<String> = file.to_vec();
    let mut rest = path;
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    base
}

fn top_level_graph(files: &Files) -> BTreeMap<String, BTreeSet<String>> {
    let tops: BTreeSet<String> = files.keys().filter_map(|k| k.first().cloned()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in files {
        let Some(top) = file.first() else { continue };
        if FACADES.contains(&top.as_str()) {
            continue;
        }
        let uses = graph.entry(top.clone()).or_default();
        for path in paths(&code(text)) {
            let target = absolute(file, &path);
            if let Some(t) = target.first() {
                if t != top && tops.contains(t) && !FACADES.contains(&t.as_str()) {
                    uses.insert(t.clone());
                }
            }
        }
    }
    graph
}

/// The files of top-level module `module` and which of them each uses.
fn file_graph(files: &Files, module: &str) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<String> = files
        .keys()
        .filter(|k| k.len() == 2 && k[0] == module)
        .map(|k| k[1].clone())
        .collect();
    // Names the module's own file re-exports, and from which child.
    let mut reexports: BTreeMap<String, String> = BTreeMap::new();
    if let Some(text) = files.get(&vec![module.to_string()]) {
        for statement in code(text).split(';') {
            let Some(at) = statement.find("use ") else {
                continue;
            };
            let body = &statement[at + 4..];
            let child: String = body
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !children.contains(&child) {
                continue;
            }
            for name in body.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !name.is_empty() && name != child {
                    reexports.insert(name.to_string(), child.clone());
                }
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for child in &children {
        let file = vec![module.to_string(), child.clone()];
        let uses = graph.entry(child.clone()).or_default();
        for path in paths(&code(&files[&file])) {
            let target = absolute(&file, &path);
            if target.first().map(String::as_str) != Some(module) {
                continue;
            }
            let used = match target.get(1) {
                Some(t) if children.contains(t) => Some(t.clone()),
                Some(name) => reexports.get(name).cloned(),
                None => None,
            };
            if let Some(used) = used.filter(|u| u != child) {
                uses.insert(used);
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the nodes along it (first repeated at the end), if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// A file's code without its unit tests and comment lines (what the checks below read).
fn production_code(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The string literals of `code` (enough of Rust's syntax for this crate's sources).
fn string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // A char literal ('"' among them) or a lifetime: skip what a char literal holds.
            let rest: String = chars.clone().take(3).collect();
            if rest.starts_with("\\") || rest.chars().nth(1) == Some('\'') {
                for _ in 0..rest.find('\'').map_or(0, |i| i + 1).max(2) {
                    chars.next();
                }
            }
            continue;
        }
        if c != '"' {
            continue;
        }
        let mut lit = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    lit.push(c);
                    lit.extend(chars.next());
                }
                '"' => break,
                c => lit.push(c),
            }
        }
        out.push(lit);
    }
    out
}

/// Names that cross the pod boundary: spelt in `contract/` only.
const CONTRACT_NAMES: &[&str] = &[
    "outputs.pb",
    "error.pb",
    "inputs.pb",
    "task.pb",
    "_offloaded_metadata.pb",
    "FLYTE_ATTEMPT_NUMBER",
    "FLYTE_INTERNAL_",
    "_F_L_",
    "BATCH_JOB_ARRAY_INDEX",
    "_FSEC_",
    "FLYTE_SECRETS_",
    "--checkpoint-path",
    "--resolver",
    "{{.input}}",
    "{{.outputPrefix}}",
    "{{.rawOutputDataPrefix}}",
    "{{.checkpointOutputPrefix}}",
    "{{.prevCheckpointPrefix}}",
    "{{.taskTemplatePath}}",
    "FLYTE_AWS_",
    "FLYTE_RS_STORAGE_",
    "FLYTE_FAIL_ON_ERROR",
    "inject-flyte-secrets",
    "execution-id",
    "workflow-name",
    "shard-key",
    "node-id",
    "task-name",
    "safe-to-evict",
    ".flytegen.",
];

#[test]
fn names_crossing_the_pod_boundary_are_spelt_in_contract_only() {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let mut elsewhere = Vec::new();
    for (path, text) in &files {
        if path.first().is_some_and(|m| m == "contract") {
            continue;
        }
        for lit in string_literals(&production_code(text)) {
            for name in CONTRACT_NAMES.iter().filter(|n| lit.contains(*n)) {
                elsewhere.push(format!("{name} in {} (\"{lit}\")", path.join("/")));
            }
        }
    }
    assert!(
        elsewhere.is_empty(),
        "spell these through contract/: {}",
        elsewhere.join("; ")
    );
    // The check sees a name where there is one.
    let probe = production_code("fn f() { let _ = join(p, \"outputs.pb\"); }\n// \"error.pb\"");
    assert_eq!(string_literals(&probe), ["outputs.pb"]);
}

#[test]
fn the_environment_is_read_once_and_never_written() {
    let files = read_src(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let mut readers = Vec::new();
    for (path, text) in &files {
        let code = production_code(text);
        for write in ["set_var(", "remove_var("] {
            assert!(
                !code.contains(write),
                "{} writes the process environment ({write}…): give the run a PodEnv instead",
                path.join("/")
            );
        }
        // object_store's builders read AWS_* and GOOGLE_* themselves in `from_env`: the
        // storage layer gives them the run's snapshot instead (StorageConfig::sdk_env).
        if [
            "env::var(",
            "env::var_os(",
            "env::vars(",
            "env::vars_os(",
            "S3Builder::from_env(",
            "StorageBuilder::from_env(",
        ]
        .iter()
        .any(|r| code.contains(r))
        {
            readers.push(path.join("/"));
        }
    }
    assert_eq!(
        readers,
        ["contract/env"],
        "only PodEnv::from_env reads the environment (the binary's main calls it once)"
    );
}
