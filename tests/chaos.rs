//! Chaos: the adder run as a pod runs it (one `execute` process per run, template, inputs
//! and outputs in `s3://`), by the hundred and dozens at once, against moto behind a
//! fault-injecting TCP proxy ([`ChaosProxy`]): connections reset, silenced (a black hole),
//! delayed, or their answers cut midway, for outages shorter than the storage retry budget
//! and longer than it; and a 100 MB `FlyteFile` upload hit midway. The storage settings are
//! the defaults (or whatever `FLYTE_RS_STORAGE_*` the test is run with: the runs inherit the
//! environment, so `FLYTE_RS_STORAGE_STALL_TIMEOUT_MS=300000` shows the old 300 s timeout
//! failing here).
//!
//! Every run must end, within the bound it is held to, in one of two ways:
//! - right: `outputs.pb` whole with the adder's sum, no error document;
//! - failed cleanly: an `error.pb` with SYSTEM and RECOVERABLE (Flyte retries it against
//!   the system budget) and no `outputs.pb`, or, when not even that could be written, exit
//!   code 3 and nothing under the output prefix but whole objects (Flyte fails the pod);
//!   and then its retry (a fresh output prefix, as propeller's next attempt) is right.
//!
//! Never both documents, never a document that does not decode (half-written), no run left
//! hanging (a run past the hard limit is killed and fails the test). Outages shorter than
//! the budget must lose no run at all, nor must writes whose answers are lost (the run reads
//! `outputs.pb` back and finds it whole). The short outages run one after another, the long
//! ones (mostly waiting out stalls) side by side, the uploads beside everything, each with
//! its own proxy; the table it measured is printed.
//!
//! Scale with `FLYTE_CHAOS_RUNS` (runs per scenario, default 300) and `FLYTE_CHAOS_AT_ONCE`
//! (default 32); pick rows with `FLYTE_CHAOS_ONLY` (scenario names, `file` for the uploads).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use flyte_runtime::__private::pod::Placeholders;
use flyte_runtime::context::{ExecutionContext, ScratchDir};
use flyte_runtime::proto::core::{ErrorDocument, LiteralMap};
use flyte_runtime::storage::{S3Config, Storage, StorageConfig};
use flyte_runtime::types::FlyteType;
use flyte_tests::chaos_proxy::{ChaosProxy, Fault, ProxyStats};
use flyte_tests::moto::Moto;
use flyte_tests::pod::{add_inputs, container_args, scratch, template_of};
use prost::Message;

const BIN: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

/// A run still going after this long is killed and counted as hung (it fails the test).
const HARD_LIMIT: Duration = Duration::from_secs(150);

/// The exit code of a run that could write neither document (`EXIT_UNREPORTED`).
const EXIT_UNREPORTED: i32 = 3;

/// One runtime for every storage call of the test (a `reqwest` client's pooled
/// connections belong to the runtime that opened them); threads share it.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio")
    })
    .block_on(f)
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One row of the table: a fault, when it strikes, and the load it strikes.
struct Scenario {
    name: &'static str,
    fault: Option<Fault>,
    /// (start after the first run, length) of each outage.
    outages: Vec<(Duration, Duration)>,
    runs: usize,
    at_once: usize,
    /// Run `i` starts no sooner than `i * spread / runs` (and when one of the `at_once`
    /// slots is free): the load goes on through the outages.
    spread: Duration,
    /// Every run must be right (an outage shorter than the retry budget, or one that loses
    /// only answers to writes).
    all_right: bool,
    /// The longest any run may take.
    bound: Duration,
    /// Long: run beside the other long ones.
    long: bool,
}

/// How one run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ended {
    /// outputs.pb whole with the right sum, no error.pb.
    Right,
    /// error.pb SYSTEM/RECOVERABLE, no outputs.pb.
    SystemError,
    /// exit 3, no error.pb written (whole objects only).
    Unreported,
    /// Anything else: what it was.
    Wrong(String),
}

struct RunRecord {
    index: usize,
    took: Duration,
    /// Its write of outputs.pb failed, and outputs.pb was then found whole.
    found_whole: bool,
    ended: Ended,
    both: bool,
    half_written: bool,
}

/// The environment shared by the scenarios.
struct Bench {
    moto: Moto,
    direct: Storage,
    args: Vec<String>,
    template_uri: String,
    logs: PathBuf,
}

