//! Storage faults injected into a run of the `execute` entrypoint (in-process, on a
//! [`FaultyStore`] mounted at `memory://faulty`): each case strikes one call (or a run of
//! calls) with a transient or permanent error, a delay, a truncated read or a partial
//! write, and checks what the run leaves behind:
//!
//! - outputs are whole or absent: an `outputs.pb` left behind always decodes to the sum;
//! - never both `outputs.pb` and `error.pb`;
//! - transient faults are retried with bounded backoff (the call log shows the retries,
//!   and a fault that never clears ends within the policy's total wait);
//! - the error document says what failed (the step and the URI);
//! - when not even the error document can be written, the outcome is `Unreported` (exit
//!   code 3, so Flyte fails the pod instead of reading a half-written object).
//!
//! The same against a real S3 server stopped and restarted mid-run is in `entrypoint_s3.rs`.

use std::future::pending;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flyte_examples as _;
use flyte_runtime::contract::PodEnv;
use flyte_runtime::execute::{execute_with, Outcome, RunConfig, EXIT_UNREPORTED};
use flyte_runtime::proto::core::{ErrorDocument, LiteralMap};
use flyte_runtime::storage::{RetryPolicy, Storage, StorageConfig};
use flyte_runtime::task::SerializationSettings;
use flyte_runtime::types::FlyteType;
use flyte_tests::faulty_store::{Fault, FaultyStore, Plan};
use flyte_tests::pod::{add_inputs, template_run_args, ADD_EXECUTOR};
use prost::Message;

const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    initial_backoff: Duration::from_millis(20),
    max_backoff: Duration::from_millis(50),
};

/// What a run ended with and left under `out/`.
struct Ran {
    outcome: Outcome,
    store: Arc<FaultyStore>,
    outputs: Option<LiteralMap>,
    outputs_raw: Option<Vec<u8>>,
    error: Option<ErrorDocument>,
    error_exists: bool,
    elapsed: Duration,
}

fn run(plans: &[Plan]) -> Ran {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(async {
        let store = FaultyStore::new(plans);
        let template = flyte_examples::adder::add_task()
            .template(&SerializationSettings::default())
            .expect("adder template");
        store
            .seed("run/template.pb", template.encode_to_vec())
            .await;
        store
            .seed("run/inputs.pb", add_inputs(40, 2, "sum").encode_to_vec())
            .await;
        let storage = Storage::new(StorageConfig {
            retry: POLICY,
            ..StorageConfig::default()
        });
        storage
            .mount("memory://faulty", store.clone())
            .expect("mount");
        let args = template_run_args(
            "memory://faulty/run/template.pb",
            "memory://faulty/run",
            ADD_EXECUTOR,
        );
        let started = Instant::now();
        let outcome =
            execute_with(RunConfig::new(args, PodEnv::from_env()), storage, pending()).await;
        let elapsed = started.elapsed();
        let outputs_raw = store.peek("run/out/outputs.pb").await.map(|b| b.to_vec());
        let outputs = outputs_raw
            .as_ref()
            .and_then(|b| LiteralMap::decode(b.as_slice()).ok());
        // A half-written error.pb (only a store that lies about writes leaves one) is None.
        let error_raw = store.peek("run/out/error.pb").await;
        let error_exists = error_raw.is_some();
        let error = error_raw.and_then(|b| ErrorDocument::decode(b).ok());
        Ran {
            outcome,
            store,
            outputs,
            outputs_raw,
            error,
            error_exists,
            elapsed,
        }
    })
}

fn once(fault: Fault, call: usize) -> Plan {
    Plan {
        fault,
        from: call,
        times: 1,
    }
}

fn from(fault: Fault, call: usize, times: usize) -> Plan {
    Plan {
        fault,
        from: call,
        times,
    }
}

