//! The head-timeout watchdog on a real hyper connection over an in-memory
//! stream, in paused time.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::{Instant, Sleep};

use super::watchdog::{QUIET_TICKS, TICK};
use super::{HEAD_TIMEOUT, connection};

/// The earliest a quiet connection may be closed.
const EARLIEST: Duration = TICK.checked_mul(QUIET_TICKS).expect("small");

fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(HEAD_TIMEOUT * 3).await;
                "slow"
            }),
        )
        .route("/stream", get(|| async { Body::new(Trickle::new(6)) }))
}

/// A response body of `left` bytes, one every 2 s.
struct Trickle {
    left: u64,
    next: Pin<Box<Sleep>>,
}

impl Trickle {
    fn new(left: u64) -> Self {
        Self {
            left,
            next: Box::pin(tokio::time::sleep(Duration::from_secs(2))),
        }
    }
}

impl http_body::Body for Trickle {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        ready!(self.next.as_mut().poll(cx));
        self.left -= 1;
        self.next
            .as_mut()
            .reset(Instant::now() + Duration::from_secs(2));
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"x")))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// A client end of a connection served by `connection`.
fn open() -> DuplexStream {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let peer = "127.0.0.1:1".parse().expect("address");
    tokio::spawn(connection(server, peer, app()));
    client
}

fn get_request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").into_bytes()
}

/// Reads one response (with a content length): its status and body, or
/// `None` when the connection ended first.
async fn response(client: &mut DuplexStream) -> Option<(u16, String)> {
    let mut got = Vec::new();
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
            let body = got.get(end + 4..end + 4 + length);
            if let Some(body) = body {
                return Some((status, String::from_utf8_lossy(body).into_owned()));
            }
        }
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Waits (at most twice the timeout) for the server to close the
/// connection; how long that took.
async fn closed(client: &mut (impl AsyncReadExt + Unpin)) -> Duration {
    let start = Instant::now();
    let mut buf = [0; 64];
    let end = tokio::time::timeout(HEAD_TIMEOUT * 2, async {
        loop {
            match client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    });
    end.await.expect("the connection was closed");
    start.elapsed()
}

#[derive(Debug, Clone, Copy)]
enum Quiet {
    /// Opens the connection and sends nothing.
    Silent,
    /// Starts a head and sends a header line every 500 ms, never ending it.
    Trickle,
    /// Gets one answer, then sends nothing.
    IdleAfterResponse,
}

#[tokio::test(start_paused = true)]
async fn a_quiet_connection_is_closed_within_the_head_timeout() {
    let cases = [
        ("silent", Quiet::Silent),
        ("trickled head", Quiet::Trickle),
        ("idle after a response", Quiet::IdleAfterResponse),
    ];
    for (name, quiet) in cases {
        let mut client = open();
        let took = match quiet {
            Quiet::Silent => closed(&mut client).await,
            Quiet::IdleAfterResponse => {
                client.write_all(&get_request("/")).await.expect("send");
                let answer = response(&mut client).await;
                assert_eq!(answer, Some((200, "ok".to_owned())), "{name}");
                closed(&mut client).await
            }
            Quiet::Trickle => {
                let (mut read, mut write) = tokio::io::split(client);
                let trickle = tokio::spawn(async move {
                    let _ = write.write_all(b"POST / HTTP/1.1\r\nhost: x\r\n").await;
                    loop {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        if write.write_all(b"x-a: b\r\n").await.is_err() {
                            break;
                        }
                    }
                });
                let took = closed(&mut read).await;
                trickle.abort();
                took
            }
        };
        assert!(
            (EARLIEST..=HEAD_TIMEOUT).contains(&took),
            "{name}: closed after {took:?}, not within {EARLIEST:?}..={HEAD_TIMEOUT:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_busy_connection_is_not_closed() {
    let steady: Vec<_> = (0..15).map(|_| ("/", Duration::from_secs(2))).collect();
    let cases: [(&str, Vec<(&str, Duration)>); 3] = [
        ("a request every 2 s for 30 s", steady),
        (
            "a handler running three head timeouts, then a request at once",
            vec![("/slow", Duration::ZERO), ("/", Duration::ZERO)],
        ),
        (
            "a response streamed for 12 s, then a request at once",
            vec![("/stream", Duration::ZERO), ("/", Duration::ZERO)],
        ),
    ];
    for (name, requests) in cases {
        let mut client = open();
        for (i, (path, pause)) in requests.into_iter().enumerate() {
            tokio::time::sleep(pause).await;
            client.write_all(&get_request(path)).await.expect("send");
            let want = match path {
                "/slow" => "slow",
                "/stream" => "xxxxxx",
                _ => "ok",
            };
            let answer = response(&mut client).await;
            assert_eq!(answer, Some((200, want.to_owned())), "{name}: request {i}");
        }
        // Once quiet, it is closed as usual.
        let took = closed(&mut client).await;
        assert!(took <= HEAD_TIMEOUT, "{name}: closed after {took:?}");
    }
}
