//! [`ChaosProxy`]: a TCP proxy on 127.0.0.1 between the runs and a server (moto), that
//! injects network faults on command — reset new connections, silence open ones (a black
//! hole), delay, cut answers midway — and counts what it did. Loopback only; its own tokio
//! runtime on its own threads, stopped when dropped. Not a general-purpose proxy: HTTP is
//! never parsed, faults strike the byte stream.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A network fault, in force until cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// New connections are reset (RST) as soon as they are accepted; open ones carry on.
    Reset,
    /// Open connections go silent: what either side sends is swallowed, nothing answers,
    /// nothing closes. New connections are accepted, and silent too. A connection silenced
    /// once stays silent after the fault is cleared (as when a NAT loses its mapping).
    BlackHole,
    /// The outage of issue 28: new connections are reset, open ones go silent.
    Outage,
    /// Every chunk, either way, is held this long before it is passed on. A chunk already
    /// taken is passed on even if its sender has gone: a request given up on may land late.
    Delay(Duration),
    /// Every answer that passes is cut midway: half of its first chunk goes through, then
    /// the connection is silent. Requests still reach the server (a write lands, its
    /// answer is lost).
    CutAnswers,
    /// As [`CutAnswers`](Fault::CutAnswers), for the answers to `PUT` requests only: every
    /// write lands and its answer is lost; reads go through.
    CutWriteAnswers,
}

/// What the proxy did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections reset on arrival.
    pub reset: u64,
    /// Connections silenced.
    pub silenced: u64,
    /// Answers cut midway.
    pub cut: u64,
    /// Chunks delayed.
    pub delayed: u64,
    /// Bytes passed on from clients to the server.
    pub upstream_bytes: u64,
}

/// A fault to switch on once this many bytes have gone upstream, for this long.
#[derive(Debug, Clone, Copy)]
struct Armed {
    at_upstream_bytes: u64,
    fault: Fault,
    lasting: Duration,
}

#[derive(Debug, Default)]
struct Shared {
    fault: Mutex<Option<Fault>>,
    /// Bumped each time a silencing fault starts: a connection born before the current
    /// epoch is silent.
    epoch: AtomicU64,
    armed: Mutex<Option<Armed>>,
    accepted: AtomicU64,
    reset: AtomicU64,
    silenced: AtomicU64,
    cut: AtomicU64,
    delayed: AtomicU64,
    upstream_bytes: AtomicU64,
}

impl Shared {
    fn fault(&self) -> Option<Fault> {
        *self.fault.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, fault: Option<Fault>) {
        let mut f = self.fault.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(fault, Some(Fault::BlackHole | Fault::Outage)) {
            self.epoch.fetch_add(1, Ordering::SeqCst);
        }
        *f = fault;
    }

    /// Counts bytes gone upstream and fires an armed fault whose threshold they cross.
    fn went_upstream(self: &Arc<Self>, n: usize) {
        let total = self.upstream_bytes.fetch_add(n as u64, Ordering::SeqCst) + n as u64;
        let fire = {
            let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
            match *armed {
                Some(a) if total >= a.at_upstream_bytes => armed.take(),
                _ => None,
            }
        };
        if let Some(a) = fire {
            self.set(Some(a.fault));
            let shared = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(a.lasting).await;
                shared.set(None);
            });
        }
    }
}

/// One proxied connection's state.
#[derive(Debug)]
struct Conn {
    /// The silence epoch it was accepted in.
    born: u64,
    silent: AtomicBool,
    /// The last request sent on it was a `PUT` (requests are told apart by their first
    /// bytes: a chunk that starts with a method starts a request).
    writing: AtomicBool,
    /// The client has closed (or reset) its side.
    client_gone: Notify,
}

impl Conn {
    /// Whether the connection is silent now (silencing it if a black hole began since it
    /// was opened).
    fn is_silent(&self, shared: &Shared) -> bool {
        if self.silent.load(Ordering::SeqCst) {
            return true;
        }
        if shared.epoch.load(Ordering::SeqCst) > self.born
            || matches!(shared.fault(), Some(Fault::BlackHole | Fault::Outage))
        {
            self.silence(shared);
            return true;
        }
        false
    }