fn placeholders(template_uri: &str, run: &str, attempt: u32) -> Placeholders {
    Placeholders {
        input: format!("{run}/inputs.pb"),
        output_prefix: format!("{run}/{attempt}/out"),
        raw_output_data_prefix: format!("{run}/{attempt}/raw"),
        checkpoint_output_prefix: format!("{run}/{attempt}/checkpoint"),
        task_template_path: template_uri.to_string(),
        ..Placeholders::default()
    }
}

impl Bench {
    fn new() -> Self {
        let moto = Moto::start();
        moto.create_bucket("flyte");
        let direct = moto.storage();
        let template = template_of(BIN, "examples.add");
        let template_uri = "s3://flyte/chaos/template.pb".to_string();
        block_on(direct.write(&template_uri, template.encode_to_vec())).expect("template");
        Self {
            moto,
            direct,
            args: container_args(&template),
            template_uri,
            logs: scratch("chaos-logs"),
        }
    }

    fn run_uri(scenario: &str, i: usize) -> String {
        format!("s3://flyte/chaos/{scenario}/{i}")
    }

    fn sum(i: usize) -> (i64, i64) {
        (i as i64, 1_000_000 - 3 * i as i64)
    }

    /// Writes every run's inputs straight to moto.
    fn seed(&self, scenario: &str, runs: usize) {
        block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..runs {
                let s = self.direct.clone();
                let (a, b) = Self::sum(i);
                let uri = format!("{}/inputs.pb", Self::run_uri(scenario, i));
                set.spawn(async move {
                    s.write(&uri, add_inputs(a, b, "chaos").encode_to_vec())
                        .await
                });
            }
            while let Some(r) = set.join_next().await {
                r.expect("seed task").expect("seed inputs");
            }
        });
    }

    /// Runs attempt `attempt` of run `i` through `proxy`; returns its exit code (`None`:
    /// killed at the hard limit) and how long it took.
    fn run(
        &self,
        proxy: &ChaosProxy,
        scenario: &str,
        i: usize,
        attempt: u32,
    ) -> (Option<i32>, Duration) {
        let p = placeholders(&self.template_uri, &Self::run_uri(scenario, i), attempt);
        let args = p.render(&self.args).expect("propeller renders the args");
        let log = self.logs.join(format!("{scenario}-{i}-{attempt}.log"));
        let stderr = std::fs::File::create(&log).expect("log file");
        let mut env = self.moto.env();
        for (k, v) in &mut env {
            if *k == "FLYTE_AWS_ENDPOINT" {
                *v = proxy.endpoint();
            }
        }
        let started = Instant::now();
        let mut child = Command::new(BIN)
            .args(&args[1..])
            .envs(env)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start a run");
        loop {
            if let Some(status) = child.try_wait().expect("wait for a run") {
                return (status.code(), started.elapsed());
            }
            if started.elapsed() > HARD_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                return (None, started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// What attempt `attempt` of run `i` left under its output prefix.
    fn judge(
        &self,
        scenario: &str,
        i: usize,
        attempt: u32,
        exit: Option<i32>,
    ) -> (Ended, bool, bool) {
        let prefix = format!("{}/{attempt}/out", Self::run_uri(scenario, i));
        let (outputs, error) = block_on(async {
            let read = |name: &str| {
                let uri = format!("{prefix}/{name}");
                let s = self.direct.clone();
                async move {
                    match s.read(&uri).await {
                        Ok(b) => Some(b),
                        Err(flyte_runtime::storage::StorageError::NotFound { .. }) => None,
                        Err(e) => panic!("cannot read {uri} from moto: {e}"),
                    }
                }
            };
            (read("outputs.pb").await, read("error.pb").await)
        });
        let (a, b) = Self::sum(i);
        let total = outputs
            .as_ref()
            .and_then(|o| LiteralMap::decode(o.as_ref()).ok())
            .and_then(|m| {
                m.literals
                    .get("total")
                    .and_then(|t| i64::from_literal(t).ok())
            });
        let doc = error
            .as_ref()
            .and_then(|e| ErrorDocument::decode(e.as_ref()).ok())
            .and_then(|d| d.error);
        let half_written =
            (outputs.is_some() && total.is_none()) || (error.is_some() && doc.is_none());
        let both = outputs.is_some() && error.is_some();
        let ended = match (exit, total, &doc) {
            (None, ..) => Ended::Wrong("hung: killed at the hard limit".into()),
            (Some(0), Some(t), None) if t == a + b => Ended::Right,
            (Some(0), None, Some(d)) if outputs.is_none() && d.kind == 1 && d.origin == 2 => {
                Ended::SystemError
            }
            // Flyte reads no document after a non-zero exit; whatever landed is whole.
            (Some(EXIT_UNREPORTED), ..) if !half_written && !both => Ended::Unreported,
            (code, t, d) => Ended::Wrong(format!(
                "exit {code:?}, outputs total {t:?} (want {}), error document {:?}",
                a + b,
                d.as_ref().map(|d| (&d.code, d.kind, d.origin, &d.message))
            )),
        };
        (ended, both, half_written)
    }

    /// Whether a run logged `text`.
    fn logged(&self, scenario: &str, i: usize, attempt: u32, text: &str) -> bool {
        let log = self.logs.join(format!("{scenario}-{i}-{attempt}.log"));
        std::fs::read_to_string(log).is_ok_and(|t| t.contains(text))
    }

    /// The last lines a run logged.
    fn tail(&self, scenario: &str, i: usize, attempt: u32) -> String {
        let log = self.logs.join(format!("{scenario}-{i}-{attempt}.log"));
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(4)..].join("\n")
    }
}

/// Runs `count` jobs `at_once` at a time on threads, job `i` no sooner than `i * spread /
/// count` from now; returns their results by index.
fn pool<T: Send>(
    count: usize,
    at_once: usize,
    spread: Duration,
    job: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, T>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..at_once.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= count {
                    break;
                }
                let due = spread.mul_f64(i as f64 / count as f64);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
                let r = job(i);
                results.lock().unwrap().insert(i, r);
            });
        }
    });
    results.into_inner().unwrap().into_values().collect()
}

