//! The harness itself, run for a few seconds with short budgets, so its
//! accounting is exercised in CI: against the memory store, and against a
//! durable Redis killed and restarted mid-run (skipped without
//! `redis-server` unless `VOXHOOK_REQUIRE_REDIS=1`).

use std::time::Duration;

use voxhook_soak::{Config, StoreKind, plan::Shares};

/// A short run with high shares, so a few seconds hold every kind of delivery.
fn short(store: StoreKind) -> Config {
    let mut config = Config::new(150, Duration::from_secs(3), store);
    config.shares = Shares {
        duplicate: 2_000,
        fail: 500,
        late: 500,
        answer: 3_000,
    };
    config.work = Duration::from_millis(5);
    config.budget = Some(Duration::from_millis(400));
    config.late_by = Duration::from_millis(200);
    config.backoff = Duration::from_millis(100);
    config.rss_every = Duration::from_millis(500);
    config
}

fn assert_reconciled(name: &str, report: &voxhook_soak::report::Report) {
    assert!(report.passed(), "{name}:\n{report}");
    // The run really exercised what it accounts for.
    let [events, answers] = &report.handling;
    assert!(
        events.events > 100 && answers.events > 50,
        "{name}:\n{report}"
    );
    assert!(
        events.fail_events + answers.fail_events > 0,
        "{name}: no failures"
    );
    assert!(report.late_started > 0, "{name}: no late handler");
    assert!(report.duplicates_concurrent > 0 && report.duplicates_later > 0);
    assert!(report.replayed > 0, "{name}: no duplicate replayed");
    assert!(
        report.retries.contains_key("500 (no error kind)"),
        "{name}: {report}"
    );
    assert!(report.memory.start_kib > 0 && report.memory.max_kib >= report.memory.start_kib);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_soak_on_the_memory_store_reconciles() {
    let report = voxhook_soak::run(short(StoreKind::Memory { cap: 10_000 }))
        .await
        .expect("run");
    assert_reconciled("memory", &report);
    assert!(report.memory.store_entries.is_some_and(|n| n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_soak_with_redis_killed_mid_run_reconciles() {
    // Only to skip (or fail under VOXHOOK_REQUIRE_REDIS=1) without
    // redis-server; the harness starts its own.
    if voxhook_redis::testing::RedisServer::start_or_skip(
        "a_short_soak_with_redis_killed_mid_run_reconciles",
    )
    .is_none()
    {
        return;
    }
    let report = voxhook_soak::run(short(StoreKind::Redis {
        url: None,
        kill_every: Some(Duration::from_millis(1_200)),
        down_for: Duration::from_millis(500),
    }))
    .await
    .expect("run");
    assert_reconciled("redis", &report);
    assert!(!report.outages.is_empty(), "{report}");
    assert!(
        report.retries.contains_key("503 store_unavailable"),
        "the receiver failed closed during the outage:\n{report}"
    );
}
