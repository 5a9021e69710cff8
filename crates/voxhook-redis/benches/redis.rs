//! Claim + complete round trips against a local `redis-server` (started by
//! the bench on a free loopback port), sequential and with 64 concurrent
//! tasks, beside the in-memory store as the baseline in the same run.
//!
//! `cargo bench -p voxhook-redis --bench redis -- --warm-up-time 1 --measurement-time 3`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use tokio::runtime::Runtime;
use voxhook_core::dedup::{Claim, DedupKey, DedupStore, StoredAnswer};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const CONCURRENCY: u64 = 64;
const LEASE: Duration = Duration::from_secs(30);
/// Short: the bench writes hundreds of thousands of keys.
const TTL: Duration = Duration::from_secs(60);

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
    bench_store(c, &rt, "redis", redis);
    drop(server);
}

// `criterion_group!` defines an undocumented `pub fn`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(redis_benches, super::benches);
}
criterion_main!(group::redis_benches);
