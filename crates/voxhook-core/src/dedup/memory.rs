//! [`MemoryStore`]: the in-process [`DedupStore`] on a sharded `dashmap`.
//! The user-facing documentation (lifetimes, eviction, memory) is on the type.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry as MapEntry;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{
    Claim, DedupKey, DedupStore, LeaseToken, StoreError, StoreFuture, StoredAnswer, WaitOutcome,
};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);
const DEFAULT_MAX_ENTRIES: usize = 1_000_000;
const DEFAULT_SWEEP_INTERVAL: Duration = Duration::from_secs(60);
/// A waiter re-checks at least this often, whatever it was told.
const WAIT_POLL: Duration = Duration::from_secs(1);
/// A claim retries this often when others keep taking the room it made.
const CLAIM_ATTEMPTS: usize = 8;

/// Content types stored as a one-byte index instead of a copy.
const KNOWN_CONTENT_TYPES: [&str; 8] = [
    "application/xml",
    "text/xml",
    "application/json",
    "text/plain",
    "application/xml; charset=utf-8",
    "text/xml; charset=utf-8",
    "application/json; charset=utf-8",
    "text/plain; charset=utf-8",
];

/// An in-process [`DedupStore`]: atomic claims, leases, TTL expiry and a hard
/// entry cap. Cheap to clone (clones share the same entries).
///
/// # Lifetimes
///
/// - An in-flight claim is a lease of the length given to
///   [`DedupStore::claim`]; [`DedupStore::renew`] extends it. Once expired it
///   counts as absent: the next claim is fresh and counts the dead owner as
///   one more prior failure, and the old token can no longer settle.
/// - A completed entry lives for the `ttl` given to [`DedupStore::complete`],
///   capped at [`MemoryStoreBuilder::ttl`] (24 h by default).
/// - A released claim leaves a small "failed N times" marker for
///   [`MemoryStoreBuilder::failure_ttl`] (24 h by default), so the provider's
///   retry learns it is a retry (`prior_failures` of [`Claim::Fresh`]).
///
/// Expired entries are dropped lazily when a request touches their key, and
/// by a sweep of the whole map that a claim runs at most once per
/// [`MemoryStoreBuilder::sweep_interval`] (60 s by default). There is no
/// background task; the claim that sweeps pays for it: 40–65 ms at
/// 1 000 000 entries on the 2-vCPU benchmark machine, under load.
///
/// # Entry cap and eviction rule
///
/// The store holds at most [`MemoryStoreBuilder::max_entries`] entries
/// (1 000 000 by default: about 103 MB of acknowledgements, enough for
/// 11 deliveries a second kept for 24 h). A claim of a new key in a full
/// store drops every expired entry and, if that frees less than 1/16 of the
/// cap, evicts the entries that are **not in flight** and expire soonest
/// (completed answers and failure markers; with one TTL that is the oldest
/// first) until 1/16 of the cap is free. That claim pays for two passes over
/// the map (150–230 ms at 1 000 000 entries, under load); the next
/// 62 500 new keys pay nothing.
///
/// **In-flight entries are never evicted.** When only in-flight entries
/// remain, a claim of a new key fails with a [`StoreError`], which the
/// pipeline answers `503` with `Retry-After` so the provider retries later;
/// keys already present still answer.
///
/// # Memory per entry
///
/// An entry is a 16-byte key and a 32-byte value, 48 bytes in the hash
/// table plus a control byte, divided by the table's load (47–87 %).
/// Measured at 1 000 000 completed keys (8 shards on 2 CPUs, just after a
/// resize, the worst point): **103 bytes of resident memory per key**, 58 at
/// 900 000; a raw `DashMap<u128, u64>` takes 69. A stored answer adds its
/// body, copied once into a shared `Arc<[u8]>` (16 bytes + the body, plus the
/// allocator's rounding: 128 bytes for a 100-byte body) that every duplicate
/// gets back without another copy. An empty body (as in
/// [`StoredAnswer::ack`]) allocates nothing and comes back as `Bytes::new()`;
/// the common content types (`application/xml`, `text/xml`,
/// `application/json`, `text/plain`, with or without `; charset=utf-8`) are
/// a one-byte index; an answer with any other content type is boxed whole
/// (about 80 bytes more).
///
/// # One process only
///
/// A `MemoryStore` deduplicates the deliveries that reach *this* process.
/// Behind a load balancer with several replicas, a retry can reach another
/// replica: use a networked store (the `voxhook-redis` crate) there.
///
/// Time is read from [`tokio::time::Instant`], so tests can drive leases and
/// TTLs with `tokio::time::pause()` and `advance()`.
///
/// ```
/// use std::time::Duration;
/// use voxhook_core::dedup::{Claim, DedupKey, DedupStore, MemoryStore, StoredAnswer};
///
/// # tokio_test_block_on(async {
/// let store = MemoryStore::builder().max_entries(10_000).build();
/// let key = DedupKey([7; 16]);
/// let lease = Duration::from_secs(5);
///
/// let Claim::Fresh { token, prior_failures: 0 } = store.claim(&key, lease).await? else {
///     panic!("a new key is fresh");
/// };
/// assert_eq!(store.claim(&key, lease).await?, Claim::InFlight);
/// assert!(store.complete(&key, token, StoredAnswer::ack(), Duration::from_secs(60)).await?);
/// assert_eq!(store.claim(&key, lease).await?, Claim::Done(StoredAnswer::ack()));
/// # Ok::<(), voxhook_core::dedup::StoreError>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

