//! `RedisStore` against a real `redis-server` started by the test itself.
//! Skipped (with a message) when `redis-server` is missing, unless
//! `VOXHOOK_REQUIRE_REDIS=1`.

use std::time::Duration;

use bytes::Bytes;
use voxhook_core::dedup::{Claim, DedupKey, DedupStore, LeaseToken, StoredAnswer, WaitOutcome};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const LEASE: Duration = Duration::from_secs(30);
const TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Bound on anything that should finish promptly (a real clock: Redis
/// expires keys on its own time).
const PROMPT: Duration = Duration::from_secs(5);

fn key(n: u8) -> DedupKey {
    DedupKey([n; 16])
}

fn xml(body: &'static str) -> StoredAnswer {
    StoredAnswer {
        status: 200,
        content_type: Some(Bytes::from_static(b"application/xml")),
        body: Bytes::from_static(body.as_bytes()),
    }
}

async fn store(server: &RedisServer) -> RedisStore {
    RedisStore::builder(server.url())
        .key_prefix("test:")
        .operation_timeout(Duration::from_millis(500))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(50))
        .build()
        .await
        .expect("store")
}

async fn fresh(store: &RedisStore, key: &DedupKey) -> (LeaseToken, u32) {
    match store.claim(key, LEASE).await.expect("claim") {
        Claim::Fresh {
            token,
            prior_failures,
        } => (token, prior_failures),
        other => panic!("expected Fresh, got {other:?}"),
    }
}

