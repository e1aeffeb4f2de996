//! The placeholders propeller fills into a container's `command` and `args` before the pod
//! starts, matched and rendered as flyteplugins 1.16 does (`pluginmachinery/core/template/
//! template.go`, `render`): case-insensitive, `.` or `$`, spaces inside the braces, applied
//! one after another in propeller's order; unknown placeholders are left as they are.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use crate::proto::core::{literal, primitive, scalar, Literal, LiteralMap, Primitive, Scalar};

/// The values propeller substitutes.
///
/// ```
/// use flyte_runtime::__private::pod::Placeholders;
///
/// let p = Placeholders {
///     input: "s3://b/in/inputs.pb".into(),
///     output_prefix: "s3://b/out".into(),
///     ..Default::default()
/// };
/// let args = ["--inputs", "{{.input}}", "{{ $OutputPrefix }}/x", "{{.other}}", "{{.prevCheckpointPrefix}}"]
///     .map(String::from);
/// assert_eq!(
///     p.render(&args).unwrap(),
///     ["--inputs", "s3://b/in/inputs.pb", "s3://b/out/x", "{{.other}}", "\"\""]
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placeholders {
    /// `{{.input}}`: the URI of `inputs.pb` (`<inputPrefix>/inputs.pb` on a cluster).
    pub input: String,
    /// `{{.inputPrefix}}`.
    pub input_prefix: String,
    /// `{{.outputPrefix}}`.
    pub output_prefix: String,
    /// `{{.rawOutputDataPrefix}}`.
    pub raw_output_data_prefix: String,
    /// `{{.checkpointOutputPrefix}}`.
    pub checkpoint_output_prefix: String,
    /// `{{.prevCheckpointPrefix}}`: empty on a first attempt, which propeller renders as the
    /// two characters `""`.
    pub prev_checkpoint_prefix: String,
    /// `{{.taskTemplatePath}}`.
    pub task_template_path: String,
    /// The task execution's generated name; `{{.perRetryUniqueKey}}` is it made alphanumeric
    /// (a leading non-letter run becomes `a`, other runs of other characters `_`).
    pub generated_name: String,
    /// `{{.namespace}}`.
    pub namespace: String,
    /// The inputs, for `{{.inputs.NAME}}`; when empty, those are left as they are.
    pub inputs: LiteralMap,
}

/// A placeholder that propeller would fail to render (so the pod would never start).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot render `{placeholder}` in `{arg}`: {reason}")]
pub struct RenderError {
    /// The argument that held it.
    pub arg: String,
    /// The placeholder.
    pub placeholder: String,
    /// Why (as propeller says it).
    pub reason: String,
}

/// `name` matched as Go's RE2 matches it under `(?i)`: each letter in either case, and
/// `k` and `s` also as the two non-ASCII letters that Unicode simple case folding joins to
/// them (KELVIN SIGN, LATIN SMALL LETTER LONG S). Spelled out because this crate builds
/// `regex` without its Unicode tables (a fifth of the binary's relocated pointers).
fn case_insensitive(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_ascii_lowercase() {
            'k' => r"[kK\x{212A}]".to_string(),
            's' => r"[sS\x{17F}]".to_string(),
            l if l.is_ascii_alphabetic() => format!("[{l}{}]", l.to_ascii_uppercase()),
            _ => regex::escape(&c.to_string()),
        })
        .collect()
}

/// `{{.NAME…}}` or `{{$NAME…}}`, `name` case-insensitive, then the regex `rest`.
fn pattern(name: &str, rest: &str) -> Regex {
    // Go's RE2 `\s` is ASCII whitespace; spelled out here too.
    let name = case_insensitive(name);
    match Regex::new(&format!(
        r"\{{\{{[\t\n\f\r ]*[.$]{name}{rest}[\t\n\f\r ]*\}}\}}"
    )) {
        Ok(r) => r,
        // The patterns are constants of this file; a test compiles every one.
        Err(e) => unreachable!("placeholder pattern {name}: {e}"),
    }
}

