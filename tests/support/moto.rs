//! A real S3-compatible server for the tests: moto's `moto_server` from the test venv, on
//! 127.0.0.1 and a free port, started and stopped by the test that needs it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server; killed when dropped.
#[derive(Debug)]
pub struct Moto {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// Starts a server on a free port and waits until it accepts connections.
    pub fn start() -> Self {
        let mut m = Self {
            child: None,
            port: free_port(),
        };
        m.restart();
        m
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A [`Storage`](flyte_runtime::storage::Storage) that reaches it, for a test to put and
    /// read objects directly.
    pub fn storage(&self) -> flyte_runtime::storage::Storage {
        use flyte_runtime::storage::{S3Config, Storage, StorageConfig};
        Storage::new(StorageConfig {
            s3: S3Config {
                endpoint: Some(self.endpoint()),
                access_key_id: Some("test".into()),
                secret_access_key: Some("test".into()),
                region: None,
            },
            ..StorageConfig::default()
        })
    }

    /// The environment a task binary needs to reach it (flytekit's variables).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FLYTE_AWS_ENDPOINT", self.endpoint()),
            ("FLYTE_AWS_ACCESS_KEY_ID", "test".to_string()),
            ("FLYTE_AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ]
    }

    /// Stops the server (its data is lost, as moto keeps it in memory).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it (again) on the same port and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let bin = crate::python().with_file_name("moto_server");
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        self.child = Some(child);
        crate::wait_for_port(self.port, "moto_server");
    }

    /// Creates a bucket (an unsigned `PUT /<bucket>`, which moto accepts). A server that
    /// has just started may accept a connection before it answers: tried for up to 10 s.
    pub fn create_bucket(&self, bucket: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut response = String::new();
        while Instant::now() < deadline {
            response.clear();
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let sent = write!(
                    s,
                    "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.port
                );
                if sent.is_ok() {
                    let _ = s.read_to_string(&mut response);
                }
            }
            if response.starts_with("HTTP/1.1 200") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("create bucket {bucket}: {response:?}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
