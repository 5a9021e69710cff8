//! The provider's side: each delivery freshly signed on every attempt,
//! retried on every non-2xx (honouring `Retry-After`, else backing off), with
//! its latency recorded per minute of the run.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::time::Instant;
use voxhook_core::Provider;
use voxhook_core::auth::sign;

use crate::app::{ANSWER_PATH, EVENTS_PATH, TRYVOX_TOKEN, VOXPRIA_SECRET};
use crate::plan::Route;

/// Counters and histograms of the client.
#[derive(Debug)]
pub struct ClientStats {
    /// First deliveries of new events.
    pub new_events: AtomicU64,
    /// Duplicates sent right behind the newest event.
    pub duplicates_concurrent: AtomicU64,
    /// Duplicates of an event from the recent window.
    pub duplicates_later: AtomicU64,
    /// HTTP attempts, retries included.
    pub attempts: AtomicU64,
    /// Deliveries that ended with a 2xx.
    pub acknowledged: AtomicU64,
    /// Deliveries abandoned after the last attempt (must stay 0).
    pub gave_up: AtomicU64,
    /// 2xx answers marked `Voxhook-Replayed: true`.
    pub replayed: AtomicU64,
    /// 2xx answers that were the answer route's fallback VoxML (late handler).
    pub fallbacks: AtomicU64,
    /// Retries sent, by the reason of the attempt before.
    pub retries: Mutex<BTreeMap<String, u64>>,
    /// Non-2xx answers by status.
    pub non_2xx: Mutex<BTreeMap<u16, u64>>,
    /// Attempts that waited for one of the client's connection slots.
    pub slot_waits: AtomicU64,
    minutes: Mutex<Vec<Minute>>,
}

/// Latencies of the attempts sent in one minute of the run.
#[derive(Debug, Clone)]
pub struct Minute {
    /// Every attempt except budget answers, in microseconds.
    pub served: Histogram<u64>,
    /// Attempts answered at the budget (503 `deadline` or the fallback VoxML).
    pub at_budget: u64,
}

impl Minute {
    fn new() -> Self {
        Minute {
            served: Histogram::new_with_bounds(1, 120_000_000, 3).expect("valid bounds"),
            at_budget: 0,
        }
    }
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K) {
    if let Ok(mut map) = map.lock() {
        *map.entry(key).or_default() += 1;
    }
}

impl ClientStats {
    /// Empty statistics.
    pub fn new() -> Self {
        ClientStats {
            new_events: AtomicU64::new(0),
            duplicates_concurrent: AtomicU64::new(0),
            duplicates_later: AtomicU64::new(0),
            attempts: AtomicU64::new(0),
            acknowledged: AtomicU64::new(0),
            gave_up: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
            retries: Mutex::new(BTreeMap::new()),
            non_2xx: Mutex::new(BTreeMap::new()),
            slot_waits: AtomicU64::new(0),
            minutes: Mutex::new(Vec::new()),
        }
    }

    /// The per-minute latencies.
    pub fn minutes(&self) -> Vec<Minute> {
        self.minutes.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn record(&self, minute: usize, latency: Duration, at_budget: bool) {
        let Ok(mut minutes) = self.minutes.lock() else {
            return;
        };
        while minutes.len() <= minute {
            minutes.push(Minute::new());
        }
        let m = &mut minutes[minute];
        if at_budget {
            m.at_budget += 1;
        } else {
            let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
            m.served.saturating_record(us.max(1));
        }
    }
}

impl Default for ClientStats {
    fn default() -> Self {
        Self::new()
    }
}

/// The sending side of a run.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    started: Instant,
    max_attempts: u32,
    backoff: Duration,
    fallback: bytes::Bytes,
    slots: tokio::sync::Semaphore,
    /// What it counted.
    pub stats: ClientStats,
}

/// The body of event `n` on its route.
pub fn body(route: Route, n: u64) -> String {
    match route {
        Route::Events => format!(
            r#"{{"event":"call.completed","timestamp":"2026-11-22T12:00:00Z","data":{{"callId":"call_soak_{n:08}","status":"completed","duration":127,"toNumber":"+14155551234","fromNumber":"+14155550100","campaignId":"cmp_soak","recording":"https://cdn.example.com/rec/{n:08}.mp3","transcript":"Customer confirmed the appointment."}}}}"#
        ),
        Route::Answer => format!(
            r#"{{"event":"call.answered","call_uuid":"soak-{n}","account_id":"AC123456","from":"+919876543210","to":"+14155551234","direction":"outbound"}}"#
        ),
    }
}

