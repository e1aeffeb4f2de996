//! Soak: many executions of `adder` and the `sqlite` tasks in one process, through the whole
//! `execute` path (template and inputs files, local storage), with random good and bad
//! inputs: first one after another, then all at once on one tokio runtime. Every run must
//! end with exactly one of `outputs.pb` (good inputs; the adder's sum checked) or `error.pb`
//! (bad inputs), and the process's resident memory must stay flat across the sequential
//! runs.
//!
//! The test command runs a reduced soak (`FLYTE_SOAK_RUNS`, default 1,000 sequential, and
//! `FLYTE_SOAK_CONCURRENT`, default 200); the full soak is
//! `FLYTE_SOAK_RUNS=10000 FLYTE_SOAK_CONCURRENT=1000 cargo test --release -p flyte-tests --test soak -- --nocapture`.

use std::future::pending;
use std::path::{Path, PathBuf};

use flyte_examples as _;
use flyte_runtime::contract::EntrypointArgs;
use flyte_runtime::contract::PodEnv;
use flyte_runtime::execute::{execute_with, Outcome, RunConfig};
use flyte_runtime::proto::core::{LiteralMap, TaskTemplate};
use flyte_runtime::storage::Storage;
use flyte_runtime::task::SerializationSettings;
use flyte_runtime::types::FlyteType;
use flyte_tests::pod::{add_inputs, container_args, scratch, template_run_args};
use prost::Message;

/// splitmix64: a small deterministic generator, so a failing run can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
}

/// One run's inputs and what it must end with.
struct Case {
    task: usize,
    inputs: Vec<u8>,
    /// `Some(total)` for an adder run that must succeed, `Some(-1)` for another good run,
    /// `None` for a run that must fail.
    expect: Option<i64>,
    what: String,
}

const COMPOSERS: [&str; 5] = [
    "AC/DC",
    "Angus Young, Malcolm Young, Brian Johnson",
    "O'Brien",
    "'; DROP TABLE tracks; --",
    "nobody at all",
];

fn one_literal(name: &str, lit: flyte_runtime::proto::core::Literal) -> Vec<u8> {
    LiteralMap {
        literals: [(name.to_string(), lit)].into(),
    }
    .encode_to_vec()
}

fn make_case(rng: &mut Rng) -> Case {
    let bad = rng.below(10) < 3;
    match (rng.below(3), bad) {
        (0, false) => {
            let (a, b) = (
                rng.range(-1_000_000, 1_000_000),
                rng.range(-1_000_000, 1_000_000),
            );
            Case {
                task: 0,
                inputs: add_inputs(a, b, "soak").encode_to_vec(),
                expect: Some(a + b),
                what: format!("add {a} + {b}"),
            }
        }
        (0, true) => {
            let good = add_inputs(1, 2, "soak").encode_to_vec();
            let (inputs, what) = match rng.below(5) {
                0 => (add_inputs(i64::MAX, 1, "x").encode_to_vec(), "overflow"),
                1 => (one_literal("a", 1i64.to_literal()), "missing inputs"),
                2 => {
                    let mut m = add_inputs(1, 2, "x");
                    m.literals
                        .insert("a".into(), "one".to_string().to_literal());
                    (m.encode_to_vec(), "a string for an integer")
                }
                3 => (good[..good.len() / 2].to_vec(), "truncated inputs"),
                _ => (
                    (0..rng.range(1, 64)).map(|_| rng.next() as u8).collect(),
                    "garbage inputs",
                ),
            };
            Case {
                task: 0,
                inputs,
                expect: None,
                what: format!("add: {what}"),
            }
        }
        (1, false) => {
            let limit = rng.range(0, 20);
            Case {
                task: 1,
                inputs: one_literal("limit", limit.to_literal()),
                expect: Some(-1),
                what: format!("sqlite_demo limit {limit}"),
            }
        }
        (1, true) => Case {
            task: 1,
            inputs: one_literal("limit", "ten".to_string().to_literal()),
            expect: None,
            what: "sqlite_demo: a string for the limit".into(),
        },
        (_, false) => {
            let composer = COMPOSERS[rng.below(COMPOSERS.len() as u64) as usize];
            Case {
                task: 2,
                inputs: one_literal("composer", composer.to_string().to_literal()),
                expect: Some(-1),
                what: format!("sqlite_by_composer {composer:?}"),
            }
        }
        (_, true) => Case {
            task: 2,
            inputs: one_literal("composer", 7i64.to_literal()),
            expect: None,
            what: "sqlite_by_composer: an integer for the composer".into(),
        },
    }
}

/// The tasks' templates written once, with their executors.
struct Tasks {
    templates: Vec<(String, String)>,
}