/// Builds a [`MemoryStore`]; see [`MemoryStore::builder`].
#[derive(Debug, Clone)]
pub struct MemoryStoreBuilder {
    ttl: Duration,
    failure_ttl: Duration,
    max_entries: usize,
    sweep_interval: Duration,
}

struct Inner {
    map: DashMap<u128, Entry, KeyHasherBuilder>,
    /// Times are kept as nanoseconds since this instant (8 bytes, not 16).
    epoch: Instant,
    ttl_ns: u64,
    failure_ttl_ns: u64,
    max_entries: usize,
    sweep_interval_ns: u64,
    /// Exact number of entries: reserved before an insert, so the cap holds
    /// under concurrent claims of new keys.
    len: AtomicUsize,
    next_token: AtomicU64,
    next_sweep_ns: AtomicU64,
    /// One evictor at a time; the others wait for the room it makes.
    evicting: Mutex<()>,
}

/// One map value: 32 bytes (see the size test).
struct Entry {
    /// Nanoseconds since the store's epoch; at or after it the entry is absent.
    expires: u64,
    state: State,
}

enum State {
    InFlight {
        token: u64,
        prior_failures: u32,
        /// Created by the first waiter only, so a claim without duplicates allocates nothing.
        waiters: Option<Arc<Notify>>,
    },
    Done {
        status: u16,
        /// 0: none; `i + 1`: `KNOWN_CONTENT_TYPES[i]`.
        content_type: u8,
        /// `None` for an empty body. An `Arc<[u8]>` is 16 bytes where `Bytes`
        /// is 32: it keeps a slot at 48 bytes (key included), not 64.
        body: Option<Arc<[u8]>>,
    },
    /// An answer whose content type is not in `KNOWN_CONTENT_TYPES`.
    DoneOther(Box<StoredAnswer>),
    Failed {
        count: u32,
    },
}

impl State {
    fn from_answer(answer: &StoredAnswer) -> State {
        let index = match &answer.content_type {
            None => Some(0),
            Some(ct) => KNOWN_CONTENT_TYPES
                .iter()
                .position(|known| known.as_bytes() == ct.as_ref())
                .and_then(|i| u8::try_from(i + 1).ok()),
        };
        match index {
            Some(content_type) => State::Done {
                status: answer.status,
                content_type,
                body: (!answer.body.is_empty()).then(|| Arc::from(answer.body.as_ref())),
            },
            None => State::DoneOther(Box::new(answer.clone())),
        }
    }

    fn answer(&self) -> Option<StoredAnswer> {
        match self {
            State::Done {
                status,
                content_type,
                body,
            } => Some(StoredAnswer {
                status: *status,
                content_type: usize::from(*content_type)
                    .checked_sub(1)
                    .and_then(|i| KNOWN_CONTENT_TYPES.get(i))
                    .map(|ct| Bytes::from_static(ct.as_bytes())),
                body: body
                    .as_ref()
                    .map_or_else(Bytes::new, |body| Bytes::from_owner(Arc::clone(body))),
            }),
            State::DoneOther(answer) => Some(StoredAnswer::clone(answer)),
            State::InFlight { .. } | State::Failed { .. } => None,
        }
    }

