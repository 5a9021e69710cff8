//! What happens to each event and each delivery: decided by a hash of its
//! number and the run's seed, so a run can be replayed and a handler can
//! tell an event's fate from its id alone.

/// Shares are in basis points (1 % = 100).
pub const BASIS: u64 = 10_000;

/// What the handler does with an event, the first time it runs for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Succeeds at once (after the simulated work).
    Normal,
    /// Fails on its first run (500), succeeds on every later one.
    FailOnce,
    /// Runs past the route's budget on its first run, then succeeds.
    Late,
}

/// Which route an event is delivered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// VoxPria status events (`t=,v1=` signature): an events route.
    Events,
    /// TryVox answer URL (bearer token): an answer route (VoxML).
    Answer,
}

/// One delivery the client sends (first attempt; retries follow on failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The first delivery of a new event.
    New(u64),
    /// A re-send of an event already sent.
    Duplicate {
        /// The event re-sent.
        event: u64,
        /// Re-sent right behind the newest event (while its handler runs),
        /// rather than one from the last `recent_window` events.
        concurrent: bool,
    },
}

/// The shares of a run, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    /// Deliveries that re-send an earlier event (half of them concurrently).
    pub duplicate: u32,
    /// Events whose handler fails on its first run.
    pub fail: u32,
    /// Events whose handler is late on its first run.
    pub late: u32,
    /// New events sent to the answer route (the rest go to the events route).
    pub answer: u32,
}

/// The deterministic plan of a run.
#[derive(Debug, Clone)]
pub struct Plan {
    seed: u64,
    shares: Shares,
    recent_window: u64,
}

const FATE: u64 = 0x9e37_79b9_7f4a_7c15;
const ROUTE: u64 = 0xc2b2_ae3d_27d4_eb4f;
const KIND: u64 = 0x1656_67b1_9e37_79f9;
const PICK: u64 = 0x27d4_eb2f_1656_67c5;

impl Plan {
    /// A plan; a later duplicate re-sends one of the last `recent_window` events.
    pub fn new(seed: u64, shares: Shares, recent_window: u64) -> Self {
        Plan {
            seed,
            shares,
            recent_window: recent_window.max(1),
        }
    }

    fn roll(&self, salt: u64, n: u64) -> u64 {
        mix(self.seed ^ salt ^ mix(n))
    }

    /// The fate of event `event`.
    pub fn fate(&self, event: u64) -> Fate {
        let r = self.roll(FATE, event) % BASIS;
        let fail = u64::from(self.shares.fail);
        if r < fail {
            Fate::FailOnce
        } else if r < fail + u64::from(self.shares.late) {
            Fate::Late
        } else {
            Fate::Normal
        }
    }

    /// The route of event `event`.
    pub fn route(&self, event: u64) -> Route {
        if self.roll(ROUTE, event) % BASIS < u64::from(self.shares.answer) {
            Route::Answer
        } else {
            Route::Events
        }
    }

    /// Delivery number `seq`, when `issued` new events have been sent so far.
    pub fn delivery(&self, seq: u64, issued: u64) -> Delivery {
        let r = self.roll(KIND, seq) % BASIS;
        let dup = u64::from(self.shares.duplicate);
        if issued == 0 || r >= dup {
            return Delivery::New(issued);
        }
        if r < dup / 2 {
            return Delivery::Duplicate {
                event: issued - 1,
                concurrent: true,
            };
        }
        let back = self.roll(PICK, seq) % issued.min(self.recent_window);
        Delivery::Duplicate {
            event: issued - 1 - back,
            concurrent: false,
        }
    }
}

/// splitmix64's finalizer: a cheap, well-spread 64-bit mix.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARES: Shares = Shares {
        duplicate: 2_000,
        fail: 100,
        late: 100,
        answer: 2_000,
    };

    #[test]
    fn shares_come_out_near_their_setting() {
        let plan = Plan::new(7, SHARES, 1_000);
        let n = 200_000_u64;
        let count = |f: &dyn Fn(u64) -> bool| (0..n).filter(|&i| f(i)).count() as f64 / n as f64;
        let cases: [(&str, f64, f64); 4] = [
            ("fail", count(&|i| plan.fate(i) == Fate::FailOnce), 0.01),
            ("late", count(&|i| plan.fate(i) == Fate::Late), 0.01),
            ("answer", count(&|i| plan.route(i) == Route::Answer), 0.20),
            (
                "duplicate",
                count(&|i| !matches!(plan.delivery(i, 1_000), Delivery::New(_))),
                0.20,
            ),
        ];
        for (name, got, want) in cases {
            assert!((got - want).abs() < want * 0.1, "{name}: {got} vs {want}");
        }
    }

    #[test]
    fn duplicates_name_an_event_already_sent() {
        let plan = Plan::new(1, SHARES, 50);
        for issued in [1_u64, 2, 10, 10_000] {
            for seq in 0..5_000 {
                match plan.delivery(seq, issued) {
                    Delivery::New(e) => assert_eq!(e, issued, "new is the next event"),
                    Delivery::Duplicate { event, concurrent } => {
                        assert!(event < issued, "issued {issued}: {event}");
                        assert!(issued - event <= 50, "within the window: {event}");
                        if concurrent {
                            assert_eq!(event, issued - 1);
                        }
                    }
                }
            }
        }
        assert_eq!(
            plan.delivery(0, 0),
            Delivery::New(0),
            "nothing to duplicate yet"
        );
    }

    #[test]
    fn the_plan_is_a_function_of_the_seed() {
        let a = Plan::new(3, SHARES, 100);
        let b = Plan::new(3, SHARES, 100);
        let c = Plan::new(4, SHARES, 100);
        let fates = |p: &Plan| (0..2_000).map(|i| p.fate(i)).collect::<Vec<_>>();
        assert_eq!(fates(&a), fates(&b));
        assert_ne!(fates(&a), fates(&c));
    }
}