/// One measured row.
struct Row {
    name: String,
    outages: String,
    load: String,
    right: usize,
    system_error: usize,
    unreported: usize,
    retried_right: usize,
    found_whole: usize,
    longest: Duration,
    bound: Duration,
    both: usize,
    half_written: usize,
    proxy: ProxyStats,
    problems: Vec<String>,
}

fn describe(fault: Option<Fault>) -> String {
    match fault {
        None => "none".into(),
        Some(Fault::Delay(d)) => format!("delay {d:?}"),
        Some(f) => format!("{f:?}"),
    }
}

fn outages_text(outages: &[(Duration, Duration)]) -> String {
    if outages.is_empty() {
        return "—".into();
    }
    let each: Vec<String> = outages
        .iter()
        .map(|(_, d)| format!("{:.1} s", d.as_secs_f64()))
        .collect();
    each.join(" + ")
}

fn run_scenario(bench: &Bench, sc: &Scenario) -> Row {
    bench.seed(sc.name, sc.runs);
    let proxy = ChaosProxy::start(bench.moto.port);
    let started = Instant::now();
    let records = std::thread::scope(|s| {
        if let Some(fault) = sc.fault {
            let proxy = &proxy;
            s.spawn(move || {
                for (at, lasting) in &sc.outages {
                    if let Some(wait) = at.checked_sub(started.elapsed()) {
                        std::thread::sleep(wait);
                    }
                    proxy.fault_for(fault, *lasting);
                }
            });
        }
        pool(sc.runs, sc.at_once, sc.spread, |i| {
            let (exit, took) = bench.run(&proxy, sc.name, i, 0);
            let (ended, both, half_written) = bench.judge(sc.name, i, 0, exit);
            RunRecord {
                index: i,
                took,
                found_whole: bench.logged(sc.name, i, 0, "outputs.pb is there, whole"),
                ended,
                both,
                half_written,
            }
        })
    });
    proxy.set(None);
    let stats = proxy.stats();

    // Propeller's retry of every run that failed: a fresh output prefix, no fault.
    let failed: Vec<usize> = records
        .iter()
        .filter(|r| matches!(r.ended, Ended::SystemError | Ended::Unreported))
        .map(|r| r.index)
        .collect();
    let retries = pool(failed.len(), sc.at_once, Duration::ZERO, |k| {
        let i = failed[k];
        let (exit, _) = bench.run(&proxy, sc.name, i, 1);
        (i, bench.judge(sc.name, i, 1, exit).0)
    });

    let mut problems = Vec::new();
    if sc.fault.is_some() && stats.reset + stats.silenced + stats.cut + stats.delayed == 0 {
        problems.push(format!("{}: the fault never struck", sc.name));
    }
    let count = |e: &Ended| records.iter().filter(|r| &r.ended == e).count();
    for r in &records {
        if let Ended::Wrong(what) = &r.ended {
            problems.push(format!(
                "run {} ended wrong after {:.1?}: {what}\n{}",
                r.index,
                r.took,
                bench.tail(sc.name, r.index, 0)
            ));
        }
        if sc.all_right && r.ended != Ended::Right {
            problems.push(format!(
                "run {} did not ride out the fault: {:?}\n{}",
                r.index,
                r.ended,
                bench.tail(sc.name, r.index, 0)
            ));
        }
        if r.took > sc.bound {
            problems.push(format!(
                "run {} took {:.1?}, over the bound {:?}\n{}",
                r.index,
                r.took,
                sc.bound,
                bench.tail(sc.name, r.index, 0)
            ));
        }
    }
    for (i, ended) in &retries {
        if *ended != Ended::Right {
            problems.push(format!(
                "the retry of run {i} was not right: {ended:?}\n{}",
                bench.tail(sc.name, *i, 1)
            ));
        }
    }
    Row {
        name: describe(sc.fault),
        outages: outages_text(&sc.outages),
        load: format!("{} runs, {} at once", sc.runs, sc.at_once),
        right: count(&Ended::Right),
        system_error: count(&Ended::SystemError),
        unreported: count(&Ended::Unreported),
        retried_right: retries.iter().filter(|(_, e)| *e == Ended::Right).count(),
        found_whole: records.iter().filter(|r| r.found_whole).count(),
        longest: records.iter().map(|r| r.took).max().unwrap_or_default(),
        bound: sc.bound,
        both: records.iter().filter(|r| r.both).count(),
        half_written: records.iter().filter(|r| r.half_written).count(),
        proxy: stats,
        problems,
    }
}

