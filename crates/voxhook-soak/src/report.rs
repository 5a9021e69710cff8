//! The reconciliation: what was sent against what the handler did, and the
//! report printed at the end of a run.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::client::Minute;
use crate::faults::Outage;
use crate::ledger::Ledger;
use crate::plan::{Fate, Plan, Route};

/// What the handler did, reconciled event by event against the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handling {
    /// Distinct events sent.
    pub events: u64,
    /// Events whose fate was to fail once.
    pub fail_events: u64,
    /// Events whose fate was to be late.
    pub late_events: u64,
    /// Events handled successfully exactly once.
    pub handled_once: u64,
    /// Events never handled successfully (lost).
    pub never_handled: u64,
    /// Events handled successfully more than once.
    pub handled_more: u64,
    /// Handler runs beyond the rule (1 run, 2 for a fail-once event): a
    /// duplicate or retry that ran the handler again.
    pub extra_runs: u64,
    /// Events whose failed runs differ from the rule (1 for fail-once, else 0).
    pub failure_mismatch: u64,
    /// Up to ten offending events: number, fate, `[started, succeeded, failed]`.
    pub examples: Vec<(u64, Fate, [u16; 3])>,
}

impl Handling {
    /// Reconciles the events of `route` among the first `events` of
    /// `ledger` with `plan`.
    pub fn reconcile(ledger: &Ledger, plan: &Plan, events: u64, route: Route) -> Self {
        let mut h = Handling::default();
        for (n, [started, succeeded, failed]) in ledger.counts(events) {
            if plan.route(n) != route {
                continue;
            }
            h.events += 1;
            let fate = plan.fate(n);
            let fails = u16::from(fate == Fate::FailOnce);
            match fate {
                Fate::FailOnce => h.fail_events += 1,
                Fate::Late => h.late_events += 1,
                Fate::Normal => {}
            }
            match succeeded {
                0 => h.never_handled += 1,
                1 => h.handled_once += 1,
                _ => h.handled_more += 1,
            }
            let extra = started.saturating_sub(1 + fails);
            h.extra_runs += u64::from(extra);
            if failed != fails {
                h.failure_mismatch += 1;
            }
            let wrong = succeeded != 1 || extra > 0 || failed != fails;
            if wrong && h.examples.len() < 10 {
                h.examples.push((n, fate, [started, succeeded, failed]));
            }
        }
        h
    }
}

/// Latency of one minute of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteFigures {
    /// Attempts measured (budget answers excluded).
    pub count: u64,
    /// Median, microseconds.
    pub p50_us: u64,
    /// 99th percentile, microseconds.
    pub p99_us: u64,
    /// Slowest, microseconds.
    pub max_us: u64,
    /// Attempts answered at the budget (late handler or a duplicate waiting on one).
    pub at_budget: u64,
    /// Whether a Redis outage began in this minute.
    pub outage: bool,
    /// Largest `VmRSS` sampled in the minute, KiB.
    pub rss_max_kib: u64,
}

impl MinuteFigures {
    /// Figures of `minute`.
    pub fn of(minute: &Minute, outage: bool, rss_max_kib: u64) -> Self {
        let h = &minute.served;
        MinuteFigures {
            count: h.len(),
            p50_us: h.value_at_quantile(0.50),
            p99_us: h.value_at_quantile(0.99),
            max_us: h.max(),
            at_budget: minute.at_budget,
            outage,
            rss_max_kib,
        }
    }
}

/// Resident memory over the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS` when the run started (app built, ledger allocated), KiB.
    pub start_kib: u64,
    /// Largest sample, KiB.
    pub max_kib: u64,
    /// At the end, KiB.
    pub end_kib: u64,
    /// The bound the maximum must stay under, KiB.
    pub bound_kib: u64,
    /// How the bound was computed.
    pub bound_rule: String,
    /// Bytes of the harness's own per-event ledger (in `start_kib`).
    pub ledger_bytes: usize,
    /// Entries in the memory store at the end (`None` for Redis).
    pub store_entries: Option<usize>,
}

