use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;
use tracing::instrument::Instrumented;

use super::receiver::{BackgroundFailure, Mode, Receiver};
use super::reply::Reply;
use crate::deadline::{CatchUnwind, TrackerSlot, within};
use crate::dedup::{DedupKey, LeaseToken, StoreError, StoredAnswer};
use crate::{Provider, Rejection};

/// What the handler produced, as the adapter saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The handler answered. A 2xx answer is stored for duplicates; any
    /// other status is passed through and releases the claim, so the
    /// provider's retry runs the handler again.
    Answer(StoredAnswer),
    /// The handler answered with a [`Rejection`] of its own (e.g. an
    /// extractor's): like any non-2xx answer it releases the claim, and the
    /// rejection is sent whole, headers (`WWW-Authenticate`, `Retry-After`)
    /// included.
    Rejected(Rejection),
    /// The handler failed (an error with no response of its own): the claim
    /// is released and the provider gets 500 `handler_failed`.
    Failed,
}

/// The claim of one fresh delivery: run the handler under the deadline with
/// [`Ticket::run`] (or [`Ticket::run_local`] for `!Send` handlers), or drive
/// it yourself and call [`Ticket::settle`].
///
/// A ticket dropped without being settled (e.g. the client went away and the
/// adapter's future was dropped) releases its claim in the background, so
/// the provider's retry is processed.
pub struct Ticket {
    receiver: Receiver,
    key: DedupKey,
    token: Option<LeaseToken>,
    mode: Mode,
    deadline: Instant,
    /// The clock reading the claim was made at, reused to settle it in time
    /// (one reading per delivery; it is in the past, so it never makes a
    /// live lease look expired).
    claimed_at: Instant,
}

/// The handler's future as the ticket runs it: boxed once (so it can move to
/// the background at the budget without being copied), panics caught, in
/// its tracing span.
type Handler<F> = Instrumented<CatchUnwind<F>>;

impl Ticket {
    pub(super) fn new(
        receiver: Receiver,
        key: DedupKey,
        token: Option<LeaseToken>,
        mode: Mode,
        deadline: Instant,
        claimed_at: Instant,
    ) -> Self {
        Ticket {
            receiver,
            key,
            token,
            mode,
            deadline,
            claimed_at,
        }
    }