/// In-progress multipart uploads moto holds in the bucket (parts never completed nor
/// aborted): an unsigned `GET /flyte?uploads`, which moto answers.
fn open_multipart_uploads(moto: &Moto) -> usize {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", moto.port)).expect("moto");
    write!(
        s,
        "GET /flyte?uploads HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        moto.port
    )
    .expect("ask moto");
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text.matches("<UploadId>").count()
}

/// A 100 MB file uploaded as a `FlyteFile` output through the proxy, hit by `fault` for
/// `lasting` once half of it has gone up; retried (a fresh upload) if it failed.
fn flyte_file_row(
    bench: &Bench,
    fault: Fault,
    lasting: Duration,
    bound: Duration,
    file: &Path,
    data: &[u8],
) -> Row {
    let proxy = ChaosProxy::start(bench.moto.port);
    let through_proxy = Storage::new(StorageConfig {
        s3: S3Config {
            endpoint: Some(proxy.endpoint()),
            access_key_id: Some("test".into()),
            secret_access_key: Some("test".into()),
            region: None,
        },
        ..StorageConfig::from_env()
    });
    let ctx = ExecutionContext::from_env("s3://flyte/chaos/files", ScratchDir::private())
        .with_storage(through_proxy);
    let mut problems = Vec::new();
    let mut half_written = 0;
    let check = |uri: &str| -> Result<(), String> {
        // Whole or absent: a present object must be the file, byte for byte.
        match block_on(bench.direct.read_ranged(uri)) {
            Ok(back) if back.as_ref() == data => Ok(()),
            Ok(back) => Err(format!(
                "{uri} holds {} bytes that are not the file",
                back.len()
            )),
            Err(flyte_runtime::storage::StorageError::NotFound { .. }) => Err("absent".into()),
            Err(e) => panic!("cannot read {uri} from moto: {e}"),
        }
    };
    let open_before = open_multipart_uploads(&bench.moto);
    proxy.arm_after_upstream_bytes(data.len() as u64 / 2, fault, lasting);
    let started = Instant::now();
    let first = block_on(ctx.upload(file));
    let took = started.elapsed();
    assert!(
        !proxy.armed(),
        "the fault never struck: the upload did not go through the proxy"
    );
    let (mut right, mut system_error, mut retried_right) = (0, 0, 0);
    match &first {
        Ok(f) => match check(f.uri()) {
            Ok(()) => right += 1,
            Err(e) => {
                half_written += usize::from(e != "absent");
                problems.push(format!("the upload said done, but {e}"));
            }
        },
        Err(e) => {
            system_error += 1;
            eprintln!("100 MB upload failed (then retried): {e}");
            let retry = block_on(ctx.upload(file));
            match retry.as_ref().map(|f| check(f.uri())) {
                Ok(Ok(())) => retried_right += 1,
                other => problems.push(format!("the retry of the upload: {other:?}")),
            }
        }
    }
    if took > bound {
        problems.push(format!(
            "the upload took {took:.1?}, over the bound {bound:?}"
        ));
    }
    let open = open_multipart_uploads(&bench.moto).saturating_sub(open_before);
    Row {
        name: format!("{} (FlyteFile 100 MB, hit at 50 MB)", describe(Some(fault))),
        outages: format!(
            "{:.1} s; {open} multipart uploads left open",
            lasting.as_secs_f64()
        ),
        load: "1 upload, 8 MiB parts, 4 at once".into(),
        right,
        system_error,
        unreported: 0,
        retried_right,
        found_whole: 0,
        longest: took,
        bound,
        both: 0,
        half_written,
        proxy: proxy.stats(),
        problems,
    }
}

