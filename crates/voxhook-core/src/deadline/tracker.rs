//! Bounded, drainable tracking of late and background handlers.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Counts the handlers that run in the background (late handlers that
/// outlived their budget, and acknowledge-first handlers), bounds them, and
/// lets a graceful shutdown wait for them to finish.
///
/// Runtime-neutral: it only counts and notifies; the adapters spawn the
/// work on their own runtime and hold a [`TrackerSlot`] while it runs.
///
/// ```
/// use voxhook_core::deadline::Tracker;
///
/// let tracker = Tracker::new(2);
/// let a = tracker.try_acquire().expect("room for one");
/// let _b = tracker.try_acquire().expect("room for two");
/// assert!(tracker.try_acquire().is_none(), "bounded");
/// drop(a);
/// assert_eq!(tracker.active(), 1);
/// ```
#[derive(Clone)]
pub struct Tracker {
    inner: Arc<TrackerInner>,
}

struct TrackerInner {
    active: AtomicUsize,
    max: usize,
    closed: AtomicBool,
    idle: Notify,
}

impl Tracker {
    /// A tracker that admits at most `max` background handlers at once.
    pub fn new(max: usize) -> Self {
        Tracker {
            inner: Arc::new(TrackerInner {
                active: AtomicUsize::new(0),
                max,
                closed: AtomicBool::new(false),
                idle: Notify::new(),
            }),
        }
    }

    /// Takes a slot for one background handler, or `None` when the bound is
    /// reached (the caller answers 503 `overloaded`).
    pub fn try_acquire(&self) -> Option<TrackerSlot> {
        let inner = &self.inner;
        let mut current = inner.active.load(Ordering::Relaxed);
        loop {
            if current >= inner.max {
                return None;
            }
            match inner.active.compare_exchange_weak(
                current,
                current + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(TrackerSlot {
                        tracker: self.clone(),
                    });
                }
                Err(seen) => current = seen,
            }
        }
    }

    /// Takes a slot even past the bound: for a handler that is already
    /// running and must not be cancelled (a late handler at its budget).
    pub fn acquire(&self) -> TrackerSlot {
        self.inner.active.fetch_add(1, Ordering::AcqRel);
        TrackerSlot {
            tracker: self.clone(),
        }
    }

    /// Whether a slot is free now (a hint: another request may take it first).
    pub fn has_room(&self) -> bool {
        self.inner.active.load(Ordering::Relaxed) < self.inner.max
    }

    /// How many background handlers are running.
    pub fn active(&self) -> usize {
        self.inner.active.load(Ordering::Acquire)
    }

    /// The configured bound.
    pub fn capacity(&self) -> usize {
        self.inner.max
    }

    /// Whether [`Tracker::drain`] was called (shutdown started).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// Waits until every background handler has finished, or `timeout` passes.
    /// Returns `true` when all finished. Marks the tracker closed first.
    pub async fn drain(&self, timeout: Duration) -> bool {
        self.inner.closed.store(true, Ordering::Release);
        let wait = async {
            loop {
                let notified = self.inner.idle.notified();
                if self.active() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }
}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("active", &self.active())
            .field("capacity", &self.inner.max)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// One occupied background slot; freed on drop.
pub struct TrackerSlot {
    tracker: Tracker,
}

impl Drop for TrackerSlot {
    fn drop(&mut self) {
        let inner = &self.tracker.inner;
        if inner.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            inner.idle.notify_waiters();
        }
    }
}

impl fmt::Debug for TrackerSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackerSlot")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn drain_waits_for_slots_and_times_out() {
        let tracker = Tracker::new(4);
        let slot = tracker.try_acquire().unwrap();
        let t2 = tracker.clone();
        let waiter = tokio::spawn(async move { t2.drain(Duration::from_secs(10)).await });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiter.is_finished());
        drop(slot);
        assert!(waiter.await.unwrap());
        assert!(tracker.is_closed());

        let _stuck = tracker.try_acquire().unwrap();
        assert!(!tracker.drain(Duration::from_secs(2)).await);
    }
}
