//! The Receiver pipeline driven directly with test handlers, under paused time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use voxhook_core::auth::Auth;
use voxhook_core::dedup::{
    Claim, DedupKey, DedupStore, LeaseToken, StoreError, StoreFuture, StoredAnswer, WaitOutcome,
};
use voxhook_core::pipeline::{Admission, Admitted, Mode, Outcome, Receiver, Reply};
use voxhook_core::{Inbound, Provider, Rejection};

const TOKEN: &str = "test-token";
const HANGUP: &[u8] =
    br#"{"event":"call.ended","call_uuid":"c-100","status":"completed","duration":"7"}"#;
const ANSWERED: &[u8] =
    br#"{"event":"call.answered","call_uuid":"c-200","from":"+14155550100","to":"+14155550111"}"#;

fn receiver() -> Receiver {
    Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .build()
        .unwrap()
}

fn headers() -> Vec<(String, String)> {
    vec![
        ("authorization".into(), format!("Bearer {TOKEN}")),
        ("content-type".into(), "application/json".into()),
    ]
}

async fn admit(r: &Receiver, mode: Mode, path: &str, body: &[u8]) -> Admission {
    let h = headers();
    let req = Inbound::new("POST", path, &h, body);
    r.admit(mode, &req, r.start()).await
}

fn fresh(a: Admission) -> Admitted {
    match a {
        Admission::Run(admitted) => admitted,
        Admission::Respond(reply) => panic!("expected a fresh delivery, got {reply:?}"),
    }
}

fn responded(a: Admission) -> Reply {
    match a {
        Admission::Respond(reply) => reply,
        Admission::Run(admitted) => panic!(
            "expected a direct reply, got a run of {:?}",
            admitted.event.kind()
        ),
    }
}

fn voxml(text: &str) -> StoredAnswer {
    StoredAnswer {
        status: 200,
        content_type: Some(Bytes::from_static(b"application/json")),
        body: Bytes::from(format!(
            r#"{{"voxml_version":"1.0","instructions":[{{"verb":"Say","text":"{text}"}}]}}"#
        )),
    }
}

#[tokio::test(start_paused = true)]
async fn duplicate_gets_the_stored_answer_and_the_handler_runs_once() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Answer, "/tryvox/answer", ANSWERED).await);
    assert_eq!(d.event.kind(), "call.answered");
    assert_eq!(d.meta.prior_failures, 0);
    let first = d.ticket.run(async { Outcome::Answer(voxml("hi")) }).await;
    assert!(!first.is_replayed());

    let again = responded(admit(&r, Mode::Answer, "/tryvox/answer", ANSWERED).await);
    assert!(again.is_replayed());
    let (a, b) = (first.into_http_response(), again.into_http_response());
    assert_eq!(a.body(), b.body());
    assert_eq!(b.headers()["voxhook-replayed"], "true");
    assert_eq!(b.headers()["content-type"], "application/json");
    assert_eq!(r.stats().duplicates, 1);
    assert_eq!(r.stats().handled, 1);
}

#[tokio::test(start_paused = true)]
async fn the_same_event_on_another_route_is_handled_again() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Answer, "/tryvox/answer", ANSWERED).await);
    d.ticket.run(async { Outcome::Answer(voxml("hi")) }).await;
    let d = fresh(admit(&r, Mode::Events, "/tryvox/events", ANSWERED).await);
    d.ticket
        .run(async { Outcome::Answer(StoredAnswer::ack()) })
        .await;
}

