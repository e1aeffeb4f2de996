//! "Did you mean …?" for misspelt attribute keys: the closest known key by edit distance.

/// The known key closest to `unknown`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (distance(unknown, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The message for an unknown key: what was given, what is known, and the likely typo.
pub(crate) fn unknown_key_message(what: &str, unknown: &str, known: &[&str]) -> String {
    let mut msg = format!("unknown {what} `{unknown}`");
    if let Some(k) = closest(unknown, known) {
        msg.push_str(&format!("; did you mean `{k}`?"));
    }
    msg.push_str(&format!(" (expected one of: {})", known.join(", ")));
    msg
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            closest("task_typ", &["task_type", "image"]),
            Some("task_type")
        );
        assert_eq!(closest("imgae", &["task_type", "image"]), Some("image"));
        assert_eq!(closest("zzzzzzzz", &["task_type", "image"]), None);
    }
}
