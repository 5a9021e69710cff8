//! Redis failing under the store: a frozen server, a crashed and restarted
//! server. Errors must be `StoreError`s (the pipeline answers 503), within the
//! operation timeout, and the store must work again once Redis is back.

use std::error::Error as _;
use std::time::{Duration, Instant};

use voxhook_core::dedup::{Claim, DedupKey, DedupStore, StoreError, StoredAnswer, WaitOutcome};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const LEASE: Duration = Duration::from_secs(30);
const TTL: Duration = Duration::from_secs(3_600);
const OP_TIMEOUT: Duration = Duration::from_millis(300);
/// Slack over the operation timeout for a loaded 2-core machine.
const SLACK: Duration = Duration::from_millis(700);

fn store_for(server: &RedisServer) -> RedisStore {
    RedisStore::builder(server.url())
        .connect_timeout(Duration::from_millis(100))
        .response_timeout(Duration::from_millis(200))
        .operation_timeout(OP_TIMEOUT)
        .build_lazy()
        .expect("store")
}

/// Claims `key` and expects a prompt `StoreError` that says nothing about
/// where Redis is.
async fn expect_store_error(store: &RedisStore, key: &DedupKey, name: &str) -> StoreError {
    let started = Instant::now();
    let err = store
        .claim(key, LEASE)
        .await
        .expect_err(&format!("{name}: claim must fail"));
    assert!(
        started.elapsed() < OP_TIMEOUT + SLACK,
        "{name}: took {:?}",
        started.elapsed()
    );
    let shown = err.to_string();
    assert!(shown.starts_with("redis claim"), "{name}: {shown}");
    assert!(!shown.contains("127.0.0.1"), "{name}: {shown}");
    assert!(err.source().is_some(), "{name}: no source");
    err
}

/// Retries a claim until Redis answers again (reconnection is asynchronous).
async fn claim_when_back(store: &RedisStore, key: &DedupKey) -> Claim {
    let started = Instant::now();
    loop {
        match store.claim(key, LEASE).await {
            Ok(claim) => return claim,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                let _ = e;
                tokio::task::yield_now().await;
            }
            Err(e) => panic!("redis did not come back: {e} ({:?})", e.source()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frozen_redis_fails_closed_and_nothing_runs_twice() {
    let Some(server) =
        RedisServer::start_or_skip("frozen_redis_fails_closed_and_nothing_runs_twice")
    else {
        return;
    };
    let store = store_for(&server);
    let answered = DedupKey([1; 16]);
    let during = DedupKey([2; 16]);
    let Claim::Fresh { token, .. } = store.claim(&answered, LEASE).await.unwrap() else {
        panic!("fresh");
    };
    assert!(
        store
            .complete(&answered, token, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );

    server.pause().expect("SIGSTOP");
    for (name, key) in [("answered key", &answered), ("new key", &during)] {
        expect_store_error(&store, key, name).await;
    }
    let started = Instant::now();
    assert!(store.wait(&answered).await.is_err(), "wait");
    assert!(
        started.elapsed() < OP_TIMEOUT + SLACK,
        "wait took {:?}",
        started.elapsed()
    );
    server.resume().expect("SIGCONT");

    // The delivery answered before the outage is still answered from the
    // store; the one refused during it (503, so the provider retries) runs
    // once: its timed-out claim, which the thawed Redis still executes, is
    // taken back in the background, so the retry does not meet an orphaned
    // lease.
    assert_eq!(
        claim_when_back(&store, &answered).await,
        Claim::Done(StoredAnswer::ack())
    );
    let orphan = tokio::time::timeout(Duration::from_secs(10), store.wait(&during)).await;
    assert_eq!(
        orphan.expect("orphaned claim taken back").unwrap(),
        WaitOutcome::Released
    );
    assert!(matches!(
        store.claim(&during, LEASE).await.unwrap(),
        Claim::Fresh { .. }
    ));
    assert_eq!(store.claim(&during, LEASE).await.unwrap(), Claim::InFlight);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashed_redis_errors_promptly_and_works_after_restart() {
    let Some(mut server) =
        RedisServer::start_or_skip("crashed_redis_errors_promptly_and_works_after_restart")
    else {
        return;
    };
    let store = store_for(&server);
    let key = DedupKey([3; 16]);
    assert!(matches!(
        store.claim(&key, LEASE).await.unwrap(),
        Claim::Fresh { .. }
    ));

    server.stop();
    for attempt in [
        "first after crash",
        "second after crash",
        "third after crash",
    ] {
        expect_store_error(&store, &key, attempt).await;
    }
    let Err(settle) = store
        .complete(
            &key,
            voxhook_core::dedup::LeaseToken(1),
            StoredAnswer::ack(),
            TTL,
        )
        .await
    else {
        panic!("complete must fail while redis is down");
    };
    assert!(settle.to_string().starts_with("redis complete"), "{settle}");

    server.restart().expect("restart");
    // No persistence here: the restarted Redis is empty, so the key is fresh.
    assert!(matches!(
        claim_when_back(&store, &key).await,
        Claim::Fresh { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lazy_store_starts_while_redis_is_down() {
    let Some(mut server) = RedisServer::start_or_skip("a_lazy_store_starts_while_redis_is_down")
    else {
        return;
    };
    server.stop();
    let store = store_for(&server);
    let key = DedupKey([4; 16]);
    expect_store_error(&store, &key, "redis down at start").await;
    let eager = RedisStore::builder(server.url())
        .connect_timeout(Duration::from_millis(100))
        .operation_timeout(OP_TIMEOUT)
        .build()
        .await;
    assert!(eager.is_err(), "eager build must fail while redis is down");
    server.restart().expect("restart");
    assert!(matches!(
        claim_when_back(&store, &key).await,
        Claim::Fresh { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_dropped_at_the_deadline_leaves_no_orphan() {
    let Some(server) =
        RedisServer::start_or_skip("a_claim_dropped_at_the_deadline_leaves_no_orphan")
    else {
        return;
    };
    let store = store_for(&server);
    let key = DedupKey([5; 16]);
    // Connect and load the scripts first, so the dropped claim is the only
    // command waiting in the frozen server's socket.
    assert!(matches!(
        store.claim(&DedupKey([6; 16]), LEASE).await.unwrap(),
        Claim::Fresh { .. }
    ));
    server.pause().expect("SIGSTOP");
    // The pipeline races the claim against the request's deadline and drops it.
    let raced = tokio::time::timeout(Duration::from_millis(50), store.claim(&key, LEASE)).await;
    assert!(
        raced.is_err(),
        "the claim cannot finish while redis is frozen"
    );
    server.resume().expect("SIGCONT");
    // Redis runs the dropped claim when it thaws; the store takes it back.
    let orphan = tokio::time::timeout(Duration::from_secs(10), store.wait(&key)).await;
    assert_eq!(
        orphan.expect("orphaned claim taken back").unwrap(),
        WaitOutcome::Released
    );
    let Claim::Fresh { prior_failures, .. } = store.claim(&key, LEASE).await.unwrap() else {
        panic!("the retry must be fresh");
    };
    assert_eq!(prior_failures, 0, "an abandoned claim is not a failure");
}