/// What a case must end with.
enum Expect {
    /// outputs.pb (whole: total = 42), no error.pb; at least this many calls logged.
    Outputs { min_calls: usize },
    /// error.pb with this code and these words in its message; no outputs.pb.
    Error(&'static str, &'static [&'static str]),
    /// Nothing could be reported (exit code 3); never both files.
    Unreported,
}

#[test]
fn storage_faults_leave_whole_outputs_or_one_error_document() {
    let wait_bound = (1..POLICY.max_attempts)
        .map(|n| POLICY.backoff(n))
        .sum::<Duration>();
    // Calls of a good run: 1 get template, 2 get inputs, 3 put outputs.
    let cases: Vec<(&str, Vec<Plan>, Expect)> = vec![
        ("no fault", vec![], Expect::Outputs { min_calls: 3 }),
        (
            "template read resets once",
            vec![once(Fault::Transient, 1)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "inputs read resets once",
            vec![once(Fault::Transient, 2)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "outputs write resets once",
            vec![once(Fault::Transient, 3)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "template read cut short once",
            vec![once(Fault::TruncatedRead, 1)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "inputs read cut short once",
            vec![once(Fault::TruncatedRead, 2)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "outputs written half, then the retry",
            vec![once(Fault::PartialWrite, 3)],
            Expect::Outputs { min_calls: 4 },
        ),
        (
            "outputs write delayed 300 ms",
            vec![once(Fault::Delay(Duration::from_millis(300)), 3)],
            Expect::Outputs { min_calls: 3 },
        ),
        (
            "template read resets on every try",
            vec![from(Fault::Transient, 1, 3)],
            Expect::Error(
                "SYSTEM:StorageError",
                &[
                    "task template",
                    "memory://faulty/run/template.pb",
                    "3 attempts",
                ],
            ),
        ),
        (
            "inputs read cut short on every try",
            vec![from(Fault::TruncatedRead, 2, 3)],
            Expect::Error(
                "SYSTEM:StorageError",
                &[
                    "reading the inputs",
                    "memory://faulty/run/inputs.pb",
                    "3 attempts",
                ],
            ),
        ),
        (
            "inputs read refused",
            vec![once(Fault::Permanent, 2)],
            Expect::Error(
                "SYSTEM:StorageError",
                &[
                    "reading the inputs",
                    "memory://faulty/run/inputs.pb",
                    "1 attempt",
                ],
            ),
        ),
        (
            "outputs write refused",
            vec![once(Fault::Permanent, 3)],
            Expect::Error(
                "SYSTEM:StorageError",
                &["writing the outputs", "memory://faulty/run/out/outputs.pb"],
            ),
        ),
        (
            "outputs written half on every try",
            vec![from(Fault::PartialWrite, 3, 3)],
            Expect::Error(
                "SYSTEM:StorageError",
                &["writing the outputs", "3 attempts"],
            ),
        ),
        (
            "store down from the outputs write on",
            vec![from(Fault::Transient, 3, usize::MAX)],
            Expect::Unreported,
        ),
        (
            "store down from the start",
            vec![from(Fault::Transient, 1, usize::MAX)],
            Expect::Unreported,
        ),
        (
            "every write from the outputs on lands half",
            vec![from(Fault::PartialWrite, 3, usize::MAX)],
            Expect::Unreported,
        ),
    ];
    let mut table = vec![
        "| fault | outcome | calls | ms |".to_string(),
        "|---|---|---|---|".to_string(),
    ];
    for (name, plans, expect) in cases {
        let r = run(&plans);
        let log = r.store.log();
        let both = r.outputs_raw.is_some() && r.error_exists;
        assert!(
            !both || matches!(r.outcome, Outcome::Unreported(..)),
            "{name}: both outputs.pb and error.pb ({log:?})"
        );
        // Every fault that clears or fails for good ends within the policy's waits (plus
        // the injected delay and slack for a loaded machine).
        assert!(
            r.elapsed < wait_bound * 3 + Duration::from_secs(5),
            "{name}: took {:?}",
            r.elapsed
        );
        let summary = match (&r.outcome, expect) {
            (Outcome::Succeeded, Expect::Outputs { min_calls }) => {
                let outputs = r
                    .outputs
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: outputs.pb is not a whole LiteralMap"));
                assert_eq!(
                    i64::from_literal(&outputs.literals["total"]).ok(),
                    Some(42),
                    "{name}"
                );
                assert!(r.error.is_none(), "{name}: error.pb beside outputs.pb");
                assert!(log.len() >= min_calls, "{name}: expected a retry: {log:?}");
                "outputs.pb, whole".to_string()
            }
            (Outcome::Failed(f), Expect::Error(code, words)) => {
                assert!(
                    r.outputs_raw.is_none(),
                    "{name}: outputs.pb left beside the error document"
                );
                let doc = r
                    .error
                    .as_ref()
                    .and_then(|d| d.error.clone())
                    .unwrap_or_else(|| panic!("{name}: no error.pb"));
                assert_eq!(doc.code, code, "{name}: {}", doc.message);
                for w in words {
                    assert!(
                        doc.message.contains(w),
                        "{name}: `{w}` not in: {}",
                        doc.message
                    );
                }
                assert_eq!(f.code(), code);
                format!("error.pb `{code}`: {}", doc.message)
            }
            (Outcome::Unreported(f, e), Expect::Unreported) => {
                // Whatever half-objects a lying store kept, the exit code tells Flyte the
                // pod failed without a report, so none of them is read as a result.
                assert_eq!(
                    r.outcome.exit_code(false),
                    ExitCode::from(EXIT_UNREPORTED),
                    "{name}"
                );
                format!(
                    "unreported (exit 3): {}; the error document failed: {e}",
                    f.message
                )
            }
            (other, _) => panic!("{name}: unexpected outcome {other:?}; calls {log:?}"),
        };
        table.push(format!(
            "| {name} | {summary} | {} | {} |",
            log.len(),
            r.elapsed.as_millis()
        ));
    }
    println!("{}", table.join("\n"));
}

/// A ranged download cut midway is resumed from where it stopped: the retry asks for the
/// rest of its range only, and the file comes down whole.
#[test]
fn a_ranged_download_cut_midway_asks_for_the_rest_only() {
    const MIB: usize = 1 << 20;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(async {
        // 8 MiB come in the first GET, then one ranged request of 4 MiB: call 2, cut in half.
        let store = FaultyStore::new(&[once(Fault::TruncatedRead, 2)]);
        let data: Vec<u8> = (0..12 * MIB).map(|i| (i * 31 % 251) as u8).collect();
        store.seed("big/file.bin", data.clone()).await;
        let storage = Storage::new(StorageConfig {
            retry: POLICY,
            ..StorageConfig::default()
        });
        // An s3:// prefix: ranged downloads are for remote stores.
        storage.mount("s3://faulty", store.clone()).expect("mount");
        let dir = std::env::temp_dir().join(format!("flyte-rs-ranged-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let dest = dir.join("file.bin");
        let size = storage
            .download("s3://faulty/big/file.bin", &dest)
            .await
            .expect("the download survives one cut");
        assert_eq!(size, data.len() as u64);
        assert!(
            std::fs::read(&dest).expect("read") == data,
            "the file differs"
        );
        let gets: Vec<String> = store
            .log()
            .into_iter()
            .filter(|l| l.starts_with("get"))
            .collect();
        let (start, half, end) = (8 * MIB, 10 * MIB, 12 * MIB);
        assert_eq!(
            gets,
            [
                "get big/file.bin".to_string(),
                format!("get bytes={start}-{} big/file.bin", end - 1),
                format!("get bytes={half}-{} big/file.bin", end - 1),
            ],
            "the retry asks for the rest of the range"
        );
        std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
    });
}

/// The deck is written after outputs.pb or the error document (the call after it); a store
/// that refuses it, or is down from then on, changes neither the result nor the exit code.
#[test]
fn a_deck_that_cannot_be_written_leaves_the_result_and_the_exit_code() {
    // A good run: 1 get template, 2 get inputs, 3 put outputs, 4 put the deck.
    let good = run(&[]);
    assert!(matches!(good.outcome, Outcome::Succeeded));
    assert_eq!(good.store.log().len(), 4, "{:?}", good.store.log());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio");
    let deck = rt
        .block_on(good.store.peek("run/out/deck.html"))
        .expect("deck.html after outputs.pb");
    assert!(String::from_utf8_lossy(&deck).contains("<li>Output</li>"));

    for (name, plans) in [
        ("deck refused", vec![once(Fault::Permanent, 4)]),
        (
            "store down from the deck on",
            vec![from(Fault::Transient, 4, usize::MAX)],
        ),
        (
            "deck written half",
            vec![from(Fault::PartialWrite, 4, usize::MAX)],
        ),
    ] {
        let r = run(&plans);
        assert!(
            matches!(r.outcome, Outcome::Succeeded),
            "{name}: {:?}",
            r.outcome
        );
        assert_eq!(r.outcome.exit_code(true), ExitCode::SUCCESS, "{name}");
        let outputs = r
            .outputs
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no outputs.pb"));
        assert_eq!(
            i64::from_literal(&outputs.literals["total"]).ok(),
            Some(42),
            "{name}"
        );
        assert!(!r.error_exists, "{name}: error.pb");
    }
    // A failed run's deck comes after its error document; refusing it keeps the failure
    // as it was (reported, exit 0).
    let r = run(&[once(Fault::Permanent, 2), once(Fault::Permanent, 4)]);
    match &r.outcome {
        Outcome::Failed(f) => assert_eq!(f.code(), "SYSTEM:StorageError"),
        other => panic!("{other:?}"),
    }
    assert!(r.error.is_some());
    assert_eq!(r.outcome.exit_code(false), ExitCode::SUCCESS);
}
