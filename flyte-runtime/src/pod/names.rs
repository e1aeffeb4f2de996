//! The names propeller gives a task's pod and its metadata, each function the Go function it
//! models (tag v1.16.8): the generated name and the node's unique id (flyteplugins
//! `encoding/encoder.go`, propeller `nodes/common/utils.go`), the RFC 1123 fix-up of a pod
//! name (flyteplugins `utils/dns.go`), the label sanitizer (propeller `utils/k8s.go`), the
//! workflow's id and the shard key (propeller `transformers/k8s/workflow.go`) and
//! Kubernetes' own name checks (apimachinery `util/validation`).

/// flyteplugins' base32 alphabet (`encoder.go`, `specialEncoderKey`).
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz123456";

/// `DNS1123SubdomainMaxLength` (apimachinery).
const SUBDOMAIN_MAX_LENGTH: usize = 253;
/// `DNS1123LabelMaxLength` (apimachinery).
const LABEL_MAX_LENGTH: usize = 63;
/// `maxUniqueIDLength` of both `utils/dns.go` and `nodes/common/utils.go`.
const MAX_UNIQUE_ID_LENGTH: usize = 20;
/// `IDMaxLength` (`nodes/task/taskexec_context.go`): the longest generated name; the pod
/// plugin sets no `GeneratedNameMaxLength` of its own.
pub(crate) const ID_MAX_LENGTH: usize = 50;
/// `ShardKeyspaceSize` (`apis/flyteworkflow/v1alpha1/workflow.go`).
const SHARD_KEYSPACE_SIZE: u32 = 32;

/// Go's `hash/fnv` `New32a`: FNV-1a, 32 bits.
pub(crate) fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// flyteplugins' `Base32Encoder`: `base32.NewEncoding(specialEncoderKey)
/// .WithPadding(base32.NoPadding)`, five bits a character, the last one zero-filled.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// `encoding.FixedLengthUniqueID(inputID, maxLength)` (FNV-32a, the default): `input` as it
/// is when it has at most `max_length` bytes (not lower-cased), else `f` and the base32 of
/// its FNV-32a digest (big-endian), always 8 characters. Go returns that hash together with
/// an error when even it is longer than `max_length`: here it is the `Err`.
pub(crate) fn fixed_length_unique_id(input: &str, max_length: usize) -> Result<String, String> {
    if input.len() <= max_length {
        return Ok(input.to_string());
    }
    let hashed = format!("f{}", base32(&fnv32a(input.as_bytes()).to_be_bytes()));
    if hashed.len() > max_length {
        return Err(hashed);
    }
    Ok(hashed)
}

/// `encoding.FixedLengthUniqueIDForParts(maxLength, parts)`: the parts joined with `-` (none
/// before a part while nothing is written, so leading empty parts add nothing), then
/// [`fixed_length_unique_id`].
pub(crate) fn fixed_length_unique_id_for_parts(
    max_length: usize,
    parts: &[&str],
) -> Result<String, String> {
    let mut joined = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 && !joined.is_empty() {
            joined.push('-');
        }
        joined.push_str(part);
    }
    fixed_length_unique_id(&joined, max_length)
}

/// Go's result without its error: the (hashed) id either way. At the lengths propeller
/// uses (20 and 50) the 8-character hash always fits, so there is no error to keep.
fn either(r: Result<String, String>) -> String {
    r.unwrap_or_else(|hashed| hashed)
}

/// propeller's `common.GenerateUniqueID(parentInfo, nodeID)`: a node's id unique in its
/// execution, `FixedLengthUniqueIDForParts(20, [parent's unique id, parent's attempt,
/// nodeID])`; a top-level node (no parent) is just `node_id`.
pub(crate) fn generate_unique_id(parent: Option<(&str, u32)>, node_id: &str) -> String {
    let (parent_id, parent_attempt) = match parent {
        Some((id, attempt)) => (id.to_string(), attempt.to_string()),
        None => (String::new(), String::new()),
    };
    either(fixed_length_unique_id_for_parts(
        MAX_UNIQUE_ID_LENGTH,
        &[&parent_id, &parent_attempt, node_id],
    ))
}

/// The task execution's generated name (`GetGeneratedName`), as propeller's
/// `ComputeRawOutputPrefix` makes it: `FixedLengthUniqueIDForParts(IDMaxLength = 50,
/// [execution name, node unique id, attempt])`.
pub(crate) fn generated_name(execution: &str, node_unique_id: &str, attempt: u32) -> String {
    either(fixed_length_unique_id_for_parts(
        ID_MAX_LENGTH,
        &[execution, node_unique_id, &attempt.to_string()],
    ))
}