/// Everything a run measured, and its verdict.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// `memory` or `redis` (and how Redis was run).
    pub store: String,
    /// Deliveries per second asked for.
    pub rate: u32,
    /// How long deliveries were sent.
    pub sending: Duration,
    /// Whether sending was interrupted (Ctrl-C) before the duration.
    pub interrupted: bool,
    /// Attempts that waited for a client connection slot (client saturated).
    pub slot_waits: u64,
    /// From the first delivery until the last one (and its retries) ended.
    pub settled: Duration,
    /// From the first delivery to the end of reconciliation.
    pub total: Duration,
    /// First deliveries of new events.
    pub new_events: u64,
    /// Duplicates sent right behind their original.
    pub duplicates_concurrent: u64,
    /// Duplicates of an event from the recent window.
    pub duplicates_later: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    /// Deliveries that ended with a 2xx.
    pub acknowledged: u64,
    /// Deliveries abandoned.
    pub gave_up: u64,
    /// 2xx answers replayed from the store.
    pub replayed: u64,
    /// Fallback VoxML answers (answer route, late handler).
    pub fallbacks: u64,
    /// The handler's side: the events route, then the answer route.
    pub handling: [Handling; 2],
    /// Late handler runs started.
    pub late_started: u64,
    /// Late handler runs finished.
    pub late_completed: u64,
    /// Deliveries the handler could not place.
    pub unknown: u64,
    /// Whether background (late) handlers drained at the end.
    pub drained: bool,
    /// Retries sent, by the reason of the attempt before.
    pub retries: BTreeMap<String, u64>,
    /// Non-2xx answers by status.
    pub non_2xx: BTreeMap<u16, u64>,
    /// Per minute of the run.
    pub minutes: Vec<MinuteFigures>,
    /// Memory.
    pub memory: Memory,
    /// Redis outages.
    pub outages: Vec<Outage>,
}

/// One reconciliation check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked.
    pub name: &'static str,
    /// Whether it held.
    pub ok: bool,
    /// The figures behind it.
    pub detail: String,
}

impl Report {
    /// Deliveries sent (first attempts): new events and duplicates.
    pub fn deliveries(&self) -> u64 {
        self.new_events + self.duplicates_concurrent + self.duplicates_later
    }

    /// The checks; the run passes when all hold.
    pub fn checks(&self) -> Vec<Check> {
        let [ev, an] = &self.handling;
        let once = |name, h: &Handling| Check {
            name,
            ok: h.handled_once == h.events,
            detail: format!(
                "{} of {} once, {} never, {} more than once",
                h.handled_once, h.events, h.never_handled, h.handled_more
            ),
        };
        let late_events = ev.late_events + an.late_events;
        let mut checks = vec![
            Check {
                name: "every delivery acknowledged (2xx), none abandoned",
                ok: self.gave_up == 0 && self.acknowledged == self.deliveries(),
                detail: format!(
                    "{} of {} acknowledged, {} abandoned",
                    self.acknowledged,
                    self.deliveries(),
                    self.gave_up
                ),
            },
            Check {
                name: "distinct events reconciled = new events sent",
                ok: ev.events + an.events == self.new_events,
                detail: format!(
                    "{} events route + {} answer route, {} sent",
                    ev.events, an.events, self.new_events
                ),
            },
            once(
                "events route: every event handled successfully exactly once",
                ev,
            ),
            once(
                "answer route: every event handled successfully exactly once",
                an,
            ),
            Check {
                name: "no duplicate or retry ran the handler beyond the rule",
                ok: ev.extra_runs + an.extra_runs == 0,
                detail: format!("{} extra runs", ev.extra_runs + an.extra_runs),
            },
            Check {
                name: "fail-once events failed exactly once, others never",
                ok: ev.failure_mismatch + an.failure_mismatch == 0,
                detail: format!(
                    "{} fail-once events, {} mismatches",
                    ev.fail_events + an.fail_events,
                    ev.failure_mismatch + an.failure_mismatch
                ),
            },
            Check {
                name: "every late handler started and completed",
                ok: self.late_started == late_events && self.late_completed == self.late_started,
                detail: format!(
                    "{late_events} late events, {} started, {} completed",
                    self.late_started, self.late_completed
                ),
            },
            Check {
                name: "background handlers drained, no unknown event",
                ok: self.drained && self.unknown == 0,
                detail: format!("drained: {}, unknown: {}", self.drained, self.unknown),
            },
            Check {
                name: "resident memory under the bound",
                ok: self.memory.max_kib <= self.memory.bound_kib,
                detail: format!(
                    "max {} KiB, bound {} KiB",
                    self.memory.max_kib, self.memory.bound_kib
                ),
            },
        ];
        checks.push(self.flat_p99());
        checks
    }

