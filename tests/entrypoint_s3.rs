//! The entrypoint against a real S3-compatible server (moto, on 127.0.0.1, started and
//! stopped here): template, inputs and outputs all live in `s3://`, reached with flytekit's
//! `FLYTE_AWS_*` variables; and the server goes away in the middle of a run. The file and
//! folder transfers run against s3s-fs too (a Rust object store on its file system).

use std::process::{Command, Stdio};
use std::time::Duration;

use flyte_runtime::__private::pod::Placeholders;
use flyte_runtime::proto::core::{ErrorDocument, LiteralMap, TaskTemplate};
use flyte_runtime::storage::Storage;
use flyte_runtime::types::FlyteType;
use flyte_tests::block_on;
use flyte_tests::moto::Moto;
use flyte_tests::pod::{container_args, misbehave_inputs, scratch, template_of};
use flyte_tests::s3s_fs::{S3Server, S3sFs};
use prost::Message;

const BIN: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

fn storage(moto: &Moto) -> Storage {
    moto.storage()
}

fn placeholders(run: &str) -> Placeholders {
    flyte_tests::pod::placeholders_under(&format!("s3://flyte/{run}"))
}

fn upload(s: &Storage, p: &Placeholders, template: &TaskTemplate, inputs: &LiteralMap) {
    block_on(async {
        s.write(&p.task_template_path, template.encode_to_vec())
            .await
            .unwrap();
        s.write(&p.input, inputs.encode_to_vec()).await.unwrap();
    });
}

fn command(moto: &Moto, args: &[String], extra: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.args(&args[1..])
        .envs(moto.env())
        .envs(extra.iter().copied());
    c
}

