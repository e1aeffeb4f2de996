//! A second S3-compatible server for the tests, and the one the transfer benchmark measures
//! against: `s3s-fs` (crates.io, the file-system back end of the `s3s` S3 server library,
//! in Rust: multipart uploads, ranged GETs, ListObjectsV2), installed by `tests/setup_s3.sh`
//! into `<root>/.tools/bin`. It runs on 127.0.0.1 and a free port with its objects in a
//! folder of its own, and stops when dropped. moto (a Python mock) answers the same calls,
//! so the tests that need only S3's behaviour run against both ([`S3Server`]).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use flyte_runtime::storage::{S3Config, Storage, StorageConfig};

/// The keys both servers are started with.
const KEY: &str = "test";

/// An S3-compatible server running for a test.
pub trait S3Server {
    /// Its name, for messages (`moto`, `s3s-fs`).
    fn name(&self) -> &'static str;
    /// `http://127.0.0.1:<port>`.
    fn endpoint(&self) -> String;
    /// Creates a bucket.
    fn create_bucket(&self, bucket: &str);
    /// A [`Storage`] that reaches it.
    fn storage(&self) -> Storage {
        Storage::new(StorageConfig {
            s3: S3Config {
                endpoint: Some(self.endpoint()),
                access_key_id: Some(KEY.into()),
                secret_access_key: Some(KEY.into()),
                region: None,
            },
            ..StorageConfig::default()
        })
    }
    /// The environment a task binary (or flytekit) needs to reach it.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FLYTE_AWS_ENDPOINT", self.endpoint()),
            ("FLYTE_AWS_ACCESS_KEY_ID", KEY.to_string()),
            ("FLYTE_AWS_SECRET_ACCESS_KEY", KEY.to_string()),
        ]
    }
}

impl S3Server for crate::moto::Moto {
    fn name(&self) -> &'static str {
        "moto"
    }
    fn endpoint(&self) -> String {
        crate::moto::Moto::endpoint(self)
    }
    fn create_bucket(&self, bucket: &str) {
        crate::moto::Moto::create_bucket(self, bucket)
    }
}

/// The `s3s-fs` binary: `$FLYTE_RS_S3S_FS`, else `<root>/.tools/bin/s3s-fs`. Panics with the
/// set-up command when it is missing: a test that needs it must not pass without it.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FLYTE_RS_S3S_FS") {
        return PathBuf::from(p);
    }
    let p = crate::workspace_root().join(".tools/bin/s3s-fs");
    assert!(
        p.exists(),
        "s3s-fs is missing at {}: run `bash tests/setup.sh` (the README's test command does)",
        p.display()
    );
    p
}

/// A running `s3s-fs`; stopped, and its folder removed, when dropped.
#[derive(Debug)]
pub struct S3sFs {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Where it keeps its objects: one folder per bucket.
    pub root: PathBuf,
}

impl S3sFs {
    /// Starts a server on a free port, its objects in a fresh folder of the temporary
    /// folder, and waits until it accepts connections.
    pub fn start() -> Self {
        static SERVERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let root = std::env::temp_dir().join(format!(
            "flyte-rs-s3s-fs-{}-{}",
            std::process::id(),
            SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        Self::start_in(&root)
    }

    /// Starts a server keeping its objects in `root` (made if missing).
    pub fn start_in(root: &Path) -> Self {
        std::fs::create_dir_all(root)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", root.display()));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut s = Self {
            child: None,
            port,
            root: root.to_path_buf(),
        };
        s.restart();
        s
    }

    /// Stops the server (its objects stay in its folder).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it (again) on the same port and folder and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let bin = binary();
        let child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--access-key", KEY, "--secret-key", KEY])
            .arg(&self.root)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        self.child = Some(child);
        crate::wait_for_port(self.port, "s3s-fs");
    }
}

impl S3Server for S3sFs {
    fn name(&self) -> &'static str {
        "s3s-fs"
    }
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    /// A bucket of `s3s-fs` is a folder under its root.
    fn create_bucket(&self, bucket: &str) {
        let dir = self.root.join(bucket);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("create bucket {}: {e}", dir.display()));
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
