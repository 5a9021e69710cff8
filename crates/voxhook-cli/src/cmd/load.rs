//! `voxhook load`: realistic signed deliveries at a rate, a share of them duplicates.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::Semaphore;
use voxhook_core::Provider;

use crate::check::{self, display_name};
use crate::cli::LoadArgs;
use crate::delivery::{self, Prepared, is_success};
use crate::exit::{Outcome, usage};
use crate::secret::{self, Secret};
use crate::style::Style;
use crate::templates;

/// How many answered originals are kept to draw duplicates from.
const KEEP_ORIGINALS: usize = 1024;

#[derive(Debug, Default)]
struct Stats {
    latencies: Vec<Duration>,
    statuses: BTreeMap<String, u64>,
    deadline_misses: u64,
    failures: u64,
    /// Answers that are not valid VoxML for the provider, when the kind waits for VoxML.
    invalid_answers: u64,
    invalid_example: Option<String>,
    duplicates: u64,
    /// Duplicates answered with `Voxhook-Replayed: true` (from the dedup store).
    replayed: u64,
    mismatches: u64,
    mismatch_examples: Vec<String>,
    /// Answered originals: the delivery and its (status, body).
    originals: Vec<(Prepared, u16, Bytes)>,
}

struct Shared {
    url: String,
    provider: Provider,
    secret: Secret,
    expect_voxml: bool,
    client: reqwest::Client,
    stats: Mutex<Stats>,
}

pub(crate) async fn run(args: LoadArgs) -> anyhow::Result<Outcome> {
    let provider = delivery::provider_for(&args.url, args.delivery.provider)?;
    if args.rate == 0 || args.concurrency == 0 || args.duration.is_zero() {
        return Err(usage(
            "--rate, --concurrency and --duration must be above zero",
        ));
    }
    let secrets = secret::from_process(&args.secret, provider)?;
    // Validate the delivery once, so a bad --event is a usage error before any traffic.
    delivery::prepare(provider, &args.delivery)?.sign(&args.url, &secrets[0])?;
    let total = (args.duration.as_secs_f64() * f64::from(args.rate))
        .ceil()
        .max(1.0) as u64;
    let shared = Arc::new(Shared {
        url: args.url.clone(),
        provider,
        secret: secrets[0].clone(),
        expect_voxml: templates::expects_answer(provider, &args.delivery.event)
            && args.delivery.body_file.is_none(),
        client: delivery::client(args.timeout)?,
        stats: Mutex::new(Stats::default()),
    });
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let sem = Arc::new(Semaphore::new(args.concurrency));
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.rate)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    for _ in 0..total {
        ticker.tick().await;
        let permit = Arc::clone(&sem).acquire_owned().await?;
        let original = (rand::random::<f64>() < args.duplicates)
            .then(|| pick_original(&shared))
            .flatten();
        let prepared = match &original {
            Some((p, _, _)) => p.clone(),
            None => delivery::prepare(provider, &args.delivery)?,
        };
        let shared = Arc::clone(&shared);
        let bar = bar.clone();
        tokio::spawn(async move {
            one(&shared, prepared, original.map(|(_, s, b)| (s, b))).await;
            bar.inc(1);
            drop(permit);
        });
    }
    // Wait for every request in flight.
    let _all = sem
        .acquire_many(u32::try_from(args.concurrency).unwrap_or(u32::MAX))
        .await?;
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    let stats = std::mem::take(&mut *shared.stats.lock().unwrap_or_else(PoisonError::into_inner));
    let style = Style::stdout();
    out!(
        "{}",
        report(&stats, provider, total, elapsed, args.rate, style)
    );
    let ok = stats.mismatches == 0
        && stats.deadline_misses == 0
        && stats.failures == 0
        && stats.invalid_answers == 0;
    Ok(Outcome::from_ok(ok))
}

fn pick_original(shared: &Shared) -> Option<(Prepared, u16, Bytes)> {
    let stats = shared.stats.lock().unwrap_or_else(PoisonError::into_inner);
    if stats.originals.is_empty() {
        return None;
    }
    let i = rand::random::<u32>() as usize % stats.originals.len();
    stats.originals.get(i).cloned()
}