/// One label of a DNS-1123 name: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
fn is_dns1123_label_text(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            inner(first) && inner(last) && b.iter().all(|c| inner(c) || *c == b'-')
        }
        _ => false,
    }
}

/// apimachinery's `validation.IsDNS1123Label` (no errors): at most 63 characters of
/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    s.len() <= LABEL_MAX_LENGTH && is_dns1123_label_text(s)
}

/// apimachinery's `validation.IsDNS1123Subdomain` (no errors): at most 253 characters,
/// labels of `[a-z0-9]([-a-z0-9]*[a-z0-9])?` separated by dots.
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= SUBDOMAIN_MAX_LENGTH && s.split('.').all(is_dns1123_label_text)
}

/// flyteplugins' `utils.ConvertCamelCaseToKebabCase`: `([a-z0-9])([A-Z])` → `${1}-${2}`
/// (matches do not overlap: `aBC` is `a-BC`), then lower case.
pub(crate) fn convert_camel_case_to_kebab_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next_upper = chars.get(i + 1).is_some_and(char::is_ascii_uppercase);
        if (c.is_ascii_lowercase() || c.is_ascii_digit()) && next_upper {
            out.push(c);
            out.push('-');
            out.push(chars[i + 1]);
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.to_lowercase()
}

/// flyteplugins' `utils.ConvertToDNS1123SubdomainCompatibleString`: a valid subdomain as it
/// is; else camelCase to kebab-case, lower case, every character but `[-.a-z0-9]` removed,
/// `.` and `-` trimmed from both ends, and a name still over 253 characters cut to 232
/// followed by `-` and its 8-character [`fixed_length_unique_id`] (of at most 20).
pub(crate) fn convert_to_dns1123_subdomain_compatible_string(name: &str) -> String {
    if is_dns1123_subdomain(name) {
        return name.to_string();
    }
    let name = convert_camel_case_to_kebab_case(name).to_lowercase();
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.')
        .collect();
    let name = name.trim_matches(|c| c == '.' || c == '-');
    if name.len() > SUBDOMAIN_MAX_LENGTH {
        // Only ASCII is left: any byte index is a character boundary.
        return match fixed_length_unique_id(name, MAX_UNIQUE_ID_LENGTH) {
            Ok(id) => format!(
                "{}-{id}",
                &name[..SUBDOMAIN_MAX_LENGTH - MAX_UNIQUE_ID_LENGTH - 1]
            ),
            Err(_) => name[..SUBDOMAIN_MAX_LENGTH].to_string(),
        };
    }
    name.to_string()
}

/// The pod's name as propeller's `PluginManager.addObjectMetadata` sets it: the generated
/// name, put through [`convert_to_dns1123_subdomain_compatible_string`] only when it is not
/// a valid DNS-1123 subdomain (`Foo_1-n0-0` becomes `foo1-n0-0`).
pub(crate) fn pod_name(generated_name: &str) -> String {
    if is_dns1123_subdomain(generated_name) {
        generated_name.to_string()
    } else {
        convert_to_dns1123_subdomain_compatible_string(generated_name)
    }
}

/// The alphabet of apimachinery's `rand.String` (`util/rand`: no vowels, no look-alikes).
const RAND_ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The primary container's name (`BuildRawContainer`): the generated name when it is a
/// DNS-1123 label; otherwise propeller takes `rand.String(4)`, four random characters of
/// apimachinery's alphabet. Ours are four characters of the same alphabet derived from the
/// generated name's FNV-32a, deterministically, so that the same run gives the same pod.
pub(crate) fn container_name(generated_name: &str) -> String {
    if is_dns1123_label(generated_name) {
        return generated_name.to_string();
    }
    let mut hash = fnv32a(generated_name.as_bytes());
    let n = RAND_ALPHANUMS.len() as u32;
    (0..4)
        .map(|_| {
            let c = RAND_ALPHANUMS[(hash % n) as usize];
            hash /= n;
            char::from(c)
        })
        .collect()
}

/// propeller's `utils.SanitizeLabelValue`: lower case, each run of characters other than
/// `[-a-z0-9]` one `-`, cut to 63 characters, `-` trimmed from both ends.
pub(crate) fn sanitize_label_value(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    // Only ASCII is left: any byte index is a character boundary.
    out.truncate(LABEL_MAX_LENGTH);
    out.trim_matches('-').to_string()
}

/// propeller's `WorkflowIDAsString` (`transformers/k8s/workflow.go`): a workflow's id as
/// propeller keys it, `<project>:<domain>:<name>` (no version).
pub(crate) fn workflow_id_as_string(project: &str, domain: &str, name: &str) -> String {
    format!("{project}:{domain}:{name}")
}