    /// p99 of every full minute without a Redis outage within twice the
    /// median of those minutes' p99 plus 20 ms.
    fn flat_p99(&self) -> Check {
        let full = self.minutes.len().saturating_sub(1).max(1);
        let mut p99s: Vec<u64> = self
            .minutes
            .iter()
            .take(full)
            .filter(|m| !m.outage && m.count > 0)
            .map(|m| m.p99_us)
            .collect();
        p99s.sort_unstable();
        let median = p99s.get(p99s.len() / 2).copied().unwrap_or(0);
        let limit = 2 * median + 20_000;
        let worst = p99s.last().copied().unwrap_or(0);
        if p99s.is_empty() {
            return Check {
                name: "p99 flat",
                ok: true,
                detail: "no full minute without an outage to judge".to_owned(),
            };
        }
        Check {
            name: "p99 flat (full minutes without an outage: <= 2 x median p99 + 20 ms)",
            ok: worst <= limit,
            detail: format!(
                "median minute p99 {:.1} ms, worst {:.1} ms, limit {:.1} ms",
                ms(median),
                ms(worst),
                ms(limit)
            ),
        }
    }

    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.checks().iter().all(|c| c.ok)
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1_000.0
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1_024.0
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "voxhook soak report")?;
        writeln!(
            f,
            "  store {}, rate {}/s, sending {:.0} s, all deliveries settled at {:.1} s, total {:.1} s",
            self.store,
            self.rate,
            self.sending.as_secs_f64(),
            self.settled.as_secs_f64(),
            self.total.as_secs_f64()
        )?;
        writeln!(
            f,
            "  deliveries {} = {} new events ({} on the answer route) + {} concurrent duplicates + {} later duplicates",
            self.deliveries(),
            self.new_events,
            self.handling[1].events,
            self.duplicates_concurrent,
            self.duplicates_later
        )?;
        writeln!(
            f,
            "  attempts {}, acknowledged {}, abandoned {}, replayed {}, fallback VoxML {}, waited for a client slot {}{}",
            self.attempts,
            self.acknowledged,
            self.gave_up,
            self.replayed,
            self.fallbacks,
            self.slot_waits,
            if self.interrupted {
                " (INTERRUPTED)"
            } else {
                ""
            }
        )?;
        for (route, h) in ["events route", "answer route"].iter().zip(&self.handling) {
            writeln!(
                f,
                "  {route}: {} events, {} handled once, {} never, {} more than once, {} extra runs; {} fail-once, {} late",
                h.events,
                h.handled_once,
                h.never_handled,
                h.handled_more,
                h.extra_runs,
                h.fail_events,
                h.late_events,
            )?;
            for (n, fate, [started, succeeded, failed]) in &h.examples {
                writeln!(
                    f,
                    "    event {n} ({fate:?}): started {started}, succeeded {succeeded}, failed {failed}"
                )?;
            }
        }
        writeln!(
            f,
            "  late handlers: {} started, {} completed",
            self.late_started, self.late_completed
        )?;
        writeln!(f, "  non-2xx by status:")?;
        for (status, count) in &self.non_2xx {
            writeln!(f, "    {status}: {count}")?;
        }
        writeln!(f, "  retries by reason:")?;
        for (reason, count) in &self.retries {
            writeln!(f, "    {reason}: {count}")?;
        }
        if !self.outages.is_empty() {
            writeln!(f, "  redis outages (SIGKILL, restart):")?;
            for o in &self.outages {
                writeln!(
                    f,
                    "    at {:.1} s, down {:.2} s",
                    o.at.as_secs_f64(),
                    o.down.as_secs_f64()
                )?;
            }
        }
        let m = &self.memory;
        writeln!(
            f,
            "  VmRSS: start {:.1} MiB, max {:.1} MiB, end {:.1} MiB; bound {:.1} MiB ({}); ledger {:.1} MiB{}",
            mib(m.start_kib),
            mib(m.max_kib),
            mib(m.end_kib),
            mib(m.bound_kib),
            m.bound_rule,
            m.ledger_bytes as f64 / 1_048_576.0,
            m.store_entries
                .map(|n| format!("; store entries at the end {n}"))
                .unwrap_or_default()
        )?;
        writeln!(
            f,
            "  minute  attempts  p50 ms  p99 ms   max ms  at budget  VmRSS max MiB"
        )?;
        for (i, m) in self.minutes.iter().enumerate() {
            writeln!(
                f,
                "  {:>6}  {:>8}  {:>6.2}  {:>6.2}  {:>7.1}  {:>9}  {:>13.1}{}",
                i + 1,
                m.count,
                ms(m.p50_us),
                ms(m.p99_us),
                ms(m.max_us),
                m.at_budget,
                mib(m.rss_max_kib),
                if m.outage { "  (redis outage)" } else { "" }
            )?;
        }
        writeln!(f, "  checks:")?;
        for c in self.checks() {
            writeln!(
                f,
                "    [{}] {}: {}",
                if c.ok { "ok" } else { "FAIL" },
                c.name,
                c.detail
            )?;
        }
        writeln!(
            f,
            "  verdict: {}",
            if self.passed() { "PASS" } else { "FAIL" }
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::plan::Shares;

    const SHARES: Shares = Shares {
        duplicate: 0,
        fail: 2_000,
        late: 2_000,
        answer: 0,
    };

    /// A ledger where every event ran exactly as the rule says.
    fn as_planned(plan: &Plan, n: u64) -> Ledger {
        let ledger = Ledger::new(n as usize);
        for i in 0..n {
            let slot = ledger.slot(i).unwrap();
            let fails = u16::from(plan.fate(i) == Fate::FailOnce);
            slot.started.store(1 + fails, Ordering::Relaxed);
            slot.failed.store(fails, Ordering::Relaxed);
            slot.succeeded.store(1, Ordering::Relaxed);
        }
        ledger
    }

    fn first(plan: &Plan, fate: Fate) -> u64 {
        (0..).find(|&i| plan.fate(i) == fate).unwrap()
    }

    #[test]
    fn reconciliation_finds_each_kind_of_fault() {
        let plan = Plan::new(11, SHARES, 10);
        let n = 200;
        let normal = first(&plan, Fate::Normal);
        let failing = first(&plan, Fate::FailOnce);
        type Tamper = fn(&Ledger, u64, u64);
        type Expect = fn(&Handling) -> bool;
        let cases: [(&str, Tamper, Expect); 5] = [
            (
                "as planned",
                |_, _, _| {},
                |h| {
                    h.handled_once == h.events
                        && h.extra_runs == 0
                        && h.failure_mismatch == 0
                        && h.examples.is_empty()
                },
            ),
            (
                "a duplicate ran the handler",
                |l, normal, _| {
                    let s = l.slot(normal).unwrap();
                    s.started.fetch_add(1, Ordering::Relaxed);
                    s.succeeded.fetch_add(1, Ordering::Relaxed);
                },
                |h| h.handled_more == 1 && h.extra_runs == 1 && h.examples.len() == 1,
            ),
            (
                "an event was lost",
                |l, normal, _| {
                    l.slot(normal)
                        .unwrap()
                        .succeeded
                        .store(0, Ordering::Relaxed);
                },
                |h| h.never_handled == 1 && h.handled_once == h.events - 1,
            ),
            (
                "a fail-once event never failed",
                |l, _, failing| {
                    let s = l.slot(failing).unwrap();
                    s.failed.store(0, Ordering::Relaxed);
                    s.started.store(1, Ordering::Relaxed);
                },
                |h| h.failure_mismatch == 1 && h.extra_runs == 0,
            ),
            (
                "a run started and never finished",
                |l, normal, _| {
                    l.slot(normal)
                        .unwrap()
                        .started
                        .fetch_add(1, Ordering::Relaxed);
                },
                |h| h.extra_runs == 1 && h.handled_once == h.events,
            ),
        ];
        for (name, tamper, expect) in cases {
            let ledger = as_planned(&plan, n);
            tamper(&ledger, normal, failing);
            let h = Handling::reconcile(&ledger, &plan, n, Route::Events);
            assert!(expect(&h), "{name}: {h:?}");
        }
    }

    fn passing_report() -> Report {
        let plan = Plan::new(11, SHARES, 10);
        let ledger = as_planned(&plan, 100);
        let handling =
            [Route::Events, Route::Answer].map(|r| Handling::reconcile(&ledger, &plan, 100, r));
        let late = handling[0].late_events + handling[1].late_events;
        let minute = |p99_us| MinuteFigures {
            count: 100,
            p50_us: 500,
            p99_us,
            max_us: p99_us,
            at_budget: 0,
            outage: false,
            rss_max_kib: 10,
        };
        Report {
            new_events: 100,
            duplicates_concurrent: 10,
            duplicates_later: 15,
            acknowledged: 125,
            late_started: late,
            late_completed: late,
            handling,
            drained: true,
            minutes: vec![minute(2_000), minute(3_000), minute(2_500), minute(90_000)],
            memory: Memory {
                max_kib: 10,
                bound_kib: 20,
                ..Memory::default()
            },
            ..Report::default()
        }
    }

    #[test]
    fn a_faithful_run_passes_and_each_failed_check_fails_it() {
        assert!(passing_report().passed(), "{}", passing_report());
        type Spoil = fn(&mut Report);
        let cases: [(&str, Spoil); 7] = [
            ("abandoned delivery", |r| r.gave_up = 1),
            ("unacknowledged delivery", |r| r.acknowledged -= 1),
            ("late handler not completed", |r| r.late_completed -= 1),
            ("not drained", |r| r.drained = false),
            ("memory over the bound", |r| r.memory.max_kib = 21),
            ("a slow full minute", |r| r.minutes[1].p99_us = 60_000),
            ("an unknown event", |r| r.unknown = 1),
        ];
        for (name, spoil) in cases {
            let mut report = passing_report();
            spoil(&mut report);
            assert!(!report.passed(), "{name} passed:\n{report}");
        }
    }

    #[test]
    fn the_last_partial_minute_and_outage_minutes_do_not_count_for_flatness() {
        let mut report = passing_report();
        report.minutes[1].p99_us = 900_000;
        report.minutes[1].outage = true;
        assert!(report.passed(), "{report}");
    }
}
