//! Stalled-request protection for the HTTP stores (S3, GCS): every request a store makes is
//! abandoned when it stops making progress, and none is cut for taking long while it moves.
//! Not here: retrying what was abandoned ([`RetryPolicy`](super::RetryPolicy)), and the
//! local and in-memory stores (no network to stall).
//!
//! # Why here, and why this shape
//!
//! `object_store` has three timeouts of its own (its [`ClientOptions`]): `connect_timeout`
//! (kept), `timeout`, a limit on a request's *total* time, and `read_timeout`, which
//! `reqwest` applies from the moment a request is made until its answer's headers, then
//! afresh between every two chunks of the answer. A total limit cuts a large transfer that is
//! progressing (a 10 GB file on a slow link), so it is off. `read_timeout` is exactly a
//! progress timeout for a request that sends nothing (GET, HEAD, LIST, DELETE, creating a
//! multipart upload): its answer must start, and keep coming, with no gap longer than the
//! stall timeout. But for a request with a body (a PUT, an upload part) the first interval
//! includes sending the body, so the same limit would cut an 8 MiB part on a slow link.
//!
//! Nothing in `object_store` reports how far a request's body has gone (the body is built
//! inside the crate from the payload, and the kernel's send buffer would hide megabytes of
//! it anyway). So a request with a body is held instead to a deadline that scales with its
//! size at a floor rate, [`StorageConfig::answer_deadline`]: `stall_timeout + bytes /
//! min_throughput` for its answer to begin, then the stall timeout between the answer's
//! chunks (a `CompleteMultipartUpload` answer may trickle for minutes and is never cut while
//! it does). A small PUT therefore gets the stall timeout, like a GET; an 8 MiB part gets
//! 5 s + 64 s at the defaults. A transfer is split in parts by the callers, each part its
//! own request with its own deadline, so no total time is ever imposed on a file.
//!
//! The two kinds of request go through two `reqwest` clients built from the same options
//! (one with `read_timeout`, one without), behind one [`HttpService`]: the crate's own
//! extension point ([`HttpConnector`]), so every request of every store operation — and of
//! credential refreshes — is covered, with no second retry loop.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpResponseBody, HttpService, ReqwestConnector,
};
use object_store::ClientOptions;

use super::config::StorageConfig;

/// Builds the store's HTTP client: two `reqwest` clients behind a [`StallGuard`].
#[derive(Debug, Clone)]
pub(crate) struct StallGuardConnector {
    /// No progress for this long abandons a request.
    stall: Duration,
    /// The deadlines of requests with a body ([`StorageConfig::answer_deadline`]).
    config: StorageConfig,
}

impl StallGuardConnector {
    /// A connector with `config`'s stall timeout and throughput floor.
    pub(crate) fn new(config: &StorageConfig) -> Self {
        Self {
            stall: config.stall_timeout,
            config: config.clone(),
        }
    }
}

impl HttpConnector for StallGuardConnector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let receiving =
            ReqwestConnector::default().connect(&options.clone().with_read_timeout(self.stall))?;
        let sending =
            ReqwestConnector::default().connect(&options.clone().with_read_timeout_disabled())?;
        Ok(HttpClient::new(StallGuard {
            receiving,
            sending,
            stall: self.stall,
            config: self.config.clone(),
        }))
    }
}

/// Sends requests without a body through `receiving` (whose read timeout is the stall
/// timeout) and requests with one through `sending`, under a deadline scaled to the body.
#[derive(Debug)]
struct StallGuard {
    receiving: HttpClient,
    sending: HttpClient,
    stall: Duration,
    config: StorageConfig,
}

/// A stalled request, as the HTTP layer reports a timeout: `object_store` wraps it, and the
/// retry policy finds the `TimedOut` I/O error inside and retries.
fn stalled(message: String) -> HttpError {
    HttpError::new(
        HttpErrorKind::Timeout,
        std::io::Error::new(std::io::ErrorKind::TimedOut, message),
    )
}

