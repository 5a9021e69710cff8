//! A per-connection watchdog for the request-head timeout, off the runtime's
//! timer.
//!
//! hyper's own `header_read_timeout` arms a boxed timer for every request
//! head (an allocation, a timer-wheel insert and removal) and forces an
//! extra read after each message. A timer per connection is cheaper but
//! still costs every request: while any timer is pending, each time the
//! runtime parks it computes a timeout and reads the clock. So the
//! connections of one server share [`Ticks`]: an epoch advanced every
//! [`TICK`] by one background thread, which then wakes every connection.
//!
//! Each connection counts its requests in an [`Activity`]: started when
//! hyper hands the service a complete head, finished when hyper drops the
//! response body (sent or abandoned), through the [`InFlight`] guard. When
//! a read would block and the epoch moved, the connection's [`Watchdog`]
//! looks at the counters: a tick at which no request is in flight and none
//! started or finished since the tick before is quiet, and after
//! [`QUIET_TICKS`] quiet ticks in a row the read fails with `TimedOut`, so
//! hyper closes the connection without an answer. Per request that is two
//! relaxed increments, an `Arc` clone and one atomic load; a trickled head
//! does not count as activity, only a completed one does.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::HEAD_TIMEOUT;

/// How often the connections are looked at.
pub(super) const TICK: Duration = HEAD_TIMEOUT.checked_div(4).expect("4 is not zero");

/// Quiet ticks in a row that close a connection. The first tick after the
/// connection went quiet (accepted, or its last response sent) only notes
/// the counters, so it is closed between `QUIET_TICKS * TICK` (3.75 s) and
/// `(QUIET_TICKS + 1) * TICK` (5 s, [`HEAD_TIMEOUT`]) after that.
pub(super) const QUIET_TICKS: u32 = 3;

/// Locks, ignoring poisoning: the data behind these locks (wakers, weak
/// references) stays valid whatever a panicking holder did.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The clock one server's connections watch, and those connections.
#[derive(Debug, Default)]
pub(super) struct Ticks {
    epoch: AtomicUsize,
    watched: Mutex<Vec<Weak<Activity>>>,
}

impl Ticks {
    /// Ticks every [`TICK`] on a thread of its own, which ends at the first
    /// tick after the returned `Arc` and every connection are dropped.
    ///
    /// # Errors
    ///
    /// When the thread cannot be started.
    pub(super) fn start() -> io::Result<Arc<Self>> {
        let ticks = Arc::new(Self::default());
        let weak = Arc::downgrade(&ticks);
        std::thread::Builder::new()
            .name("voxhook-head-watchdog".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    match weak.upgrade() {
                        Some(ticks) => ticks.tick(),
                        None => return,
                    }
                }
            })?;
        Ok(ticks)
    }

    /// Advances the epoch and wakes every connection still open, so each
    /// looks at its counters; forgets the closed ones.
    pub(super) fn tick(&self) {
        // Release, and the waker locks: a connection that registers its
        // waker after this wake sees the new epoch when it next reads it.
        self.epoch.fetch_add(1, Ordering::Release);
        lock(&self.watched).retain(|connection| match connection.upgrade() {
            Some(activity) => {
                activity.wake();
                true
            }
            None => false,
        });
    }

    fn epoch(&self) -> usize {
        self.epoch.load(Ordering::Acquire)
    }
}

/// One connection's requests: started (a head completed) and finished (the
/// response body dropped), and the waker of its task. Wrapping counters,
/// only compared; written and read on the connection's task alone.
#[derive(Debug, Default)]
pub(super) struct Activity {
    started: AtomicUsize,
    finished: AtomicUsize,
    waker: Mutex<Option<Waker>>,
}

impl Activity {
    /// Marks a request as started; it is finished when the guard drops.
    pub(super) fn start(self: &Arc<Self>) -> InFlight {
        self.started.fetch_add(1, Ordering::Relaxed);
        InFlight(Arc::clone(self))
    }

    fn snapshot(&self) -> (usize, usize) {
        (
            self.started.load(Ordering::Relaxed),
            self.finished.load(Ordering::Relaxed),
        )
    }

    fn wake(&self) {
        if let Some(waker) = lock(&self.waker).as_ref() {
            waker.wake_by_ref();
        }
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
    ticks: Arc<Ticks>,
    activity: Arc<Activity>,
    /// The waker last registered in `activity`, to compare without a lock.
    waker: Option<Waker>,
    /// The epoch at the last look.
    epoch: usize,
    /// The counters at the last look; none before the first.
    seen: Option<(usize, usize)>,
    quiet: u32,
}

impl<T> Watchdog<T> {
    /// Watches `io`, whose requests report to `activity`, on `ticks`.
    pub(super) fn new(io: T, ticks: Arc<Ticks>, activity: Arc<Activity>) -> Self {
        lock(&ticks.watched).push(Arc::downgrade(&activity));
        let epoch = ticks.epoch();
        Self {
            io,
            ticks,
            activity,
            waker: None,
            epoch,
            seen: None,
            quiet: 0,
        }
    }

    /// At a new epoch: whether the connection has been quiet for long
    /// enough to be closed. Several epochs since the last look count as one
    /// tick (late, never early).
    fn expired(&mut self) -> bool {
        let now = self.activity.snapshot();
        let in_flight = now.0 != now.1;
        if in_flight || self.seen != Some(now) {
            self.seen = Some(now);
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
        if !this.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *lock(&this.activity.waker) = Some(cx.waker().clone());
            this.waker = Some(cx.waker().clone());
        }
        let epoch = this.ticks.epoch();
        if epoch != this.epoch {
            this.epoch = epoch;
            if this.expired() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request head within the head timeout",
                )));
            }
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
