//! The replay guard for schemes that sign no body and no time (Vobiz, Plivo):
//! a nonce seen within the window is a replay.
//!
//! Providers send a fresh nonce on every attempt, retries included: a nonce
//! is for replay protection only, never a dedup key. Only nonces of requests
//! whose signature verified are recorded, so unauthenticated traffic cannot
//! fill the store.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::clock::{self, Clock};

/// The future a [`NonceStore`] returns: `Ok(true)` when the nonce is fresh
/// (and now recorded), `Ok(false)` when it was seen within the window.
pub type NonceFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, NonceStoreError>> + Send + 'a>>;

/// Where seen nonces are kept (in memory by default; Redis for several replicas).
pub trait NonceStore: Send + Sync + fmt::Debug {
    /// Atomically records `nonce` for `window` and says whether it was fresh.
    fn record<'a>(&'a self, nonce: &'a str, window: Duration) -> NonceFuture<'a>;
}

/// The replay store could not be reached; the request is refused (503).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceStoreError(pub &'static str);

impl fmt::Display for NonceStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nonce store unavailable: {}", self.0)
    }
}

impl std::error::Error for NonceStoreError {}

/// An in-memory [`NonceStore`], bounded: beyond `capacity` entries the oldest
/// is forgotten first (only verified nonces get here, so the bound is reached
/// only by genuine traffic).
///
/// ```
/// use voxhook_core::auth::{ManualClock, MemoryNonceStore, NonceStore};
/// use std::{sync::Arc, time::Duration};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let clock = ManualClock::shared(1_000);
/// let store = MemoryNonceStore::new(10_000).with_clock(clock.clone());
/// let w = Duration::from_secs(600);
/// assert!(store.record("n1", w).await.unwrap());
/// assert!(!store.record("n1", w).await.unwrap());
/// clock.advance(600);
/// assert!(store.record("n1", w).await.unwrap());
/// # });
/// ```
pub struct MemoryNonceStore {
    state: Mutex<State>,
    capacity: usize,
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct State {
    expiry: HashMap<Arc<str>, i64>,
    order: VecDeque<(i64, Arc<str>)>,
}

impl MemoryNonceStore {
    /// The default bound: 100 000 nonces (a few MiB).
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store keeping at most `capacity` nonces (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryNonceStore {
            state: Mutex::new(State::default()),
            capacity: capacity.max(1),
            clock: clock::system(),
        }
    }

    /// Uses `clock` for expiry (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How many nonces are kept now.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .expiry
            .len()
    }

    /// Whether no nonce is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn record_now(&self, nonce: &str, window: Duration) -> bool {
        let now = self.clock.now_unix();
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let st = &mut *st;
        while let Some((exp, key)) = st.order.front() {
            if *exp > now && st.order.len() <= self.capacity {
                break;
            }
            if st.expiry.get(key) == Some(exp) {
                st.expiry.remove(key);
            }
            st.order.pop_front();
        }
        if st.expiry.get(nonce).is_some_and(|exp| *exp > now) {
            return false;
        }
        let exp = now.saturating_add(i64::try_from(window.as_secs()).unwrap_or(i64::MAX));
        let key: Arc<str> = Arc::from(nonce);
        st.expiry.insert(key.clone(), exp);
        st.order.push_back((exp, key));
        if st.order.len() > self.capacity
            && let Some((old_exp, old)) = st.order.pop_front()
            && st.expiry.get(&old) == Some(&old_exp)
        {
            st.expiry.remove(&old);
        }
        true
    }
}

impl Default for MemoryNonceStore {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MemoryNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryNonceStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl NonceStore for MemoryNonceStore {
    fn record<'a>(&'a self, nonce: &'a str, window: Duration) -> NonceFuture<'a> {
        let fresh = self.record_now(nonce, window);
        Box::pin(std::future::ready(Ok(fresh)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ManualClock;

    #[test]
    fn window_and_capacity() {
        let clock = ManualClock::shared(100);
        let s = MemoryNonceStore::new(2).with_clock(clock.clone());
        let w = Duration::from_secs(10);
        assert!(s.record_now("a", w), "first a");
        assert!(!s.record_now("a", w), "replayed a");
        clock.advance(9);
        assert!(!s.record_now("a", w), "still inside window");
        clock.advance(1);
        assert!(s.record_now("a", w), "window over");
        assert!(s.record_now("b", w));
        assert!(s.record_now("c", w));
        assert_eq!(s.len(), 2, "bounded");
        assert!(s.record_now("a", w), "oldest was evicted");
    }

    #[test]
    fn expired_entries_are_pruned() {
        let clock = ManualClock::shared(0);
        let s = MemoryNonceStore::new(100).with_clock(clock.clone());
        for i in 0..50 {
            s.record_now(&i.to_string(), Duration::from_secs(5));
        }
        clock.advance(6);
        s.record_now("x", Duration::from_secs(5));
        assert_eq!(s.len(), 1);
    }
}
