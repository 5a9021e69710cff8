//! Lease tokens that are unique across processes without a round trip.

use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use voxhook_core::dedup::LeaseToken;

/// Process-random SipHash keys: two replicas draw from different streams.
static SEED: LazyLock<RandomState> = LazyLock::new(RandomState::new);
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh token: the keyed hash of a process-wide counter, so tokens never
/// repeat within a process and collide across processes with probability
/// about 2^-64 per pair. Tokens only guard against stale owners; they are not
/// secrets.
pub(crate) fn next() -> LeaseToken {
    LeaseToken(SEED.hash_one(COUNTER.fetch_add(1, Ordering::Relaxed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ() {
        let tokens: std::collections::HashSet<_> = (0..10_000).map(|_| next()).collect();
        assert_eq!(tokens.len(), 10_000);
    }
}