struct Patterns {
    input: Regex,
    output_prefix: Regex,
    input_prefix: Regex,
    raw_output_data_prefix: Regex,
    prev_checkpoint_prefix: Regex,
    checkpoint_output_prefix: Regex,
    per_retry_unique_key: Regex,
    task_template_path: Regex,
    namespace: Regex,
    input_var: Regex,
    starts_with_non_alpha: Regex,
    non_alphanumeric: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        input: pattern("Input", ""),
        output_prefix: pattern("OutputPrefix", ""),
        input_prefix: pattern("InputPrefix", ""),
        raw_output_data_prefix: pattern("RawOutputDataPrefix", ""),
        prev_checkpoint_prefix: pattern("PrevCheckpointPrefix", ""),
        checkpoint_output_prefix: pattern("CheckpointOutputPrefix", ""),
        per_retry_unique_key: pattern("PerRetryUniqueKey", ""),
        task_template_path: pattern("TaskTemplatePath", ""),
        namespace: pattern("Namespace", ""),
        input_var: pattern("Inputs.", r"(?P<name>[^}\t\n\f\r ]+)"),
        starts_with_non_alpha: Regex::new("^[^a-zA-Z_]+").unwrap_or_else(|e| unreachable!("{e}")),
        non_alphanumeric: Regex::new("[^a-zA-Z0-9_]+").unwrap_or_else(|e| unreachable!("{e}")),
    })
}

impl Placeholders {
    /// `{{.perRetryUniqueKey}}`'s value.
    pub fn per_retry_unique_key(&self) -> String {
        let p = patterns();
        let key = p
            .starts_with_non_alpha
            .replace_all(&self.generated_name, "a");
        p.non_alphanumeric.replace_all(&key, "_").into_owned()
    }

    /// Renders every argument (of a container's `command` or `args`).
    pub fn render(&self, args: &[String]) -> Result<Vec<String>, RenderError> {
        args.iter().map(|a| self.render_one(a)).collect()
    }

    /// Renders one argument, replacing in propeller's order.
    pub fn render_one(&self, arg: &str) -> Result<String, RenderError> {
        let p = patterns();
        let prev = if self.prev_checkpoint_prefix.is_empty() {
            "\"\""
        } else {
            self.prev_checkpoint_prefix.as_str()
        };
        let key = self.per_retry_unique_key();
        let mut val = arg.to_string();
        for (re, value) in [
            (&p.input, self.input.as_str()),
            (&p.output_prefix, &self.output_prefix),
            (&p.input_prefix, &self.input_prefix),
            (&p.raw_output_data_prefix, &self.raw_output_data_prefix),
            (&p.prev_checkpoint_prefix, prev),
            (&p.checkpoint_output_prefix, &self.checkpoint_output_prefix),
            (&p.per_retry_unique_key, &key),
            (&p.task_template_path, &self.task_template_path),
            (&p.namespace, &self.namespace),
        ] {
            val = re.replace_all(&val, regex::NoExpand(value)).into_owned();
        }
        if self.inputs.literals.is_empty() {
            return Ok(val);
        }
        let mut failure = None;
        let rendered = p.input_var.replace_all(&val, |c: &Captures<'_>| {
            let name = &c["name"];
            let value = match self.inputs.literals.get(name) {
                Some(lit) => literal_text(lit),
                None => Err(format!("requested input is not found [{name}]")),
            };
            value.unwrap_or_else(|reason| {
                failure.get_or_insert(RenderError {
                    arg: arg.to_string(),
                    placeholder: c[0].to_string(),
                    reason,
                });
                String::new()
            })
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(rendered.into_owned()),
        }
    }
}

/// An input's text as propeller writes it into an argument (Go's `%v` of the value).
fn literal_text(lit: &Literal) -> Result<String, String> {
    match &lit.value {
        Some(literal::Value::Collection(c)) => {
            let parts = c
                .literals
                .iter()
                .map(literal_text)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", parts.join(",")))
        }
        Some(literal::Value::Scalar(s)) => scalar_text(s),
        _ => Err("received an unexpected primitive type".to_string()),
    }
}