impl StallGuard {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let body = req.body().content_length() as u64;
        if body == 0 {
            return self.receiving.execute(req).await;
        }
        let deadline = self.config.answer_deadline(body);
        let answer = tokio::time::timeout(deadline, self.sending.execute(req))
            .await
            .map_err(|_| {
                stalled(format!(
                    "no answer within {deadline:.1?} of sending {body} bytes (the stall timeout \
                     {:?} plus the body at {} bytes/s)",
                    self.stall, self.config.min_throughput
                ))
            })??;
        // The answer to an upload is small (headers, an ETag, a short XML document), but it
        // may come slowly (S3 keeps a long CompleteMultipartUpload alive with spaces): read
        // whole here, with the stall timeout between chunks rather than a total limit.
        let (parts, body) = answer.into_parts();
        let mut chunks = body.bytes_stream();
        let mut whole = Vec::new();
        loop {
            match tokio::time::timeout(self.stall, chunks.next()).await {
                Err(_) => {
                    return Err(stalled(format!(
                        "the answer stopped for {:?} after {} bytes",
                        self.stall,
                        whole.len()
                    )))
                }
                Ok(None) => break,
                Ok(Some(chunk)) => whole.extend_from_slice(&chunk?),
            }
        }
        Ok(HttpResponse::from_parts(
            parts,
            HttpResponseBody::from(Bytes::from(whole)),
        ))
    }
}

/// `object_store`'s trait is declared with `async_trait`; this is its expansion, written
/// out so that the runtime needs no macro crate for one impl.
impl HttpService for StallGuard {
    fn call<'life0, 'async_trait>(
        &'life0 self,
        req: HttpRequest,
    ) -> Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(self.send(req))
    }
}

#[cfg(test)]
mod tests {
    //! Against a scripted HTTP server on loopback (std threads: the runtime's tokio has no
    //! `net` feature): one that never answers, one that answers slowly but steadily, one
    //! whose answer stops half way.

    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use crate::storage::{RetryPolicy, S3Config, Storage, StorageConfig, StorageError};

    /// What the server does with each request.
    #[derive(Clone, Copy)]
    enum Script {
        /// Reads the request and never answers.
        Silent,
        /// Answers a GET with `n` bytes, one every `gap`; a PUT after `gap`.
        Trickle { n: usize, gap: Duration },
        /// Sends the headers and half the body of a GET, then nothing.
        HalfThenSilent,
        /// Reads a PUT's body at about `rate` bytes per second, then answers.
        SlowReader { rate: usize },
    }

    struct Server {
        port: u16,
        requests: Arc<AtomicUsize>,
    }