    /// When the budget runs out.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The route's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The receiver this ticket belongs to.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    /// Runs a `Send` handler future under the deadline on the current tokio
    /// runtime and returns the reply to send.
    ///
    /// In time, the handler's answer is settled and returned. At the budget,
    /// the route's budget reply is returned and the handler keeps running in
    /// the tracked background; it settles its claim when it finishes. A
    /// panicking handler releases its claim and yields 500.
    pub fn run<F>(self, handler: F) -> impl Future<Output = Reply> + Send + 'static
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        // Boxed before the returned future exists, so the handler's state is
        // moved once (straight into the box), not with every future that
        // awaits this one.
        let fut = self.boxed(Box::pin(handler));
        async move {
            if self.mode == Mode::AcknowledgeFirst {
                let slot = self.receiver.tracker().acquire();
                tokio::spawn(self.finish_in_background(fut, slot));
                return Reply::answer(StoredAnswer::ack());
            }
            let late = |ticket: Ticket, fut| {
                let slot = ticket.receiver.tracker().acquire();
                tokio::spawn(ticket.finish_in_background(fut, slot));
            };
            self.race(fut, late).await
        }
    }

    /// Like [`Ticket::run`] for a handler future that is not `Send` (actix):
    /// late and background work is spawned with `tokio::task::spawn_local`,
    /// so this must run inside a `LocalSet` (every actix worker is one).
    pub fn run_local<F>(self, handler: F) -> impl Future<Output = Reply> + 'static
    where
        F: Future<Output = Outcome> + 'static,
    {
        let fut = self.boxed(Box::pin(handler));
        async move {
            if self.mode == Mode::AcknowledgeFirst {
                let slot = self.receiver.tracker().acquire();
                tokio::task::spawn_local(self.finish_in_background(fut, slot));
                return Reply::answer(StoredAnswer::ack());
            }
            let late = |ticket: Ticket, fut| {
                let slot = ticket.receiver.tracker().acquire();
                tokio::task::spawn_local(ticket.finish_in_background(fut, slot));
            };
            self.race(fut, late).await
        }
    }

    /// The boxed handler with panics caught, in its tracing span. The span
    /// wraps the box rather than sitting in it, so the handler's future is
    /// not moved into the span's wrapper first.
    fn boxed<F: Future<Output = Outcome>>(&self, handler: Pin<Box<F>>) -> Handler<F> {
        let span = tracing::debug_span!("voxhook.handler", provider = %self.receiver.provider(), key = %self.key, mode = ?self.mode);
        CatchUnwind::new(handler).instrument(span)
    }

    // `race` and `settle` return async blocks rather than being `async fn`s:
    // an `async fn` keeps a second copy of its arguments in its state, and
    // these futures are part of the one the adapters box on every request.
    //
    // In time, the handler's outcome is settled here; at the budget, `late`
    // gets the ticket and the handler to finish in the background (spawned
    // on the runtime `run` or `run_local` uses) and the budget reply is sent.
    #[allow(clippy::manual_async_fn)]
    fn race<F, L>(self, mut fut: Handler<F>, late: L) -> impl Future<Output = Reply>
    where
        F: Future<Output = Outcome>,
        L: FnOnce(Ticket, Handler<F>),
    {
        async move {
            let outcome = match within(self.deadline, &mut fut).await {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(())) => {
                    tracing::error!(target: "voxhook::handler", provider = %self.receiver.provider(), key = %self.key, "handler panicked");
                    Outcome::Failed
                }
                Err(_) => {
                    tracing::warn!(target: "voxhook::deadline", provider = %self.receiver.provider(), key = %self.key, "handler missed the budget; answering at the budget, handler continues");
                    let reply = self.receiver.budget_reply(self.mode);
                    late(self, fut);
                    return reply;
                }
            };
            self.settle(outcome).await
        }
    }

    /// Finishes a handler in the background: renews the lease while it
    /// runs, settles with its result, reports failures.
    async fn finish_in_background<F: Future<Output = Outcome>>(
        self,
        mut fut: Handler<F>,
        slot: TrackerSlot,
    ) {
        let receiver = self.receiver.clone();
        let inner = receiver.inner();
        let lease = inner.budget + inner.late_grace;
        // Renew at once (the claim's lease started when the request arrived,
        // a budget ago), then at half the lease, so a retry never finds a live
        // handler's claim expired.
        let mut renew = tokio::time::interval(lease / 2);
        let result = loop {
            tokio::select! {
                r = &mut fut => break r,
                _ = renew.tick() => {
                    if let Some(token) = self.token {
                        match inner.store.renew(&self.key, token, lease).await {
                            Ok(true) => {}
                            Ok(false) => tracing::warn!(target: "voxhook::dedup", key = %self.key, "lost the in-flight lease of a running handler"),
                            Err(e) => tracing::warn!(target: "voxhook::dedup", key = %self.key, error = %e, "could not renew a lease"),
                        }
                    }
                }
            }
        };
        let (outcome, panicked) = match result {
            Ok(outcome) => (outcome, false),
            Err(()) => (Outcome::Failed, true),
        };
        let failed = !matches!(&outcome, Outcome::Answer(a) if is_success(a.status));
        let failure = BackgroundFailure {
            provider: inner.provider,
            key: self.key,
            panicked,
            acknowledged_first: self.mode == Mode::AcknowledgeFirst,
        };
        // Read now: the handler ran past its budget, maybe long past.
        self.settle_at(outcome, Instant::now()).await;
        if failed {
            inner.stats.background_failure();
            tracing::error!(target: "voxhook::handler", provider = %failure.provider, key = %failure.key, panicked, acknowledged_first = failure.acknowledged_first, "background handler failed");
            if let Some(cb) = &inner.on_background_failure {
                cb(&failure);
            }
        }
        drop(slot);
    }

    /// Settles the claim with the handler's outcome and returns the reply to
    /// send: a 2xx answer is stored for duplicates (for Vobiz, any 2xx is sent
    /// and stored as 200, the only status it accepts); anything else releases
    /// the claim so the provider's retry runs the handler again.
    pub fn settle(self, outcome: Outcome) -> impl Future<Output = Reply> + Send + 'static {
        let at = self.claimed_at;
        self.settle_at(outcome, at)
    }

    /// [`Ticket::settle`] with the store's clock read as `now` (never in the future).
    #[allow(clippy::manual_async_fn)] // see `race`
    fn settle_at(
        mut self,
        outcome: Outcome,
        now: Instant,
    ) -> impl Future<Output = Reply> + Send + 'static {
        async move {
            // Taken when first polled, as before: a settle dropped unpolled
            // leaves the token to `Drop`, which releases the claim.
            let token = self.token.take();
            let (reply, store) = self.reply_for(outcome);
            if let Some(token) = token {
                let write = match &reply {
                    Reply::Answer { answer, .. } if store => Write::Complete(answer),
                    _ => Write::Release,
                };
                let at = Settling {
                    receiver: &self.receiver,
                    key: self.key,
                    token,
                    now,
                };
                if let Some(pending) = write.settle(at) {
                    pending.await;
                }
            }
            reply
        }
    }

    /// The reply for the handler's outcome, and whether its answer is
    /// stored for duplicates (otherwise the claim is released).
    fn reply_for(&self, outcome: Outcome) -> (Reply, bool) {
        let inner = self.receiver.inner();
        tracing::debug!(
            target: "voxhook::delivery",
            provider = %inner.provider,
            key = %self.key,
            status = match &outcome { Outcome::Answer(a) => a.status, Outcome::Rejected(r) => r.status(), Outcome::Failed => 500 },
            latency_us = (self.deadline - inner.budget).elapsed().as_micros() as u64,
            deadline_hit = Instant::now() >= self.deadline,
            "settled"
        );
        match outcome {
            Outcome::Answer(mut answer) if is_success(answer.status) => {
                if inner.provider == Provider::Vobiz {
                    answer.status = 200;
                }
                inner.stats.handled();
                (Reply::answer(answer), true)
            }
            other => {
                inner.stats.handler_failure();
                let reply = match other {
                    Outcome::Answer(answer) => Reply::answer(answer),
                    Outcome::Rejected(rejection) => Reply::Rejected(rejection),
                    Outcome::Failed => {
                        inner.stats.rejection(&Rejection::HandlerFailed);
                        Reply::Rejected(Rejection::HandlerFailed)
                    }
                };
                (reply, false)
            }
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The store write that settles a claim.
#[derive(Debug, Clone, Copy)]
enum Write<'a> {
    /// The handler succeeded: store its answer for duplicates.
    Complete(&'a StoredAnswer),
    /// The handler failed or never ran: free the key for the retry.
    Release,
}

/// Which claim a [`Write`] settles, and the clock reading to settle it at.
#[derive(Clone, Copy)]
struct Settling<'a> {
    receiver: &'a Receiver,
    key: DedupKey,
    token: LeaseToken,
    now: Instant,
}

/// A store write still under way (a networked store's round trip).
type Pending<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

impl<'a> Write<'a> {
    /// The store's answer at once, when it can give one without I/O
    /// (`complete_now` / `release_now`).
    fn apply_now(self, at: Settling<'_>) -> Option<Result<bool, StoreError>> {
        let inner = at.receiver.inner();
        match self {
            Write::Complete(answer) => {
                inner
                    .store
                    .complete_now(&at.key, at.token, answer, inner.completed_ttl, at.now)
            }
            Write::Release => inner.store.release_now(&at.key, at.token, at.now),
        }
    }

    /// The write through the store's future.
    async fn apply_later(self, at: Settling<'_>) -> Result<bool, StoreError> {
        let inner = at.receiver.inner();
        match self {
            Write::Complete(answer) => {
                let answer = answer.clone();
                let ttl = inner.completed_ttl;
                inner.store.complete(&at.key, at.token, answer, ttl).await
            }
            Write::Release => inner.store.release(&at.key, at.token).await,
        }
    }

    /// Applies the write once. `Ok(false)` (the lease is no longer ours:
    /// expired and taken over, or an earlier attempt whose reply was lost
    /// already applied it) is logged, not retried.
    async fn apply(self, at: Settling<'_>) -> Result<(), StoreError> {
        let owned = match self.apply_now(at) {
            Some(owned) => owned,
            None => self.apply_later(at).await,
        }?;
        lost_lease(at.key, owned);
        Ok(())
    }

    /// Settles the claim, and retries the write in the tracked background
    /// when the store cannot take it. Done at once when the store answers
    /// without I/O; otherwise returns the write under way, boxed: next to a
    /// network round trip the allocation is nothing, and it keeps the
    /// in-memory path's futures (which the adapters move and box) small.
    fn settle(self, at: Settling<'a>) -> Option<Pending<'a>> {
        match self.apply_now(at) {
            Some(result) => {
                self.settled(at, result);
                None
            }
            None => Some(Box::pin(async move {
                let result = self.apply_later(at).await;
                self.settled(at, result);
            })),
        }
    }

    fn settled(self, at: Settling<'_>, result: Result<bool, StoreError>) {
        let key = at.key;
        let e = match result {
            Ok(owned) => return lost_lease(key, owned),
            Err(e) => e,
        };
        let answer = match self {
            Write::Complete(answer) => {
                tracing::warn!(target: "voxhook::dedup", %key, error = %e, "could not store the answer; retrying in the background");
                Some(answer.clone())
            }
            Write::Release => {
                tracing::warn!(target: "voxhook::dedup", %key, error = %e, "could not release a claim; retrying in the background");
                None
            }
        };
        retry_in_background(at.receiver, key, at.token, answer);
    }
}

fn lost_lease(key: DedupKey, owned: bool) {
    if !owned {
        tracing::warn!(target: "voxhook::dedup", %key, "the claim was no longer ours when settling it");
    }
}

/// First pause between background attempts of a settle write; it doubles.
const RETRY_FIRST: Duration = Duration::from_millis(50);
/// Longest pause between background attempts.
const RETRY_MAX: Duration = Duration::from_secs(1);

/// Retries a settle write the store could not take (unreachable, timed
/// out) in the tracked background, for as long as the lease can still hold
/// the key: `Some(answer)` completes, `None` releases. Without it, a
/// handler that succeeded while the store was down left its lease behind:
/// every duplicate waited on it until it expired, and the next duplicate
/// then ran the handler a second time (found by the soak harness with
/// Redis killed under load). A failed release likewise kept the provider's
/// retry waiting for the lease instead of running.
fn retry_in_background(
    receiver: &Receiver,
    key: DedupKey,
    token: LeaseToken,
    answer: Option<StoredAnswer>,
) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let receiver = receiver.clone();
    let slot = receiver.tracker().acquire();
    handle.spawn(async move {
        let inner = receiver.inner();
        let give_up = Instant::now() + inner.budget + inner.late_grace;
        let write = answer.as_ref().map_or(Write::Release, Write::Complete);
        let mut pause = RETRY_FIRST;
        loop {
            tokio::time::sleep(pause).await;
            let at = Settling {
                receiver: &receiver,
                key,
                token,
                now: Instant::now(),
            };
            match write.apply(at).await {
                Ok(()) => {
                    tracing::info!(target: "voxhook::dedup", %key, "settled the claim after the store came back");
                    break;
                }
                Err(e) if Instant::now() + pause < give_up => {
                    tracing::debug!(target: "voxhook::dedup", %key, error = %e, "store still unavailable for a settle write");
                    pause = (pause * 2).min(RETRY_MAX);
                }
                Err(e) => {
                    tracing::warn!(target: "voxhook::dedup", %key, error = %e, "gave up settling a claim; it expires with its lease");
                    break;
                }
            }
        }
        drop(slot);
    });
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            // Not settled: the adapter's future was dropped (client gone) or
            // the handler never ran. Release so the provider's retry is processed.
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                let receiver = self.receiver.clone();
                let key = self.key;
                handle.spawn(async move {
                    let at = Settling {
                        receiver: &receiver,
                        key,
                        token,
                        now: Instant::now(),
                    };
                    if let Some(pending) = Write::Release.settle(at) {
                        pending.await;
                    }
                });
            }
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("key", &self.key)
            .field("mode", &self.mode)
            .field("owned", &self.token.is_some())
            .finish_non_exhaustive()
    }
}