#[test]
fn s3_end_to_end_and_flytekit_reads_the_outputs() {
    let moto = Moto::start();
    moto.create_bucket("flyte");
    let s = storage(&moto);
    let template = template_of(BIN, "examples.add");
    let p = placeholders("ok");
    let inputs =
        LiteralMap::decode(flyte_tests::read_fixture("runs/add_ok/inputs.pb").as_slice()).unwrap();
    upload(&s, &p, &template, &inputs);
    let out = command(
        &moto,
        &p.render(&container_args(&template))
            .expect("propeller renders the args"),
        &[],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (outputs, error) = block_on(async {
        (
            s.read(&format!("{}/outputs.pb", p.output_prefix))
                .await
                .unwrap(),
            s.exists(&format!("{}/error.pb", p.output_prefix))
                .await
                .unwrap(),
        )
    });
    assert!(!error);
    // flytekit reads the bytes that came back from S3.
    let dir = scratch("s3-ok");
    std::fs::write(dir.join("t.pb"), template.encode_to_vec()).unwrap();
    std::fs::write(dir.join("o.pb"), &outputs).unwrap();
    let read = flyte_tests::run_python(
        "read_outputs.py",
        &[
            &dir.join("t.pb").display().to_string(),
            &dir.join("o.pb").display().to_string(),
        ],
        b"",
    );
    let read: std::collections::BTreeMap<String, String> = serde_json::from_slice(&read).unwrap();
    let total = i64::from_literal(&inputs.literals["a"]).unwrap()
        + i64::from_literal(&inputs.literals["b"]).unwrap();
    assert_eq!(read["total"], total.to_string());
}

#[test]
fn a_missing_s3_input_is_a_system_error_in_s3() {
    let moto = Moto::start();
    moto.create_bucket("flyte");
    let s = storage(&moto);
    let template = template_of(BIN, "examples.add");
    let p = placeholders("missing");
    block_on(s.write(&p.task_template_path, template.encode_to_vec())).unwrap();
    let out = command(
        &moto,
        &p.render(&container_args(&template))
            .expect("propeller renders the args"),
        &[],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = block_on(s.read(&format!("{}/error.pb", p.output_prefix))).unwrap();
    let e = ErrorDocument::decode(doc).unwrap().error.unwrap();
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("SYSTEM:StorageError", 1, 2)
    );
    assert!(
        e.message.contains("s3://flyte/missing/inputs.pb"),
        "{}",
        e.message
    );
}

#[test]
fn an_outage_during_the_run_is_retried_through_and_a_lasting_one_is_reported() {
    let mut moto = Moto::start();
    moto.create_bucket("flyte");
    let mut template = template_of(BIN, "tests.misbehave");
    template.metadata.as_mut().unwrap().timeout = None;

    // 1. The server goes down while the executor works and comes back while the outputs'
    //    write is being retried: the outputs arrive whole and no error document is written.
    let p = placeholders("outage");
    upload(
        &storage(&moto),
        &p,
        &template,
        &misbehave_inputs("sleep", 1.5),
    );
    let mut child = command(
        &moto,
        &p.render(&container_args(&template))
            .expect("propeller renders the args"),
        &[
            ("FLYTE_RS_STORAGE_MAX_ATTEMPTS", "12"),
            ("FLYTE_RS_STORAGE_BACKOFF_MS", "200"),
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Down once the inputs are in (however slowly a loaded machine starts the process),
    // back after the 1.5 s executor has finished and its write is being retried.
    let stderr = StderrWatch::new(&mut child);
    stderr.wait_for("inputs read");
    moto.stop();
    std::thread::sleep(Duration::from_millis(2000));
    moto.restart();
    moto.create_bucket("flyte");
    let status = child.wait().unwrap();
    let stderr = stderr.all();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("retrying"), "no retry logged:\n{stderr}");
    let s = storage(&moto);
    let outputs = block_on(s.read(&format!("{}/outputs.pb", p.output_prefix)))
        .expect("outputs arrived after the outage");
    let outputs = LiteralMap::decode(outputs).unwrap();
    assert_eq!(i64::from_literal(&outputs.literals["value"]).unwrap(), 1);
    assert!(!block_on(s.exists(&format!("{}/error.pb", p.output_prefix))).unwrap());

    // 2. The server goes down for good: retries run out, nothing can be written, the exit
    //    code says so and stderr names what failed.
    let p = placeholders("down");
    upload(
        &storage(&moto),
        &p,
        &template,
        &misbehave_inputs("sleep", 1.0),
    );
    let mut child = command(
        &moto,
        &p.render(&container_args(&template))
            .expect("propeller renders the args"),
        &[
            ("FLYTE_RS_STORAGE_MAX_ATTEMPTS", "3"),
            ("FLYTE_RS_STORAGE_BACKOFF_MS", "100"),
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = StderrWatch::new(&mut child);
    stderr.wait_for("inputs read");
    moto.stop();
    let status = child.wait().unwrap();
    let stderr = stderr.all();
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot write the error document"),
        "{stderr}"
    );
    assert!(stderr.contains("s3://flyte/down/out/error.pb"), "{stderr}");
}

/// A child's stderr, read line by line on a thread, so a test can wait for a log line.
struct StderrWatch {
    lines: std::sync::Arc<(std::sync::Mutex<String>, std::sync::Condvar)>,
    reader: std::thread::JoinHandle<()>,
}

impl StderrWatch {
    fn new(child: &mut std::process::Child) -> Self {
        use std::io::BufRead;
        let pipe = child.stderr.take().expect("stderr is piped");
        let lines = std::sync::Arc::new((
            std::sync::Mutex::new(String::new()),
            std::sync::Condvar::new(),
        ));
        let shared = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let (text, changed) = &*shared;
                let mut text = text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
                changed.notify_all();
            }
        });
        Self { lines, reader }
    }

    /// Blocks until a line holding `marker` was written (30 s at most).
    fn wait_for(&self, marker: &str) {
        let (text, changed) = &*self.lines;
        let (text, timeout) = changed
            .wait_timeout_while(text.lock().unwrap(), Duration::from_secs(30), |t| {
                !t.contains(marker)
            })
            .unwrap();
        assert!(!timeout.timed_out(), "no `{marker}` in 30 s:\n{text}");
    }

    /// Everything written, once the child has closed its stderr.
    fn all(self) -> String {
        self.reader.join().expect("stderr reader");
        let text = self.lines.0.lock().unwrap().clone();
        text
    }
}

