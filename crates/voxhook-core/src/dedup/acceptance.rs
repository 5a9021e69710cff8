//! The acceptance suite every [`DedupStore`] must pass (feature `test-support`).
//!
//! Run it from the store's own tests, on a multi-threaded runtime with the
//! **real** clock (no `tokio::time::pause()`: a networked store's TTLs run on
//! its server's clock). Cases that test expiry wait for real, with TTLs and
//! leases of 150–300 ms; the whole suite takes about 1.5 s.
//!
//! ```no_run
//! # async fn example() {
//! use voxhook_core::dedup::{MemoryStore, acceptance};
//!
//! // in a #[tokio::test(flavor = "multi_thread")]
//! acceptance::run_all(MemoryStore::new).await;
//! # }
//! ```
//!
//! Every case uses fresh random keys, so runs against a shared server do not
//! see each other's entries. A failing case panics with its name.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};

use super::{Claim, DedupKey, DedupStore, LeaseToken, StoredAnswer, WaitOutcome};

/// A lease long enough that it never expires during a case.
const LONG: Duration = Duration::from_secs(30);
/// A short lease or TTL that a case lets expire.
const SHORT: Duration = Duration::from_millis(150);
/// Waiting this long after `SHORT` started, the entry has expired.
const PAST_SHORT: Duration = Duration::from_millis(300);
/// No case should need to wait for a store longer than this.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs every case, each on a new store from `make_store`.
///
/// # Panics
///
/// When a case fails (the message names it) or the store returns an error.
pub async fn run_all<S: DedupStore, F: Fn() -> S>(make_store: F) {
    fresh_in_flight_done(&make_store()).await;
    done_returns_exact_answer(&make_store()).await;
    ttl_expiry(&make_store()).await;
    lease_expiry(&make_store()).await;
    renew_keeps_in_flight(&make_store()).await;
    release_on_failure(&make_store()).await;
    stale_token(&make_store()).await;
    wait_outcomes(&make_store()).await;
    wait_wakes_on_complete(&make_store()).await;
    wait_wakes_on_release(&make_store()).await;
    wait_ends_when_lease_expires(&make_store()).await;
    concurrent_claims(Arc::new(make_store())).await;
    key_isolation(&make_store()).await;
    answers_now_agree(&make_store()).await;
}

/// A key no other run or case uses.
pub fn unique_key() -> DedupKey {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new();
    let hi = random.hash_one(n).to_be_bytes();
    let lo = random.hash_one((n, "voxhook")).to_be_bytes();
    let mut key = [0_u8; 16];
    key[..8].copy_from_slice(&hi);
    key[8..].copy_from_slice(&lo);
    DedupKey(key)
}

fn xml_answer() -> StoredAnswer {
    StoredAnswer {
        status: 200,
        content_type: Some(Bytes::from_static(b"application/xml")),
        body: Bytes::from_static(b"<Response><Speak>Hello</Speak></Response>"),
    }
}

async fn claim_fresh<S: DedupStore>(
    store: &S,
    key: &DedupKey,
    lease: Duration,
    case: &str,
) -> (LeaseToken, u32) {
    match store.claim(key, lease).await.expect(case) {
        Claim::Fresh {
            token,
            prior_failures,
        } => (token, prior_failures),
        other => panic!("{case}: expected a fresh claim, got {other:?}"),
    }
}

async fn assert_claim<S: DedupStore>(store: &S, key: &DedupKey, expected: Claim, case: &str) {
    let got = store.claim(key, LONG).await.expect(case);
    assert_eq!(got, expected, "{case}");
}

/// A new key is fresh, then in flight, then done with the stored answer.
pub async fn fresh_in_flight_done<S: DedupStore>(store: &S) {
    let case = "fresh_in_flight_done";
    let key = unique_key();
    let (token, prior) = claim_fresh(store, &key, LONG, case).await;
    assert_eq!(prior, 0, "{case}: a new key has no prior failures");
    assert_claim(store, &key, Claim::InFlight, case).await;
    let done = store
        .complete(&key, token, xml_answer(), LONG)
        .await
        .expect(case);
    assert!(done, "{case}: the owner completes");
    assert_claim(store, &key, Claim::Done(xml_answer()), case).await;
    assert_claim(store, &key, Claim::Done(xml_answer()), case).await;
}

