//! HTML escaping: every text that reaches a deck (values, names, messages, an author's
//! table cells) goes through here, so that `<script>` in an input is shown, never run.

/// `s` with `&`, `<`, `>`, `"` and `'` as character references (safe in text and in quoted
/// attribute values).
///
/// ```
/// assert_eq!(
///     flyte_runtime::deck::escape("<script>alert('x & y')</script>"),
///     "&lt;script&gt;alert(&#39;x &amp; y&#39;)&lt;/script&gt;"
/// );
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s`, escaped, to `out`.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// At most `max` characters of `s`, escaped, with how many were left out.
pub(crate) fn escape_at_most(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return escape(s);
    }
    let head: String = s.chars().take(max).collect();
    format!(
        "{}<span class=\"deck-note\">… ({} more characters)</span>",
        escape(&head),
        count - max
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_and_says_so() {
        assert_eq!(escape_at_most("ab<", 5), "ab&lt;");
        let cut = escape_at_most("éé<é", 2);
        assert!(cut.starts_with("éé<span"), "{cut}");
        assert!(cut.contains("2 more characters"), "{cut}");
    }
}
