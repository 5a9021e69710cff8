//! # voxhook-redis
//!
//! A [`DedupStore`](voxhook_core::dedup::DedupStore) on Redis, so that every replica of a webhook endpoint
//! sees one claim per delivery. Behind a load balancer, a provider's retry
//! can reach another replica than the first delivery; with the in-process
//! `MemoryStore` that replica would run the handler a second time. With a
//! [`RedisStore`] shared by all replicas, exactly one delivery of an event
//! runs the handler, and every duplicate gets the first one's stored answer
//! (the same VoxML bytes), wherever it lands.
//!
//! ## Quick start
//!
//! ```no_run
//! use voxhook_core::{Provider, auth::Auth, pipeline::Receiver};
//! use voxhook_redis::RedisStore;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // Every replica: the same Redis, the same key prefix.
//! let store = RedisStore::builder("redis://127.0.0.1:6379/")
//!     .key_prefix("myapp:dedup:")
//!     .build()
//!     .await?;
//!
//! // One store (cheap to clone) for all the receivers of the process.
//! let vobiz = Receiver::builder(Provider::Vobiz)
//!     .auth(Auth::bearer(["s3cret"]))
//!     .store(store.clone())
//!     .build()?;
//! # drop(vobiz); Ok(()) }
//! ```
//!
//! The `Receiver` makes the store calls (claim, wait, complete or release);
//! used directly, a fresh delivery looks like this:
//!
//! ```no_run
//! use std::time::Duration;
//! use voxhook_core::dedup::{Claim, DedupKey, DedupStore, StoredAnswer};
//!
//! # async fn demo(store: voxhook_redis::RedisStore) -> Result<(), voxhook_core::dedup::StoreError> {
//! let key = DedupKey([7; 16]);
//! if let Claim::Fresh { token, .. } = store.claim(&key, Duration::from_secs(35)).await? {
//!     // ... run the handler, then store its answer for 24 h:
//!     let day = Duration::from_secs(86_400);
//!     store.complete(&key, token, StoredAnswer::ack(), day).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! [`RedisStoreBuilder::build`] connects and loads the scripts (and fails if
//! Redis is unreachable); [`RedisStoreBuilder::build_lazy`] does no I/O, so a
//! replica can start while Redis is down and fail closed until it is back.
//! The facade crate re-exports this crate as `voxhook::redis` with its
//! `redis` feature.
//!
//! ## How it works
//!
//! One Redis string per dedup key, `<prefix><32 hex digits>`, holding either
//! an in-flight lease (owner token, prior failures, lease deadline), a
//! released marker (failure count), or the stored answer (status, content
//! type, body: 5 bytes plus the content type and body). Claim, renew,
//! complete and release are each **one Lua script, so one round trip and
//! atomic**: a fresh delivery costs two round trips (claim, then complete or
//! release), a duplicate one. Renew, complete and release check the lease
//! token, so an owner whose lease ran out (and was taken over) cannot settle.
//! Lease deadlines are judged on the Redis server's clock, the clock every
//! replica shares. [`wait`](voxhook_core::dedup::DedupStore::wait) polls one read-only script with
//! a pause doubling from 20 ms to 200 ms (at most about 5 requests per second
//! per waiting delivery); dropping it stops polling.
//!
//! A claim whose reply never arrived (a timeout, or the pipeline dropping it
//! at the request's deadline) may still run on Redis later; the delivery has
//! been refused meanwhile, so the store takes such a claim back in the
//! background (for about 8 s), and the provider's retry finds no orphaned
//! lease.
//!
//! Requires Redis 5 or later (or Valkey); tested with Redis 7. One Redis
//! (or a primary with replicas, through Sentinel or a proxy) is expected;
//! Redis Cluster clients are not supported yet.
//!
//! ## Why the `redis` crate
//!
//! `redis` (redis-rs) is the most used Rust Redis client, maintained by the
//! Redis organization, with a Tokio [`ConnectionManager`](redis::aio::ConnectionManager):
//! one multiplexed connection shared by every request (pipelined, so 64
//! concurrent deliveries need no pool) that reconnects on its own, with
//! per-attempt connect and response timeouts. Its `Script` type sends
//! `EVALSHA` and reloads a script after a Redis restart by itself. `fred`
//! would do too, but brings more than a dedup store needs (pools, cluster
//! and sentinel routing, its own reconnect policy engine).
//!
//! ## TTLs
//!
//! | what | lifetime | set by |
//! |---|---|---|
//! | completed entry (stored answer) | 24 h by default | the `Receiver` (`completed_ttl`) |
//! | in-flight lease | budget + late grace, renewed while the handler runs | the `Receiver` |
//! | failure count after a release (or a dead owner) | 24 h by default | [`RedisStoreBuilder::failure_ttl`] |
//!
//! A completed entry must outlive the provider's **whole retry schedule**, or
//! a late retry runs the handler again: VoxPria retries for about 14 hours,
//! so keep the 24 h default or longer; do not copy the "5 minutes" examples
//! of generic webhook guides. Memory, measured on Redis 7.0 with the
//! default prefix: about 180 bytes per completed key (key, value, expiry)
//! plus the stored body; an empty `200` acknowledgement stores a 5-byte
//! value, so 1,000,000 deliveries a day need about 180 MB. Prefer
//! `maxmemory-policy noeviction`: at the memory limit claims then fail and
//! the `Receiver` answers 503 (the provider retries), while an evicting
//! policy silently drops stored answers or in-flight leases, and a
//! duplicate then runs the handler again.
//!
//! ## Timeouts, failures, fail-closed and fail-open
//!
//! Providers give up after 3 s (Vobiz) or 5 s, so every call is bounded: a
//! TCP connect attempt by [`connect_timeout`](RedisStoreBuilder::connect_timeout)
//! (250 ms), a reply by [`response_timeout`](RedisStoreBuilder::response_timeout)
//! (500 ms), and a whole store call, reconnection included, by
//! [`operation_timeout`](RedisStoreBuilder::operation_timeout) (1 s). Keep
//! twice the operation timeout well under the route's budget.
//!
//! When Redis is unreachable, slow or answers nonsense, every method returns
//! a [`StoreError`](voxhook_core::dedup::StoreError) with a fixed message
//! (`"redis claim failed"`, `"redis claim timed out"`, ...) and the Redis
//! error as its `source()` for your logs; neither reaches the HTTP response.
//! The `Receiver` then **fails closed** by default: `503` with
//! `Retry-After`, no handler run, nothing written, so the provider retries
//! and the retry is processed once Redis is back. **Fail-open**
//! (`Receiver::builder(..).fail_open(true)`) runs the handler without a
//! claim instead: no webhook is delayed by a Redis outage, but a retry
//! during the outage may be processed twice, and nothing is stored for
//! replays. Prefer fail-closed for call-control webhooks that change state
//! (transfers, billing); fail-open suits idempotent handlers.
//!
//! Redis restarted without persistence forgets every entry: deliveries
//! answered before the restart would run again if retried. Enable AOF
//! (`appendonly yes`) or a replica if that matters.
//!
//! ## Several replicas
//!
//! Point every replica at the same Redis with the same key prefix; give
//! each *application* (or each environment sharing a Redis) its own prefix.
//! Two replicas receiving 200 concurrent copies of one delivery run one
//! handler and return 200 identical answers (tested). Lease tokens are
//! random per process, so replicas never mistake each other's claims.
//!
//! ## Features
//!
//! | feature | what |
//! |---|---|
//! | `test-support` | `testing::RedisServer`: a throwaway `redis-server` for tests and benches |
//!
//! ## Security
//!
//! The Redis URL may carry a password: it is never printed (the builder's
//! `Debug` redacts it, error messages never include it). Use `rediss://`
//! (with a TLS feature of the `redis` crate) or a private network for Redis
//! outside the host. Stored answers are your handlers' VoxML: anyone who can
//! write to Redis can change what duplicates receive, so protect Redis as
//! you protect the endpoint.
#![forbid(unsafe_code)]

mod builder;
mod codec;
mod orphan;
mod scripts;
mod store;
#[cfg(feature = "test-support")]
pub mod testing;
mod token;

pub use builder::{
    BuildError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FAILURE_TTL, DEFAULT_KEY_PREFIX,
    DEFAULT_OPERATION_TIMEOUT, DEFAULT_POLL_INTERVAL, DEFAULT_RESPONSE_TIMEOUT, RedisStoreBuilder,
};
pub use store::RedisStore;