/// propeller's `WorkflowNameFromID`: the name part of [`workflow_id_as_string`]'s id, or
/// nothing when the id does not have exactly three `:`-separated parts.
pub(crate) fn workflow_name_from_id(id: &str) -> String {
    let tokens: Vec<&str> = id.split(':').collect();
    match tokens.as_slice() {
        [_, _, name] => (*name).to_string(),
        _ => String::new(),
    }
}

/// The FlyteWorkflow's `shard-key` label (`BuildFlyteWorkflow`): the FNV-32a of the
/// execution's name modulo `ShardKeyspaceSize` (32).
pub(crate) fn shard_key(execution: &str) -> u32 {
    fnv32a(execution.as_bytes()) % SHARD_KEYSPACE_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv32a_is_gos() {
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9c_f968);
    }

    /// encoder_test.go `TestFixedLengthUniqueID`.
    #[test]
    fn fixed_length_unique_id_matches_flyteplugins_tests() {
        assert_eq!(fixed_length_unique_id("x", 5), Ok("x".into()));
        assert_eq!(fixed_length_unique_id("xx", 1), Err("flfryc2i".into()));
        assert_eq!(fixed_length_unique_id("xxxxxx", 5), Err("fufiti6i".into()));
        assert_eq!(fixed_length_unique_id("xxxxx", 10), Ok("xxxxx".into()));
        assert_eq!(
            fixed_length_unique_id(&"x".repeat(24), 20),
            Ok("fuaa3aji".into())
        );
        // Computed with a re-implementation of Go's (issue 30 notes, §4.2).
        assert_eq!(
            fixed_length_unique_id(&"x".repeat(60), 50),
            Ok("fg6is3ni".into())
        );
        // Not lower-cased when it fits.
        assert_eq!(fixed_length_unique_id("Foo_1", 50), Ok("Foo_1".into()));
    }

    /// encoder_test.go `TestFixedLengthUniqueIDForParts` (FNV-32a cases).
    #[test]
    fn fixed_length_unique_id_for_parts_matches_flyteplugins_tests() {
        assert_eq!(
            fixed_length_unique_id_for_parts(10, &["x", "y", "z"]),
            Ok("x-y-z".into())
        );
        assert_eq!(
            fixed_length_unique_id_for_parts(1, &["x", "y"]),
            Err("fz2jizji".into())
        );
        assert_eq!(fixed_length_unique_id_for_parts(2, &["x"]), Ok("x".into()));
        assert_eq!(
            fixed_length_unique_id_for_parts(4, &["x", "y", "z"]),
            Err("fxzsoqrq".into())
        );
        let long = [
            "x", "y", "z", "m", "n", "y", "z", "m", "n", "y", "z", "m", "n",
        ];
        assert_eq!(
            fixed_length_unique_id_for_parts(15, &long),
            Ok("fe63sz6y".into())
        );
        // Leading empty parts add no `-`.
        assert_eq!(
            fixed_length_unique_id_for_parts(20, &["", "", "n0"]),
            Ok("n0".into())
        );
    }

    #[test]
    fn unique_ids_and_generated_names_are_propellers() {
        assert_eq!(generate_unique_id(None, "n0"), "n0");
        assert_eq!(generate_unique_id(Some(("n0", 0)), "n3"), "n0-0-n3");
        // Over 20: hashed (issue 30 notes, §4.2).
        assert_eq!(
            generate_unique_id(Some(("n0-0-dn12", 0)), "n345678901"),
            "fqvqukky"
        );
        assert_eq!(generated_name("local", "n0", 0), "local-n0-0");
        assert_eq!(generated_name("exec", "n0-1-n3", 2), "exec-n0-1-n3-2");
        let exec = "x".repeat(46);
        assert_eq!(generated_name(&exec, "n0", 0).len(), 8);
        assert_eq!(
            generated_name(&exec, "n0", 0),
            either(fixed_length_unique_id(&format!("{exec}-n0-0"), 50))
        );
    }

    #[test]
    fn dns1123_checks_are_apimachinerys() {
        for ok in ["a", "a-b", "0a", "a.b-c.d", "local-n0-0"] {
            assert!(is_dns1123_subdomain(ok), "{ok}");
        }
        for bad in ["", "A", "a_b", "-a", "a-", "a..b", ".a", &"a".repeat(254)] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
        assert!(is_dns1123_subdomain(&"a".repeat(253)));
        assert!(is_dns1123_label(&"a".repeat(63)));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(!is_dns1123_label("a.b"));
    }

    #[test]
    fn camel_case_is_kebab_case_as_flyteplugins_writes_it() {
        assert_eq!(
            convert_camel_case_to_kebab_case("PenPineappleApplePen"),
            "pen-pineapple-apple-pen"
        );
        assert_eq!(convert_camel_case_to_kebab_case("aBC"), "a-bc");
    }

    /// dns_test.go `TestConvertToDNS1123CompatibleString`.
    #[test]
    fn dns1123_fix_up_matches_flyteplugins_tests() {
        let digits = "0123456789".repeat(28);
        let cases: [(&str, String); 10] = [
            (
                "orgflyteexamplesHelloWorldTask-0",
                "orgflyteexamples-hello-world-task-0".into(),
            ),
            ("t7vyqhzju1-fib-5-0", "t7vyqhzju1-fib-5-0".into()),
            ("t7v.yqh.zju1-fib-5-0", "t7v.yqh.zju1-fib-5-0".into()),
            ("-t7vyqhzju1-fib-5-0", "t7vyqhzju1-fib-5-0".into()),
            (".t7vyqhzju1-fib-5-0", "t7vyqhzju1-fib-5-0".into()),
            ("t7vyqhzju1-fib-5-0-", "t7vyqhzju1-fib-5-0".into()),
            ("t7vyqhzju1-fib-5-0.", "t7vyqhzju1-fib-5-0".into()),
            (&digits[..70], digits[..70].to_string()),
            (&digits, format!("{}-fbbrvh4i", &digits[..232])),
            (
                "---..t7vyqhzjJcI==u1-HelloWorldTask[].-.-.",
                "t7vyqhzj-jc-iu1-hello-world-task".into(),
            ),
        ];
        for (name, want) in cases {
            let got = convert_to_dns1123_subdomain_compatible_string(name);
            assert_eq!(got, want, "{name}");
            assert!(is_dns1123_subdomain(&got), "{got}");
        }
    }

    /// plugin_manager.go `addObjectMetadata`: fixed up only when invalid.
    #[test]
    fn a_pod_name_is_fixed_up_only_when_invalid() {
        assert_eq!(pod_name("local-n0-0"), "local-n0-0");
        assert_eq!(pod_name("Foo_1-n0-0"), "foo1-n0-0");
        assert_eq!(pod_name("a.b-n0-0"), "a.b-n0-0");
    }

    /// container_helper.go `BuildRawContainer`: the generated name, or four characters of
    /// apimachinery's random alphabet (ours derived, not random).
    #[test]
    fn the_container_is_named_after_the_generated_name_when_it_is_a_label() {
        assert_eq!(container_name("local-n0-0"), "local-n0-0");
        for bad in ["Foo_1-n0-0", "a.b-n0-0"] {
            let name = container_name(bad);
            assert_eq!(name.len(), 4);
            assert!(name.bytes().all(|b| RAND_ALPHANUMS.contains(&b)), "{name}");
            assert!(is_dns1123_label(&name));
            assert_eq!(name, container_name(bad), "the same every time");
        }
    }

    /// k8s_test.go `TestSanitizeLabelValue`.
    #[test]
    fn label_values_are_sanitized_as_propeller_does() {
        assert_eq!(sanitize_label_value("a.b.c"), "a-b-c");
        assert_eq!(sanitize_label_value("a.B.c"), "a-b-c");
        assert_eq!(sanitize_label_value("a.9.c"), "a-9-c");
        assert_eq!(sanitize_label_value("a-b-c"), "a-b-c");
        assert_eq!(sanitize_label_value("a-b-c/"), "a-b-c");
        let a63 = "a".repeat(63);
        assert_eq!(sanitize_label_value(&a63), a63);
        assert_eq!(sanitize_label_value(&format!("{}.", &a63[..62])), a63[..62]);
        assert_eq!(sanitize_label_value(&format!("{a63}b")), a63);
        assert_eq!(sanitize_label_value(&format!("{a63}.")), a63);
        // A run of invalid characters is one `-`.
        assert_eq!(
            sanitize_label_value(".flytegen.examples.add"),
            "flytegen-examples-add"
        );
        assert_eq!(sanitize_label_value("a__b"), "a-b");
    }

    /// workflow_test.go `TestWorkflowIDAsString`; `WorkflowNameFromID`.
    #[test]
    fn workflow_ids_are_propellers() {
        assert_eq!(workflow_id_as_string("", "domain", "name"), ":domain:name");
        assert_eq!(
            workflow_id_as_string("project", "", "name"),
            "project::name"
        );
        let id = workflow_id_as_string("flytesnacks", "development", ".flytegen.examples.add");
        assert_eq!(id, "flytesnacks:development:.flytegen.examples.add");
        assert_eq!(workflow_name_from_id(&id), ".flytegen.examples.add");
        assert_eq!(workflow_name_from_id("p:d:a:b"), "");
    }

    #[test]
    fn the_shard_key_is_fnv32a_modulo_32() {
        assert_eq!(shard_key("a"), 0xe40c_292c % 32);
        assert_eq!(shard_key("a"), 12);
    }
}
