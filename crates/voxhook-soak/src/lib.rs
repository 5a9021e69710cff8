//! # voxhook-soak
//!
//! A soak harness for voxhook: a real axum receiver (a VoxPria events route
//! and a TryVox answer route, each behind a `VoxhookLayer`) on 127.0.0.1,
//! driven over HTTP at a steady rate with duplicate deliveries, handlers
//! that fail or run late for a share of events, provider-style retries,
//! and optionally a Redis store killed and restarted during the run. At the
//! end it reconciles what was sent with what the handler did, event by
//! event, and reports memory and latency per minute.
//!
//! Run it with the `voxhook-soak` binary (`--help`); [`run`] is the same
//! harness as a function, for tests.
//!
//! ## The rules
//!
//! - **Fate** of an event (from a hash of its number and the seed): fail
//!   once (its first handler run answers 500; every later run succeeds), late
//!   (its first run sleeps past the route's budget, then succeeds), or normal.
//!   Every run also does `work` of simulated I/O, so concurrent duplicates
//!   meet a running handler.
//! - **Deliveries**: `duplicate` of them re-send an earlier event, half right
//!   behind the newest event (while its handler runs), half one of the events
//!   of the last 30 seconds; the rest are new events.
//! - **Retries**: every non-2xx and every transport error is retried, freshly
//!   signed, after `Retry-After` or else an exponential backoff (base, 2x, 4x,
//!   8x, 8x, ...), up to `max_attempts`.
//! - **Redis faults**: the harness owns its `redis-server`, started with an
//!   append-only file synced on every write, so a `SIGKILL` loses no write
//!   Redis acknowledged, and a restart brings every completed key and lease
//!   back: a duplicate after the restart must be replayed, not re-run.

#![forbid(unsafe_code)]

pub mod app;
pub mod client;
pub mod faults;
pub mod ledger;
pub mod plan;
pub mod report;
pub mod rss;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;
use voxhook_core::dedup::{DedupStore, MemoryStore};
use voxhook_redis::testing::RedisServer;
use voxhook_redis::{DEFAULT_OPERATION_TIMEOUT, RedisStore};

use crate::app::{Handler, Receivers};
use crate::client::Client;
use crate::plan::{Delivery, Plan, Route, Shares};
use crate::report::{Handling, Memory, MinuteFigures, Report};

/// Bytes of resident memory a memory-store key may cost: the measured cost
/// of a key holding a 100-byte answer (`BENCHMARKS.md`: 103 B for an
/// acknowledgement, 231 B with a 100-byte body).
pub const BYTES_PER_KEY: u64 = 231;
/// Resident memory allowed beyond the keys and the connections: runtime,
/// in-flight deliveries and retries, histograms, allocator slack.
pub const FIXED_ALLOWANCE_KIB: u64 = 16 * 1024;
/// Resident memory allowed per request the client may keep open: both
/// ends of its connection (hyper's read and write buffers, the tasks).
/// Measured: a Redis outage at 400/s opened all 512 slots at once and
/// `VmRSS` rose by 34 MiB (about 60 KiB per connection, both ends), then
/// stayed flat through the later outages (the allocator keeps the pages).
pub const PER_CONNECTION_KIB: u64 = 64;

/// Which dedup store the receiver uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// The in-process `MemoryStore`, with this entry cap.
    Memory {
        /// `max_entries`.
        cap: usize,
    },
    /// Redis: `url` to use one already running, or `None` to start one the
    /// harness owns (durable: append-only file, synced on every write).
    Redis {
        /// An external Redis (no faults can be injected into it).
        url: Option<String>,
        /// Kill (SIGKILL) and restart the owned Redis this often.
        kill_every: Option<Duration>,
        /// How long it stays down.
        down_for: Duration,
    },
}

/// A run's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Deliveries (first attempts) per second.
    pub rate: u32,
    /// How long to send.
    pub duration: Duration,
    /// The dedup store.
    pub store: StoreKind,
    /// Shares of duplicates, failures, late handlers and answer-route events.
    pub shares: Shares,
    /// The plan's seed.
    pub seed: u64,
    /// Simulated work of each handler run.
    pub work: Duration,
    /// How far past the budget a late handler runs.
    pub late_by: Duration,
    /// The routes' budget (`None`: the providers' defaults, 4.5 s).
    pub budget: Option<Duration>,
    /// Attempts per delivery before the client gives up.
    pub max_attempts: u32,
    /// First backoff when no `Retry-After` came.
    pub backoff: Duration,
    /// How often `VmRSS` is sampled.
    pub rss_every: Duration,
    /// Requests the client keeps open at most.
    pub max_in_flight: usize,
}

