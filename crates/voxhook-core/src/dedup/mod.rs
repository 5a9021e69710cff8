//! Deduplication of retried deliveries.
//!
//! A [`DedupStore`] gives every delivery an atomic [`Claim`] on its
//! [`DedupKey`]: the first delivery runs the handler ([`Claim::Fresh`]), a
//! delivery of an event already answered gets the stored answer back
//! ([`Claim::Done`]), and a delivery that arrives while another is running
//! learns so ([`Claim::InFlight`]) and can [`DedupStore::wait`] for it.
//!
//! Lifetimes: a completed entry lives for its TTL (24 h by default, longer
//! than any provider's retry schedule); an in-flight claim is a *lease* that
//! the owner renews while its handler runs, so a retry never runs a handler
//! that is still alive, and a claim whose owner died expires on its own.
//!
//! Keys: [`DedupKey::derive`] turns the [`KeyParts`] of an authenticated
//! delivery into a 128-bit key (a signed delivery id, else the event's id,
//! kind and status, else the body; never a nonce); a [`KeyFn`] replaces
//! the rules.
//!
//! Stores: [`MemoryStore`] keeps the entries in this process (see its docs
//! for lifetimes, the eviction rule and memory per entry); several replicas
//! need a networked store such as `voxhook-redis`. A store that can answer
//! without I/O also implements the `*_now` methods ([`DedupStore::claim_now`]),
//! which the pipeline tries before the boxed futures. Every store passes the
//! same acceptance suite, `dedup::acceptance` (feature `test-support`).

#[cfg(feature = "test-support")]
pub mod acceptance;
mod key;
mod memory;

pub(crate) use key::FirstBlocks;
pub use key::{KeyFn, KeyParts};
pub use memory::{MemoryStore, MemoryStoreBuilder};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

/// A boxed future returned by [`DedupStore`] methods (object-safe, `Send`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A compact 128-bit dedup key (a digest of the delivery's identity).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupKey(pub [u8; 16]);

impl DedupKey {
    /// The key as a `u128` (big-endian).
    pub const fn as_u128(&self) -> u128 {
        u128::from_be_bytes(self.0)
    }

    /// The key as 32 lower-case hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DedupKey({})", self.to_hex())
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Identifies the owner of an in-flight claim, so a stale owner (whose lease
/// expired and was taken over) cannot settle or release someone else's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LeaseToken(pub u64);

/// The answer of a delivery that succeeded, stored so that duplicates get the
/// same bytes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// HTTP status of the first answer.
    pub status: u16,
    /// Its `Content-Type`, if it had a body.
    pub content_type: Option<Bytes>,
    /// Its body (empty for a plain acknowledgement; `Bytes::new()` does not allocate).
    pub body: Bytes,
}

impl StoredAnswer {
    /// The plain acknowledgement: `200` with an empty body.
    pub const fn ack() -> Self {
        StoredAnswer {
            status: 200,
            content_type: None,
            body: Bytes::new(),
        }
    }
}

/// The outcome of [`DedupStore::claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This delivery owns the event: run the handler, then complete or release.
    Fresh {
        /// Proof of ownership for `renew`, `complete` and `release`.
        token: LeaseToken,
        /// How many earlier deliveries of this event ran the handler and failed.
        prior_failures: u32,
    },
    /// An earlier delivery succeeded; here is its answer.
    Done(StoredAnswer),
    /// Another delivery of the same event is running now.
    InFlight,
}

/// What [`DedupStore::wait`] saw when the in-flight delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The other delivery succeeded; here is its answer.
    Done(StoredAnswer),
    /// The other delivery failed and released its claim (or its lease expired).
    Released,
}

/// The dedup store could not be reached or answered something unexpected.
#[derive(Debug)]
pub struct StoreError {
    message: &'static str,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// An error with a fixed message and the backend's error as `source()`.
    pub fn new(
        message: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError {
            message,
            source: Some(source.into()),
        }
    }