#[tokio::test(start_paused = true)]
async fn failure_releases_the_claim_so_the_retry_runs() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    let reply = d.ticket.run(async { Outcome::Failed }).await;
    assert_eq!(reply, Reply::Rejected(Rejection::HandlerFailed));

    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert!(d.meta.is_retry_after_failure());
    let non_2xx = StoredAnswer {
        status: 500,
        content_type: None,
        body: Bytes::new(),
    };
    let reply = d.ticket.run(async move { Outcome::Answer(non_2xx) }).await;
    assert_eq!(
        reply.status(),
        500,
        "a handler's own non-2xx is passed through"
    );

    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert_eq!(d.meta.prior_failures, 2);
    d.ticket
        .run(async { Outcome::Answer(StoredAnswer::ack()) })
        .await;
    assert!(responded(admit(&r, Mode::Events, "/e", HANGUP).await).is_replayed());
    assert_eq!(r.stats().handler_failures, 2);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_handler_gives_500_and_releases() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    let reply = d
        .ticket
        .run(async {
            if HANGUP.len() > 1 {
                panic!("handler bug");
            }
            Outcome::Failed
        })
        .await;
    assert_eq!(reply.status(), 500);
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    d.ticket
        .run(async { Outcome::Answer(StoredAnswer::ack()) })
        .await;
}

#[tokio::test(start_paused = true)]
async fn late_answer_handler_gets_the_fallback_then_settles_itself() {
    let r = receiver();
    let runs = Arc::new(AtomicUsize::new(0));
    let d = fresh(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    let runs2 = runs.clone();
    let reply = d
        .ticket
        .run(async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            runs2.fetch_add(1, Ordering::SeqCst);
            Outcome::Answer(voxml("late"))
        })
        .await;
    let resp = reply.into_http_response();
    assert_eq!(resp.status(), 200);
    let fallback = voxhook_core::voxml::fallback(Provider::TryVox);
    assert_eq!(resp.body(), &fallback.body);
    assert_eq!(
        r.tracker().active(),
        1,
        "the late handler is tracked, not cancelled"
    );
    assert_eq!(r.stats().deadline_misses, 1);

    // A duplicate while the late handler still runs waits, then gets the fallback too.
    let dup = responded(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    assert_eq!(dup.into_http_response().body(), &fallback.body);

    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(r.tracker().active(), 0);
    let replay = responded(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    assert!(replay.is_replayed());
    assert_eq!(replay.into_http_response().body(), &voxml("late").body);
}

#[tokio::test(start_paused = true)]
async fn late_events_handler_gets_503_and_the_retry_is_answered_from_the_store() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    let reply = d
        .ticket
        .run(async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Outcome::Answer(StoredAnswer::ack())
        })
        .await;
    let resp = reply.into_http_response();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let retry = responded(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert!(retry.is_replayed());
    assert_eq!(retry.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn late_handler_renews_its_lease_so_a_retry_never_runs_twice() {
    let r = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .late_grace(Duration::from_secs(1))
        .build()
        .unwrap();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    let reply = d
        .ticket
        .run(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Outcome::Answer(StoredAnswer::ack())
        })
        .await;
    assert_eq!(reply.status(), 503);
    // Long past budget + grace: the lease would have expired without renewal.
    tokio::time::sleep(Duration::from_secs(20)).await;
    let retry = responded(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert_eq!(
        retry.status(),
        503,
        "still in flight, not run again: {retry:?}"
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(responded(admit(&r, Mode::Events, "/e", HANGUP).await).is_replayed());
}

#[tokio::test(start_paused = true)]
async fn concurrent_duplicate_waits_for_the_first() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    let first = tokio::spawn(d.ticket.run(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Outcome::Answer(voxml("once"))
    }));
    tokio::task::yield_now().await;
    let dup = responded(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    assert!(dup.is_replayed());
    let first = first.await.unwrap();
    assert_eq!(
        first.into_http_response().body(),
        dup.into_http_response().body()
    );
}

#[tokio::test(start_paused = true)]
async fn waiting_duplicate_gets_503_when_the_first_fails() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    let first = tokio::spawn(d.ticket.run(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Outcome::Failed
    }));
    tokio::task::yield_now().await;
    let dup = responded(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert_eq!(dup, Reply::Rejected(Rejection::InFlight));
    assert_eq!(first.await.unwrap().status(), 500);
}

#[tokio::test(start_paused = true)]
async fn rejected_requests_never_run_and_never_claim() {
    let r = receiver();
    type Case = (&'static str, Vec<(String, String)>, &'static [u8], u16);
    let cases: &[Case] = &[
        (
            "no credentials",
            vec![("content-type".into(), "application/json".into())],
            HANGUP,
            401,
        ),
        (
            "wrong token",
            vec![
                ("authorization".into(), "Bearer nope".into()),
                ("content-type".into(), "application/json".into()),
            ],
            HANGUP,
            401,
        ),
        (
            "unsupported content type",
            vec![
                ("authorization".into(), format!("Bearer {TOKEN}")),
                ("content-type".into(), "text/csv".into()),
            ],
            HANGUP,
            415,
        ),
        ("malformed json", headers(), b"{\"event\":", 400),
        ("nothing identifies the event", headers(), b"{}", 400),
    ];
    for (name, h, body, status) in cases {
        let req = Inbound::new("POST", "/e", h, body);
        let reply = responded(r.admit(Mode::Events, &req, r.start()).await);
        assert_eq!(reply.status(), *status, "{name}");
    }
    assert_eq!(r.stats().handled, 0);
    // Nothing was claimed: the valid delivery is fresh.
    fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
}

#[tokio::test(start_paused = true)]
async fn oversized_bodies_get_413() {
    let r = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .body_limit(64)
        .build()
        .unwrap();
    assert_eq!(
        r.check_content_length(Some(65)),
        Err(Rejection::PayloadTooLarge)
    );
    assert_eq!(r.check_content_length(Some(64)), Ok(()));
    assert_eq!(r.check_content_length(None), Ok(()));
    let big = [b' '; 100];
    let reply = responded(admit(&r, Mode::Events, "/e", &big).await);
    assert_eq!(reply, Reply::Rejected(Rejection::PayloadTooLarge));
}

#[derive(Debug)]
struct DownStore;

impl DedupStore for DownStore {
    fn claim<'a>(&'a self, _: &'a DedupKey, _: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(async { Err(StoreError::msg("down")) })
    }
    fn renew<'a>(&'a self, _: &'a DedupKey, _: LeaseToken, _: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::msg("down")) })
    }
    fn complete<'a>(
        &'a self,
        _: &'a DedupKey,
        _: LeaseToken,
        _: StoredAnswer,
        _: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::msg("down")) })
    }
    fn release<'a>(&'a self, _: &'a DedupKey, _: LeaseToken) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::msg("down")) })
    }
    fn wait<'a>(&'a self, _: &'a DedupKey) -> StoreFuture<'a, WaitOutcome> {
        Box::pin(async { Err(StoreError::msg("down")) })
    }
}

