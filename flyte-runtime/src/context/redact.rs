//! Keeping secret values out of everything the runtime writes.
//!
//! Every value read through [`Secrets::get`](super::Secrets::get) is remembered for the life
//! of the process; [`redact`] replaces each remembered value with `<redacted>`. The runtime
//! applies it to error documents and to every log line (through [`RedactingWriter`], which
//! `init_logging` installs), so a secret does not leak even when an executor puts it in a
//! `TaskError`, a panic message or a `tracing` event of its own, at any level.
//!
//! Values shorter than [`MIN_REDACTED_LEN`] bytes are not redacted: replacing every `ab` in a
//! log would hide more than it protects, and no real credential is that short.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{PoisonError, RwLock};

/// The shortest secret value that is redacted, in bytes.
pub const MIN_REDACTED_LEN: usize = 4;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "<redacted>";

/// The remembered values, longest first (so a value that contains another is replaced whole),
/// each also in its escaped forms as JSON logs and `{:?}` print them.
static REVEALED: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remembers `value` (and its escaped forms) so that [`redact`] hides it from now on.
pub(crate) fn remember(value: &str) {
    if value.len() < MIN_REDACTED_LEN {
        return;
    }
    let debug = format!("{value:?}");
    let json = serde_json::to_string(value).unwrap_or_default();
    let forms = [
        value.to_string(),
        debug.trim_matches('"').to_string(),
        json.trim_matches('"').to_string(),
    ];
    let mut revealed = REVEALED.write().unwrap_or_else(PoisonError::into_inner);
    for form in forms {
        if form.len() >= MIN_REDACTED_LEN && !revealed.contains(&form) {
            revealed.push(form);
        }
    }
    revealed.sort_by_key(|v| std::cmp::Reverse(v.len()));
}

/// `text` with every secret value read so far in this process replaced by `<redacted>`.
///
/// ```
/// use flyte_runtime::context::{redact, Secrets};
/// use flyte_runtime::contract::PodEnv;
///
/// let env = PodEnv::from_pairs([("_DOC_REDACT_FSEC_API_TOKEN", "s3cr3t-t0ken")]);
/// let secrets = Secrets::default().with_env_prefix("_DOC_REDACT_FSEC_").with_env(env);
/// let token = secrets.get("api", "token").unwrap();
/// let message = format!("login refused for token {}", token.expose());
/// assert_eq!(redact(&message), "login refused for token <redacted>");
/// ```
pub fn redact(text: &str) -> Cow<'_, str> {
    let revealed = REVEALED.read().unwrap_or_else(PoisonError::into_inner);
    if !revealed.iter().any(|v| text.contains(v.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for v in revealed.iter() {
        if out.contains(v.as_str()) {
            out = out.replace(v.as_str(), REDACTED);
        }
    }
    Cow::Owned(out)
}

/// A writer that [`redact`]s what passes through it. The log subscriber writes each event
/// in one call, so a value is never split across two writes.
#[derive(Debug)]
pub(crate) struct RedactingWriter<W>(pub(crate) W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf).map(redact) {
            Ok(Cow::Owned(clean)) => {
                self.0.write_all(clean.as_bytes())?;
                Ok(buf.len())
            }
            Ok(Cow::Borrowed(_)) | Err(_) => self.0.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_values_are_replaced_in_every_form() {
        remember("tok\"en-with-quote");
        let json = serde_json::json!({ "message": "got tok\"en-with-quote" }).to_string();
        assert!(!redact(&json).contains("en-with-quote"), "{json}");
        let debug = format!("{:?}", "tok\"en-with-quote");
        assert!(!redact(&debug).contains("en-with-quote"), "{debug}");
        assert_eq!(redact("nothing here"), Cow::Borrowed("nothing here"));
    }

    #[test]
    fn short_values_are_left_alone() {
        remember("ab");
        assert_eq!(redact("abc"), "abc");
    }

    #[test]
    fn the_writer_redacts_each_write() {
        remember("hunter2-writer");
        let mut w = RedactingWriter(Vec::new());
        w.write_all(b"password=hunter2-writer\n").unwrap();
        assert_eq!(String::from_utf8(w.0).unwrap(), "password=<redacted>\n");
    }
}