    fn silence(&self, shared: &Shared) {
        if !self.silent.swap(true, Ordering::SeqCst) {
            shared.silenced.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The proxy. Dropping it stops it (its connections with it).
#[derive(Debug)]
pub struct ChaosProxy {
    port: u16,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl ChaosProxy {
    /// Starts a proxy on a free loopback port, forwarding to `127.0.0.1:<upstream>`.
    pub fn start(upstream: u16) -> Self {
        let listener = StdListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("proxy address").port();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chaos-proxy")
            .enable_all()
            .build()
            .expect("the proxy's runtime");
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let upstream: SocketAddr = ([127, 0, 0, 1], upstream).into();
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(proxy(client, upstream, Arc::clone(&accepting)));
            }
        });
        Self {
            port,
            shared,
            runtime: Some(runtime),
        }
    }

    /// `http://127.0.0.1:<port>`: the endpoint that goes through the proxy.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Puts `fault` in force (`None`: clears it).
    pub fn set(&self, fault: Option<Fault>) {
        self.shared.set(fault);
    }

    /// Puts `fault` in force for `lasting`, blocking the calling thread meanwhile.
    pub fn fault_for(&self, fault: Fault, lasting: Duration) {
        self.set(Some(fault));
        std::thread::sleep(lasting);
        self.set(None);
    }

    /// Puts `fault` in force for `lasting` once `bytes` more have gone upstream (a large
    /// upload cut midway).
    pub fn arm_after_upstream_bytes(&self, bytes: u64, fault: Fault, lasting: Duration) {
        let now = self.shared.upstream_bytes.load(Ordering::SeqCst);
        *self
            .shared
            .armed
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Armed {
            at_upstream_bytes: now + bytes,
            fault,
            lasting,
        });
    }