/// A duplicate gets back exactly the stored status, content type and bytes.
pub async fn done_returns_exact_answer<S: DedupStore>(store: &S) {
    let binary: Vec<u8> = (0..=255).collect();
    let cases = [
        ("ack", StoredAnswer::ack()),
        ("xml", xml_answer()),
        (
            "json",
            StoredAnswer {
                status: 200,
                content_type: Some(Bytes::from_static(b"application/json")),
                body: Bytes::from_static(br#"[{"verb":"hangup"}]"#),
            },
        ),
        (
            "unusual content type",
            StoredAnswer {
                status: 202,
                content_type: Some(Bytes::from_static(b"application/vnd.vox+xml; v=2")),
                body: Bytes::from_static(b"<Response/>"),
            },
        ),
        (
            "binary body, no content type",
            StoredAnswer {
                status: 204,
                content_type: None,
                body: Bytes::from(binary),
            },
        ),
    ];
    for (name, answer) in cases {
        let case = format!("done_returns_exact_answer/{name}");
        let key = unique_key();
        let (token, _) = claim_fresh(store, &key, LONG, &case).await;
        let done = store
            .complete(&key, token, answer.clone(), LONG)
            .await
            .expect(&case);
        assert!(done, "{case}");
        assert_claim(store, &key, Claim::Done(answer.clone()), &case).await;
        let waited = store.wait(&key).await.expect(&case);
        assert_eq!(waited, WaitOutcome::Done(answer), "{case}: wait");
    }
}

/// A completed entry is forgotten after its TTL.
pub async fn ttl_expiry<S: DedupStore>(store: &S) {
    let case = "ttl_expiry";
    let key = unique_key();
    let (token, _) = claim_fresh(store, &key, LONG, case).await;
    let done = store
        .complete(&key, token, StoredAnswer::ack(), SHORT)
        .await
        .expect(case);
    assert!(done, "{case}");
    assert_claim(store, &key, Claim::Done(StoredAnswer::ack()), case).await;
    sleep(PAST_SHORT).await;
    let (_, prior) = claim_fresh(store, &key, LONG, case).await;
    assert_eq!(prior, 0, "{case}: a success is not a failure");
}

/// An expired lease counts as absent, and its old owner can no longer settle.
pub async fn lease_expiry<S: DedupStore>(store: &S) {
    let case = "lease_expiry";
    let key = unique_key();
    let (old, _) = claim_fresh(store, &key, SHORT, case).await;
    sleep(PAST_SHORT).await;
    let (new, _) = claim_fresh(store, &key, LONG, case).await;
    assert_ne!(old, new, "{case}: a new owner gets a new token");
    let s = store;
    assert!(
        !s.renew(&key, old, LONG).await.expect(case),
        "{case}: renew"
    );
    let completed = s.complete(&key, old, xml_answer(), LONG).await.expect(case);
    assert!(!completed, "{case}: the old owner cannot complete");
    assert!(!s.release(&key, old).await.expect(case), "{case}: release");
    assert_claim(store, &key, Claim::InFlight, case).await;
    let completed = s.complete(&key, new, xml_answer(), LONG).await.expect(case);
    assert!(completed, "{case}: the new owner completes");
    assert_claim(store, &key, Claim::Done(xml_answer()), case).await;
}

/// Renewing a lease keeps the claim in flight past its first expiry.
pub async fn renew_keeps_in_flight<S: DedupStore>(store: &S) {
    let case = "renew_keeps_in_flight";
    let key = unique_key();
    let (token, _) = claim_fresh(store, &key, Duration::from_millis(200), case).await;
    sleep(Duration::from_millis(100)).await;
    let renewed = store.renew(&key, token, LONG).await.expect(case);
    assert!(renewed, "{case}: the owner renews");
    sleep(Duration::from_millis(200)).await;
    assert_claim(store, &key, Claim::InFlight, case).await;
    let done = store
        .complete(&key, token, StoredAnswer::ack(), LONG)
        .await
        .expect(case);
    assert!(done, "{case}: the renewed owner completes");
}

/// A released claim is fresh again and counts the failures before it.
pub async fn release_on_failure<S: DedupStore>(store: &S) {
    let case = "release_on_failure";
    let key = unique_key();
    let (first, _) = claim_fresh(store, &key, LONG, case).await;
    assert!(store.release(&key, first).await.expect(case), "{case}");
    let (second, prior) = claim_fresh(store, &key, LONG, case).await;
    assert!(prior >= 1, "{case}: one failure seen, got {prior}");
    assert!(store.release(&key, second).await.expect(case), "{case}");
    let (third, prior) = claim_fresh(store, &key, LONG, case).await;
    assert!(prior >= 2, "{case}: two failures seen, got {prior}");
    let done = store
        .complete(&key, third, xml_answer(), LONG)
        .await
        .expect(case);
    assert!(done, "{case}: a retry completes");
    assert_claim(store, &key, Claim::Done(xml_answer()), case).await;
}

/// A token that does not own the claim can neither renew, complete nor release it.
pub async fn stale_token<S: DedupStore>(store: &S) {
    let case = "stale_token";
    let key = unique_key();
    let (token, _) = claim_fresh(store, &key, LONG, case).await;
    let wrong = LeaseToken(token.0.wrapping_add(0x9e37_79b9));
    assert!(!store.renew(&key, wrong, LONG).await.expect(case), "{case}");
    let completed = store.complete(&key, wrong, xml_answer(), LONG).await;
    assert!(!completed.expect(case), "{case}: wrong token completes");
    assert!(!store.release(&key, wrong).await.expect(case), "{case}");
    assert_claim(store, &key, Claim::InFlight, case).await;

    let done = store.complete(&key, token, StoredAnswer::ack(), LONG).await;
    assert!(done.expect(case), "{case}: the owner completes");
    // Once settled, the owner's token is stale too.
    let again = store.complete(&key, token, xml_answer(), LONG).await;
    assert!(!again.expect(case), "{case}: completes twice");
    assert!(!store.release(&key, token).await.expect(case), "{case}");
    assert!(!store.renew(&key, token, LONG).await.expect(case), "{case}");
    assert_claim(store, &key, Claim::Done(StoredAnswer::ack()), case).await;

    let other = unique_key();
    let on_other = store.complete(&other, token, xml_answer(), LONG).await;
    assert!(!on_other.expect(case), "{case}: a token on another key");
    let (_, _) = claim_fresh(store, &other, LONG, case).await;
}

/// `wait` returns at once when the key is not in flight.
pub async fn wait_outcomes<S: DedupStore>(store: &S) {
    let case = "wait_outcomes";
    let absent = unique_key();
    let got = timeout(PATIENCE, store.wait(&absent)).await;
    let got = got.expect(case).expect(case);
    assert_eq!(got, WaitOutcome::Released, "{case}: absent key");

    let released = unique_key();
    let (token, _) = claim_fresh(store, &released, LONG, case).await;
    assert!(store.release(&released, token).await.expect(case), "{case}");
    let got = timeout(PATIENCE, store.wait(&released)).await;
    let got = got.expect(case).expect(case);
    assert_eq!(got, WaitOutcome::Released, "{case}: released key");
}

async fn wait_while_settling<S: DedupStore>(
    store: &S,
    key: &DedupKey,
    settle: impl std::future::Future<Output = bool>,
    case: &str,
) -> WaitOutcome {
    let waiter = timeout(PATIENCE, store.wait(key));
    let settler = async {
        // The waiter must still be waiting after a while: nothing settled yet.
        sleep(Duration::from_millis(50)).await;
        settle.await
    };
    let (waited, settled) = tokio::join!(waiter, settler);
    assert!(settled, "{case}: the owner settles");
    waited
        .unwrap_or_else(|_| panic!("{case}: wait did not wake"))
        .expect(case)
}

/// A waiter wakes with the answer when the owner completes.
pub async fn wait_wakes_on_complete<S: DedupStore>(store: &S) {
    let case = "wait_wakes_on_complete";
    let key = unique_key();
    let (token, _) = claim_fresh(store, &key, LONG, case).await;
    let early = timeout(Duration::from_millis(50), store.wait(&key)).await;
    assert!(early.is_err(), "{case}: wait returned while in flight");
    let settle = async {
        let done = store.complete(&key, token, xml_answer(), LONG).await;
        done.expect(case)
    };
    let got = wait_while_settling(store, &key, settle, case).await;
    assert_eq!(got, WaitOutcome::Done(xml_answer()), "{case}");
}

/// A waiter wakes with `Released` when the owner fails.
pub async fn wait_wakes_on_release<S: DedupStore>(store: &S) {
    let case = "wait_wakes_on_release";
    let key = unique_key();
    let (token, _) = claim_fresh(store, &key, LONG, case).await;
    let settle = async { store.release(&key, token).await.expect(case) };
    let got = wait_while_settling(store, &key, settle, case).await;
    assert_eq!(got, WaitOutcome::Released, "{case}");
}

/// A waiter does not wait forever for an owner that died: it returns when the lease expires.
pub async fn wait_ends_when_lease_expires<S: DedupStore>(store: &S) {
    let case = "wait_ends_when_lease_expires";
    let key = unique_key();
    let (_, _) = claim_fresh(store, &key, SHORT, case).await;
    let got = timeout(Duration::from_secs(2), store.wait(&key)).await;
    let got = got
        .unwrap_or_else(|_| panic!("{case}: wait outlived the lease"))
        .expect(case);
    assert_eq!(got, WaitOutcome::Released, "{case}");
}

/// 1,000 concurrent claims of one key: exactly one is fresh, the rest in flight.
pub async fn concurrent_claims<S: DedupStore>(store: Arc<S>) {
    let case = "concurrent_claims";
    let key = unique_key();
    let mut tasks = JoinSet::new();
    for _ in 0..1_000 {
        let store = Arc::clone(&store);
        tasks.spawn(async move { store.claim(&key, LONG).await });
    }
    let (mut fresh, mut in_flight) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.expect(case).expect(case) {
            Claim::Fresh { .. } => fresh += 1,
            Claim::InFlight => in_flight += 1,
            Claim::Done(_) => panic!("{case}: nothing was completed"),
        }
    }
    assert_eq!((fresh, in_flight), (1, 999), "{case}");
}

