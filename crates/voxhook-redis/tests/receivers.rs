//! Two `Receiver`s (two replicas) sharing one Redis through `RedisStore`:
//! the whole pipeline (authenticate → decode → claim → handler → settle).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use voxhook_core::auth::Auth;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::pipeline::{Admission, Mode, Outcome, Receiver, Reply};
use voxhook_core::{Inbound, Provider, Rejection};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const TOKEN: &str = "replica-token";
const DELIVERIES: usize = 200;

fn answered(call: &str) -> Vec<u8> {
    format!(r#"{{"event":"call.answered","call_uuid":"{call}","from":"+14155550100","to":"+14155550111"}}"#)
        .into_bytes()
}

async fn replica(server: &RedisServer) -> Receiver {
    let store = RedisStore::builder(server.url())
        .key_prefix("receivers:")
        .operation_timeout(Duration::from_millis(300))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(50))
        .build()
        .await
        .expect("store");
    Receiver::builder(Provider::TryVox)
        .auth(Auth::bearer([TOKEN]))
        .store(store)
        .build()
        .expect("receiver")
}

/// One delivery through `receiver`, as an adapter runs it.
async fn deliver(receiver: Receiver, body: Arc<Vec<u8>>, runs: Arc<AtomicUsize>) -> Reply {
    let headers = vec![
        ("authorization".to_owned(), format!("Bearer {TOKEN}")),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    let req = Inbound::new("POST", "/tryvox/answer", &headers, &body);
    match receiver.admit(Mode::Answer, &req, receiver.start()).await {
        Admission::Respond(reply) => reply,
        Admission::Run(delivery) => {
            delivery
                .ticket
                .run(async move {
                    let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    // Let the other deliveries arrive while this one runs.
                    for _ in 0..50 {
                        tokio::task::yield_now().await;
                    }
                    Outcome::Answer(StoredAnswer {
                        status: 200,
                        content_type: Some(Bytes::from_static(b"application/json")),
                        body: Bytes::from(format!(
                            r#"{{"voxml_version":"1.0","instructions":[{{"verb":"Say","text":"run {n}"}}]}}"#
                        )),
                    })
                })
                .await
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receivers_run_one_handler_for_200_identical_deliveries() {
    let Some(server) =
        RedisServer::start_or_skip("two_receivers_run_one_handler_for_200_identical_deliveries")
    else {
        return;
    };
    let replicas = [replica(&server).await, replica(&server).await];
    let body = Arc::new(answered("c-replicas"));
    let runs = Arc::new(AtomicUsize::new(0));
    let deliveries: Vec<_> = (0..DELIVERIES)
        .map(|i| {
            let receiver = replicas[i % 2].clone();
            tokio::spawn(deliver(receiver, Arc::clone(&body), Arc::clone(&runs)))
        })
        .collect();
    let mut replies = Vec::with_capacity(DELIVERIES);
    for delivery in deliveries {
        replies.push(delivery.await.expect("delivery task"));
    }

    assert_eq!(runs.load(Ordering::SeqCst), 1, "handler runs");
    let replayed = replies.iter().filter(|r| r.is_replayed()).count();
    assert_eq!(replayed, DELIVERIES - 1, "every duplicate is a replay");
    let responses: Vec<_> = replies.into_iter().map(Reply::into_http_response).collect();
    let first = &responses[0];
    assert_eq!(first.status(), 200);
    assert!(
        first.body().starts_with(br#"{"voxml_version""#),
        "{:?}",
        first.body()
    );
    for (i, r) in responses.iter().enumerate() {
        assert_eq!(r.status(), first.status(), "delivery {i}: status");
        assert_eq!(r.body(), first.body(), "delivery {i}: body");
        assert_eq!(
            r.headers()["content-type"],
            first.headers()["content-type"],
            "delivery {i}: content type"
        );
    }
    let handled: u64 = replicas.iter().map(|r| r.stats().handled).sum();
    assert_eq!(handled, 1, "stats: handled across both replicas");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frozen_redis_gives_503_and_the_retry_runs_once() {
    let Some(server) = RedisServer::start_or_skip("frozen_redis_gives_503_and_the_retry_runs_once")
    else {
        return;
    };
    let [a, b] = [replica(&server).await, replica(&server).await];
    let body = Arc::new(answered("c-outage"));
    let runs = Arc::new(AtomicUsize::new(0));

    server.pause().expect("SIGSTOP");
    for (name, receiver) in [("replica a", &a), ("replica b", &b)] {
        let reply = deliver(receiver.clone(), Arc::clone(&body), Arc::clone(&runs)).await;
        assert_eq!(
            reply,
            Reply::Rejected(Rejection::StoreUnavailable),
            "{name}"
        );
        let response = reply.into_http_response();
        assert_eq!(response.status(), 503, "{name}");
        assert_eq!(response.headers()["retry-after"], "1", "{name}");
        let text = String::from_utf8_lossy(response.body()).into_owned();
        assert!(
            !text.contains("redis") && !text.contains("127.0.0.1"),
            "{name}: {text}"
        );
    }
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "fail closed: no handler ran"
    );
    server.resume().expect("SIGCONT");

    // The provider retries (on either replica) until one is processed, once.
    let mut first = None;
    for attempt in 0..200 {
        let receiver = if attempt % 2 == 0 { &a } else { &b };
        let reply = deliver(receiver.clone(), Arc::clone(&body), Arc::clone(&runs)).await;
        if reply.status() == 200 {
            first = Some(reply);
            break;
        }
        tokio::task::yield_now().await;
    }
    let first = first.expect("a retry succeeds once redis is back");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "processed once");
    let again = deliver(b.clone(), Arc::clone(&body), Arc::clone(&runs)).await;
    assert!(again.is_replayed());
    assert_eq!(
        again.into_http_response().body(),
        first.into_http_response().body()
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1, "never twice");
}