impl Config {
    /// The soak: 20 % duplicates, 1 % failures, 1 % late handlers,
    /// 20 % of events on the answer route.
    pub fn new(rate: u32, duration: Duration, store: StoreKind) -> Self {
        Config {
            rate,
            duration,
            store,
            shares: Shares {
                duplicate: 2_000,
                fail: 100,
                late: 100,
                answer: 2_000,
            },
            seed: 0x5eed,
            work: Duration::from_millis(10),
            late_by: Duration::from_secs(1),
            budget: None,
            max_attempts: 12,
            backoff: Duration::from_secs(1),
            rss_every: Duration::from_secs(5),
            max_in_flight: 512,
        }
    }
}

/// What backs the receivers, and what the harness must keep alive.
struct Backing {
    store: Arc<dyn DedupStore>,
    memory: Option<MemoryStore>,
    redis: Option<Arc<Mutex<RedisServer>>>,
    label: String,
}

fn backing(kind: &StoreKind, budget: Option<Duration>) -> anyhow::Result<Backing> {
    Ok(match kind {
        StoreKind::Memory { cap } => {
            let store = MemoryStore::builder().max_entries(*cap).build();
            Backing {
                store: Arc::new(store.clone()),
                memory: Some(store),
                redis: None,
                label: format!("memory (cap {cap} entries, TTL 24 h)"),
            }
        }
        StoreKind::Redis { url, .. } => {
            let (url, server, label) = match url {
                Some(url) => (url.clone(), None, "redis (external)".to_owned()),
                None => {
                    let server = RedisServer::start_durable()?;
                    let url = server.url();
                    let label = "redis (owned, appendonly yes, appendfsync always)".to_owned();
                    (url, Some(Arc::new(Mutex::new(server))), label)
                }
            };
            // Twice the operation timeout must stay well under the budget
            // (the store's docs): shorter budgets get shorter timeouts.
            let op = budget.map_or(DEFAULT_OPERATION_TIMEOUT, |b| {
                (b / 4).min(DEFAULT_OPERATION_TIMEOUT)
            });
            let store = RedisStore::builder(url)
                .key_prefix(format!("voxhook-soak:{}:", std::process::id()))
                .operation_timeout(op)
                .response_timeout(op / 2)
                .connect_timeout(op / 4)
                .build_lazy()?;
            Backing {
                store: Arc::new(store),
                memory: None,
                redis: server,
                label,
            }
        }
    })
}

/// Runs the soak described by `config` and reconciles it.
///
/// # Errors
/// The receiver, the store, the client or Redis could not be set up, or
/// Redis did not come back after a kill.
pub async fn run(config: Config) -> anyhow::Result<Report> {
    run_until(config, std::future::pending()).await
}