impl Client {
    /// A client for the receiver at `base` (`http://127.0.0.1:port`) with
    /// at most `max_in_flight` requests (so connections) open at once, as a
    /// provider's sender has: past it, attempts wait for a slot (counted)
    /// instead of opening ever more connections to a slowed receiver.
    ///
    /// # Errors
    /// The HTTP client cannot be built.
    pub fn new(
        base: String,
        started: Instant,
        max_attempts: u32,
        backoff: Duration,
        max_in_flight: usize,
    ) -> reqwest::Result<Self> {
        // A workspace build unifies in the CLI's `rustls-no-provider`
        // feature, and reqwest then needs a provider even for plain HTTP.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Client {
            http,
            base,
            started,
            max_attempts: max_attempts.max(1),
            backoff,
            fallback: voxhook_core::voxml::fallback(Provider::TryVox).body,
            slots: tokio::sync::Semaphore::new(max_in_flight.max(1)),
            stats: ClientStats::new(),
        })
    }

    /// Sends one delivery of event `n` until it gets a 2xx or runs out of attempts.
    pub async fn deliver(&self, route: Route, n: u64) {
        let body = body(route, n);
        let (path, is_answer) = match route {
            Route::Events => (EVENTS_PATH, false),
            Route::Answer => (ANSWER_PATH, true),
        };
        let url = format!("{}{path}", self.base);
        for attempt in 1..=self.max_attempts {
            let request = self
                .http
                .post(&url)
                .header("content-type", "application/json");
            // Signed afresh each attempt, as providers do (new timestamp).
            let request = match route {
                Route::Events => {
                    let now = unix_now();
                    request.header(
                        "x-webhook-signature",
                        sign::timestamped_hex(VOXPRIA_SECRET, now, body.as_bytes()),
                    )
                }
                Route::Answer => {
                    let (name, value) = sign::bearer(TRYVOX_TOKEN);
                    request.header(name, value)
                }
            };
            let slot = match self.slots.try_acquire() {
                Ok(slot) => slot,
                Err(_) => {
                    self.stats.slot_waits.fetch_add(1, Ordering::Relaxed);
                    match self.slots.acquire().await {
                        Ok(slot) => slot,
                        Err(_) => break,
                    }
                }
            };
            self.stats.attempts.fetch_add(1, Ordering::Relaxed);
            let sent = Instant::now();
            let minute = (sent.duration_since(self.started).as_secs() / 60) as usize;
            let (reason, wait) = match request.body(body.clone()).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let replayed = response.headers().contains_key("voxhook-replayed");
                    let bytes = response.bytes().await.unwrap_or_default();
                    let kind = error_kind(&bytes);
                    let fallback =
                        is_answer && (200..300).contains(&status) && bytes == self.fallback;
                    let at_budget =
                        fallback || (status == 503 && kind.as_deref() == Some("deadline"));
                    self.stats.record(minute, sent.elapsed(), at_budget);
                    if (200..300).contains(&status) {
                        self.stats.acknowledged.fetch_add(1, Ordering::Relaxed);
                        if replayed {
                            self.stats.replayed.fetch_add(1, Ordering::Relaxed);
                        }
                        if fallback {
                            self.stats.fallbacks.fetch_add(1, Ordering::Relaxed);
                        }
                        return;
                    }
                    bump(&self.stats.non_2xx, status);
                    let reason =
                        format!("{status} {}", kind.as_deref().unwrap_or("(no error kind)"));
                    (reason, retry_after.unwrap_or_else(|| self.backoff(attempt)))
                }
                Err(e) => {
                    let reason = if e.is_timeout() {
                        "timeout"
                    } else {
                        "transport error"
                    };
                    (reason.to_owned(), self.backoff(attempt))
                }
            };
            drop(slot);
            if attempt < self.max_attempts {
                bump(&self.stats.retries, reason);
                tokio::time::sleep(wait).await;
            }
        }
        self.stats.gave_up.fetch_add(1, Ordering::Relaxed);
    }

    /// Exponential backoff from the base, capped at eight times it.
    fn backoff(&self, attempt: u32) -> Duration {
        self.backoff * (1_u32 << attempt.saturating_sub(1).min(3))
    }
}

/// The `error` field of a voxhook rejection body.
fn error_kind(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value.get("error")?.as_str()?.to_owned())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds_are_read_from_rejection_bodies_only() {
        let cases: [(&str, &[u8], Option<&str>); 4] = [
            (
                "rejection",
                br#"{"error":"store_unavailable","detail":"x"}"#,
                Some("store_unavailable"),
            ),
            ("empty", b"", None),
            ("voxml", br#"{"actions":[]}"#, None),
            ("xml", b"<Response/>", None),
        ];
        for (name, body, want) in cases {
            assert_eq!(error_kind(body).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn bodies_carry_the_event_number_the_handler_reads() {
        let cases = [
            ("events", Route::Events, Provider::VoxPria),
            ("answer", Route::Answer, Provider::TryVox),
        ];
        for (name, route, provider) in cases {
            let body = body(route, 42);
            let event =
                voxhook_core::Event::parse(provider, Some("application/json"), body.as_bytes())
                    .unwrap();
            let id = event.call_id().unwrap();
            assert_eq!(crate::app::event_number(id), Some(42), "{name}: {id}");
        }
    }
}
