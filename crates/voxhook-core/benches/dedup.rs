//! `MemoryStore` speed: claim + complete (1 thread, 2 threads) and the
//! duplicate-hit claim on 10 k and 1 M entries, each against a raw
//! `DashMap<u128, u64>` insert-if-absent baseline in the same run. The
//! store is called the way the pipeline calls it, through `claim_now` /
//! `complete_now`; `memory_store_futures` is the same work through the
//! trait's boxed futures.
//!
//! `cargo bench -p voxhook-core --bench dedup -- --warm-up-time 1 --measurement-time 3`

use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use tokio::time::Instant as TokioInstant;

use criterion::{BenchmarkId, Criterion};
use dashmap::DashMap;
use voxhook_core::dedup::{Claim, DedupKey, DedupStore, MemoryStore, StoredAnswer};

const LEASE: Duration = Duration::from_secs(10);
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// `MemoryStore` futures are ready at once: poll them once, no runtime needed.
fn now<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a MemoryStore future was not ready"),
    }
}

/// Distinct, random-looking 128-bit keys (splitmix64), as digests would be.
fn key(n: u64) -> u128 {
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (u128::from(mix(n)) << 64) | u128::from(mix(!n))
}

/// One clock reading for the claim and its settle, as the pipeline does.
fn claim_complete(store: &MemoryStore, key: u128) {
    let key = DedupKey(key.to_be_bytes());
    let at = TokioInstant::now();
    let Some(Ok(Claim::Fresh { token, .. })) = store.claim_now(&key, LEASE, at) else {
        panic!("a new key is fresh");
    };
    let done = store.complete_now(&key, token, &StoredAnswer::ack(), TTL, at);
    assert!(matches!(done, Some(Ok(true))));
}

fn claim_complete_futures(store: &MemoryStore, key: u128) {
    let key = DedupKey(key.to_be_bytes());
    let Ok(Claim::Fresh { token, .. }) = now(store.claim(&key, LEASE)) else {
        panic!("a new key is fresh");
    };
    let done = now(store.complete(&key, token, StoredAnswer::ack(), TTL));
    assert!(matches!(done, Ok(true)));
}

fn baseline_insert(map: &DashMap<u128, u64>, key: u128) {
    if !map.contains_key(&key) {
        map.insert(key, 1);
    }
}

fn big_store() -> MemoryStore {
    MemoryStore::builder().max_entries(usize::MAX).build()
}

/// Runs `op` on `threads` threads, `iters` new keys each, on a fresh map per sample.
fn new_keys<M: Sync>(
    iters: u64,
    threads: u64,
    make: impl Fn() -> M,
    op: impl Fn(&M, u128) + Sync,
) -> Duration {
    let map = make();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (map, op) = (&map, &op);
            scope.spawn(move || {
                for i in 0..iters {
                    op(map, key(i * threads + t));
                }
            });
        }
    });
    let elapsed = start.elapsed();
    drop(map);
    elapsed
}

fn claim_and_complete(c: &mut Criterion) {
    let mut group = c.benchmark_group("dedup/claim_complete_new_key");
    for threads in [1_u64, 2] {
        group.bench_function(BenchmarkId::new("memory_store", threads), |b| {
            b.iter_custom(|iters| new_keys(iters, threads, big_store, claim_complete))
        });
        group.bench_function(BenchmarkId::new("baseline_dashmap_u128", threads), |b| {
            b.iter_custom(|iters| new_keys(iters, threads, DashMap::new, baseline_insert))
        });
    }
    group.bench_function(BenchmarkId::new("memory_store_futures", 1), |b| {
        b.iter_custom(|iters| new_keys(iters, 1, big_store, claim_complete_futures))
    });
    group.finish();
}

fn duplicate_hits(c: &mut Criterion) {
    let mut group = c.benchmark_group("dedup/duplicate_hit");
    for size in [10_000_u64, 1_000_000] {
        let store = big_store();
        let baseline: DashMap<u128, u64> = DashMap::new();
        for i in 0..size {
            claim_complete(&store, key(i));
            baseline_insert(&baseline, key(i));
        }
        let keys: Arc<[DedupKey]> = (0..size).map(|i| DedupKey(key(i).to_be_bytes())).collect();
        let mut i = 0;
        group.bench_function(BenchmarkId::new("memory_store", size), |b| {
            b.iter(|| {
                i = (i + 1) % keys.len();
                let claim = store.claim_now(&keys[i], LEASE, TokioInstant::now());
                assert!(matches!(claim, Some(Ok(Claim::Done(_)))));
                black_box(claim)
            })
        });
        let mut i = 0;
        group.bench_function(BenchmarkId::new("baseline_dashmap_u128", size), |b| {
            b.iter(|| {
                i = (i + 1) % keys.len();
                baseline_insert(&baseline, black_box(keys[i].as_u128()));
            })
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    claim_and_complete(&mut c);
    duplicate_hits(&mut c);
    c.final_summary();
}