async fn one(shared: &Shared, prepared: Prepared, original: Option<(u16, Bytes)>) {
    let result = match prepared.sign(&shared.url, &shared.secret) {
        Ok(signed) => delivery::send(&shared.client, &signed).await,
        Err(_) => return,
    };
    let mut stats = shared.stats.lock().unwrap_or_else(PoisonError::into_inner);
    let answer = match result {
        Ok(a) => a,
        Err(e) => {
            let kind = if e.is_timeout() {
                "error: timeout"
            } else if e.is_connect() {
                "error: connect"
            } else {
                "error: other"
            };
            *stats.statuses.entry(kind.to_string()).or_default() += 1;
            stats.failures += 1;
            if e.is_timeout() {
                stats.deadline_misses += 1;
            }
            return;
        }
    };
    stats.latencies.push(answer.latency);
    *stats.statuses.entry(answer.status.to_string()).or_default() += 1;
    if check::deadline_problem(shared.provider, answer.latency).is_some() {
        stats.deadline_misses += 1;
    }
    let success = is_success(shared.provider, answer.status);
    if !success {
        stats.failures += 1;
    } else if shared.expect_voxml {
        let problems =
            check::voxml_problems(shared.provider, answer.header("content-type"), &answer.body);
        if let Some(first) = problems.first() {
            stats.invalid_answers += 1;
            stats.invalid_example.get_or_insert_with(|| first.clone());
        }
    }
    match original {
        Some((status, body)) => {
            stats.duplicates += 1;
            if answer.header("voxhook-replayed") == Some("true") {
                stats.replayed += 1;
            }
            if status != answer.status || body != answer.body {
                stats.mismatches += 1;
                if stats.mismatch_examples.len() < 3 {
                    let ex = format!(
                        "{} {}: first {status} {:?}, duplicate {} {:?}",
                        prepared.provider,
                        prepared.kind,
                        String::from_utf8_lossy(&body),
                        answer.status,
                        String::from_utf8_lossy(&answer.body),
                    );
                    stats.mismatch_examples.push(ex);
                }
            }
        }
        None if success && stats.originals.len() < KEEP_ORIGINALS => {
            stats.originals.push((prepared, answer.status, answer.body));
        }
        None => {}
    }
}

/// The `p`-quantile (0..=1) of sorted latencies, nearest rank.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn report(
    stats: &Stats,
    provider: Provider,
    total: u64,
    elapsed: Duration,
    rate: u32,
    style: Style,
) -> String {
    let mut sorted = stats.latencies.clone();
    sorted.sort_unstable();
    let secs = elapsed.as_secs_f64().max(f64::EPSILON);
    let statuses: Vec<String> = stats
        .statuses
        .iter()
        .map(|(s, n)| format!("{s} ×{n}"))
        .collect();
    let mut out = format!(
        "sent {total} deliveries in {secs:.2} s: {:.1} req/s (target {rate})\n",
        total as f64 / secs
    );
    out += &format!(
        "latency   p50 {}  p90 {}  p99 {}  max {}\n",
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.90)),
        ms(percentile(&sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
    );
    out += &format!("status    {}\n", statuses.join("  "));
    let misses = format!(
        "deadline misses: {} (over {}, the {} deadline)",
        stats.deadline_misses,
        check::show_deadline(provider),
        display_name(provider)
    );
    out += &if stats.deadline_misses == 0 {
        style.good(&misses)
    } else {
        style.bad(&misses)
    };
    out.push('\n');
    let dups = format!(
        "duplicates: {} sent, {} answered as replays (Voxhook-Replayed), {} mismatched answers",
        stats.duplicates, stats.replayed, stats.mismatches
    );
    out += &if stats.mismatches == 0 {
        style.good(&dups)
    } else {
        style.bad(&dups)
    };
    out.push('\n');
    for ex in &stats.mismatch_examples {
        out += &format!("  {ex}\n");
    }
    if stats.invalid_answers > 0 {
        out += &style.bad(&format!(
            "{} answers were not valid VoxML, e.g. {}\n",
            stats.invalid_answers,
            stats.invalid_example.as_deref().unwrap_or("")
        ));
    }
    if stats.failures > 0 {
        out += &style.bad(&format!(
            "{} deliveries were not accepted as {} expects\n",
            stats.failures,
            display_name(provider)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let cases = [
            ("p50", 0.5, 50),
            ("p90", 0.9, 90),
            ("p99", 0.99, 99),
            ("p100", 1.0, 100),
        ];
        for (name, p, want) in cases {
            assert_eq!(percentile(&v, p), Duration::from_millis(want), "{name}");
        }
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
        assert_eq!(percentile(&v[..1], 0.01), Duration::from_millis(1));
    }

    #[test]
    fn report_names_misses_and_mismatches() {
        let mut stats = Stats {
            latencies: vec![Duration::from_millis(3)],
            duplicates: 4,
            ..Stats::default()
        };
        stats.statuses.insert("200".into(), 10);
        let style = Style::stdout();
        let r = report(
            &stats,
            Provider::Vobiz,
            10,
            Duration::from_secs(1),
            10,
            style,
        );
        assert!(
            r.contains(
                "duplicates: 4 sent, 0 answered as replays (Voxhook-Replayed), 0 mismatched answers"
            ),
            "{r}"
        );
        assert!(
            r.contains("deadline misses: 0 (over 3 s, the Vobiz deadline)"),
            "{r}"
        );
        assert!(r.contains("200 ×10"), "{r}");
    }
}