    fn is_in_flight(&self) -> bool {
        matches!(self, State::InFlight { .. })
    }

    /// Wakes whoever waits on this in-flight entry (it is being replaced).
    fn wake(&mut self) {
        if let State::InFlight {
            waiters: Some(notify),
            ..
        } = self
        {
            notify.notify_waiters();
        }
    }
}

/// Hashes the 128-bit keys with one keyed folded multiply instead of SipHash.
///
/// Keys are truncated SHA-256 digests of authenticated request data (or of a
/// user key function's output), so they are already uniformly distributed.
/// Hash flooding would need an attacker who both holds a valid signing
/// secret (only authenticated requests create entries) and grinds SHA-256
/// preimages whose keys collide *after* mixing with this store's random
/// seed, which it never sees. The seed also spreads a poor user key
/// function (e.g. small counters) over the table.
#[derive(Clone)]
struct KeyHasherBuilder {
    seed: [u64; 2],
}

impl KeyHasherBuilder {
    fn random() -> Self {
        // std seeds `RandomState` from the OS once and varies it per instance.
        let state = RandomState::new();
        KeyHasherBuilder {
            seed: [state.hash_one(0x5eed_u64), state.hash_one(0xdedb_u64)],
        }
    }
}

impl BuildHasher for KeyHasherBuilder {
    type Hasher = KeyHasher;

    fn build_hasher(&self) -> KeyHasher {
        KeyHasher {
            seed: self.seed,
            hash: 0,
        }
    }
}

struct KeyHasher {
    seed: [u64; 2],
    hash: u64,
}

