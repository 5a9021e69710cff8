use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::builder::ReceiverBuilder;
use super::reply::Reply;
use super::stats::{Stats, StatsSnapshot};
use super::ticket::Ticket;
use crate::auth::{Auth, Verification};
use crate::deadline::{Fallback, Tracker, within};
use crate::dedup::{Claim, DedupKey, DedupStore, FirstBlocks, KeyFn, KeyParts, WaitOutcome};
use crate::event::Event;
use crate::{Inbound, Provider, Rejection};

/// How a route answers: the provider waits for VoxML, or only for an acknowledgement.
///
/// The route, not the event, decides: TryVox sends `call.answered` both to
/// its answer URL (which needs VoxML) and to its status callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// The provider waits for a VoxML document that controls the call. At
    /// the budget the route answers its [`Fallback`].
    Answer,
    /// Informational: a quick 2xx. At the budget the route answers 503
    /// `Retry-After: 1`, so the provider retries (nothing lost).
    Events,
    /// Informational, acknowledged at once with `200`; the handler runs in
    /// the tracked background. **Its failures cannot be retried by the
    /// provider**: they are reported through
    /// [`ReceiverBuilder::on_background_failure`] and `tracing` only.
    AcknowledgeFirst,
}

impl Mode {
    /// Whether this is an informational (events) mode.
    pub const fn is_events(self) -> bool {
        !matches!(self, Mode::Answer)
    }
}

/// A background handler that failed (reported to
/// [`ReceiverBuilder::on_background_failure`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackgroundFailure {
    /// The provider of the route.
    pub provider: Provider,
    /// The delivery's dedup key.
    pub key: DedupKey,
    /// Whether the handler panicked (otherwise it returned a failure).
    pub panicked: bool,
    /// Whether it was an acknowledge-first delivery (its failure cannot be retried).
    pub acknowledged_first: bool,
}

/// What the handler can know about the delivery it is handling.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryMeta {
    /// The provider of the route.
    pub provider: Provider,
    /// The route's mode.
    pub mode: Mode,
    /// The dedup key of this delivery.
    pub key: DedupKey,
    /// How many earlier deliveries of this event ran a handler that failed.
    pub prior_failures: u32,
    /// Which scheme and which secret (by index) authenticated the request.
    pub verification: Verification,
    /// When the route's budget runs out.
    pub deadline: Instant,
}

impl DeliveryMeta {
    /// Whether the dedup store has seen this event fail before (this is a retry).
    pub fn is_retry_after_failure(&self) -> bool {
        self.prior_failures > 0
    }

    /// Time left before the budget runs out.
    pub fn time_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// The outcome of [`Receiver::admit`].
#[derive(Debug)]
pub enum Admission {
    /// A fresh delivery: run the handler with the event, then settle the ticket.
    Run(Admitted),
    /// Answer this at once (a duplicate replayed from the store, or what the
    /// route gives at its budget). The handler must not run.
    Respond(Reply),
}

/// A delivery that owns its dedup claim and must run the handler.
#[derive(Debug)]
#[non_exhaustive]
pub struct Admitted {
    /// The verified, decoded event.
    pub event: Event,
    /// Metadata for the handler.
    pub meta: DeliveryMeta,
    /// The claim, to run under the deadline and settle.
    pub ticket: Ticket,
}

pub(crate) struct Inner {
    pub(crate) provider: Provider,
    pub(crate) auth: Auth,
    pub(crate) store: Arc<dyn DedupStore>,
    pub(crate) budget: Duration,
    pub(crate) fallback: Fallback,
    pub(crate) body_limit: usize,
    pub(crate) completed_ttl: Duration,
    pub(crate) late_grace: Duration,
    pub(crate) key_fn: Option<KeyFn>,
    pub(crate) key_blocks: FirstBlocks,
    pub(crate) fail_open: bool,
    pub(crate) tracker: Tracker,
    pub(crate) stats: Stats,
    pub(crate) on_background_failure: Option<super::builder::FailureCallback>,
}

/// A provider endpoint's receiving pipeline: built once, cheap to clone,
/// `Send + Sync`.
///
/// It does not run your handler itself (actix handlers are not `Send`):
/// adapters call [`Receiver::admit`] (authenticate → decode → claim), run
/// the handler under the deadline with the [`Ticket`], which settles the
/// claim (store the answer, or release it so the provider's retry runs).
///
/// ```
/// use voxhook_core::{Inbound, Provider, auth::Auth};
/// use voxhook_core::dedup::StoredAnswer;
/// use voxhook_core::pipeline::{Admission, Mode, Outcome, Receiver};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let receiver = Receiver::builder(Provider::TryVox)
///     .auth(Auth::bearer(["s3cret"]))
///     .build()
///     .unwrap();
///
/// let headers = [("authorization", "Bearer s3cret"), ("content-type", "application/json")];
/// let body = br#"{"event":"call.ended","call_uuid":"c-1","status":"completed","duration":"12"}"#;
/// let req = Inbound::new("POST", "/tryvox/events", &headers, body);
///
/// let deadline = receiver.start();
/// let Admission::Run(delivery) = receiver.admit(Mode::Events, &req, deadline).await else {
///     panic!("a fresh delivery");
/// };
/// assert_eq!(delivery.event.kind(), "call.completed");
/// let reply = delivery.ticket.run(async { Outcome::Answer(StoredAnswer::ack()) }).await;
/// assert_eq!(reply.status(), 200);
///
/// // The provider retries: the stored answer is replayed, the handler does not run.
/// let Admission::Respond(replay) = receiver.admit(Mode::Events, &req, receiver.start()).await else {
///     panic!("a duplicate");
/// };
/// assert!(replay.is_replayed());
/// # }
/// ```
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

impl Receiver {
    /// Starts building a receiver for `provider`'s webhooks.
    pub fn builder(provider: Provider) -> ReceiverBuilder {
        ReceiverBuilder::new(provider)
    }