/// Settling one key changes no other key.
pub async fn key_isolation<S: DedupStore>(store: &S) {
    let case = "key_isolation";
    let (a, b, c) = (unique_key(), unique_key(), unique_key());
    let (token_a, _) = claim_fresh(store, &a, LONG, case).await;
    let (token_b, _) = claim_fresh(store, &b, LONG, case).await;
    let done = store.complete(&a, token_a, xml_answer(), LONG).await;
    assert!(done.expect(case), "{case}");
    assert_claim(store, &b, Claim::InFlight, case).await;
    assert!(store.release(&b, token_b).await.expect(case), "{case}");
    assert_claim(store, &a, Claim::Done(xml_answer()), case).await;
    let (_, prior) = claim_fresh(store, &b, LONG, case).await;
    assert!(prior >= 1, "{case}: b's failure stays with b");
    let (_, prior) = claim_fresh(store, &c, LONG, case).await;
    assert_eq!(prior, 0, "{case}: c is untouched");
}

/// Claims through `claim_now` when the store answers at once, else `claim`.
async fn claim_either<S: DedupStore>(store: &S, key: &DedupKey, case: &str) -> Claim {
    match store.claim_now(key, LONG, Instant::now()) {
        Some(claimed) => claimed.expect(case),
        None => store.claim(key, LONG).await.expect(case),
    }
}