#[test]
fn runs_ride_out_short_outages_and_fail_cleanly_in_long_ones() {
    let runs = env_count("FLYTE_CHAOS_RUNS", 300);
    let at_once = env_count("FLYTE_CHAOS_AT_ONCE", 32);
    let config = StorageConfig::from_env();
    let stall = config.stall_timeout;
    let budget = config.retry.total_backoff();
    // A short outage is over before any request gives up: a run loses at most its stall
    // timeout and the waits on top of the outage. A long one ends each run within the
    // failing operation's silent bound, one more stall (the outputs' settling), and the
    // report's patience plus its try in flight.
    let s = |secs: f64| Duration::from_secs_f64(secs);
    let slack = s(10.0);
    let short_bound = |outage: Duration| s(5.0) + outage * 2 + stall * 2 + budget + slack;
    let long_bound = s(5.0)
        + config.silent_operation_bound()
        + stall
        + config.retry.report_patience()
        + stall * 2
        + slack;
    let short = s(1.5);
    let twice = |len: Duration| vec![(s(1.0), len), (s(4.0), len)];
    let spread = s(8.0);
    let short_scenario = |name, fault, outage: Duration, extra: Duration| Scenario {
        name,
        fault,
        outages: if fault.is_some() {
            twice(outage)
        } else {
            vec![]
        },
        runs,
        at_once,
        spread,
        all_right: true,
        bound: short_bound(outage * 2 + extra),
        long: false,
    };
    let delay = stall + s(3.0);
    let mut scenarios = vec![
        short_scenario("none", None, Duration::ZERO, Duration::ZERO),
        short_scenario("outage-short", Some(Fault::Outage), short, Duration::ZERO),
        short_scenario("reset-short", Some(Fault::Reset), short, Duration::ZERO),
        short_scenario(
            "blackhole-short",
            Some(Fault::BlackHole),
            short,
            Duration::ZERO,
        ),
        short_scenario("delay-short", Some(Fault::Delay(delay)), short, delay),
        short_scenario("cut-short", Some(Fault::CutAnswers), short, Duration::ZERO),
    ];
    // Longer than the budget: new connections refused (5 quick tries give up within 7.5 s)
    // and open ones silent, for 40 s, with runs starting all through it.
    scenarios.push(Scenario {
        name: "outage-long",
        fault: Some(Fault::Outage),
        outages: vec![(s(2.0), s(40.0))],
        runs: (runs / 3).max(1),
        at_once,
        spread: s(40.0),
        all_right: false,
        bound: long_bound,
        long: true,
    });
    // Everything silent for 45 s, new connections too: every try of a run in it costs the
    // stall timeout, so its operation gives up after 32.5 s, then its error document waits
    // out the rest.
    scenarios.push(Scenario {
        name: "blackhole-long",
        fault: Some(Fault::BlackHole),
        outages: vec![(s(2.0), s(45.0))],
        runs: (runs / 5).max(1),
        at_once,
        spread: s(40.0),
        all_right: false,
        bound: long_bound,
        long: true,
    });
    // Every write lands and its answer is lost, for longer than a write's budget (5 tries
    // of 5 s and the waits): the runs writing outputs.pb then read it back, find it whole,
    // and succeed.
    scenarios.push(Scenario {
        name: "cut-writes-long",
        fault: Some(Fault::CutWriteAnswers),
        outages: vec![(s(2.0), s(45.0))],
        runs: (runs / 5).max(1),
        at_once,
        spread: s(20.0),
        all_right: true,
        bound: long_bound,
        long: true,
    });

    // `FLYTE_CHAOS_ONLY=blackhole-short,file`: only these scenarios (`file`: the uploads).
    let only: Option<Vec<String>> = std::env::var("FLYTE_CHAOS_ONLY")
        .ok()
        .map(|v| v.split(',').map(|n| n.trim().to_string()).collect());
    let chosen = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));
    scenarios.retain(|sc| chosen(sc.name));

    let bench = Bench::new();
    let file_dir = scratch("chaos-file");
    let file = file_dir.join("big.bin");
    let data: Vec<u8> = (0..100_000_000usize)
        .map(|i| (i * 131 % 251) as u8)
        .collect();
    std::fs::write(&file, &data).expect("write the 100 MB file");
    // A part stalled by the fault costs its deadline (stall + 8 MiB at the floor), then goes
    // again: the upload's bound is two such deadlines on top of its own time.
    let part_deadline = config.answer_deadline(8 << 20);
    let file_bound = part_deadline * 2 + stall * 2 + budget + s(60.0);

    let started = Instant::now();
    let mut rows = Vec::new();
    // The uploads run beside the run scenarios (they mostly wait out a stalled part).
    std::thread::scope(|scope| {
        let uploads = scope.spawn(|| {
            if !chosen("file") {
                return vec![];
            }
            vec![
                flyte_file_row(&bench, Fault::Outage, short, file_bound, &file, &data),
                flyte_file_row(&bench, Fault::CutAnswers, short, file_bound, &file, &data),
            ]
        });
        let report = |row: &Row| {
            println!(
                "chaos: {} / {} done at {:.0?}: {} right, {} error.pb, {} exit 3, longest {:.1?}",
                row.name,
                row.outages,
                started.elapsed(),
                row.right,
                row.system_error,
                row.unreported,
                row.longest
            )
        };
        // The short outages one after another; the long ones (mostly waiting out stalls)
        // together, each with its own proxy.
        for sc in scenarios.iter().filter(|sc| !sc.long) {
            let row = run_scenario(&bench, sc);
            report(&row);
            rows.push(row);
        }
        let long: Vec<_> = scenarios
            .iter()
            .filter(|sc| sc.long)
            .map(|sc| scope.spawn(|| run_scenario(&bench, sc)))
            .collect();
        for handle in long {
            let row = handle.join().expect("a long scenario");
            report(&row);
            rows.push(row);
        }
        rows.extend(uploads.join().expect("uploads"));
    });
    let _ = std::fs::remove_dir_all(&file_dir);

    let mut table = vec![
        format!(
            "storage: stall {:?}, connect {:?}, floor {} KiB/s, {} tries, waits up to {:?} in all, report patience {:?}; runs killed at {HARD_LIMIT:?}; {:.0?} in all",
            stall,
            config.connect_timeout,
            config.min_throughput / 1024,
            config.retry.max_attempts,
            budget,
            config.retry.report_patience(),
            started.elapsed()
        ),
        "| fault | outages | load | right | of which: outputs.pb write failed, found whole | failed: error.pb SYSTEM/RECOVERABLE | failed: exit 3, no error.pb | retried right | longest | bound | both | half-written | proxy: reset/silenced/cut/delayed |".into(),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|".into(),
    ];
    for r in &rows {
        table.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} s | {:.0} s | {} | {} | {}/{}/{}/{} |",
            r.name,
            r.outages,
            r.load,
            r.right,
            r.found_whole,
            r.system_error,
            r.unreported,
            r.retried_right,
            r.longest.as_secs_f64(),
            r.bound.as_secs_f64(),
            r.both,
            r.half_written,
            r.proxy.reset,
            r.proxy.silenced,
            r.proxy.cut,
            r.proxy.delayed
        ));
    }
    // Also kept in a file: `cargo test` shows a passing test's output only with --nocapture.
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chaos-table.md");
    let _ = std::fs::write(&saved, table.join("\n") + "\n");
    println!("{}\n(saved in {})", table.join("\n"), saved.display());
    let problems: Vec<&String> = rows.iter().flat_map(|r| &r.problems).collect();
    if problems.is_empty() {
        // The runs' logs are kept only when something went wrong.
        let _ = std::fs::remove_dir_all(&bench.logs);
    }
    assert!(
        problems.is_empty(),
        "{} problems; the first ones:\n{}",
        problems.len(),
        problems
            .iter()
            .take(8)
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("\n---\n")
    );
    for r in &rows {
        assert_eq!((r.both, r.half_written), (0, 0), "{}", r.name);
    }
}