    pub(super) fn from_inner(inner: Inner) -> Self {
        Receiver {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The provider this receiver answers.
    pub fn provider(&self) -> Provider {
        self.inner.provider
    }

    /// The budget of its routes.
    pub fn budget(&self) -> Duration {
        self.inner.budget
    }

    /// The largest accepted body, in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The auth chain.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The background-work tracker (for graceful shutdown and monitoring).
    pub fn tracker(&self) -> &Tracker {
        &self.inner.tracker
    }

    /// A copy of the counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.inner.stats.snapshot()
    }

    /// Starts the budget of a request that just arrived: returns its deadline.
    pub fn start(&self) -> Instant {
        Instant::now() + self.inner.budget
    }

    /// Checks a declared `Content-Length` against the body limit, before the
    /// body is read.
    ///
    /// # Errors
    ///
    /// [`Rejection::PayloadTooLarge`] when the declared length is over the limit.
    pub fn check_content_length(&self, declared: Option<u64>) -> Result<(), Rejection> {
        match declared {
            Some(len) if len > self.inner.body_limit as u64 => {
                self.note_rejection(&Rejection::PayloadTooLarge);
                Err(Rejection::PayloadTooLarge)
            }
            _ => Ok(()),
        }
    }

    /// What a route in `mode` answers when the budget runs out: the fallback
    /// on an answer route, 503 `deadline` on an events route.
    pub fn budget_reply(&self, mode: Mode) -> Reply {
        self.inner.stats.deadline_miss();
        match mode {
            Mode::Answer => match self.inner.fallback.answer(self.inner.provider) {
                Some(answer) => Reply::answer(answer),
                None => Reply::Rejected(Rejection::Deadline),
            },
            Mode::Events | Mode::AcknowledgeFirst => Reply::Rejected(Rejection::Deadline),
        }
    }

    /// Records a rejection the adapter produced itself (e.g. a 413 while
    /// reading the body), so the counters stay complete.
    pub fn note_rejection(&self, rejection: &Rejection) {
        self.inner.stats.rejection(rejection);
        tracing::debug!(target: "voxhook::rejection", provider = %self.inner.provider, kind = rejection.kind(), "rejected");
    }

    fn reject(&self, rejection: Rejection) -> Admission {
        self.note_rejection(&rejection);
        Admission::Respond(Reply::Rejected(rejection))
    }

    /// Admits one request: authenticate, decode, claim.
    ///
    /// The route's path (`req.path()`) is part of the dedup key, so the same
    /// event delivered to two routes is handled once per route. A rejected
    /// request never reaches the handler and never creates a dedup entry.
    pub async fn admit(&self, mode: Mode, req: &Inbound<'_>, deadline: Instant) -> Admission {
        let inner = &*self.inner;
        inner.stats.delivery();
        if req.body().len() > inner.body_limit {
            return self.reject(Rejection::PayloadTooLarge);
        }
        if inner.tracker.is_closed() || !inner.tracker.has_room() {
            return self.reject(Rejection::Overloaded);
        }

        let verification = match within(deadline, inner.auth.verify(req)).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                tracing::debug!(target: "voxhook::rejection", provider = %inner.provider, reason = %e, "authentication failed");
                return self.reject(e.rejection());
            }
            Err(_) => return Admission::Respond(self.budget_reply(mode)),
        };

        let event = match crate::dialect::decode(inner.provider, req) {
            Ok(event) => event,
            Err(e) => {
                tracing::debug!(target: "voxhook::rejection", provider = %inner.provider, reason = %e, "decode failed");
                return self.reject(e.rejection());
            }
        };