/// File helpers against S3: a 12 MiB file goes up as a multipart upload (over the 8 MiB part
/// size, so more than one part) and comes back down in ranged requests, byte for byte.
fn a_large_file_goes_to_s3_in_parts_and_comes_back_whole(server: &dyn S3Server) {
    server.create_bucket("flyte");
    let s = server.storage();
    let dir = scratch("s3-transfer");
    let data: Vec<u8> = (0..12 * 1024 * 1024 + 17)
        .map(|i: usize| (i * 31 % 253) as u8)
        .collect();
    let src = dir.join("big.bin");
    std::fs::write(&src, &data).unwrap();
    let back = dir.join("back/big.bin");
    block_on(async {
        let sent = s.upload(&src, "s3://flyte/files/big.bin").await.unwrap();
        assert_eq!(sent, data.len() as u64, "{}", server.name());
        assert_eq!(
            s.download("s3://flyte/files/big.bin", &back).await.unwrap(),
            data.len() as u64,
            "{}",
            server.name()
        );
        let missing = s.download("s3://flyte/files/none.bin", &back).await;
        assert!(
            matches!(
                missing,
                Err(flyte_runtime::storage::StorageError::NotFound { .. })
            ),
            "{}: {missing:?}",
            server.name()
        );
    });
    assert!(
        std::fs::read(&back).unwrap() == data,
        "{}: the file came back changed",
        server.name()
    );
}

#[test]
fn a_large_file_goes_to_moto_in_parts_and_comes_back_whole() {
    a_large_file_goes_to_s3_in_parts_and_comes_back_whole(&Moto::start());
}

#[test]
fn a_large_file_goes_to_s3s_fs_in_parts_and_comes_back_whole() {
    a_large_file_goes_to_s3_in_parts_and_comes_back_whole(&S3sFs::start());
}

/// Directory helpers against S3: a folder with nested files (one larger than a part, and an
/// empty one) goes up under the raw output prefix and comes back down whole, file for file.
fn a_directory_output_goes_to_s3_and_comes_back_file_for_file(server: &dyn S3Server) {
    use flyte_runtime::context::{ExecutionContext, ScratchDir};
    server.create_bucket("flyte");
    let local = scratch("s3-dir").join("report");
    std::fs::create_dir_all(local.join("parts/deeper")).unwrap();
    let mut files = vec![
        ("index.txt".to_string(), b"the index".to_vec()),
        ("parts/0.csv".to_string(), b"a,b\n1,2\n".to_vec()),
        (
            "parts/deeper/big.bin".to_string(),
            vec![7u8; 9 * 1024 * 1024 + 3],
        ),
        ("parts/empty".to_string(), Vec::new()),
    ];
    // More files than go at once.
    files.extend((0..100).map(|i| (format!("many/{i:03}.txt"), format!("file {i}").into_bytes())));
    std::fs::create_dir_all(local.join("many")).unwrap();
    for (rel, bytes) in &files {
        std::fs::write(local.join(rel), bytes).unwrap();
    }
    let ctx = ExecutionContext::from_env("s3://flyte/raw", ScratchDir::private())
        .with_storage(server.storage());
    block_on(async {
        let dir = ctx.upload_dir(&local).await.unwrap();
        assert!(
            dir.uri().starts_with("s3://flyte/raw/") && dir.uri().ends_with("/report"),
            "{}",
            dir.uri()
        );
        let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        assert_eq!(
            ctx.storage.list_all(dir.uri()).await.unwrap(),
            names,
            "{}",
            server.name()
        );
        let back = ctx.download_dir(&dir).await.unwrap();
        for (rel, bytes) in &files {
            assert!(
                std::fs::read(back.join(rel)).unwrap() == *bytes,
                "{}: {rel} came back changed",
                server.name()
            );
        }
    });
}

#[test]
fn a_directory_output_goes_to_moto_and_comes_back_file_for_file() {
    a_directory_output_goes_to_s3_and_comes_back_file_for_file(&Moto::start());
}

#[test]
fn a_directory_output_goes_to_s3s_fs_and_comes_back_file_for_file() {
    a_directory_output_goes_to_s3_and_comes_back_file_for_file(&S3sFs::start());
}
