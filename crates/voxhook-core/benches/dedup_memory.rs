//! `MemoryStore` memory per live completed key at 1,000,000 keys, measured as
//! the growth of the process's resident set (`/proc/self/statm`), each case in
//! its own child process so that freed memory of one case cannot hide another.
//!
//! `cargo bench -p voxhook-core --bench dedup_memory`

use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use voxhook_core::dedup::{Claim, DedupKey, DedupStore, MemoryStore, StoredAnswer};

const KEYS: u64 = 1_000_000;
const CASES: [&str; 4] = ["baseline_dashmap_u128", "ack", "xml_100b", "ack_900k"];

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("resident pages");
    pages * 4096
}

fn key(n: u64) -> DedupKey {
    let mut z = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
    z = (z ^ (z >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let hi = z ^ (z >> 32);
    let lo = hi.rotate_left(23) ^ n;
    DedupKey(((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes())
}

fn fill(store: &MemoryStore, keys: u64, answer: impl Fn(u64) -> StoredAnswer) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for n in 0..keys {
            let key = key(n);
            let Ok(Claim::Fresh { token, .. }) = store.claim(&key, Duration::from_secs(10)).await
            else {
                panic!("fresh");
            };
            let ttl = Duration::from_secs(86_400);
            assert!(
                store
                    .complete(&key, token, answer(n), ttl)
                    .await
                    .expect("complete")
            );
        }
    });
}

fn measure(case: &str) -> (u64, u64) {
    let before = rss_bytes();
    // Each arm reads the RSS while its map is still alive.
    let (keys, extra, after) = match case {
        "baseline_dashmap_u128" => {
            let map: DashMap<u128, u64> = DashMap::new();
            for n in 0..KEYS {
                map.insert(key(n).as_u128(), n);
            }
            std::hint::black_box(&map);
            (KEYS, 0, rss_bytes())
        }
        "ack" | "ack_900k" => {
            let keys = if case == "ack" { KEYS } else { 900_000 };
            let store = MemoryStore::builder().max_entries(2_000_000).build();
            fill(&store, keys, |_| StoredAnswer::ack());
            assert_eq!(store.len() as u64, keys);
            std::hint::black_box(&store);
            (keys, 0, rss_bytes())
        }
        "xml_100b" => {
            let store = MemoryStore::builder().max_entries(2_000_000).build();
            fill(&store, KEYS, |n| StoredAnswer {
                status: 200,
                content_type: Some(Bytes::from_static(b"application/xml")),
                // An exact-size allocation, as a rendered document would be.
                body: Bytes::copy_from_slice(
                    format!("<Response><Speak>{n:064}</Speak></Response>").as_bytes(),
                ),
            });
            std::hint::black_box(&store);
            (KEYS, 100, rss_bytes())
        }
        other => panic!("unknown case {other}"),
    };
    let grown = after.saturating_sub(before);
    (grown / keys, extra)
}

/// The latency of the one claim that sweeps (nothing expired) or evicts, at 1 M entries.
fn pauses() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let time_claim = |store: &MemoryStore, n: u64| {
        let start = std::time::Instant::now();
        let claim = rt.block_on(store.claim(&key(n), Duration::from_secs(10)));
        assert!(matches!(claim, Ok(Claim::Fresh { .. })), "{claim:?}");
        start.elapsed()
    };

    let interval = Duration::from_secs(12);
    let store = MemoryStore::builder()
        .max_entries(2 * KEYS as usize)
        .sweep_interval(interval)
        .build();
    let built = std::time::Instant::now();
    fill(&store, KEYS, |_| StoredAnswer::ack());
    let filled = built.elapsed();
    assert!(
        filled < interval,
        "fill took {filled:?}: the sweep already ran"
    );
    std::thread::sleep(interval - filled);
    let sweep = time_claim(&store, KEYS);
    let next = time_claim(&store, KEYS + 1);
    drop(store);

    let store = MemoryStore::builder()
        .max_entries(KEYS as usize)
        .sweep_interval(Duration::from_secs(3600))
        .build();
    fill(&store, KEYS, |_| StoredAnswer::ack());
    let evict = time_claim(&store, KEYS);
    let left = store.len();
    println!();
    println!("claim that sweeps 1 M live entries (none expired): {sweep:?} (next claim {next:?})");
    println!("claim that evicts 1/16 of a full 1 M store: {evict:?} ({left} entries left)");
}

fn main() {
    if let Some(case) = std::env::args().find_map(|a| a.strip_prefix("measure=").map(String::from))
    {
        let (per_key, extra) = measure(&case);
        println!("{per_key} {extra}");
        return;
    }
    let exe = std::env::current_exe().expect("current exe");
    println!("| case | RSS bytes per key | answer body bytes per key |");
    println!("|---|---|---|");
    for case in CASES {
        let out = Command::new(&exe)
            .arg(format!("measure={case}"))
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace();
        let per_key = fields.next().unwrap_or("?");
        let extra = fields.next().unwrap_or("?");
        println!("| {case} | {per_key} | {extra} |");
    }
    pauses();
}