        let key = self.key_for(req, &event, &verification);
        let lease = inner.budget + inner.late_grace;
        // An in-memory store answers at once, without a boxed future. The
        // result is matched in place, not bound: a binding would take its own
        // room in this future across the await.
        // One clock reading for the claim and, through the ticket, its settle.
        let now = Instant::now();
        let claim = match if let Some(claimed) = inner.store.claim_now(&key, lease, now) {
            Ok(claimed)
        } else {
            within(deadline, inner.store.claim(&key, lease)).await
        } {
            Err(_) => return Admission::Respond(self.budget_reply(mode)),
            Ok(Err(e)) if inner.fail_open => {
                tracing::warn!(target: "voxhook::dedup", provider = %inner.provider, error = %e, "dedup store unavailable; failing open");
                return self.run(mode, event, key, None, 0, verification, deadline, now);
            }
            Ok(Err(e)) => {
                tracing::warn!(target: "voxhook::dedup", provider = %inner.provider, error = %e, "dedup store unavailable; failing closed");
                return self.reject(Rejection::StoreUnavailable);
            }
            Ok(Ok(claim)) => claim,
        };
        tracing::debug!(target: "voxhook::dedup", provider = %inner.provider, kind = event.kind(), call_id = event.call_id(), %key, claim = ?ClaimKind::of(&claim), "claimed");

        match claim {
            Claim::Fresh {
                token,
                prior_failures,
            } => self.run(
                mode,
                event,
                key,
                Some(token),
                prior_failures,
                verification,
                deadline,
                now,
            ),
            Claim::Done(answer) => {
                inner.stats.duplicate();
                Admission::Respond(Reply::Answer {
                    answer,
                    replayed: true,
                })
            }
            Claim::InFlight => match within(deadline, inner.store.wait(&key)).await {
                Ok(Ok(WaitOutcome::Done(answer))) => {
                    inner.stats.duplicate();
                    Admission::Respond(Reply::Answer {
                        answer,
                        replayed: true,
                    })
                }
                Ok(Ok(WaitOutcome::Released)) => self.reject(Rejection::InFlight),
                Ok(Err(_)) => self.reject(Rejection::StoreUnavailable),
                Err(_) => Admission::Respond(self.budget_reply(mode)),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        mode: Mode,
        event: Event,
        key: DedupKey,
        token: Option<crate::dedup::LeaseToken>,
        prior_failures: u32,
        verification: Verification,
        deadline: Instant,
        claimed_at: Instant,
    ) -> Admission {
        let meta = DeliveryMeta {
            provider: self.inner.provider,
            mode,
            key,
            prior_failures,
            verification,
            deadline,
        };
        Admission::Run(Admitted {
            event,
            meta,
            ticket: Ticket::new(self.clone(), key, token, mode, deadline, claimed_at),
        })
    }

    fn key_for(&self, req: &Inbound<'_>, event: &Event, verification: &Verification) -> DedupKey {
        let parts = KeyParts {
            route: req.path(),
            provider: self.inner.provider,
            delivery_id: verification.delivery_id.as_deref().or(event.delivery_id()),
            event_id: event.event_id(),
            kind: event.kind(),
            status: event.status_str(),
            repeatable: event.is_repeatable(),
            body: req.body(),
        };
        match &self.inner.key_fn {
            Some(f) => f(&parts),
            None => DedupKey::derive_cached(&parts, &self.inner.key_blocks),
        }
    }

    /// Waits for background handlers to finish (graceful shutdown), up to
    /// `timeout`; new deliveries are refused with 503 from now on. Returns
    /// `true` when everything finished in time.
    pub async fn drain(&self, timeout: Duration) -> bool {
        self.inner.tracker.drain(timeout).await
    }
}

/// Waits for every receiver's running handlers (in time, late and
/// acknowledge-first) to finish, up to `timeout` in total; from now on those
/// receivers refuse new deliveries with 503 `overloaded`. Returns `true`
/// when everything finished in time.
///
/// The adapters' graceful shutdowns call it after the server stops
/// accepting (`voxhook_axum::shutdown::drain` and
/// `voxhook_actix::shutdown::drain` are this function).
///
/// ```
/// use std::time::Duration;
/// use voxhook_core::{Provider, auth::Auth, pipeline::{self, Receiver}};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let r = Receiver::builder(Provider::TryVox).auth(Auth::none()).build().unwrap();
/// assert!(pipeline::drain([&r], Duration::from_secs(10)).await);
/// # }
/// ```
pub async fn drain<'a>(
    receivers: impl IntoIterator<Item = &'a Receiver>,
    timeout: Duration,
) -> bool {
    let until = Instant::now() + timeout;
    let mut all = true;
    for receiver in receivers {
        let left = until.saturating_duration_since(Instant::now());
        all &= receiver.drain(left).await;
    }
    all
}

#[derive(Debug)]
enum ClaimKind {
    Fresh,
    Done,
    InFlight,
}

impl ClaimKind {
    fn of(c: &Claim) -> Self {
        match c {
            Claim::Fresh { .. } => ClaimKind::Fresh,
            Claim::Done(_) => ClaimKind::Done,
            Claim::InFlight => ClaimKind::InFlight,
        }
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("provider", &self.inner.provider)
            .field("auth", &self.inner.auth)
            .field("store", &self.inner.store)
            .field("budget", &self.inner.budget)
            .field("fallback", &self.inner.fallback)
            .field("body_limit", &self.inner.body_limit)
            .field("tracker", &self.inner.tracker)
            .finish_non_exhaustive()
    }
}
