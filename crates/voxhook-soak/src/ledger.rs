//! What the handler did, per event: fixed-size atomic slots allocated (and
//! touched) before the run starts, so the ledger adds nothing to the memory
//! growth the run measures.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};

/// The handler's record of one event.
#[derive(Debug, Default)]
pub struct Slot {
    /// Handler runs started.
    pub started: AtomicU16,
    /// Runs that returned success.
    pub succeeded: AtomicU16,
    /// Runs that returned a failure (by the fail-once rule).
    pub failed: AtomicU16,
}

/// The handler's records for a run.
#[derive(Debug)]
pub struct Ledger {
    slots: Box<[Slot]>,
    /// Late handler runs started.
    pub late_started: AtomicU64,
    /// Late handler runs that finished.
    pub late_completed: AtomicU64,
    /// Deliveries whose event id the handler could not place (must stay 0).
    pub unknown: AtomicU64,
}

impl Ledger {
    /// A ledger for at most `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Ledger {
            slots: (0..capacity).map(|_| Slot::default()).collect(),
            late_started: AtomicU64::new(0),
            late_completed: AtomicU64::new(0),
            unknown: AtomicU64::new(0),
        }
    }

    /// How many events it can hold.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The slot of event `event`.
    pub fn slot(&self, event: u64) -> Option<&Slot> {
        usize::try_from(event).ok().and_then(|i| self.slots.get(i))
    }

    /// Bytes it occupies (reported beside the memory figures).
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.slots)
    }

    /// `(started, succeeded, failed)` of each of the first `n` events.
    pub fn counts(&self, n: u64) -> impl Iterator<Item = (u64, [u16; 3])> + '_ {
        (0..n).map(|i| {
            let s = self.slot(i);
            let get = |f: fn(&Slot) -> &AtomicU16| s.map_or(0, |s| f(s).load(Ordering::Acquire));
            (
                i,
                [
                    get(|s| &s.started),
                    get(|s| &s.succeeded),
                    get(|s| &s.failed),
                ],
            )
        })
    }
}
