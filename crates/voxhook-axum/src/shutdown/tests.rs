//! The head-timeout watchdog on a real hyper connection over an in-memory
//! stream, ticked by hand (no ticking thread); paused time only makes
//! "nothing more happens" a deterministic wait.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::{Notify, mpsc};

use super::connection;
use super::watchdog::{QUIET_TICKS, Ticks};

/// A response body of `len` bytes, each sent when the test says so.
struct Chunks {
    len: u64,
    rx: mpsc::UnboundedReceiver<Bytes>,
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| Ok(Frame::data(chunk))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

const STREAMED: u64 = 3;

/// One connection to an app with a quick route, a handler that waits for
/// the test, and a response streamed as the test says.
struct Harness {
    client: DuplexStream,
    ticks: Arc<Ticks>,
    release: Arc<Notify>,
    chunks: mpsc::UnboundedSender<Bytes>,
    /// Bytes read while checking the connection is open.
    read: Vec<u8>,
}

impl Harness {
    fn open() -> Self {
        let release = Arc::new(Notify::new());
        let (chunks, rx) = mpsc::unbounded_channel();
        let rx = Arc::new(std::sync::Mutex::new(Some(rx)));
        let gate = Arc::clone(&release);
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route(
                "/slow",
                get(move || async move {
                    gate.notified().await;
                    "slow"
                }),
            )
            .route(
                "/stream",
                get(move || async move {
                    let rx = rx.lock().expect("lock").take().expect("one stream");
                    Body::new(Chunks { len: STREAMED, rx })
                }),
            );
        let (client, server) = tokio::io::duplex(64 * 1024);
        let ticks = Arc::new(Ticks::default());
        let peer = "127.0.0.1:1".parse().expect("address");
        tokio::spawn(connection(server, peer, app, Arc::clone(&ticks)));
        Self {
            client,
            ticks,
            release,
            chunks,
            read: Vec::new(),
        }
    }

    /// Reads one response (with a content length): its status and body, or
    /// `None` when the connection ended first.
    async fn response(&mut self) -> Option<(u16, String)> {
        let mut got = std::mem::take(&mut self.read);
        let mut buf = [0; 1024];
        loop {
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let status = head.get(9..12)?.parse().ok()?;
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length: "))?
                    .parse()
                    .ok()?;
                if let Some(body) = got.get(end + 4..end + 4 + length) {
                    return Some((status, String::from_utf8_lossy(body).into_owned()));
                }
            }
            match self.client.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// Whether the server closed the connection, once nothing else happens
    /// (paused time: the timeout fires only when every task is idle). Keeps
    /// what it read for the next response.
    async fn closed(&mut self) -> bool {
        let mut buf = [0; 1024];
        loop {
            let read = self.client.read(&mut buf);
            match tokio::time::timeout(Duration::from_secs(1), read).await {
                Err(_) => return false,
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(n)) => self.read.extend_from_slice(&buf[..n]),
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// The watchdog's clock ticks.
    Tick,
    /// Sends raw bytes (part of a head, or a whole request).
    Write(&'static str),
    /// Expects a 200 with this body.
    Answer(&'static str),
    /// Lets the waiting handler finish.
    Release,
    /// Sends one byte of the streamed response.
    Chunk,
    /// Expects the connection open, or closed.
    Open,
    Closed,
}

const GET: &str = "GET / HTTP/1.1\r\nhost: x\r\n\r\n";
const SLOW: &str = "GET /slow HTTP/1.1\r\nhost: x\r\n\r\n";
const STREAM: &str = "GET /stream HTTP/1.1\r\nhost: x\r\n\r\n";

fn ticks(n: usize) -> impl Iterator<Item = Step> {
    std::iter::repeat_n(Step::Tick, n)
}

/// Quiet from now on: the first tick notes the counters, and the
/// connection stays open until the `QUIET_TICKS`th tick after that.
fn goes_quiet() -> Vec<Step> {
    ticks(1).chain(quiet_since_last_tick()).collect()
}

/// Quiet since the last tick, which noted the counters.
fn quiet_since_last_tick() -> Vec<Step> {
    ticks(QUIET_TICKS as usize - 1)
        .chain([Step::Open, Step::Tick, Step::Closed])
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_watchdog_closes_quiet_connections_and_only_those() {
    let trickle = [
        Step::Write("POST / HTTP/1.1\r\n"),
        Step::Tick,
        Step::Write("host: x\r\n"),
        Step::Tick,
        Step::Write("x-a: b\r\n"),
        Step::Tick,
        Step::Write("x-a: b\r\n"),
        Step::Open,
        Step::Tick,
        Step::Closed,
    ];
    let steady = (0..10).flat_map(|_| [Step::Write(GET), Step::Answer("ok"), Step::Tick]);
    let cases: Vec<(&str, Vec<Step>)> = vec![
        ("silent", goes_quiet()),
        ("trickled head", trickle.to_vec()),
        (
            "idle after a response",
            [Step::Write(GET), Step::Answer("ok")]
                .into_iter()
                .chain(goes_quiet())
                .collect(),
        ),
        (
            "a request between every two ticks",
            steady.chain(quiet_since_last_tick()).collect(),
        ),
        (
            "a handler running for many ticks, then a request at once",
            [Step::Write(SLOW)]
                .into_iter()
                .chain(ticks(10))
                .chain([
                    Step::Open,
                    Step::Release,
                    Step::Answer("slow"),
                    Step::Write(GET),
                    Step::Answer("ok"),
                ])
                .chain(goes_quiet())
                .collect(),
        ),
        (
            "a response streamed for many ticks, then a request at once",
            [Step::Write(STREAM), Step::Chunk]
                .into_iter()
                .chain(ticks(10))
                .chain([
                    Step::Open,
                    Step::Chunk,
                    Step::Chunk,
                    Step::Answer("xxx"),
                    Step::Write(GET),
                    Step::Answer("ok"),
                ])
                .chain(goes_quiet())
                .collect(),
        ),
    ];
    for (name, steps) in cases {
        let mut h = Harness::open();
        for (i, step) in steps.into_iter().enumerate() {
            let at = format!("{name}: step {i} ({step:?})");
            match step {
                Step::Tick => {
                    h.ticks.tick();
                    // Lets the connection look before anything else happens.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Step::Write(bytes) => {
                    let sent = h.client.write_all(bytes.as_bytes()).await;
                    sent.unwrap_or_else(|e| panic!("{at}: {e}"));
                }
                Step::Answer(body) => {
                    assert_eq!(h.response().await, Some((200, body.to_owned())), "{at}");
                }
                Step::Release => h.release.notify_one(),
                Step::Chunk => {
                    let sent = h.chunks.send(Bytes::from_static(b"x"));
                    sent.unwrap_or_else(|e| panic!("{at}: {e}"));
                }
                Step::Open => assert!(!h.closed().await, "{at}"),
                Step::Closed => assert!(h.closed().await, "{at}"),
            }
        }
    }
}