    /// Whether an armed fault is still waiting for its bytes.
    pub fn armed(&self) -> bool {
        self.shared
            .armed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// What it did so far.
    pub fn stats(&self) -> ProxyStats {
        let s = &self.shared;
        let n = |a: &AtomicU64| a.load(Ordering::SeqCst);
        ProxyStats {
            accepted: n(&s.accepted),
            reset: n(&s.reset),
            silenced: n(&s.silenced),
            cut: n(&s.cut),
            delayed: n(&s.delayed),
            upstream_bytes: n(&s.upstream_bytes),
        }
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Resets a connection: closing with a zero linger sends RST instead of FIN.
fn reset(stream: TcpStream, shared: &Shared) {
    shared.reset.fetch_add(1, Ordering::SeqCst);
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn proxy(client: TcpStream, upstream: SocketAddr, shared: Arc<Shared>) {
    shared.accepted.fetch_add(1, Ordering::SeqCst);
    let conn = Arc::new(Conn {
        born: shared.epoch.load(Ordering::SeqCst),
        silent: AtomicBool::new(false),
        writing: AtomicBool::new(false),
        client_gone: Notify::new(),
    });
    match shared.fault() {
        Some(Fault::Reset | Fault::Outage) => return reset(client, &shared),
        Some(Fault::BlackHole) => {
            // Accepted, then nothing: swallow what the client sends until it gives up.
            conn.silence(&shared);
            let (mut from, _to) = client.into_split();
            let mut buf = vec![0u8; 64 * 1024];
            while matches!(from.read(&mut buf).await, Ok(n) if n > 0) {}
            return;
        }
        _ => {}
    }
    let server = match TcpStream::connect(upstream).await {
        Ok(s) => s,
        Err(_) => return reset(client, &shared),
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::join!(
        pump(client_read, server_write, true, &conn, &shared),
        pump(server_read, client_write, false, &conn, &shared),
    );
}

/// Passes bytes one way (`up`: client to server) until the sender closes, applying the
/// fault in force to each chunk.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    up: bool,
    conn: &Conn,
    shared: &Arc<Shared>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if conn.is_silent(shared) {
            continue;
        }
        let mut chunk = &buf[..n];
        if up {
            const METHODS: [&[u8]; 5] = [b"GET ", b"HEAD ", b"POST ", b"DELETE ", b"PUT "];
            if let Some(m) = METHODS.iter().find(|m| chunk.starts_with(m)) {
                conn.writing.store(*m == b"PUT ", Ordering::SeqCst);
            }
        }
        match shared.fault() {
            Some(Fault::Delay(d)) => {
                shared.delayed.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(d).await;
            }
            Some(Fault::CutAnswers) if !up => {
                chunk = &chunk[..n / 2];
                shared.cut.fetch_add(1, Ordering::SeqCst);
                conn.silence(shared);
            }
            Some(Fault::CutWriteAnswers) if !up && conn.writing.load(Ordering::SeqCst) => {
                chunk = &chunk[..n / 2];
                shared.cut.fetch_add(1, Ordering::SeqCst);
                conn.silence(shared);
            }
            _ => {}
        }
        if to.write_all(chunk).await.is_err() {
            break;
        }
        if up {
            shared.went_upstream(chunk.len());
        }
    }
    if up {
        conn.client_gone.notify_one();
        if !conn.silent.load(Ordering::SeqCst) {
            let _ = to.shutdown().await;
        }
    } else if conn.silent.load(Ordering::SeqCst) {
        // A silent connection never closes: hold the client's side until it gives up.
        conn.client_gone.notified().await;
    } else {
        let _ = to.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream as StdStream;
    use std::time::Instant;

    /// An echo server on loopback.
    fn echo() -> u16 {
        let l = StdListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut s in l.incoming().map_while(Result::ok) {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = s.read(&mut buf) {
                        if n == 0 || s.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        port
    }

    fn connect(p: &ChaosProxy) -> StdStream {
        let s = StdStream::connect(("127.0.0.1", p.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        s
    }

    fn round_trip(s: &mut StdStream, msg: &[u8]) -> std::io::Result<Vec<u8>> {
        s.write_all(msg)?;
        let mut got = vec![0u8; msg.len()];
        s.read_exact(&mut got)?;
        Ok(got)
    }

    #[test]
    fn each_fault_does_what_it_says() {
        let p = ChaosProxy::start(echo());
        let mut open = connect(&p);
        assert_eq!(round_trip(&mut open, b"ping").unwrap(), b"ping");

        p.set(Some(Fault::Reset));
        let mut refused = connect(&p);
        let e = round_trip(&mut refused, b"x").unwrap_err();
        assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
            ),
            "{e}"
        );
        assert_eq!(round_trip(&mut open, b"still").unwrap(), b"still");
        p.set(None);

        p.set(Some(Fault::Delay(Duration::from_millis(300))));
        let started = Instant::now();
        open.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(round_trip(&mut open, b"slow").unwrap(), b"slow");
        assert!(started.elapsed() >= Duration::from_millis(600));
        p.set(None);

        p.set(Some(Fault::CutAnswers));
        let mut cut = connect(&p);
        cut.write_all(b"abcdef").unwrap();
        let mut got = [0u8; 6];
        let n = cut.read(&mut got).unwrap();
        assert_eq!(&got[..n], b"abc");
        assert!(cut.read(&mut got).is_err(), "silent after the cut");
        p.set(None);

        p.set(Some(Fault::CutWriteAnswers));
        let mut read = connect(&p);
        assert_eq!(round_trip(&mut read, b"GET /a").unwrap(), b"GET /a");
        let mut write = connect(&p);
        write.write_all(b"PUT /a").unwrap();
        let n = write.read(&mut got).unwrap();
        assert_eq!(&got[..n], b"PUT");
        assert!(write.read(&mut got).is_err(), "silent after the cut");
        p.set(None);

        p.set(Some(Fault::BlackHole));
        open.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        assert!(round_trip(&mut open, b"lost").is_err(), "silenced");
        p.set(None);
        assert!(round_trip(&mut open, b"lost").is_err(), "still silent");
        let mut fresh = connect(&p);
        assert_eq!(round_trip(&mut fresh, b"new").unwrap(), b"new");

        let s = p.stats();
        assert_eq!((s.reset, s.cut), (1, 2), "{s:?}");
        assert!(s.silenced >= 3 && s.delayed >= 2, "{s:?}");
    }

    #[test]
    fn an_armed_fault_strikes_after_its_bytes() {
        let p = ChaosProxy::start(echo());
        let mut s = connect(&p);
        p.arm_after_upstream_bytes(10, Fault::BlackHole, Duration::from_millis(200));
        assert_eq!(round_trip(&mut s, b"12345").unwrap(), b"12345");
        assert!(p.armed());
        // These bytes cross the threshold: they reach the server, the answer is swallowed.
        assert!(
            round_trip(&mut s, b"678901").is_err(),
            "silent from the 11th byte"
        );
        assert!(!p.armed());
        std::thread::sleep(Duration::from_millis(300));
        let mut fresh = connect(&p);
        assert_eq!(round_trip(&mut fresh, b"ok").unwrap(), b"ok");
    }
}