fn scalar_text(s: &Scalar) -> Result<String, String> {
    match &s.value {
        Some(scalar::Value::Primitive(p)) => primitive_text(p),
        Some(scalar::Value::Blob(b)) => Ok(b.uri.clone()),
        Some(scalar::Value::Schema(sc)) => Ok(sc.uri.clone()),
        Some(scalar::Value::Binary(b)) if b.tag == "msgpack" => {
            let value = rmpv::decode::read_value(&mut b.value.as_slice())
                .map_err(|e| format!("failed to unmarshal messagepack bytes: {e}"))?;
            Ok(go_value(&value))
        }
        Some(scalar::Value::Binary(b)) => Err(format!("unsupported binary tag [{}]", b.tag)),
        _ => Err("received an unexpected scalar type".to_string()),
    }
}

fn primitive_text(p: &Primitive) -> Result<String, String> {
    Ok(match &p.value {
        Some(primitive::Value::Integer(i)) => i.to_string(),
        Some(primitive::Value::Boolean(b)) => b.to_string(),
        Some(primitive::Value::FloatValue(f)) => go_float(*f),
        Some(primitive::Value::StringValue(s)) => s.clone(),
        Some(primitive::Value::Datetime(t)) => rfc3339_nano(t.seconds, t.nanos),
        // Go prints the Duration message in protobuf text format.
        Some(primitive::Value::Duration(d)) => {
            [("seconds", d.seconds), ("nanos", i64::from(d.nanos))]
                .iter()
                .filter(|(_, v)| *v != 0)
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
        None => return Err("received an unexpected primitive type".to_string()),
    })
}

/// Go's `%v` of a float64 (`strconv`'s shortest `%g`): the shortest digits, in `%e` form
/// when the exponent is below -4 or at least 6 (`1e+06`, `1e-05`), else plain (`123456`,
/// `0.5`).
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = format!("{f:e}"); // shortest round-trip digits, e.g. `-1.5e-5`
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        // Plain notation; Rust's `{}` also prints the shortest digits without an exponent.
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    }
}

/// Go's `time.RFC3339Nano` in UTC (trailing zeros of the fraction dropped).
fn rfc3339_nano(seconds: i64, nanos: i32) -> String {
    let Some(t) = chrono::DateTime::from_timestamp(seconds, nanos.max(0) as u32) else {
        return format!("{seconds}s");
    };
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let fraction = format!("{:09}", t.timestamp_subsec_nanos());
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{base}Z")
    } else {
        format!("{base}.{fraction}Z")
    }
}

