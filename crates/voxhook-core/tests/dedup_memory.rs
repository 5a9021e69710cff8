//! The shared dedup acceptance suite, run against [`MemoryStore`].

use voxhook_core::dedup::{MemoryStore, acceptance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_passes_the_acceptance_suite() {
    acceptance::run_all(MemoryStore::new).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_memory_store_passes_the_acceptance_suite() {
    // Tight enough that the suite's own entries trigger eviction of settled ones.
    acceptance::run_all(|| MemoryStore::builder().max_entries(8).build()).await;
}