/// [`run`], but sending stops early when `stop` completes (e.g. Ctrl-C);
/// the deliveries already sent still finish and are reconciled, and the
/// Redis the harness started is killed on the way out.
///
/// # Errors
/// As [`run`].
pub async fn run_until(
    config: Config,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<Report> {
    let backing = backing(&config.store, config.budget)?;
    let receivers = Receivers::build(backing.store.clone(), config.budget)?;
    let budget = receivers.voxpria.budget();
    let capacity = usize::try_from(u64::from(config.rate) * config.duration.as_secs().max(1) + 1)?;
    let plan = Plan::new(config.seed, config.shares, u64::from(config.rate) * 30);
    let ledger = Arc::new(ledger::Ledger::new(capacity));
    let handler = Arc::new(Handler {
        ledger: ledger.clone(),
        plan: plan.clone(),
        work: config.work,
        late_for: budget + config.late_by,
    });

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = app::router(&receivers, handler);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let started = Instant::now();
    let until = started + config.duration;
    let client = Arc::new(Client::new(
        base,
        started,
        config.max_attempts,
        config.backoff,
        config.max_in_flight,
    )?);
    let rss_samples = Arc::new(Mutex::new(Vec::new()));
    let start_kib = rss::vm_rss_kib().unwrap_or(0);
    let sampler = tokio::spawn(sample_rss(rss_samples.clone(), started, config.rss_every));
    let faults = match (&config.store, &backing.redis) {
        (
            StoreKind::Redis {
                kill_every: Some(every),
                down_for,
                ..
            },
            Some(server),
        ) => Some(tokio::spawn(faults::kill_schedule(
            server.clone(),
            started,
            *every,
            *down_for,
            until,
        ))),
        (
            StoreKind::Redis {
                kill_every: Some(_),
                ..
            },
            None,
        ) => {
            anyhow::bail!("--kill-redis-every needs a Redis the harness starts (no --redis-url)")
        }
        _ => None,
    };

    let (issued, interrupted) = send(&client, &plan, config.rate, started, until, stop).await;
    let settled = started.elapsed();

    let mut outages = Vec::new();
    if let Some(faults) = faults {
        if interrupted {
            faults.abort();
        }
        if let Ok(done) = faults.await {
            outages = done?;
        }
    }
    let mut drained = true;
    for r in receivers.all() {
        drained &= r.drain(Duration::from_secs(60)).await;
    }
    sampler.abort();
    let end_kib = rss::vm_rss_kib().unwrap_or(0);
    server.abort();

    let samples = rss_samples.lock().map(|s| s.clone()).unwrap_or_default();
    let handling =
        [Route::Events, Route::Answer].map(|r| Handling::reconcile(&ledger, &plan, issued, r));
    let keys = match &config.store {
        StoreKind::Memory { cap } => issued.min(*cap as u64),
        // The keys live in Redis.
        StoreKind::Redis { .. } => 0,
    };
    let connections_kib = config.max_in_flight as u64 * PER_CONNECTION_KIB;
    let bound_rule = format!(
        "start + keys {keys} x {BYTES_PER_KEY} B + {} connections x {PER_CONNECTION_KIB} KiB + {} MiB",
        config.max_in_flight,
        FIXED_ALLOWANCE_KIB / 1_024
    );
    let memory = Memory {
        start_kib,
        max_kib: samples
            .iter()
            .map(|s| s.1)
            .chain([end_kib])
            .max()
            .unwrap_or(0),
        end_kib,
        bound_kib: start_kib + keys * BYTES_PER_KEY / 1_024 + connections_kib + FIXED_ALLOWANCE_KIB,
        bound_rule,
        ledger_bytes: ledger.bytes(),
        store_entries: backing.memory.as_ref().map(MemoryStore::len),
    };
    let minutes = client
        .stats
        .minutes()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let window = (i as u64 * 60)..((i as u64 + 1) * 60);
            let outage = outages.iter().any(|o| window.contains(&o.at.as_secs()));
            let rss_max = samples
                .iter()
                .filter(|s| window.contains(&s.0.as_secs()))
                .map(|s| s.1)
                .max()
                .unwrap_or(0);
            MinuteFigures::of(m, outage, rss_max)
        })
        .collect();
    let stats = &client.stats;
    let load = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Report {
        store: backing.label,
        rate: config.rate,
        sending: if interrupted {
            settled
        } else {
            config.duration
        },
        interrupted,
        settled,
        total: started.elapsed(),
        new_events: load(&stats.new_events),
        duplicates_concurrent: load(&stats.duplicates_concurrent),
        duplicates_later: load(&stats.duplicates_later),
        attempts: load(&stats.attempts),
        acknowledged: load(&stats.acknowledged),
        gave_up: load(&stats.gave_up),
        replayed: load(&stats.replayed),
        fallbacks: load(&stats.fallbacks),
        handling,
        late_started: load(&ledger.late_started),
        late_completed: load(&ledger.late_completed),
        unknown: load(&ledger.unknown),
        drained,
        slot_waits: load(&stats.slot_waits),
        retries: stats.retries.lock().map(|m| m.clone()).unwrap_or_default(),
        non_2xx: stats.non_2xx.lock().map(|m| m.clone()).unwrap_or_default(),
        minutes,
        memory,
        outages,
    })
}

/// Sends deliveries at `rate` per second until `until`, then waits for every
/// delivery (and its retries) to finish. Returns how many new events it sent.
async fn send(
    client: &Arc<Client>,
    plan: &Plan,
    rate: u32,
    started: Instant,
    until: Instant,
    stop: impl std::future::Future<Output = ()>,
) -> (u64, bool) {
    let mut stop = std::pin::pin!(stop);
    let mut interrupted = false;
    let mut tasks = JoinSet::new();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let (mut seq, mut issued) = (0_u64, 0_u64);
    let ledger_cap = u64::from(rate) * until.duration_since(started).as_secs().max(1) + 1;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = &mut stop => interrupted = true,
        }
        let now = Instant::now().min(until);
        let due = (now.duration_since(started).as_secs_f64() * f64::from(rate)) as u64;
        while seq < due {
            let delivery = match plan.delivery(seq, issued) {
                Delivery::New(_) if issued >= ledger_cap => Delivery::Duplicate {
                    event: issued - 1,
                    concurrent: true,
                },
                d => d,
            };
            let stats = &client.stats;
            let event = match delivery {
                Delivery::New(n) => {
                    issued += 1;
                    stats
                        .new_events
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    n
                }
                Delivery::Duplicate { event, concurrent } => {
                    let counter = if concurrent {
                        &stats.duplicates_concurrent
                    } else {
                        &stats.duplicates_later
                    };
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    event
                }
            };
            let client = client.clone();
            let route = plan.route(event);
            tasks.spawn(async move { client.deliver(route, event).await });
            seq += 1;
        }
        while tasks.try_join_next().is_some() {}
        if now >= until || interrupted {
            break;
        }
    }
    while tasks.join_next().await.is_some() {}
    (issued, interrupted)
}

/// Samples `VmRSS` every `every`: `(time since start, KiB)`.
async fn sample_rss(samples: Arc<Mutex<Vec<(Duration, u64)>>>, started: Instant, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let (Some(kib), Ok(mut s)) = (rss::vm_rss_kib(), samples.lock()) {
            s.push((started.elapsed(), kib));
        }
    }
}