/// The `*_now` answers (where a store gives them) agree with the futures,
/// and the two can be mixed on one key.
pub async fn answers_now_agree<S: DedupStore>(store: &S) {
    let case = "answers_now_agree";
    let key = unique_key();
    let Claim::Fresh { token, .. } = claim_either(store, &key, case).await else {
        panic!("{case}: a new key is fresh");
    };
    assert_claim(store, &key, Claim::InFlight, case).await;
    assert_eq!(
        claim_either(store, &key, case).await,
        Claim::InFlight,
        "{case}: in flight, asked at once"
    );
    let stale = LeaseToken(token.0.wrapping_add(0x9e37_79b9));
    let now = Instant::now();
    if let Some(done) = store.complete_now(&key, stale, &xml_answer(), LONG, now) {
        assert!(
            !done.expect(case),
            "{case}: a stale token completes at once"
        );
    }
    if let Some(released) = store.release_now(&key, stale, now) {
        assert!(
            !released.expect(case),
            "{case}: a stale token releases at once"
        );
    }
    let done = match store.complete_now(&key, token, &xml_answer(), LONG, Instant::now()) {
        Some(done) => done,
        None => store.complete(&key, token, xml_answer(), LONG).await,
    };
    assert!(done.expect(case), "{case}: the owner completes");
    assert_claim(store, &key, Claim::Done(xml_answer()), case).await;
    assert_eq!(
        claim_either(store, &key, case).await,
        Claim::Done(xml_answer()),
        "{case}: the answer, asked at once"
    );

    let failing = unique_key();
    let (token, _) = claim_fresh(store, &failing, LONG, case).await;
    let released = match store.release_now(&failing, token, Instant::now()) {
        Some(released) => released,
        None => store.release(&failing, token).await,
    };
    assert!(released.expect(case), "{case}: the owner releases");
    match claim_either(store, &failing, case).await {
        Claim::Fresh { prior_failures, .. } => {
            assert!(prior_failures >= 1, "{case}: the failure is counted");
        }
        other => panic!("{case}: expected a fresh claim after a release, got {other:?}"),
    }
}