async fn pttl(server: &RedisServer, key: &[u8]) -> i64 {
    let client = redis::Client::open(server.url()).expect("client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("conn");
    redis::cmd("PTTL")
        .arg(key)
        .query_async(&mut conn)
        .await
        .expect("pttl")
}

#[tokio::test]
async fn fresh_then_done_returns_the_same_answer() {
    let Some(server) = RedisServer::start_or_skip("fresh_then_done_returns_the_same_answer") else {
        return;
    };
    let store = store(&server).await;
    let cases = [
        ("plain ack", StoredAnswer::ack()),
        ("xml", xml("<Response><Speak>hello</Speak></Response>")),
        (
            "binary body",
            StoredAnswer {
                status: 200,
                content_type: Some(Bytes::from_static(b"application/octet-stream")),
                body: Bytes::from_static(b"\x00\xff\x00d\r\n"),
            },
        ),
    ];
    for (n, (name, answer)) in (1u8..).zip(cases) {
        let k = key(n);
        let (token, prior) = fresh(&store, &k).await;
        assert_eq!(prior, 0, "{name}");
        assert_eq!(
            store.claim(&k, LEASE).await.unwrap(),
            Claim::InFlight,
            "{name}"
        );
        assert!(
            store
                .complete(&k, token, answer.clone(), TTL)
                .await
                .unwrap(),
            "{name}"
        );
        assert_eq!(
            store.claim(&k, LEASE).await.unwrap(),
            Claim::Done(answer.clone()),
            "{name}"
        );
        assert_eq!(
            store.wait(&k).await.unwrap(),
            WaitOutcome::Done(answer),
            "{name}"
        );
        let ttl = pttl(&server, &store.redis_key(&k)).await;
        assert!(ttl > TTL.as_millis() as i64 - 60_000, "{name}: ttl {ttl}");
    }
}

#[tokio::test]
async fn release_counts_failures_and_allows_a_retry() {
    let Some(server) = RedisServer::start_or_skip("release_counts_failures_and_allows_a_retry")
    else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    for attempt in 0..3 {
        let (token, prior) = fresh(&store, &k).await;
        assert_eq!(prior, attempt);
        assert!(store.release(&k, token).await.unwrap());
        assert_eq!(store.wait(&k).await.unwrap(), WaitOutcome::Released);
    }
    let (token, prior) = fresh(&store, &k).await;
    assert_eq!(prior, 3);
    assert!(
        store
            .complete(&k, token, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );
    assert_eq!(
        store.claim(&k, LEASE).await.unwrap(),
        Claim::Done(StoredAnswer::ack())
    );
}

#[tokio::test]
async fn a_stale_owner_cannot_settle() {
    let Some(server) = RedisServer::start_or_skip("a_stale_owner_cannot_settle") else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    let (owner, _) = fresh(&store, &k).await;
    let stale = LeaseToken(owner.0 ^ 1);
    assert!(!store.renew(&k, stale, LEASE).await.unwrap(), "renew");
    assert!(!store.release(&k, stale).await.unwrap(), "release");
    assert!(
        !store
            .complete(&k, stale, xml("<stale/>"), TTL)
            .await
            .unwrap(),
        "complete"
    );
    assert_eq!(store.claim(&k, LEASE).await.unwrap(), Claim::InFlight);
    assert!(
        store
            .complete(&k, owner, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );
    // Settled: neither the owner nor anyone else can settle again.
    assert!(
        !store.release(&k, owner).await.unwrap(),
        "release after complete"
    );
    assert!(
        !store
            .complete(&k, owner, xml("<again/>"), TTL)
            .await
            .unwrap()
    );
    assert!(!store.renew(&k, owner, LEASE).await.unwrap());
    assert_eq!(
        store.claim(&k, LEASE).await.unwrap(),
        Claim::Done(StoredAnswer::ack())
    );
    // Never claimed.
    assert!(
        !store
            .complete(&key(2), owner, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn renew_extends_the_lease() {
    let Some(server) = RedisServer::start_or_skip("renew_extends_the_lease") else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    let Claim::Fresh { token, .. } = store.claim(&k, Duration::from_secs(2)).await.unwrap() else {
        panic!("fresh");
    };
    // An in-flight key outlives its lease by the failure TTL (24 h here).
    let day = voxhook_redis::DEFAULT_FAILURE_TTL.as_millis() as i64;
    assert!(pttl(&server, &store.redis_key(&k)).await <= day + 2_000);
    assert!(
        store
            .renew(&k, token, Duration::from_secs(60))
            .await
            .unwrap()
    );
    assert!(pttl(&server, &store.redis_key(&k)).await > day + 50_000);
    assert_eq!(store.claim(&k, LEASE).await.unwrap(), Claim::InFlight);
}

#[tokio::test]
async fn a_dead_owners_lease_expires_and_the_retry_is_fresh() {
    let Some(server) =
        RedisServer::start_or_skip("a_dead_owners_lease_expires_and_the_retry_is_fresh")
    else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    let Claim::Fresh { token: dead, .. } =
        store.claim(&k, Duration::from_millis(100)).await.unwrap()
    else {
        panic!("fresh");
    };
    // The owner never settles: a waiter learns when the lease runs out.
    let waited = tokio::time::timeout(PROMPT, store.wait(&k)).await;
    assert_eq!(
        waited.expect("lease expired").unwrap(),
        WaitOutcome::Released
    );
    // The dead owner counts as one failure, as in the memory store.
    let (token, prior) = fresh(&store, &k).await;
    assert_eq!(prior, 1);
    assert!(
        !store.complete(&k, dead, xml("<late/>"), TTL).await.unwrap(),
        "dead owner"
    );
    assert!(
        store
            .complete(&k, token, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiter_gets_the_owners_answer() {
    let Some(server) = RedisServer::start_or_skip("a_waiter_gets_the_owners_answer") else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    let (token, _) = fresh(&store, &k).await;
    let waiter = tokio::spawn({
        let store = store.clone();
        async move { store.wait(&k).await }
    });
    let answer = xml("<Response><Hangup/></Response>");
    assert!(
        store
            .complete(&k, token, answer.clone(), TTL)
            .await
            .unwrap()
    );
    let got = tokio::time::timeout(PROMPT, waiter)
        .await
        .expect("prompt")
        .unwrap();
    assert_eq!(got.unwrap(), WaitOutcome::Done(answer));
}

#[tokio::test]
async fn prefixes_isolate_and_replicas_share() {
    let Some(server) = RedisServer::start_or_skip("prefixes_isolate_and_replicas_share") else {
        return;
    };
    let a = store(&server).await;
    let replica = store(&server).await;
    let other_app = RedisStore::builder(server.url())
        .key_prefix("other:")
        .build()
        .await
        .unwrap();
    let k = key(1);
    let (token, _) = fresh(&a, &k).await;
    assert_eq!(replica.claim(&k, LEASE).await.unwrap(), Claim::InFlight);
    assert!(matches!(
        other_app.claim(&k, LEASE).await.unwrap(),
        Claim::Fresh { .. }
    ));
    assert!(matches!(
        a.claim(&key(2), LEASE).await.unwrap(),
        Claim::Fresh { .. }
    ));
    assert!(
        a.complete(&k, token, StoredAnswer::ack(), TTL)
            .await
            .unwrap()
    );
    assert_eq!(
        replica.claim(&k, LEASE).await.unwrap(),
        Claim::Done(StoredAnswer::ack())
    );
}

#[tokio::test]
async fn a_foreign_value_is_an_error_not_a_claim() {
    let Some(server) = RedisServer::start_or_skip("a_foreign_value_is_an_error_not_a_claim") else {
        return;
    };
    let store = store(&server).await;
    let k = key(1);
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let cases: [(&str, &[u8]); 3] = [
        ("unknown tag", b"x"),
        ("truncated answer", b"d\x00"),
        ("empty", b""),
    ];
    for (name, value) in cases {
        let _: () = redis::cmd("SET")
            .arg(store.redis_key(&k))
            .arg(value)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(store.claim(&k, LEASE).await.is_err(), "{name}: claim");
        assert!(store.wait(&k).await.is_err(), "{name}: wait");
    }
}

#[tokio::test]
async fn a_fresh_delivery_costs_two_round_trips() {
    let Some(server) = RedisServer::start_or_skip("a_fresh_delivery_costs_two_round_trips") else {
        return;
    };
    let store = store(&server).await;
    let client = redis::Client::open(server.url()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(&mut admin)
        .await
        .unwrap();
    const N: u8 = 100;
    for n in 0..N {
        let k = key(n);
        let (token, _) = fresh(&store, &k).await;
        assert!(
            store
                .complete(&k, token, StoredAnswer::ack(), TTL)
                .await
                .unwrap()
        );
    }
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut admin)
        .await
        .unwrap();
    let calls = |command: &str| -> u64 {
        info.lines()
            .find_map(|line| line.strip_prefix(&format!("cmdstat_{command}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let n = u64::from(N);
    // One EVALSHA per claim and per complete; the GET and SET run inside them.
    let cases = [
        ("evalsha", 2 * n),
        ("get", 2 * n),
        ("set", 2 * n),
        ("eval", 0),
        ("script", 0),
    ];
    for (command, want) in cases {
        assert_eq!(calls(command), want, "{command}\n{info}");
    }
}
