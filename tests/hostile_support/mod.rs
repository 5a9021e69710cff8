//! The reference receivers on real TCP listeners (axum and actix, each on
//! its own thread and runtime, so a test drives both the same way), and a raw
//! HTTP/1.1 client that sends exactly the bytes it is given and reads
//! whatever comes back.
#![allow(dead_code, unreachable_pub)] // each test file uses a different part; test-crate items

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;
use voxhook::dedup::MemoryStore;

use crate::actix_support::Wire;
use crate::reference::{Config, Receivers};

/// The two reference receivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Axum,
    Actix,
}

impl Framework {
    pub const BOTH: [Framework; 2] = [Framework::Axum, Framework::Actix];

    pub fn name(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::Actix => "actix",
        }
    }
}

/// A running reference receiver.
#[derive(Debug)]
pub struct Server {
    pub framework: Framework,
    pub addr: SocketAddr,
    pub receivers: Receivers,
    /// The dedup store all four receivers share.
    pub store: MemoryStore,
}

/// The test configuration: built-in defaults, quiet, `budget` on every
/// route, `delay` in every answer handler, and a store the test can inspect.
pub fn config(budget: Option<Duration>, delay: Duration) -> (Config, MemoryStore) {
    let mut config = Config::from_lookup(|name| (name == "VOXHOOK_QUIET").then(|| "1".to_owned()));
    let store = MemoryStore::new();
    config.budget = budget;
    config.demo_delay = delay;
    config.store = Some(Arc::new(store.clone()));
    (config, store)
}

/// Starts `framework`'s reference receiver with `config` on an ephemeral
/// port, on a thread of its own (it lives as long as the test process),
/// served as its example serves it.
pub fn start(framework: Framework, config: Config, store: MemoryStore) -> Server {
    let receivers = config.receivers().expect("receivers");
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = std_listener.local_addr().expect("addr");
    let r = receivers.clone();
    match framework {
        Framework::Axum => {
            std_listener.set_nonblocking(true).expect("nonblocking");
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(std_listener).expect("listener");
                    let app = crate::axum_app::router(config, &r);
                    // As `examples/axum_receiver.rs` serves it.
                    voxhook_axum::shutdown::serve_with_shutdown(
                        listener,
                        app,
                        std::future::pending(),
                        r.all(),
                        Duration::from_secs(10),
                    )
                    .await
                    .expect("serve");
                });
            });
        }
        Framework::Actix => {
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    actix_web::HttpServer::new(move || {
                        actix_web::App::new()
                            .configure(crate::actix_app::configure(config.clone(), &r))
                    })
                    .workers(1)
                    .disable_signals()
                    .listen(std_listener)
                    .expect("listen")
                    .run()
                    .await
                    .expect("serve");
                });
            });
        }
    }
    Server {
        framework,
        addr,
        receivers,
        store,
    }
}

/// One response as read off the socket.
pub type Resp = Wire;

/// The `error` of voxhook's JSON body, if the body is one.
pub fn kind(resp: &Resp) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&resp.body).ok()?;
    v.get("error")?.as_str().map(str::to_owned)
}

/// How reading a response ended when there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The server closed the connection (EOF, or a reset).
    Closed,
    /// Nothing within the wait.
    Silent,
}

/// A raw client connection.
#[derive(Debug)]
pub struct Conn {
    read: OwnedReadHalf,
    write: Option<OwnedWriteHalf>,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Conn {
        let (read, write) = TcpStream::connect(addr)
            .await
            .expect("connect")
            .into_split();
        Conn {
            read,
            write: Some(write),
            buf: Vec::new(),
        }
    }

    /// Takes the writing half (to write from another task).
    pub fn take_writer(&mut self) -> OwnedWriteHalf {
        self.write.take().expect("the writing half")
    }

    /// Writes `bytes`; a write refused because the server already closed is
    /// not an error here (what the server answered is read next).
    pub async fn send(&mut self, bytes: &[u8]) -> bool {
        match &mut self.write {
            Some(w) => w.write_all(bytes).await.is_ok(),
            None => false,
        }
    }

    /// Reads more bytes into the buffer; `false` at EOF, reset or timeout.
    async fn fill(&mut self, wait: Duration) -> Result<(), End> {
        let mut chunk = [0_u8; 16 * 1024];
        match timeout(wait, self.read.read(&mut chunk)).await {
            Err(_) => Err(End::Silent),
            Ok(Ok(0) | Err(_)) => Err(End::Closed),
            Ok(Ok(n)) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
        }
    }

    /// Reads the next whole response (head and body, by `Content-Length`,
    /// chunked, or up to EOF), waiting at most `wait` for each read.
    pub async fn response(&mut self, wait: Duration) -> Result<Resp, End> {
        let split = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            self.fill(wait).await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..split]).into_owned();
        self.buf.drain(..split + 4);
        let (status, headers) = crate::actix_support::parse_head(&head);
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let body = if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
            while self.buf.len() < len {
                self.fill(wait).await?;
            }
            self.buf.drain(..len).collect()
        } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            self.chunked(wait).await?
        } else if status < 200 || status == 204 || status == 304 {
            Vec::new()
        } else {
            while self.fill(wait).await.is_ok() {}
            std::mem::take(&mut self.buf)
        };
        Ok(Wire {
            status,
            headers,
            body,
        })
    }

    async fn chunked(&mut self, wait: Duration) -> Result<Vec<u8>, End> {
        let mut body = Vec::new();
        loop {
            let line = loop {
                if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                    break i;
                }
                self.fill(wait).await?;
            };
            let size = std::str::from_utf8(&self.buf[..line])
                .ok()
                .and_then(|s| {
                    usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok()
                })
                .expect("a chunk size");
            self.buf.drain(..line + 2);
            while self.buf.len() < size + 2 {
                self.fill(wait).await?;
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
            if size == 0 {
                return Ok(body);
            }
        }
    }

    /// Waits for the server to close the connection (`Closed`) or stay
    /// silent for `wait` (`Silent`); any bytes it sends are kept for
    /// [`Conn::response`].
    pub async fn end(&mut self, wait: Duration) -> End {
        loop {
            if let Err(end) = self.fill(wait).await {
                return end;
            }
        }
    }
}

/// A request as raw bytes: request line, `headers` (each `name: value`
/// written as given, bytes included), a blank line, then `body`.
pub fn raw(method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nhost: hostile.test\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// `body` in chunked transfer coding, `size` bytes per chunk.
pub fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in body.chunks(size.max(1)) {
        out.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}