/// Go's `%v` of a value decoded from msgpack (maps with sorted keys, as `fmt` prints them).
fn go_value(v: &rmpv::Value) -> String {
    use rmpv::Value as V;
    match v {
        V::Nil => "<nil>".into(),
        V::Boolean(b) => b.to_string(),
        V::Integer(i) => i.to_string(),
        V::F32(f) => go_float(f64::from(*f)),
        V::F64(f) => go_float(*f),
        V::String(s) => s.as_str().unwrap_or_default().to_string(),
        V::Binary(b) => format!("{b:?}").replace(", ", " "),
        V::Array(items) => format!(
            "[{}]",
            items.iter().map(go_value).collect::<Vec<_>>().join(" ")
        ),
        V::Map(entries) => {
            let mut pairs: Vec<(String, String)> = entries
                .iter()
                .map(|(k, v)| (go_value(k), go_value(v)))
                .collect();
            pairs.sort();
            let body: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", body.join(" "))
        }
        V::Ext(_, bytes) => format!("{bytes:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FlyteType;

    fn all_set() -> Placeholders {
        Placeholders {
            input: "s3://b/in/inputs.pb".into(),
            input_prefix: "s3://b/in".into(),
            output_prefix: "s3://b/out".into(),
            raw_output_data_prefix: "s3://b/raw".into(),
            checkpoint_output_prefix: "s3://b/ck/1".into(),
            prev_checkpoint_prefix: String::new(),
            task_template_path: "s3://b/task.pb".into(),
            generated_name: "0fa-n0-1".into(),
            namespace: "flytesnacks-development".into(),
            inputs: LiteralMap::default(),
        }
    }

    #[test]
    fn every_placeholder_in_every_spelling() {
        let p = all_set();
        let cases = [
            ("{{.input}}", "s3://b/in/inputs.pb"),
            ("{{ .Input }}", "s3://b/in/inputs.pb"),
            ("{{$input}}", "s3://b/in/inputs.pb"),
            ("{{.INPUTPREFIX}}", "s3://b/in"),
            ("{{.outputPrefix}}/x", "s3://b/out/x"),
            ("{{.rawOutputDataPrefix}}", "s3://b/raw"),
            ("{{.checkpointOutputPrefix}}", "s3://b/ck/1"),
            ("{{.prevCheckpointPrefix}}", "\"\""),
            ("{{.taskTemplatePath}}", "s3://b/task.pb"),
            ("{{.perRetryUniqueKey}}", "afa_n0_1"),
            ("{{ .Namespace }}", "flytesnacks-development"),
            ("{{.inputs.a}}", "{{.inputs.a}}"), // no inputs: left as it is
            ("{{.unknown}}", "{{.unknown}}"),
            ("{{input}}", "{{input}}"), // the dot (or $) is required
            // Go's (?i) folds as Unicode does: KELVIN SIGN is a k, LONG S an s...
            ("{{.tas\u{212A}TemplatePath}}", "s3://b/task.pb"),
            ("{{.name\u{17F}pace}}", "flytesnacks-development"),
            // ...and nothing else non-ASCII is a letter of the name; `\s` is ASCII only.
            ("{{.\u{131}nput}}", "{{.\u{131}nput}}"),
            ("{{\u{a0}.input}}", "{{\u{a0}.input}}"),
            ("{{\t.input\n}}", "s3://b/in/inputs.pb"),
            (
                "a{{.input}}b{{.input}}",
                "as3://b/in/inputs.pbbs3://b/in/inputs.pb",
            ),
        ];
        for (arg, want) in cases {
            assert_eq!(p.render_one(arg).unwrap(), want, "{arg}");
        }
        let with_prev = Placeholders {
            prev_checkpoint_prefix: "s3://b/ck/0".into(),
            ..all_set()
        };
        assert_eq!(
            with_prev.render_one("{{.prevCheckpointPrefix}}").unwrap(),
            "s3://b/ck/0"
        );
    }

    #[test]
    fn inputs_render_as_propeller_prints_them() {
        let p = Placeholders {
            inputs: LiteralMap {
                literals: [
                    ("i".to_string(), 42i64.to_literal()),
                    ("f".to_string(), 1e6f64.to_literal()),
                    ("g".to_string(), 0.5f64.to_literal()),
                    ("t".to_string(), 1e-5f64.to_literal()),
                    ("s".to_string(), "text".to_string().to_literal()),
                    ("b".to_string(), true.to_literal()),
                    ("l".to_string(), vec![1i64, 2].to_literal()),
                    ("o".to_string(), Some(1i64).to_literal()),
                ]
                .into(),
            },
            ..all_set()
        };
        assert_eq!(
            p.render_one("{{.inputs.i}} {{ .Inputs.f }} {{.inputs.g}} {{.inputs.t}} {{.inputs.s}} {{.inputs.b}} {{.inputs.l}}")
                .unwrap(),
            "42 1e+06 0.5 1e-05 text true [1,2]"
        );
        let missing = p.render_one("--x={{.inputs.nope}}").unwrap_err();
        assert_eq!(missing.reason, "requested input is not found [nope]");
        assert_eq!(missing.placeholder, "{{.inputs.nope}}");
        // An Optional input is a union, which propeller cannot print: the pod never starts.
        let union = p.render_one("{{.inputs.o}}").unwrap_err();
        assert_eq!(union.reason, "received an unexpected scalar type");
    }

    #[test]
    fn floats_and_times_as_go_prints_them() {
        for (f, want) in [
            (1.0, "1"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
            (0.0001, "0.0001"),
            (-2.5e-7, "-2.5e-07"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(go_float(f), want, "{f}");
        }
        assert_eq!(rfc3339_nano(0, 500_000_000), "1970-01-01T00:00:00.5Z");
        assert_eq!(rfc3339_nano(86400, 0), "1970-01-02T00:00:00Z");
    }
}
