//! The core's shared dedup acceptance suite, run against a real `redis-server`.

use voxhook_core::dedup::acceptance;
use voxhook_redis::RedisStore;
use voxhook_redis::testing::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_passes_the_dedup_acceptance_suite() {
    let Some(server) = RedisServer::start_or_skip("redis_store_passes_the_dedup_acceptance_suite")
    else {
        return;
    };
    let store = RedisStore::builder(server.url())
        .key_prefix("acceptance:")
        .build()
        .await
        .expect("store");
    acceptance::run_all(|| store.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_case_on_its_own_connection() {
    let Some(server) = RedisServer::start_or_skip("each_case_on_its_own_connection") else {
        return;
    };
    let url = server.url();
    acceptance::run_all(|| {
        RedisStore::builder(url.as_str())
            .build_lazy()
            .expect("store")
    })
    .await;
}
