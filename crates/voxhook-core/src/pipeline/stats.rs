use std::sync::atomic::{AtomicU64, Ordering};

use crate::Rejection;

/// Counters a user can export (to Prometheus, logs, ...), read with
/// [`Receiver::stats`](super::Receiver::stats).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    deliveries: AtomicU64,
    handled: AtomicU64,
    handler_failures: AtomicU64,
    duplicates: AtomicU64,
    deadline_misses: AtomicU64,
    background_failures: AtomicU64,
    rejections: [AtomicU64; REJECTION_SLOTS],
}

const REJECTION_SLOTS: usize = 19;

fn slot(r: &Rejection) -> usize {
    match r {
        Rejection::MalformedPayload => 0,
        Rejection::MissingCredentials(_) => 1,
        Rejection::InvalidCredentials(_) => 2,
        Rejection::MissingSignature => 3,
        Rejection::MalformedSignature => 4,
        Rejection::SignatureMismatch => 5,
        Rejection::StaleTimestamp => 6,
        Rejection::ReplayedNonce => 7,
        Rejection::ForbiddenAddress => 8,
        Rejection::NotFound => 9,
        Rejection::MethodNotAllowed(_) => 10,
        Rejection::PayloadTooLarge => 11,
        Rejection::UnsupportedMediaType => 12,
        Rejection::HandlerFailed => 13,
        Rejection::Misconfigured => 14,
        Rejection::StoreUnavailable => 15,
        Rejection::InFlight => 16,
        Rejection::Overloaded => 17,
        Rejection::Deadline => 18,
    }
}

/// One rejection per slot, in slot order: their `kind()` names the counters.
const SLOT_REPRESENTATIVES: [Rejection; REJECTION_SLOTS] = [
    Rejection::MalformedPayload,
    Rejection::MissingCredentials(crate::Challenge::None),
    Rejection::InvalidCredentials(crate::Challenge::None),
    Rejection::MissingSignature,
    Rejection::MalformedSignature,
    Rejection::SignatureMismatch,
    Rejection::StaleTimestamp,
    Rejection::ReplayedNonce,
    Rejection::ForbiddenAddress,
    Rejection::NotFound,
    Rejection::MethodNotAllowed(std::borrow::Cow::Borrowed("")),
    Rejection::PayloadTooLarge,
    Rejection::UnsupportedMediaType,
    Rejection::HandlerFailed,
    Rejection::Misconfigured,
    Rejection::StoreUnavailable,
    Rejection::InFlight,
    Rejection::Overloaded,
    Rejection::Deadline,
];

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl Stats {
    pub(crate) fn delivery(&self) {
        bump(&self.deliveries);
    }
    pub(crate) fn handled(&self) {
        bump(&self.handled);
    }
    pub(crate) fn handler_failure(&self) {
        bump(&self.handler_failures);
    }
    pub(crate) fn duplicate(&self) {
        bump(&self.duplicates);
    }
    pub(crate) fn deadline_miss(&self) {
        bump(&self.deadline_misses);
    }
    pub(crate) fn background_failure(&self) {
        bump(&self.background_failures);
    }
    pub(crate) fn rejection(&self, r: &Rejection) {
        bump(&self.rejections[slot(r)]);
    }

    pub(crate) fn snapshot(&self) -> StatsSnapshot {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            deliveries: load(&self.deliveries),
            handled: load(&self.handled),
            handler_failures: load(&self.handler_failures),
            duplicates: load(&self.duplicates),
            deadline_misses: load(&self.deadline_misses),
            background_failures: load(&self.background_failures),
            rejections: SLOT_REPRESENTATIVES
                .iter()
                .zip(&self.rejections)
                .map(|(r, c)| (r.kind(), load(c)))
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    }
}

/// A point-in-time copy of a receiver's counters.
///
/// ```
/// # use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
/// let receiver = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// let stats = receiver.stats();
/// assert_eq!(stats.deliveries, 0);
/// assert_eq!(stats.rejected("signature_mismatch"), 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatsSnapshot {
    /// Requests that reached `admit`.
    pub deliveries: u64,
    /// Handler runs that succeeded (their answer was stored).
    pub handled: u64,
    /// Handler runs that failed (error, non-2xx, panic); their claim was released.
    pub handler_failures: u64,
    /// Duplicates answered from the dedup store.
    pub duplicates: u64,
    /// Requests answered at the budget (fallback or 503).
    pub deadline_misses: u64,
    /// Background (late or acknowledge-first) handlers that failed.
    pub background_failures: u64,
    /// Rejections by kind (only kinds seen at least once).
    pub rejections: Vec<(&'static str, u64)>,
}

impl StatsSnapshot {
    /// How many rejections of `kind` (e.g. `"signature_mismatch"`) were answered.
    pub fn rejected(&self, kind: &str) -> u64 {
        self.rejections
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_is_named_by_its_own_kind() {
        for (i, r) in SLOT_REPRESENTATIVES.iter().enumerate() {
            assert_eq!(slot(r), i, "{}", r.kind());
        }
    }
}