#[tokio::test(start_paused = true)]
async fn unreachable_store_fails_closed_by_default_and_open_when_asked() {
    let closed = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .store(DownStore)
        .build()
        .unwrap();
    let reply = responded(admit(&closed, Mode::Events, "/e", HANGUP).await);
    assert_eq!(reply, Reply::Rejected(Rejection::StoreUnavailable));
    assert_eq!(reply.into_http_response().headers()["retry-after"], "1");

    let open = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .store(DownStore)
        .fail_open(true)
        .build()
        .unwrap();
    let d = fresh(admit(&open, Mode::Events, "/e", HANGUP).await);
    let reply = d
        .ticket
        .run(async { Outcome::Answer(StoredAnswer::ack()) })
        .await;
    assert_eq!(reply.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn acknowledge_first_answers_at_once_and_reports_failures() {
    let failures = Arc::new(AtomicUsize::new(0));
    let f2 = failures.clone();
    let r = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .on_background_failure(move |f| {
            assert!(f.acknowledged_first);
            f2.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let d = fresh(admit(&r, Mode::AcknowledgeFirst, "/e", HANGUP).await);
    let reply = d
        .ticket
        .run(async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            Outcome::Failed
        })
        .await;
    assert_eq!(reply.status(), 200);
    assert_eq!(r.tracker().active(), 1);
    assert!(
        r.drain(Duration::from_secs(5)).await,
        "drains the background handler"
    );
    assert_eq!(failures.load(Ordering::SeqCst), 1);
    assert_eq!(r.stats().background_failures, 1);
}

#[tokio::test(start_paused = true)]
async fn background_work_is_bounded() {
    let r = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .max_background(1)
        .build()
        .unwrap();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    d.ticket
        .run(async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Outcome::Answer(StoredAnswer::ack())
        })
        .await;
    let reply = responded(admit(&r, Mode::Events, "/other", ANSWERED).await);
    assert_eq!(reply, Reply::Rejected(Rejection::Overloaded));
    assert!(
        !r.drain(Duration::from_secs(1)).await,
        "drain times out while a handler runs"
    );
    assert!(r.drain(Duration::from_secs(60)).await);
}

#[tokio::test(start_paused = true)]
async fn vobiz_gets_200_for_any_2xx() {
    let r = Receiver::builder(Provider::Vobiz)
        .auth(Auth::none())
        .build()
        .unwrap();
    let h = [("content-type", "application/x-www-form-urlencoded")];
    let body = b"Event=Hangup&CallUUID=u-1&CallStatus=completed&HangupCause=NORMAL_CLEARING";
    let req = Inbound::new("POST", "/vobiz/events", &h, body);
    let d = fresh(r.admit(Mode::Events, &req, r.start()).await);
    let reply = d
        .ticket
        .run(async {
            Outcome::Answer(StoredAnswer {
                status: 204,
                content_type: None,
                body: Bytes::new(),
            })
        })
        .await;
    assert_eq!(reply.status(), 200);
    let replay = responded(r.admit(Mode::Events, &req, r.start()).await);
    assert_eq!(replay.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_ticket_releases_its_claim() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    drop(d);
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
}

/// `settle` and `run` return futures: one dropped before it is polled still
/// leaves the claim to the ticket's `Drop`, which releases it.
#[tokio::test(start_paused = true)]
async fn an_unpolled_settle_or_run_releases_its_claim() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    drop(d.ticket.settle(Outcome::Answer(StoredAnswer::ack())));
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    drop(d.ticket.run(async { Outcome::Answer(StoredAnswer::ack()) }));
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
}

#[tokio::test(start_paused = true)]
async fn metadata_tells_the_handler_about_the_delivery() {
    let r = receiver();
    let d = fresh(admit(&r, Mode::Answer, "/a", ANSWERED).await);
    assert_eq!(d.meta.provider, Provider::TryVox);
    assert_eq!(d.meta.mode, Mode::Answer);
    assert_eq!(d.meta.verification.secret_index, 0);
    assert_eq!(d.meta.time_left(), Provider::TryVox.default_budget());
}

#[test]
fn a_receiver_needs_explicit_auth() {
    let err = Receiver::builder(Provider::Vobiz).build().unwrap_err();
    assert!(err.to_string().contains("auth"));
}

#[test]
fn a_misconfigured_auth_fails_at_build_time() {
    let cases: &[(&str, Auth)] = &[
        ("empty bearer token", Auth::bearer([""])),
        (
            "invalid whsec_ secret",
            Auth::standard_webhooks(["whsec_%%%not-base64"]),
        ),
        (
            "voxtelesys credentials without a colon",
            Auth::voxtelesys("no-colon"),
        ),
    ];
    for (name, auth) in cases {
        let built = Receiver::builder(Provider::TryVox)
            .auth(auth.clone())
            .build();
        assert!(built.is_err(), "{name}: built anyway");
    }
}

/// A `MemoryStore` whose settle writes (complete, release, renew) fail
/// while `down` is set, as a Redis that dies while a handler runs.
#[derive(Debug, Clone, Default)]
struct SettleOutage {
    store: voxhook_core::dedup::MemoryStore,
    down: Arc<std::sync::atomic::AtomicBool>,
}

impl SettleOutage {
    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }
}

impl DedupStore for SettleOutage {
    fn claim<'a>(&'a self, key: &'a DedupKey, lease: Duration) -> StoreFuture<'a, Claim> {
        self.store.claim(key, lease)
    }
    fn renew<'a>(&'a self, k: &'a DedupKey, t: LeaseToken, l: Duration) -> StoreFuture<'a, bool> {
        if self.is_down() {
            return Box::pin(async { Err(StoreError::msg("down")) });
        }
        self.store.renew(k, t, l)
    }
    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        answer: StoredAnswer,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        if self.is_down() {
            return Box::pin(async { Err(StoreError::msg("down")) });
        }
        self.store.complete(key, token, answer, ttl)
    }
    fn release<'a>(&'a self, key: &'a DedupKey, token: LeaseToken) -> StoreFuture<'a, bool> {
        if self.is_down() {
            return Box::pin(async { Err(StoreError::msg("down")) });
        }
        self.store.release(key, token)
    }
    fn wait<'a>(&'a self, key: &'a DedupKey) -> StoreFuture<'a, WaitOutcome> {
        self.store.wait(key)
    }
}