    /// Reads one request: its method and its body.
    fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
        let mut reader = BufReader::new(stream.try_clone().ok()?);
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let method = line.split(' ').next()?.to_string();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).ok()? == 0 {
                return None;
            }
            if header == "\r\n" {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().ok()?;
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        Some((method, body))
    }

    /// Reads a request's headers, then its body at about `rate` bytes per second.
    fn read_slowly(stream: &mut TcpStream, rate: usize) -> Option<()> {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).ok()?;
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        let mut left: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())?;
        // A tenth of a second's worth at a time.
        let mut buf = vec![0u8; (rate / 10).max(1)];
        while left > 0 {
            let want = buf.len().min(left);
            stream.read_exact(&mut buf[..want]).ok()?;
            left -= want;
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(())
    }

    fn serve(mut stream: TcpStream, script: Script, requests: Arc<AtomicUsize>) {
        const META: &str = "ETag: \"e\"\r\nLast-Modified: Tue, 15 Nov 1994 08:12:31 GMT\r\n";
        let method = match script {
            Script::SlowReader { rate } => {
                requests.fetch_add(1, Ordering::SeqCst);
                if read_slowly(&mut stream, rate).is_some() {
                    let _ = write!(stream, "HTTP/1.1 200 OK\r\n{META}Content-Length: 0\r\n\r\n");
                }
                return;
            }
            _ => match read_request(&mut stream) {
                Some((method, _)) => method,
                None => return,
            },
        };
        requests.fetch_add(1, Ordering::SeqCst);
        match script {
            Script::Trickle { n, gap } if method == "GET" => {
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\n{META}Content-Length: {n}\r\n\r\n"
                );
                for _ in 0..n {
                    std::thread::sleep(gap);
                    if stream.write_all(b"x").is_err() {
                        return;
                    }
                }
            }
            Script::Trickle { gap, .. } => {
                std::thread::sleep(gap);
                let _ = write!(stream, "HTTP/1.1 200 OK\r\n{META}Content-Length: 0\r\n\r\n");
            }
            Script::HalfThenSilent => {
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\n{META}Content-Length: 10\r\n\r\nxxxxx"
                );
                std::thread::sleep(Duration::from_secs(30));
            }
            Script::Silent | Script::SlowReader { .. } => {
                std::thread::sleep(Duration::from_secs(30))
            }
        }
    }

    fn server(script: Script) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let counted = counted.clone();
                std::thread::spawn(move || serve(stream, script, counted));
            }
        });
        Server { port, requests }
    }

    fn storage(port: u16, stall_ms: u64, min_throughput: u64) -> Storage {
        Storage::new(StorageConfig {
            s3: S3Config {
                endpoint: Some(format!("http://127.0.0.1:{port}")),
                access_key_id: Some("k".into()),
                secret_access_key: Some("s".into()),
                region: None,
            },
            retry: RetryPolicy {
                max_attempts: 2,
                initial_backoff: Duration::from_millis(20),
                max_backoff: Duration::from_millis(20),
            },
            stall_timeout: Duration::from_millis(stall_ms),
            min_throughput,
            ..StorageConfig::default()
        })
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    fn assert_stalled(e: &StorageError, tries: usize, server: &Server) {
        assert!(e.is_transient(), "{e}");
        assert!(e.timed_out(), "{e}");
        assert!(e.to_string().contains("2 attempts"), "{e}");
        assert_eq!(server.requests.load(Ordering::SeqCst), tries, "{e}");
    }

    #[test]
    fn a_silent_server_is_given_up_on_after_the_stall_timeout_each_try() {
        let silent = server(Script::Silent);
        let s = storage(silent.port, 300, 1 << 20);
        for (op, small_body) in [("read", false), ("write", true)] {
            silent.requests.store(0, Ordering::SeqCst);
            let started = Instant::now();
            let e = block_on(async {
                if small_body {
                    s.write("s3://b/outputs.pb", b"x".to_vec())
                        .await
                        .unwrap_err()
                } else {
                    s.read("s3://b/inputs.pb").await.unwrap_err()
                }
            });
            let took = started.elapsed();
            assert_stalled(&e, 2, &silent);
            assert!(
                took >= Duration::from_millis(600) && took < Duration::from_secs(3),
                "{op}: {took:?}"
            );
        }
    }

    #[test]
    fn an_answer_that_stops_half_way_is_abandoned() {
        let half = server(Script::HalfThenSilent);
        let s = storage(half.port, 300, 1 << 20);
        let started = Instant::now();
        let e = block_on(s.read("s3://b/inputs.pb")).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_stalled(&e, 2, &half);
    }

    #[test]
    fn a_slow_transfer_that_keeps_moving_is_never_cut() {
        // 20 bytes, one every 100 ms: 2 s in all, with a stall timeout of 300 ms.
        let trickle = server(Script::Trickle {
            n: 20,
            gap: Duration::from_millis(100),
        });
        let s = storage(trickle.port, 300, 1 << 20);
        let started = Instant::now();
        let got = block_on(s.read("s3://b/slow.bin")).expect("a moving download is not cut");
        assert_eq!(got.len(), 20);
        assert!(started.elapsed() >= Duration::from_secs(2));
        assert_eq!(trickle.requests.load(Ordering::SeqCst), 1, "no retry");

        // 4 MiB read by the server at 4 MiB/s: about a second, far past the stall timeout,
        // within the deadline its size buys at a 1 MiB/s floor (0.3 s + 4 s).
        let reader = server(Script::SlowReader { rate: 4 << 20 });
        let s = storage(reader.port, 300, 1 << 20);
        let started = Instant::now();
        block_on(s.write("s3://b/big.bin", vec![7u8; 4 << 20]))
            .expect("a moving upload is not cut");
        assert!(started.elapsed() >= Duration::from_millis(800));
        assert_eq!(reader.requests.load(Ordering::SeqCst), 1, "no retry");

        // Below the floor (1 MiB with a 1 MiB/s floor, read at 128 KiB/s: 8 s needed, 1.3 s
        // allowed) the upload counts as stalled, each try.
        let crawl = server(Script::SlowReader { rate: 128 << 10 });
        let s = storage(crawl.port, 300, 1 << 20);
        let started = Instant::now();
        let e = block_on(s.write("s3://b/big.bin", vec![7u8; 1 << 20])).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_stalled(&e, 2, &crawl);
    }
}
