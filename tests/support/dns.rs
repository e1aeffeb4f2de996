//! A DNS server for the container tests: dnsmasq on a loopback address of its own (port 53,
//! as a resolver needs), answering one name with `127.0.0.1` and refusing to forward
//! anything else. Started and stopped by the test that needs it.

use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running dnsmasq; killed when dropped.
#[derive(Debug)]
pub struct Dns {
    child: Child,
    /// The loopback address it listens on (`127.0.0.N`).
    pub address: String,
}

impl Dns {
    /// Serves `name` → `127.0.0.1` on a free `127.0.0.N:53`. Panics (with how to install it)
    /// when dnsmasq is missing: `tests/setup.sh` installs it.
    pub fn serve(name: &str) -> Self {
        let bin = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("dnsmasq is missing: `apt-get install dnsmasq-base` (tests/setup.sh does)");
        // A loopback address no other test uses now: one whose port 53 is free.
        let start = 2 + (std::process::id() % 200);
        for n in (start..254).chain(2..start) {
            let address = format!("127.0.0.{n}");
            if UdpSocket::bind((address.as_str(), 53)).is_err() {
                continue;
            }
            let child = Command::new(bin)
                .args([
                    "--keep-in-foreground",
                    "--no-resolv",
                    "--no-hosts",
                    "--bind-interfaces",
                ])
                .arg(format!("--listen-address={address}"))
                .args(["--port=53", "--user=root", "--pid-file"])
                .arg(format!("--address=/{name}/127.0.0.1"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
            let mut dns = Self { child, address };
            if dns.wait_ready() {
                return dns;
            }
        }
        panic!("no loopback address with a free port 53 for dnsmasq");
    }

    /// Waits until the server answers on its address (it has bound port 53).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false; // it exited: the address was taken after all
            }
            if UdpSocket::bind((self.address.as_str(), 53)).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
