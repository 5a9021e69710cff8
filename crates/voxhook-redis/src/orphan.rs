//! Taking back claims whose reply was lost.
//!
//! A claim that timed out may still run on Redis later (a frozen or
//! overloaded server executes its socket backlog when it recovers). The
//! delivery was refused, so its retry must not meet an in-flight lease that
//! nobody owns. Only this process knows the token, so it retries the abandon
//! script for a few seconds: it is a no-op when the claim never ran.

use std::time::Duration;

use voxhook_core::dedup::{DedupKey, LeaseToken};

use crate::store::RedisStore;

/// Pauses before each attempt: quick at first, then spread over ~8 s.
const SCHEDULE: [Duration; 6] = [
    Duration::ZERO,
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// After this many answered attempts that found nothing, the claim is taken
/// to have never run (Redis runs one connection's commands in order, and a
/// backlog from a dropped connection runs as soon as Redis reads it again).
const CONFIRMATIONS: usize = 2;

/// Spawns the background abandon of `token`'s claim on `key`.
pub(crate) fn abandon_later(store: RedisStore, key: DedupKey, token: LeaseToken) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut not_found = 0;
        for pause in SCHEDULE {
            tokio::time::sleep(pause).await;
            match store.abandon(&key, token).await {
                Ok(true) => return,
                Ok(false) => {
                    not_found += 1;
                    if not_found == CONFIRMATIONS {
                        return;
                    }
                }
                Err(_) => {}
            }
        }
    });
}
