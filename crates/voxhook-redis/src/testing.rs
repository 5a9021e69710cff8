//! A throwaway `redis-server` for tests and benches (feature `test-support`).
//!
//! [`RedisServer::start_or_skip`] starts `redis-server` on a free loopback
//! port with a temporary directory, no persistence ([`RedisServer::start_durable`]
//! for an append-only file that survives kills), and kills it on drop. When
//! `redis-server` is not installed it returns `None` and prints why, unless
//! the environment sets `VOXHOOK_REQUIRE_REDIS=1` (CI does), in which case it
//! panics so the test fails.
//!
//! ```no_run
//! # fn demo() {
//! use voxhook_redis::testing::RedisServer;
//! let Some(server) = RedisServer::start_or_skip("my_test") else { return };
//! println!("redis at {}", server.url());
//! # }
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable that turns a missing `redis-server` into a failure.
pub const REQUIRE_ENV: &str = "VOXHOOK_REQUIRE_REDIS";

/// How long a starting server may take to answer `PING`.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A `redis-server` child process on `127.0.0.1`, killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
    durable: bool,
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisServer")
            .field("port", &self.port)
            .field("running", &self.child.is_some())
            .field("dir", &self.dir.path())
            .field("durable", &self.durable)
            .finish()
    }
}

impl RedisServer {
    /// Starts a server, or returns `None` after printing why when
    /// `redis-server` is missing and [`REQUIRE_ENV`] is not `1`.
    ///
    /// # Panics
    /// When the server cannot be started (or is missing while required).
    pub fn start_or_skip(test: &str) -> Option<RedisServer> {
        Self::or_skip(test, RedisServer::start())
    }

    /// [`start_durable`](Self::start_durable), or `None` as in
    /// [`start_or_skip`](Self::start_or_skip).
    ///
    /// # Panics
    /// As [`start_or_skip`](Self::start_or_skip).
    pub fn start_durable_or_skip(test: &str) -> Option<RedisServer> {
        Self::or_skip(test, RedisServer::start_durable())
    }

    fn or_skip(test: &str, started: io::Result<RedisServer>) -> Option<RedisServer> {
        match started {
            Ok(server) => Some(server),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
                    panic!("{test}: redis-server is required ({REQUIRE_ENV}=1) but not found: {e}");
                }
                // Straight to the process's stderr: the test harness
                // captures `eprintln!` of passing tests, and a skip must show.
                let _ = writeln!(
                    io::stderr(),
                    "SKIPPED {test}: redis-server not found on PATH ({e}); install it \
                     (apt-get install redis-server) to run the Redis tests, or set \
                     {REQUIRE_ENV}=1 to make its absence a failure"
                );
                None
            }
            Err(e) => panic!("{test}: could not start redis-server: {e}"),
        }
    }

    /// Starts a server on a free loopback port.
    ///
    /// # Errors
    /// `NotFound` when `redis-server` is not installed; other I/O errors when
    /// it does not come up.
    pub fn start() -> io::Result<RedisServer> {
        Self::start_with(false)
    }

    /// Starts a server that writes every change to an append-only file and
    /// syncs it before replying (`appendonly yes`, `appendfsync always`), so
    /// every write a client saw acknowledged survives [`stop`](Self::stop)
    /// (a `SIGKILL`) and [`restart`](Self::restart).
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_durable() -> io::Result<RedisServer> {
        Self::start_with(true)
    }

    fn start_with(durable: bool) -> io::Result<RedisServer> {
        let dir = tempfile::Builder::new()
            .prefix("voxhook-redis-")
            .tempdir()?;
        let mut last = io::Error::other("redis-server did not start");
        // The free port may be taken between probing and binding: retry.
        for _ in 0..5 {
            let port = free_port()?;
            match spawn_ready(port, dir.path(), durable) {
                Ok(child) => {
                    return Ok(RedisServer {
                        child: Some(child),
                        port,
                        dir,
                        durable,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The URL to connect to.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (like a crash): clients see connection errors.
    pub fn stop(&mut self) {
        self.kill();
    }

    /// Freezes the server (`SIGSTOP`), as a hung or overloaded Redis: clients
    /// time out, and its data survives [`resume`](Self::resume).
    ///
    /// # Errors
    /// The signal could not be sent.
    pub fn pause(&self) -> io::Result<()> {
        self.signal("-STOP")
    }

    /// Thaws a [`pause`](Self::pause)d server (`SIGCONT`).
    ///
    /// # Errors
    /// The signal could not be sent.
    pub fn resume(&self) -> io::Result<()> {
        self.signal("-CONT")
    }

    fn signal(&self, signal: &str) -> io::Result<()> {
        let child = self
            .child
            .as_ref()
            .ok_or_else(|| io::Error::other("redis-server is not running"))?;
        let status = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("kill {signal} failed: {status}")))
        }
    }

    /// Starts the server again on the same port: empty, or, when started
    /// with [`start_durable`](Self::start_durable), with every acknowledged
    /// write replayed from its append-only file.
    ///
    /// # Errors
    /// The server did not come up.
    pub fn restart(&mut self) -> io::Result<()> {
        self.kill();
        self.child = Some(spawn_ready(self.port, self.dir.path(), self.durable)?);
        Ok(())
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // A paused server still dies on SIGKILL; no need to thaw it.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Spawns `redis-server` on `port` and waits until it answers `PING`.
fn spawn_ready(port: u16, dir: &Path, durable: bool) -> io::Result<Child> {
    let aof: &[&str] = if durable {
        &["--appendonly", "yes", "--appendfsync", "always"]
    } else {
        &["--appendonly", "no"]
    };
    let mut child = Command::new("redis-server")
        .args(["--port", &port.to_string()])
        .args(["--bind", "127.0.0.1"])
        .args(["--save", ""])
        .args(aof)
        .arg("--dir")
        .arg(dir)
        .args(["--daemonize", "no", "--loglevel", "warning"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Err(io::Error::other(format!("redis-server exited: {status}")));
        }
        if ping(port).is_ok() {
            return Ok(child);
        }
        if started.elapsed() > READY_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "redis-server did not answer PING",
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

fn ping(port: u16) -> io::Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    stream.write_all(b"PING\r\n")?;
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply)?;
    if &reply == b"+PONG\r\n" {
        Ok(())
    } else {
        Err(io::Error::other("unexpected PING reply"))
    }
}