impl KeyHasher {
    fn mix(&mut self, lo: u64, hi: u64) {
        let product = u128::from(lo ^ self.seed[0] ^ self.hash) * u128::from(hi ^ self.seed[1]);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for KeyHasher {
    fn write_u128(&mut self, value: u128) {
        self.mix(value as u64, (value >> 64) as u64);
    }

    // Only `u128` keys are hashed here; this keeps other inputs correct anyway.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(16) {
            let mut block = [0_u8; 16];
            block
                .iter_mut()
                .zip(chunk)
                .for_each(|(dst, src)| *dst = *src);
            self.write_u128(u128::from_le_bytes(block));
        }
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

impl Default for MemoryStoreBuilder {
    fn default() -> Self {
        MemoryStoreBuilder {
            ttl: DAY,
            failure_ttl: DAY,
            max_entries: DEFAULT_MAX_ENTRIES,
            sweep_interval: DEFAULT_SWEEP_INTERVAL,
        }
    }
}

impl MemoryStoreBuilder {
    /// The longest a completed entry is kept (24 h by default): the `ttl`
    /// passed to [`DedupStore::complete`] is capped at this.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long a released claim is remembered as "failed N times"
    /// (24 h by default; zero forgets failures at once).
    pub fn failure_ttl(mut self, ttl: Duration) -> Self {
        self.failure_ttl = ttl;
        self
    }

    /// The hard cap on entries (1 000 000 by default; at least 1).
    /// See [`MemoryStore`] for the eviction rule.
    pub fn max_entries(mut self, max_entries: usize) -> Self {
        self.max_entries = max_entries.max(1);
        self
    }

    /// The least time between two sweeps of expired entries (60 s by default;
    /// zero sweeps on every claim, which only suits tests).
    pub fn sweep_interval(mut self, interval: Duration) -> Self {
        self.sweep_interval = interval;
        self
    }

    /// Builds the store. Its clock starts now ([`tokio::time::Instant`], so a
    /// paused test runtime controls it).
    pub fn build(self) -> MemoryStore {
        let epoch = Instant::now();
        MemoryStore {
            inner: Arc::new(Inner {
                map: DashMap::with_hasher(KeyHasherBuilder::random()),
                epoch,
                ttl_ns: nanos(self.ttl),
                failure_ttl_ns: nanos(self.failure_ttl),
                max_entries: self.max_entries,
                sweep_interval_ns: nanos(self.sweep_interval),
                len: AtomicUsize::new(0),
                next_token: AtomicU64::new(1),
                next_sweep_ns: AtomicU64::new(nanos(self.sweep_interval)),
                evicting: Mutex::new(()),
            }),
        }
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl MemoryStore {
    /// A store with the defaults: 24 h TTL, 1 000 000 entries at most.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder for a store with other limits.
    ///
    /// ```
    /// use std::time::Duration;
    /// use voxhook_core::dedup::MemoryStore;
    ///
    /// let store = MemoryStore::builder()
    ///     .ttl(Duration::from_secs(6 * 60 * 60))
    ///     .max_entries(100_000)
    ///     .build();
    /// assert_eq!(store.max_entries(), 100_000);
    /// assert!(store.is_empty());
    /// ```
    pub fn builder() -> MemoryStoreBuilder {
        MemoryStoreBuilder::default()
    }

    /// Entries held now, including expired ones not yet dropped.
    pub fn len(&self) -> usize {
        self.inner.len.load(Ordering::Relaxed)
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry cap.
    pub fn max_entries(&self) -> usize {
        self.inner.max_entries
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("max_entries", &self.inner.max_entries)
            .field("ttl", &Duration::from_nanos(self.inner.ttl_ns))
            .field(
                "failure_ttl",
                &Duration::from_nanos(self.inner.failure_ttl_ns),
            )
            .finish_non_exhaustive()
    }
}

/// What a waiter found when it looked at a key.
enum Look {
    Ready(WaitOutcome),
    InFlight { notify: Arc<Notify>, expires: u64 },
}

impl Inner {
    fn now(&self) -> u64 {
        self.at(Instant::now())
    }

    fn at(&self, instant: Instant) -> u64 {
        nanos(instant.saturating_duration_since(self.epoch))
    }

    fn token(&self) -> u64 {
        self.next_token.fetch_add(1, Ordering::Relaxed)
    }

    fn claim(&self, key: u128, lease: Duration, now: u64) -> Result<Claim, StoreError> {
        self.maybe_sweep(now);
        let expires = now.saturating_add(nanos(lease));
        for _ in 0..CLAIM_ATTEMPTS {
            match self.map.entry(key) {
                MapEntry::Occupied(mut occupied) => {
                    let entry = occupied.get_mut();
                    let prior_failures = if entry.expires > now {
                        match &entry.state {
                            State::InFlight { .. } => return Ok(Claim::InFlight),
                            State::Failed { count } => *count,
                            done => {
                                return Ok(Claim::Done(
                                    done.answer().unwrap_or_else(StoredAnswer::ack),
                                ));
                            }
                        }
                    } else if let State::InFlight { prior_failures, .. } = entry.state {
                        // The owner's lease ran out: it died, which is one more failure.
                        entry.state.wake();
                        prior_failures.saturating_add(1)
                    } else {
                        0
                    };
                    let token = self.token();
                    *entry = Entry {
                        expires,
                        state: State::InFlight {
                            token,
                            prior_failures,
                            waiters: None,
                        },
                    };
                    return Ok(fresh(token, prior_failures));
                }
                MapEntry::Vacant(vacant) => {
                    if self.reserve_slot() {
                        let token = self.token();
                        vacant.insert(Entry {
                            expires,
                            state: State::InFlight {
                                token,
                                prior_failures: 0,
                                waiters: None,
                            },
                        });
                        return Ok(fresh(token, 0));
                    }
                    // Never make room while holding a shard lock.
                    drop(vacant);
                    self.make_room(now)?;
                }
            }
        }
        Err(StoreError::msg("dedup store is full"))
    }

    fn reserve_slot(&self) -> bool {
        self.len
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_entries).then_some(n + 1)
            })
            .is_ok()
    }

    /// Runs `f` on the live in-flight entry of `key` owned by `token`.
    fn with_owned(
        &self,
        key: u128,
        token: LeaseToken,
        now: u64,
        f: impl FnOnce(&mut Entry, u64),
    ) -> bool {
        let Some(mut entry) = self.map.get_mut(&key) else {
            return false;
        };
        match entry.state {
            State::InFlight { token: owner, .. } if owner == token.0 && entry.expires > now => {
                f(&mut entry, now);
                true
            }
            _ => false,
        }
    }

    fn renew(&self, key: u128, token: LeaseToken, lease: Duration, now: u64) -> bool {
        self.with_owned(key, token, now, |entry, now| {
            entry.expires = now.saturating_add(nanos(lease));
        })
    }

    fn complete(
        &self,
        key: u128,
        token: LeaseToken,
        answer: &StoredAnswer,
        ttl: Duration,
        now: u64,
    ) -> bool {
        let ttl = nanos(ttl).min(self.ttl_ns);
        self.with_owned(key, token, now, |entry, now| {
            entry.state.wake();
            *entry = Entry {
                expires: now.saturating_add(ttl),
                state: State::from_answer(answer),
            };
        })
    }

    fn release(&self, key: u128, token: LeaseToken, now: u64) -> bool {
        let failure_ttl = self.failure_ttl_ns;
        self.with_owned(key, token, now, |entry, now| {
            let count = match entry.state {
                State::InFlight { prior_failures, .. } => prior_failures.saturating_add(1),
                _ => 1,
            };
            entry.state.wake();
            *entry = Entry {
                expires: now.saturating_add(failure_ttl),
                state: State::Failed { count },
            };
        })
    }

    /// Looks at `key` for a waiter that watches the claim `watched` (once known).
    fn look(&self, key: u128, watched: &mut Option<u64>) -> Look {
        let now = self.now();
        let Some(mut entry) = self.map.get_mut(&key) else {
            return Look::Ready(WaitOutcome::Released);
        };
        if entry.expires <= now {
            return Look::Ready(WaitOutcome::Released);
        }
        let expires = entry.expires;
        match &mut entry.state {
            State::InFlight { token, waiters, .. } => {
                if watched.is_some_and(|w| w != *token) {
                    // The claim we waited for ended and another delivery took the key.
                    return Look::Ready(WaitOutcome::Released);
                }
                *watched = Some(*token);
                let notify = waiters.get_or_insert_with(|| Arc::new(Notify::new()));
                Look::InFlight {
                    notify: Arc::clone(notify),
                    expires,
                }
            }
            State::Failed { .. } => Look::Ready(WaitOutcome::Released),
            done => Look::Ready(
                done.answer()
                    .map_or(WaitOutcome::Released, WaitOutcome::Done),
            ),
        }
    }

    async fn wait(&self, key: u128) -> WaitOutcome {
        let mut watched = None;
        loop {
            let notify = match self.look(key, &mut watched) {
                Look::Ready(outcome) => return outcome,
                Look::InFlight { notify, .. } => notify,
            };
            let mut notified = std::pin::pin!(notify.notified());
            // Registered before the second look, so a settle in between still wakes us.
            notified.as_mut().enable();
            let expires = match self.look(key, &mut watched) {
                Look::Ready(outcome) => return outcome,
                Look::InFlight { expires, .. } => expires,
            };
            // Wake at lease expiry too: an owner that died settles nothing.
            let until = expires.min(self.now().saturating_add(nanos(WAIT_POLL)));
            let until = self.epoch + Duration::from_nanos(until);
            let _ = tokio::time::timeout_at(until, notified).await;
        }
    }

    fn maybe_sweep(&self, now: u64) {
        let due = self.next_sweep_ns.load(Ordering::Relaxed);
        if now < due {
            return;
        }
        let next = now.saturating_add(self.sweep_interval_ns);
        if self
            .next_sweep_ns
            .compare_exchange(due, next, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            self.sweep(now);
        }
    }

    /// Drops every expired entry.
    fn sweep(&self, now: u64) {
        self.remove_where(|entry| entry.expires <= now);
    }

    fn remove_where(&self, mut remove: impl FnMut(&Entry) -> bool) {
        let mut removed = 0;
        self.map.retain(|_, entry| {
            if remove(entry) {
                entry.state.wake();
                removed += 1;
                false
            } else {
                true
            }
        });
        self.len.fetch_sub(removed, Ordering::AcqRel);
    }

    /// Makes room for one new entry, or fails when only in-flight entries remain.
    ///
    /// Two passes over the map: one to count what has expired and find the
    /// expiry threshold of the batch to evict, one to remove.
    fn make_room(&self, now: u64) -> Result<(), StoreError> {
        let _evictor = self
            .evicting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.len.load(Ordering::Acquire) < self.max_entries {
            return Ok(());
        }
        let mut expired = 0;
        let mut settled: Vec<u64> = Vec::new();
        for entry in self.map.iter() {
            if entry.expires <= now {
                expired += 1;
            } else if !entry.state.is_in_flight() {
                settled.push(entry.expires);
            }
        }
        let batch = (self.max_entries / 16).max(1);
        let threshold = match batch.checked_sub(expired) {
            None | Some(0) => now,
            Some(_) if settled.is_empty() && expired == 0 => {
                return Err(StoreError::msg("dedup store is full of in-flight claims"));
            }
            Some(_) if settled.is_empty() => now,
            Some(more) => {
                let nth = more.min(settled.len()) - 1;
                let (_, threshold, _) = settled.select_nth_unstable(nth);
                *threshold
            }
        };
        self.remove_where(|entry| {
            entry.expires <= now || (!entry.state.is_in_flight() && entry.expires <= threshold)
        });
        Ok(())
    }
}

fn fresh(token: u64, prior_failures: u32) -> Claim {
    Claim::Fresh {
        token: LeaseToken(token),
        prior_failures,
    }
}

// The futures are the `*_now` answers at the current time, ready at once;
// the pipeline calls the `*_now` methods directly and never allocates these.
impl DedupStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a DedupKey, lease: Duration) -> StoreFuture<'a, Claim> {
        let inner = &self.inner;
        Box::pin(std::future::ready(inner.claim(
            key.as_u128(),
            lease,
            inner.now(),
        )))
    }

    fn renew<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        let inner = &self.inner;
        Box::pin(std::future::ready(Ok(inner.renew(
            key.as_u128(),
            token,
            lease,
            inner.now(),
        ))))
    }

    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        answer: StoredAnswer,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let inner = &self.inner;
        Box::pin(std::future::ready(Ok(inner.complete(
            key.as_u128(),
            token,
            &answer,
            ttl,
            inner.now(),
        ))))
    }

    fn release<'a>(&'a self, key: &'a DedupKey, token: LeaseToken) -> StoreFuture<'a, bool> {
        let inner = &self.inner;
        Box::pin(std::future::ready(Ok(inner.release(
            key.as_u128(),
            token,
            inner.now(),
        ))))
    }

    fn wait<'a>(&'a self, key: &'a DedupKey) -> StoreFuture<'a, WaitOutcome> {
        Box::pin(async move { Ok(self.inner.wait(key.as_u128()).await) })
    }

    fn claim_now(
        &self,
        key: &DedupKey,
        lease: Duration,
        now: Instant,
    ) -> Option<Result<Claim, StoreError>> {
        let inner = &self.inner;
        Some(inner.claim(key.as_u128(), lease, inner.at(now)))
    }

    fn complete_now(
        &self,
        key: &DedupKey,
        token: LeaseToken,
        answer: &StoredAnswer,
        ttl: Duration,
        now: Instant,
    ) -> Option<Result<bool, StoreError>> {
        let inner = &self.inner;
        Some(Ok(inner.complete(
            key.as_u128(),
            token,
            answer,
            ttl,
            inner.at(now),
        )))
    }

    fn release_now(
        &self,
        key: &DedupKey,
        token: LeaseToken,
        now: Instant,
    ) -> Option<Result<bool, StoreError>> {
        let inner = &self.inner;
        Some(Ok(inner.release(key.as_u128(), token, inner.at(now))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(10);
    const TTL: Duration = Duration::from_secs(60);

    fn key(n: u8) -> DedupKey {
        DedupKey([n; 16])
    }

    async fn fresh_token(store: &MemoryStore, key: &DedupKey) -> LeaseToken {
        match store.claim(key, LEASE).await.expect("claim") {
            Claim::Fresh { token, .. } => token,
            other => panic!("expected fresh, got {other:?}"),
        }
    }

    async fn fresh_prior_failures(store: &MemoryStore, key: &DedupKey) -> u32 {
        match store.claim(key, LEASE).await.expect("claim") {
            Claim::Fresh { prior_failures, .. } => prior_failures,
            other => panic!("expected fresh, got {other:?}"),
        }
    }

    async fn done(store: &MemoryStore, key: &DedupKey, ttl: Duration) {
        let token = fresh_token(store, key).await;
        let completed = store.complete(key, token, StoredAnswer::ack(), ttl).await;
        assert!(completed.expect("complete"));
    }

    #[test]
    fn an_entry_fits_in_64_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 32);
        assert_eq!(std::mem::size_of::<(u128, Entry)>(), 48);
    }

    #[test]
    fn answers_round_trip_through_the_compact_form() {
        let cases = [
            ("ack", StoredAnswer::ack()),
            (
                "known content type",
                StoredAnswer {
                    status: 200,
                    content_type: Some(Bytes::from_static(b"text/xml; charset=utf-8")),
                    body: Bytes::from_static(b"<Response/>"),
                },
            ),
            (
                "other content type",
                StoredAnswer {
                    status: 201,
                    content_type: Some(Bytes::from_static(b"Application/XML")),
                    body: Bytes::from_static(b"<Response/>"),
                },
            ),
        ];
        for (name, answer) in cases {
            let state = State::from_answer(&answer);
            assert_eq!(state.answer(), Some(answer), "{name}");
        }
        let boxed = State::from_answer(&StoredAnswer {
            status: 200,
            content_type: Some(Bytes::from_static(b"x/y")),
            body: Bytes::new(),
        });
        assert!(
            matches!(boxed, State::DoneOther(_)),
            "unknown types are boxed"
        );
    }

    #[test]
    fn an_empty_answer_body_is_not_copied() {
        let answer = StoredAnswer::ack();
        let pointer = answer.body.as_ptr();
        let state = State::from_answer(&answer);
        let back = state.answer().expect("done");
        assert_eq!(back.body.as_ptr(), pointer, "shared static empty body");
    }

    #[test]
    fn the_hasher_spreads_keys_that_differ_in_one_bit() {
        let build = KeyHasherBuilder::random();
        let hashes: std::collections::HashSet<u64> =
            (0..128).map(|bit| build.hash_one(1_u128 << bit)).collect();
        assert_eq!(hashes.len(), 128);
        // Low bits pick the bucket: they must differ too.
        let low: std::collections::HashSet<u64> = (0..128)
            .map(|bit| build.hash_one(1_u128 << bit) & 0xffff)
            .collect();
        assert!(low.len() > 120, "low bits collide: {}", low.len());
    }

    #[tokio::test(start_paused = true)]
    async fn a_completed_entry_expires_after_its_ttl() {
        let store = MemoryStore::new();
        done(&store, &key(1), TTL).await;
        tokio::time::advance(TTL - Duration::from_millis(1)).await;
        assert_eq!(
            store.claim(&key(1), LEASE).await.expect("claim"),
            Claim::Done(StoredAnswer::ack())
        );
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(fresh_prior_failures(&store, &key(1)).await, 0);
        assert_eq!(store.len(), 1, "expired entry reused in place");
    }

    #[tokio::test(start_paused = true)]
    async fn the_store_ttl_caps_the_callers_ttl() {
        let store = MemoryStore::builder().ttl(Duration::from_secs(5)).build();
        done(&store, &key(1), TTL).await;
        tokio::time::advance(Duration::from_secs(5)).await;
        let claim = store.claim(&key(1), LEASE).await.expect("claim");
        assert!(matches!(claim, Claim::Fresh { .. }), "{claim:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dead_owner_counts_as_a_failure() {
        let store = MemoryStore::new();
        let _dead = fresh_token(&store, &key(1)).await;
        tokio::time::advance(LEASE).await;
        assert_eq!(fresh_prior_failures(&store, &key(1)).await, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn failure_markers_expire() {
        let store = MemoryStore::builder()
            .failure_ttl(Duration::from_secs(30))
            .build();
        let token = fresh_token(&store, &key(1)).await;
        assert!(store.release(&key(1), token).await.expect("release"));
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(fresh_prior_failures(&store, &key(1)).await, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_returns_when_the_lease_expires() {
        let store = MemoryStore::new();
        let _owner = fresh_token(&store, &key(1)).await;
        let started = Instant::now();
        let outcome = store.wait(&key(1)).await.expect("wait");
        assert_eq!(outcome, WaitOutcome::Released);
        assert_eq!(started.elapsed(), LEASE, "woke exactly at lease expiry");
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_follows_renewals() {
        let store = MemoryStore::new();
        let owner = fresh_token(&store, &key(1)).await;
        let watched = key(1);
        let waiter = store.wait(&watched);
        let renewer = async {
            tokio::time::sleep(LEASE / 2).await;
            assert!(store.renew(&key(1), owner, LEASE).await.expect("renew"));
            tokio::time::sleep(LEASE - Duration::from_secs(1)).await;
            assert!(
                store
                    .complete(&key(1), owner, StoredAnswer::ack(), TTL)
                    .await
                    .expect("complete")
            );
        };
        let (outcome, ()) = tokio::join!(waiter, renewer);
        assert_eq!(
            outcome.expect("wait"),
            WaitOutcome::Done(StoredAnswer::ack())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_sweep_drops_expired_entries() {
        let store = MemoryStore::builder()
            .sweep_interval(Duration::from_secs(10))
            .build();
        for n in 0..10 {
            done(&store, &key(n), Duration::from_secs(5)).await;
        }
        assert_eq!(store.len(), 10);
        tokio::time::advance(Duration::from_secs(10)).await;
        let _ = fresh_token(&store, &key(100)).await;
        assert_eq!(store.len(), 1, "the claim swept the 10 expired entries");
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_store_evicts_the_oldest_completed_first() {
        let store = MemoryStore::builder().max_entries(32).build();
        for n in 0..32 {
            done(&store, &key(n), TTL).await;
            tokio::time::advance(Duration::from_millis(10)).await;
        }
        assert_eq!(store.len(), 32);
        let _ = fresh_token(&store, &key(200)).await;
        // One batch is 32 / 16 = 2 entries: the two oldest went.
        assert_eq!(store.len(), 31);
        // `wait` looks without inserting anything.
        for n in 0..2 {
            let outcome = store.wait(&key(n)).await.expect("wait");
            assert_eq!(outcome, WaitOutcome::Released, "key {n} was evicted");
        }
        for n in 2..32 {
            let outcome = store.wait(&key(n)).await.expect("wait");
            assert_eq!(outcome, WaitOutcome::Done(StoredAnswer::ack()), "key {n}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_entries_are_never_evicted() {
        let store = MemoryStore::builder().max_entries(4).build();
        let mut tokens = Vec::new();
        for n in 0..3 {
            tokens.push(fresh_token(&store, &key(n)).await);
        }
        done(&store, &key(3), TTL).await;
        // Room is made by evicting the one completed entry, never an in-flight one.
        let _ = fresh_token(&store, &key(4)).await;
        for n in 0..3 {
            assert_eq!(
                store.claim(&key(n), LEASE).await.expect("claim"),
                Claim::InFlight
            );
        }
        // Now all four are in flight: a new key cannot get in.
        let full = store.claim(&key(5), LEASE).await;
        assert!(full.is_err(), "{full:?}");
        // Existing keys still answer.
        assert_eq!(
            store.claim(&key(0), LEASE).await.expect("claim"),
            Claim::InFlight
        );
        // Once one settles as failed, its marker can make room.
        assert!(store.release(&key(0), tokens[0]).await.expect("release"));
        let _ = fresh_token(&store, &key(5)).await;
        assert_eq!(store.len(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn expired_leases_make_room_in_a_full_store() {
        let store = MemoryStore::builder().max_entries(2).build();
        let _ = fresh_token(&store, &key(0)).await;
        let _ = fresh_token(&store, &key(1)).await;
        assert!(store.claim(&key(2), LEASE).await.is_err());
        tokio::time::advance(LEASE).await;
        let _ = fresh_token(&store, &key(2)).await;
        assert_eq!(store.len(), 1, "both dead leases were swept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_new_keys_never_exceed_the_cap() {
        let store = MemoryStore::builder().max_entries(64).build();
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..8_u32 {
            let store = store.clone();
            tasks.spawn(async move {
                for i in 0..500_u32 {
                    let mut bytes = [0_u8; 16];
                    bytes[..4].copy_from_slice(&t.to_be_bytes());
                    bytes[4..8].copy_from_slice(&i.to_be_bytes());
                    let key = DedupKey(bytes);
                    let token = fresh_token(&store, &key).await;
                    let completed = store.complete(&key, token, StoredAnswer::ack(), TTL).await;
                    assert!(completed.expect("complete"));
                    assert!(store.len() <= 64, "len {} over the cap", store.len());
                }
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.expect("task");
        }
        assert!(store.len() <= 64);
        assert_eq!(
            store.len(),
            store.inner.map.len(),
            "the counter matches the map"
        );
    }

    #[test]
    fn debug_shows_limits_not_entries() {
        let store = MemoryStore::builder().max_entries(7).build();
        let shown = format!("{store:?}");
        assert!(shown.contains("max_entries: 7"), "{shown}");
        assert!(shown.starts_with("MemoryStore"), "{shown}");
    }
}
