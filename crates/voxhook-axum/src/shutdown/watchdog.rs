//! A per-connection watchdog for the request-head timeout.
//!
//! hyper's own `header_read_timeout` arms a boxed timer for every request
//! head (an allocation, a timer-wheel insert and removal) and forces an
//! extra read after each message: about 1 µs per request at one connection.
//! This watchdog costs a request two relaxed atomic increments instead. The
//! connection's IO ([`Watchdog`]) holds one timer that ticks every
//! [`TICK`]; the service marks each request with an [`InFlight`] guard,
//! started when hyper hands it a complete head and finished when hyper
//! drops the response body (sent or abandoned). A tick at which no request
//! is in flight and no request started or finished since the previous tick
//! is quiet; after [`QUIET_TICKS`] quiet ticks in a row the next read fails
//! with `TimedOut`, and hyper closes the connection without an answer.
//!
//! The tick is only looked at when a read would block, so a connection is
//! never cut off while it has bytes to read; a trickled head does not count
//! as activity, only a completed head does.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::HEAD_TIMEOUT;

/// How often the watchdog looks at a connection.
pub(super) const TICK: Duration = HEAD_TIMEOUT.checked_div(4).expect("4 is not zero");

/// Quiet ticks in a row that close a connection: it then went quiet between
/// `QUIET_TICKS * TICK` (3.75 s) and `(QUIET_TICKS + 1) * TICK` (5 s) ago,
/// the latter being [`HEAD_TIMEOUT`].
pub(super) const QUIET_TICKS: u32 = 3;

/// What a connection's service tells its watchdog: requests started (a head
/// completed) and finished (the response body dropped). Wrapping counters:
/// the watchdog only compares them.
#[derive(Debug, Default)]
pub(super) struct Activity {
    started: AtomicUsize,
    finished: AtomicUsize,
}

impl Activity {
    /// Marks a request as started; it is finished when the guard drops.
    pub(super) fn start(self: &Arc<Self>) -> InFlight {
        // Relaxed: the service, the response body and the watchdog all run
        // on the connection's one task.
        self.started.fetch_add(1, Ordering::Relaxed);
        InFlight(Arc::clone(self))
    }

    fn snapshot(&self) -> (usize, usize) {
        (
            self.started.load(Ordering::Relaxed),
            self.finished.load(Ordering::Relaxed),
        )
    }
}

/// One request in flight, from its complete head until its response body
/// is dropped.
#[derive(Debug)]
pub(super) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.finished.fetch_add(1, Ordering::Relaxed);
    }
}

/// A response body that keeps its request in flight until hyper drops it,
/// so a response streamed for longer than the timeout is not cut off.
#[derive(Debug)]
pub(super) struct Tracked<B> {
    body: B,
    _request: InFlight,
}

impl<B> Tracked<B> {
    pub(super) fn new(body: B, request: InFlight) -> Self {
        Self {
            body,
            _request: request,
        }
    }
}

impl<B: Body + Unpin> Body for Tracked<B>
where
    B::Data: Buf,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A connection's IO with the watchdog in its read path.
#[derive(Debug)]
pub(super) struct Watchdog<T> {
    io: T,
    activity: Arc<Activity>,
    tick: Pin<Box<Sleep>>,
    /// The counters at the previous tick.
    seen: (usize, usize),
    quiet: u32,
}

impl<T> Watchdog<T> {
    /// Watches `io`, whose requests report to `activity`; the connection
    /// counts as having gone quiet now.
    pub(super) fn new(io: T, activity: Arc<Activity>) -> Self {
        let seen = activity.snapshot();
        Self {
            io,
            activity,
            tick: Box::pin(tokio::time::sleep(TICK)),
            seen,
            quiet: 0,
        }
    }

    /// Called when the tick fired: whether the connection has been quiet
    /// for long enough to be closed.
    fn expired(&mut self) -> bool {
        let now = self.activity.snapshot();
        let in_flight = now.0 != now.1;
        if in_flight || now != self.seen {
            self.seen = now;
            self.quiet = 0;
        } else {
            self.quiet += 1;
        }
        self.quiet >= QUIET_TICKS
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watchdog<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let ready @ Poll::Ready(_) = Pin::new(&mut this.io).poll_read(cx, buf) {
            return ready;
        }
        while this.tick.as_mut().poll(cx).is_ready() {
            if this.expired() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request head within the head timeout",
                )));
            }
            // From now, not from the old deadline: a tick seen late (hyper
            // did not read for a while) must not make the next ones early.
            this.tick.as_mut().reset(Instant::now() + TICK);
        }
        Poll::Pending
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watchdog<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
