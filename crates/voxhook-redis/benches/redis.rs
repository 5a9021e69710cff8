//! Claim + complete round trips against a local `redis-server` (started by
//! the bench on a free loopback port), sequential and with 64 concurrent
//! tasks, beside two baselines in the same run: the in-memory store, and
//! the least any two-round-trip Redis design can cost (a bare
//! `SET NX PX` claim and a bare `SET XX PX` complete on the same kind of
//! connection, no script, no token check).
//!
//! `cargo bench -p voxhook-redis --bench redis -- --warm-up-time 1 --measurement-time 3`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use redis::aio::ConnectionManager;
use tokio::runtime::Runtime;
use voxhook_core::dedup::{
    Claim, DedupKey, DedupStore, LeaseToken, StoreError, StoreFuture, StoredAnswer, WaitOutcome,
};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const CONCURRENCY: u64 = 64;
const LEASE: Duration = Duration::from_secs(30);
/// Short: the bench writes hundreds of thousands of keys.
const TTL: Duration = Duration::from_secs(60);

/// The floor: two plain `SET`s per delivery, no script, no ownership check.
#[derive(Clone)]
struct BareSets(ConnectionManager);

impl std::fmt::Debug for BareSets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BareSets")
    }
}

impl BareSets {
    async fn set(&self, key: &DedupKey, value: &[u8], flags: &[&str]) -> Result<bool, StoreError> {
        let mut conn = self.0.clone();
        let mut cmd = redis::cmd("SET");
        cmd.arg(key.to_hex())
            .arg(value)
            .arg(flags)
            .arg("PX")
            .arg(30_000);
        let reply: Option<String> = cmd
            .query_async(&mut conn)
            .await
            .map_err(|e| StoreError::new("bare set failed", e))?;
        Ok(reply.is_some())
    }
}

impl DedupStore for BareSets {
    fn claim<'a>(&'a self, key: &'a DedupKey, _lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            Ok(if self.set(key, b"i", &["NX"]).await? {
                Claim::Fresh {
                    token: LeaseToken(0),
                    prior_failures: 0,
                }
            } else {
                Claim::InFlight
            })
        })
    }

    fn renew<'a>(&'a self, _: &'a DedupKey, _: LeaseToken, _: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::msg("not benched")) })
    }

    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        _token: LeaseToken,
        _answer: StoredAnswer,
        _ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.set(key, b"d\x00\xc8\xff\xff", &["XX"]))
    }

    fn release<'a>(&'a self, _: &'a DedupKey, _: LeaseToken) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::msg("not benched")) })
    }

    fn wait<'a>(&'a self, _: &'a DedupKey) -> StoreFuture<'a, WaitOutcome> {
        Box::pin(async { Err(StoreError::msg("not benched")) })
    }
}

/// Unique keys across iterations and tasks.
static NEXT_KEY: AtomicU64 = AtomicU64::new(0);

fn next_key() -> DedupKey {
    let n = u128::from(NEXT_KEY.fetch_add(1, Ordering::Relaxed));
    DedupKey((n | (0xbe9c_u128 << 112)).to_be_bytes())
}

/// One fresh delivery: claim, then store the answer.
async fn claim_complete<S: DedupStore>(store: &S) {
    let key = next_key();
    let Ok(Claim::Fresh { token, .. }) = store.claim(&key, LEASE).await else {
        panic!("a new key must be fresh");
    };
    let stored = store.complete(&key, token, StoredAnswer::ack(), TTL).await;
    assert!(matches!(stored, Ok(true)));
}

/// `iters` deliveries spread over `CONCURRENCY` tasks; the wall time of all.
async fn concurrent<S: DedupStore + Clone>(store: &S, iters: u64) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|t| {
            let store = store.clone();
            let share = iters / CONCURRENCY + u64::from(t < iters % CONCURRENCY);
            tokio::spawn(async move {
                for _ in 0..share {
                    claim_complete(&store).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    started.elapsed()
}

fn bench_store<S: DedupStore + Clone>(c: &mut Criterion, rt: &Runtime, name: &str, store: S) {
    let store = Arc::new(store);
    let mut group = c.benchmark_group("claim_complete");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("sequential", name), |b| {
        b.to_async(rt).iter(|| claim_complete(&*store));
    });
    group.bench_function(BenchmarkId::new("concurrent64", name), |b| {
        b.to_async(rt).iter_custom(|iters| {
            let store = (*store).clone();
            async move { concurrent(&store, iters).await }
        });
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let Some(server) = RedisServer::start_or_skip("redis bench") else {
        return;
    };
    let redis = rt
        .block_on(RedisStore::builder(server.url()).build())
        .expect("redis store");
    bench_store(c, &rt, "memory", voxhook_core::dedup::MemoryStore::new());
    let bare = rt
        .block_on(
            redis::Client::open(server.url())
                .expect("url")
                .get_connection_manager(),
        )
        .expect("bare connection");
    bench_store(c, &rt, "redis_bare_sets", BareSets(bare));
    bench_store(c, &rt, "redis", redis);
    drop(server);
}

// `criterion_group!` defines an undocumented `pub fn`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(redis_benches, super::benches);
}
criterion_main!(group::redis_benches);
