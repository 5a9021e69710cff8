use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::receiver::{BackgroundFailure, Inner, Receiver};
use super::stats::Stats;
use crate::auth::Auth;
use crate::deadline::{Fallback, Tracker};
use crate::dedup::{DedupStore, FirstBlocks, KeyFn, MemoryStore};
use crate::{ConfigError, Provider};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// How long a completed delivery is remembered by default: 24 h, longer than
/// every provider's retry schedule (VoxPria's spans about 14 h).
pub const DEFAULT_COMPLETED_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a late handler may run past its budget before its in-flight lease
/// needs renewing (it is renewed while the handler is alive).
pub const DEFAULT_LATE_GRACE: Duration = Duration::from_secs(30);
/// The default bound on background (late and acknowledge-first) handlers.
pub const DEFAULT_MAX_BACKGROUND: usize = 1024;

pub(crate) type FailureCallback = Arc<dyn Fn(&BackgroundFailure) + Send + Sync>;

/// Builds a [`Receiver`]; see [`Receiver::builder`].
#[must_use]
pub struct ReceiverBuilder {
    provider: Provider,
    auth: Option<Auth>,
    store: Option<Arc<dyn DedupStore>>,
    budget: Option<Duration>,
    fallback: Fallback,
    body_limit: usize,
    completed_ttl: Duration,
    late_grace: Duration,
    key_fn: Option<KeyFn>,
    fail_open: bool,
    max_background: usize,
    on_background_failure: Option<FailureCallback>,
}

impl ReceiverBuilder {
    pub(super) fn new(provider: Provider) -> Self {
        ReceiverBuilder {
            provider,
            auth: None,
            store: None,
            budget: None,
            fallback: Fallback::DefaultVoxml,
            body_limit: DEFAULT_BODY_LIMIT,
            completed_ttl: DEFAULT_COMPLETED_TTL,
            late_grace: DEFAULT_LATE_GRACE,
            key_fn: None,
            fail_open: false,
            max_background: DEFAULT_MAX_BACKGROUND,
            on_background_failure: None,
        }
    }

    /// How requests are authenticated. Required: use [`Auth::none`] to
    /// accept unauthenticated requests, explicitly.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The dedup store (default: a [`MemoryStore`] with default settings).
    pub fn store(mut self, store: impl DedupStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// A dedup store already shared behind an `Arc` (e.g. by several receivers).
    pub fn shared_store(mut self, store: Arc<dyn DedupStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The budget of every route of this receiver (default:
    /// [`Provider::default_budget`]: 2.5 s for Vobiz, 4.5 s for the others).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// What an answer route sends at the budget (default: [`Fallback::DefaultVoxml`]).
    pub fn fallback(mut self, fallback: Fallback) -> Self {
        self.fallback = fallback;
        self
    }

    /// The largest body accepted, in bytes (default 1 MiB); larger ones get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a completed delivery's answer is kept for duplicates (default 24 h).
    pub fn completed_ttl(mut self, ttl: Duration) -> Self {
        self.completed_ttl = ttl;
        self
    }

    /// The in-flight lease is the budget plus this grace (default 30 s); a
    /// late handler renews it while it runs.
    pub fn late_grace(mut self, grace: Duration) -> Self {
        self.late_grace = grace;
        self
    }

    /// Derives dedup keys with your own function instead of the default rules.
    pub fn key_fn(mut self, key_fn: KeyFn) -> Self {
        self.key_fn = Some(key_fn);
        self
    }

    /// When the dedup store is unreachable, run the handler anyway (fail
    /// open) instead of answering 503 so the provider retries (fail closed,
    /// the default). Fail-open may process a retried delivery twice.
    pub fn fail_open(mut self, fail_open: bool) -> Self {
        self.fail_open = fail_open;
        self
    }

    /// The most background handlers (late or acknowledge-first) at once
    /// (default 1024); past it new deliveries get 503 `overloaded`.
    pub fn max_background(mut self, max: usize) -> Self {
        self.max_background = max;
        self
    }

    /// Called for every background handler that fails (a late handler, or
    /// an acknowledge-first one whose failure the provider can no longer retry).
    pub fn on_background_failure(
        mut self,
        callback: impl Fn(&BackgroundFailure) + Send + Sync + 'static,
    ) -> Self {
        self.on_background_failure = Some(Arc::new(callback));
        self
    }

    /// Builds the receiver.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Missing`] when no [`Auth`] was given; the [`Auth`]'s own
    /// configuration error (an empty secret, an invalid `whsec_` secret, ...);
    /// [`ConfigError::Invalid`] for a zero budget, body limit or background bound.
    pub fn build(self) -> Result<Receiver, ConfigError> {
        let auth = self.auth.ok_or(ConfigError::Missing(
            "auth (use Auth::none() to accept unauthenticated requests)",
        ))?;
        // An empty token or an invalid `whsec_` secret must fail at start-up,
        // not as a 500 on every request.
        auth.validate()?;
        let budget = self.budget.unwrap_or(self.provider.default_budget());
        if budget.is_zero() {
            return Err(ConfigError::Invalid {
                what: "budget",
                why: "must be greater than zero",
            });
        }
        if self.body_limit == 0 {
            return Err(ConfigError::Invalid {
                what: "body limit",
                why: "must be greater than zero",
            });
        }
        if self.max_background == 0 {
            return Err(ConfigError::Invalid {
                what: "max background handlers",
                why: "must be greater than zero",
            });
        }
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::default()));
        Ok(Receiver::from_inner(Inner {
            provider: self.provider,
            auth,
            store,
            budget,
            fallback: self.fallback,
            body_limit: self.body_limit,
            completed_ttl: self.completed_ttl,
            late_grace: self.late_grace,
            key_fn: self.key_fn,
            key_blocks: FirstBlocks::default(),
            fail_open: self.fail_open,
            tracker: Tracker::new(self.max_background),
            stats: Stats::default(),
            on_background_failure: self.on_background_failure,
        }))
    }
}

impl fmt::Debug for ReceiverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("provider", &self.provider)
            .field("auth", &self.auth)
            .field("budget", &self.budget)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}
