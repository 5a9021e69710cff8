//! Two replicas (two `RedisStore`s, two connections) sharing one Redis:
//! 200 concurrent deliveries of one event spread over both run the handler
//! exactly once, and every delivery gets the same answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use voxhook_core::dedup::{Claim, DedupKey, DedupStore, StoredAnswer, WaitOutcome};
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

const DELIVERIES: usize = 200;

async fn replica(server: &RedisServer) -> RedisStore {
    RedisStore::builder(server.url())
        .key_prefix("replicas:")
        .poll_interval(Duration::from_millis(2), Duration::from_millis(20))
        .build()
        .await
        .expect("store")
}

/// One delivery as the pipeline handles it: claim; fresh runs the handler and
/// completes; done replays; in flight waits for the owner's answer.
async fn deliver(store: RedisStore, key: DedupKey, runs: Arc<AtomicUsize>) -> StoredAnswer {
    match store
        .claim(&key, Duration::from_secs(30))
        .await
        .expect("claim")
    {
        Claim::Fresh { token, .. } => {
            let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
            // Let the other deliveries pile up while the handler "runs".
            for _ in 0..50 {
                tokio::task::yield_now().await;
            }
            let answer = StoredAnswer {
                status: 200,
                content_type: Some(Bytes::from_static(b"application/xml")),
                body: Bytes::from(format!("<Response><Speak>run {n}</Speak></Response>")),
            };
            let stored = store
                .complete(&key, token, answer.clone(), Duration::from_secs(3_600))
                .await
                .expect("complete");
            assert!(stored, "the owner must still own its claim");
            answer
        }
        Claim::Done(answer) => answer,
        Claim::InFlight => {
            let waited = tokio::time::timeout(Duration::from_secs(10), store.wait(&key))
                .await
                .expect("owner finishes")
                .expect("wait");
            match waited {
                WaitOutcome::Done(answer) => answer,
                WaitOutcome::Released => panic!("the owner never releases here"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_run_one_handler_for_200_deliveries() {
    let Some(server) =
        RedisServer::start_or_skip("two_replicas_run_one_handler_for_200_deliveries")
    else {
        return;
    };
    let replicas = [replica(&server).await, replica(&server).await];
    for round in 0u8..3 {
        let key = DedupKey([round; 16]);
        let runs = Arc::new(AtomicUsize::new(0));
        let deliveries: Vec<_> = (0..DELIVERIES)
            .map(|i| {
                let store = replicas[i % 2].clone();
                tokio::spawn(deliver(store, key, Arc::clone(&runs)))
            })
            .collect();
        let mut answers = Vec::with_capacity(DELIVERIES);
        for delivery in deliveries {
            answers.push(delivery.await.expect("delivery task"));
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "round {round}: handler runs"
        );
        let first = &answers[0];
        assert!(first.body.starts_with(b"<Response>"), "round {round}");
        assert!(
            answers.iter().all(|a| a == first),
            "round {round}: answers differ"
        );
    }
}
