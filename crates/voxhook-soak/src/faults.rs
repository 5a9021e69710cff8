//! The `redis-server` the harness owns, and the schedule that kills and
//! restarts it during the run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use voxhook_redis::testing::RedisServer;

/// One outage: when it began (since the start of the run) and how long
/// Redis was unreachable (kill to answering `PING` again).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outage {
    /// Seconds into the run.
    pub at: Duration,
    /// Kill to ready.
    pub down: Duration,
}

/// Kills Redis every `every` (SIGKILL, like a crash), keeps it down for
/// `down_for`, restarts it on the same port, until `until`. Returns the outages.
///
/// # Errors
/// Redis did not come back after a kill.
pub async fn kill_schedule(
    server: Arc<Mutex<RedisServer>>,
    started: Instant,
    every: Duration,
    down_for: Duration,
    until: Instant,
) -> std::io::Result<Vec<Outage>> {
    let mut outages = Vec::new();
    let mut next = started + every;
    while next + down_for < until {
        tokio::time::sleep_until(next).await;
        let killed = Instant::now();
        with_server(&server, |s| {
            s.stop();
            Ok(())
        })
        .await?;
        tokio::time::sleep(down_for).await;
        with_server(&server, RedisServer::restart).await?;
        outages.push(Outage {
            at: killed.duration_since(started),
            down: killed.elapsed(),
        });
        next += every;
    }
    Ok(outages)
}

/// Runs a blocking server operation (restart waits for `PING`) off the runtime.
async fn with_server(
    server: &Arc<Mutex<RedisServer>>,
    op: fn(&mut RedisServer) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let server = server.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = server
            .lock()
            .map_err(|_| std::io::Error::other("redis server lock poisoned"))?;
        op(&mut guard)
    })
    .await
    .map_err(std::io::Error::other)?
}
