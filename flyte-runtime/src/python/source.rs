//! Python source text: string literals, identifiers and docstrings, as the module and its
//! dataclasses write them, and the shared runtime every module starts with.

/// The shared runtime, the first part of every module.
pub(super) const RUNTIME: &str = include_str!("runtime.py");

/// A Python string literal (JSON's escapes are Python's).
pub(super) fn py_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// A Python identifier for `name`: every character that cannot be in one becomes `_`.
pub(super) fn identifier(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    if KEYWORDS.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// A docstring body, indented.
pub(super) fn docstring(text: &str, indent: &str) -> String {
    let text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect();
    let body = lines.join("\n");
    let body = body.trim_start();
    if body.contains('\n') {
        format!("{indent}\"\"\"{body}\n{indent}\"\"\"\n")
    } else {
        format!("{indent}\"\"\"{body}\"\"\"\n")
    }
}