/// A fresh delivery whose handler settles with `outcome` while the store
/// is down: the store (still down), the receiver and the reply sent.
async fn settled_during_outage(outcome: Outcome) -> (SettleOutage, Receiver, Reply) {
    let store = SettleOutage::default();
    let r = Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .store(store.clone())
        .build()
        .unwrap();
    let d = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    store.set_down(true);
    let reply = d.ticket.run(async move { outcome }).await;
    (store, r, reply)
}

/// Regression (found by the soak with Redis killed under load): the answer
/// of a handler that succeeded while the store was down was never stored;
/// its lease outlived the outage, and once it expired a duplicate ran the
/// handler a second time.
#[tokio::test(start_paused = true)]
async fn an_answer_the_store_missed_is_stored_once_it_is_back() {
    let (store, r, reply) = settled_during_outage(Outcome::Answer(StoredAnswer::ack())).await;
    assert_eq!(reply.status(), 200, "the handler's answer goes out at once");
    tokio::time::sleep(Duration::from_secs(5)).await;
    store.set_down(false);
    // Past the lease the first claim took (budget + late grace).
    tokio::time::sleep(r.budget() + Duration::from_secs(31)).await;
    let again = responded(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert!(
        again.is_replayed(),
        "a duplicate after the outage: {again:?}"
    );
    assert_eq!(r.stats().handled, 1);
    assert!(r.drain(Duration::from_secs(1)).await, "the retry finished");
}

/// Regression (same soak): a release the store missed left the lease in
/// place, so the provider's retry of a failed delivery waited for it to
/// expire instead of running.
#[tokio::test(start_paused = true)]
async fn a_release_the_store_missed_is_applied_once_it_is_back() {
    let (store, r, reply) = settled_during_outage(Outcome::Failed).await;
    assert_eq!(reply, Reply::Rejected(Rejection::HandlerFailed));
    tokio::time::sleep(Duration::from_secs(2)).await;
    store.set_down(false);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let retry = fresh(admit(&r, Mode::Events, "/e", HANGUP).await);
    assert_eq!(retry.meta.prior_failures, 1);
}

/// A store that never comes back: the background retry gives up when the
/// lease would have expired, and shutdown is not held past that.
#[tokio::test(start_paused = true)]
async fn settle_retries_stop_with_the_lease() {
    let (_down, r, _) = settled_during_outage(Outcome::Answer(StoredAnswer::ack())).await;
    assert_eq!(r.tracker().active(), 1, "one write being retried");
    assert!(
        r.drain(r.budget() + Duration::from_secs(32)).await,
        "gave up within the lease"
    );
}