impl Tasks {
    fn write(dir: &Path) -> Self {
        let settings = SerializationSettings::default();
        let all: [TaskTemplate; 3] = [
            flyte_examples::adder::add_task()
                .template(&settings)
                .expect("adder"),
            flyte_examples::sqlite::sqlite_demo()
                .template(&settings)
                .expect("sqlite_demo"),
            flyte_examples::sqlite::sqlite_by_composer()
                .template(&settings)
                .expect("by_composer"),
        ];
        let templates = all
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let path = dir.join(format!("template-{i}.pb"));
                std::fs::write(&path, t.encode_to_vec()).expect("write template");
                let executor = container_args(t).last().cloned().expect("executor path");
                (path.display().to_string(), executor)
            })
            .collect();
        Self { templates }
    }

    fn args(&self, case: &Case, run_dir: &Path) -> EntrypointArgs {
        let (template, executor) = &self.templates[case.task];
        std::fs::create_dir_all(run_dir).expect("run dir");
        std::fs::write(run_dir.join("inputs.pb"), &case.inputs).expect("write inputs");
        template_run_args(template, &run_dir.display().to_string(), executor)
    }
}

/// Checks what run `i` left, then removes its folder (10,000 runs must not fill the disk).
fn check(i: usize, case: &Case, outcome: &Outcome, run_dir: &Path) {
    let out = run_dir.join("out");
    let outputs = std::fs::read(out.join("outputs.pb")).ok();
    let error = out.join("error.pb").exists();
    let ctx = format!("run {i} ({}): {outcome:?}", case.what);
    assert!(
        outputs.is_some() != error,
        "{ctx}: outputs.pb {} and error.pb {error}",
        outputs.is_some()
    );
    match case.expect {
        Some(total) => {
            assert!(matches!(outcome, Outcome::Succeeded), "{ctx}");
            let map =
                LiteralMap::decode(outputs.as_deref().unwrap_or_default()).expect("whole outputs");
            if total != -1 {
                assert_eq!(
                    i64::from_literal(&map.literals["total"]).ok(),
                    Some(total),
                    "{ctx}"
                );
            } else {
                assert!(map.literals.contains_key("results"), "{ctx}");
            }
        }
        None => assert!(matches!(outcome, Outcome::Failed(_)), "{ctx}"),
    }
    let _ = std::fs::remove_dir_all(run_dir);
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn many_runs_each_end_with_exactly_one_document_and_memory_stays_flat() {
    let runs = env_count("FLYTE_SOAK_RUNS", 1000);
    let concurrent = env_count("FLYTE_SOAK_CONCURRENT", 200);
    let base: PathBuf = scratch("soak");
    let tasks = Tasks::write(&base);
    let storage = Storage::default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let mut rng = Rng(0x5EED);
    let (mut good, mut bad) = (0, 0);

    // Sequential runs; memory is sampled after a warm-up tenth.
    let warm_up = (runs / 10).max(1);
    let mut rss_start = 0;
    for i in 0..runs {
        if i == warm_up {
            rss_start = flyte_tests::proc_status_kib("VmRSS");
        }
        let case = make_case(&mut rng);
        let dir = base.join(format!("s{i}"));
        let outcome = rt.block_on(execute_with(
            RunConfig::new(tasks.args(&case, &dir), PodEnv::from_env()),
            storage.clone(),
            pending(),
        ));
        check(i, &case, &outcome, &dir);
        if case.expect.is_some() {
            good += 1
        } else {
            bad += 1
        }
    }
    let rss_end = flyte_tests::proc_status_kib("VmRSS");

    // Concurrent runs.
    let cases: Vec<Case> = (0..concurrent).map(|_| make_case(&mut rng)).collect();
    let outcomes = rt.block_on(async {
        let handles: Vec<_> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let args = tasks.args(case, &base.join(format!("c{i}")));
                tokio::spawn(execute_with(
                    RunConfig::new(args, PodEnv::from_env()),
                    storage.clone(),
                    pending(),
                ))
            })
            .collect();
        let mut outcomes = Vec::new();
        for h in handles {
            outcomes.push(h.await.expect("run task"));
        }
        outcomes
    });
    for (i, (case, outcome)) in cases.iter().zip(&outcomes).enumerate() {
        check(i, case, outcome, &base.join(format!("c{i}")));
        if case.expect.is_some() {
            good += 1
        } else {
            bad += 1
        }
    }
    let rss_after_concurrent = flyte_tests::proc_status_kib("VmRSS");
    println!(
        "soak: {runs} sequential + {concurrent} concurrent runs ({good} good, {bad} bad inputs), \
         each with exactly one document; RSS after warm-up {rss_start} KiB, after the sequential \
         runs {rss_end} KiB ({:+} KiB), after the concurrent runs {rss_after_concurrent} KiB",
        rss_end as i64 - rss_start as i64
    );
    assert!(bad > 0 && good > 0);
    // Flat: the sequential runs after the warm-up add less than 8 MiB, whatever their count.
    assert!(
        rss_end < rss_start + 8 * 1024,
        "resident memory grew from {rss_start} KiB to {rss_end} KiB over {runs} runs"
    );
    let _ = std::fs::remove_dir_all(&base);
}

/// The memory reader the flat-memory check relies on measures, or fails loudly: a field it
/// cannot find is a panic, never a zero that two readings would agree on.
#[test]
fn the_memory_reader_measures_or_fails() {
    assert!(flyte_tests::proc_status_kib("VmRSS") > 0);
    let missing = std::panic::catch_unwind(|| flyte_tests::proc_status_kib("NoSuchField"));
    assert!(
        missing.is_err(),
        "an unknown field must not read as a number"
    );
}
