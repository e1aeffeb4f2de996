//! Secret values never show: the `execute` entrypoint runs `tests.misbehave` in its secret_*
//! modes — an executor that logs its secret at every level (as message and as field), prints
//! it with `{:?}` and `{}`, fails with it in a `TaskError`, or panics with it — at
//! `RUST_LOG=trace`, in both log formats, with the secret in the environment (`_FSEC_…`) or
//! in a mounted file. The value must be absent from stderr, stdout and the error document;
//! `<redacted>` must be where it would have been (so the test sees the log was written).

use flyte_tests::pod::{container_args, misbehave_inputs, scratch, template_of, LocalPod};
use prost::Message;

const BIN: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

/// A value that appears nowhere else: the process id and the time.
fn secret_value() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("tok-{}-{nanos}-\"q\\uote", std::process::id())
}

#[test]
fn a_secret_never_reaches_logs_error_documents_debug_output_or_panics() {
    let template = template_of(BIN, "tests.misbehave");
    let args = container_args(&template);
    let secret = secret_value();
    // The escaped forms JSON and Debug give the value (quote and backslash escaped).
    let escaped = serde_json::to_string(&secret).unwrap();
    let escaped = escaped.trim_matches('"');
    let files = scratch("secret-files");
    std::fs::create_dir_all(files.join("tests")).unwrap();
    std::fs::write(files.join("tests/token"), format!("{secret}\n")).unwrap();
    let files = files.display().to_string();

    let mut checked = 0;
    for mode in ["secret_log", "secret_debug", "secret_fail", "secret_panic"] {
        for format in ["text", "json"] {
            for source in ["env", "file"] {
                let case = format!("{mode} / {format} logs / secret from {source}");
                let pod = LocalPod::new(
                    "secret",
                    &template.encode_to_vec(),
                    &misbehave_inputs(mode, 0.0).encode_to_vec(),
                );
                let mut env = vec![("RUST_LOG", "trace"), ("FLYTE_RS_LOG_FORMAT", format)];
                match source {
                    "env" => env.push(("_FSEC_TESTS_TOKEN", secret.as_str())),
                    _ => env.push(("FLYTE_SECRETS_DEFAULT_DIR", files.as_str())),
                }
                let r = pod.run(BIN, &args, &env);
                let stderr = r.stderr();
                let stdout = String::from_utf8_lossy(&r.output.stdout).into_owned();
                let doc = r
                    .error
                    .as_ref()
                    .map(|e| e.message.clone())
                    .unwrap_or_default();
                for (what, text) in [("stderr", &stderr), ("stdout", &stdout), ("error.pb", &doc)] {
                    assert!(
                        !text.contains(&secret)
                            && !text.contains(escaped)
                            && !text.contains("tok-"),
                        "{case}: the secret is in {what}:\n{text}"
                    );
                }
                match mode {
                    "secret_log" => {
                        assert_eq!(r.files, ["outputs.pb"], "{case}: {stderr}");
                        // Five events, each with the value in its message and in a field.
                        assert!(
                            stderr.matches("<redacted>").count() >= 10,
                            "{case}: {stderr}"
                        );
                        for level in ["trace:", "debug:", "info:", "warn:", "error:"] {
                            assert!(
                                stderr.contains(&format!("{level} the token is <redacted>")),
                                "{case}: {level} missing:\n{stderr}"
                            );
                        }
                    }
                    "secret_debug" => {
                        assert_eq!(r.files, ["outputs.pb"], "{case}: {stderr}");
                        assert!(
                            stderr.contains("SecretValue(<redacted>)"),
                            "{case}: {stderr}"
                        );
                    }
                    "secret_fail" => {
                        assert_eq!(
                            doc, "task `tests.misbehave`: the server refused token <redacted>",
                            "{case}"
                        );
                    }
                    _ => {
                        let e = r.error.as_ref().expect("an error document");
                        assert_eq!(e.code, "USER:Panic", "{case}");
                        assert!(
                            doc.ends_with("token <redacted> is no good"),
                            "{case}: {doc}"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 16);
}