    /// An error with a fixed message only.
    pub const fn msg(message: &'static str) -> Self {
        StoreError {
            message,
            source: None,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A place to record which deliveries were claimed, answered or released.
///
/// Every method is atomic with respect to the others for one key. A store is
/// shared by all requests of a receiver (and, for a networked store, by all
/// replicas), so implementations must be `Send + Sync`.
pub trait DedupStore: Send + Sync + fmt::Debug + 'static {
    /// Claims `key`. A fresh claim is an in-flight lease valid for `lease`.
    ///
    /// An expired lease counts as absent (its owner died); an entry released
    /// after a failure counts as absent but its failure count is reported in
    /// [`Claim::Fresh::prior_failures`].
    fn claim<'a>(&'a self, key: &'a DedupKey, lease: Duration) -> StoreFuture<'a, Claim>;

    /// Extends the lease of an in-flight claim still owned by `token`.
    /// Returns `false` when the claim is no longer owned by `token`.
    fn renew<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Marks the claim done with `answer`, kept for `ttl`, and wakes waiters.
    /// Returns `false` when the claim is no longer owned by `token` (nothing is written).
    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        answer: StoredAnswer,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Releases a claim after a failure so the provider's retry runs the
    /// handler again, and wakes waiters with [`WaitOutcome::Released`].
    /// Returns `false` when the claim is no longer owned by `token`.
    fn release<'a>(&'a self, key: &'a DedupKey, token: LeaseToken) -> StoreFuture<'a, bool>;

    /// Waits until the in-flight claim on `key` is completed or released.
    ///
    /// Returns at once when the key is not in flight (done: its answer;
    /// absent or released: `Released`). Never returns on its own while the
    /// claim is in flight: callers bound it with their own deadline, and
    /// dropping the future stops waiting.
    fn wait<'a>(&'a self, key: &'a DedupKey) -> StoreFuture<'a, WaitOutcome>;

    /// [`DedupStore::claim`] answered at once, for a store that needs no I/O
    /// to answer (such as [`MemoryStore`]); `None` (the default) means "use
    /// `claim`".
    ///
    /// The pipeline tries this first, so an in-memory claim costs no boxed
    /// future. A store that returns `Some` must give what `claim` would have
    /// given at the time `now`, with the same atomicity; it may return `None`
    /// for some calls and `Some` for others.
    ///
    /// `now` is the pipeline's reading of tokio's clock for this delivery
    /// (taken when the request arrived, so up to the route's budget old;
    /// never in the future): a store that keeps time itself measures leases
    /// and expiry from it instead of reading the clock again. A stale `now`
    /// can only make an entry that expired since then still count; lease
    /// tokens, not times, decide who may settle a claim.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    /// use voxhook_core::dedup::{Claim, DedupKey, DedupStore, MemoryStore};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let store = MemoryStore::new();
    /// let key = DedupKey([1; 16]);
    /// let claim = store.claim_now(&key, Duration::from_secs(5), Instant::now());
    /// assert!(matches!(claim, Some(Ok(Claim::Fresh { prior_failures: 0, .. }))));
    /// # });
    /// ```
    fn claim_now(
        &self,
        key: &DedupKey,
        lease: Duration,
        now: Instant,
    ) -> Option<Result<Claim, StoreError>> {
        let _ = (key, lease, now);
        None
    }

    /// [`DedupStore::complete`] answered at once, like
    /// [`DedupStore::claim_now`]; `None` (the default) means "use
    /// `complete`". The answer is borrowed: a store that keeps it copies
    /// what it needs.
    fn complete_now(
        &self,
        key: &DedupKey,
        token: LeaseToken,
        answer: &StoredAnswer,
        ttl: Duration,
        now: Instant,
    ) -> Option<Result<bool, StoreError>> {
        let _ = (key, token, answer, ttl, now);
        None
    }

    /// [`DedupStore::release`] answered at once, like
    /// [`DedupStore::claim_now`]; `None` (the default) means "use `release`".
    fn release_now(
        &self,
        key: &DedupKey,
        token: LeaseToken,
        now: Instant,
    ) -> Option<Result<bool, StoreError>> {
        let _ = (key, token, now);
        None
    }
}
